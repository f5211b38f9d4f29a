import type { AccountKind, IntegrityReport, ResultOf, TransactionKind, UserView } from '../../shared/protocol.ts';
import { accountsPerUserMax, auditHoldersPageMax, historyPageMax } from '../../shared/limits.ts';
import type { TallyContext } from '../operations/context.ts';
import type { RequestKey } from '../requests/request-key.ts';
import type { OperationRunner } from '../operations/operation-runner.ts';
import { type Committed, type Outcome, fail, succeed } from '../operations/outcome.ts';
import { accountLockKey } from './account-lock-key.ts';
import { accountView } from './account-view.ts';
import type { BankRepository } from './bank-repository.ts';
import { checkLedger } from './ledger-check.ts';
import {
  type AccountState,
  type MovementPlan,
  type NamedAccount,
  notYours,
  planDeposit,
  planLoanPaymentByCheck,
  planLoanPaymentByTransfer,
  planOpening,
  planTransfer,
  planWithdrawal,
  yours,
} from './rules.ts';

type MoneyResult = ResultOf<'bank.deposit'>;


export interface HistoryRequest {
  beforeId?: number | undefined;
  limit?: number | undefined;
  accountNumber?: string | undefined;
  username?: string | undefined;
  kind?: TransactionKind | undefined;
}

/** Every bank operation: accounts, money movements, history and audit. */
export class BankOperations {
  readonly #runner: OperationRunner;

  constructor(runner: OperationRunner) {
    this.#runner = runner;
  }

  openAccount(user: UserView, kind: AccountKind, amountCents: number, request: RequestKey): Promise<Committed<MoneyResult>> {
    return this.#runner.run(
      [`user:${user.id}`],
      async (context) => {
        const { bank, now, commitSeq } = context;
        if ((await bank.countAccounts(user.id)) >= accountsPerUserMax) {
          return fail('account_limit', `A user may open at most ${accountsPerUserMax} accounts.`);
        }
        const account = await bank.openAccount(kind, user.id, now().toISOString(), commitSeq);
        const planned = planOpening(kind, amountCents, account, await bank.cashAccount());
        return this.#record(context, user, request.requestId, planned);
      },
      request,
    );
  }

  deposit(user: UserView, accountNumber: string, amountCents: number, request: RequestKey): Promise<Committed<MoneyResult>> {
    return this.#move(user, request, [accountNumber], ([named], cash) => planDeposit(user.id, named!, cash, amountCents));
  }

  withdraw(user: UserView, accountNumber: string, amountCents: number, request: RequestKey): Promise<Committed<MoneyResult>> {
    return this.#move(user, request, [accountNumber], ([named], cash) => planWithdrawal(user.id, named!, cash, amountCents));
  }

  transfer(user: UserView, fromNumber: string, toNumber: string, amountCents: number, request: RequestKey): Promise<Committed<MoneyResult>> {
    return this.#move(user, request, [fromNumber, toNumber], ([from, to]) => planTransfer(user.id, from!, to!, amountCents));
  }

  payLoanByCheck(user: UserView, loanNumber: string, amountCents: number, request: RequestKey): Promise<Committed<MoneyResult>> {
    return this.#move(user, request, [loanNumber], ([loan], cash) => planLoanPaymentByCheck(user.id, loan!, cash, amountCents));
  }

  payLoanByTransfer(user: UserView, fromNumber: string, loanNumber: string, amountCents: number, request: RequestKey): Promise<Committed<MoneyResult>> {
    return this.#move(user, request, [fromNumber, loanNumber], ([from, loan]) => planLoanPaymentByTransfer(user.id, from!, loan!, amountCents));
  }

  accounts(user: UserView): Promise<ResultOf<'bank.accounts'>> {
    return this.#runner.read(async ({ bank }) => ({ accounts: (await bank.listAccounts(user.id)).map(accountView) }));
  }

  /** A user's own history: transactions touching their accounts (or one of them). */
  history(user: UserView, request: HistoryRequest): Promise<Outcome<ResultOf<'bank.history'>>> {
    return this.#runner.read(async ({ bank }) => {
      let accountId: number | undefined;
      if (request.accountNumber !== undefined) {
        const named = await findNamed(bank, request.accountNumber);
        const account = yours(user.id, named);
        if (account === undefined) return notYours(named);
        accountId = account.id;
      }
      return succeed(await page(bank, { ...request, accountId, ownerUserId: user.id, requestIdsOf: user.id }));
    });
  }

  /** One page of account holders in username order, each with every account they hold. */
  auditHolders(afterUsername: string | undefined, limit: number = auditHoldersPageMax): Promise<ResultOf<'audit.holders'>> {
    return this.#runner.read(async ({ bank, users }) => {
      const customers = await users.listCustomers(afterUsername ?? '', limit);
      const holders = [];
      for (const customer of customers) {
        holders.push({ username: customer.username, accounts: (await bank.listAccounts(customer.id)).map(accountView) });
      }
      return { holders, nextAfterUsername: customers.length === limit ? customers.at(-1)!.username : null };
    });
  }

  /** The whole history, newest first, filtered by account, by the user whose accounts it touches, and by kind. */
  auditHistory(request: HistoryRequest): Promise<Outcome<ResultOf<'audit.history'>>> {
    return this.#runner.read(async ({ bank, users }) => {
      let accountId: number | undefined;
      let ownerUserId: number | undefined;
      if (request.accountNumber !== undefined) {
        const account = await bank.findAccount(request.accountNumber);
        if (account === undefined) return fail('unknown_account', `There is no account ${request.accountNumber}.`);
        accountId = account.id;
      }
      if (request.username !== undefined) {
        const holder = await users.findCredentials(request.username);
        if (holder === undefined) return succeed({ transactions: [], nextBeforeId: null });
        ownerUserId = holder.user.id;
      }
      return succeed(await page(bank, { ...request, accountId, ownerUserId }));
    });
  }

  /** Verifies the ledger against committed state: entries balance, balances match entries, none negative. */
  auditCheck(): Promise<IntegrityReport> {
    return this.#runner.read(({ bank, now, commitSeq }) => checkLedger(bank, commitSeq, now()));
  }

  totals(): Promise<{ depositsCents: number; loansOwedCents: number }> {
    return this.#runner.read(({ bank }) => bank.totals());
  }

  #move(
    user: UserView,
    request: RequestKey,
    accountNumbers: readonly string[],
    planner: (named: NamedAccount[], cash: AccountState) => Outcome<MovementPlan>,
  ): Promise<Committed<MoneyResult>> {
    const operation = async (context: TallyContext) => {
      // Every number is looked up, found or not, and the rule alone decides what a missing one means,
      // in one order for every case: how far a refusal got must not depend on other customers' accounts.
      // Asked all at once: over a network the lookups share one round trip.
      const [cash, ...named] = await Promise.all([context.bank.cashAccount(), ...accountNumbers.map((number) => findNamed(context.bank, number))]);
      const planned = planner(named, cash);
      if (!planned.ok) return withOwnBalances(planned, user, named);
      return this.#record(context, user, request.requestId, planned);
    };
    return this.#runner.run(accountNumbers.map(accountLockKey), operation, request);
  }

  async #record(context: TallyContext, user: UserView, requestId: string, planned: Outcome<MovementPlan>): Promise<Outcome<MoneyResult>> {
    if (!planned.ok) return planned;
    const { bank, changes, now, commitSeq } = context;
    const recorded = await bank.record(planned.value, user, requestId, now().toISOString(), commitSeq);
    changes.transaction(recorded.transaction);
    for (const account of recorded.accounts) {
      if (account.kind !== 'system') changes.account({ view: accountView(account), ownerUserId: account.ownerUserId });
    }
    const own = recorded.accounts.filter((account) => account.ownerUserId === user.id);
    return succeed({ transaction: recorded.transaction, accounts: own.map(accountView) });
  }
}

