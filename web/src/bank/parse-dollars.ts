import { amountCentsMax } from '../../../shared/limits.ts';
import { formatCents, type Cents } from '../../../shared/money.ts';

export type ParsedAmount = { ok: true; cents: Cents } | { ok: false; message: string };

/** "1234.5", "$1,234.50", "0.07"; commas only in groups of three. No sign, no exponent. */
const dollarsPattern = /^\$?((?:\d{1,3}(?:,\d{3})+)|\d+)(?:\.(\d*))?$/;

/** Whole dollars longer than this cannot be under any limit we check, and stay exact in a double. */
const wholeDigitsMax = 13;

/**
 * Dollars as people type them -> integer cents, without ever holding a fractional number: the whole
 * and fraction digits are read as separate integers. Refuses 0, negatives, more than two decimals
 * and anything above `centsMax` (by default the largest amount one operation may move).
 */
export function parseDollarsToCents(text: string, centsMax: Cents = amountCentsMax): ParsedAmount {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, message: 'Enter an amount.' };
  if (/^[-−]/.test(trimmed)) return { ok: false, message: 'The amount must be more than $0.00.' };
  const match = dollarsPattern.exec(trimmed);
  if (match === null) return { ok: false, message: 'Enter an amount in dollars, like 12.34.' };
  const wholeDigits = (match[1] ?? '').replaceAll(',', '').replace(/^0+(?=\d)/, '');
  const fractionDigits = match[2] ?? '';
  if (fractionDigits.length > 2) return { ok: false, message: 'Use at most two decimal places (whole cents).' };
  const tooLarge = { ok: false, message: `The amount must be at most ${formatCents(centsMax)}.` } as const;
  if (wholeDigits.length > wholeDigitsMax) return tooLarge;
  const cents = Number(wholeDigits) * 100 + Number(fractionDigits.padEnd(2, '0'));
  if (!Number.isSafeInteger(cents)) throw new RangeError(`parsed a non-integer amount from "${text}"`);
  if (cents === 0) return { ok: false, message: 'The amount must be more than $0.00.' };
  if (cents > centsMax) return tooLarge;
  return { ok: true, cents };
}

