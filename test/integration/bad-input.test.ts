import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { frameBytesMax, lineQuantityMax, shopperAddressLengthMax, shopperNameLengthMax } from '../../shared/limits.ts';
import { TestClient } from '../support/test-client.ts';
import { product, startTestServer, type TestServer } from '../support/test-server.ts';

let server: TestServer;
let shopper: TestClient;
let cartProductId: number;

beforeAll(async () => {
  server = await startTestServer([product('Widget', 5, 300), product('Gadget', 2, 900)]);
  shopper = await TestClient.connect(server.webSocketUrl);
  await shopper.startShopper('Bad Input', '1 Edge Case Lane');
  cartProductId = 2;
  await shopper.expectResult('cart.add', { productId: cartProductId, quantity: 1 });
});

afterAll(async () => {
  await shopper.close();
  await server.dispose();
});

/** Everything a bad request could have changed. */
async function stateFingerprint(): Promise<string> {
  return JSON.stringify([
    await server.query('SELECT * FROM products ORDER BY id'),
    await server.query('SELECT * FROM cart_lines ORDER BY shopper_id, product_id'),
    await server.query('SELECT * FROM shoppers ORDER BY id'),
    await server.query('SELECT COUNT(*) AS count FROM orders'),
  ]);
}

const raw = (value: unknown) => JSON.stringify(value);
const rawFrames: Array<{ name: string; frame: string | Buffer; binary?: boolean; code: string; requestId: string | null; mentions: string }> = [
  { name: 'malformed JSON', frame: '{"type": "cart.add", ', code: 'malformed_json', requestId: null, mentions: 'JSON' },
  { name: 'a binary frame', frame: Buffer.from([0x7b, 0x7d]), binary: true, code: 'binary_frame', requestId: null, mentions: 'Binary' },
  { name: 'a JSON array', frame: '[1,2]', code: 'invalid_message', requestId: null, mentions: 'JSON object' },
  { name: 'a JSON number', frame: '42', code: 'invalid_message', requestId: null, mentions: 'JSON object' },
  { name: 'no type', frame: raw({ requestId: 'r1' }), code: 'invalid_message', requestId: 'r1', mentions: 'type' },
  { name: 'an unknown type', frame: raw({ type: 'cart.steal', requestId: 'r2' }), code: 'unknown_type', requestId: 'r2', mentions: 'cart.steal' },
  { name: 'no requestId', frame: raw({ type: 'cart.clear' }), code: 'invalid_message', requestId: null, mentions: 'requestId' },
  { name: 'an over-long requestId', frame: raw({ type: 'cart.clear', requestId: 'x'.repeat(65) }), code: 'invalid_message', requestId: null, mentions: 'requestId' },
  { name: 'a missing field', frame: raw({ type: 'cart.add', requestId: 'r3', productId: 1 }), code: 'invalid_message', requestId: 'r3', mentions: 'quantity' },
  { name: 'an extra field', frame: raw({ type: 'cart.add', requestId: 'r4', productId: 1, quantity: 1, price: 0 }), code: 'invalid_message', requestId: 'r4', mentions: 'price' },
  { name: 'a wrong type', frame: raw({ type: 'cart.add', requestId: 'r5', productId: '1', quantity: 1 }), code: 'invalid_message', requestId: 'r5', mentions: 'productId' },
  { name: 'a zero quantity', frame: raw({ type: 'cart.add', requestId: 'r6', productId: 1, quantity: 0 }), code: 'invalid_message', requestId: 'r6', mentions: 'quantity' },
  { name: 'a negative quantity', frame: raw({ type: 'cart.add', requestId: 'r7', productId: 1, quantity: -3 }), code: 'invalid_message', requestId: 'r7', mentions: 'quantity' },
  { name: 'a fractional quantity', frame: raw({ type: 'cart.add', requestId: 'r8', productId: 1, quantity: 1.5 }), code: 'invalid_message', requestId: 'r8', mentions: 'quantity' },
  { name: 'a huge quantity', frame: raw({ type: 'cart.add', requestId: 'r9', productId: 1, quantity: 1e300 }), code: 'invalid_message', requestId: 'r9', mentions: 'quantity' },
  { name: 'one over the quantity limit', frame: raw({ type: 'cart.set', requestId: 'r10', productId: 1, quantity: lineQuantityMax + 1 }), code: 'invalid_message', requestId: 'r10', mentions: String(lineQuantityMax) },
  { name: 'a negative set quantity', frame: raw({ type: 'cart.set', requestId: 'r11', productId: 1, quantity: -1 }), code: 'invalid_message', requestId: 'r11', mentions: 'quantity' },
  { name: 'a negative expected total', frame: raw({ type: 'checkout', requestId: 'r12', expectedTotalCents: -900 }), code: 'invalid_message', requestId: 'r12', mentions: 'expectedTotalCents' },
  { name: 'a fractional expected total', frame: raw({ type: 'checkout', requestId: 'r13', expectedTotalCents: 9.5 }), code: 'invalid_message', requestId: 'r13', mentions: 'expectedTotalCents' },
  { name: 'an over-long name', frame: raw({ type: 'session.start', requestId: 'r14', name: 'n'.repeat(shopperNameLengthMax + 1), address: 'a' }), code: 'invalid_message', requestId: 'r14', mentions: 'name' },
  { name: 'an over-long address', frame: raw({ type: 'session.start', requestId: 'r15', name: 'n', address: 'a'.repeat(shopperAddressLengthMax + 1) }), code: 'invalid_message', requestId: 'r15', mentions: 'address' },
  { name: 'a blank name', frame: raw({ type: 'session.start', requestId: 'r16', name: '   ', address: 'a' }), code: 'invalid_message', requestId: 'r16', mentions: 'name' },
  { name: 'a malformed session token', frame: raw({ type: 'session.resume', requestId: 'r17', sessionToken: 'short' }), code: 'invalid_message', requestId: 'r17', mentions: 'sessionToken' },
];

