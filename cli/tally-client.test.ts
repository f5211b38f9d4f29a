import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { frameBytesMax } from '../shared/limits.ts';
import { useTestServer } from '../test/support/server-fixture.ts';
import { RequestError, connectTerminal, type ProtocolClient } from './tally-client.ts';

const welcome = { type: 'welcome', protocolVersion: 1, seq: 0, databaseId: 'abc', products: [], bank: { totalDepositsCents: 0, totalLoansOwedCents: 0, operationsPerSecond: 0 } };

describe('the terminal client against a real server', () => {
  const fixture = useTestServer();
  const clients: ProtocolClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });

  it('waits for welcome, matches results and refusals, and fails requests after close', async () => {
    const server = await fixture.start();
    const client = await connectTerminal(server.webSocketUrl, { reconnect: false });
    clients.push(client);
    expect(client.welcome.protocolVersion).toBe(1);

    const [pong, registered] = await Promise.all([client.request('ping', {}), client.request('auth.register', { username: 'Client-Test', password: 'a long password' })]);
    expect(pong).toMatchObject({ ok: true, result: {} });
    expect(registered).toMatchObject({ ok: true, result: { user: { username: 'client-test', role: 'customer' }, accounts: [] } });

    const again = await client.request('auth.register', { username: 'someone', password: 'a long password' });
    expect(again).toMatchObject({ ok: false, error: { code: 'already_signed_in' } });
    await expect(client.expectResult('audit.check', {})).rejects.toMatchObject({ code: 'forbidden' });

    await client.close();
    expect(client.status).toBe('closed');
    await expect(client.request('ping', {})).rejects.toMatchObject({ code: 'closed' });
  });

  it('refuses a request larger than frameBytesMax without sending it', async () => {
    const server = await fixture.start();
    const client = await connectTerminal(server.webSocketUrl, { reconnect: false });
    clients.push(client);
    const username = 'x'.repeat(frameBytesMax);
    await expect(client.request('auth.signIn', { username, password: 'a long password' })).rejects.toMatchObject({ code: 'frame_too_large' });
    await expect(client.request('ping', {})).resolves.toMatchObject({ ok: true });
  });
});

describe('the terminal client against a misbehaving server', () => {
  let server: WebSocketServer | null = null;
  afterEach(async () => {
    for (const socket of server?.clients ?? []) socket.terminate();
    await new Promise<void>((resolve) => (server === null ? resolve() : server.close(() => resolve())));
    server = null;
  });

  /** A server that sends `firstFrame` on connect and hands every request to `answer`. */
  async function fakeServer(firstFrame: unknown, answer: (socket: ServerSocket, request: { type: string; requestId: string }) => void): Promise<string> {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    server.on('connection', (socket) => {
      socket.send(JSON.stringify(firstFrame));
      socket.on('message', (data) => answer(socket, JSON.parse(String(data))));
    });
    await new Promise((resolve) => server!.once('listening', resolve));
    return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`;
  }

  it('times a request out, then drops its late reply and carries on', async () => {
    const held: Array<() => void> = [];
    const url = await fakeServer(welcome, (socket, request) => {
      const reply = () => socket.send(JSON.stringify({ type: 'result', requestId: request.requestId, seq: 1, result: {} }));
      if (request.requestId === 'late') held.push(reply);
      else reply();
    });
    const client = await connectTerminal(url, { reconnect: false });
    await expect(client.request('ping', {}, { requestId: 'late' })).rejects.toMatchObject({ code: 'timeout' });
    held.forEach((reply) => reply());
    await expect(client.request('ping', {})).resolves.toMatchObject({ ok: true });
    await client.close();
  });

  it('rejects a result that does not match its request type', async () => {
    const url = await fakeServer(welcome, (socket, request) =>
      socket.send(JSON.stringify({ type: 'result', requestId: request.requestId, seq: 1, result: { accounts: [{ number: 42 }] } })),
    );
    const client = await connectTerminal(url, { reconnect: false });
    const failure = await client.request('bank.accounts', {}).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RequestError);
    expect(failure).toMatchObject({ code: 'invalid_reply' });
    await client.close();
  });

  it('fails pending requests when the server drops the connection', async () => {
    const url = await fakeServer(welcome, (socket) => socket.terminate());
    const client = await connectTerminal(url, { reconnect: false });
    await expect(client.request('ping', {})).rejects.toMatchObject({ code: 'disconnected' });
    await client.close();
  });

  it('fails to connect when the first frame is not a welcome, or nobody listens', async () => {
    const url = await fakeServer({ type: 'welcome', protocolVersion: 2 }, () => {});
    await expect(connectTerminal(url, { reconnect: false })).rejects.toMatchObject({ code: 'connect_failed', message: expect.stringMatching(/welcome/) });
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = null;
    await expect(connectTerminal(url, { reconnect: false })).rejects.toMatchObject({ code: 'connect_failed' });
    // Reconnecting, it keeps trying until its wait is over, then says so.
    await expect(connectTerminal(url, { connectTimeoutMs: 600 })).rejects.toMatchObject({ code: 'connect_failed', message: expect.stringMatching(/600 ms/) });
  });

  /** The address of a port nobody listens on (any more). */
  async function deadUrl(): Promise<string> {
    const closed = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => closed.once('listening', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    return `ws://127.0.0.1:${port}/ws`;
  }

  it('given several endpoints, moves on from one nobody listens on to the next', async () => {
    const dead = await deadUrl();
    const live = await fakeServer(welcome, () => {});
    const client = await connectTerminal([dead, live], { connectTimeoutMs: 10_000 });
    expect(client.url).toBe(live);
    expect(client.endpoints).toEqual([dead, live]);
    await client.close();
  });

  it('names every endpoint when none answers', async () => {
    const [first, second] = [await deadUrl(), await deadUrl()];
    const failure = connectTerminal([first, second], { connectTimeoutMs: 600 });
    await expect(failure).rejects.toMatchObject({ code: 'connect_failed', message: expect.stringContaining(`${first} or ${second} did not answer within 600 ms.`) });
  });
});
