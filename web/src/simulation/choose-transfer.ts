import { simulationAmountCentsMax } from '../bank/bank-ui-limits.ts';

/** The accounts one simulation moves money among. */
export interface SimulationAccounts {
  /** My chosen checking and savings accounts: money leaves only from these. */
  sources: readonly string[];
  /** Every chosen account money may reach: my chosen ones and other customers'. */
  targets: readonly string[];
}

export interface SimulatedTransfer {
  fromAccountNumber: string;
  toAccountNumber: string;
  amountCents: number;
}

/** A whole number in [0, count) from `random` in [0, 1). */
function pickIndex(count: number, random: () => number): number {
  const value = random();
  if (!(value >= 0 && value < 1)) throw new RangeError(`random() must return a number in [0, 1), got ${value}`);
  return Math.floor(value * count);
}

/**
 * One random transfer: a random source, a random different target, 1 … amountCentsMax cents.
 * Null when the choice allows none (no source, or no target other than the source picked).
 */
export function chooseTransfer(
  accounts: SimulationAccounts,
  random: () => number,
  amountCentsMax: number = simulationAmountCentsMax,
): SimulatedTransfer | null {
  if (!Number.isSafeInteger(amountCentsMax) || amountCentsMax < 1) throw new RangeError('amountCentsMax must be a whole number ≥ 1');
  if (accounts.sources.length === 0) return null;
  const fromAccountNumber = accounts.sources[pickIndex(accounts.sources.length, random)]!;
  const others = accounts.targets.filter((number) => number !== fromAccountNumber);
  if (others.length === 0) return null;
  const toAccountNumber = others[pickIndex(others.length, random)]!;
  const amountCents = 1 + pickIndex(amountCentsMax, random);
  return { fromAccountNumber, toAccountNumber, amountCents };
}

/** Whether a choice of accounts can make at least one transfer whatever source is picked. */
export function simulationProblem(accounts: SimulationAccounts): string | null {
  if (accounts.sources.length === 0) return 'Choose at least one of your checking or savings accounts.';
  const distinct = new Set(accounts.targets);
  for (const source of accounts.sources) {
    if (!distinct.has(source)) throw new Error(`source ${source} must also be a target`);
  }
  if (distinct.size < 2) return 'Choose at least two accounts, or add another account number to send to.';
  return null;
}

/** Sources and targets from what the form holds: my chosen accounts plus other numbers typed in. */
export function simulationAccounts(myChosen: readonly string[], others: readonly string[]): SimulationAccounts {
  const targets = [...new Set([...myChosen, ...others])];
  return { sources: [...new Set(myChosen)], targets };
}
