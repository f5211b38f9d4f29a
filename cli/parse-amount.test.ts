import { describe, expect, it } from 'vitest';
import { amountCentsMax } from '../shared/limits.ts';
import { parseAmountCents } from './parse-amount.ts';
import { UsageError } from './usage-error.ts';

describe('parseAmountCents', () => {
  it.each([
    ['500', 50_000],
    ['12.34', 1_234],
    ['12.3', 1_230],
    ['0.01', 1],
    ['0.29', 29],
    ['$7.05', 705],
    ['007.50', 750],
    [' 1.10 ', 110],
    ['1,000', 100_000],
    ['$1,234.56', 123_456],
    ['12.', 1_200],
    ['10000000', amountCentsMax],
    ['10000000.00', amountCentsMax],
  ])('reads %j as %i cents', (text, cents) => {
    expect(parseAmountCents(text)).toBe(cents);
  });

  it.each([
    ['0', /at least \$0\.01/],
    ['0.00', /at least \$0\.01/],
    ['-5', /positive/],
    ['-0.01', /positive/],
    ['1.234', /more than two decimals/],
    ['0.001', /more than two decimals/],
    ['12,34', /commas only between groups of three digits/],
    ['1,00,000', /commas only between groups of three digits/],
    ['1000,000', /commas only between groups of three digits/],
    ['10000000.01', /more than the largest allowed, \$10,000,000\.00/],
    ['99999999999999999999', /more than the largest allowed/],
    ['', /dollars like 12\.34/],
    ['.5', /dollars like 12\.34/],
    ['1e3', /dollars like 12\.34/],
    ['0x10', /dollars like 12\.34/],
    ['ten', /dollars like 12\.34/],
    ['NaN', /dollars like 12\.34/],
  ])('refuses %j', (text, message) => {
    expect(() => parseAmountCents(text)).toThrow(UsageError);
    expect(() => parseAmountCents(text)).toThrow(message);
  });

  it('names the argument and honours a smaller limit', () => {
    expect(parseAmountCents('5', 'deposit', 500)).toBe(500);
    expect(() => parseAmountCents('5.01', 'deposit', 500)).toThrow(/^deposit 5\.01 is more than the largest allowed, \$5\.00$/);
  });
});
