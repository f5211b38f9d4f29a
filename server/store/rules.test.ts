import { describe, expect, it } from 'vitest';
import { cartLinesMax, lineQuantityMax } from '../../shared/limits.ts';
import { cartView, checkCartLine, currentQuantity, planCheckout } from './rules.ts';
import type { CartLineRow } from './store-repository.ts';

function line(productId: number, unitPriceCents: number, quantity: number, stock = 100): CartLineRow {
  return { productId, name: `Product ${productId}`, unitPriceCents, quantity, stock };
}

const beans = line(1, 2_450, 2, 40);
const mug = line(2, 1_800, 3, 60);
const kettle = line(3, 5_900, 1, 12);

/** A cart holding cartLinesMax distinct products. */
const fullCart = Array.from({ length: cartLinesMax }, (_, index) => line(index + 1, 100, 1));

describe('cartView', () => {
  it('is empty with a zero total for no lines', () => {
    expect(cartView([])).toEqual({ lines: [], totalCents: 0 });
  });

  it('prices each line and sums the total in integer cents', () => {
    const view = cartView([beans, mug, kettle]);
    expect(view.lines.map((viewLine) => viewLine.lineTotalCents)).toEqual([4_900, 5_400, 5_900]);
    expect(view.totalCents).toBe(16_200);
    expect(Number.isInteger(view.totalCents)).toBe(true);
  });

  it('keeps line order and the fields clients see (no stock)', () => {
    const view = cartView([mug, beans]);
    expect(view.lines).toEqual([
      { productId: 2, name: 'Product 2', unitPriceCents: 1_800, quantity: 3, lineTotalCents: 5_400 },
      { productId: 1, name: 'Product 1', unitPriceCents: 2_450, quantity: 2, lineTotalCents: 4_900 },
    ]);
  });

  it('refuses a line total past Number.MAX_SAFE_INTEGER rather than round it', () => {
    expect(() => cartView([line(1, Number.MAX_SAFE_INTEGER, 2)])).toThrow(RangeError);
  });
});

describe('checkCartLine', () => {
  const product = { id: 9, name: 'Burr Grinder', stock: 6 };

  it('accepts a quantity up to the stock', () => {
    expect(checkCartLine(product, 6, [])).toEqual({ kind: 'ok' });
  });

  it('refuses more than the stock, naming the shortfall', () => {
    expect(checkCartLine(product, 7, [])).toEqual({
      kind: 'insufficient_stock',
      shortfall: { productId: 9, name: 'Burr Grinder', requested: 7, available: 6 },
    });
  });

  it('reports a sold-out product as 0 available', () => {
    expect(checkCartLine({ ...product, stock: 0 }, 1, [])).toEqual({
      kind: 'insufficient_stock',
      shortfall: { productId: 9, name: 'Burr Grinder', requested: 1, available: 0 },
    });
  });

  it(`refuses a new product when the cart already holds ${cartLinesMax} distinct lines`, () => {
    expect(fullCart).toHaveLength(cartLinesMax);
    expect(checkCartLine({ id: cartLinesMax + 1, name: 'One more', stock: 100 }, 1, fullCart)).toEqual({ kind: 'cart_full' });
  });

  it('accepts one line short of full', () => {
    const almostFull = fullCart.slice(0, cartLinesMax - 1);
    expect(checkCartLine({ id: 999, name: 'Last one', stock: 100 }, 1, almostFull)).toEqual({ kind: 'ok' });
  });

  it('lets a full cart change or remove a line it already holds', () => {
    const existing = { id: 1, name: 'Product 1', stock: 100 };
    expect(checkCartLine(existing, 5, fullCart)).toEqual({ kind: 'ok' });
    expect(checkCartLine(existing, 0, fullCart)).toEqual({ kind: 'ok' });
  });

  it(`refuses a line over lineQuantityMax (${lineQuantityMax}) even with the stock for it`, () => {
    const plenty = { id: 1, name: 'Plenty', stock: lineQuantityMax * 10 };
    expect(checkCartLine(plenty, lineQuantityMax, [])).toEqual({ kind: 'ok' });
    expect(checkCartLine(plenty, lineQuantityMax + 1, [])).toEqual({ kind: 'quantity_limit' });
  });
});

describe('currentQuantity', () => {
  it('is the line quantity, or 0 when the product is not in the cart', () => {
    expect(currentQuantity([beans, mug], 2)).toBe(3);
    expect(currentQuantity([beans, mug], 3)).toBe(0);
  });
});

describe('planCheckout', () => {
  it('refuses an empty cart', () => {
    expect(planCheckout([], 0)).toEqual({ kind: 'cart_empty' });
  });

  it('refuses when the cart no longer adds up to the reviewed total, returning the cart as it is', () => {
    const plan = planCheckout([beans, mug], 4_900);
    expect(plan).toEqual({ kind: 'cart_changed', cart: cartView([beans, mug]) });
    if (plan.kind !== 'cart_changed') throw new Error('expected cart_changed');
    expect(plan.cart.totalCents).toBe(10_300);
  });

  it('lists one shortfall per short line, with requested and available', () => {
    const shortBeans = line(1, 2_450, 5, 3);
    const soldOutKettle = line(3, 5_900, 1, 0);
    const total = cartView([shortBeans, mug, soldOutKettle]).totalCents;
    expect(planCheckout([shortBeans, mug, soldOutKettle], total)).toEqual({
      kind: 'out_of_stock',
      shortfalls: [
        { productId: 1, name: 'Product 1', requested: 5, available: 3 },
        { productId: 3, name: 'Product 3', requested: 1, available: 0 },
      ],
    });
  });

  it('checks the total before the stock: a changed cart is reported as changed', () => {
    const short = line(1, 2_450, 5, 3);
    expect(planCheckout([short], 1).kind).toBe('cart_changed');
  });

  it('accepts a line that takes exactly the last unit', () => {
    const lastUnit = line(4, 12_900, 6, 6);
    expect(planCheckout([lastUnit], 77_400)).toEqual({ kind: 'ok', cart: cartView([lastUnit]) });
  });

  it('plans an order for a cart in stock at the reviewed total', () => {
    const plan = planCheckout([beans, mug, kettle], 16_200);
    expect(plan.kind).toBe('ok');
    if (plan.kind !== 'ok') throw new Error('expected ok');
    expect(plan.cart.totalCents).toBe(16_200);
    expect(plan.cart.lines).toHaveLength(3);
  });
});
