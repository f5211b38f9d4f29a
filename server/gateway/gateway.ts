import { STATUS_CODES, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { protocolVersion, closeCodes, type BankStats, type ProductView, type ServerMessage, type Stats } from '../../shared/protocol.ts';
import {
  clientRequestsInFlightMax,
  closeHandshakeTimeoutMs,
  frameBytesMax,
  outgoingBudgetCheckIntervalMs,
  shutdownGraceMs,
  socketErrorLogLinesPerMinuteMax,
  statsIntervalMs,
  type EdgeLimits,
} from '../../shared/limits.ts';
import { BatchAbortedError, StorageUnavailableError } from '../storage/unit-of-work.ts';
import { type ChangedEntities } from '../operations/changes.ts';
import { ConnectionAdmission, type Admission } from './admission.ts';
import { TrustedProxies } from './client-address.ts';
import { ClientConnection } from './client-connection.ts';
import { ThrottledLog } from './throttled-log.ts';
import { hashSessionToken } from '../users/session-tokens.ts';
import type { EndedSessions, HeldSessions } from '../users/session-sweeper.ts';
import type { TallyLogger } from '../observability/logger.ts';
import { invalidRequestType, type TallyMetrics } from '../observability/metrics.ts';
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
  /** Connection counts and the outgoing memory budget (the rate limits live in services.rateLimits). */
  limits: Pick<EdgeLimits, 'connectionsPerAddressMax' | 'connectionsTotalMax' | 'outgoingBytesBudget' | 'serverHeartbeatIntervalMs'>;
  /** Origins besides this server's own whose pages may open a WebSocket (scheme://host[:port]). */
  allowedOrigins: readonly string[];
  /** Every process serving this database, told to each client in its welcome; empty for one process. */
  endpoints: readonly string[];
  /** Load balancers whose X-Forwarded-For names the client's address (addresses, CIDR ranges); none by default. */
  trustedProxies?: readonly string[];
  logger: TallyLogger;
  /** Counts requests by type and outcome, changes frames sent, slow clients. */
  metrics?: TallyMetrics;
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
  readonly #admission: ConnectionAdmission;
  /** Anyone can make sockets fail (oversize frames, bad UTF-8): their lines must not grow the log without bound. */
  readonly #socketErrorLog: ThrottledLog;

  constructor(options: GatewayOptions) {
    this.#options = options;
    this.#admission = new ConnectionAdmission(options.limits, options.allowedOrigins, new TrustedProxies(options.trustedProxies ?? []));
    this.#socketErrorLog = new ThrottledLog((line) => options.logger.warn(line), socketErrorLogLinesPerMinuteMax, 'client socket errors');
    this.#server = new WebSocketServer({
      noServer: true,
      maxPayload: frameBytesMax,
      perMessageDeflate: false,
      clientTracking: false,
    });
    options.httpServer.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => this.#httpServerOnUpgrade(request, socket, head));
    this.#server.on('error', (error) => options.logger.error({ err: error }, 'websocket server error'));
    this.#timers.push(setInterval(() => this.#checkHeartbeats(), options.limits.serverHeartbeatIntervalMs));
    this.#timers.push(setInterval(() => this.#keepOutgoingBytesInBudget(), outgoingBudgetCheckIntervalMs));
    this.#timers.push(setInterval(() => void this.#sendStats(), statsIntervalMs));
    for (const timer of this.#timers) timer.unref();
  }

  /** False once draining for shutdown. */
  get acceptingConnections(): boolean {
    return !this.#draining;
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  /** Open WebSocket connections, welcomed or not yet. */
  get openConnections(): number {
    return this.#admission.openConnections;
  }

  /** The sessions open tabs hold, each once. */
  heldSessions(): HeldSessions {
    const userTokens = new Set<string>();
    const shopperIds = new Set<number>();
    for (const client of this.#clients) {
      if (client.userSessionToken !== null) userTokens.add(client.userSessionToken);
      if (client.shopper !== null) shopperIds.add(client.shopper.id);
    }
    return { userTokenHashes: [...userTokens].map(hashSessionToken), shopperIds: [...shopperIds] };
  }

  /**
   * Tells every tab whose session ended while it was open, and forgets who it was: signedOut when its
   * user is one of `signedOutUsers` (who signed out on another process), else sessionExpired.
   */
  endSessions(ended: EndedSessions, signedOutUsers: ReadonlySet<number> = new Set()): void {
    if (ended.userTokenHashes.size === 0 && ended.shopperIds.size === 0) return;
    for (const client of this.#clients) {
      const token = client.userSessionToken;
      const userEnded = token !== null && ended.userTokenHashes.has(hashSessionToken(token).toString('hex'));
      const shopperEnded = client.shopper !== null && ended.shopperIds.has(client.shopper.id);
      if (!userEnded && !shopperEnded) continue;
      const signedOut = userEnded && client.user !== null && signedOutUsers.has(client.user.id);
      if (userEnded) {
        client.user = null;
        client.userSessionToken = null;
      }
      if (shopperEnded) client.shopper = null;
      if (signedOut) client.closeWith(closeCodes.signedOut, 'signed out');
      else client.closeWith(closeCodes.sessionExpired, 'session expired');
    }
  }

  /**
   * Ends what a sign-out ended on every other tab that used those sessions: each is told with a
   * close frame (signedOut) and, reconnecting, finds its session gone.
   */
  signOutConnections(usedEndedSession: (client: ClientConnection) => boolean, except: ClientConnection): number {
    let ended = 0;
    for (const client of this.#clients) {
      if (client === except || !usedEndedSession(client)) continue;
      client.user = null;
      client.userSessionToken = null;
      client.closeWith(closeCodes.signedOut, 'signed out');
      ended += 1;
    }
    return ended;
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
    for (const client of this.#clients) client.closeWith(closeCodes.serverShutdown, 'server shutting down');
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
    if (!answered) this.#options.logger.warn({ requestsUnanswered: this.#requestsInFlight, shutdownGraceMs }, 'shutdown: requests still unanswered after the grace period; closing anyway');
  }

  #httpServerOnUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Until ws owns the socket, its errors are ours to log (once it does, they come as the WebSocket's).
    const onUpgradeError = (error: Error) => this.#socketErrorLog.line(`upgrade socket error: ${error.message}`);
    socket.on('error', onUpgradeError);
    const path = (request.url ?? '').split('?', 1)[0];
    const admission: Admission =
      path === webSocketPath ? this.#admission.decide(request) : { admitted: false, status: 403, reason: `WebSocket connections are served at ${webSocketPath} only` };
    if (!admission.admitted) {
      if (admission.limit !== undefined) this.#options.metrics?.rateLimitRefused(admission.limit);
      refuseUpgrade(socket, admission.status, admission.reason, admission.retryAfterSeconds);
      return;
    }
    // ws completes a valid handshake synchronously (there is no verifyClient), so the count below
    // cannot be overtaken by another upgrade; an invalid one is answered by ws and never counted.
    this.#server.handleUpgrade(request, socket, head, (webSocket) => {
      socket.off('error', onUpgradeError);
      this.#admission.opened(admission.address);
      webSocket.once('close', () => this.#admission.released(admission.address));
      void this.#serverOnConnection(webSocket, admission.address);
    });
  }

  async #serverOnConnection(socket: WebSocket, address: string): Promise<void> {
    const client = new ClientConnection(socket, address, this.#options.metrics);
    socket.on('message', (data, isBinary) => this.#socketOnMessage(client, data, isBinary));
    socket.on('pong', () => (client.isAlive = true));
    socket.on('close', () => this.#socketOnClose(client));
    socket.on('error', (error) => this.#socketErrorLog.line(`client socket error: ${error.message}`));
    if (this.#draining) {
      client.closeWith(closeCodes.serverShutdown, 'server shutting down');
      return;
    }
    const { seq, databaseId, products, bank } = await this.#options.snapshot();
    if (!client.isOpen) return;
    // Joining the fan-out in the same turn as the snapshot: no commit can fall between them.
    this.#clients.add(client);
    const endpoints = this.#options.endpoints;
    client.send({ type: 'welcome', protocolVersion, seq, databaseId, products, bank, ...(endpoints.length > 0 ? { endpoints: [...endpoints] } : {}) });
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
    const reply = (message: ServerMessage) => this.#reply(client, parsed.ok ? parsed.message.type : invalidRequestType, message);
    // Every frame counts, a malformed one too: a flood of garbage is a flood.
    const refusal = await this.#options.services.rateLimits.takeRequest(client.id);
    if (refusal !== null) {
      const requestId = parsed.ok ? parsed.message.requestId : parsed.error.requestId;
      reply(errorFrame(requestId, 'rate_limited', refusal.message, { retryAfterMs: refusal.retryAfterMs, limit: refusal.limit }));
      return;
    }
    if (!parsed.ok) {
      reply(parsed.error);
      return;
    }
    const { requestId } = parsed.message;
    if (this.#draining) {
      reply(errorFrame(requestId, 'server_busy', 'The server is shutting down; nothing was done. Send it again once reconnected.'));
      return;
    }
    if (client.requestsInFlight >= clientRequestsInFlightMax) {
      reply(errorFrame(requestId, 'server_busy', `Too many requests in flight on this connection (at most ${clientRequestsInFlightMax}); wait for replies.`));
      return;
    }
    client.requestsInFlight += 1;
    try {
      reply(await dispatch(client, parsed.message, this.#options.services));
    } catch (error) {
      reply(this.#unexpectedErrorReply(client, requestId, error));
    } finally {
      client.requestsInFlight -= 1;
      client.pauseReadingWhileBehind();
    }
  }

  #reply(client: ClientConnection, type: string, message: ServerMessage): void {
    this.#options.metrics?.requestAnswered(type, message);
    client.send(message);
  }

  #unexpectedErrorReply(client: ClientConnection, requestId: string, error: unknown) {
    if (error instanceof StorageUnavailableError) {
      return errorFrame(requestId, 'server_busy', 'The server is shutting down; try again in a moment.');
    }
    if (error instanceof BatchAbortedError) {
      this.#options.logger.warn({ err: error, requestId, connectionId: client.id }, 'gave up on a batch the database kept aborting');
      return errorFrame(requestId, 'server_busy', 'The database is too busy to commit this now; nothing was done. Send it again in a moment.');
    }
    this.#options.logger.error({ err: error, requestId, connectionId: client.id }, 'request failed');
    return errorFrame(requestId, 'internal', 'Something went wrong on the server; the request may not have been applied.');
  }

  #socketOnClose(client: ClientConnection): void {
    this.#clients.delete(client);
    client.dispose();
  }

  #checkHeartbeats(): void {
    for (const client of this.#clients) {
      if (!client.isAlive) {
        client.closeWith(closeCodes.slowConsumer, `no answer to the heartbeat ping within ${this.#options.limits.serverHeartbeatIntervalMs} ms`);
        this.#options.metrics?.slowClientDisconnected('heartbeat_timeout');
        continue;
      }
      client.isAlive = false;
      client.socket.ping();
    }
  }

  /**
   * When all clients' unread data together passes the budget, the clients holding the most (each
   * over an equal share) are closed until it fits: one slow reader cannot take the memory every
   * other tab needs, and many cannot exhaust the server.
   */
  #keepOutgoingBytesInBudget(): void {
    let queuedBytes = 0;
    for (const client of this.#clients) queuedBytes += client.socket.bufferedAmount;
    if (queuedBytes <= this.#options.limits.outgoingBytesBudget) return;
    const open = [...this.#clients].filter((client) => client.isOpen);
    for (const client of overBudget(open, this.#options.limits.outgoingBytesBudget)) {
      client.closeWith(closeCodes.slowConsumer, 'the server is short of memory for unread data and this client held the most');
      this.#options.metrics?.slowClientDisconnected('outgoing_memory_budget');
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

/**
 * The clients to close so the bytes queued to all of them fit the budget: those holding the most,
 * each over an equal share. Clients already closing are left out by the caller: their bytes go
 * within closeHandshakeTimeoutMs.
 */
export function overBudget<Client extends { socket: { bufferedAmount: number } }>(clients: readonly Client[], budgetBytes: number): Client[] {
  let queuedBytes = 0;
  for (const client of clients) queuedBytes += client.socket.bufferedAmount;
  if (queuedBytes <= budgetBytes) return [];
  const fairShare = budgetBytes / Math.max(1, clients.length);
  const biggestFirst = clients.filter((client) => client.socket.bufferedAmount > fairShare).sort((a, b) => b.socket.bufferedAmount - a.socket.bufferedAmount);
  const closing: Client[] = [];
  for (const client of biggestFirst) {
    if (queuedBytes <= budgetBytes) break;
    queuedBytes -= client.socket.bufferedAmount;
    closing.push(client);
  }
  return closing;
}

/** An HTTP answer to an upgrade that is not taken, so the browser or program sees why. */
function refuseUpgrade(socket: Duplex, status: number, reason: string, retryAfterSeconds?: number): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = `${reason}\n`;
  const headers = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...(retryAfterSeconds === undefined ? [] : [`Retry-After: ${retryAfterSeconds}`]),
  ];
  socket.end(`${headers.join('\r\n')}\r\n\r\n${body}`);
  // A peer that never closes its side must not keep the socket.
  setTimeout(() => socket.destroy(), closeHandshakeTimeoutMs).unref();
}
