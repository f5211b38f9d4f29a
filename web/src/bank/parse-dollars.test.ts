import { describe, expect, it } from 'vitest';
import { amountCentsMax } from '../../../shared/limits.ts';
import { parseDollarsToCents } from './parse-dollars.ts';

const cents = (text: string, centsMax?: number) => {
  const parsed = parseDollarsToCents(text, centsMax);
  return parsed.ok ? parsed.cents : parsed.message;
};

describe('parseDollarsToCents', () => {
  it('reads dollars and cents as integers, never through a float', () => {
    expect(cents('12.34')).toBe(1_234);
    expect(cents('12')).toBe(1_200);
    expect(cents('12.3')).toBe(1_230);
    expect(cents('12.')).toBe(1_200);
    expect(cents('0.01')).toBe(1);
    expect(cents('.5')).toMatch(/like 12.34/);
    // 0.29 * 100 is 28.999999999999996 in floating point; the parser must say 29.
    expect(cents('0.29')).toBe(29);
    expect(cents('1.15')).toBe(115);
    expect(cents('4.35')).toBe(435);
  });

  it('accepts a dollar sign, surrounding spaces, leading zeros and thousands separators', () => {
    expect(cents(' $1,234.56 ')).toBe(123_456);
    expect(cents('007.10')).toBe(710);
    expect(cents('1,000,000')).toBe(100_000_000);
    expect(cents('1,23.00')).toMatch(/like 12.34/);
    expect(cents('1234,567')).toMatch(/like 12.34/);
  });

  it('refuses empty, zero, negative and malformed amounts with a sentence', () => {
    expect(cents('')).toBe('Enter an amount.');
    expect(cents('   ')).toBe('Enter an amount.');
    expect(cents('0')).toBe('The amount must be more than $0.00.');
    expect(cents('0.00')).toBe('The amount must be more than $0.00.');
    expect(cents('-5')).toBe('The amount must be more than $0.00.');
    expect(cents('−5')).toBe('The amount must be more than $0.00.');
    for (const text of ['abc', '1e3', '12.3.4', '+5', '$', '5$', '1 000', 'Infinity', 'NaN', '0x10']) {
      expect(cents(text)).toBe('Enter an amount in dollars, like 12.34.');
    }
  });

  it('refuses more than two decimal places instead of rounding', () => {
    expect(cents('1.234')).toBe('Use at most two decimal places (whole cents).');
    expect(cents('0.001')).toBe('Use at most two decimal places (whole cents).');
  });

  it('accepts exactly amountCentsMax and refuses one cent more', () => {
    expect(amountCentsMax).toBe(1_000_000_000);
    expect(cents('10000000.00')).toBe(amountCentsMax);
    expect(cents('10,000,000.01')).toBe('The amount must be at most $10,000,000.00.');
    expect(cents('99999999999999999999')).toBe('The amount must be at most $10,000,000.00.');
  });

  it('takes a smaller limit when given one', () => {
    expect(cents('5.00', 500)).toBe(500);
    expect(cents('5.01', 500)).toBe('The amount must be at most $5.00.');
  });
});

