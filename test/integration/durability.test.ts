import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TestClient } from '../support/test-client.ts';
import { spawnServer, type ServerProcess } from '../support/server-process.ts';
import { dropTestDatabases, product, testAuditorPassword, testDatabaseLocation } from '../support/test-server.ts';
import { openAccount, signInAuditor, testPassword } from '../support/bank-fixtures.ts';

let directory: string | undefined;
let running: ServerProcess | undefined;

afterEach(async () => {
  running?.child.kill('SIGKILL');
  await running?.exited;
  running = undefined;
  await dropTestDatabases();
  if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
});

describe('an acknowledged order survives SIGKILL', () => {
  it('keeps every order whose confirmation was sent, and the stock it took', async () => {
    directory = mkdtempSync(join(tmpdir(), 'tally-durability-'));
    const catalogPath = join(directory, 'catalog.json');
    writeFileSync(catalogPath, JSON.stringify({ products: [product('Durable', 100, 1200)] }));
    const serverArgs = ['--database', testDatabaseLocation(directory), '--catalog', catalogPath];
    running = await spawnServer(serverArgs);

    const shopperCount = 12;
    const shoppers = await Promise.all(Array.from({ length: shopperCount }, () => TestClient.connect(running!.webSocketUrl)));
    const tokens: string[] = [];
    for (const [index, shopper] of shoppers.entries()) {
      tokens.push((await shopper.startShopper(`Durable ${index}`, 'Disk Street')).sessionToken);
      await shopper.expectResult('cart.add', { productId: 1, quantity: 1 + (index % 3) });
    }
    const server = running;
    const acknowledged: Array<{ shopperIndex: number; orderNumber: number }> = [];
    let killed = false;
    // Kill the server the instant the first confirmation arrives; others may or may not have committed.
    await Promise.all(
      shoppers.map(async (shopper, shopperIndex) => {
        const reply = await Promise.race([
          shopper.request('checkout', { expectedTotalCents: 1200 * (1 + (shopperIndex % 3)) }).catch(() => null),
          new Promise<null>((resolve) => shopper.socket.once('close', () => resolve(null))),
        ]);
        if (reply === null || !reply.ok) return;
        acknowledged.push({ shopperIndex, orderNumber: reply.result.order.orderNumber });
        if (!killed) {
          killed = true;
          server.child.kill('SIGKILL');
        }
      }),
    );
    await server.exited;
    expect(acknowledged.length).toBeGreaterThan(0);

    running = await spawnServer(serverArgs);
    let unitsInOrders = 0;
    let stockAfterRestart = -1;
    for (const [shopperIndex, token] of tokens.entries()) {
      const client = await TestClient.connect(running.webSocketUrl);
      await client.expectResult('session.resume', { sessionToken: token });
      const { orders } = await client.expectResult('orders.list', {});
      const expected = acknowledged.find((entry) => entry.shopperIndex === shopperIndex);
      if (expected !== undefined) expect(orders.map((order) => order.orderNumber)).toContain(expected.orderNumber);
      unitsInOrders += orders.reduce((units, order) => units + order.lines[0]!.quantity, 0);
      stockAfterRestart = client.products.get(1)!.stock;
      await client.close();
    }
    // Orders that committed but were never acknowledged are fine; stock and orders must agree.
    expect(100 - stockAfterRestart).toBe(unitsInOrders);
  });
});

describe('an acknowledged transfer survives SIGKILL', () => {
  it('keeps every transfer whose OK was sent, with the ledger sound and no money made or lost', async () => {
    directory = mkdtempSync(join(tmpdir(), 'tally-durability-'));
    const serverArgs = ['--database', testDatabaseLocation(directory)];
    const env = { TALLY_AUDITOR_PASSWORD: testAuditorPassword };
    running = await spawnServer(serverArgs, env);

    const userCount = 6;
    const openingCents = 10_000;
    const users = await Promise.all(Array.from({ length: userCount }, () => TestClient.connect(running!.webSocketUrl)));
    const checking: string[] = [];
    for (const [index, user] of users.entries()) {
      await user.expectResult('auth.register', { username: `durable${index}`, password: testPassword });
      checking.push((await openAccount(user, 'checking', openingCents)).number);
    }
    const server = running;
    const acknowledged: number[] = [];
    const acknowledgedBeforeKill = 25;
    // Each user keeps sending transfers to the next; the server dies mid-stream, with requests in flight.
    await Promise.all(
      users.map(async (user, index) => {
        const closed = new Promise<null>((resolve) => user.socket.once('close', () => resolve(null)));
        for (;;) {
          const reply = await Promise.race([
            // Unanswered when the connection drops: this client does not reconnect to ask again.
            user.request('bank.transfer', { fromAccountNumber: checking[index]!, toAccountNumber: checking[(index + 1) % userCount]!, amountCents: 1 + index }).catch(() => null),
            closed,
          ]);
          if (reply === null) return;
          if (!reply.ok) throw new Error(`transfer refused: ${reply.error.message}`);
          acknowledged.push(reply.result.transaction.id);
          if (acknowledged.length === acknowledgedBeforeKill) server.child.kill('SIGKILL');
        }
      }),
    );
    await server.exited;
    expect(acknowledged.length).toBeGreaterThanOrEqual(acknowledgedBeforeKill);

    running = await spawnServer(serverArgs, env);
    const auditor = await signInAuditor(running.webSocketUrl);
    try {
      const recorded = new Set<number>();
      let beforeId: number | undefined;
      do {
        const page = await auditor.expectResult('audit.history', beforeId === undefined ? { kind: 'transfer' } : { kind: 'transfer', beforeId });
        for (const transaction of page.transactions) recorded.add(transaction.id);
        beforeId = page.nextBeforeId ?? undefined;
      } while (beforeId !== undefined);
      expect(acknowledged.filter((id) => !recorded.has(id))).toEqual([]);
      const { report } = await auditor.expectResult('audit.check', {});
      expect(report.problems).toEqual([]);
      expect(report.ok).toBe(true);
      expect(auditor.bankStats?.totalDepositsCents).toBe(userCount * openingCents);
    } finally {
      await auditor.close();
    }
  });
});
