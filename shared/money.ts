/**
 * Money is an integer number of cents everywhere: storage, protocol, UI state.
 * Only formatting for people turns it into a decimal string.
 */

import { amountCentsMax } from './limits.ts';

export type Cents = number;

export function assertCents(value: number, what = 'amount'): asserts value is Cents {
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`${what} must be a whole number of cents, got ${value}`);
  }
}

export function multiplyCents(unitCents: Cents, quantity: number): Cents {
  assertCents(unitCents, 'unit price');
  if (!Number.isSafeInteger(quantity)) throw new RangeError(`quantity must be a whole number, got ${quantity}`);
  const product = unitCents * quantity;
  assertCents(product, 'line total');
  return product;
}

export function sumCents(values: readonly Cents[]): Cents {
  let total = 0;
  for (const value of values) {
    assertCents(value, 'each amount in a total');
    total += value;
    assertCents(total, 'running total');
  }
  return total;
}

const dollars = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/** 123456 -> "$1,234.56". Integer arithmetic only; the division is exact for display. */
export function formatCents(cents: Cents): string {
  assertCents(cents);
  const sign = cents < 0 ? '-' : '';
  const absolute = Math.abs(cents);
  const whole = Math.trunc(absolute / 100);
  const fraction = String(absolute % 100).padStart(2, '0');
  const wholeText = dollars.format(whole).replace(/\.00$/, '');
  return `${sign}${wholeText}.${fraction}`;
}

/** Why a typed amount is not one: each surface (web form, terminal) words it for its readers. */
export type DollarsProblem = 'empty' | 'not_positive' | 'not_dollars' | 'misplaced_commas' | 'too_many_decimals' | 'too_large';

export type ParsedDollars = { ok: true; cents: Cents } | { ok: false; problem: DollarsProblem };

/** "1234.5", "$1,234.50", "12."; commas only between groups of three digits. No sign, no exponent. */
const dollarsPattern = /^\$?((?:\d{1,3}(?:,\d{3})+)|\d+)(?:\.(\d*))?$/;

/** Whole dollars longer than this are over any limit, and checking first keeps Number() exact. */
const wholeDollarDigitsMax = 13;

/**
 * Dollars as people type them -> integer cents, without ever holding a fractional number: the
 * whole and fraction digits are read as separate integers (0.29 * 100 is 28.999... in floating
 * point). Refuses zero, negatives, more than two decimals and anything above `centsMax`.
 */
export function parseDollars(text: string, centsMax: Cents = amountCentsMax): ParsedDollars {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, problem: 'empty' };
  if (/^[-\u2212]/.test(trimmed)) return { ok: false, problem: 'not_positive' };
  const match = dollarsPattern.exec(trimmed);
  if (match === null) return { ok: false, problem: trimmed.includes(',') ? 'misplaced_commas' : 'not_dollars' };
  const wholeDigits = match[1]!.replaceAll(',', '').replace(/^0+(?=\d)/, '');
  const fractionDigits = match[2] ?? '';
  if (fractionDigits.length > 2) return { ok: false, problem: 'too_many_decimals' };
  if (wholeDigits.length > wholeDollarDigitsMax) return { ok: false, problem: 'too_large' };
  const cents = Number(wholeDigits) * 100 + Number(fractionDigits.padEnd(2, '0'));
  assertCents(cents, 'parsed amount');
  if (cents === 0) return { ok: false, problem: 'not_positive' };
  if (cents > centsMax) return { ok: false, problem: 'too_large' };
  return { ok: true, cents };
}
