import { describe, expect, it } from 'vitest';
import { checkAccountNumber, parseAccountNumberList } from './account-number-list.ts';
import { simulationOtherAccountsMax } from './bank-ui-limits.ts';

describe('account numbers typed by people', () => {
  it('splits a list on spaces and commas and drops duplicates', () => {
    expect(parseAccountNumberList('')).toEqual({ ok: true, numbers: [] });
    expect(parseAccountNumberList(' 10000002, 10000003\n10000002 ')).toEqual({ ok: true, numbers: ['10000002', '10000003'] });
  });

  it('names the first entry that is not 8 digits', () => {
    expect(parseAccountNumberList('10000002 1000003')).toEqual({ ok: false, message: '“1000003” is not an account number (8 digits).' });
  });

  it('caps how many it takes', () => {
    const many = Array.from({ length: simulationOtherAccountsMax + 1 }, (_, index) => String(20_000_000 + index));
    expect(parseAccountNumberList(many.slice(0, -1).join(' ')).ok).toBe(true);
    expect(parseAccountNumberList(many.join(' '))).toEqual({ ok: false, message: 'Enter at most 20 account numbers.' });
  });

  it('checks a single account number', () => {
    expect(checkAccountNumber(' 10000003 ')).toEqual({ ok: true, number: '10000003' });
    expect(checkAccountNumber('')).toEqual({ ok: false, message: 'Enter the account number to send to.' });
    expect(checkAccountNumber('1000-0003')).toEqual({ ok: false, message: 'An account number is 8 digits.' });
  });
});
