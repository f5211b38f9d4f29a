import { describe, expect, it } from 'vitest';
import { dashboardIntervalMs, dashboardTapeFlushMs } from '../../shared/limits.ts';
import type { Dashboard, DashboardSecond } from '../../shared/protocol.ts';
import { openAccount, registerUser, signInAuditor } from '../support/bank-fixtures.ts';
import { TestClient } from '../support/test-client.ts';
import { useTestServer } from '../support/server-fixture.ts';
import { product } from '../support/test-server.ts';

const fixture = useTestServer();

const dashboardFrames = (client: TestClient): Dashboard[] => client.frames.filter((frame): frame is Dashboard => frame.type === 'dashboard');
/** The seconds a tab was sent after it started watching (frames that only bring tape events have none). */
const secondsSent = (client: TestClient): DashboardSecond[] => dashboardFrames(client).flatMap((frame) => (frame.second === null ? [] : [frame.second]));

/** Sums one number over every second a tab has received (the window answer and the frames after it). */
function total(seconds: DashboardSecond[], count: (second: DashboardSecond) => number): number {
  return seconds.reduce((sum, second) => sum + count(second), 0);
}

async function watch(client: TestClient) {
  const answer = await client.expectResult('dashboard.watch', {});
  return () => [...answer.seconds, ...secondsSent(client)];
}

