import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/server-fixture.ts';
import { openAccount, registerUser, signInAuditor } from '../support/bank-fixtures.ts';
import { product } from '../support/test-server.ts';
import type { TestClient } from '../support/test-client.ts';

const fixture = useTestServer();

async function customerWithChecking(username: string, openingCents: number): Promise<{ client: TestClient; checking: string }> {
  const { client } = await registerUser(fixture.server.webSocketUrl, username);
  fixture.track(client);
  return { client, checking: (await openAccount(client, 'checking', openingCents)).number };
}

async function ledgerRowsWithRequestId(requestId: string): Promise<number> {
  const [row] = await fixture.server.query<{ count: number }>('SELECT COUNT(*) AS count FROM ledger_transactions WHERE request_id = ?', requestId);
  return row!.count;
}

describe('a repeated key commits once and answers the same', () => {
  it('answers a deposit sent three times in a row with the first outcome, its seq and its transaction', async () => {
    await fixture.start();
    const { client, checking } = await customerWithChecking('ada', 10_000);
    const body = { accountNumber: checking, amountCents: 2_500 };
    const replies = [];
    for (let attempt = 0; attempt < 3; attempt += 1) replies.push(await client.request('bank.deposit', body, { requestId: 'tab1-deposit-7' }));

    const [first, ...repeats] = replies;
    if (!first!.ok) throw new Error(`deposit refused: ${first!.error.code}`);
    for (const repeat of repeats) expect(repeat).toEqual(first);
    expect(first!.result.transaction.requestId).toBe('tab1-deposit-7');
    expect(first!.result.accounts[0]!.balanceCents).toBe(12_500);
    expect(await ledgerRowsWithRequestId('tab1-deposit-7')).toBe(1);
    const { accounts } = await client.expectResult('bank.accounts', {});
    expect(accounts[0]!.balanceCents).toBe(12_500);
  });

  it('commits a key sent at once on two connections of one user once, and gives both the same answer', async () => {
    await fixture.start();
    const { client: first, checking } = await customerWithChecking('grace', 10_000);
    const { client: other, checking: target } = await customerWithChecking('alan', 1);
    const second = (await fixture.connect(1))[0]!;
    await second.expectResult('auth.signIn', { username: 'grace', password: 'correct horse battery' });

    const body = { fromAccountNumber: checking, toAccountNumber: target, amountCents: 700 };
    const [left, right] = await Promise.all([
      first.request('bank.transfer', body, { requestId: 'shared-key-1' }),
      second.request('bank.transfer', body, { requestId: 'shared-key-1' }),
    ]);
    expect(left.ok).toBe(true);
    expect(right).toEqual(left);
    expect(await ledgerRowsWithRequestId('shared-key-1')).toBe(1);
    const { accounts } = await other.expectResult('bank.accounts', {});
    expect(accounts[0]!.balanceCents).toBe(701);
  });

  it('refuses the same key with a different body, and keeps the first answer for the first body', async () => {
    await fixture.start();
    const { client, checking } = await customerWithChecking('edsger', 10_000);
    const original = await client.request('bank.withdraw', { accountNumber: checking, amountCents: 100 }, { requestId: 'k-1' });
    const changed = await client.request('bank.withdraw', { accountNumber: checking, amountCents: 200 }, { requestId: 'k-1' });
    expect(changed.ok).toBe(false);
    if (changed.ok) return;
    expect(changed.error.code).toBe('idempotency_mismatch');
    expect(changed.error.message).toContain('k-1');
    // A different type under the same key is a different body, too.
    const otherType = await client.request('bank.deposit', { accountNumber: checking, amountCents: 100 }, { requestId: 'k-1' });
    expect(otherType.ok ? 'ok' : otherType.error.code).toBe('idempotency_mismatch');
    expect(await client.request('bank.withdraw', { accountNumber: checking, amountCents: 100 }, { requestId: 'k-1' })).toEqual(original);
    const { accounts } = await client.expectResult('bank.accounts', {});
    expect(accounts[0]!.balanceCents).toBe(9_900);
  });

  it('keeps a refusal: the same key refused for want of funds stays refused after the money arrives', async () => {
    await fixture.start();
    const { client, checking } = await customerWithChecking('barbara', 1_000);
    const { checking: target } = await customerWithChecking('niklaus', 1);
    const body = { fromAccountNumber: checking, toAccountNumber: target, amountCents: 5_000 };
    const refused = await client.request('bank.transfer', body, { requestId: 'pay-rent' });
    expect(refused.ok ? 'ok' : refused.error.code).toBe('insufficient_funds');
    await client.expectResult('bank.deposit', { accountNumber: checking, amountCents: 10_000 });

    expect(await client.request('bank.transfer', body, { requestId: 'pay-rent' })).toEqual(refused);
    expect(await ledgerRowsWithRequestId('pay-rent')).toBe(0);
    // A new key is a new request, and now it goes through.
    expect((await client.request('bank.transfer', body, { requestId: 'pay-rent-again' })).ok).toBe(true);
  });

  it('scopes keys to their issuer: two users may use the same key, and neither sees the other’s outcome', async () => {
    await fixture.start();
    const { client: ada, checking: adaChecking } = await customerWithChecking('ada', 1_000);
    const { client: bob, checking: bobChecking } = await customerWithChecking('bob', 1_000);
    const adaReply = await ada.request('bank.deposit', { accountNumber: adaChecking, amountCents: 11 }, { requestId: 'same-key' });
    const bobReply = await bob.request('bank.deposit', { accountNumber: bobChecking, amountCents: 22 }, { requestId: 'same-key' });
    if (!adaReply.ok || !bobReply.ok) throw new Error('a deposit was refused');
    expect(bobReply.result.transaction.id).not.toBe(adaReply.result.transaction.id);
    expect(bobReply.result.accounts[0]!.balanceCents).toBe(1_022);
    expect(await ledgerRowsWithRequestId('same-key')).toBe(2);
  });

  it('shows a transaction’s key to its maker and the auditor, never to the customer it paid', async () => {
    await fixture.start();
    const { client: payer, checking } = await customerWithChecking('payer', 1_000);
    const { client: payee, checking: target } = await customerWithChecking('payee', 1);
    await payer.expectResult('bank.transfer', { fromAccountNumber: checking, toAccountNumber: target, amountCents: 10 }, { requestId: 'pay-payee' });
    const payerRows = (await payer.expectResult('bank.history', {})).transactions;
    const payeeRows = (await payee.expectResult('bank.history', {})).transactions;
    const transfer = payerRows.find((row) => row.kind === 'transfer')!;
    expect(transfer.requestId).toBe('pay-payee');
    expect(payeeRows.find((row) => row.id === transfer.id)!.requestId).toBeNull();
    const auditor = await signInAuditor(fixture.server.webSocketUrl);
    fixture.track(auditor);
    const auditRows = (await auditor.expectResult('audit.history', { kind: 'transfer' })).transactions;
    expect(auditRows.find((row) => row.id === transfer.id)!.requestId).toBe(transfer.requestId);
  });
});

