import { describe, expect, it } from 'vitest';
import { accountNumberFromDraw } from '../../../shared/account-number.ts';
import { checkAccountNumber, parseAccountNumberList } from './account-number-list.ts';
import { simulationOtherAccountsMax } from './bank-ui-limits.ts';

describe('account numbers typed by people', () => {
  const [ada, grace] = ['482017593672', '739104628563'];

  it('splits a list on spaces and commas and drops duplicates', () => {
    expect(parseAccountNumberList('')).toEqual({ ok: true, numbers: [] });
    expect(parseAccountNumberList(` ${ada}, ${grace}\n${ada} `)).toEqual({ ok: true, numbers: [ada, grace] });
  });

  it('names the first entry that is not an account number, or has a typo', () => {
    expect(parseAccountNumberList(`${ada} 10000003`)).toEqual({ ok: false, message: '“10000003”: An account number is 12 digits.' });
    expect(parseAccountNumberList(`${ada} 739104625863`)).toEqual({
      ok: false,
      message: '“739104625863”: Check the account number: one of its digits is wrong or two are swapped.',
    });
  });

  it('caps how many it takes', () => {
    const many = Array.from({ length: simulationOtherAccountsMax + 1 }, (_, index) => accountNumberFromDraw(index));
    expect(parseAccountNumberList(many.slice(0, -1).join(' ')).ok).toBe(true);
    expect(parseAccountNumberList(many.join(' '))).toEqual({ ok: false, message: 'Enter at most 20 account numbers.' });
  });

  it('checks a single account number, catching a typo before it is sent', () => {
    expect(checkAccountNumber(` ${grace} `)).toEqual({ ok: true, number: grace });
    expect(checkAccountNumber('')).toEqual({ ok: false, message: 'Enter the account number to send to.' });
    expect(checkAccountNumber('7391-0462-8563')).toEqual({ ok: false, message: 'An account number is 12 digits.' });
    expect(checkAccountNumber('739104628536')).toEqual({ ok: false, message: 'Check the account number: one of its digits is wrong or two are swapped.' });
    expect(checkAccountNumber('739104628573')).toEqual({ ok: false, message: 'Check the account number: one of its digits is wrong or two are swapped.' });
  });
});
