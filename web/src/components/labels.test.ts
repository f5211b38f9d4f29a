import { describe, expect, it } from 'vitest';
import { itemCountLabel, orderTitle, stockLabel, unitsLabel } from './labels.ts';

describe('labels', () => {
  it('shows stock as "N left", and anything below one unit as sold out, never negative', () => {
    expect(stockLabel(12)).toBe('12 left');
    expect(stockLabel(1)).toBe('1 left');
    expect(stockLabel(0)).toBe('Sold out');
    expect(stockLabel(-3)).toBe('Sold out');
  });

  it('formats unit prices from integer cents with thousands separators', () => {
    expect(unitsLabel({ quantity: 2, unitPriceCents: 2_450 })).toBe('2 × $24.50');
    expect(unitsLabel({ quantity: 1, unitPriceCents: 123_456 })).toBe('1 × $1,234.56');
    expect(unitsLabel({ quantity: 3, unitPriceCents: 5 })).toBe('3 × $0.05');
  });

  it('refuses a price that is not whole cents instead of rounding it', () => {
    expect(() => unitsLabel({ quantity: 1, unitPriceCents: 10.5 })).toThrow(RangeError);
  });

  it('counts units, not lines', () => {
    expect(itemCountLabel([{ quantity: 1 }])).toBe('1 item');
    expect(itemCountLabel([{ quantity: 2 }, { quantity: 3 }])).toBe('5 items');
  });

  it('names orders by number', () => {
    expect(orderTitle(42)).toBe('Order #42');
  });
});
