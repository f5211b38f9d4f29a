/**
 * The one client of the Tally protocol (docs/PROTOCOL.md), for every program that talks to the
 * server: the web app, the terminal, the tests, the benchmarks and the torture harness. It knows
 * no DOM, no React and no Node: it is handed a way to open a socket.
 *
 * What it does:
 * - connects, waits for `welcome`, lets its owner re-establish who the tab is (`onConnected`), and
 *   only then takes requests; reconnects with backoff when the connection drops, each attempt to
 *   the next of the known endpoints (the configured ones and those a `welcome` names), so a client
 *   moves to another process of the same Tally when its own dies;
 * - stamps each request with a key from its RequestKeys (unique for the issuer, for exactly-once),
 *   matches replies by key, validates them against the protocol's schemas, times out reads;
 * - keeps every keyed (state-changing) request that has no answer across a reconnect and sends it
 *   again, with the same key, once the tab is back: the server answers a repeat with the stored
 *   outcome, so the caller always gets the one real outcome, never "unknown";
 * - tracks the commit position through which the tab has applied every change it may see, and
 *   resumes from it after a reconnect (`sync.resume`).
 */
import type { z } from 'zod';
import {
  ErrorMessage as ErrorMessageSchema,
  Result as ResultSchema,
  ServerMessage as ServerMessageSchema,
  WebSocketEndpoint as WebSocketEndpointSchema,
  Welcome as WelcomeSchema,
  isKeyedRequestType,
  resultSchemas,
  type Changes,
  type ClientMessageType,
  type ErrorMessage,
  type RequestFields,
  type ResultOf,
  type Stats,
  type Dashboard,
  type Welcome,
} from '../protocol.ts';
import { clientRequestsInFlightMax, clusterEndpointsMax, frameBytesMax, heartbeatIntervalMs, requestTimeoutMs } from '../limits.ts';
import { reconnectDelayMs } from './backoff.ts';
import { RequestError } from './request-error.ts';
import { RequestKeys } from './request-keys.ts';

/** WebSocket.OPEN, spelled out so the client runs on any socket implementation. */
const socketOpenState = 1;

/** The part of a WebSocket the client uses: the browser's, and the `ws` package's, both fit. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: { data?: unknown; code?: number }) => void): void;
  removeEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: { data?: unknown; code?: number }) => void): void;
}

/** Whether the device has a network, and news when that changes (browsers). */
export interface NetworkStatusSource {
  isOnline: () => boolean;
  subscribe: (listener: (online: boolean) => void) => () => void;
}

export type ConnectionStatus = 'connecting' | 'online' | 'reconnecting' | 'offline' | 'closed';

/** A request's answer: the result with its commit `seq`, or the server's refusal. */
export type Reply<Type extends ClientMessageType> =
  | { ok: true; seq: number; result: ResultOf<Type> }
  | { ok: false; error: ErrorMessage };

export interface RequestOptions {
  /** Send under this key (a repeat of an earlier request); by default a new key is drawn. */
  requestId?: string;
  /** Told each time the connection dropped and the request waits to be sent again. */
  onRetrying?: () => void;
}

/** Sends requests on the connection being set up, before the client takes ordinary ones. */
export interface Connection {
  readonly welcome: Welcome;
  request<Type extends ClientMessageType>(type: Type, fields: RequestFields<Type>): Promise<Reply<Type>>;
}

/** The commit position through which this client applied everything it may see, in one database. */
export interface SyncPosition {
  databaseId: string;
  seq: number;
}