/**
 * A refusal answers, as the bank seed's server does, with the current balances: those of the
 * caller's own accounts the request named (nobody learns another customer's balance).
 */
function withOwnBalances(refusal: Outcome<never>, user: UserView, named: readonly NamedAccount[]): Outcome<never> {
  if (refusal.ok) return refusal;
  const own = named.map((each) => yours(user.id, each)).filter((account) => account !== undefined);
  const ownByNumber = new Map(own.map((account) => [account.number, account]));
  if (ownByNumber.size === 0) return refusal;
  const accounts = [...ownByNumber.values()].map(accountView);
  return fail(refusal.failure.code, refusal.failure.message, { ...refusal.failure.details, accounts });
}

/** The customer account holding `number`, if any: the bank's cash account is none a request may name. */
async function findNamed(bank: BankRepository, number: string): Promise<NamedAccount> {
  const account = await bank.findAccount(number);
  return { number, account: account?.kind === 'system' ? undefined : account };
}

async function page(
  bank: BankRepository,
  filter: HistoryRequest & { accountId?: number | undefined; ownerUserId?: number | undefined; requestIdsOf?: number | undefined },
): Promise<ResultOf<'bank.history'>> {
  const limit = filter.limit ?? historyPageMax;
  const transactions = await bank.history({
    beforeId: filter.beforeId,
    limit,
    accountId: filter.accountId,
    ownerUserId: filter.ownerUserId,
    kind: filter.kind,
    requestIdsOf: filter.requestIdsOf,
  });
  const nextBeforeId = transactions.length === limit ? transactions[transactions.length - 1]!.id : null;
  return { transactions, nextBeforeId };
}
