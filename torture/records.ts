/**
 * The recorded operations indexed by requestId, after checking the record itself is sound: a
 * malformed record is the harness's bug, reported as such rather than blamed on the server.
 */
import type { OperationRecord } from './history.ts';
import type { ViolationLog } from './violations.ts';

/** The first record of each requestId; a repeated one is reported and left out. */
export function indexRecords(operations: readonly OperationRecord[], log: ViolationLog): Map<string, OperationRecord> {
  const records = new Map<string, OperationRecord>();
  for (const record of operations) {
    if (records.has(record.requestId)) {
      log.add('history_invalid', record.requestId, `Request ${record.requestId} is recorded more than once; requestIds must be unique across the run.`);
      continue;
    }
    const problem = recordProblem(record);
    if (problem !== null) log.add('history_invalid', record.requestId, `Request ${record.requestId} ${problem}.`);
    records.set(record.requestId, record);
  }
  return records;
}

function recordProblem({ outcome, answeredAtMs, firstSentAtMs, sends }: OperationRecord): string | null {
  if (!Number.isInteger(sends) || sends < 1) return `was sent ${sends} times; every recorded request was sent at least once`;
  if (outcome.kind === 'unknown' && answeredAtMs !== null) return 'has an unknown outcome yet an answer time';
  if (outcome.kind !== 'unknown' && answeredAtMs === null) return `was answered (${outcome.kind}) yet has no answer time`;
  if (answeredAtMs !== null && answeredAtMs < firstSentAtMs) {
    return `was answered at ${answeredAtMs} ms, before it was first sent at ${firstSentAtMs} ms`;
  }
  return null;
}
