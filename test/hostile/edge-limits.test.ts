import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { closeCodes } from '../../shared/protocol.ts';
import { edgeLimitDefaults, frameBytesMax, socketErrorLogLinesPerMinuteMax } from '../../shared/limits.ts';
import { capturingLogger } from '../support/log-capture.ts';
import { registerUser, testPassword } from '../support/bank-fixtures.ts';
import { useTestServer } from '../support/server-fixture.ts';
import { TestClient } from '../support/test-client.ts';
import { expectStillServes } from './still-serving.ts';

const fixture = useTestServer();

/** Opens a bare WebSocket and reports how the upgrade ended: the socket, or the HTTP status that refused it. */
function upgrade(url: string, options: WebSocket.ClientOptions = {}): Promise<{ socket: WebSocket } | { status: number; retryAfter: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, options);
    socket.once('open', () => resolve({ socket }));
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, retryAfter: response.headers['retry-after'], body }));
    });
    socket.once('error', (error) => {
      if (!error.message.startsWith('Unexpected server response')) reject(error);
    });
  });
}

function closeAll(sockets: WebSocket[]): Promise<void> {
  return Promise.all(
    sockets.map((socket) => new Promise<void>((resolve) => {
      if (socket.readyState === WebSocket.CLOSED) return resolve();
      socket.once('close', () => resolve());
      socket.close();
    })),
  ).then(() => undefined);
}

const waitMs = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('who may open a WebSocket', () => {
  it('refuses a foreign page (HTTP 403), and takes this site, an allowed origin, and programs that send no Origin', async () => {
    const server = await fixture.start(undefined, { allowedOrigins: ['https://shop.example.com'] });
    const ownOrigin = server.url;
    const foreign = await upgrade(server.webSocketUrl, { origin: 'https://evil.example' });
    expect(foreign).toMatchObject({ status: 403 });
    expect('body' in foreign && foreign.body).toContain('origin https://evil.example');
    const accepted = await Promise.all([
      upgrade(server.webSocketUrl, { origin: ownOrigin }),
      upgrade(server.webSocketUrl, { origin: 'https://shop.example.com' }),
      upgrade(server.webSocketUrl),
    ]);
    for (const result of accepted) expect(result).toHaveProperty('socket');
    await closeAll(accepted.flatMap((result) => ('socket' in result ? [result.socket] : [])));
    await expectStillServes(server);
  });

  it('answers an upgrade on any other path with 403 rather than a WebSocket', async () => {
    const server = await fixture.start();
    expect(await upgrade(server.webSocketUrl.replace(/\/ws$/, '/elsewhere'))).toMatchObject({ status: 403 });
  });

  it('refuses connections past the per-address limit with 429 and Retry-After, and takes one again once one closes', async () => {
    const server = await fixture.start(undefined, { limits: { connectionsPerAddressMax: 3 } });
    const open = await Promise.all([1, 2, 3].map(() => upgrade(server.webSocketUrl)));
    const sockets = open.flatMap((result) => ('socket' in result ? [result.socket] : []));
    expect(sockets).toHaveLength(3);
    const refused = await upgrade(server.webSocketUrl);
    expect(refused).toMatchObject({ status: 429 });
    expect('retryAfter' in refused && Number(refused.retryAfter)).toBeGreaterThan(0);
    // Another address is counted on its own (Linux routes all of 127/8 to loopback).
    const elsewhere = await upgrade(server.webSocketUrl, { localAddress: '127.0.0.2' });
    expect(elsewhere).toHaveProperty('socket');
    await closeAll([sockets.pop()!]);
    const again = await upgrade(server.webSocketUrl);
    expect(again).toHaveProperty('socket');
    await closeAll([...sockets, ...('socket' in again ? [again.socket] : []), ...('socket' in elsewhere ? [elsewhere.socket] : [])]);
    await expectStillServes(server);
  });

  it('behind a trusted proxy counts each client its X-Forwarded-For names, and ignores the header from anyone else', async () => {
    const forwardedFor = (address: string) => ({ headers: { 'X-Forwarded-For': address } });
    const behindProxy = await fixture.start(undefined, { limits: { connectionsPerAddressMax: 1 }, trustedProxies: ['127.0.0.1'] });
    const first = await upgrade(behindProxy.webSocketUrl, forwardedFor('198.51.100.1'));
    const second = await upgrade(behindProxy.webSocketUrl, forwardedFor('198.51.100.2'));
    expect([first, second].every((result) => 'socket' in result)).toBe(true);
    expect(await upgrade(behindProxy.webSocketUrl, forwardedFor('198.51.100.1'))).toMatchObject({ status: 429 });
    // A client forging an address left of the proxy's entry is still counted by that entry.
    expect(await upgrade(behindProxy.webSocketUrl, forwardedFor('203.0.113.7, 198.51.100.2'))).toMatchObject({ status: 429 });
    // Not from the trusted proxy: the header proves nothing, the peer's own address counts.
    const direct = await upgrade(behindProxy.webSocketUrl, { localAddress: '127.0.0.2', ...forwardedFor('198.51.100.3') });
    expect(direct).toHaveProperty('socket');
    expect(await upgrade(behindProxy.webSocketUrl, { localAddress: '127.0.0.2', ...forwardedFor('198.51.100.4') })).toMatchObject({ status: 429 });
    await closeAll([first, second, direct].flatMap((result) => ('socket' in result ? [result.socket] : [])));
  });

  it('refuses connections past the total limit with 503', async () => {
    const server = await fixture.start(undefined, { limits: { connectionsTotalMax: 2 } });
    const open = await Promise.all([1, 2].map(() => upgrade(server.webSocketUrl)));
    expect(await upgrade(server.webSocketUrl, { localAddress: '127.0.0.3' })).toMatchObject({ status: 503 });
    await closeAll(open.flatMap((result) => ('socket' in result ? [result.socket] : [])));
  });
});

