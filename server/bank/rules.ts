/**
 * The bank's business rules as pure functions: who may move what, and the balanced ledger
 * postings each operation makes. No storage, no clock. Operations gather the accounts, ask these,
 * and write what they answer.
 *
 * Double entry: a posting is signed, debit > 0 and credit < 0, and the postings of one operation
 * sum to zero. Checking and savings are credit-normal (a credit raises what the bank owes the
 * owner); loans and the system cash account are debit-normal (a debit raises what is owed to, or
 * held by, the bank). Money from or to the world outside passes through the cash account.
 */
import type { AccountKind, TransactionKind } from '../../shared/protocol.ts';
import { balanceCentsMax } from '../../shared/limits.ts';
import { formatCents } from '../../shared/money.ts';
import { type Outcome, fail, succeed } from '../operations/outcome.ts';

export type LedgerAccountKind = AccountKind | 'system';

export interface AccountState {
  id: number;
  number: string;
  kind: LedgerAccountKind;
  ownerUserId: number | null;
  ownerUsername: string;
  balanceCents: number;
  version: number;
  openedAt: string;
}

/**
 * An account as a request names it: the number the caller sent, and the customer account that holds
 * it, or undefined when none does (no such number, or the bank's own cash account).
 */
export interface NamedAccount {
  number: string;
  account: AccountState | undefined;
}

export interface Posting {
  account: AccountState;
  /** Debit > 0, credit < 0. */
  amountCents: number;
}

export interface MovementPlan {
  kind: TransactionKind;
  amountCents: number;
  /** The customer account money leaves, or null when it comes from outside. */
  from: AccountState | null;
  /** The customer account money reaches, or null when it leaves the bank. */
  to: AccountState | null;
  postings: Posting[];
}

export function normalSign(kind: LedgerAccountKind): 1 | -1 {
  return kind === 'loan' || kind === 'system' ? 1 : -1;
}

export function balanceAfter(account: AccountState, postingCents: number): number {
  return account.balanceCents + normalSign(account.kind) * postingCents;
}

const isDepositAccount = (account: AccountState) => account.kind === 'checking' || account.kind === 'savings';

function plan(kind: TransactionKind, amountCents: number, from: AccountState | null, to: AccountState | null, postings: Posting[]): Outcome<MovementPlan> {
  const sum = postings.reduce((total, posting) => total + posting.amountCents, 0);
  if (sum !== 0) throw new Error(`unbalanced ${kind}: postings sum to ${sum}`);
  for (const { account, amountCents: posted } of postings) {
    if (account.kind !== 'system' && balanceAfter(account, posted) < 0) throw new Error(`${kind} would make ${account.number} negative`);
  }
  return succeed({ kind, amountCents, from, to, postings });
}

/** The caller's own account by that number, or undefined: none, or someone else's (the caller cannot tell which). */
export function yours(userId: number, named: NamedAccount): AccountState | undefined {
  return named.account?.ownerUserId === userId ? named.account : undefined;
}

/**
 * The one refusal for a number that is not one of the caller's accounts, whether no account has it or
 * another customer's does: a refusal must not tell anyone which numbers exist, nor of what kind.
 */
export function notYours(named: NamedAccount): Outcome<never> {
  return fail('unknown_account', `You have no account ${named.number}.`);
}

/**
 * The account a transfer pays into: any customer's checking or savings account. For another customer's
 * account every reason it cannot take this transfer (no such account, a loan, the bank's own, a balance
 * that would pass balanceCentsMax) gets one and the same refusal, checked after everything that depends
 * only on the caller's accounts, so nothing before it differs either. Only the caller's own account is
 * refused with its reason.
 */
function receivingAccount(userId: number, named: NamedAccount, amountCents: number, hint: string): { account: AccountState } | { refusal: Outcome<never> } {
  const account = named.account;
  if (account !== undefined && account.ownerUserId === userId) {
    const refusal = requireDepositAccount(account, hint) ?? requireRoom(account, amountCents);
    return refusal === null ? { account } : { refusal };
  }
  if (account !== undefined && isDepositAccount(account) && requireRoom(account, amountCents) === null) return { account };
  return { refusal: fail('unknown_account', `No account ${named.number} can receive this transfer.`) };
}

function requireDepositAccount(account: AccountState, hint: string): Outcome<never> | null {
  if (isDepositAccount(account)) return null;
  return fail('wrong_account_kind', `Account ${account.number} is a ${account.kind} account; ${hint}`);
}

function requireLoanAccount(account: AccountState): Outcome<never> | null {
  if (account.kind === 'loan') return null;
  return fail('wrong_account_kind', `Account ${account.number} is not a loan account.`);
}

function requireFunds(account: AccountState, amountCents: number): Outcome<never> | null {
  if (account.balanceCents >= amountCents) return null;
  return fail('insufficient_funds', `Account ${account.number} holds ${formatCents(account.balanceCents)}, less than ${formatCents(amountCents)}.`);
}

function requireRoom(account: AccountState, amountCents: number): Outcome<never> | null {
  if (account.balanceCents + amountCents <= balanceCentsMax) return null;
  return fail('balance_limit', `Account ${account.number} may not hold more than ${formatCents(balanceCentsMax)}.`);
}

function requireOwed(loan: AccountState, amountCents: number): Outcome<never> | null {
  if (amountCents <= loan.balanceCents) return null;
  return fail('overpayment', `Loan ${loan.number} owes ${formatCents(loan.balanceCents)}; you cannot pay ${formatCents(amountCents)}.`);
}