describe('a repeated checkout', () => {
  it('answers with the original order instead of cart_empty, and takes the stock once', async () => {
    await fixture.start([product('Last lamp', 3, 4_500)]);
    const [shopper] = await fixture.connect(1);
    await shopper!.startShopper('Ada', '12 St James Square');
    await shopper!.expectResult('cart.add', { productId: 1, quantity: 2 });
    const first = await shopper!.request('checkout', { expectedTotalCents: 9_000 }, { requestId: 'checkout-1' });
    const repeat = await shopper!.request('checkout', { expectedTotalCents: 9_000 }, { requestId: 'checkout-1' });
    if (!first.ok) throw new Error(`checkout refused: ${first.error.code}`);
    expect(repeat).toEqual(first);
    expect(first.result.order.requestId).toBe('checkout-1');
    expect(first.result.order.seq).toBe(first.seq);
    const { orders } = await shopper!.expectResult('orders.list', {});
    expect(orders.map((order) => order.orderNumber)).toEqual([first.result.order.orderNumber]);
    expect(orders[0]!.requestId).toBe('checkout-1');
    const { products } = await shopper!.expectResult('catalog.sync', {});
    expect(products[0]!.stock).toBe(1);
  });

  it('keeps shoppers’ keys apart: another shopper’s same key is its own checkout', async () => {
    await fixture.start([product('Mug', 10, 500)]);
    const [first, second] = await fixture.connect(2);
    for (const shopper of [first!, second!]) {
      await shopper.startShopper();
      await shopper.expectResult('cart.add', { productId: 1, quantity: 1 });
    }
    const one = await first!.request('checkout', { expectedTotalCents: 500 }, { requestId: 'c1' });
    const two = await second!.request('checkout', { expectedTotalCents: 500 }, { requestId: 'c1' });
    if (!one.ok || !two.ok) throw new Error('a checkout was refused');
    expect(two.result.order.orderNumber).not.toBe(one.result.order.orderNumber);
  });
});
