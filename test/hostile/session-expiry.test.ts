import { describe, expect, it } from 'vitest';
import { closeCodes } from '../../shared/protocol.ts';
import { registerUser } from '../support/bank-fixtures.ts';
import { useTestServer } from '../support/server-fixture.ts';
import { product } from '../support/test-server.ts';
import type { TestClient } from '../support/test-client.ts';

const fixture = useTestServer();
const waitMs = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const codeOf = (reply: { ok: boolean; error?: { code: string } }) => (reply.ok ? 'ok' : reply.error!.code);

function closeCodeWithin(client: TestClient, ms: number): Promise<number | 'still open'> {
  return new Promise((resolve) => {
    client.socket.once('close', (code) => resolve(code));
    setTimeout(() => resolve('still open'), ms);
  });
}

describe('session expiry', () => {
  it('refuses to resume a user session unused for its idle time (session_expired)', async () => {
    const server = await fixture.start(undefined, { limits: { userSessionIdleMs: 300, sessionSweepIntervalMs: 3_600_000 } });
    const { client, sessionToken } = await registerUser(server.webSocketUrl, 'sleeper');
    await client.close();
    const [fresh] = await fixture.connect(1);
    await waitMs(400);
    expect(codeOf(await fresh!.request('auth.resume', { sessionToken }))).toBe('session_expired');
  });

  it('keeps a session alive while a tab holds it, and deletes it once none has for its idle time', async () => {
    const server = await fixture.start(undefined, { limits: { userSessionIdleMs: 400, sessionSweepIntervalMs: 100 } });
    const { client, sessionToken } = await registerUser(server.webSocketUrl, 'holder');
    fixture.track(client);
    await waitMs(1_000);
    const [second] = await fixture.connect(1);
    expect(codeOf(await second!.request('auth.resume', { sessionToken }))).toBe('ok');
    await Promise.all([client.close(), second!.close()]);
    await waitMs(800);
    const sessions = server.inspect((database) => database.prepare('SELECT COUNT(*) FROM user_sessions').pluck().get());
    expect(sessions).toBe(0);
  });

  it('ends a session at its absolute age even while a tab uses it, closing the tab with sessionExpired', async () => {
    const server = await fixture.start(undefined, { limits: { userSessionAbsoluteMs: 500, sessionSweepIntervalMs: 100 } });
    const { client, sessionToken } = await registerUser(server.webSocketUrl, 'longstay');
    fixture.track(client);
    expect(await closeCodeWithin(client, 2_000)).toBe(closeCodes.sessionExpired);
    const [later] = await fixture.connect(1);
    expect(['session_expired', 'session_not_found']).toContain(codeOf(await later!.request('auth.resume', { sessionToken })));
  });

  it('ends an idle shopper session: it cannot be resumed, its cart is emptied, its orders stay', async () => {
    const server = await fixture.start([product('Lamp', 10)], { limits: { shopperSessionIdleMs: 300, sessionSweepIntervalMs: 100 } });
    const [shopper] = await fixture.connect(1);
    const { sessionToken, shopper: view } = await shopper!.startShopper();
    const productId = [...shopper!.products.keys()][0]!;
    const { cart } = await shopper!.expectResult('cart.add', { productId, quantity: 1 });
    await shopper!.expectResult('checkout', { expectedTotalCents: cart.totalCents });
    await shopper!.expectResult('cart.add', { productId, quantity: 2 });
    await shopper!.close();
    await waitMs(800);
    const [later] = await fixture.connect(1);
    expect(codeOf(await later!.request('session.resume', { sessionToken }))).toBe('session_expired');
    const left = server.inspect((database) => ({
      cartLines: database.prepare('SELECT COUNT(*) FROM cart_lines WHERE shopper_id = ?').pluck().get(view.id),
      orders: database.prepare('SELECT COUNT(*) FROM orders WHERE shopper_id = ?').pluck().get(view.id),
    }));
    expect(left).toEqual({ cartLines: 0, orders: 1 });
  });
});