/** By the numbers sent, before any lookup: two equal numbers say nothing about the account. */
function requireDistinct(from: NamedAccount, to: NamedAccount): Outcome<never> | null {
  if (from.number !== to.number) return null;
  return fail('same_account', 'Money must move between two different accounts.');
}

export function planOpening(kind: AccountKind, amountCents: number, account: AccountState, cash: AccountState): Outcome<MovementPlan> {
  if (kind === 'loan') {
    // The principal is paid out to the borrower, outside the bank: the loan is owed, cash leaves.
    return plan('open_account', amountCents, null, account, [
      { account, amountCents },
      { account: cash, amountCents: -amountCents },
    ]);
  }
  return plan('open_account', amountCents, null, account, [
    { account: cash, amountCents },
    { account, amountCents: -amountCents },
  ]);
}

export function planDeposit(userId: number, named: NamedAccount, cash: AccountState, amountCents: number): Outcome<MovementPlan> {
  const account = yours(userId, named);
  if (account === undefined) return notYours(named);
  const refusal = requireDepositAccount(account, 'pay a loan by check instead.') ?? requireRoom(account, amountCents);
  if (refusal) return refusal;
  return plan('deposit', amountCents, null, account, [
    { account: cash, amountCents },
    { account, amountCents: -amountCents },
  ]);
}

export function planWithdrawal(userId: number, named: NamedAccount, cash: AccountState, amountCents: number): Outcome<MovementPlan> {
  const account = yours(userId, named);
  if (account === undefined) return notYours(named);
  const refusal = requireDepositAccount(account, 'money cannot be withdrawn from it.') ?? requireFunds(account, amountCents);
  if (refusal) return refusal;
  return plan('withdrawal', amountCents, account, null, [
    { account, amountCents },
    { account: cash, amountCents: -amountCents },
  ]);
}

/** From the caller's checking or savings to any customer's checking or savings (the bank seed's transfer). */
export function planTransfer(userId: number, fromNamed: NamedAccount, toNamed: NamedAccount, amountCents: number): Outcome<MovementPlan> {
  const distinct = requireDistinct(fromNamed, toNamed);
  if (distinct) return distinct;
  const from = yours(userId, fromNamed);
  if (from === undefined) return notYours(fromNamed);
  const fromRefusal = requireDepositAccount(from, 'transfers must come from checking or savings.');
  if (fromRefusal) return fromRefusal;
  const payee = receivingAccount(userId, toNamed, amountCents, 'pay a loan by transfer instead.');
  if ('refusal' in payee) return payee.refusal;
  const to = payee.account;
  const refusal = requireFunds(from, amountCents);
  if (refusal) return refusal;
  return plan('transfer', amountCents, from, to, [
    { account: from, amountCents },
    { account: to, amountCents: -amountCents },
  ]);
}

export function planLoanPaymentByCheck(userId: number, named: NamedAccount, cash: AccountState, amountCents: number): Outcome<MovementPlan> {
  const loan = yours(userId, named);
  if (loan === undefined) return notYours(named);
  const refusal = requireLoanAccount(loan) ?? requireOwed(loan, amountCents);
  if (refusal) return refusal;
  return plan('loan_payment_check', amountCents, null, loan, [
    { account: cash, amountCents },
    { account: loan, amountCents: -amountCents },
  ]);
}

/** Both accounts must be the caller's: nobody pays another customer's loan from here. */
export function planLoanPaymentByTransfer(userId: number, fromNamed: NamedAccount, loanNamed: NamedAccount, amountCents: number): Outcome<MovementPlan> {
  const distinct = requireDistinct(fromNamed, loanNamed);
  if (distinct) return distinct;
  const from = yours(userId, fromNamed);
  if (from === undefined) return notYours(fromNamed);
  const loan = yours(userId, loanNamed);
  if (loan === undefined) return notYours(loanNamed);
  const refusal =
    requireLoanAccount(loan) ??
    requireDepositAccount(from, 'loan payments must come from checking or savings.') ??
    requireFunds(from, amountCents) ??
    requireOwed(loan, amountCents);
  if (refusal) return refusal;
  return plan('loan_payment_transfer', amountCents, from, loan, [
    { account: from, amountCents },
    { account: loan, amountCents: -amountCents },
  ]);
}

/** The bank's two totals as the ledger's movements make them: deposits held, loans owed. */
export interface MovementTotals {
  depositsCents: number;
  loansCents: number;
}

/**
 * How one committed movement changes the totals, from its kind alone: money from outside raises
 * deposits, money leaving lowers them, a loan payment by transfer lowers both, and transfers
 * between customers change neither. Summed over the ledger this is what the stored balances must
 * add up to: the conservation check.
 */
export function movementTotalsEffect(kind: TransactionKind, openedLoan: boolean, amountCents: number): MovementTotals {
  switch (kind) {
    case 'open_account':
      return openedLoan ? { depositsCents: 0, loansCents: amountCents } : { depositsCents: amountCents, loansCents: 0 };
    case 'deposit':
      return { depositsCents: amountCents, loansCents: 0 };
    case 'withdrawal':
      return { depositsCents: -amountCents, loansCents: 0 };
    case 'transfer':
      return { depositsCents: 0, loansCents: 0 };
    case 'loan_payment_check':
      return { depositsCents: 0, loansCents: -amountCents };
    case 'loan_payment_transfer':
      return { depositsCents: -amountCents, loansCents: -amountCents };
  }
}
