/**
 * What every storage engine's BankRepository must do, the same on each: one suite, run once per
 * engine by bank-repository.test.ts. Movements are planned by the real rules (server/bank/rules.ts),
 * as the bank's operations plan them, so the engines are held to what the operations rely on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AccountKind } from '../../../shared/protocol.ts';
import { accountNumberFromDraw, accountNumberProblem, cashAccountNumber } from '../../../shared/account-number.ts';
import { accountNumberDrawAttemptsMax } from '../../../shared/limits.ts';
import type { Outcome } from '../../operations/outcome.ts';
import type { AccountNumberDraw } from '../../bank/account-number-draw.ts';
import type { BankRepository, RecordedMovement } from '../../bank/bank-repository.ts';
import {
  type AccountState,
  type MovementPlan,
  type NamedAccount,
  planDeposit,
  planLoanPaymentByCheck,
  planLoanPaymentByTransfer,
  planOpening,
  planTransfer,
  planWithdrawal,
} from '../../bank/rules.ts';

export interface Customer {
  id: number;
  username: string;
}

/** One engine's repository over a fresh, empty bank (only the cash account), and the raw access tests need. */
export interface BankRepositoryHarness {
  repository: BankRepository;
  createCustomer(username: string): Promise<Customer>;
  /** Runs one SQL statement (no parameters) behind the repository's back: how a test breaks the ledger on purpose. */
  tamper(statement: string): Promise<void>;
  /** Lifts the table's refusal of a negative customer balance, so a test can store one. */
  allowNegativeBalances(): Promise<void>;
  close(): Promise<void>;
}

/** `drawNumber`: where the repository draws account numbers from; the engine's default when undefined. */
export type BankRepositoryHarnessFactory = (drawNumber?: AccountNumberDraw) => Promise<BankRepositoryHarness>;

/** Commit `seq` happened `seq` seconds after noon: distinct, ordered, millisecond ISO text. */
const at = (seq: number) => new Date(Date.UTC(2026, 10, 25, 12, 0, seq)).toISOString();

function planned(outcome: Outcome<MovementPlan>): MovementPlan {
  if (!outcome.ok) throw new Error(`the rules refused the test's movement: ${outcome.failure.code}`);
  return outcome.value;
}

/** Drives the repository as the bank's operations do, one commit sequence number per movement. */
class Clerk {
  readonly repository: BankRepository;
  #seq = 0;

  constructor(repository: BankRepository) {
    this.repository = repository;
  }

  get seq(): number {
    return this.#seq;
  }

  async named(number: string): Promise<NamedAccount> {
    const account = await this.repository.findAccount(number);
    return { number, account: account?.kind === 'system' ? undefined : account };
  }