describe('bad input gets a clear error and changes nothing', () => {
  for (const { name, frame, binary, code, requestId, mentions } of rawFrames) {
    it(`refuses ${name}`, async () => {
      const before = await stateFingerprint();
      const error = await shopper.sendRaw(frame, { binary: binary ?? false });
      expect(error.code).toBe(code);
      expect(error.requestId).toBe(requestId);
      expect(error.message).toContain(mentions);
      expect(await stateFingerprint()).toBe(before);
      expect(shopper.socket.readyState).toBe(WebSocket.OPEN);
    });
  }

  const refusals: Array<{ name: string; send: () => Promise<{ ok: boolean; error?: { code: string; message: string } }>; code: string }> = [
    { name: 'an unknown product', send: () => shopper.request('cart.add', { productId: 999, quantity: 1 }), code: 'unknown_product' },
    { name: 'more than is in stock', send: () => shopper.request('cart.add', { productId: 1, quantity: 6 }), code: 'insufficient_stock' },
    { name: 'a checkout whose total is not the cart total', send: () => shopper.request('checkout', { expectedTotalCents: 1 }), code: 'cart_changed' },
    { name: 'a second session on one connection', send: () => shopper.request('session.start', { name: 'Again', address: 'Here' }), code: 'already_signed_in' },
  ];
  for (const { name, send, code } of refusals) {
    it(`refuses ${name}`, async () => {
      const before = await stateFingerprint();
      const reply = await send();
      expect(reply.ok).toBe(false);
      expect(reply.error?.code).toBe(code);
      expect(reply.error?.message.length).toBeGreaterThan(10);
      expect(await stateFingerprint()).toBe(before);
    });
  }

  it('names what is short when asking for more than is left', async () => {
    const reply = await shopper.request('cart.add', { productId: cartProductId, quantity: 2 });
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.message).toContain('Only 2 of Gadget left');
    expect(reply.error.details?.shortfalls).toEqual([{ productId: 2, name: 'Gadget', requested: 3, available: 2 }]);
  });

  it('refuses cart and checkout requests before a session starts', async () => {
    const anonymous = await TestClient.connect(server.webSocketUrl);
    try {
      for (const reply of [
        await anonymous.request('cart.add', { productId: 1, quantity: 1 }),
        await anonymous.request('checkout', { expectedTotalCents: 0 }),
        await anonymous.request('orders.list', {}),
      ]) {
        expect(reply.ok).toBe(false);
        if (!reply.ok) expect(reply.error.code).toBe('not_signed_in');
      }
      const resumed = await anonymous.request('session.resume', { sessionToken: 'A'.repeat(43) });
      expect(resumed.ok ? 'resumed' : resumed.error.code).toBe('session_not_found');
    } finally {
      await anonymous.close();
    }
  });

  it(`closes a connection that sends a frame over ${frameBytesMax} bytes, and keeps serving others`, async () => {
    const before = await stateFingerprint();
    const oversized = await TestClient.connect(server.webSocketUrl);
    const closed = new Promise<number>((resolve) => oversized.socket.once('close', (code) => resolve(code)));
    oversized.socket.send(raw({ type: 'session.start', requestId: 'big', name: 'x', address: 'y'.repeat(frameBytesMax) }));
    expect(await closed).toBe(1009);
    expect(await stateFingerprint()).toBe(before);
    const reply = await shopper.request('ping', {});
    expect(reply.ok).toBe(true);
  });

  it('refuses a name with a lone surrogate, naming the field, and stores nothing', async () => {
    const fresh = await TestClient.connect(server.webSocketUrl);
    try {
      const before = await stateFingerprint();
      const error = await fresh.sendRaw(raw({ type: 'session.start', requestId: 'lone-1', name: 'Ada\uD800', address: '1 Main Street' }));
      expect(error).toMatchObject({
        code: 'invalid_message',
        requestId: 'lone-1',
        details: { issues: [{ path: 'name', message: 'name must be well-formed Unicode text (it has a lone surrogate)' }] },
      });
      const lowInAddress = await fresh.sendRaw(raw({ type: 'session.start', requestId: 'lone-2', name: 'Ada', address: '\uDC001 Main Street' }));
      expect(lowInAddress.details?.issues?.map((issue) => issue.path)).toEqual(['address']);
      expect(await stateFingerprint()).toBe(before);
      expect((await fresh.startShopper('Ada', '1 Main Street')).shopper.name).toBe('Ada');
    } finally {
      await fresh.close();
    }
  });

  it('confirms exactly what it stores: an astral name at the limit reads back, and ships, unchanged', async () => {
    const name = `${'n'.repeat(shopperNameLengthMax - 2)}\u{1F600}`;
    const address = '\u{1F3E0} 1 Emoji Lane';
    const buyer = await TestClient.connect(server.webSocketUrl);
    const otherTab = await TestClient.connect(server.webSocketUrl);
    try {
      const started = await buyer.startShopper(name, address);
      expect(started.shopper).toMatchObject({ name, address });
      const [stored] = await server.query('SELECT name, address FROM shoppers WHERE id = ?', started.shopper.id);
      expect(stored).toEqual({ name, address });
      const resumed = await otherTab.expectResult('session.resume', { sessionToken: started.sessionToken });
      expect(resumed.shopper).toEqual(started.shopper);
      await buyer.expectResult('cart.add', { productId: 1, quantity: 1 });
      const { order } = await buyer.expectResult('checkout', { expectedTotalCents: 300 });
      expect(order.shipTo).toEqual({ name, address });
    } finally {
      await Promise.all([buyer.close(), otherTab.close()]);
    }
  });

  it(`refuses a name of ${shopperNameLengthMax / 2 + 1} emoji: ${shopperNameLengthMax + 2} code units`, async () => {
    const before = await stateFingerprint();
    const error = await shopper.sendRaw(raw({ type: 'session.start', requestId: 'emoji-1', name: '\u{1F600}'.repeat(shopperNameLengthMax / 2 + 1), address: 'a' }));
    expect(error.details?.issues).toEqual([{ path: 'name', message: `name must be at most ${shopperNameLengthMax} characters` }]);
    expect(await stateFingerprint()).toBe(before);
  });

  it(`accepts a name of exactly ${shopperNameLengthMax} characters`, async () => {
    const edge = await TestClient.connect(server.webSocketUrl);
    try {
      const started = await edge.startShopper('n'.repeat(shopperNameLengthMax), 'a'.repeat(shopperAddressLengthMax));
      expect(started.shopper.name).toHaveLength(shopperNameLengthMax);
    } finally {
      await edge.close();
    }
  });
});