export interface ProtocolClientOptions {
  /** The endpoint the first attempt goes to. */
  url: string;
  /**
   * Other endpoints of the same Tally (processes sharing one database), at most clusterEndpointsMax
   * with `url`. After a failed attempt or a dropped connection the next attempt goes to the next
   * endpoint, round robin; those the last `welcome` named join them. Default none.
   */
  alternateUrls?: readonly string[];
  createSocket: (url: string) => SocketLike;
  /** Reconnect after a drop (default true). Without it, unanswered keyed requests fail `unanswered`. */
  reconnect?: boolean;
  /**
   * After every welcome, before ordinary requests flow: re-establish who the tab is (`session.resume`,
   * `auth.resume`) with `connection.request`. A rejection drops the connection and tries again.
   */
  onConnected?: (connection: Connection) => Promise<void>;
  keys?: RequestKeys;
  /** Reads and session requests with no reply after this long fail `timeout`. */
  requestTimeoutMs?: number;
  /** How long a connection may take to deliver its welcome before it is given up. */
  connectTimeoutMs?: number;
  /** Application-level ping while online, to find a dead path; null for none. */
  pingIntervalMs?: number | null;
  /** Validate `changes`, `stats` and `welcome` frames (default true); replies are always validated. */
  validateBroadcasts?: boolean;
  /**
   * Only for benchmarks, whose clients share the server's process: `changes` and `stats` frames are
   * counted (`broadcastsSkipped`) but not parsed or handed on, and no sync position is kept, so the
   * client costs the measured server as little as a client can. Implies no resume: use with reconnect off.
   */
  skipBroadcasts?: boolean;
  network?: NetworkStatusSource;
  /** In [0, 1), for reconnect jitter. */
  random?: () => number;
}

interface Pending {
  requestId: string;
  type: ClientMessageType;
  text: string;
  /** Kept and sent again across reconnects; else failed when its connection drops. */
  survivesReconnect: boolean;
  /** The socket a connection-bound request was sent on. */
  socket: SocketLike | null;
  timer: ReturnType<typeof setTimeout> | null;
  settle: (message: ErrorMessage | { type: 'result'; seq: number; result: unknown }) => void;
  fail: (error: RequestError) => void;
  onRetrying: (() => void) | undefined;
}

interface Events {
  welcome: (welcome: Welcome) => void;
  /** A frame, or a resume's answer in the same shape: in commit order, with no gap across reconnects. */
  changes: (changes: Changes) => void;
  /** The tab was too far behind to resume: reload whatever it holds beyond the welcome. */
  resync: (reason: string) => void;
  stats: (stats: Stats) => void;
  /** A second of the dashboard, to a tab that sent `dashboard.watch` (again after every reconnect: watching is per connection). */
  dashboard: (dashboard: Dashboard) => void;
  status: (status: ConnectionStatus) => void;
  warning: (text: string) => void;
}

type Listeners = { [Name in keyof Events]: Set<Events[Name]> };

export class ProtocolClient {
  readonly keys: RequestKeys;
  readonly #options: Required<Omit<ProtocolClientOptions, 'onConnected' | 'network' | 'keys'>> & Pick<ProtocolClientOptions, 'onConnected' | 'network'>;
  readonly #pending = new Map<string, Pending>();
  readonly #listeners: Listeners = { welcome: new Set(), changes: new Set(), resync: new Set(), stats: new Set(), dashboard: new Set(), status: new Set(), warning: new Set() };
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  /** `url` and `alternateUrls`, duplicates dropped: always in the rotation (unless refused). */
  readonly #configuredEndpoints: readonly string[];
  /** Endpoints the socket factory threw on (a malformed or forbidden address): never tried again. */
  readonly #refusedEndpoints = new Set<string>();
  /** What attempts rotate over: the configured endpoints first, then those the last welcome named. */
  #endpoints: readonly string[];
  /** The endpoint of the current connection, or of the next attempt while there is none. */
  #url: string;
  #socket: SocketLike | null = null;
  #socketDisposers: Array<() => void> = [];
  #welcome: Welcome | null = null;
  #status: ConnectionStatus = 'connecting';
  #position: SyncPosition | null = null;
  /** Changes frames that arrived while resuming: emitted after the resume's answer, in order. */
  #heldChanges: Changes[] | null = null;
  #reconnectAttempt = 0;
  #reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  #connectTimer: ReturnType<typeof setTimeout> | null = null;
  #welcomedOnSocket = false;
  #pingTimer: ReturnType<typeof setInterval> | null = null;
  #networkDisposer: (() => void) | null = null;
  #lastConnectFailure: RequestError | null = null;
  #broadcastsSkipped = 0;
  #started = false;
  #closed = false;

