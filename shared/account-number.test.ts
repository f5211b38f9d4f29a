import { describe, expect, it } from 'vitest';
import {
  accountNumberFromDraw,
  accountNumberProblem,
  accountNumberRandomDigits,
  cashAccountNumber,
  hasValidCheckDigits,
  withCheckDigits,
} from './account-number.ts';
import { accountNumberDigits } from './limits.ts';
import { accountNumber } from './protocol.ts';

/** Numbers to mistype: some with zeros and nines side by side, where Luhn misses a swap. */
const samples = ['482017593672', '739104628563', cashAccountNumber, withCheckDigits('0990909090'), withCheckDigits('9999999999')];

function singleDigitErrors(number: string): string[] {
  const typos: string[] = [];
  for (let position = 0; position < number.length; position += 1) {
    for (const digit of '0123456789') {
      if (digit !== number[position]) typos.push(`${number.slice(0, position)}${digit}${number.slice(position + 1)}`);
    }
  }
  return typos;
}

function adjacentSwaps(number: string): string[] {
  const typos: string[] = [];
  for (let position = 0; position + 1 < number.length; position += 1) {
    const [left, right] = [number[position]!, number[position + 1]!];
    if (left !== right) typos.push(`${number.slice(0, position)}${right}${left}${number.slice(position + 2)}`);
  }
  return typos;
}

describe('account numbers: ISO 7064 MOD 97-10 check digits', () => {
  it('computes the check digits an IBAN has (GB82 WEST 1234 5698 7654 32, rearranged)', () => {
    expect(withCheckDigits('32142829123456987654321611')).toBe('3214282912345698765432161182');
    expect(hasValidCheckDigits('3214282912345698765432161182')).toBe(true);
  });

  it('accepts the numbers it makes', () => {
    for (const number of samples) expect(accountNumberProblem(number)).toBeNull();
  });

  it('catches every single wrong digit', () => {
    for (const number of samples) {
      const typos = singleDigitErrors(number);
      expect(typos).toHaveLength(accountNumberDigits * 9);
      expect(typos.filter((typo) => hasValidCheckDigits(typo))).toEqual([]);
    }
  });

  it('catches every swap of two adjacent digits, 09 and 90 included', () => {
    for (const number of samples) {
      const typos = adjacentSwaps(number);
      expect(typos.length).toBeGreaterThan(0);
      expect(typos.filter((typo) => hasValidCheckDigits(typo))).toEqual([]);
    }
  });

  it('tells a number of the wrong form from one with a typo', () => {
    expect(accountNumberProblem('48201759367')).toBe('format');
    expect(accountNumberProblem('4820175936720')).toBe('format');
    expect(accountNumberProblem('10000002')).toBe('format');
    expect(accountNumberProblem('4820 17593672')).toBe('format');
    expect(accountNumberProblem('４８２０１７５９３６７２')).toBe('format');
    expect(accountNumberProblem('482017593627')).toBe('check_digits');
  });

  it('makes a number of every draw in range, and refuses a draw out of it', () => {
    expect(accountNumberFromDraw(0)).toBe(withCheckDigits('0'.repeat(accountNumberRandomDigits)));
    expect(accountNumberProblem(accountNumberFromDraw(10 ** accountNumberRandomDigits - 1))).toBeNull();
    for (const draw of [-1, 1.5, 10 ** accountNumberRandomDigits]) expect(() => accountNumberFromDraw(draw)).toThrow(RangeError);
  });

  it('is the rule the protocol applies', () => {
    expect(accountNumber.safeParse('482017593672').success).toBe(true);
    expect(accountNumber.safeParse('482017593627').error?.issues[0]?.message).toMatch(/^Check the account number/);
    expect(accountNumber.safeParse('10000002').error?.issues[0]?.message).toBe(`An account number is ${accountNumberDigits} digits.`);
  });
});
