import type { IntegrityReport } from '../../shared/protocol.ts';
import type { BankRepository } from './bank-repository.ts';

/**
 * The ledger's integrity, as `audit.check` reports it: every transaction's entries sum to zero and
 * number at least two, every balance equals its entries, and no customer balance is negative.
 * One implementation for the auditor and for checking a backup copy; the caller chooses the snapshot.
 */
export async function checkLedger(bank: BankRepository, seq: number, checkedAt: Date): Promise<IntegrityReport> {
  const findings = await bank.findings();
  const counts = await bank.countLedger();
  const problems = [
    ...findings.unbalancedTransactions.map((row) => `transaction ${row.transactionId}: entries sum to ${row.sumCents} cents, not 0`),
    ...findings.transactionsWithTooFewEntries.map((id) => `transaction ${id}: fewer than two entries`),
    ...findings.balancesNotMatchingEntries.map(
      (row) => `account ${row.number}: balance ${row.balanceCents} cents but its entries add up to ${row.entriesCents}`,
    ),
    ...findings.negativeBalances.map((row) => `account ${row.number}: negative balance ${row.balanceCents} cents`),
  ];
  return {
    ok: problems.length === 0,
    seq,
    checkedAt: checkedAt.toISOString(),
    transactionsChecked: counts.transactions,
    entriesChecked: counts.entries,
    accountsChecked: counts.accounts,
    problems,
  };
}
