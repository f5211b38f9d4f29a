import { describe, expect, it } from 'vitest';
import { balanceCentsMax } from '../../shared/limits.ts';
import {
  type AccountState,
  type MovementPlan,
  balanceAfter,
  planDeposit,
  planLoanPaymentByCheck,
  planLoanPaymentByTransfer,
  planOpening,
  planTransfer,
  planWithdrawal,
} from './rules.ts';
import type { Outcome } from '../storage/unit-of-work.ts';

const alice = 1;
const bob = 2;

function account(id: number, kind: AccountState['kind'], balanceCents: number, ownerUserId: number | null = alice): AccountState {
  return { id, number: String(10_000_000 + id), kind, ownerUserId, ownerUsername: `user${ownerUserId}`, balanceCents, version: 1, openedAt: '' };
}

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
    const plan = expectBalanced(planDeposit(alice, checking, cash, 250));
    expect(balancesAfter(plan)).toEqual({ [checking.number]: 1_250, [cash.number]: 250 });
  });

  it('a withdrawal lowers both', () => {
    const plan = expectBalanced(planWithdrawal(alice, checking, cash, 400));
    expect(balancesAfter(plan)).toEqual({ [checking.number]: 600, [cash.number]: -400 });
  });

  it('a transfer moves money between two customer accounts of anyone', () => {
    const plan = expectBalanced(planTransfer(alice, checking, bobsChecking, 300));
    expect(balancesAfter(plan)).toEqual({ [checking.number]: 700, [bobsChecking.number]: 310 });
    expect(plan.from?.number).toBe(checking.number);
    expect(plan.to?.number).toBe(bobsChecking.number);
  });

  it('a loan payment by check lowers what is owed, with money from outside', () => {
    const plan = expectBalanced(planLoanPaymentByCheck(alice, loan, cash, 200));
    expect(balancesAfter(plan)).toEqual({ [loan.number]: 500, [cash.number]: 200 });
  });

  it('a loan payment by transfer lowers both the account and what is owed', () => {
    const plan = expectBalanced(planLoanPaymentByTransfer(alice, checking, loan, 700));
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
  it('only the owner may debit', () => {
    expectRefused(planWithdrawal(bob, checking, cash, 1), 'forbidden');
    expectRefused(planTransfer(bob, checking, bobsChecking, 1), 'forbidden');
    expectRefused(planLoanPaymentByTransfer(bob, checking, loan, 1), 'forbidden');
  });

  it('insufficient funds, at the edge', () => {
    expectBalanced(planWithdrawal(alice, savings, cash, 50));
    expectRefused(planWithdrawal(alice, savings, cash, 51), 'insufficient_funds');
    expectRefused(planTransfer(alice, savings, checking, 51), 'insufficient_funds');
    expectRefused(planLoanPaymentByTransfer(alice, savings, loan, 51), 'insufficient_funds');
  });

  it('paying more than is owed', () => {
    expectRefused(planLoanPaymentByCheck(alice, loan, cash, 701), 'overpayment');
    expectRefused(planLoanPaymentByTransfer(alice, checking, loan, 701), 'overpayment');
  });

  it('the same account on both sides', () => {
    expectRefused(planTransfer(alice, checking, checking, 1), 'same_account');
  });

  it('the wrong kind of account', () => {
    expectRefused(planDeposit(alice, loan, cash, 1), 'wrong_account_kind');
    expectRefused(planWithdrawal(alice, loan, cash, 1), 'wrong_account_kind');
    expectRefused(planTransfer(alice, checking, loan, 1), 'wrong_account_kind');
    expectRefused(planTransfer(alice, loan, checking, 1), 'wrong_account_kind');
    expectRefused(planLoanPaymentByCheck(alice, checking, cash, 1), 'wrong_account_kind');
    expectRefused(planLoanPaymentByTransfer(alice, checking, savings, 1), 'wrong_account_kind');
  });

  it('a balance past the largest an account may hold', () => {
    const nearlyFull = account(11, 'checking', balanceCentsMax - 10);
    expectBalanced(planDeposit(alice, nearlyFull, cash, 10));
    expectRefused(planDeposit(alice, nearlyFull, cash, 11), 'balance_limit');
    expectRefused(planTransfer(alice, checking, nearlyFull, 11), 'balance_limit');
  });
});
