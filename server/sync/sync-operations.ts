import type { ResultOf, UserView } from '../../shared/protocol.ts';
import { resumeAccountsMax, resumeTransactionsMax } from '../../shared/limits.ts';
import { accountView } from '../bank/account-view.ts';
import type { OperationRunner } from '../operations/operation-runner.ts';
import { type Outcome, fail, succeed } from '../operations/outcome.ts';

export interface Resumed {
  /** The commit the answer was read at: the tab has everything it may see through it. */
  seq: number;
  result: ResultOf<'sync.resume'>;
}

/**
 * Resume after a reconnect: the latest state of everything a tab may see that changed after the
 * position it last applied, read from committed state. Products and accounts carry the commit that
 * last changed them (`changed_seq`), ledger rows the commit that holds them, so the answer needs no
 * log of past frames and reaches back as far as the data goes, within the named limits.
 */
export class SyncOperations {
  readonly #runner: OperationRunner;
  readonly #databaseId: string;
  readonly #catchUp: () => Promise<void>;

  /** `catchUp` brings this process up to the shared database's newest commit (other processes' included). */
  constructor(runner: OperationRunner, databaseId: string, catchUp: () => Promise<void> = () => Promise.resolve()) {
    this.#runner = runner;
    this.#databaseId = databaseId;
    this.#catchUp = catchUp;
  }

  get databaseId(): string {
    return this.#databaseId;
  }

  /** `viewer` is the tab's signed-in user, or null: it decides which accounts and rows it may see. */
  async resume(viewer: UserView | null, databaseId: string, sinceSeq: number): Promise<Outcome<Resumed>> {
    if (databaseId !== this.#databaseId) return resyncRequired('that position is from another database (the server was reset)');
    const resumed = await this.#resumeFromCommitted(viewer, sinceSeq);
    if (resumed !== 'ahead') return resumed;
    // A tab coming from another process may have seen commits this one has not read yet.
    await this.#catchUp();
    const caughtUp = await this.#resumeFromCommitted(viewer, sinceSeq);
    return caughtUp === 'ahead' ? resyncRequired(`position ${sinceSeq} is ahead of the database's newest commit`) : caughtUp;
  }

  #resumeFromCommitted(viewer: UserView | null, sinceSeq: number): Promise<Outcome<Resumed> | 'ahead'> {
    return this.#runner.read(async ({ store, bank, commitSeq }) => {
      if (sinceSeq > commitSeq) return 'ahead' as const;
      const products = await store.productsChangedSince(sinceSeq);
      if (viewer === null) return succeed({ seq: commitSeq, result: { products, accounts: [], transactions: [] } });
      const isAuditor = viewer.role === 'auditor';
      const accounts = await bank.accountsChangedSince(sinceSeq, isAuditor ? undefined : viewer.id, resumeAccountsMax + 1);
      if (accounts.length > resumeAccountsMax) return resyncRequired(`more than ${resumeAccountsMax} accounts changed since then`);
      const transactions = isAuditor ? await bank.transactionsSince(sinceSeq, resumeTransactionsMax + 1) : [];
      if (transactions.length > resumeTransactionsMax) {
        return resyncRequired(`more than ${resumeTransactionsMax} ledger transactions were committed since then`);
      }
      return succeed({ seq: commitSeq, result: { products, accounts: accounts.map(accountView), transactions } });
    });
  }
}

function resyncRequired(reason: string): Outcome<never> {
  return fail('resync_required', `This tab cannot resume: ${reason}. Take a fresh snapshot.`);
}
