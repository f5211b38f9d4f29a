import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { openAccount, registerUser, testPassword } from '../../test/support/bank-fixtures.ts';
import { startTestServer, testAuditorPassword, type TestServer } from '../../test/support/test-server.ts';
import { protocolVersion, type TransactionView, type Welcome } from '../protocol.ts';
import { ProtocolClient, type Connection, type SocketLike } from './protocol-client.ts';
import { RequestError } from './request-error.ts';
import { RequestKeys, randomKeyPrefix, requestKeyPrefixLength } from './request-keys.ts';

type Listener = (event: { data?: unknown; code?: number }) => void;

/**
 * A real `ws` socket whose connection the test can cut at an exact moment: after `cut()` no further
 * frame reaches the client (as when the network dies with replies still in flight), and the socket
 * is torn down without a close handshake.
 */
class CuttableSocket implements SocketLike {
  readonly sent: string[] = [];
  #cut = false;
  readonly #socket: WebSocket;
  readonly #wrapped = new Map<Listener, Listener>();

  constructor(url: string) {
    this.#socket = new WebSocket(url, { perMessageDeflate: false });
  }

  get readyState(): number {
    return this.#socket.readyState;
  }

  send(data: string): void {
    this.sent.push(data);
    this.#socket.send(data);
  }

  close(code?: number, reason?: string): void {
    this.#socket.close(code, reason);
  }

  cut(): void {
    this.#cut = true;
    this.#socket.terminate();
  }

  addEventListener(type: 'open' | 'message' | 'close' | 'error', listener: Listener): void {
    const wrapped: Listener = (event) => {
      if (type === 'message' && this.#cut) return;
      listener(event);
    };
    this.#wrapped.set(listener, wrapped);
    this.#socket.addEventListener(type, wrapped as never);
  }

  removeEventListener(type: 'open' | 'message' | 'close' | 'error', listener: Listener): void {
    const wrapped = this.#wrapped.get(listener);
    if (wrapped !== undefined) this.#socket.removeEventListener(type, wrapped as never);
  }
}

let server: TestServer;
const closers: Array<() => Promise<void>> = [];

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
  await server?.dispose();
});

/** A client that reconnects (quickly: no jitter) and signs in as `username` on every connection. */
function reconnectingClient(username?: string, password = testPassword) {
  const sockets: CuttableSocket[] = [];
  const signIn = async (connection: Connection) => {
    const reply = await connection.request('auth.signIn', { username: username!, password });
    if (!reply.ok) throw new Error(reply.error.message);
  };
  const client = new ProtocolClient({
    url: server.webSocketUrl,
    createSocket: (url) => {
      const socket = new CuttableSocket(url);
      sockets.push(socket);
      return socket;
    },
    random: () => 0.99,
    ...(username === undefined ? {} : { onConnected: signIn }),
  });
  closers.push(() => client.close());
  return { client, sockets };
}

const ledgerRowsWith = (requestId: string) =>
  server.inspect((database) => database.prepare<[string], { count: number }>('SELECT COUNT(*) AS count FROM ledger_transactions WHERE request_id = ?').get(requestId)!.count);

