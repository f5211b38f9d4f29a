import { describe, expect, it } from 'vitest';
import type { StockShortfall } from '../../../shared/protocol.ts';
import { cartAdjustmentLabel, planCartUpdate } from './checkout-slice.ts';

const geisha: StockShortfall = { productId: 11, name: 'Limited Geisha Lot', requested: 2, available: 1 };
const grinder: StockShortfall = { productId: 4, name: 'Burr Grinder', requested: 1, available: 0 };
const cart = [
  { productId: 11, quantity: 2 },
  { productId: 4, quantity: 1 },
  { productId: 3, quantity: 5 },
];
const noStockSeen = () => undefined;

describe('planCartUpdate', () => {
  it('lowers each short line to what is left, removes only those with none, and leaves the rest alone', () => {
    expect(planCartUpdate([geisha, grinder], cart, noStockSeen)).toEqual([
      { productId: 11, name: 'Limited Geisha Lot', from: 2, to: 1 },
      { productId: 4, name: 'Burr Grinder', from: 1, to: 0 },
    ]);
  });

  it('takes the stock seen since the refusal when it dropped again, never more than the refusal said', () => {
    const stockNow = (productId: number) => (productId === 11 ? 0 : 7);
    expect(planCartUpdate([geisha, grinder], cart, stockNow)).toEqual([
      { productId: 11, name: 'Limited Geisha Lot', from: 2, to: 0 },
      { productId: 4, name: 'Burr Grinder', from: 1, to: 0 },
    ]);
  });

  it('skips lines no longer in the cart or already within what is left', () => {
    const changedSince = [{ productId: 11, quantity: 1 }];
    expect(planCartUpdate([geisha, grinder], changedSince, noStockSeen)).toEqual([]);
  });
});

describe('cartAdjustmentLabel', () => {
  it('says what changed and why', () => {
    expect(cartAdjustmentLabel({ productId: 11, name: 'Limited Geisha Lot', from: 2, to: 1 })).toBe(
      'Limited Geisha Lot: 2 → 1, another shopper bought the rest',
    );
    expect(cartAdjustmentLabel({ productId: 4, name: 'Burr Grinder', from: 1, to: 0 })).toBe('Burr Grinder removed: sold out');
  });
});
