import { commitFeedTransactionsMax } from '../../shared/limits.ts';
import type { BankRepository } from '../bank/bank-repository.ts';
import { accountView } from '../bank/account-view.ts';
import type { ChangedEntities } from '../operations/changes.ts';
import type { StoreRepository } from '../store/store-repository.ts';

/** Every account: they are bounded by the bank's size, and a publication must hold them all. */
const allAccounts = 2 ** 31 - 1;

/**
 * What every tab may see of the commits after `afterSeq`, read from one snapshot whose newest
 * commit is `snapshotSeq`: the latest state of each product and account changed since, and the
 * ledger rows in commit order, at most commitFeedTransactionsMax. When that limit stops the rows
 * short, `seq` is the last commit whose rows are all in, and `more` says to read again from it.
 * Products and accounts may be newer than `seq`; their versions say so, and newer wins.
 *
 * The three reads are asked at once (over a network they share a round trip); `snapshotSeq` may
 * still be on its way, asked in the same snapshot just before.
 */
export async function changesSince(
  store: StoreRepository,
  bank: BankRepository,
  afterSeq: number,
  snapshotSeq: number | Promise<number>,
): Promise<{ seq: number; changes: ChangedEntities; more: boolean }> {
  const none: ChangedEntities = { products: [], accounts: [], transactions: [] };
  if (typeof snapshotSeq === 'number' && snapshotSeq <= afterSeq) return { seq: snapshotSeq, changes: none, more: false };
  const [newestSeq, transactionsRead, products, accountsRead] = await Promise.all([
    snapshotSeq,
    bank.transactionsSince(afterSeq, commitFeedTransactionsMax + 1),
    store.productsChangedSince(afterSeq),
    bank.accountsChangedSince(afterSeq, undefined, allAccounts),
  ]);
  if (newestSeq <= afterSeq) return { seq: newestSeq, changes: none, more: false };
  let transactions = transactionsRead;
  let seq = newestSeq;
  let more = false;
  if (transactions.length > commitFeedTransactionsMax) {
    seq = transactions[commitFeedTransactionsMax]!.seq - 1;
    if (seq <= afterSeq) throw new Error(`commit ${afterSeq + 1} holds more than ${commitFeedTransactionsMax} ledger rows, more than one read of the feed may hand over`);
    transactions = transactions.filter((row) => row.seq <= seq);
    more = true;
  }
  const accounts = accountsRead.map((account) => ({
    view: accountView(account),
    ownerUserId: account.ownerUserId,
  }));
  return { seq, changes: { products, accounts, transactions }, more };
}
