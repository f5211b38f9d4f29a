import { describe, expect, it } from 'vitest';
import { simulationAmountCentsMax } from '../bank/bank-ui-limits.ts';
import { chooseTransfer, simulationAccounts, simulationProblem } from './choose-transfer.ts';
import { seededRandom } from '../../../shared/seeded-random.ts';

const sequence = (...values: number[]) => {
  let index = 0;
  return () => values[index++ % values.length]!;
};

describe('chooseTransfer', () => {
  const accounts = simulationAccounts(['204815739688', '460271839568'], ['317592046862']);

  it('sends from one of my chosen accounts to a different chosen account, a small whole amount', () => {
    const random = seededRandom(42);
    for (let draw = 0; draw < 2_000; draw += 1) {
      const transfer = chooseTransfer(accounts, random)!;
      expect(accounts.sources).toContain(transfer.fromAccountNumber);
      expect(accounts.targets).toContain(transfer.toAccountNumber);
      expect(transfer.toAccountNumber).not.toBe(transfer.fromAccountNumber);
      expect(Number.isInteger(transfer.amountCents)).toBe(true);
      expect(transfer.amountCents).toBeGreaterThanOrEqual(1);
      expect(transfer.amountCents).toBeLessThanOrEqual(simulationAmountCentsMax);
    }
  });

  it('never sends from another customer’s account, and reaches every pair over many draws', () => {
    const random = seededRandom(7);
    const pairs = new Set<string>();
    for (let draw = 0; draw < 2_000; draw += 1) {
      const transfer = chooseTransfer(accounts, random)!;
      pairs.add(`${transfer.fromAccountNumber}>${transfer.toAccountNumber}`);
    }
    expect([...pairs].sort()).toEqual(['204815739688>317592046862', '204815739688>460271839568', '460271839568>204815739688', '460271839568>317592046862']);
  });

  it('maps the ends of [0, 1) to the first and last choices and amounts', () => {
    expect(chooseTransfer(accounts, sequence(0, 0, 0))).toEqual({ fromAccountNumber: '204815739688', toAccountNumber: '460271839568', amountCents: 1 });
    const last = 1 - Number.EPSILON;
    expect(chooseTransfer(accounts, sequence(last, last, last))).toEqual({
      fromAccountNumber: '460271839568',
      toAccountNumber: '317592046862',
      amountCents: simulationAmountCentsMax,
    });
  });

  it('gives no transfer when the choice allows none', () => {
    expect(chooseTransfer(simulationAccounts([], ['317592046862']), Math.random)).toBeNull();
    expect(chooseTransfer(simulationAccounts(['204815739688'], []), Math.random)).toBeNull();
    expect(chooseTransfer(simulationAccounts(['204815739688'], ['204815739688']), Math.random)).toBeNull();
  });

  it('refuses a random source that leaves [0, 1)', () => {
    expect(() => chooseTransfer(accounts, () => 1)).toThrow(RangeError);
    expect(() => chooseTransfer(accounts, () => Number.NaN)).toThrow(RangeError);
  });
});

describe('simulationProblem', () => {
  it('needs one of my accounts and two accounts in all', () => {
    expect(simulationProblem(simulationAccounts([], ['317592046862']))).toMatch(/at least one of your/);
    expect(simulationProblem(simulationAccounts(['204815739688'], []))).toMatch(/at least two accounts/);
    expect(simulationProblem(simulationAccounts(['204815739688'], ['204815739688']))).toMatch(/at least two accounts/);
    expect(simulationProblem(simulationAccounts(['204815739688'], ['317592046862']))).toBeNull();
    expect(simulationProblem(simulationAccounts(['204815739688', '460271839568'], []))).toBeNull();
  });
});