describe('ProtocolClient', () => {
  it('sends a keyed request again, same key, after its connection drops, and resolves with the one outcome', async () => {
    server = await startTestServer();
    const { client: setup } = await registerUser(server.webSocketUrl, 'ada');
    const checking = (await openAccount(setup, 'checking', 1_000)).number;
    await setup.close();

    const { client, sockets } = reconnectingClient('ada');
    client.start();
    await client.online();
    // The deposit commits, its `changes` frame arrives, and the connection dies before its reply.
    client.on('changes', (changes) => {
      if (changes.accounts?.some((account) => account.balanceCents === 1_250) && sockets.length === 1) sockets[0]!.cut();
    });
    let retried = 0;
    const reply = await client.request('bank.deposit', { accountNumber: checking, amountCents: 250 }, { onRetrying: () => (retried += 1) });

    expect(reply.ok && reply.result.accounts[0]!.balanceCents).toBe(1_250);
    expect(retried).toBe(1);
    expect(sockets).toHaveLength(2);
    const sentKeys = sockets.flatMap((socket) => socket.sent.map((text) => JSON.parse(text) as { type: string; requestId: string }));
    const deposits = sentKeys.filter((frame) => frame.type === 'bank.deposit');
    expect(deposits).toHaveLength(2);
    expect(deposits[1]!.requestId).toBe(deposits[0]!.requestId);
    expect(ledgerRowsWith(deposits[0]!.requestId)).toBe(1);
  });

  it('resumes the change feed after a reconnect: every ledger row committed meanwhile, in order, none twice', async () => {
    server = await startTestServer();
    const { client: payer } = await registerUser(server.webSocketUrl, 'payer');
    const { client: payee } = await registerUser(server.webSocketUrl, 'payee');
    closers.push(() => payer.close(), () => payee.close());
    const from = (await openAccount(payer, 'checking', 100_000)).number;
    const to = (await openAccount(payee, 'checking', 1)).number;

    const { client: auditor, sockets } = reconnectingClient('auditor', testAuditorPassword);
    const seen: TransactionView[] = [];
    auditor.on('changes', (changes) => seen.push(...(changes.transactions ?? [])));
    auditor.start();
    await auditor.online();
    const transfer = () => payer.expectResult('bank.transfer', { fromAccountNumber: from, toAccountNumber: to, amountCents: 1 });
    const before = await transfer();
    await expect.poll(() => seen.map((row) => row.id)).toContain(before.transaction.id);

    sockets[0]!.cut();
    const missed = [];
    for (let index = 0; index < 50; index += 1) missed.push((await transfer()).transaction.id);
    await auditor.online();
    const after = await transfer();
    await expect.poll(() => seen.map((row) => row.id)).toContain(after.transaction.id);

    const ids = seen.map((row) => row.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.slice(ids.indexOf(before.transaction.id))).toEqual([before.transaction.id, ...missed, after.transaction.id]);
  });

  it('without reconnecting, fails an unanswered keyed request with `unanswered`, naming the key to ask with', async () => {
    server = await startTestServer();
    const { client: ada } = await registerUser(server.webSocketUrl, 'ada');
    const checking = (await openAccount(ada, 'checking', 1_000)).number;
    await ada.close();
    let socket!: CuttableSocket;
    const client = new ProtocolClient({ url: server.webSocketUrl, reconnect: false, createSocket: (url) => (socket = new CuttableSocket(url)) });
    closers.push(() => client.close());
    client.start();
    await client.online();
    await client.expectResult('auth.signIn', { username: 'ada', password: testPassword });
    const deposit = client.request('bank.deposit', { accountNumber: checking, amountCents: 5 }, { requestId: 'only-once' });
    socket.cut();
    const failure = (await deposit.catch((error: unknown) => error)) as RequestError;
    expect(failure).toBeInstanceOf(RequestError);
    expect(failure.code).toBe('unanswered');
    expect(failure.message).toContain('only-once');
    expect(client.status).toBe('closed');
  });

  it('refuses requests while not online, nothing sent, and a second request under a key still waiting', async () => {
    server = await startTestServer();
    const { client } = reconnectingClient();
    expect(((await client.request('ping', {}).catch((error: unknown) => error)) as RequestError).code).toBe('not_connected');
    client.start();
    await client.online();
    const first = client.request('ping', {}, { requestId: 'same' });
    await expect(client.request('ping', {}, { requestId: 'same' })).rejects.toThrow('already waiting');
    expect((await first).ok).toBe(true);
  });
});

/**
 * A socket with no network under it: the test plays the server, opening it with a welcome, reading
 * what the client sent, answering, or failing it as a dead process would.
 */
class ScriptedSocket implements SocketLike {
  readyState = 0;
  readonly sent: Array<{ type: string; requestId: string }> = [];
  readonly #listeners = new Map<string, Set<Listener>>();

  constructor(readonly url: string) {}

  send(data: string): void {
    this.sent.push(JSON.parse(data) as { type: string; requestId: string });
  }

  close(code = 1000): void {
    this.fail(code);
  }

