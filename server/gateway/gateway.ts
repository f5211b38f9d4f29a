import type { Server as HttpServer } from 'node:http';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { protocolVersion, closeCodes, type BankStats, type ProductView, type Stats } from '../../shared/protocol.ts';
import { clientRequestsInFlightMax, frameBytesMax, heartbeatIntervalMs, shutdownGraceMs, statsIntervalMs } from '../../shared/limits.ts';
import { StorageUnavailableError, type ChangedEntities } from '../storage/unit-of-work.ts';
import { ClientConnection } from './client-connection.ts';
import { type Services, dispatch } from './dispatch.ts';
import { fanOut } from './fan-out.ts';
import { errorFrame, parseClientFrame } from './frames.ts';

export const webSocketPath = '/ws';

export interface Snapshot {
  seq: number;
  databaseId: string;
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
  /** Told how long each request took, from frame received to reply sent. */
  onReplied?: (latencyMs: number) => void;
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
  /** Requests taken and not yet answered, across all tabs: shutdown waits for them. */
  #requestsInFlight = 0;
  /** Set while shutting down: called when the last request in flight has been answered. */
  #onAllAnswered: (() => void) | null = null;
  #draining = false;
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

  /** Every connected tab (that has had its welcome). */
  clients(): Iterable<ClientConnection> {
    return this.#clients;
  }

  /** Called once per durable commit. */
  publish(seq: number, changes: ChangedEntities): void {
    fanOut(this.#clients, seq, changes);
  }

  /**
   * Graceful: refuses new connections and requests (`server_busy`, nothing done, safe to re-send),
   * waits until every request already taken has been answered (at most shutdownGraceMs), then
   * closes every socket with 1001. Nothing committed goes unanswered.
   */
  async close(): Promise<void> {
    this.#draining = true;
    for (const timer of this.#timers) clearInterval(timer);
    const serverClosed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    await this.#requestsAnswered();
    for (const client of this.#clients) client.socket.close(closeCodes.serverShutdown, 'server shutting down');
    await serverClosed;
  }

  async #requestsAnswered(): Promise<void> {
    if (this.#requestsInFlight === 0) return;
    let graceTimer: NodeJS.Timeout | undefined;
    const answered = await new Promise<boolean>((resolve) => {
      this.#onAllAnswered = () => resolve(true);
      graceTimer = setTimeout(() => resolve(false), shutdownGraceMs);
    });
    clearTimeout(graceTimer);
    if (!answered) this.#options.log(`shutdown: ${this.#requestsInFlight} requests still unanswered after ${shutdownGraceMs} ms; closing anyway`);
  }

  async #serverOnConnection(socket: WebSocket): Promise<void> {
    const client = new ClientConnection(socket);
    socket.on('message', (data, isBinary) => this.#socketOnMessage(client, data, isBinary));
    socket.on('pong', () => (client.isAlive = true));
    socket.on('close', () => this.#socketOnClose(client));
    socket.on('error', (error) => this.#options.log(`client socket error: ${error.message}`));
    if (this.#draining) {
      socket.close(closeCodes.serverShutdown, 'server shutting down');
      return;
    }
    const { seq, databaseId, products, bank } = await this.#options.snapshot();
    if (!client.isOpen) return;
    // Joining the fan-out in the same turn as the snapshot: no commit can fall between them.
    this.#clients.add(client);
    client.send({ type: 'welcome', protocolVersion, seq, databaseId, products, bank });
  }

  #socketOnMessage(client: ClientConnection, data: RawData, isBinary: boolean): void {
    this.#requestsInFlight += 1;
    const receivedAt = performance.now();
    void this.#answer(client, data, isBinary).finally(() => {
      this.#options.onReplied?.(performance.now() - receivedAt);
      this.#requestsInFlight -= 1;
      if (this.#requestsInFlight === 0) this.#onAllAnswered?.();
    });
  }

  async #answer(client: ClientConnection, data: RawData, isBinary: boolean): Promise<void> {
    const parsed = parseClientFrame(data, isBinary);
    if (!parsed.ok) {
      client.send(parsed.error);
      return;
    }
    const { requestId } = parsed.message;
    if (this.#draining) {
      client.send(errorFrame(requestId, 'server_busy', 'The server is shutting down; nothing was done. Send it again once reconnected.'));
      return;
    }
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
    const text = Buffer.from(JSON.stringify(frame));
    for (const client of this.#clients) client.sendIfKeepingUp(text);
  }
}
