/**
 * Dollars as people type them ("12.34", "500", "$1,000") to integer cents, by string arithmetic only:
 * a floating-point detour would turn "0.29" into 28.999… cents.
 */
import { amountCentsMax } from '../shared/limits.ts';
import { formatCents, type Cents } from '../shared/money.ts';
import { UsageError } from './usage-error.ts';

/** "1234.5", "$1,234.50", "12."; commas only between groups of three digits (the web app's grammar too). */
const amountPattern = /^\$?((?:\d{1,3}(?:,\d{3})+)|\d+)(?:\.(\d*))?$/;

/** More whole-dollar digits than this is over any limit; checked before Number() so it stays exact. */
const wholeDollarDigitsMax = 12;

/** Parses a positive amount of at most `limitCents` (default amountCentsMax); throws UsageError otherwise. */
export function parseAmountCents(text: string, what = 'amount', limitCents: Cents = amountCentsMax): Cents {
  const trimmed = text.trim();
  if (trimmed.startsWith('-')) throw new UsageError(`${what} must be positive, got "${text}"`);
  const match = amountPattern.exec(trimmed);
  if (match === null && trimmed.includes(',')) {
    throw new UsageError(`${what} "${text}": write cents after a dot, and commas only between groups of three digits, like 1,234.56`);
  }
  if (match === null) throw new UsageError(`${what} must be dollars like 12.34 or 500, got "${text}"`);
  const wholeDigits = match[1]!.replaceAll(',', '').replace(/^0+(?=\d)/, '');
  const fractionDigits = match[2] ?? '';
  if (fractionDigits.length > 2) throw new UsageError(`${what} "${text}" has more than two decimals`);
  const tooLarge = new UsageError(`${what} ${text} is more than the largest allowed, ${formatCents(limitCents)}`);
  if (wholeDigits.length > wholeDollarDigitsMax) throw tooLarge;
  const cents = Number(wholeDigits) * 100 + Number(fractionDigits.padEnd(2, '0'));
  if (cents === 0) throw new UsageError(`${what} must be at least $0.01, got "${text}"`);
  if (cents > limitCents) throw tooLarge;
  return cents;
}
