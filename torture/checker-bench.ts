/**
 * How long the checker takes on a large consistent history: transfers, deposits, withdrawals,
 * checkouts, refusals, unanswered requests and re-sends, served in batches by the simulated
 * correct server. Prints the time; exits 1 if the checker finds anything (it must not).
 *
 *   npx tsx torture/checker-bench.ts [--operations 200000] [--seed 1]
 */
import { parseArgs } from 'node:util';
import { checkHistory, formatReport } from './checker.ts';
import type { TortureOperation } from './history.ts';
import { type RequestFate, type SimulatedRequest, SimulatedRun, accountView, productView } from './simulation.ts';
import { pick, seededRandom, type Random } from '../shared/seeded-random.ts';
import { accountNumberFromDraw } from '../shared/account-number.ts';

const customerCount = 1_000;
const productCount = 200;
const openingBalanceCents = 100_000;
const openingStock = 1_000;
/** Requests in one commit, as the server's batched fsync folds them. */
const batchRequestsMax = 16;

const accountNumber = (customer: number) => accountNumberFromDraw(customer + 2);
const username = (customer: number) => `user${customer}`;

function newRun(): SimulatedRun {
  const accounts = Array.from({ length: customerCount }, (_, customer) => accountView(accountNumber(customer), username(customer), openingBalanceCents));
  const products = Array.from({ length: productCount }, (_, index) => productView(index + 1, openingStock, 100 + index));
  return new SimulatedRun({ seq: 100, accounts, products });
}

function randomOperation(random: Random, run: SimulatedRun, customer: number): TortureOperation {
  const roll = random();
  const own = accountNumber(customer);
  if (roll < 0.4) {
    const other = accountNumber((customer + 1 + pick(random, customerCount - 1)) % customerCount);
    return { type: 'bank.transfer', fromAccountNumber: own, toAccountNumber: other, amountCents: 1 + pick(random, 20_000) };
  }
  if (roll < 0.6) return { type: 'bank.deposit', accountNumber: own, amountCents: 1 + pick(random, 10_000) };
  if (roll < 0.75) return { type: 'bank.withdraw', accountNumber: own, amountCents: 1 + pick(random, 60_000) };
  const first = 1 + pick(random, productCount - 2);
  const lines = Array.from({ length: 1 + pick(random, 3) }, (_, index) => ({ productId: first + index, quantity: 1 + pick(random, 3) }));
  return run.checkout(lines.filter((line) => line.productId <= productCount));
}

function randomRequest(random: Random, run: SimulatedRun, index: number): SimulatedRequest {
  const customer = pick(random, customerCount);
  const operation = randomOperation(random, run, customer);
  const issuer = operation.type === 'checkout' ? `shopper${customer}` : username(customer);
  const fateRoll = random();
  const fate: RequestFate = fateRoll < 0.02 ? 'unanswered' : fateRoll < 0.03 ? 'never_arrived' : 'answered';
  const sends = random() < 0.05 ? 2 + pick(random, 2) : 1;
  return { requestId: `r-${index}`, issuer, operation, fate, sends };
}

function buildHistory(operationCount: number, seed: number) {
  const random = seededRandom(seed);
  const run = newRun();
  for (let sent = 0; sent < operationCount; ) {
    const size = Math.min(1 + pick(random, batchRequestsMax), operationCount - sent);
    run.batch(Array.from({ length: size }, (_, offset) => randomRequest(random, run, sent + offset)));
    sent += size;
  }
  return run.history();
}

function main(): void {
  const { values } = parseArgs({ options: { operations: { type: 'string', default: '200000' }, seed: { type: 'string', default: '1' } } });
  const operationCount = Number(values.operations);
  if (!Number.isSafeInteger(operationCount) || operationCount < 1) throw new Error(`--operations must be a positive whole number, got ${values.operations}`);
  const buildStartMs = performance.now();
  const history = buildHistory(operationCount, Number(values.seed));
  const buildMs = performance.now() - buildStartMs;
  const checkStartMs = performance.now();
  const report = checkHistory(history);
  const checkMs = performance.now() - checkStartMs;
  console.log(formatReport(report));
  console.log(`built ${operationCount} operations in ${buildMs.toFixed(0)} ms; checkHistory took ${checkMs.toFixed(0)} ms`);
  if (!report.ok) process.exitCode = 1;
}

main();