describe('rate limits', () => {
  it('refuses requests past the per-connection rate with rate_limited and when to retry, and nothing else on the connection breaks', async () => {
    await fixture.start(undefined, { limits: { requestsPerConnectionMax: 5, requestsPerConnectionWindowMs: 60_000 } });
    const [client] = await fixture.connect(1);
    const replies = await Promise.all(Array.from({ length: 8 }, () => client!.request('ping', {})));
    expect(replies.filter((reply) => reply.ok)).toHaveLength(5);
    const refused = replies.filter((reply) => !reply.ok);
    expect(refused).toHaveLength(3);
    for (const reply of refused) {
      if (reply.ok) continue;
      expect(reply.error.code).toBe('rate_limited');
      expect(reply.error.details?.limit).toBe('requestsPerConnection');
      expect(reply.error.details?.retryAfterMs).toBeGreaterThan(50_000);
      expect(reply.error.details?.retryAfterMs).toBeLessThanOrEqual(60_000);
    }
    const [other] = await fixture.connect(1);
    expect((await other!.request('ping', {})).ok).toBe(true);
    await expectStillServes(fixture.server);
  });

  it('limits registrations per address; a refused one creates no user', async () => {
    const server = await fixture.start(undefined, { limits: { registrationsPerAddressMax: 2 } });
    const clients = await fixture.connect(3);
    await clients[0]!.expectResult('auth.register', { username: 'first', password: testPassword });
    await clients[1]!.expectResult('auth.register', { username: 'second', password: testPassword });
    const third = await clients[2]!.request('auth.register', { username: 'third', password: testPassword });
    expect(third.ok ? 'ok' : third.error.code).toBe('rate_limited');
    const users = server.inspect((database) => database.prepare("SELECT username FROM users WHERE role = 'customer' ORDER BY username").pluck().all());
    expect(users).toEqual(['first', 'second']);
    await expectStillServes(server);
  });

  it('limits shopper sessions per address', async () => {
    await fixture.start(undefined, { limits: { shopperSessionsPerAddressMax: 2 } });
    const clients = await fixture.connect(3);
    await clients[0]!.startShopper();
    await clients[1]!.startShopper();
    const third = await clients[2]!.request('session.start', { name: 'Third', address: '3 Street' });
    expect(third.ok ? 'ok' : third.error.code).toBe('rate_limited');
    expect(third.ok ? undefined : third.error.details?.limit).toBe('shopperSessionsPerAddress');
  });

  it('slows a brute force with a growing delay, then refuses it, while the real user signs in from another address', async () => {
    const limits = {
      signInFailuresFreeMax: 2,
      signInDelayInitialMs: 100,
      signInDelayMaxMs: 1_000,
      signInFailuresPerUsernameAndAddressMax: 6,
    };
    const server = await fixture.start(undefined, { limits });
    const { client: owner } = await registerUser(server.webSocketUrl, 'victim');
    fixture.track(owner);
    const [attacker] = await fixture.connect(1);
    const outcomes: string[] = [];
    const delays: number[] = [];
    for (let attempt = 0; attempt < 12 && !outcomes.includes('refused'); attempt += 1) {
      const reply = await attacker!.request('auth.signIn', { username: 'victim', password: `wrong password ${attempt}` });
      if (reply.ok) throw new Error('a wrong password signed in');
      if (reply.error.code === 'invalid_credentials') {
        outcomes.push('wrong');
        continue;
      }
      expect(reply.error.code).toBe('rate_limited');
      const { limit, retryAfterMs } = reply.error.details ?? {};
      if (limit === 'signInDelay') {
        outcomes.push('wait');
        delays.push(retryAfterMs!);
        await waitMs(retryAfterMs! + 20);
      } else {
        expect(limit).toBe('signInFailuresPerUsernameAndAddress');
        expect(retryAfterMs).toBeGreaterThan(edgeLimitDefaults.signInFailuresWindowMs - 60_000);
        outcomes.push('refused');
      }
    }
    // Two free failures; from the third, each failure makes the next attempt wait, longer each time;
    // after the sixth, the pair is refused.
    expect(outcomes).toEqual(['wrong', 'wrong', 'wrong', 'wait', 'wrong', 'wait', 'wrong', 'wait', 'wrong', 'refused']);
    expect(delays[1]!).toBeGreaterThan(delays[0]!);
    expect(delays[2]!).toBeGreaterThan(delays[1]!);
    // The right password from the attacker's address is refused too: the pair is blocked.
    const fromAttacker = await attacker!.request('auth.signIn', { username: 'victim', password: testPassword });
    expect(fromAttacker.ok ? 'ok' : fromAttacker.error.code).toBe('rate_limited');
    const elsewhere = await TestClient.connect(server.webSocketUrl, undefined, { localAddress: '127.0.0.2' });
    fixture.track(elsewhere);
    const signedIn = await elsewhere.expectResult('auth.signIn', { username: 'victim', password: testPassword });
    expect(signedIn.user.username).toBe('victim');
    await expectStillServes(server);
  });
});

