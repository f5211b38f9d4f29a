/**
 * Money is an integer number of cents everywhere: storage, protocol, UI state.
 * Only formatting for people turns it into a decimal string.
 */

export type Cents = number;

export function assertCents(value: number, what = 'amount'): asserts value is Cents {
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`${what} must be a whole number of cents, got ${value}`);
  }
}

export function multiplyCents(unitCents: Cents, quantity: number): Cents {
  assertCents(unitCents, 'unit price');
  if (!Number.isSafeInteger(quantity)) throw new RangeError(`quantity must be a whole number, got ${quantity}`);
  const product = unitCents * quantity;
  assertCents(product, 'line total');
  return product;
}

export function sumCents(values: readonly Cents[]): Cents {
  let total = 0;
  for (const value of values) {
    assertCents(value, 'each amount in a total');
    total += value;
    assertCents(total, 'running total');
  }
  return total;
}

const dollars = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/** 123456 -> "$1,234.56". Integer arithmetic only; the division is exact for display. */
export function formatCents(cents: Cents): string {
  assertCents(cents);
  const sign = cents < 0 ? '-' : '';
  const absolute = Math.abs(cents);
  const whole = Math.trunc(absolute / 100);
  const fraction = String(absolute % 100).padStart(2, '0');
  const wholeText = dollars.format(whole).replace(/\.00$/, '');
  return `${sign}${wholeText}.${fraction}`;
}
