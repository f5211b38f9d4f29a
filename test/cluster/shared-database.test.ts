import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import type { AccountView } from '../../shared/protocol.ts';
import { seededRandom } from '../../shared/seeded-random.ts';
import { openAccount, testPassword } from '../support/bank-fixtures.ts';
import type { TestClient } from '../support/test-client.ts';
import { product, testAuditorPassword } from '../support/test-server.ts';
import { testDatabaseUrl } from '../support/postgres-schema.ts';
import { useCluster } from './cluster-fixture.ts';
import { closeCodes } from '../../shared/protocol.ts';

const nodeCount = 3;
const fixture = useCluster();

/** The seqs of the changes frames a client received, in arrival order. */
function changesSeqs(client: TestClient): number[] {
  return client.frames.flatMap((frame) => (frame.type === 'changes' ? [frame.seq] : []));
}

function expectGrowing(seqs: readonly number[]): void {
  for (let index = 1; index < seqs.length; index += 1) expect(seqs[index]).toBeGreaterThan(seqs[index - 1]!);
}

describe(`${nodeCount} server processes on one PostgreSQL database`, () => {
  it('sell exactly the stock to shoppers spread over them, and every shopper on every process sees it sold out', async () => {
    const stock = 20;
    const shopperCount = 60;
    const cluster = await fixture.start(nodeCount, [product('Last Lamps', stock, 1_500)]);
    const shoppers = await Promise.all(Array.from({ length: shopperCount }, (_, index) => cluster.connect(index)));
    await Promise.all(shoppers.map((shopper, index) => shopper.startShopper(`Shopper ${index}`, `${index} Race Road`)));
    await Promise.all(shoppers.map((shopper) => shopper.expectResult('cart.add', { productId: 1, quantity: 1 })));

    const replies = await Promise.all(shoppers.map((shopper) => shopper.request('checkout', { expectedTotalCents: 1_500 })));

    const winners = replies.filter((reply) => reply.ok);
    expect(winners).toHaveLength(stock);
    for (const reply of replies) if (!reply.ok) expect(reply.error.code).toBe('out_of_stock');
    const [row] = await cluster.query<{ stock: number; ordered: number }>(
      'SELECT (SELECT stock FROM products WHERE id = 1) AS stock, (SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) FROM order_lines) AS ordered',
    );
    expect(row).toEqual({ stock: 0, ordered: stock });
    await expect.poll(() => shoppers.every((shopper) => shopper.products.get(1)?.stock === 0), { timeout: 5_000 }).toBe(true);
    for (const shopper of shoppers) {
      expect(Math.min(...shopper.stockSeen)).toBeGreaterThanOrEqual(0);
      expectGrowing(changesSeqs(shopper));
    }
  });

  it('run random transfers from clients on every process: the ledger checks out, money is conserved, every auditor converges', async () => {
    const userCount = 6;
    const operationsPerClient = 120;
    const openingDepositCents = 100_000;
    const cluster = await fixture.start(nodeCount, [product('Anything', 1)]);
    const owners: Array<{ client: TestClient; checking: AccountView }> = [];
    for (let index = 0; index < userCount; index += 1) {
      // Each user has two tabs, on two different processes.
      const client = await cluster.connect(index, `u${index}a-`);
      const { sessionToken } = await client.expectResult('auth.register', { username: `user${index}`, password: testPassword });
      const checking = await openAccount(client, 'checking', openingDepositCents);
      const second = await cluster.connect(index + 1, `u${index}b-`);
      await second.expectResult('auth.resume', { sessionToken });
      owners.push({ client, checking }, { client: second, checking });
    }
    const auditors = await Promise.all(
      Array.from({ length: nodeCount }, async (_, index) => {
        const auditor = await cluster.connect(index, `audit${index}-`);
        await auditor.expectResult('auth.signIn', { username: 'auditor', password: testAuditorPassword });
        return auditor;
      }),
    );
    const numbers = owners.filter((_, index) => index % 2 === 0).map((owner) => owner.checking.number);

    const inflows = await Promise.all(
      owners.map(async ({ client, checking }, index) => {
        const random = seededRandom(7_000 + index);
        let inflowCents = 0;
        for (let operation = 0; operation < operationsPerClient; operation += 1) {
          const amountCents = 1 + Math.floor(random() * 5_000);
          const pick = random();
          if (pick < 0.2) {
            if ((await client.request('bank.deposit', { accountNumber: checking.number, amountCents })).ok) inflowCents += amountCents;
          } else if (pick < 0.35) {
            if ((await client.request('bank.withdraw', { accountNumber: checking.number, amountCents })).ok) inflowCents -= amountCents;
          } else {
            const target = numbers[Math.floor(random() * numbers.length)]!;
            const reply = await client.request('bank.transfer', { fromAccountNumber: checking.number, toAccountNumber: target, amountCents });
            if (!reply.ok) expect(['insufficient_funds', 'same_account']).toContain(reply.error.code);
          }
        }
        return inflowCents;
      }),
    );

    for (const auditor of auditors) {
      const { report } = await auditor.expectResult('audit.check', {});
      expect(report.problems).toEqual([]);
    }
    const [totals] = await cluster.query<{ deposits: number; lowest: number }>(
      "SELECT CAST(SUM(balance_cents) AS BIGINT) AS deposits, MIN(balance_cents) AS lowest FROM accounts WHERE kind = 'checking'",
    );
    expect(totals!.deposits).toBe(userCount * openingDepositCents + inflows.reduce((sum, inflow) => sum + inflow, 0));
    expect(totals!.lowest).toBeGreaterThanOrEqual(0);

    const balances = await cluster.query<{ number: string; balance_cents: number }>("SELECT number, balance_cents FROM accounts WHERE kind = 'checking'");
    const truth = Object.fromEntries(balances.map((account) => [account.number, account.balance_cents]));
    const seenBy = (client: TestClient) => Object.fromEntries(numbers.map((number) => [number, client.accounts.get(number)?.balanceCents]));
    await expect.poll(() => auditors.map(seenBy), { timeout: 5_000 }).toEqual(auditors.map(() => truth));
    for (const { client, checking } of owners) {
      await expect.poll(() => client.accounts.get(checking.number)?.balanceCents, { timeout: 5_000 }).toBe(truth[checking.number]);
    }
    for (const auditor of auditors) {
      expectGrowing(changesSeqs(auditor));
      // The auditor sees every ledger row once, whichever process committed it.
      const ids = auditor.transactionsSeen.map((transaction) => transaction.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
    const [{ count }] = (await cluster.query<{ count: number }>('SELECT COUNT(*) AS count FROM ledger_transactions')) as [{ count: number }];
    for (const auditor of auditors) expect(auditor.transactionsSeen.length).toBeLessThanOrEqual(count);
  }, 120_000);

  it('closes, within moments, the tabs on other processes of a user who signed out everywhere', async () => {
    const cluster = await fixture.start(nodeCount, [product('Anything', 1)]);
    const first = await cluster.connect(0);
    const { sessionToken } = await first.expectResult('auth.register', { username: 'traveller', password: testPassword });
    const elsewhere = await Promise.all([1, 2].map((index) => cluster.connect(index)));
    for (const tab of elsewhere) await tab.expectResult('auth.resume', { sessionToken });
    const bystander = await cluster.connect(1);
    await bystander.expectResult('auth.register', { username: 'bystander', password: testPassword });
    // Well inside the minute between session sweeps: only the sign-out's notification can do it.
    const closeOf = (client: TestClient) =>
      new Promise<number | 'still open'>((resolve) => {
        client.socket.once('close', (code) => resolve(code));
        setTimeout(() => resolve('still open'), 2_000);
      });
    const closes = [...elsewhere, bystander].map(closeOf);
    await first.expectResult('auth.signOut', { everywhere: true });
    const [onSecond, onThird, bystanderClosed] = await Promise.all(closes);
    // As on the process where it signed out: the tab is told it was signed out, not that its session expired.
    expect([onSecond, onThird]).toEqual([closeCodes.signedOut, closeCodes.signedOut]);
    expect(bystanderClosed).toBe('still open');
  });

  it('shows on every process\'s dashboard the orders and money operations committed on the others', async () => {
    const cluster = await fixture.start(nodeCount, [product('Kettle', 10, 2_000)]);
    const watcher = await cluster.connect(1);
    const window = await watcher.expectResult('dashboard.watch', {});
    const shoppers = await Promise.all([0, 2].map((index) => cluster.connect(index)));
    for (const shopper of shoppers) {
      await shopper.startShopper();
      await shopper.expectResult('cart.add', { productId: 1, quantity: 1 });
      await shopper.expectResult('checkout', { expectedTotalCents: 2_000 });
    }
    const customer = await cluster.connect(0);
    await customer.expectResult('auth.register', { username: 'saver', password: testPassword });
    const { number } = await openAccount(customer, 'checking', 5_000);
    await customer.expectResult('bank.deposit', { accountNumber: number, amountCents: 700 });
    const seconds = () => [...window.seconds, ...watcher.frames.flatMap((frame) => (frame.type === 'dashboard' && frame.second !== null ? [frame.second] : []))];
    const total = (count: (second: ReturnType<typeof seconds>[number]) => number) => seconds().reduce((sum, second) => sum + count(second), 0);
    await expect.poll(() => total((second) => second.orders.ok), { timeout: 5_000 }).toBe(2);
    await expect.poll(() => total((second) => second.money.ok), { timeout: 5_000 }).toBeGreaterThanOrEqual(1);
    const tape = watcher.frames.flatMap((frame) => (frame.type === 'dashboard' ? frame.tape.map((event) => event.text) : []));
    expect(tape.filter((text) => text.startsWith('A shopper ordered'))).toHaveLength(2);
  });

  it('publishes a commit that finishes late, in order, to every tab and every resume, on every process', async () => {
    const cluster = await fixture.start(nodeCount, [product('Kettle', 50, 2_000), product('Teapot', 50, 3_000)]);
    const watchers = await Promise.all(Array.from({ length: nodeCount }, (_, index) => cluster.connect(index)));
    const shoppers = await Promise.all(Array.from({ length: nodeCount }, (_, index) => cluster.connect(index)));
    await Promise.all(shoppers.map((shopper, index) => shopper.startShopper(`Shopper ${index}`, `${index} Late Lane`)));
    const positionBefore = Math.max(...watchers.map((watcher) => watcher.lastSeq));

    // A writer that holds its transaction open as a slow batch would: it takes the next commit number
    // under the commit-order lock, changes a product, and commits a second later, with no NOTIFY.
    const writer = postgres(testDatabaseUrl, { max: 1, onnotice: () => {}, connection: { search_path: cluster.schema } });
    let releaseLate!: () => void;
    const holding = new Promise<void>((resolve) => (releaseLate = resolve));
    let lateSeq = 0;
    let numberTaken!: () => void;
    const taken = new Promise<void>((resolve) => (numberTaken = resolve));
    const late = writer.begin(async (transaction) => {
      const [meta] = await transaction<Array<{ value: string }>>`SELECT value FROM meta WHERE key = 'commit_seq' FOR UPDATE`;
      lateSeq = Number(meta!.value) + 1;
      await transaction`UPDATE products SET stock = stock - 7, version = version + 1, changed_seq = ${lateSeq} WHERE id = 2`;
      numberTaken();
      await holding;
      await transaction`UPDATE meta SET value = ${lateSeq} WHERE key = 'commit_seq'`;
    });
    try {
      await taken;
      // Later work on every process waits behind the held commit rather than overtaking it.
      const later = Promise.all(shoppers.map((shopper) => shopper.expectResult('cart.add', { productId: 1, quantity: 1 }).then(() => shopper.expectResult('checkout', { expectedTotalCents: 2_000 }))));
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(watchers.every((watcher) => watcher.products.get(1)?.stock === 50)).toBe(true);
      releaseLate();
      await late;
      const orders = await later;
      for (const { order } of orders) expect(order.seq).toBeGreaterThan(lateSeq);
    } finally {
      releaseLate();
      await late.catch(() => {});
      await writer.end({ timeout: 5 });
    }

    await expect.poll(() => watchers.map((watcher) => [watcher.products.get(2)?.stock, watcher.products.get(1)?.stock]), { timeout: 5_000 }).toEqual(
      watchers.map(() => [43, 50 - nodeCount]),
    );
    for (const watcher of watchers) {
      const seqs = changesSeqs(watcher);
      expectGrowing(seqs);
      expect(seqs.some((seq) => seq >= lateSeq)).toBe(true);
    }
    // A tab that last saw the position before the late commit gets it back on any process.
    for (let index = 0; index < nodeCount; index += 1) {
      const returning = await cluster.connect(index);
      const { products } = await returning.expectResult('sync.resume', { databaseId: returning.welcome.databaseId, sinceSeq: positionBefore });
      expect(products.find((changed) => changed.id === 2)?.stock).toBe(43);
    }
  }, 60_000);
});