  async open(owner: Customer, kind: AccountKind, amountCents: number): Promise<{ number: string; recorded: RecordedMovement }> {
    this.#seq += 1;
    const account = await this.repository.openAccount(kind, owner.id, at(this.#seq), this.#seq);
    const recorded = await this.#record(owner, planOpening(kind, amountCents, account, await this.repository.cashAccount()));
    return { number: account.number, recorded };
  }

  async deposit(by: Customer, number: string, amountCents: number): Promise<RecordedMovement> {
    return this.#next(by, planDeposit(by.id, await this.named(number), await this.repository.cashAccount(), amountCents));
  }

  async withdraw(by: Customer, number: string, amountCents: number): Promise<RecordedMovement> {
    return this.#next(by, planWithdrawal(by.id, await this.named(number), await this.repository.cashAccount(), amountCents));
  }

  async transfer(by: Customer, from: string, to: string, amountCents: number): Promise<RecordedMovement> {
    return this.#next(by, planTransfer(by.id, await this.named(from), await this.named(to), amountCents));
  }

  async payLoanByCheck(by: Customer, loan: string, amountCents: number): Promise<RecordedMovement> {
    return this.#next(by, planLoanPaymentByCheck(by.id, await this.named(loan), await this.repository.cashAccount(), amountCents));
  }

  async payLoanByTransfer(by: Customer, from: string, loan: string, amountCents: number): Promise<RecordedMovement> {
    return this.#next(by, planLoanPaymentByTransfer(by.id, await this.named(from), await this.named(loan), amountCents));
  }

  #next(by: Customer, outcome: Outcome<MovementPlan>): Promise<RecordedMovement> {
    this.#seq += 1;
    return this.#record(by, outcome);
  }

  #record(by: Customer, outcome: Outcome<MovementPlan>): Promise<RecordedMovement> {
    return this.repository.record(planned(outcome), by, `${by.username}-${this.#seq}`, at(this.#seq), this.#seq);
  }
}

/**
 * Ten movements, one commit each (seq 1..10), of every kind:
 * ada checking 85.00 (v5), ada savings 15.00 (v4), ada loan owes 860.00 (v4), bob checking 45.00 (v4),
 * cash -715.00 (v8). Deposits 145.00, loans 860.00.
 */
async function tenMovements(harness: BankRepositoryHarness) {
  const clerk = new Clerk(harness.repository);
  const ada = await harness.createCustomer('ada');
  const bob = await harness.createCustomer('bob');
  const adaChecking = await clerk.open(ada, 'checking', 100_00);
  const adaSavings = await clerk.open(ada, 'savings', 50_00);
  const bobChecking = await clerk.open(bob, 'checking', 20_00);
  const adaLoan = await clerk.open(ada, 'loan', 1_000_00);
  const recorded = [adaChecking.recorded, adaSavings.recorded, bobChecking.recorded, adaLoan.recorded];
  recorded.push(await clerk.deposit(ada, adaChecking.number, 25_00));
  recorded.push(await clerk.withdraw(ada, adaChecking.number, 10_00));
  recorded.push(await clerk.transfer(ada, adaChecking.number, bobChecking.number, 30_00));
  recorded.push(await clerk.payLoanByCheck(ada, adaLoan.number, 100_00));
  recorded.push(await clerk.payLoanByTransfer(ada, adaSavings.number, adaLoan.number, 40_00));
  recorded.push(await clerk.transfer(bob, bobChecking.number, adaSavings.number, 5_00));
  const numbers = { adaChecking: adaChecking.number, adaSavings: adaSavings.number, bobChecking: bobChecking.number, adaLoan: adaLoan.number };
  const transactions = recorded.map((movement) => movement.transaction);
  return { clerk, ada, bob, numbers, transactions };
}

/** The repository's own account by number; fails the test when there is none. */
async function account(repository: BankRepository, number: string): Promise<AccountState> {
  const found = await repository.findAccount(number);
  if (found === undefined) throw new Error(`no account ${number}`);
  return found;
}

export function bankRepositoryContract(engine: string, make: BankRepositoryHarnessFactory): void {
  describe(`BankRepository on ${engine}`, () => {
    const opened: BankRepositoryHarness[] = [];
    const open = async (drawNumber?: AccountNumberDraw) => {
      const harness = await make(drawNumber);
      opened.push(harness);
      return harness;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((harness) => harness.close()));
    });

    accountContract(open);
    accountNumberContract(open);
    recordContract(open);
    readContract(open);
    integrityContract(open);
  });
}

type Open = (drawNumber?: AccountNumberDraw) => Promise<BankRepositoryHarness>;

function accountContract(open: Open): void {
  describe('accounts', () => {
    it('has the cash account, id 1, with its fixed number, owned by the bank', async () => {
      const { repository } = await open();
      const cash = await repository.cashAccount();
      expect(cash).toEqual({
        id: 1, number: cashAccountNumber, kind: 'system', ownerUserId: null, ownerUsername: 'Tally Bank',
        balanceCents: 0, version: 1, openedAt: expect.any(String),
      });
      expect(new Date(cash.openedAt).toISOString()).toBe(cash.openedAt);
      expect(await repository.findAccount(cashAccountNumber)).toEqual(cash);
    });

    it('opens an empty account at version 1 and finds, lists and counts it by its owner', async () => {
      const harness = await open();
      const { repository } = harness;
      const ada = await harness.createCustomer('ada');
      const bob = await harness.createCustomer('bob');
      const checking = await repository.openAccount('checking', ada.id, at(3), 3);
      expect(checking).toEqual({
        id: expect.any(Number), number: expect.any(String), kind: 'checking', ownerUserId: ada.id, ownerUsername: 'ada',
        balanceCents: 0, version: 1, openedAt: at(3),
      });
      expect(checking.id).not.toBe(1);
      const loan = await repository.openAccount('loan', ada.id, at(4), 4);
      const bobs = await repository.openAccount('savings', bob.id, at(5), 5);
      expect(await repository.findAccount(checking.number)).toEqual(checking);
      expect(await repository.listAccounts(ada.id)).toEqual([checking, loan]);
      expect(await repository.listAccounts(bob.id)).toEqual([bobs]);
      expect([await repository.countAccounts(ada.id), await repository.countAccounts(bob.id)]).toEqual([2, 1]);
      const nobody = await harness.createCustomer('cy');
      expect([await repository.listAccounts(nobody.id), await repository.countAccounts(nobody.id)]).toEqual([[], 0]);
      // The opening's commit counts as the account's last change.
      expect(await repository.accountsChangedSince(3, undefined, 10)).toEqual([loan, bobs]);
    });

    it('finds no account for a valid number nobody holds', async () => {
      const { repository } = await open();
      expect(await repository.findAccount(accountNumberFromDraw(123_456))).toBeUndefined();
    });
  });
}

