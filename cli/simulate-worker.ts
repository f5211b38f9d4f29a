/**
 * One client process of cli/simulate.ts, like one `python client.py` of the Polish bank seed: its own
 * process and its own connection, nothing shared with the others but the server. It reads its job
 * from stdin, signs in, reports ready, waits for `go`, sends its transfers one at a time and ends
 * with a JSON summary line. Not meant to be run by hand.
 */
import { createInterface } from 'node:readline';
import { formatCents } from '../shared/money.ts';
import type { AccountView } from '../shared/protocol.ts';
import { goLine, pickTransfer, SimulationJob, type PlannedTransfer, type WorkerReport, type WorkerSummary } from './simulate-job.ts';
import { RequestError, connectTerminal, type ProtocolClient } from './tally-client.ts';

const lines = createInterface({ input: process.stdin });
const nextLine = lineReader();
let parentGone = false;

async function main(): Promise<number> {
  const job = SimulationJob.parse(JSON.parse(await nextLine('the job')));
  const client = await connectTerminal(job.url, { reconnect: false });
  try {
    await client.expectResult('auth.signIn', { username: job.username, password: job.password });
    report({ type: 'ready' });
    if ((await nextLine(goLine)) !== goLine) throw new Error(`expected "${goLine}" from the parent`);
    const summary = await sendTransfers(client, job);
    await client.request('auth.signOut', {}).catch(() => {}); // best effort; the run's outcome stands
    report(summary);
    return summary.error === null ? 0 : 1;
  } finally {
    await client.close();
  }
}

async function sendTransfers(client: ProtocolClient, job: SimulationJob): Promise<WorkerSummary> {
  const summary: WorkerSummary = { type: 'summary', processNumber: job.processNumber, username: job.username, ok: 0, failed: 0, failedByCode: {}, elapsedMs: 0, error: null };
  const startedMs = performance.now();
  const deadlineMs = job.durationMs === null ? Number.POSITIVE_INFINITY : startedMs + job.durationMs;
  try {
    for (let sent = 0; job.operations === null || sent < job.operations; sent += 1) {
      if (performance.now() >= deadlineMs || parentGone) break;
      const transfer = pickTransfer(job);
      const reply = await client.request('bank.transfer', transfer);
      if (reply.ok) summary.ok += 1;
      else {
        summary.failed += 1;
        summary.failedByCode[reply.error.code] = (summary.failedByCode[reply.error.code] ?? 0) + 1;
      }
      if (job.verbose) {
        const balances = reply.ok ? reply.result.accounts : await ownBalances(client, transfer);
        process.stdout.write(`${describeOperation(transfer, reply.ok ? 'OK' : `FAILED ${reply.error.code}`, balances)}\n`);
      }
    }
  } catch (error) {
    if (!(error instanceof RequestError)) throw error;
    summary.error = `${error.code}: ${error.message}`;
  }
  summary.elapsedMs = performance.now() - startedMs;
  return summary;
}

/** After a refusal, the seed's server still answered with the current balances: ask for them. */
async function ownBalances(client: ProtocolClient, transfer: PlannedTransfer): Promise<AccountView[]> {
  const reply = await client.request('bank.accounts', {});
  if (!reply.ok) return [];
  return reply.result.accounts.filter((account) => account.number === transfer.fromAccountNumber || account.number === transfer.toAccountNumber);
}

function describeOperation(transfer: PlannedTransfer, outcome: string, balances: readonly AccountView[]): string {
  const shown = balances.map((account) => `${account.number} ${formatCents(account.balanceCents)}`).join(', ');
  return `${outcome.padEnd(25)} ${transfer.fromAccountNumber} -> ${transfer.toAccountNumber} ${formatCents(transfer.amountCents).padStart(10)}   balances: ${shown}`;
}

function report(message: WorkerReport): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

/** Lines from the parent, in order; the parent closing stdin early means it is gone: stop. */
function lineReader(): (what: string) => Promise<string> {
  const queued: string[] = [];
  const waiting: Array<{ resolve: (line: string) => void; reject: (error: Error) => void; what: string }> = [];
  lines.on('line', (line) => {
    const waiter = waiting.shift();
    if (waiter === undefined) queued.push(line);
    else waiter.resolve(line);
  });
  lines.on('close', () => {
    parentGone = true;
    for (const waiter of waiting.splice(0)) waiter.reject(new Error(`stdin closed before ${waiter.what}`));
  });
  return (what) => {
    const line = queued.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (parentGone) return Promise.reject(new Error(`stdin closed before ${what}`));
    return new Promise((resolve, reject) => waiting.push({ resolve, reject, what }));
  };
}

main().then(
  (exitCode) => {
    lines.close();
    process.exitCode = exitCode;
  },
  (error: unknown) => {
    lines.close();
    process.stderr.write(`simulate worker: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
