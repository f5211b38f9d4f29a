import { amountCentsMax } from '../../../shared/limits.ts';
import { formatCents, parseDollars, type Cents, type DollarsProblem } from '../../../shared/money.ts';

export type ParsedAmount = { ok: true; cents: Cents } | { ok: false; message: string };

/**
 * Dollars as people type them -> integer cents, through the one parser in shared/money.ts, with a
 * sentence for the form when the text is not an amount.
 */
export function parseDollarsToCents(text: string, centsMax: Cents = amountCentsMax): ParsedAmount {
  const parsed = parseDollars(text, centsMax);
  if (parsed.ok) return parsed;
  const messages: Record<DollarsProblem, string> = {
    empty: 'Enter an amount.',
    not_positive: 'The amount must be more than $0.00.',
    not_dollars: 'Enter an amount in dollars, like 12.34.',
    misplaced_commas: 'Enter an amount in dollars, like 12.34.',
    too_many_decimals: 'Use at most two decimal places (whole cents).',
    too_large: `The amount must be at most ${formatCents(centsMax)}.`,
  };
  return { ok: false, message: messages[parsed.problem] };
}