  constructor(options: ProtocolClientOptions) {
    this.keys = options.keys ?? new RequestKeys();
    this.#options = {
      reconnect: true,
      requestTimeoutMs,
      connectTimeoutMs: requestTimeoutMs,
      pingIntervalMs: heartbeatIntervalMs,
      validateBroadcasts: true,
      skipBroadcasts: false,
      random: Math.random,
      alternateUrls: [],
      ...options,
    };
    this.#configuredEndpoints = uniqueEndpoints([options.url, ...(options.alternateUrls ?? [])]);
    if (this.#configuredEndpoints.length > clusterEndpointsMax) {
      throw new RangeError(`at most ${clusterEndpointsMax} endpoints, got ${this.#configuredEndpoints.length}`);
    }
    this.#endpoints = this.#configuredEndpoints;
    this.#url = options.url;
  }

  /** Starts and resolves once online; rejects `connect_failed` if the first connection fails and reconnecting is off. */
  static async open(options: ProtocolClientOptions): Promise<ProtocolClient> {
    const client = new ProtocolClient(options);
    client.start();
    await client.online();
    return client;
  }

  get status(): ConnectionStatus {
    return this.#status;
  }

  /** The endpoint of the current connection; while there is none, the one the next attempt goes to. */
  get url(): string {
    return this.#url;
  }

  /** Every endpoint attempts rotate over, in order. */
  get endpoints(): readonly string[] {
    return this.#endpoints;
  }

  /** The welcome of the current (or last) connection. */
  get welcome(): Welcome {
    if (this.#welcome === null) throw new Error('no welcome has arrived yet');
    return this.#welcome;
  }

  get syncPosition(): SyncPosition | null {
    return this.#position;
  }

  /** `changes` and `stats` frames passed over unread (skipBroadcasts). */
  get broadcastsSkipped(): number {
    return this.#broadcastsSkipped;
  }

  /** Requests sent and not yet answered, keyed ones waiting to be re-sent included. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  on<Name extends keyof Events>(name: Name, listener: Events[Name]): () => void {
    this.#listeners[name].add(listener);
    return () => this.#listeners[name].delete(listener);
  }

  start(): void {
    if (this.#started) throw new Error('ProtocolClient.start() may be called once');
    this.#started = true;
    if (this.#options.network !== undefined) this.#networkDisposer = this.#options.network.subscribe((online) => this.#networkOnChange(online));
    this.#setStatus('connecting');
    this.#connect();
  }

  /** Resolves when online; rejects if the client closes first. */
  online(): Promise<void> {
    if (this.#status === 'online') return Promise.resolve();
    if (this.#closed) return Promise.reject(this.#lastConnectFailure ?? RequestError.fromClient('closed'));
    return new Promise((resolve, reject) => {
      const unsubscribe = this.on('status', (status) => {
        if (status === 'online') {
          unsubscribe();
          resolve();
        } else if (status === 'closed') {
          unsubscribe();
          reject(this.#lastConnectFailure ?? RequestError.fromClient('closed'));
        }
      });
    });
  }

  /**
   * Sends a request once online. Resolves with the result or the server's refusal; rejects with a
   * RequestError only for the client's own failures. A keyed request is never failed by a dropped
   * connection while the client reconnects: it is sent again (same key) until answered.
   */
  request<Type extends ClientMessageType>(type: Type, fields: RequestFields<Type>, options: RequestOptions = {}): Promise<Reply<Type>> {
    if (this.#closed) return Promise.reject(RequestError.fromClient('closed'));
    if (this.#status !== 'online' || this.#socket === null) return Promise.reject(RequestError.fromClient('not_connected'));
    return this.#send(type, fields, options, null);
  }

  /** Like `request`, but a refusal rejects too (a RequestError with the server's code and details). */
  async expectCommitted<Type extends ClientMessageType>(type: Type, fields: RequestFields<Type>, options?: RequestOptions): Promise<{ result: ResultOf<Type>; seq: number }> {
    const reply = await this.request(type, fields, options);
    if (!reply.ok) throw RequestError.fromRefusal(reply.error);
    return { result: reply.result, seq: reply.seq };
  }

  async expectResult<Type extends ClientMessageType>(type: Type, fields: RequestFields<Type>, options?: RequestOptions): Promise<ResultOf<Type>> {
    return (await this.expectCommitted(type, fields, options)).result;
  }

  /** Fails every request still waiting and closes the connection; resolves once it is closed. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    this.#networkDisposer?.();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#reconnectTimer = null;
    for (const pending of [...this.#pending.values()]) pending.fail(RequestError.fromClient('closed'));
    const socket = this.#socket;
    this.#dropSocket();
    this.#setStatus('closed');
    if (socket === null || socket.readyState > socketOpenState) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => resolve();
      socket.addEventListener('close', done);
      socket.close(1000, 'client done');
      // A peer that never completes the close handshake must not hold the caller.
      const timer = setTimeout(done, closeHandshakeTimeoutMs);
      (timer as { unref?: () => void }).unref?.();
    });
  }

  // --- sending ----------------------------------------------------------------------------------

  #send<Type extends ClientMessageType>(type: Type, fields: RequestFields<Type>, options: RequestOptions, boundTo: SocketLike | null): Promise<Reply<Type>> {
    const requestId = options.requestId ?? this.keys.next();
    if (this.#pending.has(requestId)) return Promise.reject(new RangeError(`request ${requestId} is already waiting for its answer`));
    if (this.#pending.size >= clientRequestsInFlightMax) return Promise.reject(RequestError.fromClient('too_many_in_flight', `At most ${clientRequestsInFlightMax}.`));
    const text = JSON.stringify({ ...fields, type, requestId });
    if (utf8Length(text) > frameBytesMax) return Promise.reject(RequestError.fromClient('frame_too_large', `A ${type} request may be at most ${frameBytesMax} bytes.`));
    const survivesReconnect = boundTo === null && isKeyedRequestType(type);
    return new Promise<Reply<Type>>((resolve, reject) => {
      const pending: Pending = {
        requestId,
        type,
        text,
        survivesReconnect,
        socket: boundTo,
        timer: null,
        onRetrying: options.onRetrying,
        fail: (error) => {
          this.#forget(pending);
          reject(error);
        },
        settle: (message) => {
          this.#forget(pending);
          if (message.type === 'error') return resolve({ ok: false, error: message });
          const parsed = (resultSchemas[type] as unknown as z.ZodType<ResultOf<Type>>).safeParse(message.result);
          if (!parsed.success) return reject(RequestError.fromClient('invalid_reply', `The ${type} result: ${parsed.error.message}`));
          resolve({ ok: true, seq: message.seq, result: parsed.data });
        },
      };
      // Keyed requests never time out: the server answers each one, and a dead path is found by the ping.
      if (!survivesReconnect) {
        pending.timer = this.#setTimer(() => pending.fail(RequestError.fromClient('timeout', `No reply to ${type} within ${this.#options.requestTimeoutMs} ms.`)), this.#options.requestTimeoutMs);
      }
      this.#pending.set(requestId, pending);
      (boundTo ?? this.#socket)!.send(text);
    });
  }

  #forget(pending: Pending): void {
    this.#pending.delete(pending.requestId);
    if (pending.timer !== null) this.#clearTimer(pending.timer);
  }

  // --- the connection ---------------------------------------------------------------------------

  #connect(): void {
    if (this.#closed || this.#socket !== null) return;
    const url = this.#url;
    let socket: SocketLike;
    try {
      socket = this.#options.createSocket(url);
    } catch (error) {
      this.#endpointRefused(url, `Could not open ${url}: ${(error as Error).message}`);
      return;
    }
    const socketOnMessage = (event: { data?: unknown }) => this.#socketOnMessage(socket, event.data);
    const socketOnClose = (event: { code?: number }) => this.#socketOnClose(socket, event.code);
    // A failed socket also fires `close`, where reconnecting starts. This listener stays: closing a
    // socket that is still connecting fires `error` later, and an unheard error event throws in `ws`.
    socket.addEventListener('error', () => {});
    socket.addEventListener('message', socketOnMessage);
    socket.addEventListener('close', socketOnClose);
    this.#socket = socket;
    this.#welcomedOnSocket = false;
    this.#connectTimer = this.#setTimer(() => this.#abandonSocket(socket, `no welcome within ${this.#options.connectTimeoutMs} ms`), this.#options.connectTimeoutMs);
    this.#socketDisposers = [() => socket.removeEventListener('message', socketOnMessage), () => socket.removeEventListener('close', socketOnClose)];
  }

  #stopConnectTimer(): void {
    if (this.#connectTimer !== null) this.#clearTimer(this.#connectTimer);
    this.#connectTimer = null;
  }

  #socketOnClose(socket: SocketLike, code: number | undefined): void {
    if (socket !== this.#socket) return;
    const welcomed = this.#welcomedOnSocket;
    this.#dropSocket();
    if (this.#closed) return;
    if (!this.#options.reconnect) {
      this.#connectionFailed(`The connection closed (code ${code ?? 'none'})${welcomed ? '' : ' before the welcome'}.`);
      return;
    }
    if (this.#options.network !== undefined && !this.#options.network.isOnline()) {
      this.#setStatus('offline');
      return;
    }
    this.#moveToNextEndpoint();
    this.#setStatus('reconnecting');
    this.#scheduleReconnect();
  }

  /** The next attempt goes to the endpoint after the current one, round robin (with one, to it again). */
  #moveToNextEndpoint(): void {
    const index = this.#endpoints.indexOf(this.#url);
    this.#url = this.#endpoints[(index + 1) % this.#endpoints.length]!;
  }

  /**
   * The socket factory threw: the address can never be opened. With other endpoints left (and
   * reconnecting on) it leaves the rotation and the next attempt goes to the next one; else the
   * client fails, as it always has.
   */
  #endpointRefused(url: string, reason: string): void {
    const others = this.#endpoints.filter((endpoint) => endpoint !== url);
    if (others.length === 0 || !this.#options.reconnect) {
      this.#connectionFailed(reason);
      return;
    }
    this.#refusedEndpoints.add(url);
    this.#moveToNextEndpoint();
    this.#endpoints = others;
    this.#emit('warning', `${reason}; trying ${this.#url} instead.`);
    this.#scheduleReconnect();
  }

  /**
   * A welcome's `endpoints` (every process serving its database) join the configured ones, which
   * stay first; they replace what an earlier welcome named. Checked even when welcomes are not.
   */
  #learnEndpoints(named: readonly unknown[] | undefined): void {
    if (!Array.isArray(named)) return;
    const valid = named.filter((endpoint): endpoint is string => WebSocketEndpointSchema.safeParse(endpoint).success).slice(0, clusterEndpointsMax);
    // The endpoint in use stays, even if this welcome does not name it: the rotation is never empty.
    this.#endpoints = uniqueEndpoints([...this.#configuredEndpoints, ...valid, this.#url]).filter((endpoint) => !this.#refusedEndpoints.has(endpoint));
  }

  /** Forgets the socket and its timers; fails what cannot outlive it, keeps keyed requests to re-send. */
  #dropSocket(): void {
    const socket = this.#socket;
    for (const dispose of this.#socketDisposers.splice(0)) dispose();
    this.#stopConnectTimer();
    if (this.#pingTimer !== null) clearInterval(this.#pingTimer);
    this.#pingTimer = null;
    this.#socket = null;
    for (const pending of [...this.#pending.values()]) {
      if (pending.socket !== null && pending.socket !== socket) continue;
      if (pending.survivesReconnect && this.#options.reconnect && !this.#closed) {
        pending.onRetrying?.();
        continue;
      }
      pending.fail(pending.survivesReconnect ? unanswered(pending) : RequestError.fromClient('disconnected'));
    }
  }

  /** Reconnecting is off: fail everything, and the first connect if it never got online. */
  #connectionFailed(reason: string): void {
    this.#lastConnectFailure = RequestError.fromClient(this.#welcome === null ? 'connect_failed' : 'disconnected', reason);
    for (const pending of [...this.#pending.values()]) pending.fail(pending.survivesReconnect ? unanswered(pending) : RequestError.fromClient('disconnected'));
    this.#closed = true;
    this.#setStatus('closed');
  }

  #abandonSocket(socket: SocketLike, reason: string): void {
    if (socket !== this.#socket) return;
    this.#emit('warning', `Giving up on the connection: ${reason}`);
    socket.close(4000, reason.slice(0, 100));
    this.#socketOnClose(socket, 4000);
  }

  #scheduleReconnect(): void {
    if (this.#reconnectTimer !== null) return;
    const delayMs = reconnectDelayMs(this.#reconnectAttempt, this.#options.random());
    this.#reconnectAttempt += 1;
    this.#reconnectTimer = this.#setTimer(() => {
      this.#reconnectTimer = null;
      this.#connect();
    }, delayMs);
  }

  #networkOnChange(online: boolean): void {
    if (this.#closed) return;
    if (!online) {
      // Browsers keep a socket "open" long after the network went; do not wait for it.
      if (this.#socket !== null) this.#abandonSocket(this.#socket, 'the device went offline');
      if (this.#reconnectTimer !== null) this.#clearTimer(this.#reconnectTimer);
      this.#reconnectTimer = null;
      this.#setStatus('offline');
      return;
    }
    if (this.#socket !== null) return;
    if (this.#reconnectTimer !== null) this.#clearTimer(this.#reconnectTimer);
    this.#reconnectTimer = null;
    this.#reconnectAttempt = 0;
    this.#setStatus('reconnecting');
    this.#connect();
  }

  #setStatus(status: ConnectionStatus): void {
    if (this.#status === status) return;
    this.#status = status;
    this.#emit('status', status);
  }

  // --- incoming frames --------------------------------------------------------------------------

  #socketOnMessage(socket: SocketLike, data: unknown): void {
    if (socket !== this.#socket) return;
    if (typeof data !== 'string') return this.#emit('warning', 'Ignored a binary frame.');
    // The server writes `type` first, so a broadcast is known by its first bytes.
    if (this.#options.skipBroadcasts && (data.startsWith('{"type":"changes"') || data.startsWith('{"type":"stats"'))) {
      this.#broadcastsSkipped += 1;
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return this.#emit('warning', 'Ignored a frame that is not JSON.');
    }
    const type = (json as { type?: unknown } | null)?.type;
    if (type === 'result' || type === 'error') return this.#replyArrived(json);
    if (type === 'welcome') return void this.#welcomeArrived(socket, json);
    if (type !== 'changes' && type !== 'stats' && type !== 'dashboard') return this.#emit('warning', `Ignored a frame of unknown type ${JSON.stringify(type)}.`);
    const message = this.#options.validateBroadcasts ? ServerMessageSchema.safeParse(json) : { success: true as const, data: json as Changes | Stats | Dashboard };
    if (!message.success) return this.#emit('warning', `Ignored a ${type} frame that does not match the protocol: ${message.error.message}`);
    if (message.data.type === 'changes') this.#changesArrived(message.data);
    else if (message.data.type === 'stats') this.#emit('stats', message.data);
    else if (message.data.type === 'dashboard') this.#emit('dashboard', message.data);
  }

  #changesArrived(changes: Changes): void {
    if (this.#heldChanges !== null) {
      this.#heldChanges.push(changes);
      return;
    }
    this.#emit('changes', changes);
    if (this.#position !== null && changes.seq > this.#position.seq) this.#position = { ...this.#position, seq: changes.seq };
  }

  #replyArrived(json: unknown): void {
    const requestId = (json as { requestId?: unknown }).requestId;
    const pending = typeof requestId === 'string' ? this.#pending.get(requestId) : undefined;
    const parsed = (json as { type: string }).type === 'result' ? ResultSchema.safeParse(json) : ErrorMessageSchema.safeParse(json);
    // No pending request: a read that timed out, or an error about a frame the server could not read.
    if (pending === undefined) {
      if (parsed.success && parsed.data.type === 'error' && parsed.data.requestId === null) {
        this.#emit('warning', `The server refused a frame: ${parsed.data.code}: ${parsed.data.message}`);
      }
      return;
    }
    if (!parsed.success) return pending.fail(RequestError.fromClient('invalid_reply', parsed.error.message));
    pending.settle(parsed.data);
  }

  /**
   * Every (re)connect: the welcome, then the owner re-establishes who the tab is, then the client
   * resumes the change feed from its position, then queued keyed requests go out again.
   */
  async #welcomeArrived(socket: SocketLike, json: unknown): Promise<void> {
    const parsed = this.#options.validateBroadcasts ? WelcomeSchema.safeParse(json) : { success: true as const, data: json as Welcome };
    if (!parsed.success) return this.#abandonSocket(socket, `the first frame is not a valid welcome: ${parsed.error.message}`);
    this.#stopConnectTimer();
    this.#welcomedOnSocket = true;
    const welcome = parsed.data;
    this.#welcome = welcome;
    this.#learnEndpoints(welcome.endpoints);
    const resumeFrom = this.#position?.databaseId === welcome.databaseId ? this.#position.seq : null;
    // Another database (the server was reset): what the tab holds beyond the welcome means nothing here.
    if (this.#position !== null && resumeFrom === null) this.#emit('resync', 'the server runs on another database now');
    // A first welcome is a snapshot of all an anonymous tab may see; whatever the owner loads next is newer.
    if (resumeFrom === null) this.#position = { databaseId: welcome.databaseId, seq: welcome.seq };
    this.#heldChanges = resumeFrom === null ? null : [];
    this.#emit('welcome', welcome);
    const connection: Connection = { welcome, request: (type, fields) => this.#send(type, fields, {}, socket) };
    try {
      await this.#options.onConnected?.(connection);
      if (resumeFrom !== null) await this.#resume(connection, resumeFrom);
    } catch (error) {
      this.#heldChanges = null;
      this.#abandonSocket(socket, `resuming failed: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (socket !== this.#socket) return;
    // Taken before going online: a request made by an `online` listener is sent by its own call.
    const waiting = [...this.#pending.values()].filter((pending) => pending.socket === null);
    this.#reconnectAttempt = 0;
    this.#setStatus('online');
    this.#startPinging(socket);
    for (const pending of waiting) if (this.#pending.has(pending.requestId) && socket === this.#socket) socket.send(pending.text);
  }

  /**
   * Everything the tab may see that changed after `sinceSeq`, handed to `changes` listeners like a
   * frame (then the frames that came meanwhile), so their feed has no gap. When the server cannot
   * answer that (`resync_required`), `resync` listeners take fresh snapshots instead.
   */
  async #resume(connection: Connection, sinceSeq: number): Promise<void> {
    const { databaseId } = connection.welcome;
    const reply = await connection.request('sync.resume', { databaseId, sinceSeq });
    const held = this.#heldChanges ?? [];
    this.#heldChanges = null;
    if (!reply.ok && reply.error.code !== 'resync_required') throw RequestError.fromRefusal(reply.error);
    if (reply.ok) {
      this.#position = { databaseId, seq: sinceSeq };
      this.#changesArrived({ type: 'changes', seq: reply.seq, ...reply.result });
    } else {
      this.#position = { databaseId, seq: connection.welcome.seq };
      this.#emit('resync', reply.error.message);
    }
    // Rows the answer already holds (committed at or before its seq) are not handed over twice.
    const answeredThrough = reply.ok ? reply.seq : 0;
    for (const changes of held) {
      const transactions = changes.transactions?.filter((row) => row.seq > answeredThrough);
      this.#changesArrived(transactions === undefined ? changes : { ...changes, transactions });
    }
  }

  #startPinging(socket: SocketLike): void {
    const intervalMs = this.#options.pingIntervalMs;
    if (intervalMs === null) return;
    this.#pingTimer = setInterval(() => {
      this.#send('ping', {}, {}, socket).catch((error: unknown) => {
        if (error instanceof RequestError && error.code === 'timeout') this.#abandonSocket(socket, 'no reply to ping');
      });
    }, intervalMs);
    (this.#pingTimer as { unref?: () => void }).unref?.();
  }

  #emit<Name extends keyof Events>(name: Name, ...payload: Parameters<Events[Name]>): void {
    for (const listener of this.#listeners[name]) (listener as (...args: Parameters<Events[Name]>) => void)(...payload);
  }

  #setTimer(callback: () => void, delayMs: number): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      callback();
    }, delayMs);
    this.#timers.add(timer);
    return timer;
  }

  #clearTimer(timer: ReturnType<typeof setTimeout>): void {
    clearTimeout(timer);
    this.#timers.delete(timer);
  }
}

/** How long `close()` waits for the close handshake. */
export const closeHandshakeTimeoutMs = 1_000;

function unanswered(pending: Pending): RequestError {
  return new RequestError(
    'unanswered',
    `The connection dropped before Tally answered ${pending.type} ${pending.requestId}; send it again with requestId "${pending.requestId}" to get its one outcome.`,
  );
}

/** In first-seen order, each once. */
function uniqueEndpoints(endpoints: readonly string[]): string[] {
  return [...new Set(endpoints)];
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      index += 1;
    } else bytes += 3;
  }
  return bytes;
}
