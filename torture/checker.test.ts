import { describe, expect, it } from 'vitest';
import type { TransactionView } from '../shared/protocol.ts';
import { type CheckReport, type ViolationKind, checkHistory, formatReport, violationsListedMax } from './checker.ts';
import type { OperationRecord, TortureHistory } from './history.ts';
import { SimulatedRun, accountView, productView } from './simulation.ts';

const alice = '00000001';
const bob = '00000002';
const carol = '00000003';

function newRun(): SimulatedRun {
  return new SimulatedRun({
    seq: 10,
    accounts: [accountView(alice, 'alice', 1_000), accountView(bob, 'bob', 500), accountView(carol, 'carol', 0)],
    products: [productView(1, 5, 250), productView(2, 2, 1_000)],
  });
}

/** Every outcome and fate once: transfers, deposits, withdrawals, checkouts, refusals, re-sends, a batch. */
function consistentRun(): SimulatedRun {
  const run = newRun();
  run.request({ requestId: 'r-transfer-1', issuer: 'alice', operation: { type: 'bank.transfer', fromAccountNumber: alice, toAccountNumber: bob, amountCents: 300 } });
  run.request({ requestId: 'r-deposit-1', issuer: 'bob', operation: { type: 'bank.deposit', accountNumber: bob, amountCents: 200 }, sends: 2 });
  run.request({ requestId: 'r-withdraw-1', issuer: 'alice', operation: { type: 'bank.withdraw', accountNumber: alice, amountCents: 5_000 } });
  run.request({ requestId: 'r-checkout-1', issuer: 'sam', operation: run.checkout([{ productId: 1, quantity: 2 }, { productId: 2, quantity: 1 }]) });
  run.request({ requestId: 'r-checkout-2', issuer: 'sue', operation: run.checkout([{ productId: 2, quantity: 2 }]) });
  run.batch([
    { requestId: 'r-withdraw-2', issuer: 'alice', operation: { type: 'bank.withdraw', accountNumber: alice, amountCents: 100 } },
    { requestId: 'r-deposit-2', issuer: 'bob', operation: { type: 'bank.deposit', accountNumber: bob, amountCents: 50 }, fate: 'unanswered', sends: 3 },
    { requestId: 'r-transfer-2', issuer: 'bob', operation: { type: 'bank.transfer', fromAccountNumber: bob, toAccountNumber: alice, amountCents: 25 }, fate: 'never_arrived' },
  ]);
  return run;
}

const consistentHistory = (): TortureHistory => consistentRun().history();

function record(history: TortureHistory, requestId: string): OperationRecord {
  const found = history.operations.find((operation) => operation.requestId === requestId);
  if (found === undefined) throw new Error(`no record ${requestId}`);
  return found;
}

function transaction(history: TortureHistory, requestId: string): TransactionView {
  const found = history.final.transactions.find((row) => row.requestId === requestId);
  if (found === undefined) throw new Error(`no transaction ${requestId}`);
  return found;
}

function finalAccount(history: TortureHistory, number: string) {
  const found = history.final.accounts.find((account) => account.number === number);
  if (found === undefined) throw new Error(`no account ${number}`);
  return found;
}

function finalProduct(history: TortureHistory, id: number) {
  const found = history.final.products.find((product) => product.id === id);
  if (found === undefined) throw new Error(`no product ${id}`);
  return found;
}

/** A transaction committed in a new commit after everything else, as a server bug would add it. */
function appendTransaction(history: TortureHistory, row: Omit<TransactionView, 'id' | 'seq' | 'createdAt' | 'entries'>): TransactionView {
  history.final.seq += 1;
  const entries = [
    { accountNumber: row.fromAccountNumber ?? '00000000', amountCents: row.amountCents },
    { accountNumber: row.toAccountNumber ?? '00000000', amountCents: -row.amountCents },
  ];
  const appended = { ...row, id: 1_000 + history.final.seq, seq: history.final.seq, createdAt: '2026-01-01T00:00:00.000Z', entries };
  history.final.transactions.push(appended);
  return appended;
}

const kindsOf = (report: CheckReport) => [...new Set(report.violations.map((violation) => violation.kind))].sort();

