import { describe, expect, it } from 'vitest';
import { resumeTransactionsMax } from '../../shared/limits.ts';
import { useTestServer } from '../support/server-fixture.ts';
import { openAccount, registerUser, signInAuditor, testPassword } from '../support/bank-fixtures.ts';
import { product } from '../support/test-server.ts';
import { TestClient } from '../support/test-client.ts';

const fixture = useTestServer();

async function twoCustomers() {
  const { client: payer } = await registerUser(fixture.server.webSocketUrl, 'payer');
  const { client: payee } = await registerUser(fixture.server.webSocketUrl, 'payee');
  fixture.track(payer, payee);
  const from = (await openAccount(payer, 'checking', 10_000_000)).number;
  const to = (await openAccount(payee, 'checking', 1)).number;
  return { payer, payee, from, to };
}

describe('sync.resume', () => {
  it('gives a tab back everything it may see after 1,000 commits it missed, with no gap', async () => {
    await fixture.start([product('Kettle', 50, 2_000)]);
    const { payer, from, to } = await twoCustomers();
    const auditor = await signInAuditor(fixture.server.webSocketUrl);
    const { databaseId } = auditor.welcome;
    const lastApplied = auditor.lastSeq;
    await auditor.close();

    // 1,000 commits while the auditor is away: each transfer waits for the last, so each is its own commit.
    const missedIds: number[] = [];
    for (let index = 0; index < 1_000; index += 1) {
      const { transaction } = await payer.expectResult('bank.transfer', { fromAccountNumber: from, toAccountNumber: to, amountCents: 1 });
      missedIds.push(transaction.id);
    }
    const [shopper] = await fixture.connect(1);
    await shopper!.startShopper();
    await shopper!.expectResult('cart.add', { productId: 1, quantity: 3 });
    await shopper!.expectResult('checkout', { expectedTotalCents: 6_000 });

    const back = await signInAuditor(fixture.server.webSocketUrl);
    fixture.track(back);
    const resumed = await back.request('sync.resume', { databaseId, sinceSeq: lastApplied });
    if (!resumed.ok) throw new Error(`resume refused: ${resumed.error.code}: ${resumed.error.message}`);
    const { transactions, accounts, products } = resumed.result;
    expect(transactions.map((row) => row.id)).toEqual(missedIds);
    expect(transactions.every((row, index) => index === 0 || row.seq > transactions[index - 1]!.seq)).toBe(true);
    expect(transactions[0]!.requestId).not.toBeNull();
    expect(resumed.seq).toBeGreaterThanOrEqual(transactions.at(-1)!.seq);
    expect(accounts.find((account) => account.number === from)!.balanceCents).toBe(10_000_000 - 1_000);
    expect(accounts.find((account) => account.number === to)!.balanceCents).toBe(1 + 1_000);
    expect(products).toEqual([expect.objectContaining({ id: 1, stock: 47 })]);
  });

  it('shows a customer only their own accounts and no ledger rows', async () => {
    await fixture.start();
    const { payer, from, to } = await twoCustomers();
    const sinceSeq = payer.lastSeq;
    await payer.expectResult('bank.transfer', { fromAccountNumber: from, toAccountNumber: to, amountCents: 5 });
    const again = await TestClient.connect(fixture.server.webSocketUrl);
    fixture.track(again);
    await again.expectResult('auth.signIn', { username: 'payee', password: testPassword });
    const { accounts, transactions } = await again.expectResult('sync.resume', { databaseId: again.welcome.databaseId, sinceSeq });
    expect(accounts.map((account) => [account.number, account.balanceCents])).toEqual([[to, 6]]);
    expect(transactions).toEqual([]);
  });

  it('tells a tab too far behind to take a fresh snapshot', async () => {
    await fixture.start();
    const { payer, from, to } = await twoCustomers();
    const auditor = await signInAuditor(fixture.server.webSocketUrl);
    fixture.track(auditor);
    const sinceSeq = auditor.lastSeq;
    const senders = 32;
    const each = Math.ceil((resumeTransactionsMax + 1) / senders);
    await Promise.all(
      Array.from({ length: senders }, async () => {
        for (let index = 0; index < each; index += 1) {
          await payer.expectResult('bank.transfer', { fromAccountNumber: from, toAccountNumber: to, amountCents: 1 });
        }
      }),
    );
    const reply = await auditor.request('sync.resume', { databaseId: auditor.welcome.databaseId, sinceSeq });
    expect(reply.ok ? 'ok' : reply.error.code).toBe('resync_required');
    if (!reply.ok) expect(reply.error.message).toContain(`more than ${resumeTransactionsMax} ledger transactions`);
  });

  it('refuses a position from another database, or one ahead of the newest commit', async () => {
    await fixture.start();
    const [client] = await fixture.connect(1);
    const { databaseId, seq } = client!.welcome;
    const otherDatabase = databaseId === 'abc' ? 'abd' : 'abc';
    const fromElsewhere = await client!.request('sync.resume', { databaseId: otherDatabase, sinceSeq: 0 });
    expect(fromElsewhere.ok ? 'ok' : fromElsewhere.error.message).toContain('another database');
    const ahead = await client!.request('sync.resume', { databaseId, sinceSeq: seq + 1 });
    expect(ahead.ok ? 'ok' : ahead.error.code).toBe('resync_required');
    const current = await client!.request('sync.resume', { databaseId, sinceSeq: seq });
    expect(current.ok && current.result.products).toEqual([]);
    // From the very start, the seeded catalog is part of what changed.
    const fromScratch = await client!.request('sync.resume', { databaseId, sinceSeq: 0 });
    expect(fromScratch.ok && fromScratch.result.products.map((product) => product.name)).toEqual(['Anything']);
  });
});
