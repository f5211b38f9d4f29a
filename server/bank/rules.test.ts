import { describe, expect, it } from 'vitest';
import { accountNumberFromDraw } from '../../shared/account-number.ts';
import { balanceCentsMax } from '../../shared/limits.ts';
import {
  type AccountState,
  type MovementPlan,
  type NamedAccount,
  balanceAfter,
  planDeposit,
  planLoanPaymentByCheck,
  planLoanPaymentByTransfer,
  planOpening,
  planTransfer,
  planWithdrawal,
} from './rules.ts';
import type { Outcome } from '../operations/outcome.ts';

const alice = 1;
const bob = 2;

function account(id: number, kind: AccountState['kind'], balanceCents: number, ownerUserId: number | null = alice): AccountState {
  return { id, number: accountNumberFromDraw(id), kind, ownerUserId, ownerUsername: `user${ownerUserId}`, balanceCents, version: 1, openedAt: '' };
}

/** As a request names an account that exists. */
const named = (account: AccountState): NamedAccount => ({ number: account.number, account });
/** As a request names a number no customer account has. */
const nobodys: NamedAccount = { number: accountNumberFromDraw(999), account: undefined };

const cash = account(1, 'system', 0, null);
const checking = account(2, 'checking', 1_000);
const savings = account(3, 'savings', 50);
const loan = account(4, 'loan', 700);
const bobsChecking = account(5, 'checking', 10, bob);

function expectBalanced(outcome: Outcome<MovementPlan>): MovementPlan {
  if (!outcome.ok) throw new Error(`expected a plan, got ${outcome.failure.code}`);
  expect(outcome.value.postings.reduce((sum, posting) => sum + posting.amountCents, 0)).toBe(0);
  return outcome.value;
}

function balancesAfter(plan: MovementPlan): Record<string, number> {
  return Object.fromEntries(plan.postings.map((posting) => [posting.account.number, balanceAfter(posting.account, posting.amountCents)]));
}

function expectRefused(outcome: Outcome<MovementPlan>, code: string): void {
  expect(outcome.ok ? 'planned' : outcome.failure.code).toBe(code);
}

describe('bank rules: balanced postings with the right effect on each balance', () => {
  it('a deposit raises the account and the cash the bank holds', () => {
    const plan = expectBalanced(planDeposit(alice, named(checking), cash, 250));
    expect(balancesAfter(plan)).toEqual({ [checking.number]: 1_250, [cash.number]: 250 });
  });

  it('a withdrawal lowers both', () => {
    const plan = expectBalanced(planWithdrawal(alice, named(checking), cash, 400));
    expect(balancesAfter(plan)).toEqual({ [checking.number]: 600, [cash.number]: -400 });
  });

  it('a transfer moves money between two customer accounts of anyone', () => {
    const plan = expectBalanced(planTransfer(alice, named(checking), named(bobsChecking), 300));
    expect(balancesAfter(plan)).toEqual({ [checking.number]: 700, [bobsChecking.number]: 310 });
    expect(plan.from?.number).toBe(checking.number);
    expect(plan.to?.number).toBe(bobsChecking.number);
  });

  it('a loan payment by check lowers what is owed, with money from outside', () => {
    const plan = expectBalanced(planLoanPaymentByCheck(alice, named(loan), cash, 200));
    expect(balancesAfter(plan)).toEqual({ [loan.number]: 500, [cash.number]: 200 });
  });

  it('a loan payment by transfer lowers both the account and what is owed', () => {
    const plan = expectBalanced(planLoanPaymentByTransfer(alice, named(checking), named(loan), 700));
    expect(balancesAfter(plan)).toEqual({ [checking.number]: 300, [loan.number]: 0 });
  });

  it('opening with a deposit, or a loan with its principal paid out', () => {
    const fresh = account(9, 'savings', 0);
    expect(balancesAfter(expectBalanced(planOpening('savings', 900, fresh, cash)))).toEqual({ [fresh.number]: 900, [cash.number]: 900 });
    const freshLoan = account(10, 'loan', 0);
    expect(balancesAfter(expectBalanced(planOpening('loan', 5_000, freshLoan, cash)))).toEqual({ [freshLoan.number]: 5_000, [cash.number]: -5_000 });
  });
});

