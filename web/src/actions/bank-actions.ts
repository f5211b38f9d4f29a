import type { AccountKind, AccountView, MoneyRequestType, RequestFields, TransactionView } from '../../../shared/protocol.ts';
import { historyPageSize } from '../bank/bank-ui-limits.ts';
import { RequestError, describeFailure } from '../../../shared/client/request-error.ts';
import type { SessionSync } from '../net/session-sync.ts';
import type { HistoryFilter } from '../state/history-page.ts';
import type { SimulationSettings } from '../state/simulation-slice.ts';
import { applyAccountsFor, signedInUserId, type TallyStore } from '../state/store.ts';
import type { BankSimulation } from '../simulation/bank-simulation.ts';
import { fetchAllHolders } from '../../../shared/account-holders.ts';
import { createHistoryPager, type PageMove } from './history-pager.ts';

/** What a money operation came to: committed, with the new state of my accounts it touched, or refused. */
export type MoneyOutcome =
  | { ok: true; transaction: TransactionView; accounts: readonly AccountView[] }
  | { ok: false; code: string; message: string; accounts: readonly AccountView[] };

/**
 * What a bank customer and the auditor can do, as plain functions over the socket client and the
 * store. Components call these and never touch the socket. Money operations never throw: they
 * resolve to an outcome for the form to show; sign-in throws a RequestError for the form.
 */
export interface BankActions {
  register: (username: string, password: string) => Promise<void>;
  signIn: (username: string, password: string) => Promise<void>;
  /** `everywhere`: every tab, device and script signed in as this user, not only this tab. */
  signOut: (everywhere?: boolean) => Promise<void>;
  openAccount: (kind: AccountKind, amountCents: number, progress?: MoneyProgress) => Promise<MoneyOutcome>;
  deposit: (accountNumber: string, amountCents: number, progress?: MoneyProgress) => Promise<MoneyOutcome>;
  withdraw: (accountNumber: string, amountCents: number, progress?: MoneyProgress) => Promise<MoneyOutcome>;
  transfer: (fromAccountNumber: string, toAccountNumber: string, amountCents: number, progress?: MoneyProgress) => Promise<MoneyOutcome>;
  payLoanByCheck: (loanAccountNumber: string, amountCents: number, progress?: MoneyProgress) => Promise<MoneyOutcome>;
  payLoanByTransfer: (fromAccountNumber: string, loanAccountNumber: string, amountCents: number, progress?: MoneyProgress) => Promise<MoneyOutcome>;
  showMyHistory: (move: PageMove) => Promise<void>;
  showAuditHistory: (move: PageMove, filter?: HistoryFilter) => Promise<void>;
  /** audit.holders, or bank.accounts for a customer: the full account state, merged by version. */
  resyncAccounts: () => Promise<void>;
  checkIntegrity: () => Promise<void>;
  startSimulation: (settings: SimulationSettings) => void;
  stopSimulation: () => void;
}

/** What a money form hears while its one request is on its way. */
export interface MoneyProgress {
  /** The connection dropped; the same request (same key) goes out again once reconnected. */
  onRetrying?: () => void;
}

export function createBankActions(sync: SessionSync, store: TallyStore, simulation: BankSimulation): BankActions {
  const state = () => store.getState();
  const { client } = sync;

  /**
   * Never "unknown": a request whose connection drops is sent again with the same key once the tab
   * is back, and the bank answers a repeat with the stored outcome, so the form always shows the one
   * real outcome, OK or FAILED.
   */
  async function money<Type extends MoneyRequestType>(type: Type, fields: RequestFields<Type>, progress: MoneyProgress = {}): Promise<MoneyOutcome> {
    const userId = signedInUserId(store);
    try {
      const { result } = await client.expectCommitted<MoneyRequestType>(type, fields, { onRetrying: progress.onRetrying });
      applyAccountsFor(store, userId, result.accounts);
      return { ok: true, transaction: result.transaction, accounts: result.accounts };
    } catch (error) {
      if (!(error instanceof RequestError)) return { ok: false, code: 'internal', message: describeFailure(error), accounts: [] };
      // A refusal carries my named accounts as they still are; they may be newer than what the tab shows.
      const accounts = error.details?.accounts ?? [];
      applyAccountsFor(store, userId, accounts);
      return { ok: false, code: error.code, message: describeFailure(error), accounts };
    }
  }

  const showMyHistory = createHistoryPager({
    read: () => state().myHistory,
    write: (page) => state().setMyHistory(page),
    fetch: ({ beforeId }) => client.expectResult('bank.history', { limit: historyPageSize, ...(beforeId === null ? {} : { beforeId }) }),
    owner: () => signedInUserId(store),
  });

  const showAuditHistory = createHistoryPager({
    read: () => state().auditHistory,
    write: (page) => state().setAuditHistory(page),
    fetch: ({ beforeId, filter }) =>
      client.expectResult('audit.history', { limit: historyPageSize, ...filter, ...(beforeId === null ? {} : { beforeId }) }),
    owner: () => signedInUserId(store),
  });

  async function resyncAccounts(): Promise<void> {
    const userId = signedInUserId(store);
    if (state().user?.role === 'auditor') {
      // Applied once whole, so the auditor's total is never computed over part of the bank.
      const holders = await fetchAllHolders(
        (afterUsername) => client.expectResult('audit.holders', afterUsername === null ? {} : { afterUsername }),
        () => signedInUserId(store) === userId,
      );
      if (holders !== null) state().applyHolders(holders);
      return;
    }
    const { accounts } = await client.expectResult('bank.accounts', {});
    applyAccountsFor(store, userId, accounts);
  }

  async function checkIntegrity(): Promise<void> {
    const userId = signedInUserId(store);
    const previous = state().integrityCheck;
    const report = previous.status === 'idle' ? null : previous.report;
    state().setIntegrityCheck({ status: 'checking', report });
    try {
      const result = await client.expectResult('audit.check', {});
      if (signedInUserId(store) === userId) state().setIntegrityCheck({ status: 'done', report: result.report });
    } catch (error) {
      if (signedInUserId(store) === userId) state().setIntegrityCheck({ status: 'failed', message: describeFailure(error), report });
    }
  }

  return {
    register: (username, password) => sync.signInUser('auth.register', username, password),
    signIn: (username, password) => sync.signInUser('auth.signIn', username, password),
    signOut: async (everywhere) => {
      simulation.stop();
      await sync.signOutUser(everywhere);
    },
    openAccount: (kind, amountCents, progress) => money('bank.openAccount', { kind, amountCents }, progress),
    deposit: (accountNumber, amountCents, progress) => money('bank.deposit', { accountNumber, amountCents }, progress),
    withdraw: (accountNumber, amountCents, progress) => money('bank.withdraw', { accountNumber, amountCents }, progress),
    transfer: (fromAccountNumber, toAccountNumber, amountCents, progress) =>
      money('bank.transfer', { fromAccountNumber, toAccountNumber, amountCents }, progress),
    payLoanByCheck: (loanAccountNumber, amountCents, progress) => money('bank.payLoanByCheck', { loanAccountNumber, amountCents }, progress),
    payLoanByTransfer: (fromAccountNumber, loanAccountNumber, amountCents, progress) =>
      money('bank.payLoanByTransfer', { fromAccountNumber, loanAccountNumber, amountCents }, progress),
    showMyHistory,
    showAuditHistory,
    resyncAccounts,
    checkIntegrity,
    startSimulation: (settings) => simulation.start(settings),
    stopSimulation: () => simulation.stop(),
  };
}