function violationsOf(report: CheckReport, kind: ViolationKind) {
  return report.violations.filter((violation) => violation.kind === kind);
}

/** Exactly one violation of `kind`, naming `requestId` in its field and its message. */
function expectOnly(report: CheckReport, kind: ViolationKind, requestId: string | null): string {
  expect(report.ok).toBe(false);
  expect(kindsOf(report)).toEqual([kind]);
  const [violation] = report.violations;
  expect(report.violations).toHaveLength(1);
  expect(violation!.requestId).toBe(requestId);
  if (requestId !== null) expect(violation!.message).toContain(requestId);
  return violation!.message;
}

describe('checkHistory on a consistent history', () => {
  it('finds nothing wrong and counts every outcome', () => {
    const history = consistentHistory();
    const report = checkHistory(history);

    expect(report.violations).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.violationCount).toBe(0);
    expect(report.operationCount).toBe(8);
    expect(report.outcomeCounts).toEqual({ ok: 4, refused: 2, unknown: 2 });
    expect(report.resentCount).toBe(2);
    expect(report.committedOperationCount).toBe(5);
    expect(report.unknownCommittedCount).toBe(1);
    expect(report.committedRowCount).toBe(5);
    expect(report.lostCount).toBe(0);
    expect(report.duplicatedCount).toBe(0);
  });

  it('holds the balances and stock computed by hand, so the simulator is no accomplice of the model', () => {
    const history = consistentHistory();

    expect(history.final.accounts.map((account) => account.balanceCents)).toEqual([1_000 - 300 - 100, 500 + 300 + 200 + 50, 0]);
    expect(history.final.products.map((product) => product.stock)).toEqual([5 - 2, 2 - 1]);
    expect(record(history, 'r-withdraw-1').outcome).toEqual({ kind: 'refused', code: 'insufficient_funds' });
    expect(record(history, 'r-checkout-2').outcome).toEqual({ kind: 'refused', code: 'out_of_stock' });
  });

  it('summarises in a few lines ending with the lost and duplicated counts', () => {
    const text = formatReport(checkHistory(consistentHistory()));

    expect(text.split('\n')[0]).toBe('torture check: OK');
    expect(text).toContain('8 (4 ok, 2 refused, 2 unknown), 2 re-sent');
    expect(text.split('\n').at(-1)).toBe('0 lost, 0 duplicated');
  });
});

