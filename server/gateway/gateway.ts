import type { Server as HttpServer } from 'node:http';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { protocolVersion, closeCodes, type BankStats, type ProductView, type Stats } from '../../shared/protocol.ts';
import { clientRequestsInFlightMax, frameBytesMax, heartbeatIntervalMs, statsIntervalMs } from '../../shared/limits.ts';
import { StorageUnavailableError, type ChangedEntities } from '../storage/unit-of-work.ts';
import { ClientConnection } from './client-connection.ts';
import { type Services, dispatch } from './dispatch.ts';
import { fanOut } from './fan-out.ts';
import { errorFrame, parseClientFrame } from './frames.ts';

export const webSocketPath = '/ws';

export interface Snapshot {
  seq: number;
  products: ProductView[];
  bank: BankStats;
}

export interface GatewayOptions {
  httpServer: HttpServer;
  services: Services;
  /** Committed state for a new tab's welcome. */
  snapshot: () => Promise<Snapshot>;
  /** The bank's current totals and rate, for the periodic `stats` frame. */
  bankStats: () => Promise<BankStats>;
  log: (line: string) => void;
}

/**
 * The WebSocket edge: accepts tabs, validates every frame, routes it, sends one reply per
 * request, and fans each commit's changes out to every tab.
 */
export class Gateway {
  readonly #options: GatewayOptions;
  readonly #server: WebSocketServer;
  readonly #clients = new Set<ClientConnection>();
  readonly #timers: NodeJS.Timeout[] = [];
  #lastStatsText = '';

  constructor(options: GatewayOptions) {
    this.#options = options;
    this.#server = new WebSocketServer({
      server: options.httpServer,
      path: webSocketPath,
      maxPayload: frameBytesMax,
      perMessageDeflate: false,
      clientTracking: false,
    });
    this.#server.on('connection', (socket) => void this.#serverOnConnection(socket));
    this.#server.on('error', (error) => options.log(`websocket server error: ${error.message}`));
    this.#timers.push(setInterval(() => this.#checkHeartbeats(), heartbeatIntervalMs));
    this.#timers.push(setInterval(() => void this.#sendStats(), statsIntervalMs));
    for (const timer of this.#timers) timer.unref();
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  /** Called once per durable commit. */
  publish(seq: number, changes: ChangedEntities): void {
    fanOut(this.#clients, seq, changes);
  }

  async close(): Promise<void> {
    for (const timer of this.#timers) clearInterval(timer);
    for (const client of this.#clients) client.socket.close(closeCodes.serverShutdown, 'server shutting down');
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #serverOnConnection(socket: WebSocket): Promise<void> {
    const client = new ClientConnection(socket);
    socket.on('message', (data, isBinary) => void this.#socketOnMessage(client, data, isBinary));
    socket.on('pong', () => (client.isAlive = true));
    socket.on('close', () => this.#socketOnClose(client));
    socket.on('error', (error) => this.#options.log(`client socket error: ${error.message}`));
    const { seq, products, bank } = await this.#options.snapshot();
    if (!client.isOpen) return;
    // Joining the fan-out in the same turn as the snapshot: no commit can fall between them.
    this.#clients.add(client);
    client.send({ type: 'welcome', protocolVersion, seq, products, bank });
  }

  async #socketOnMessage(client: ClientConnection, data: RawData, isBinary: boolean): Promise<void> {
    const parsed = parseClientFrame(data, isBinary);
    if (!parsed.ok) {
      client.send(parsed.error);
      return;
    }
    const { requestId } = parsed.message;
    if (client.requestsInFlight >= clientRequestsInFlightMax) {
      client.send(errorFrame(requestId, 'server_busy', `Too many requests in flight on this connection (at most ${clientRequestsInFlightMax}); wait for replies.`));
      return;
    }
    client.requestsInFlight += 1;
    try {
      client.send(await dispatch(client, parsed.message, this.#options.services));
    } catch (error) {
      client.send(this.#unexpectedErrorReply(requestId, error));
    } finally {
      client.requestsInFlight -= 1;
    }
  }

  #unexpectedErrorReply(requestId: string, error: unknown) {
    if (error instanceof StorageUnavailableError) {
      return errorFrame(requestId, 'server_busy', 'The server is shutting down; try again in a moment.');
    }
    this.#options.log(`request ${requestId} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return errorFrame(requestId, 'internal', 'Something went wrong on the server; the request may not have been applied.');
  }

  #socketOnClose(client: ClientConnection): void {
    this.#clients.delete(client);
    client.dispose();
  }

  #checkHeartbeats(): void {
    for (const client of this.#clients) {
      if (!client.isAlive) {
        client.socket.terminate();
        continue;
      }
      client.isAlive = false;
      client.socket.ping();
    }
  }

  /** Totals and rate for every tab, once per interval and only when they changed. */
  async #sendStats(): Promise<void> {
    if (this.#clients.size === 0) return;
    const bank = await this.#options.bankStats();
    const frame: Stats = { type: 'stats', seq: this.#options.services.lastCommittedSeq(), bank };
    const statsText = JSON.stringify(bank);
    if (statsText === this.#lastStatsText) return;
    this.#lastStatsText = statsText;
    const text = JSON.stringify(frame);
    for (const client of this.#clients) client.sendIfKeepingUp(text);
  }
}
