/**
 * Account numbers: `accountNumberDigits` decimal digits, as text (they are names, not amounts). The
 * first ones are drawn at random by the server (so a number says nothing about any other), the last
 * two are check digits by ISO 7064 MOD 97-10, as in an IBAN: read as one decimal number, a valid
 * account number leaves remainder 1 when divided by 97.
 *
 * Why MOD 97-10 rather than Luhn: it catches every single wrong digit and every swap of two adjacent
 * digits (97 is a prime that divides neither 10^k nor 9 * 10^k), where Luhn misses 09 <-> 90. So a
 * mistyped number is caught by the client before it is sent, and by the server's schema if not.
 *
 * One module for the protocol's schema, the server's generator and the web forms.
 */
import { accountNumberDigits } from './limits.ts';

export const accountNumberCheckDigits = 2;
const checkModulus = 97;

const digitsOnly = /^[0-9]+$/;

/** Remainder of the decimal number `digits` divided by 97, digit by digit (it may pass 2^53). */
function remainderOf(digits: string): number {
  let remainder = 0;
  for (const digit of digits) remainder = (remainder * 10 + Number(digit)) % checkModulus;
  return remainder;
}

/** `body` followed by its two MOD 97-10 check digits. */
export function withCheckDigits(body: string): string {
  if (!digitsOnly.test(body)) throw new RangeError(`an account number's body is digits, got "${body}"`);
  const check = checkModulus + 1 - remainderOf(`${body}00`);
  return `${body}${String(check).padStart(accountNumberCheckDigits, '0')}`;
}

export function hasValidCheckDigits(number: string): boolean {
  return digitsOnly.test(number) && remainderOf(number) === 1;
}

/** Digits drawn at random for each new account: the rest of the number is its check digits. */
export const accountNumberRandomDigits = accountNumberDigits - accountNumberCheckDigits;

/** A new account number from a random integer in [0, 10^accountNumberRandomDigits). */
export function accountNumberFromDraw(draw: number): string {
  if (!Number.isSafeInteger(draw) || draw < 0 || draw >= 10 ** accountNumberRandomDigits) {
    throw new RangeError(`an account number draw is an integer below 10^${accountNumberRandomDigits}, got ${draw}`);
  }
  return withCheckDigits(String(draw).padStart(accountNumberRandomDigits, '0'));
}

/**
 * The bank's own cash account (money entering or leaving the bank passes through it). It appears in
 * ledger entries, so it has a well-formed number too; no customer may use it.
 */
export const cashAccountNumber = accountNumberFromDraw(1);

export type AccountNumberProblem = 'format' | 'check_digits';

/** What is wrong with `number` as an account number, or null when nothing is. */
export function accountNumberProblem(number: string): AccountNumberProblem | null {
  if (number.length !== accountNumberDigits || !digitsOnly.test(number)) return 'format';
  return hasValidCheckDigits(number) ? null : 'check_digits';
}

/** The sentence a person reads for each problem. */
export const accountNumberProblemMessages: Record<AccountNumberProblem, string> = {
  format: `An account number is ${accountNumberDigits} digits.`,
  check_digits: 'Check the account number: one of its digits is wrong or two are swapped.',
};
