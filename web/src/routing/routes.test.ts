import { describe, expect, it } from 'vitest';
import { routeFromHash, routeHashes } from './routes.ts';

describe('hash routes', () => {
  it('maps each page’s hash to its route, and anything else to the store', () => {
    expect(routeFromHash('#/bank')).toBe('bank');
    expect(routeFromHash('#/bank/')).toBe('bank');
    expect(routeFromHash('#/audit')).toBe('audit');
    expect(routeFromHash('#/dashboard')).toBe('dashboard');
    expect(routeFromHash('#/dashboard/')).toBe('dashboard');
    expect(routeFromHash('#/store')).toBe('store');
    expect(routeFromHash('')).toBe('store');
    expect(routeFromHash('#/nowhere')).toBe('store');
  });

  it('round-trips every route through its hash', () => {
    for (const [route, hash] of Object.entries(routeHashes)) expect(routeFromHash(hash)).toBe(route);
  });
});