describe('checkHistory finds', () => {
  it('an acknowledged transfer with no committed transaction: lost', () => {
    const history = consistentHistory();
    history.final.transactions = history.final.transactions.filter((row) => row.requestId !== 'r-deposit-1');
    finalAccount(history, bob).balanceCents -= 200;
    const report = checkHistory(history);

    expectOnly(report, 'lost', 'r-deposit-1');
    expect(report.lostCount).toBe(1);
    expect(formatReport(report).split('\n').at(-1)).toBe('1 lost, 0 duplicated');
  });

  it('an acknowledged checkout with no order: lost', () => {
    const history = consistentHistory();
    history.final.orders = [];
    finalProduct(history, 1).stock += 2;
    finalProduct(history, 2).stock += 1;

    expect(expectOnly(checkHistory(history), 'lost', 'r-checkout-1')).toContain('no committed order');
  });

  it('one requestId on two committed transactions: duplicated', () => {
    const history = consistentHistory();
    const { id: _id, seq: _seq, createdAt: _createdAt, entries: _entries, ...deposit } = transaction(history, 'r-deposit-1');
    appendTransaction(history, deposit);
    finalAccount(history, bob).balanceCents += 200;
    const report = checkHistory(history);

    expect(expectOnly(report, 'duplicated', 'r-deposit-1')).toContain('2 times');
    expect(formatReport(report).split('\n').at(-1)).toBe('0 lost, 1 duplicated');
  });

  it('a refused request that committed: refused_but_committed', () => {
    const history = consistentHistory();
    const transfer = record(history, 'r-transfer-1');
    transfer.outcome = { kind: 'refused', code: 'internal' };

    expectOnly(checkHistory(history), 'refused_but_committed', 'r-transfer-1');
  });

  it('a committed deposit no client sent: phantom', () => {
    const history = consistentHistory();
    appendTransaction(history, { kind: 'deposit', amountCents: 70, fromAccountNumber: null, toAccountNumber: carol, username: 'carol', requestId: 'r-ghost' });
    finalAccount(history, carol).balanceCents += 70;

    expectOnly(checkHistory(history), 'phantom', 'r-ghost');
  });

  it('a committed transaction without a requestId: phantom', () => {
    const history = consistentHistory();
    const ghost = appendTransaction(history, { kind: 'deposit', amountCents: 70, fromAccountNumber: null, toAccountNumber: carol, username: 'carol', requestId: null });
    finalAccount(history, carol).balanceCents += 70;

    expect(expectOnly(checkHistory(history), 'phantom', null)).toContain(`Ledger transaction ${ghost.id}`);
  });

  it('an acknowledgement with another seq than the commit: reply_mismatch', () => {
    const history = consistentHistory();
    const outcome = record(history, 'r-transfer-1').outcome;
    if (outcome.kind !== 'ok') throw new Error('r-transfer-1 should be ok');
    outcome.seq += 1;

    expectOnly(checkHistory(history), 'reply_mismatch', 'r-transfer-1');
  });

  it('an acknowledgement with another order number than the commit: reply_mismatch', () => {
    const history = consistentHistory();
    record(history, 'r-checkout-1').outcome = { kind: 'ok', seq: history.final.orders[0]!.order.seq, orderNumber: 7 };

    expect(expectOnly(checkHistory(history), 'reply_mismatch', 'r-checkout-1')).toContain('order 7');
  });

  it('a transfer committed to another account than asked: body_mismatch', () => {
    const history = consistentHistory();
    transaction(history, 'r-transfer-1').toAccountNumber = carol;

    expect(expectOnly(checkHistory(history), 'body_mismatch', 'r-transfer-1')).toContain(carol);
  });

  it('an order that is not the cart the shopper checked out: body_mismatch', () => {
    const history = consistentHistory();
    const checkout = record(history, 'r-checkout-1').operation;
    if (checkout.type !== 'checkout') throw new Error('r-checkout-1 should be a checkout');
    checkout.lines = [{ productId: 1, quantity: 6 }];

    expect(expectOnly(checkHistory(history), 'body_mismatch', 'r-checkout-1')).toContain('6 x product 1');
  });

  it('a committed withdrawal from someone else\'s account: model_divergence', () => {
    const run = consistentRun();
    run.request({ requestId: 'r-steal', issuer: 'alice', operation: { type: 'bank.withdraw', accountNumber: bob, amountCents: 10 }, forced: true });

    expect(expectOnly(checkHistory(run.history()), 'model_divergence', 'r-steal')).toContain('unknown_account');
  });

  it('a committed transfer from an account with too little money: model_divergence, and negative in the replay', () => {
    const run = consistentRun();
    run.request({ requestId: 'r-overdraw', issuer: 'carol', operation: { type: 'bank.transfer', fromAccountNumber: carol, toAccountNumber: alice, amountCents: 40 }, forced: true });
    const report = checkHistory(run.history());

    expect(kindsOf(report)).toEqual(['model_divergence', 'negative']);
    expect(violationsOf(report, 'model_divergence').map((violation) => violation.requestId)).toEqual(['r-overdraw']);
    expect(violationsOf(report, 'model_divergence')[0]!.message).toContain('insufficient_funds');
    expect(violationsOf(report, 'negative').map((violation) => violation.requestId)).toEqual(['r-overdraw', null]);
  });

  it('a committed checkout of more than the stock left: model_divergence, and negative in the replay', () => {
    const run = consistentRun();
    run.request({ requestId: 'r-oversell', issuer: 'sue', operation: run.checkout([{ productId: 2, quantity: 3 }]), forced: true });
    const report = checkHistory(run.history());

    expect(kindsOf(report)).toEqual(['model_divergence', 'negative']);
    expect(violationsOf(report, 'model_divergence')[0]!.requestId).toBe('r-oversell');
    expect(violationsOf(report, 'negative')[0]!.message).toContain('product 2 at -2 in stock');
  });

  it('final balances that are not the replay\'s, though money adds up: model_divergence per account', () => {
    const history = consistentHistory();
    finalAccount(history, alice).balanceCents -= 1;
    finalAccount(history, bob).balanceCents += 1;
    const report = checkHistory(history);

    expect(kindsOf(report)).toEqual(['model_divergence']);
    expect(report.violations.map((violation) => violation.message)).toEqual([
      `Account ${alice} ends at 599 cents; replaying the commits gives 600.`,
      `Account ${bob} ends at 1051 cents; replaying the commits gives 1050.`,
    ]);
  });

  it('a final stock that is not the replay\'s: model_divergence', () => {
    const history = consistentHistory();
    finalProduct(history, 1).stock += 1;

    expect(expectOnly(checkHistory(history), 'model_divergence', null)).toBe('Product 1 ends with 4 in stock; replaying the commits gives 3.');
  });

  it('a cent from nowhere: money_not_conserved, with the numbers', () => {
    const history = consistentHistory();
    finalAccount(history, carol).balanceCents += 1;
    const [violation] = violationsOf(checkHistory(history), 'money_not_conserved');

    expect(violation?.message).toBe(
      'Customers hold 1651 cents at the end, but initial 1500 + committed deposits 250 - committed withdrawals 100 = 1650 cents (off by 1).',
    );
  });

  it('a negative stock in the final state: negative', () => {
    const history = consistentHistory();
    finalProduct(history, 2).stock = -1;
    const negatives = violationsOf(checkHistory(history), 'negative');

    expect(negatives.map((violation) => violation.message)).toEqual(['Product 2 ends with negative stock, -1.']);
  });

  it('a request sent after another was acknowledged yet committed before it: real_time_order', () => {
    const history = consistentHistory();
    const earlier = record(history, 'r-deposit-1');
    const transfer = record(history, 'r-transfer-1');
    transfer.firstSentAtMs = earlier.answeredAtMs! + 0.5;
    transfer.answeredAtMs = earlier.answeredAtMs! + 1;

    expect(expectOnly(checkHistory(history), 'real_time_order', 'r-transfer-1')).toContain('r-deposit-1');
  });

  it('a requestId recorded twice: history_invalid', () => {
    const history = consistentHistory();
    history.operations.push({ ...record(history, 'r-withdraw-1') });

    expectOnly(checkHistory(history), 'history_invalid', 'r-withdraw-1');
  });

  it('an answer recorded before its first send: history_invalid', () => {
    const history = consistentHistory();
    const refused = record(history, 'r-withdraw-1');
    refused.answeredAtMs = refused.firstSentAtMs - 1;

    expect(expectOnly(checkHistory(history), 'history_invalid', 'r-withdraw-1')).toContain('before it was first sent');
  });

  it('an account read twice into the final state: history_invalid', () => {
    const history = consistentHistory();
    history.final.accounts.push({ ...finalAccount(history, carol) });

    expect(expectOnly(checkHistory(history), 'history_invalid', null)).toBe(`The final state lists account ${carol} more than once.`);
  });

  it('an account in the final state that setup never showed: entity_mismatch', () => {
    const history = consistentHistory();
    history.final.accounts.push(accountView('00000009', 'dave', 0));

    expect(expectOnly(checkHistory(history), 'entity_mismatch', null)).toContain('00000009');
  });

  it('a product missing from the final state: entity_mismatch', () => {
    const history = consistentHistory();
    history.final.products = history.final.products.filter((product) => product.id !== 2);

    expect(expectOnly(checkHistory(history), 'entity_mismatch', null)).toContain('Product 2');
  });
});

describe('the report', () => {
  it(`lists the first ${violationsListedMax} violations and counts them all`, () => {
    const history = consistentHistory();
    for (let index = 0; index < 150; index += 1) {
      appendTransaction(history, { kind: 'deposit', amountCents: 1, fromAccountNumber: null, toAccountNumber: carol, username: 'carol', requestId: `r-ghost-${index}` });
    }
    finalAccount(history, carol).balanceCents += 150;
    const report = checkHistory(history);

    expect(report.violations).toHaveLength(violationsListedMax);
    expect(report.violationCount).toBe(150);
    expect(report.violationCountByKind.phantom).toBe(150);
    expect(formatReport(report)).toContain(`... and ${150 - 10} more`);
  });
});
