import { describe, expect, it } from 'vitest';
import { overBudget } from './gateway.ts';

const client = (name: string, bufferedAmount: number) => ({ name, socket: { bufferedAmount } });

describe('overBudget', () => {
  it('closes no one while all queued bytes fit the budget', () => {
    expect(overBudget([client('a', 600), client('b', 400)], 1_000)).toEqual([]);
  });

  it('closes the biggest readers first, only as many as it takes to fit', () => {
    const clients = [client('small', 100), client('huge', 5_000), client('big', 2_000), client('medium', 900)];
    expect(overBudget(clients, 4_000).map((closed) => closed.name)).toEqual(['huge']);
    expect(overBudget(clients, 1_500).map((closed) => closed.name)).toEqual(['huge', 'big']);
  });

  it('never closes a client within its equal share of the budget', () => {
    const clients = [client('quiet', 100), client('flooder', 900), client('reader', 150)];
    expect(overBudget(clients, 1_000).map((closed) => closed.name)).toEqual(['flooder']);
    expect(overBudget(clients, 300).map((closed) => closed.name)).toEqual(['flooder']);
  });
});
