/**
 * The ceiling every Tally row of `npm run bench` is quoted against, as its own process: a bare `ws`
 * server that echoes each frame back, configured as Tally's gateway is (no compression, the same
 * frame limit, no client tracking), so the only difference is what Tally does between frames.
 *
 *   npx tsx bench/echo-server.ts [--port 0]
 *
 * Prints `echo server listening on ws://127.0.0.1:<port>` once it listens (port 0: a free one).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { WebSocketServer } from 'ws';
import { frameBytesMax } from '../shared/limits.ts';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' } } });
const requestedPort = Number(values.port);
if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65_535) throw new Error(`--port must be 0 to 65535, got ${values.port}`);

const httpServer = createServer();
const server = new WebSocketServer({ server: httpServer, maxPayload: frameBytesMax, perMessageDeflate: false, clientTracking: false });
server.on('connection', (socket) => {
  socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
  // A load process that is killed resets its sockets; that is no reason for this one to stop.
  socket.on('error', () => {});
});
httpServer.listen(requestedPort, '127.0.0.1', () => {
  console.log(`echo server listening on ws://127.0.0.1:${(httpServer.address() as AddressInfo).port}`);
});