  /** Connected: the server's welcome arrives. */
  welcome(fields: Partial<Welcome> = {}): void {
    this.readyState = 1;
    this.#emit('open', {});
    this.deliver({ ...scriptedWelcome, ...fields });
  }

  deliver(frame: object): void {
    this.#emit('message', { data: JSON.stringify(frame) });
  }

  /** The connection attempt failed, or the connection died (no close handshake). */
  fail(code = 1006): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.#emit('close', { code });
  }

  addEventListener(type: string, listener: Listener): void {
    if (!this.#listeners.has(type)) this.#listeners.set(type, new Set());
    this.#listeners.get(type)!.add(listener);
  }

  removeEventListener(type: string, listener: Listener): void {
    this.#listeners.get(type)?.delete(listener);
  }

  #emit(type: string, event: { data?: unknown; code?: number }): void {
    for (const listener of [...(this.#listeners.get(type) ?? [])]) listener(event);
  }
}

const scriptedWelcome: Welcome = {
  type: 'welcome',
  protocolVersion,
  seq: 7,
  databaseId: 'abc123',
  products: [],
  bank: { totalDepositsCents: 0, totalLoansOwedCents: 0, operationsPerSecond: 0 },
};

const [endpointA, endpointB, endpointC] = ['ws://a.example:9000/ws', 'ws://b.example:9000/ws', 'ws://c.example:9000/ws'];

/** A reconnecting client over scripted sockets: no ping, the shortest backoff. */
function scriptedClient(url: string, alternateUrls?: readonly string[]) {
  const sockets: ScriptedSocket[] = [];
  const client = new ProtocolClient({
    url,
    ...(alternateUrls === undefined ? {} : { alternateUrls }),
    createSocket: (socketUrl) => {
      const socket = new ScriptedSocket(socketUrl);
      sockets.push(socket);
      return socket;
    },
    pingIntervalMs: null,
    random: () => 0,
  });
  closers.push(() => client.close());
  client.start();
  /** The socket of attempt `count`, once the client has made it. */
  const attempt = async (count: number) => {
    await vi.waitFor(() => expect(sockets).toHaveLength(count), { timeout: 5_000 });
    return sockets[count - 1]!;
  };
  return { client, sockets, attempt };
}

/** Answers the client's `sync.resume` on `socket` with no changes, as a process of the same database would. */
async function answerResume(socket: ScriptedSocket): Promise<void> {
  await vi.waitFor(() => expect(socket.sent.map((frame) => frame.type)).toContain('sync.resume'));
  const resume = socket.sent.find((frame) => frame.type === 'sync.resume')!;
  socket.deliver({ type: 'result', requestId: resume.requestId, seq: scriptedWelcome.seq, result: { products: [], accounts: [], transactions: [] } });
}

describe('ProtocolClient over several endpoints', () => {
  it('sends the next attempt to the second endpoint when the first cannot be reached', async () => {
    const { client, sockets, attempt } = scriptedClient(endpointA, [endpointB]);
    expect(client.url).toBe(endpointA);
    (await attempt(1)).fail();
    (await attempt(2)).welcome();
    await client.online();

    expect(sockets.map((socket) => socket.url)).toEqual([endpointA, endpointB]);
    expect(client.url).toBe(endpointB);
  });

  it('goes round the endpoints in turn, back to the first after the last', async () => {
    const { sockets, attempt } = scriptedClient(endpointA, [endpointB, endpointC]);
    for (let count = 1; count <= 3; count += 1) (await attempt(count)).fail();
    await attempt(4);

    expect(sockets.map((socket) => socket.url)).toEqual([endpointA, endpointB, endpointC, endpointA]);
  });

  it('moves to an endpoint a welcome named when its connection drops', async () => {
    const { client, sockets, attempt } = scriptedClient(endpointA);
    (await attempt(1)).welcome({ endpoints: [endpointA, endpointB, endpointA] });
    await client.online();
    expect(client.endpoints).toEqual([endpointA, endpointB]);

    sockets[0]!.fail();
    const second = await attempt(2);
    expect(second.url).toBe(endpointB);
    second.welcome({ endpoints: [endpointA, endpointB] });
    await answerResume(second);
    await client.online();
    expect(client.url).toBe(endpointB);
  });

  it('sends a keyed request unanswered on a dead endpoint again, same requestId, on the next one', async () => {
    const { client, attempt } = scriptedClient(endpointA, [endpointB]);
    const first = await attempt(1);
    first.welcome();
    await client.online();
    let retried = 0;
    const reply = client.request('cart.add', { productId: 1, quantity: 1 }, { onRetrying: () => (retried += 1) });
    const sentOnA = first.sent.find((frame) => frame.type === 'cart.add')!;

    first.fail();
    const second = await attempt(2);
    second.welcome();
    await answerResume(second);
    await vi.waitFor(() => expect(second.sent.map((frame) => frame.type)).toContain('cart.add'));
    const sentOnB = second.sent.find((frame) => frame.type === 'cart.add')!;
    second.deliver({ type: 'error', requestId: sentOnB.requestId, code: 'insufficient_stock', message: 'Not enough stock.' });

    expect(second.url).toBe(endpointB);
    expect(sentOnB.requestId).toBe(sentOnA.requestId);
    expect(retried).toBe(1);
    expect(await reply).toMatchObject({ ok: false, error: { code: 'insufficient_stock' } });
  });

  it('with one endpoint, reconnects to it again and again', async () => {
    const { client, sockets, attempt } = scriptedClient(endpointA);
    (await attempt(1)).fail();
    (await attempt(2)).fail();
    await attempt(3);

    expect(sockets.map((socket) => socket.url)).toEqual([endpointA, endpointA, endpointA]);
    expect(client.endpoints).toEqual([endpointA]);
  });

  it('drops an endpoint the socket factory cannot open and goes on to the next', async () => {
    const opened: string[] = [];
    const client = new ProtocolClient({
      url: 'ws://forbidden.example/ws',
      alternateUrls: [endpointB],
      createSocket: (url) => {
        if (url.includes('forbidden')) throw new Error('blocked');
        const socket = new ScriptedSocket(url);
        opened.push(url);
        queueMicrotask(() => socket.welcome());
        return socket;
      },
      pingIntervalMs: null,
      random: () => 0,
    });
    closers.push(() => client.close());
    const warnings: string[] = [];
    client.on('warning', (text) => warnings.push(text));
    client.start();
    await client.online();

    expect(opened).toEqual([endpointB]);
    expect(client.endpoints).toEqual([endpointB]);
    expect(warnings.join()).toContain('forbidden.example');
  });

  it('refuses more endpoints than a cluster may have', () => {
    const urls = Array.from({ length: 17 }, (_, index) => `ws://p${index}.example/ws`);
    expect(() => new ProtocolClient({ url: urls[0]!, alternateUrls: urls.slice(1), createSocket: () => new ScriptedSocket('') })).toThrow('at most 16 endpoints');
  });
});

describe('RequestKeys', () => {
  it('numbers keys under a random prefix that differs per client', () => {
    const keys = new RequestKeys();
    expect(keys.prefix).toMatch(new RegExp(`^[0-9a-z]{${requestKeyPrefixLength}}$`));
    const [first, second] = [keys.next(), keys.next()];
    expect(first).toMatch(new RegExp(`^[0-9a-z]{9}-${keys.prefix}-1$`));
    expect(second).toMatch(new RegExp(`^[0-9a-z]{9}-${keys.prefix}-2$`));
    expect(first.length).toBeLessThanOrEqual(64);
    const prefixes = new Set(Array.from({ length: 1_000 }, () => randomKeyPrefix()));
    expect(prefixes.size).toBe(1_000);
  });

  it('puts the time first, so keys made later sort later', async () => {
    const keys = new RequestKeys();
    const earlier = keys.next();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(new RequestKeys().next() > earlier).toBe(true);
  });

  it('refuses a prefix the protocol would not accept in a requestId', () => {
    expect(() => new RequestKeys('has space')).toThrow('request key prefix');
    expect(() => new RequestKeys('x'.repeat(41))).toThrow('request key prefix');
  });
});