function accountNumberContract(open: Open): void {
  describe('account numbers', () => {
    it('draws again when the drawn number is taken', async () => {
      const draws = [42, 42, 42, 7].map(accountNumberFromDraw);
      const harness = await open(() => draws.shift()!);
      const owner = await harness.createCustomer('ada');
      const first = await harness.repository.openAccount('checking', owner.id, at(1), 1);
      const second = await harness.repository.openAccount('savings', owner.id, at(1), 1);
      expect([first.number, second.number]).toEqual([accountNumberFromDraw(42), accountNumberFromDraw(7)]);
      expect(second.kind).toBe('savings');
      expect(draws).toEqual([]);
    });

    it(`gives up after ${accountNumberDrawAttemptsMax} draws that are all taken, opening nothing`, async () => {
      let drawn = 0;
      const harness = await open(() => {
        drawn += 1;
        return accountNumberFromDraw(42);
      });
      const owner = await harness.createCustomer('ada');
      await harness.repository.openAccount('checking', owner.id, at(1), 1);
      await expect(harness.repository.openAccount('savings', owner.id, at(1), 1)).rejects.toThrow(`every one of ${accountNumberDrawAttemptsMax}`);
      expect(drawn).toBe(1 + accountNumberDrawAttemptsMax);
      expect(await harness.repository.countAccounts(owner.id)).toBe(1);
    });

    it('numbers accounts at random, each passing its check', async () => {
      const harness = await open();
      const owner = await harness.createCustomer('ada');
      const numbers: string[] = [];
      for (let opened = 0; opened < 200; opened += 1) numbers.push((await harness.repository.openAccount('checking', owner.id, at(1), 1)).number);
      expect(numbers.filter((number) => accountNumberProblem(number) !== null)).toEqual([]);
      expect(new Set(numbers).size).toBe(numbers.length);
      // Sequential numbers would come out sorted; 200 random ones are sorted with odds of 1 in 200!.
      expect(numbers).not.toEqual([...numbers].sort());
    });
  });
}

