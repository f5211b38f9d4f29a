/**
 * Money is conserved: what customers hold at the end is what they held at the start, plus what
 * came into the bank, minus what left it. Transfers move money only between customers. This reads
 * only the committed rows and the two states, not the requests, so it holds the server to its own
 * ledger independently of the model replay.
 */
import type { AccountView, TransactionView } from '../shared/protocol.ts';
import type { CommitIndex } from './commits.ts';
import type { TortureHistory } from './history.ts';
import { unreachable } from './model.ts';
import type { ViolationLog } from './violations.ts';

interface Flows {
  depositsCents: number;
  withdrawalsCents: number;
  /** Account openings and loan payments, which the workload does not send. */
  otherCents: number;
}

export function checkConservation({ initial, final }: TortureHistory, commits: CommitIndex, log: ViolationLog): void {
  const accountKinds = new Map([...initial.accounts, ...final.accounts].map((account) => [account.number, account.kind]));
  const flows: Flows = { depositsCents: 0, withdrawalsCents: 0, otherCents: 0 };
  for (const row of commits.rows) {
    if (row.table === 'transaction') addFlow(flows, row.transaction, accountKinds);
  }
  const initialCents = customerDepositsCents(initial.accounts);
  const finalCents = customerDepositsCents(final.accounts);
  const expectedCents = initialCents + flows.depositsCents - flows.withdrawalsCents + flows.otherCents;
  if (finalCents === expectedCents) return;
  const other = flows.otherCents === 0 ? '' : ` + other movements ${flows.otherCents}`;
  log.add(
    'money_not_conserved',
    null,
    `Customers hold ${finalCents} cents at the end, but initial ${initialCents} + committed deposits ${flows.depositsCents} - committed withdrawals ${flows.withdrawalsCents}${other} = ${expectedCents} cents (off by ${finalCents - expectedCents}).`,
  );
}

/** Checking and savings balances: the money the bank holds for its customers (loans are owed to it). */
function customerDepositsCents(accounts: readonly AccountView[]): number {
  let totalCents = 0;
  for (const account of accounts) if (account.kind !== 'loan') totalCents += account.balanceCents;
  return totalCents;
}

function addFlow(flows: Flows, transaction: TransactionView, accountKinds: ReadonlyMap<string, AccountView['kind']>): void {
  const { kind, amountCents } = transaction;
  switch (kind) {
    case 'deposit':
      flows.depositsCents += amountCents;
      return;
    case 'withdrawal':
      flows.withdrawalsCents += amountCents;
      return;
    case 'transfer':
    case 'loan_payment_check':
      return;
    case 'loan_payment_transfer':
      flows.otherCents -= amountCents;
      return;
    case 'open_account': {
      const opened = transaction.toAccountNumber === null ? undefined : accountKinds.get(transaction.toAccountNumber);
      if (opened !== 'loan') flows.otherCents += amountCents;
      return;
    }
    default:
      unreachable(kind);
  }
}
