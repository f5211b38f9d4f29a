import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import { clientDrainCheckIntervalMs, clientSendBufferBytesHardMax, clientSendBufferBytesMax, closeHandshakeTimeoutMs } from '../../shared/limits.ts';
import { closeCodes, type Changes, type ProductView } from '../../shared/protocol.ts';
import { ClientConnection } from './client-connection.ts';

/**
 * A stand-in for a ws socket whose buffer fill we control: a real socket only backs up when
 * the kernel's buffers are full, which a unit test cannot arrange reliably.
 */
class FakeSocket {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  readonly sent: string[] = [];
  readonly CLOSING = 2;
  readonly CLOSED = 3;
  closedWith: number | null = null;
  paused = false;
  terminated = false;
  send(text: string) {
    this.sent.push(text);
  }
  /** Like a peer that never answers the close frame: the socket stays CLOSING. */
  close(code: number) {
    this.closedWith = code;
    this.readyState = this.CLOSING;
  }
  terminate() {
    this.terminated = true;
    this.readyState = this.CLOSED;
  }
  pause() {
    this.paused = true;
  }
  resume() {
    this.paused = false;
  }
}

const lamp = (stock: number, version: number): ProductView => ({
  id: 1, name: 'Lamp', description: '', emoji: '', priceCents: 100, stock, version,
});
const rug = (stock: number, version: number): ProductView => ({ ...lamp(stock, version), id: 2, name: 'Rug' });

function deliver(client: ClientConnection, seq: number, products: ProductView[]) {
  const frame: Changes = { type: 'changes', seq, products };
  client.deliverChanges(JSON.stringify(frame), seq, { products, accounts: [], transactions: [] });
}

let socket: FakeSocket;
let client: ClientConnection;

beforeEach(() => {
  vi.useFakeTimers();
  socket = new FakeSocket();
  client = new ClientConnection(socket as unknown as WebSocket);
});

afterEach(() => {
  client.dispose();
  vi.useRealTimers();
});

describe('per-client conflation', () => {
  it('sends the shared frame text as is to a client that keeps up', () => {
    deliver(client, 7, [lamp(4, 2)]);
    expect(socket.sent).toEqual([JSON.stringify({ type: 'changes', seq: 7, products: [lamp(4, 2)] })]);
  });

  it('gives a slow client only the latest state of each entity, once it drains', () => {
    socket.bufferedAmount = clientSendBufferBytesMax + 1;
    for (let seq = 10; seq < 110; seq += 1) deliver(client, seq, [lamp(1000 - seq, seq)]);
    deliver(client, 110, [rug(3, 9)]);
    expect(socket.sent).toHaveLength(0);

    vi.advanceTimersByTime(clientDrainCheckIntervalMs * 3);
    expect(socket.sent).toHaveLength(0);

    socket.bufferedAmount = 0;
    vi.advanceTimersByTime(clientDrainCheckIntervalMs);
    expect(socket.sent).toHaveLength(1);
    const frame = JSON.parse(socket.sent[0]!) as Changes;
    expect(frame.seq).toBe(110);
    expect(frame.products).toEqual([lamp(891, 109), rug(3, 9)]);
  });

  it('keeps order: while changes are pending, new ones join them instead of overtaking', () => {
    socket.bufferedAmount = clientSendBufferBytesMax + 1;
    deliver(client, 1, [lamp(5, 2)]);
    socket.bufferedAmount = 0;
    deliver(client, 2, [lamp(4, 3)]);
    expect(socket.sent).toHaveLength(0);
    vi.advanceTimersByTime(clientDrainCheckIntervalMs);
    expect((JSON.parse(socket.sent[0]!) as Changes).products).toEqual([lamp(4, 3)]);
  });

  it('disconnects a client that stopped reading altogether', () => {
    socket.bufferedAmount = clientSendBufferBytesHardMax + 1;
    client.send({ type: 'error', requestId: null, code: 'internal', message: 'x' });
    expect(socket.closedWith).toBe(closeCodes.slowConsumer);
    expect(socket.sent).toHaveLength(0);
  });
});

describe('one write per turn', () => {
  it('sends every frame a tab gets in one event-loop turn in a single socket write, in order', async () => {
    vi.useRealTimers();
    const { WebSocketServer, WebSocket: ClientSocket } = await import('ws');
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const accepted = new Promise<WebSocket>((resolve) => server.once('connection', resolve));
    const peer = new ClientSocket(`ws://127.0.0.1:${(server.address() as { port: number }).port}`);
    const received: string[] = [];
    const allReceived = new Promise<void>((resolve) =>
      peer.on('message', (data) => {
        received.push(String(data));
        if (received.length === 3) resolve();
      }),
    );
    try {
      const connection = new ClientConnection(await accepted);
      const tcpSocket = (connection.socket as unknown as { _socket: { _write: unknown; _writev: unknown } })._socket;
      let writes = 0;
      for (const method of ['_write', '_writev'] as const) {
        const original = tcpSocket[method] as (...args: unknown[]) => unknown;
        tcpSocket[method] = function (this: unknown, ...args: unknown[]) {
          writes += 1;
          return original.apply(this, args);
        };
      }
      connection.sendText('{"n":1}');
      connection.sendText(Buffer.from('{"n":2}'));
      connection.sendIfKeepingUp('{"n":3}');
      await allReceived;
      expect(received).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
      expect(writes).toBe(1);
    } finally {
      peer.terminate();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('a client that does not read', () => {
  it('is not read from while its unread replies pass the soft limit, and is read again once they drain', () => {
    client.pauseReadingWhileBehind();
    expect(socket.paused).toBe(false);
    socket.bufferedAmount = clientSendBufferBytesMax + 1;
    client.pauseReadingWhileBehind();
    expect(socket.paused).toBe(true);
    vi.advanceTimersByTime(clientDrainCheckIntervalMs * 3);
    expect(socket.paused).toBe(true);
    socket.bufferedAmount = 0;
    vi.advanceTimersByTime(clientDrainCheckIntervalMs);
    expect(socket.paused).toBe(false);
    expect(client.readingPaused).toBe(false);
  });

  it('is cut off once a close frame goes unanswered for closeHandshakeTimeoutMs', () => {
    client.closeWith(closeCodes.slowConsumer, 'test');
    expect(socket.closedWith).toBe(closeCodes.slowConsumer);
    vi.advanceTimersByTime(closeHandshakeTimeoutMs - 1);
    expect(socket.terminated).toBe(false);
    vi.advanceTimersByTime(1);
    expect(socket.terminated).toBe(true);
  });
});
