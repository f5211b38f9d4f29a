import type { AccountKind, AccountView, MoneyRequestType, TransactionView } from '../../../shared/protocol.ts';
import { historyPageSize } from '../bank/bank-ui-limits.ts';
import { RequestError, describeFailure } from '../net/request-error.ts';
import type { RequestFields, TallySocketClient } from '../net/socket-client.ts';
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
  signOut: () => Promise<void>;
  openAccount: (kind: AccountKind, amountCents: number) => Promise<MoneyOutcome>;
  deposit: (accountNumber: string, amountCents: number) => Promise<MoneyOutcome>;
  withdraw: (accountNumber: string, amountCents: number) => Promise<MoneyOutcome>;
  transfer: (fromAccountNumber: string, toAccountNumber: string, amountCents: number) => Promise<MoneyOutcome>;
  payLoanByCheck: (loanAccountNumber: string, amountCents: number) => Promise<MoneyOutcome>;
  payLoanByTransfer: (fromAccountNumber: string, loanAccountNumber: string, amountCents: number) => Promise<MoneyOutcome>;
  showMyHistory: (move: PageMove) => Promise<void>;
  showAuditHistory: (move: PageMove, filter?: HistoryFilter) => Promise<void>;
  /** audit.holders, or bank.accounts for a customer: the full account state, merged by version. */
  resyncAccounts: () => Promise<void>;
  checkIntegrity: () => Promise<void>;
  startSimulation: (settings: SimulationSettings) => void;
  stopSimulation: () => void;
}

/** No reply at all: the operation may have been committed, and sending it again may move the money twice. */
const outcomeUnknownMessage =
  'The connection dropped before the bank answered, so this may or may not have happened. Check “My history” before trying again.';

export function moneyFailureMessage(error: unknown): string {
  if (error instanceof RequestError && (error.code === 'disconnected' || error.code === 'timeout')) return outcomeUnknownMessage;
  return describeFailure(error);
}

export function createBankActions(client: TallySocketClient, store: TallyStore, simulation: BankSimulation): BankActions {
  const state = () => store.getState();

  async function money<Type extends MoneyRequestType>(type: Type, fields: RequestFields<Type>): Promise<MoneyOutcome> {
    const userId = signedInUserId(store);
    try {
      const { result } = await client.requestCommitted<MoneyRequestType>(type, fields);
      applyAccountsFor(store, userId, result.accounts);
      return { ok: true, transaction: result.transaction, accounts: result.accounts };
    } catch (error) {
      if (!(error instanceof RequestError)) return { ok: false, code: 'internal', message: moneyFailureMessage(error), accounts: [] };
      // A refusal carries my named accounts as they still are; they may be newer than what the tab shows.
      const accounts = error.details?.accounts ?? [];
      applyAccountsFor(store, userId, accounts);
      return { ok: false, code: error.code, message: moneyFailureMessage(error), accounts };
    }
  }

  const showMyHistory = createHistoryPager({
    read: () => state().myHistory,
    write: (page) => state().setMyHistory(page),
    fetch: ({ beforeId }) => client.request('bank.history', { limit: historyPageSize, ...(beforeId === null ? {} : { beforeId }) }),
    owner: () => signedInUserId(store),
  });

  const showAuditHistory = createHistoryPager({
    read: () => state().auditHistory,
    write: (page) => state().setAuditHistory(page),
    fetch: ({ beforeId, filter }) =>
      client.request('audit.history', { limit: historyPageSize, ...filter, ...(beforeId === null ? {} : { beforeId }) }),
    owner: () => signedInUserId(store),
  });

  async function resyncAccounts(): Promise<void> {
    const userId = signedInUserId(store);
    if (state().user?.role === 'auditor') {
      // Applied once whole, so the auditor's total is never computed over part of the bank.
      const holders = await fetchAllHolders(
        (afterUsername) => client.request('audit.holders', afterUsername === null ? {} : { afterUsername }),
        () => signedInUserId(store) === userId,
      );
      if (holders !== null) state().applyHolders(holders);
      return;
    }
    const { accounts } = await client.request('bank.accounts', {});
    applyAccountsFor(store, userId, accounts);
  }

  async function checkIntegrity(): Promise<void> {
    const userId = signedInUserId(store);
    const previous = state().integrityCheck;
    const report = previous.status === 'idle' ? null : previous.report;
    state().setIntegrityCheck({ status: 'checking', report });
    try {
      const result = await client.request('audit.check', {});
      if (signedInUserId(store) === userId) state().setIntegrityCheck({ status: 'done', report: result.report });
    } catch (error) {
      if (signedInUserId(store) === userId) state().setIntegrityCheck({ status: 'failed', message: describeFailure(error), report });
    }
  }

  return {
    register: (username, password) => client.signInUser('auth.register', username, password),
    signIn: (username, password) => client.signInUser('auth.signIn', username, password),
    signOut: async () => {
      simulation.stop();
      await client.signOutUser();
    },
    openAccount: (kind, amountCents) => money('bank.openAccount', { kind, amountCents }),
    deposit: (accountNumber, amountCents) => money('bank.deposit', { accountNumber, amountCents }),
    withdraw: (accountNumber, amountCents) => money('bank.withdraw', { accountNumber, amountCents }),
    transfer: (fromAccountNumber, toAccountNumber, amountCents) =>
      money('bank.transfer', { fromAccountNumber, toAccountNumber, amountCents }),
    payLoanByCheck: (loanAccountNumber, amountCents) => money('bank.payLoanByCheck', { loanAccountNumber, amountCents }),
    payLoanByTransfer: (fromAccountNumber, loanAccountNumber, amountCents) =>
      money('bank.payLoanByTransfer', { fromAccountNumber, loanAccountNumber, amountCents }),
    showMyHistory,
    showAuditHistory,
    resyncAccounts,
    checkIntegrity,
    startSimulation: (settings) => simulation.start(settings),
    stopSimulation: () => simulation.stop(),
  };
}
