/**
 * Replays the committed rows in commit order through the single-threaded model, started from the
 * initial state: each must be one a correct server would accept, and the model must end where the
 * final state is.
 */
import type { TransactionView } from '../shared/protocol.ts';
import type { CommitIndex, CommittedRow } from './commits.ts';
import { rowName } from './commits.ts';
import type { OperationRecord, TortureHistory, TortureOperation } from './history.ts';
import { TortureModel, describeOperation } from './model.ts';
import type { ViolationLog } from './violations.ts';

interface ReplayStep {
  issuer: string;
  operation: TortureOperation;
}

export function replayCommits(history: TortureHistory, commits: CommitIndex, records: ReadonlyMap<string, OperationRecord>, log: ViolationLog): void {
  const model = new TortureModel(history.initial.accounts, history.initial.products);
  for (const row of commits.rows) {
    const step = replayStep(row, row.requestId === null ? undefined : records.get(row.requestId));
    // Only a transaction of a kind the workload never sends; it is already reported as a phantom or a body mismatch.
    if (step === null) continue;
    const refusal = model.refusal(step.issuer, step.operation);
    if (refusal !== null) {
      log.add('model_divergence', row.requestId, `${stepName(row, step)} is committed, but the model refuses it (${refusal.code}): ${refusal.message}`);
    }
    for (const negative of model.apply(step.operation)) {
      log.add('negative', row.requestId, `Replaying ${stepName(row, step)} leaves ${negative}.`);
    }
  }
  compareBalances(model, history, log);
  compareStock(model, history, log);
}

/**
 * Money requests replay as recorded (the body mismatch check compares the row with it); a checkout
 * replays its order's lines, which are the truth of what was bought. A row no request claims
 * replays as the row says.
 */
function replayStep(row: CommittedRow, record: OperationRecord | undefined): ReplayStep | null {
  if (row.table === 'order') {
    const lines = row.order.lines.map(({ productId, quantity }) => ({ productId, quantity }));
    return { issuer: row.shopper, operation: { type: 'checkout', expectedTotalCents: row.order.totalCents, lines } };
  }
  if (record !== undefined && record.operation.type !== 'checkout') return { issuer: record.issuer, operation: record.operation };
  const operation = operationOf(row.transaction);
  return operation === null ? null : { issuer: row.transaction.username, operation };
}

function operationOf({ kind, amountCents, fromAccountNumber: from, toAccountNumber: to }: TransactionView): TortureOperation | null {
  if (kind === 'deposit' && to !== null) return { type: 'bank.deposit', accountNumber: to, amountCents };
  if (kind === 'withdrawal' && from !== null) return { type: 'bank.withdraw', accountNumber: from, amountCents };
  if (kind === 'transfer' && from !== null && to !== null) return { type: 'bank.transfer', fromAccountNumber: from, toAccountNumber: to, amountCents };
  return null;
}

function stepName(row: CommittedRow, step: ReplayStep): string {
  const request = row.requestId === null ? 'An unattributed request' : `Request ${row.requestId}`;
  return `${request} (${describeOperation(step.operation)}, ${rowName(row)})`;
}

function compareBalances(model: TortureModel, { final }: TortureHistory, log: ViolationLog): void {
  const finalBalances = new Map(final.accounts.map((account) => [account.number, account.balanceCents]));
  const modelBalances = model.balances();
  for (const [number, modelCents] of modelBalances) {
    const finalCents = finalBalances.get(number);
    if (finalCents === undefined) {
      log.add('entity_mismatch', null, `Account ${number} is in the initial state but not in the final one.`);
    } else if (finalCents !== modelCents) {
      log.add('model_divergence', null, `Account ${number} ends at ${finalCents} cents; replaying the commits gives ${modelCents}.`);
    }
  }
  for (const { number, balanceCents } of final.accounts) {
    if (!modelBalances.has(number)) log.add('entity_mismatch', null, `Account ${number} (${balanceCents} cents) is in the final state but not in the initial one.`);
    if (balanceCents < 0) log.add('negative', null, `Account ${number} ends with a negative balance, ${balanceCents} cents.`);
  }
}

function compareStock(model: TortureModel, { final }: TortureHistory, log: ViolationLog): void {
  const finalStock = new Map(final.products.map((product) => [product.id, product.stock]));
  for (const [id, modelStock] of model.stocks()) {
    const stock = finalStock.get(id);
    if (stock === undefined) {
      log.add('entity_mismatch', null, `Product ${id} is in the initial state but not in the final one.`);
    } else if (stock !== modelStock) {
      log.add('model_divergence', null, `Product ${id} ends with ${stock} in stock; replaying the commits gives ${modelStock}.`);
    }
  }
  for (const { id, stock } of final.products) {
    if (!model.stocks().has(id)) log.add('entity_mismatch', null, `Product ${id} (${stock} in stock) is in the final state but not in the initial one.`);
    if (stock < 0) log.add('negative', null, `Product ${id} ends with negative stock, ${stock}.`);
  }
}
