import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { useTestServer } from '../support/server-fixture.ts';
import { product } from '../support/test-server.ts';
import { expectStillServes } from './still-serving.ts';

const fixture = useTestServer();

/** Products with long descriptions, so each `catalog.sync` answer is about 10 KB. */
const catalog = Array.from({ length: 40 }, (_, index) => ({ ...product(`Product ${index + 1}`, 10), description: 'x'.repeat(200) }));
const flooderCount = 4;
const requestsPerTick = 40;
const floodTickMs = 10;
const floodMs = 3_000;

/** A client that sends and never reads: its TCP socket is paused, so the kernel and then the server hold the replies. */
function openFlooder(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('open', () => {
      (socket as unknown as { _socket: Socket })._socket.pause();
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

describe('a reply flood', () => {
  it('closes clients that send without reading once their replies pass the outgoing budget, and keeps serving everyone else', async () => {
    const server = await fixture.start(catalog, { limits: { outgoingBytesBudget: 512 * 1024, requestsPerConnectionMax: 1_000_000 } });
    const [bystander] = await fixture.connect(1);
    const flooders = await Promise.all(Array.from({ length: flooderCount }, () => openFlooder(server.webSocketUrl)));
    const closed = flooders.map((flooder) => new Promise<number>((resolve) => flooder.once('close', (code) => resolve(code))));
    // A steady stream (the server answers past its in-flight limit with small refusals, so one burst
    // would fit in the kernel's socket buffers): the replies outgrow those and pile up in the server.
    let sent = 0;
    const flood = setInterval(() => {
      for (const [index, flooder] of flooders.entries()) {
        if (flooder.readyState !== WebSocket.OPEN) continue;
        for (let request = 0; request < requestsPerTick; request += 1) {
          flooder.send(JSON.stringify({ type: 'catalog.sync', requestId: `flood-${index}-${(sent += 1)}` }));
        }
      }
    }, floodTickMs);
    try {
      for (let ping = 0; ping < 20; ping += 1) expect((await bystander!.request('ping', {})).ok).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, floodMs));
    } finally {
      clearInterval(flood);
    }
    // Let the flooders read again, so they see how the server ended them.
    for (const flooder of flooders) (flooder as unknown as { _socket: Socket })._socket.resume();
    // The budget closes the flooders holding the most until the rest fits: all of them, or all but
    // one whose unread replies fit. Each closed one hears why once it reads again.
    const closedForBudget = await budgetClosures(server.url);
    expect(closedForBudget).toBeGreaterThanOrEqual(flooderCount - 1);
    const codes = await Promise.all(
      closed.map((code) => Promise.race([code, new Promise<'open'>((resolve) => setTimeout(() => resolve('open'), 5_000))])),
    );
    const closedCodes = codes.filter((code): code is number => code !== 'open');
    expect(closedCodes.length).toBeGreaterThanOrEqual(closedForBudget);
    for (const code of closedCodes) expect([1008, 1006]).toContain(code);
    for (const flooder of flooders) flooder.terminate();
    expect((await bystander!.request('ping', {})).ok).toBe(true);
    await expectStillServes(server);
  }, 30_000);
});

async function budgetClosures(serverUrl: string): Promise<number> {
  const text = await (await fetch(`${serverUrl}/metrics`)).text();
  const line = /^tally_slow_clients_disconnected_total\{reason="outgoing_memory_budget"\} (\d+)$/m.exec(text);
  return Number(line?.[1] ?? 0);
}
