import { describe, expect, it } from 'vitest';
import { amountCentsMax } from './limits.ts';
import { assertCents, formatCents, multiplyCents, parseDollars, sumCents } from './money.ts';

const unsafeCents = Number.MAX_SAFE_INTEGER + 1;

describe('formatCents', () => {
  it.each([
    [0, '$0.00'],
    [5, '$0.05'],
    [99, '$0.99'],
    [100, '$1.00'],
    [123_456, '$1,234.56'],
    [100_000_000_00, '$100,000,000.00'],
    [-5, '-$0.05'],
    [-123_456, '-$1,234.56'],
  ])('formats %i cents as %s', (cents, text) => {
    expect(formatCents(cents)).toBe(text);
  });

  it('formats the largest safe amount exactly', () => {
    expect(formatCents(Number.MAX_SAFE_INTEGER)).toBe('$90,071,992,547,409.91');
  });

  it('refuses amounts that are not whole cents', () => {
    expect(() => formatCents(1.5)).toThrow(RangeError);
    expect(() => formatCents(Number.NaN)).toThrow(RangeError);
    expect(() => formatCents(unsafeCents)).toThrow(RangeError);
  });
});

describe('assertCents', () => {
  it('names what was wrong and the value', () => {
    expect(() => assertCents(0.1, 'price')).toThrow('price must be a whole number of cents, got 0.1');
  });
});

describe('multiplyCents', () => {
  it('multiplies a unit price by a quantity', () => {
    expect(multiplyCents(2_450, 3)).toBe(7_350);
    expect(multiplyCents(0, 1_000)).toBe(0);
  });

  it('refuses a product past Number.MAX_SAFE_INTEGER', () => {
    expect(() => multiplyCents(Number.MAX_SAFE_INTEGER, 2)).toThrow(RangeError);
    expect(() => multiplyCents(2 ** 30, 2 ** 23)).toThrow(/line total/);
  });

  it('refuses operands that are not whole cents, even when the product happens to be whole', () => {
    expect(() => multiplyCents(0.5, 3)).toThrow(RangeError);
    // 0.5 x 2 = 1: only a check of the operands catches this.
    expect(() => multiplyCents(0.5, 2)).toThrow(RangeError);
    expect(() => multiplyCents(100, 0.5)).toThrow(RangeError);
  });
});

describe('sumCents', () => {
  it('sums whole cents, 0 for none', () => {
    expect(sumCents([])).toBe(0);
    expect(sumCents([4_900, 5_400, 5_900])).toBe(16_200);
  });

  it('refuses a total past Number.MAX_SAFE_INTEGER', () => {
    expect(() => sumCents([Number.MAX_SAFE_INTEGER, 1])).toThrow(RangeError);
    expect(() => sumCents([unsafeCents])).toThrow(/total/);
  });

  it('refuses values that are not safe whole cents, even when the total happens to be', () => {
    expect(() => sumCents([0.5, 0.5])).toThrow(RangeError);
    expect(() => sumCents([unsafeCents, -1])).toThrow(RangeError);
  });
});

describe('parseDollars', () => {
  const read = (text: string, centsMax?: number) => {
    const parsed = parseDollars(text, centsMax);
    return parsed.ok ? parsed.cents : parsed.problem;
  };

  it('reads whole and fraction digits as integers, never through a float', () => {
    expect(read('0.29')).toBe(29);
    expect(read('4.35')).toBe(435);
    expect(read('$1,234.5')).toBe(123_450);
    expect(read(' 007.10 ')).toBe(710);
    expect(read('12.')).toBe(1_200);
  });

  it('names what is wrong with text that is not an amount', () => {
    expect(read('  ')).toBe('empty');
    expect(read('0.00')).toBe('not_positive');
    expect(read('-1')).toBe('not_positive');
    expect(read('\u22125')).toBe('not_positive');
    expect(read('1e3')).toBe('not_dollars');
    expect(read('.5')).toBe('not_dollars');
    expect(read('12,34')).toBe('misplaced_commas');
    expect(read('1.234')).toBe('too_many_decimals');
    expect(read('99999999999999999999')).toBe('too_large');
  });

  it('holds to the limit it is given, amountCentsMax by default', () => {
    expect(read('10000000')).toBe(amountCentsMax);
    expect(read('10000000.01')).toBe('too_large');
    expect(read('5', 500)).toBe(500);
    expect(read('5.01', 500)).toBe('too_large');
  });
});
