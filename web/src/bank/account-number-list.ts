import { accountNumberProblem, accountNumberProblemMessages } from '../../../shared/account-number.ts';
import { simulationOtherAccountsMax } from './bank-ui-limits.ts';

export type ParsedAccountNumbers = { ok: true; numbers: readonly string[] } | { ok: false; message: string };

/** Account numbers typed into one field, separated by spaces or commas; duplicates are dropped. */
export function parseAccountNumberList(text: string): ParsedAccountNumbers {
  const parts = text.split(/[\s,;]+/).filter((part) => part !== '');
  for (const part of parts) {
    const problem = accountNumberProblem(part);
    if (problem !== null) return { ok: false, message: `“${part}”: ${accountNumberProblemMessages[problem]}` };
  }
  const numbers = [...new Set(parts)];
  if (numbers.length > simulationOtherAccountsMax) {
    return { ok: false, message: `Enter at most ${simulationOtherAccountsMax} account numbers.` };
  }
  return { ok: true, numbers };
}

/**
 * One account number typed by a person, surrounding spaces ignored, checked by the protocol's own rule
 * (its check digits catch one wrong digit or two swapped) so a typo is shown before anything is sent.
 */
export function checkAccountNumber(text: string): { ok: true; number: string } | { ok: false; message: string } {
  const number = text.trim();
  if (number === '') return { ok: false, message: 'Enter the account number to send to.' };
  const problem = accountNumberProblem(number);
  if (problem !== null) return { ok: false, message: accountNumberProblemMessages[problem] };
  return { ok: true, number };
}