describe('connections that misbehave are closed with a close frame that says why', () => {
  it('closes a client that does not answer the heartbeat with 1008 and a reason', async () => {
    const server = await fixture.start(undefined, { limits: { serverHeartbeatIntervalMs: 100 } });
    const result = await upgrade(server.webSocketUrl, { autoPong: false });
    if (!('socket' in result)) throw new Error(`upgrade refused: ${result.status}`);
    const closed = await new Promise<{ code: number; reason: string }>((resolve) =>
      result.socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    expect(closed.code).toBe(closeCodes.slowConsumer);
    expect(closed.reason).toContain('heartbeat');
    await expectStillServes(server);
  });
});

describe('signing out', () => {
  it('ends every other connection that used the session, at once, with a close frame; the session cannot be resumed', async () => {
    const server = await fixture.start();
    const { client: first, sessionToken } = await registerUser(server.webSocketUrl, 'sharer');
    fixture.track(first);
    const [second, unrelated] = await fixture.connect(2);
    await second!.expectResult('auth.resume', { sessionToken });
    await registerUser(server.webSocketUrl, 'bystander').then(({ client }) => fixture.track(client));
    const secondClosed = new Promise<number | 'still open'>((resolve) => {
      second!.socket.once('close', (code) => resolve(code));
      setTimeout(() => resolve('still open'), 2_000);
    });
    await first.expectResult('auth.signOut', {});
    expect(await secondClosed).toBe(closeCodes.signedOut);
    expect(first.socket.readyState).toBe(WebSocket.OPEN);
    expect((await unrelated!.request('ping', {})).ok).toBe(true);
    const [later] = await fixture.connect(1);
    const resumed = await later!.request('auth.resume', { sessionToken });
    expect(resumed.ok ? 'ok' : resumed.error.code).toBe('session_not_found');
  });

  it('everywhere: ends every session of the user and closes all its tabs, and no other user\'s', async () => {
    const server = await fixture.start();
    const { client: first, sessionToken: firstToken } = await registerUser(server.webSocketUrl, 'traveller');
    const [laptop, bystander] = await fixture.connect(2);
    fixture.track(first);
    const { sessionToken: laptopToken } = await laptop!.expectResult('auth.signIn', { username: 'traveller', password: testPassword });
    await bystander!.expectResult('auth.register', { username: 'bystander', password: testPassword });
    const closeOf = (client: TestClient) =>
      new Promise<number | 'still open'>((resolve) => {
        client.socket.once('close', (code) => resolve(code));
        setTimeout(() => resolve('still open'), 1_000);
      });
    const [laptopClosed, bystanderClosed] = [closeOf(laptop!), closeOf(bystander!)];
    await first.expectResult('auth.signOut', { everywhere: true });
    expect(await laptopClosed).toBe(closeCodes.signedOut);
    expect(await bystanderClosed).toBe('still open');
    const [later] = await fixture.connect(1);
    for (const sessionToken of [firstToken, laptopToken]) {
      const resumed = await later!.request('auth.resume', { sessionToken });
      expect(resumed.ok ? 'ok' : resumed.error.code).toBe('session_not_found');
    }
  });
});

describe('the log', () => {
  it('takes at most socketErrorLogLinesPerMinuteMax socket errors a minute, however many clients cause them', async () => {
    const { logger, capture } = capturingLogger();
    const server = await fixture.start(undefined, { logger });
    const oversize = 'x'.repeat(frameBytesMax + 1);
    const attempts = socketErrorLogLinesPerMinuteMax * 3;
    for (let attempt = 0; attempt < attempts; attempt += 1) {
      const result = await upgrade(server.webSocketUrl);
      if (!('socket' in result)) throw new Error(`upgrade refused: ${result.status}`);
      const closed = new Promise<number>((resolve) => result.socket.once('close', (code) => resolve(code)));
      result.socket.send(oversize);
      expect(await closed).toBe(1009);
    }
    const socketErrorLines = capture.entries().filter((entry) => String(entry.msg).includes('socket error'));
    expect(socketErrorLines.length).toBeGreaterThan(0);
    expect(socketErrorLines.length).toBeLessThanOrEqual(socketErrorLogLinesPerMinuteMax);
    await expectStillServes(server);
  });
});
