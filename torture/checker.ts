/**
 * The torture run's judge: a pure function from a recorded history to a report. It assumes nothing
 * about how the server is built; it holds the final state (read through the protocol) to what the
 * clients were told and to what a single-threaded bank and store would have done.
 *
 * Every step is a pass over Maps or a sort: O(n log n) in operations plus committed rows.
 */
import { type CommitIndex, indexCommits } from './commits.ts';
import { checkConservation } from './conservation.ts';
import type { OperationRecord, TortureHistory } from './history.ts';
import { findPhantoms, matchRecords } from './matching.ts';
import { checkRealTimeOrder } from './real-time-order.ts';
import { indexRecords } from './records.ts';
import { replayCommits } from './replay.ts';
import type { CheckReport } from './report.ts';
import { ViolationLog } from './violations.ts';

export { formatReport, type CheckReport } from './report.ts';
export { type Violation, type ViolationKind, violationKinds, violationsListedMax } from './violations.ts';

export function checkHistory(history: TortureHistory): CheckReport {
  const log = new ViolationLog();
  checkStateLists(history, log);
  const records = indexRecords(history.operations, log);
  const commits = indexCommits(history, log);
  matchRecords(records, commits, log);
  findPhantoms(records, commits, log);
  replayCommits(history, commits, records, log);
  checkConservation(history, commits, log);
  checkRealTimeOrder(records, commits, log);
  return buildReport(records, commits, log);
}

/** Each account and product once per state; a repeat means the harness read a page twice. */
function checkStateLists({ initial, final }: TortureHistory, log: ViolationLog): void {
  const lists = [
    ['initial', 'account', initial.accounts.map((account) => account.number)],
    ['final', 'account', final.accounts.map((account) => account.number)],
    ['initial', 'product', initial.products.map((product) => String(product.id))],
    ['final', 'product', final.products.map((product) => String(product.id))],
  ] as const;
  for (const [state, what, keys] of lists) {
    const seen = new Set<string>();
    for (const key of keys) {
      if (seen.has(key)) log.add('history_invalid', null, `The ${state} state lists ${what} ${key} more than once.`);
      seen.add(key);
    }
  }
}

function buildReport(records: ReadonlyMap<string, OperationRecord>, commits: CommitIndex, log: ViolationLog): CheckReport {
  const outcomeCounts = { ok: 0, refused: 0, unknown: 0 };
  let resentCount = 0;
  let committedOperationCount = 0;
  let unknownCommittedCount = 0;
  for (const { requestId, outcome, sends } of records.values()) {
    outcomeCounts[outcome.kind] += 1;
    if (sends > 1) resentCount += 1;
    if (!commits.byRequestId.has(requestId)) continue;
    committedOperationCount += 1;
    if (outcome.kind === 'unknown') unknownCommittedCount += 1;
  }
  return {
    ok: log.count === 0,
    violations: log.listed,
    violationCount: log.count,
    violationCountByKind: log.countByKind,
    operationCount: records.size,
    outcomeCounts,
    resentCount,
    committedOperationCount,
    unknownCommittedCount,
    committedRowCount: commits.rows.length,
    lostCount: log.countByKind.lost,
    duplicatedCount: log.countByKind.duplicated,
  };
}
