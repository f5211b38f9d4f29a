/**
 * What cli/simulate.ts and its worker processes say to each other, one JSON line at a time.
 *
 *   parent -> worker stdin:  the job (one line), then `go` once every worker is ready
 *   worker -> parent stdout: {"type":"ready"} once signed in, {"type":"summary",...} at the end;
 *                            any other line (--verbose) is printed by the parent as it comes
 *
 * The job carries the user's password, which is why it travels over a pipe and not in argv.
 */
import { z } from 'zod';
import { accountsPerUserMax, amountCentsMax } from '../shared/limits.ts';
import type { Cents } from '../shared/money.ts';
import { accountNumber } from '../shared/protocol.ts';

export const goLine = 'go';


export const SimulationJob = z.strictObject({
  url: z.string(),
  /** 1-based, for messages and request ids. */
  processNumber: z.int().min(1),
  username: z.string(),
  password: z.string(),
  ownAccountNumbers: z.array(accountNumber).min(1).max(accountsPerUserMax),
  /** Every account of the simulation, the worker's own included. */
  allAccountNumbers: z.array(accountNumber).min(2),
  /** Null: until durationMs is up. */
  operations: z.int().min(1).nullable(),
  /** Counted from `go`; null: no time limit. */
  durationMs: z.int().min(1).nullable(),
  transferCentsMax: z.int().min(1).max(amountCentsMax),
  verbose: z.boolean(),
});
export type SimulationJob = z.infer<typeof SimulationJob>;

export const WorkerSummary = z.strictObject({
  type: z.literal('summary'),
  processNumber: z.int().min(1),
  username: z.string(),
  ok: z.int().min(0),
  failed: z.int().min(0),
  /** Refusals by error code, e.g. { "insufficient_funds": 12 }. */
  failedByCode: z.record(z.string(), z.int().min(1)),
  elapsedMs: z.number().min(0),
  /** Why the worker stopped early (a timeout, a dropped connection); null when it did not. */
  error: z.string().nullable(),
});
export type WorkerSummary = z.infer<typeof WorkerSummary>;

export const WorkerReport = z.discriminatedUnion('type', [z.strictObject({ type: z.literal('ready') }), WorkerSummary]);
export type WorkerReport = z.infer<typeof WorkerReport>;

export interface PlannedTransfer {
  fromAccountNumber: string;
  toAccountNumber: string;
  amountCents: Cents;
}

/** A random source among the worker's own accounts, a different random target, 1 … transferCentsMax cents. */
export function pickTransfer(job: Pick<SimulationJob, 'ownAccountNumbers' | 'allAccountNumbers' | 'transferCentsMax'>, random: () => number = Math.random): PlannedTransfer {
  const fromAccountNumber = pick(job.ownAccountNumbers, random);
  const targets = job.allAccountNumbers.filter((number) => number !== fromAccountNumber);
  return {
    fromAccountNumber,
    toAccountNumber: pick(targets, random),
    amountCents: 1 + Math.floor(random() * job.transferCentsMax),
  };
}

function pick<T>(items: readonly T[], random: () => number): T {
  if (items.length === 0) throw new Error('pick from an empty list');
  return items[Math.floor(random() * items.length)]!;
}
