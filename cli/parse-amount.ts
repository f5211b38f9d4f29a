import { amountCentsMax } from '../shared/limits.ts';
import { formatCents, parseDollars, type Cents } from '../shared/money.ts';
import { UsageError } from './usage-error.ts';

/**
 * Dollars as typed on the command line ("12.34", "500", "$1,000") -> integer cents, through the one
 * parser in shared/money.ts; throws a UsageError naming the argument when the text is not an amount.
 */
export function parseAmountCents(text: string, what = 'amount', limitCents: Cents = amountCentsMax): Cents {
  const parsed = parseDollars(text, limitCents);
  if (parsed.ok) return parsed.cents;
  switch (parsed.problem) {
    case 'not_positive': {
      const negative = /^[-\u2212]/.test(text.trim());
      throw new UsageError(negative ? `${what} must be positive, got "${text}"` : `${what} must be at least $0.01, got "${text}"`);
    }
    case 'misplaced_commas':
      throw new UsageError(`${what} "${text}": write cents after a dot, and commas only between groups of three digits, like 1,234.56`);
    case 'too_many_decimals':
      throw new UsageError(`${what} "${text}" has more than two decimals`);
    case 'too_large':
      throw new UsageError(`${what} ${text} is more than the largest allowed, ${formatCents(limitCents)}`);
    case 'empty':
    case 'not_dollars':
      throw new UsageError(`${what} must be dollars like 12.34 or 500, got "${text}"`);
    default: {
      const unexpected: never = parsed.problem;
      throw new Error(`unhandled amount problem ${String(unexpected)}`);
    }
  }
}
