/**
 * The checker's verdict: whether the history is consistent, what is wrong with it, and the counts
 * a torture run prints as its summary.
 */
import type { ClientOutcome } from './history.ts';
import { type Violation, type ViolationKind, violationKinds } from './violations.ts';

export interface CheckReport {
  ok: boolean;
  /** The first violationsListedMax violations, in the order found. */
  violations: Violation[];
  /** Every violation, listed or not. */
  violationCount: number;
  violationCountByKind: Record<ViolationKind, number>;
  /** Distinct requestIds recorded (a repeated record is history_invalid and counted once). */
  operationCount: number;
  outcomeCounts: Record<ClientOutcome['kind'], number>;
  /** Records sent more than once (re-sent after a reconnect). */
  resentCount: number;
  /** Recorded requests whose requestId the final state holds, whatever their outcome. */
  committedOperationCount: number;
  /** Of those, the ones the client never heard back about. */
  unknownCommittedCount: number;
  /** Ledger transactions and orders committed after setup. */
  committedRowCount: number;
  lostCount: number;
  duplicatedCount: number;
}

/** A few lines for a person; the last is always "<n> lost, <n> duplicated". */
export function formatReport(report: CheckReport, violationsShownMax = 10): string {
  const { outcomeCounts } = report;
  const lines = [
    report.ok ? 'torture check: OK' : `torture check: FAILED with ${report.violationCount} violations`,
    `operations: ${report.operationCount} (${outcomeCounts.ok} ok, ${outcomeCounts.refused} refused, ${outcomeCounts.unknown} unknown), ${report.resentCount} re-sent`,
    `committed: ${report.committedOperationCount} operations found in the final state (${report.unknownCommittedCount} of them unknown to their client), ${report.committedRowCount} transactions and orders after setup`,
  ];
  const kindCounts = violationKinds.filter((kind) => report.violationCountByKind[kind] > 0).map((kind) => `${kind} ${report.violationCountByKind[kind]}`);
  if (kindCounts.length > 0) lines.push(`violations: ${kindCounts.join(', ')}`);
  for (const violation of report.violations.slice(0, violationsShownMax)) lines.push(`  [${violation.kind}] ${violation.message}`);
  const unshown = report.violationCount - Math.min(report.violations.length, violationsShownMax);
  if (unshown > 0) lines.push(`  ... and ${unshown} more`);
  lines.push(`${report.lostCount} lost, ${report.duplicatedCount} duplicated`);
  return lines.join('\n');
}