describe('bank rules: refusals', () => {
  it('an account that is not the caller’s own is refused as if it did not exist', () => {
    const youHaveNone = (number: string) => ({ ok: false, failure: { code: 'unknown_account', message: `You have no account ${number}.` } });
    for (const theirs of [named(checking), named(loan), nobodys]) {
      expect(planWithdrawal(bob, theirs, cash, 1)).toEqual(youHaveNone(theirs.number));
      expect(planDeposit(bob, theirs, cash, 1)).toEqual(youHaveNone(theirs.number));
      expect(planLoanPaymentByCheck(bob, theirs, cash, 1)).toEqual(youHaveNone(theirs.number));
      expect(planTransfer(bob, theirs, named(bobsChecking), 1)).toEqual(youHaveNone(theirs.number));
      expect(planLoanPaymentByTransfer(bob, named(bobsChecking), theirs, 1)).toEqual(youHaveNone(theirs.number));
    }
  });

  it('a transfer into another customer’s account gets one refusal for every reason it cannot take it', () => {
    const cannotReceive = (number: string) => ({ ok: false, failure: { code: 'unknown_account', message: `No account ${number} can receive this transfer.` } });
    const full = account(12, 'savings', balanceCentsMax, alice);
    for (const payee of [named(loan), named(full), nobodys, named(cash)]) {
      // Bob's checking holds 10 cents: enough for 1, not for 11. Either way the answer is the same.
      expect(planTransfer(bob, named(bobsChecking), payee, 1)).toEqual(cannotReceive(payee.number));
      expect(planTransfer(bob, named(bobsChecking), payee, 11)).toEqual(cannotReceive(payee.number));
    }
  });

  it('insufficient funds, at the edge', () => {
    expectBalanced(planWithdrawal(alice, named(savings), cash, 50));
    expectRefused(planWithdrawal(alice, named(savings), cash, 51), 'insufficient_funds');
    expectRefused(planTransfer(alice, named(savings), named(checking), 51), 'insufficient_funds');
    expectRefused(planLoanPaymentByTransfer(alice, named(savings), named(loan), 51), 'insufficient_funds');
  });

  it('paying more than is owed', () => {
    expectRefused(planLoanPaymentByCheck(alice, named(loan), cash, 701), 'overpayment');
    expectRefused(planLoanPaymentByTransfer(alice, named(checking), named(loan), 701), 'overpayment');
  });

  it('the same account on both sides, known or not', () => {
    expectRefused(planTransfer(alice, named(checking), named(checking), 1), 'same_account');
    expectRefused(planTransfer(alice, nobodys, nobodys, 1), 'same_account');
  });

  it('the wrong kind of the caller’s own account', () => {
    expectRefused(planDeposit(alice, named(loan), cash, 1), 'wrong_account_kind');
    expectRefused(planWithdrawal(alice, named(loan), cash, 1), 'wrong_account_kind');
    expectRefused(planTransfer(alice, named(checking), named(loan), 1), 'wrong_account_kind');
    expectRefused(planTransfer(alice, named(loan), named(checking), 1), 'wrong_account_kind');
    expectRefused(planLoanPaymentByCheck(alice, named(checking), cash, 1), 'wrong_account_kind');
    expectRefused(planLoanPaymentByTransfer(alice, named(checking), named(savings), 1), 'wrong_account_kind');
  });

  it('a balance past the largest an account may hold', () => {
    const nearlyFull = account(11, 'checking', balanceCentsMax - 10);
    expectBalanced(planDeposit(alice, named(nearlyFull), cash, 10));
    expectRefused(planDeposit(alice, named(nearlyFull), cash, 11), 'balance_limit');
    expectRefused(planTransfer(alice, named(checking), named(nearlyFull), 11), 'balance_limit');
  });
});
