import { simulationOtherAccountsMax } from './bank-ui-limits.ts';

export type ParsedAccountNumbers = { ok: true; numbers: readonly string[] } | { ok: false; message: string };

const accountNumberPattern = /^[0-9]{8}$/;

/** Account numbers typed into one field, separated by spaces or commas; duplicates are dropped. */
export function parseAccountNumberList(text: string): ParsedAccountNumbers {
  const parts = text.split(/[\s,;]+/).filter((part) => part !== '');
  const wrong = parts.find((part) => !accountNumberPattern.test(part));
  if (wrong !== undefined) return { ok: false, message: `“${wrong}” is not an account number (8 digits).` };
  const numbers = [...new Set(parts)];
  if (numbers.length > simulationOtherAccountsMax) {
    return { ok: false, message: `Enter at most ${simulationOtherAccountsMax} account numbers.` };
  }
  return { ok: true, numbers };
}

/** One account number typed by a person: 8 digits, surrounding spaces ignored. */
export function checkAccountNumber(text: string): { ok: true; number: string } | { ok: false; message: string } {
  const number = text.trim();
  if (number === '') return { ok: false, message: 'Enter the account number to send to.' };
  if (!accountNumberPattern.test(number)) return { ok: false, message: 'An account number is 8 digits.' };
  return { ok: true, number };
}