function recordContract(open: Open): void {
  describe('record', () => {
    it('writes a deposit: the transaction as given, its entries, and both balances moved with their versions', async () => {
      const harness = await open();
      const clerk = new Clerk(harness.repository);
      const ada = await harness.createCustomer('ada');
      const { number } = await clerk.open(ada, 'checking', 100_00);
      const deposit = await clerk.deposit(ada, number, 25_00);
      expect(deposit.transaction).toEqual({
        id: expect.any(Number), kind: 'deposit', amountCents: 25_00, fromAccountNumber: null, toAccountNumber: number,
        username: 'ada', createdAt: at(2), seq: 2, requestId: 'ada-2',
        entries: [{ accountNumber: cashAccountNumber, amountCents: 25_00 }, { accountNumber: number, amountCents: -25_00 }],
      });
      const [cash, checking] = deposit.accounts;
      expect([cash!.balanceCents, cash!.version, cash!.kind]).toEqual([125_00, 3, 'system']);
      expect([checking!.balanceCents, checking!.version, checking!.ownerUsername]).toEqual([125_00, 3, 'ada']);
      // What record answers is what is stored.
      expect(await harness.repository.cashAccount()).toEqual(cash);
      expect(await harness.repository.findAccount(number)).toEqual(checking);
      expect(await harness.repository.history({ limit: 1 })).toEqual([deposit.transaction]);
      expect(await harness.repository.accountsChangedSince(1, ada.id, 10)).toEqual([checking]);
    });

    it('moves every kind of movement as the rules plan it', async () => {
      const harness = await open();
      const { numbers, transactions } = await tenMovements(harness);
      const balances = async () =>
        Promise.all([numbers.adaChecking, numbers.adaSavings, numbers.adaLoan, numbers.bobChecking].map(async (number) => {
          const { balanceCents, version } = await account(harness.repository, number);
          return [balanceCents, version];
        }));
      expect(await balances()).toEqual([[85_00, 5], [15_00, 4], [860_00, 4], [45_00, 4]]);
      const cash = await harness.repository.cashAccount();
      expect([cash.balanceCents, cash.version]).toEqual([-715_00, 8]);
      expect(transactions.map((transaction) => [transaction.kind, transaction.fromAccountNumber, transaction.toAccountNumber])).toEqual([
        ['open_account', null, numbers.adaChecking],
        ['open_account', null, numbers.adaSavings],
        ['open_account', null, numbers.bobChecking],
        ['open_account', null, numbers.adaLoan],
        ['deposit', null, numbers.adaChecking],
        ['withdrawal', numbers.adaChecking, null],
        ['transfer', numbers.adaChecking, numbers.bobChecking],
        ['loan_payment_check', null, numbers.adaLoan],
        ['loan_payment_transfer', numbers.adaSavings, numbers.adaLoan],
        ['transfer', numbers.bobChecking, numbers.adaSavings],
      ]);
      // A loan's principal leaves through the cash account: the loan is debited, cash credited.
      expect(transactions[3]!.entries).toEqual([
        { accountNumber: numbers.adaLoan, amountCents: 1_000_00 },
        { accountNumber: cashAccountNumber, amountCents: -1_000_00 },
      ]);
      const ids = transactions.map((transaction) => transaction.id);
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('answers the moved accounts in posting order, the customer accounts with their owners', async () => {
      const harness = await open();
      const { numbers, clerk, bob } = await tenMovements(harness);
      const moved = await clerk.transfer(bob, numbers.bobChecking, numbers.adaChecking, 1_00);
      expect(moved.accounts.map((each) => [each.number, each.ownerUsername, each.balanceCents, each.version])).toEqual([
        [numbers.bobChecking, 'bob', 44_00, 5],
        [numbers.adaChecking, 'ada', 86_00, 6],
      ]);
      for (const each of moved.accounts) expect(await harness.repository.findAccount(each.number)).toEqual(each);
    });

    it('refuses to move a balance that changed since the caller read it', async () => {
      const harness = await open();
      const clerk = new Clerk(harness.repository);
      const ada = await harness.createCustomer('ada');
      const { number } = await clerk.open(ada, 'checking', 100_00);
      const stale = await clerk.named(number);
      const cash = await harness.repository.cashAccount();
      await clerk.deposit(ada, number, 1_00);
      const plan = planned(planWithdrawal(ada.id, stale, cash, 10_00));
      await expect(harness.repository.record(plan, ada, 'ada-stale', at(9), 9)).rejects.toThrow(/changed under its lock/);
      expect((await account(harness.repository, number)).balanceCents).toBe(101_00);
    });
  });
}

function readContract(open: Open): void {
  describe('reading the ledger', () => {
    it('pages history newest first, by beforeId and limit, each transaction as recorded', async () => {
      const harness = await open();
      const { transactions } = await tenMovements(harness);
      const newestFirst = [...transactions].reverse();
      expect(await harness.repository.history({ limit: 100 })).toEqual(newestFirst);
      const first = await harness.repository.history({ limit: 4 });
      expect(first).toEqual(newestFirst.slice(0, 4));
      const second = await harness.repository.history({ limit: 4, beforeId: first.at(-1)!.id });
      expect(second).toEqual(newestFirst.slice(4, 8));
      const last = await harness.repository.history({ limit: 4, beforeId: second.at(-1)!.id });
      expect(last).toEqual(newestFirst.slice(8));
      expect(await harness.repository.history({ limit: 4, beforeId: transactions[0]!.id })).toEqual([]);
    });

    it('filters history by kind, by account, by owner, and all of them at once', async () => {
      const harness = await open();
      const { ada, bob, numbers, transactions } = await tenMovements(harness);
      const ids = (views: ReadonlyArray<{ id: number }>) => views.map((view) => view.id);
      const idsOf = (...indexes: number[]) => indexes.map((index) => transactions[index - 1]!.id);
      const { repository } = harness;
      const adaSavings = await account(repository, numbers.adaSavings);
      const bobChecking = await account(repository, numbers.bobChecking);
      expect(ids(await repository.history({ limit: 100, kind: 'transfer' }))).toEqual(idsOf(10, 7));
      expect(ids(await repository.history({ limit: 100, kind: 'open_account' }))).toEqual(idsOf(4, 3, 2, 1));
      expect(ids(await repository.history({ limit: 100, accountId: adaSavings.id }))).toEqual(idsOf(10, 9, 2));
      expect(ids(await repository.history({ limit: 100, ownerUserId: bob.id }))).toEqual(idsOf(10, 7, 3));
      expect(ids(await repository.history({ limit: 100, ownerUserId: ada.id }))).toEqual(idsOf(10, 9, 8, 7, 6, 5, 4, 2, 1));
      expect(ids(await repository.history({ limit: 100, accountId: bobChecking.id, ownerUserId: ada.id }))).toEqual(idsOf(10, 7));
      expect(ids(await repository.history({ limit: 1, ownerUserId: ada.id, kind: 'transfer' }))).toEqual(idsOf(10));
      expect(ids(await repository.history({ limit: 1, ownerUserId: ada.id, kind: 'transfer', beforeId: transactions[9]!.id }))).toEqual(idsOf(7));
      expect(ids(await repository.history({ limit: 100, accountId: adaSavings.id, kind: 'deposit' }))).toEqual([]);
    });

    it('shows a user only their own request ids, and the auditor every one', async () => {
      const harness = await open();
      const { bob, transactions } = await tenMovements(harness);
      const asBob = await harness.repository.history({ limit: 100, ownerUserId: bob.id, requestIdsOf: bob.id });
      expect(asBob.map((view) => [view.username, view.requestId])).toEqual([['bob', 'bob-10'], ['ada', null], ['bob', 'bob-3']]);
      expect(asBob[1]).toEqual({ ...transactions[6]!, requestId: null });
      const asAuditor = await harness.repository.history({ limit: 100, ownerUserId: bob.id });
      expect(asAuditor.map((view) => view.requestId)).toEqual(['bob-10', 'ada-7', 'bob-3']);
    });

    it('answers the customer accounts changed after a commit, all or one owner’s, in id order up to a limit', async () => {
      const harness = await open();
      const { ada, bob, numbers } = await tenMovements(harness);
      const { repository } = harness;
      const numbersOf = (accounts: AccountState[]) => accounts.map((each) => each.number);
      // Last changed: ada checking 7, ada savings 10, bob checking 10, ada loan 9; cash 8, never listed.
      expect(numbersOf(await repository.accountsChangedSince(7, undefined, 10))).toEqual([numbers.adaSavings, numbers.bobChecking, numbers.adaLoan]);
      expect(numbersOf(await repository.accountsChangedSince(7, undefined, 2))).toEqual([numbers.adaSavings, numbers.bobChecking]);
      expect(numbersOf(await repository.accountsChangedSince(6, ada.id, 10))).toEqual([numbers.adaChecking, numbers.adaSavings, numbers.adaLoan]);
      expect(numbersOf(await repository.accountsChangedSince(0, bob.id, 10))).toEqual([numbers.bobChecking]);
      expect(await repository.accountsChangedSince(10, undefined, 10)).toEqual([]);
      const [savings] = await repository.accountsChangedSince(9, ada.id, 10);
      expect(savings).toEqual(await account(repository, numbers.adaSavings));
    });

    it('answers the transactions committed after a commit, in commit order, up to a limit', async () => {
      const harness = await open();
      const { clerk, ada, numbers, transactions } = await tenMovements(harness);
      const { repository } = harness;
      expect(await repository.transactionsSince(0, 100)).toEqual(transactions);
      expect(await repository.transactionsSince(8, 100)).toEqual(transactions.slice(8));
      expect(await repository.transactionsSince(0, 3)).toEqual(transactions.slice(0, 3));
      expect(await repository.transactionsSince(10, 100)).toEqual([]);
      // Two movements in one commit: both after the commit before it, neither after it.
      const seq = clerk.seq + 1;
      const first = await repository.record(planned(planDeposit(ada.id, await clerk.named(numbers.adaChecking), await repository.cashAccount(), 1_00)), ada, 'ada-x', at(seq), seq);
      const second = await repository.record(planned(planDeposit(ada.id, await clerk.named(numbers.adaSavings), await repository.cashAccount(), 2_00)), ada, 'ada-y', at(seq), seq);
      expect(await repository.transactionsSince(seq - 1, 100)).toEqual([first.transaction, second.transaction]);
      expect(await repository.transactionsSince(seq, 100)).toEqual([]);
    });

    it('totals deposits and loans from the balances and from the movements alike, and counts the ledger', async () => {
      const harness = await open();
      const { repository } = harness;
      expect(await repository.totals()).toEqual({ depositsCents: 0, loansOwedCents: 0 });
      expect(await repository.movementTotals()).toEqual({ depositsCents: 0, loansCents: 0 });
      expect(await repository.countLedger()).toEqual({ transactions: 0, entries: 0, accounts: 1 });
      await tenMovements(harness);
      expect(await repository.totals()).toEqual({ depositsCents: 145_00, loansOwedCents: 860_00 });
      expect(await repository.movementTotals()).toEqual({ depositsCents: 145_00, loansCents: 860_00 });
      expect(await repository.countLedger()).toEqual({ transactions: 10, entries: 20, accounts: 5 });
    });
  });
}

function integrityContract(open: Open): void {
  describe('findings', () => {
    const sound = { unbalancedTransactions: [], transactionsWithTooFewEntries: [], balancesNotMatchingEntries: [], negativeBalances: [] };

    it('finds nothing wrong with an empty ledger, nor with a sound one', async () => {
      const harness = await open();
      expect(await harness.repository.findings()).toEqual(sound);
      await tenMovements(harness);
      expect(await harness.repository.findings()).toEqual(sound);
    });

    it('finds a balance that no longer matches its entries, and the totals part from the movements', async () => {
      const harness = await open();
      const { numbers } = await tenMovements(harness);
      await harness.tamper(`UPDATE accounts SET balance_cents = balance_cents + 1 WHERE number = '${numbers.adaChecking}'`);
      await harness.tamper(`UPDATE accounts SET balance_cents = 7 WHERE id = 1`);
      expect(await harness.repository.findings()).toEqual({
        ...sound,
        balancesNotMatchingEntries: [
          { number: cashAccountNumber, balanceCents: 7, entriesCents: -715_00 },
          { number: numbers.adaChecking, balanceCents: 85_01, entriesCents: 85_00 },
        ],
      });
      expect((await harness.repository.totals()).depositsCents).toBe(145_01);
      expect((await harness.repository.movementTotals()).depositsCents).toBe(145_00);
    });

    it('finds a transaction whose entries do not sum to zero, and one left with a single entry', async () => {
      const harness = await open();
      const { numbers, transactions } = await tenMovements(harness);
      const [deposit, transfer] = [transactions[4]!.id, transactions[6]!.id];
      // The deposit's cash entry grows by 7 cents; the transfer loses its credit to bob.
      await harness.tamper(`UPDATE ledger_entries SET amount_cents = amount_cents + 7 WHERE id = (SELECT MIN(id) FROM ledger_entries WHERE transaction_id = ${deposit})`);
      await harness.tamper(`DELETE FROM ledger_entries WHERE id = (SELECT MAX(id) FROM ledger_entries WHERE transaction_id = ${transfer})`);
      const findings = await harness.repository.findings();
      expect(findings.unbalancedTransactions).toEqual([{ transactionId: deposit, sumCents: 7 }, { transactionId: transfer, sumCents: 30_00 }]);
      expect(findings.transactionsWithTooFewEntries).toEqual([transfer]);
      expect(findings.balancesNotMatchingEntries).toEqual([
        { number: cashAccountNumber, balanceCents: -715_00, entriesCents: -714_93 },
        { number: numbers.bobChecking, balanceCents: 45_00, entriesCents: 15_00 },
      ]);
      expect(findings.negativeBalances).toEqual([]);
      expect((await harness.repository.countLedger()).entries).toBe(19);
    });

    it('finds a negative customer balance, and never counts the cash account’s as one', async () => {
      const harness = await open();
      const { numbers } = await tenMovements(harness);
      await harness.allowNegativeBalances();
      await harness.tamper(`UPDATE accounts SET balance_cents = -3 WHERE number = '${numbers.adaSavings}'`);
      const findings = await harness.repository.findings();
      expect(findings.negativeBalances).toEqual([{ number: numbers.adaSavings, balanceCents: -3 }]);
      expect(findings.balancesNotMatchingEntries).toEqual([{ number: numbers.adaSavings, balanceCents: -3, entriesCents: 15_00 }]);
    });
  });
}
