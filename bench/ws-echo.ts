/**
 * The ceiling every Tally benchmark is quoted against: a bare `ws` server that echoes each frame
 * back, with N clients each keeping one request in flight, in one process, as the other benches do.
 * Tally's own round trips (validate, lock, commit, fsync, reply, fan out) can only be slower.
 *
 *   npx tsx bench/ws-echo.ts [--clients 64] [--seconds 10]
 *
 * The frame is the size of a `bank.transfer` request.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import WebSocket, { WebSocketServer } from 'ws';
import { frameBytesMax } from '../shared/limits.ts';

const { values } = parseArgs({ options: { clients: { type: 'string', default: '64' }, seconds: { type: 'string', default: '10' } } });
const clientCount = Number(values.clients);
const durationMs = Number(values.seconds) * 1000;
if (!Number.isInteger(clientCount) || clientCount < 1) throw new Error(`--clients must be a whole number >= 1, got ${values.clients}`);
if (!(durationMs > 0)) throw new Error(`--seconds must be > 0, got ${values.seconds}`);

const httpServer = createServer();
const server = new WebSocketServer({ server: httpServer, maxPayload: frameBytesMax, perMessageDeflate: false, clientTracking: false });
server.on('connection', (socket) => socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary })));
await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
const url = `ws://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;

const frame = JSON.stringify({
  type: 'bank.transfer',
  requestId: 'b12-0123456789abcdef-1234',
  fromAccountNumber: '482017593672',
  toAccountNumber: '739104628563',
  amountCents: 123,
});

const sockets = await Promise.all(
  Array.from(
    { length: clientCount },
    () =>
      new Promise<WebSocket>((resolve, reject) => {
        const socket = new WebSocket(url, { perMessageDeflate: false });
        socket.once('open', () => resolve(socket));
        socket.once('error', reject);
      }),
  ),
);

let roundTrips = 0;
const started = performance.now();
const deadline = started + durationMs;
await Promise.all(
  sockets.map(
    (socket) =>
      new Promise<void>((resolve) => {
        socket.on('message', () => {
          roundTrips += 1;
          if (performance.now() < deadline) socket.send(frame);
          else resolve();
        });
        socket.send(frame);
      }),
  ),
);
const elapsedSeconds = (performance.now() - started) / 1000;
console.log(`clients                 ${clientCount}`);
console.log(`duration                ${elapsedSeconds.toFixed(1)} s`);
console.log(`echo round trips/s      ${(roundTrips / elapsedSeconds).toFixed(0)}`);

for (const socket of sockets) socket.terminate();
await new Promise<void>((resolve) => server.close(() => resolve()));
httpServer.close();
