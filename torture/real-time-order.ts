/**
 * Real-time order: once a request is acknowledged its commit is durable, so any request first
 * sent after that moment must commit at a later seq. One sweep over the acknowledgements sorted by
 * answer time and the commits sorted by first send, carrying the highest seq acknowledged so far:
 * O(n log n), not a comparison of every pair.
 */
import type { CommitIndex } from './commits.ts';
import type { OperationRecord } from './history.ts';
import type { ViolationLog } from './violations.ts';

interface Timed {
  requestId: string;
  /** Seq of the request's first committed row. */
  seq: number;
  atMs: number;
}

export function checkRealTimeOrder(records: ReadonlyMap<string, OperationRecord>, commits: CommitIndex, log: ViolationLog): void {
  const acknowledged: Timed[] = [];
  const sent: Timed[] = [];
  for (const record of records.values()) {
    const seq = commits.byRequestId.get(record.requestId)?.[0]?.seq;
    if (seq === undefined) continue;
    sent.push({ requestId: record.requestId, seq, atMs: record.firstSentAtMs });
    if (record.outcome.kind === 'ok' && record.answeredAtMs !== null) {
      acknowledged.push({ requestId: record.requestId, seq, atMs: record.answeredAtMs });
    }
  }
  acknowledged.sort(byTime);
  sent.sort(byTime);
  sweep(acknowledged, sent, log);
}

function sweep(acknowledged: readonly Timed[], sent: readonly Timed[], log: ViolationLog): void {
  let next = 0;
  let latest: Timed | null = null;
  for (const later of sent) {
    for (; next < acknowledged.length && acknowledged[next]!.atMs < later.atMs; next += 1) {
      const candidate = acknowledged[next]!;
      if (latest === null || candidate.seq > latest.seq) latest = candidate;
    }
    if (latest === null || later.seq > latest.seq) continue;
    log.add(
      'real_time_order',
      later.requestId,
      `Request ${later.requestId} was first sent at ${later.atMs} ms, after request ${latest.requestId} was acknowledged at ${latest.atMs} ms (seq ${latest.seq}), yet committed at seq ${later.seq}, not after it.`,
    );
  }
}

const byTime = (left: Timed, right: Timed) => left.atMs - right.atMs;