describe('the dashboard', () => {
  it('shows every tab the orders, the races lost, the stock and the tape, each from what committed', async () => {
    await fixture.start([product('Limited Lot', 2, 4_800), product('Beans', 50, 2_450)]);
    const [observer, first, second, third] = await fixture.connect(4);
    const seen = await watch(observer!);
    for (const shopper of [first!, second!, third!]) {
      await shopper.startShopper();
      await shopper.expectResult('cart.add', { productId: 1, quantity: 1 });
    }
    await first!.expectResult('checkout', { expectedTotalCents: 4_800 });
    await second!.expectResult('checkout', { expectedTotalCents: 4_800 });
    const lost = await third!.request('checkout', { expectedTotalCents: 4_800 });
    expect(lost.ok).toBe(false);

    await expect.poll(() => total(seen(), (s) => s.orders.refused['out_of_stock'] ?? 0), { timeout: dashboardIntervalMs * 4 }).toBe(1);
    const seconds = seen();
    expect(total(seconds, (s) => s.orders.ok)).toBe(2);
    expect(total(seconds, (s) => s.racesLost['1'] ?? 0)).toBe(1);
    expect(seconds.flatMap((s) => s.soldOut)).toEqual([1]);
    expect(seconds.at(-1)!.stock).toEqual({ '1': 0, '2': 50 });
    expect(seconds.at(-1)!.presence).toEqual({ shoppers: 3, customers: 0, auditors: 0, observers: 1 });
    expect(seconds.at(-1)!.conservation).toBeUndefined();
    const tape = dashboardFrames(observer!).flatMap((frame) => frame.tape.map((event) => event.text));
    expect(tape).toEqual([
      'A shopper ordered 1 item for $48.00',
      'A shopper ordered 1 item for $48.00',
      'A shopper bought the last Limited Lot',
      'Checkout refused: Limited Lot sold out',
    ]);

    // A tab that starts watching later gets the same history at once.
    const latecomer = await TestClient.connect(fixture.server.webSocketUrl);
    fixture.track(latecomer);
    const answer = await latecomer.expectResult('dashboard.watch', {});
    expect(total(answer.seconds, (s) => s.orders.ok)).toBe(2);
    expect(answer.tape.map((event) => event.text)).toEqual(tape);
  });

  it('counts money operations and refusals, and a repeated request only once', async () => {
    await fixture.start();
    const observer = await TestClient.connect(fixture.server.webSocketUrl);
    fixture.track(observer);
    const seen = await watch(observer);
    const { client } = await registerUser(fixture.server.webSocketUrl, 'saver');
    const account = await openAccount(client, 'checking', 5_000);
    await client.expectResult('bank.deposit', { accountNumber: account.number, amountCents: 1_200 }, { requestId: 'dashboard-deposit-1' });
    // The same key again: answered from its stored outcome, not a second deposit.
    await client.expectResult('bank.deposit', { accountNumber: account.number, amountCents: 1_200 }, { requestId: 'dashboard-deposit-1' });
    const refused = await client.request('bank.withdraw', { accountNumber: account.number, amountCents: 1_000_000 });
    expect(refused.ok).toBe(false);

    await expect.poll(() => total(seen(), (s) => s.money.refused['insufficient_funds'] ?? 0), { timeout: dashboardIntervalMs * 4 }).toBe(1);
    const seconds = seen();
    expect(total(seconds, (s) => s.money.ok)).toBe(2);
    expect(seconds.at(-1)!.totalDepositsCents).toBe(6_200);
    expect(total(seconds, (s) => s.commits)).toBeGreaterThanOrEqual(3);
    expect(total(seconds, (s) => s.replies)).toBeGreaterThanOrEqual(5);
    expect(seconds.some((s) => s.replyLatencyP99Ms !== null && s.replyLatencyP99Ms >= (s.replyLatencyP50Ms ?? 0))).toBe(true);
    const tape = dashboardFrames(observer).flatMap((frame) => frame.tape.map((event) => event.text));
    expect(tape).toEqual(['New account $50.00 OK', 'Deposit $12.00 OK', 'Withdrawal refused: insufficient funds']);
  });

  it('gives the auditor the conservation check, equal while money moves, and nobody else', async () => {
    await fixture.start();
    const auditor = await signInAuditor(fixture.server.webSocketUrl);
    const customer = await registerUser(fixture.server.webSocketUrl, 'mover');
    fixture.track(auditor);
    const seen = await watch(auditor);
    const customerSeen = await watch(customer.client);
    const checking = await openAccount(customer.client, 'checking', 10_000);
    const savings = await openAccount(customer.client, 'savings', 500);
    const loan = await openAccount(customer.client, 'loan', 3_000);
    await customer.client.expectResult('bank.transfer', { fromAccountNumber: checking.number, toAccountNumber: savings.number, amountCents: 2_000 });
    await customer.client.expectResult('bank.withdraw', { accountNumber: savings.number, amountCents: 700 });
    await customer.client.expectResult('bank.payLoanByTransfer', { fromAccountNumber: checking.number, loanAccountNumber: loan.number, amountCents: 1_000 });
    await customer.client.expectResult('bank.payLoanByCheck', { loanAccountNumber: loan.number, amountCents: 500 });

    await expect.poll(() => seen().at(-1)?.conservation?.depositsActualCents, { timeout: dashboardIntervalMs * 4 }).toBe(10_000 + 500 - 700 - 1_000);
    for (const second of secondsSent(auditor)) {
      expect(second.conservation).toBeDefined();
      expect(second.conservation!.depositsExpectedCents).toBe(second.conservation!.depositsActualCents);
      expect(second.conservation!.loansExpectedCents).toBe(second.conservation!.loansActualCents);
    }
    expect(seen().at(-1)!.conservation!.loansActualCents).toBe(3_000 - 1_000 - 500);
    expect(customerSeen().every((second) => second.conservation === undefined)).toBe(true);
    expect(seen().at(-1)!.presence).toMatchObject({ customers: 1, auditors: 1 });
  });

  it('sends new tape events without waiting for their second to end', async () => {
    await fixture.start([product('Quick Cup', 100, 1_000)]);
    const [observer, shopper] = await fixture.connect(2);
    await observer!.expectResult('dashboard.watch', {});
    await shopper!.startShopper();
    // Orders spread over more than three tape flushes: seconds close at most every half second, so
    // at least one flush falls between two closes and must carry its events in a frame of its own.
    const orders = Math.ceil((3 * dashboardTapeFlushMs) / 100) + 1;
    for (let order = 0; order < orders; order += 1) {
      await shopper!.expectResult('cart.add', { productId: 1, quantity: 1 });
      await shopper!.expectResult('checkout', { expectedTotalCents: 1_000 });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const texts = () => dashboardFrames(observer!).flatMap((frame) => frame.tape.map((event) => event.text));
    await expect.poll(() => texts().length, { timeout: dashboardIntervalMs * 2 }).toBe(orders);
    expect(new Set(texts())).toEqual(new Set(['A shopper ordered 1 item for $10.00']));
    expect(dashboardFrames(observer!).some((frame) => frame.second === null && frame.tape.length > 0)).toBe(true);
  });

  it('stops the frames after dashboard.unwatch', async () => {
    await fixture.start();
    const observer = await TestClient.connect(fixture.server.webSocketUrl);
    fixture.track(observer);
    await observer.expectResult('dashboard.watch', {});
    await expect.poll(() => secondsSent(observer).length, { timeout: dashboardIntervalMs * 3 }).toBeGreaterThan(0);
    await observer.expectResult('dashboard.unwatch', {});
    const framesAtUnwatch = dashboardFrames(observer).length;
    await new Promise((resolve) => setTimeout(resolve, dashboardIntervalMs * 2.5));
    expect(dashboardFrames(observer).length).toBe(framesAtUnwatch);
  });
});
