import type { z } from 'zod';
import {
  ServerMessage,
  resultSchemas,
  type Changes,
  type ClientMessageType,
  type ErrorMessage,
  type RequestBody,
  type Result,
  type ResultOf,
  type Welcome,
} from '../../../shared/protocol.ts';
import { heartbeatIntervalMs, requestTimeoutMs, resyncIntervalMs } from '../../../shared/limits.ts';
import type { ConnectionStatus } from '../state/connection-slice.ts';
import { forgetSignedInUser, type TallyStore } from '../state/store.ts';
import { reconnectDelayMs } from './backoff.ts';
import { RequestError } from './request-error.ts';
import { memorySessionTokenStorage, type SessionTokenStorage } from './session-token-storage.ts';

/** How often the client sends an application-level `ping`; a dead path is found within this plus requestTimeoutMs. */
export const pingIntervalMs = heartbeatIntervalMs;

/** WebSocket.OPEN, spelled out so the client also runs against socket implementations without the static. */
const socketOpenState = 1;

/** Errors on `session.resume` and `auth.resume` that mean the stored token is useless: forget it and ask again. */
const forgetTokenCodes: ReadonlySet<string> = new Set(['session_not_found', 'invalid_message']);

/** The part of a browser WebSocket the client uses (the `ws` package's client fits too). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: { data?: unknown }) => void): void;
  removeEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: { data?: unknown }) => void): void;
}

/** Whether the device has a network, and news when that changes. */
export interface NetworkStatusSource {
  isOnline: () => boolean;
  subscribe: (listener: (online: boolean) => void) => () => void;
}

export interface TallySocketClientOptions {
  /** e.g. ws://127.0.0.1:9000/ws */
  url: string;
  store: TallyStore;
  /** The shopper's token. */
  tokenStorage: SessionTokenStorage;
  /** The bank user's token, kept apart from the shopper's; without one the user lives as long as the client. */
  userTokenStorage?: SessionTokenStorage;
  createSocket?: (url: string) => SocketLike;
  network?: NetworkStatusSource;
  /** In [0, 1); used for reconnect jitter and the request id prefix. */
  random?: () => number;
}

export type RequestFields<Type extends ClientMessageType> = Omit<RequestBody<Type>, 'type'>;

/** A result with the `seq` of the commit that holds it. */
export interface Committed<Type extends ClientMessageType> {
  result: ResultOf<Type>;
  seq: number;
}

interface PendingRequest {
  timer: ReturnType<typeof setTimeout>;
  accept: (result: unknown, seq: number) => void;
  reject: (error: RequestError) => void;
}

type Timer = ReturnType<typeof setTimeout>;

function browserNetworkStatus(): NetworkStatusSource {
  if (typeof window === 'undefined') return { isOnline: () => true, subscribe: () => () => {} };
  return {
    isOnline: () => window.navigator.onLine,
    subscribe: (listener) => {
      const windowOnOnline = () => listener(true);
      const windowOnOffline = () => listener(false);
      window.addEventListener('online', windowOnOnline);
      window.addEventListener('offline', windowOnOffline);
      return () => {
        window.removeEventListener('online', windowOnOnline);
        window.removeEventListener('offline', windowOnOffline);
      };
    },
  };
}

/**
 * Owns the tab's WebSocket to the Tally server: connects and reconnects with backoff, matches replies
 * to requests, times requests out, resumes the shopper session and the bank user after every (re)connect, pings, and
 * resynchronises the catalog periodically. It knows nothing of React: it writes into the store through
 * the slices' actions.
 */
export class TallySocketClient {
  private readonly url: string;
  private readonly store: TallyStore;
  private readonly tokenStorage: SessionTokenStorage;
  private readonly userTokenStorage: SessionTokenStorage;
  private readonly createSocket: (url: string) => SocketLike;
  private readonly network: NetworkStatusSource;
  private readonly random: () => number;
  private readonly requestIdPrefix: string;

  private socket: SocketLike | null = null;
  private socketDisposers: Array<() => void> = [];
  private connectionIntervals: Array<ReturnType<typeof setInterval>> = [];
  private readonly clientDisposers: Array<() => void> = [];
  private readonly timers = new Set<Timer>();
  private readonly pending = new Map<string, PendingRequest>();
  private reconnectTimer: Timer | null = null;
  private reconnectAttempt = 0;
  private requestCounter = 0;
  private lastSeqSeen = 0;
  private status: ConnectionStatus = 'connecting';
  private started = false;
  private closed = false;

  constructor(options: TallySocketClientOptions) {
    this.url = options.url;
    this.store = options.store;
    this.tokenStorage = options.tokenStorage;
    this.userTokenStorage = options.userTokenStorage ?? memorySessionTokenStorage();
    this.createSocket = options.createSocket ?? ((url) => new WebSocket(url));
    this.network = options.network ?? browserNetworkStatus();
    this.random = options.random ?? Math.random;
    this.requestIdPrefix = Math.floor(this.random() * 36 ** 6)
      .toString(36)
      .padStart(6, '0');
  }

  /** The newest commit sequence number seen in any frame. */
  get lastSeq(): number {
    return this.lastSeqSeen;
  }

  start(): void {
    if (this.started) throw new Error('TallySocketClient.start() may be called once');
    this.started = true;
    if (this.tokenStorage.read() !== null) this.store.getState().sessionResuming();
    if (this.userTokenStorage.read() !== null) this.store.getState().userResuming();
    this.clientDisposers.push(this.network.subscribe((online) => this.networkOnChange(online)));
    this.setStatus('connecting');
    this.connect();
  }

  /** Disposes every listener, timer and pending request; the client cannot be started again. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const socket = this.socket;
    this.dropSocket();
    socket?.close(1000, 'client closed');
    for (const dispose of this.clientDisposers.splice(0)) dispose();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.reconnectTimer = null;
    this.setStatus('offline');
  }

  /** Sends a request once the connection is online; rejects with a RequestError. */
  async request<Type extends ClientMessageType>(type: Type, fields: RequestFields<Type>): Promise<ResultOf<Type>> {
    const { result } = await this.requestCommitted(type, fields);
    return result;
  }

  /** Like `request`, with the reply's commit `seq` (to order replies about the same entity). */
  requestCommitted<Type extends ClientMessageType>(type: Type, fields: RequestFields<Type>): Promise<Committed<Type>> {
    if (this.status !== 'online') return Promise.reject(RequestError.fromClient('not_connected'));
    return this.send(type, fields);
  }

  /** Starts a shopper session for this tab and remembers its token for reloads and reconnects. */
  async startSession(name: string, address: string): Promise<void> {
    const { result, seq } = await this.requestCommitted('session.start', { name, address });
    this.tokenStorage.write(result.sessionToken);
    this.store.getState().sessionStarted(result.shopper, result.cart, seq);
    void this.refreshOrders();
  }

  /** Registers or signs in the bank user; keeps the token for reconnects and reloads of this tab. */
  async signInUser(type: 'auth.register' | 'auth.signIn', username: string, password: string): Promise<void> {
    const { result } = await this.requestCommitted(type, { username, password });
    this.userTokenStorage.write(result.sessionToken);
    const state = this.store.getState();
    if (state.user !== null && state.user.id !== result.user.id) forgetSignedInUser(this.store);
    this.store.getState().userSignedIn(result.user);
    this.store.getState().applyAccounts(result.accounts);
  }

  /**
   * Ends the bank session on the server and forgets it here. The tab forgets the token even when the
   * server cannot be told (offline): the person asked to be signed out of this tab.
   */
  async signOutUser(): Promise<void> {
    try {
      await this.request('auth.signOut', {});
    } finally {
      this.userTokenStorage.forget();
      forgetSignedInUser(this.store);
    }
  }

  async refreshOrders(): Promise<void> {
    try {
      const { orders } = await this.request('orders.list', {});
      this.store.getState().setOrders(orders);
    } catch (error) {
      console.warn('Tally: could not load the order history', error);
    }
  }

  // --- connection lifecycle -------------------------------------------------------------------

  private connect(): void {
    if (this.closed || this.socket !== null) return;
    const socket = this.createSocket(this.url);
    const socketOnMessage = (event: { data?: unknown }) => this.socketOnMessage(socket, event.data);
    const socketOnClose = () => this.socketOnClose(socket);
    // A failed socket also fires `close`, which is where reconnecting starts. This listener stays on
    // after the socket is dropped: closing a socket that is still connecting fires `error` later, and
    // some implementations (the `ws` package) throw an error event nobody listens to.
    const socketOnError = () => {};
    socket.addEventListener('message', socketOnMessage);
    socket.addEventListener('close', socketOnClose);
    socket.addEventListener('error', socketOnError);
    this.socket = socket;
    this.socketDisposers = [
      () => socket.removeEventListener('message', socketOnMessage),
      () => socket.removeEventListener('close', socketOnClose),
    ];
  }

  private socketOnClose(socket: SocketLike): void {
    if (socket !== this.socket) return;
    this.dropSocket();
    if (this.closed) return;
    if (!this.network.isOnline()) {
      this.setStatus('offline');
      return;
    }
    this.setStatus('reconnecting');
    this.scheduleReconnect();
  }

  /** Forgets the current socket: its listeners, its intervals and every request waiting on it. */
  private dropSocket(): void {
    for (const dispose of this.socketDisposers.splice(0)) dispose();
    for (const interval of this.connectionIntervals.splice(0)) clearInterval(interval);
    this.socket = null;
    for (const [requestId, pending] of this.pending) {
      this.pending.delete(requestId);
      this.clearTimer(pending.timer);
      pending.reject(RequestError.fromClient('disconnected'));
    }
  }

  /** Gives up on a socket that stopped answering without waiting for its close handshake. */
  private abandonSocket(socket: SocketLike): void {
    if (socket !== this.socket) return;
    socket.close(4000, 'no reply to ping');
    this.socketOnClose(socket);
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer !== null) return;
    const delayMs = reconnectDelayMs(this.reconnectAttempt, this.random());
    this.reconnectAttempt += 1;
    this.reconnectTimer = this.setTimer(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delayMs);
  }

  private networkOnChange(online: boolean): void {
    if (this.closed) return;
    if (!online) {
      // Browsers keep a socket "open" for a long time after the network goes; do not wait for it.
      if (this.socket !== null) this.abandonSocket(this.socket);
      if (this.reconnectTimer !== null) this.clearTimer(this.reconnectTimer);
      this.reconnectTimer = null;
      this.setStatus('offline');
      return;
    }
    if (this.socket !== null) return;
    if (this.reconnectTimer !== null) this.clearTimer(this.reconnectTimer);
    this.reconnectTimer = null;
    this.reconnectAttempt = 0;
    this.setStatus('reconnecting');
    this.connect();
  }

  private setStatus(status: ConnectionStatus): void {
    if (this.status === status && this.store.getState().connectionStatus === status) return;
    this.status = status;
    this.store.getState().setConnectionStatus(status);
  }

  // --- incoming frames ------------------------------------------------------------------------

  private socketOnMessage(socket: SocketLike, data: unknown): void {
    if (socket !== this.socket) return;
    if (typeof data !== 'string') {
      console.warn('Tally: ignored a binary frame');
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      console.warn('Tally: ignored a frame that is not JSON');
      return;
    }
    const parsed = ServerMessage.safeParse(json);
    if (!parsed.success) {
      this.rejectUnreadableReply(json);
      console.warn('Tally: ignored a frame that does not match the protocol', parsed.error.issues);
      return;
    }
    const message = parsed.data;
    if ('seq' in message) this.lastSeqSeen = Math.max(this.lastSeqSeen, message.seq);
    switch (message.type) {
      case 'welcome':
        void this.socketOnWelcome(socket, message);
        return;
      case 'result':
      case 'error':
        this.settleReply(message);
        return;
      case 'changes':
        this.socketOnChanges(message);
        return;
      case 'stats':
        this.store.getState().applyBankStats(message.bank, message.seq);
        return;
      default: {
        const unexpected: never = message;
        throw new Error(`unhandled server message ${JSON.stringify(unexpected)}`);
      }
    }
  }

  /** One frame is one or more whole commits: its accounts go in in one update, then its ledger rows. */
  private socketOnChanges(changes: Changes): void {
    const state = this.store.getState();
    if (changes.products.length > 0) state.applyProducts(changes.products);
    if (changes.accounts !== undefined) state.applyAccounts(changes.accounts);
    if (changes.transactions !== undefined) state.applyAuditTransactions(changes.transactions);
  }

  /** Every (re)connect: take the snapshot, resume the shopper and the bank user, and only then accept requests. */
  private async socketOnWelcome(socket: SocketLike, welcome: Welcome): Promise<void> {
    this.store.getState().replaceCatalog(welcome.products);
    this.store.getState().replaceBankStats(welcome.bank, welcome.seq);
    const [sessionResumed, userResumed] = await Promise.all([this.resumeSession(), this.resumeUser()]);
    if (socket !== this.socket) return;
    if (!sessionResumed || !userResumed) {
      this.abandonSocket(socket);
      return;
    }
    this.reconnectAttempt = 0;
    this.setStatus('online');
    this.connectionIntervals.push(
      setInterval(() => void this.pingOnce(socket), pingIntervalMs),
      setInterval(() => void this.resyncCatalog(), resyncIntervalMs),
    );
    if (this.store.getState().sessionStatus === 'active') void this.refreshOrders();
  }

  /** False when the connection failed meanwhile (the caller reconnects). */
  private async resumeSession(): Promise<boolean> {
    const state = this.store.getState();
    const sessionToken = this.tokenStorage.read();
    if (sessionToken === null) {
      if (state.sessionStatus !== 'anonymous') this.endSession();
      return true;
    }
    if (state.sessionStatus === 'anonymous') state.sessionResuming();
    try {
      const { result, seq } = await this.send('session.resume', { sessionToken });
      this.store.getState().sessionStarted(result.shopper, result.cart, seq);
      return true;
    } catch (error) {
      if (!(error instanceof RequestError) || !forgetTokenCodes.has(error.code)) return false;
      this.tokenStorage.forget();
      this.endSession();
      return true;
    }
  }

  /** False when the connection failed meanwhile (the caller reconnects). */
  private async resumeUser(): Promise<boolean> {
    const sessionToken = this.userTokenStorage.read();
    if (sessionToken === null) {
      if (this.store.getState().userStatus !== 'signedOut') forgetSignedInUser(this.store);
      return true;
    }
    if (this.store.getState().userStatus === 'signedOut') this.store.getState().userResuming();
    try {
      const { result } = await this.send('auth.resume', { sessionToken });
      const state = this.store.getState();
      if (state.user !== null && state.user.id !== result.user.id) forgetSignedInUser(this.store);
      this.store.getState().userSignedIn(result.user);
      this.store.getState().applyAccounts(result.accounts);
      return true;
    } catch (error) {
      if (!(error instanceof RequestError) || !forgetTokenCodes.has(error.code)) return false;
      this.userTokenStorage.forget();
      forgetSignedInUser(this.store);
      return true;
    }
  }

  private endSession(): void {
    const state = this.store.getState();
    state.sessionEnded();
    state.forgetOrders();
    state.setCheckout({ step: 'cart' });
  }

  private settleReply(message: Result | ErrorMessage): void {
    if (message.type === 'error' && message.requestId === null) {
      console.warn(`Tally: the server refused a frame: ${message.code}: ${message.message}`);
      return;
    }
    const pending = message.requestId === null ? undefined : this.takePending(message.requestId);
    // No pending request: it timed out already, and its late reply has nobody to tell.
    if (pending === undefined) return;
    if (message.type === 'error') {
      pending.reject(new RequestError(message.code, message.message, message.details));
      return;
    }
    pending.accept(message.result, message.seq);
  }

  /** A reply that fails validation still fails its request at once instead of at its timeout. */
  private rejectUnreadableReply(json: unknown): void {
    if (typeof json !== 'object' || json === null || !('requestId' in json)) return;
    const { requestId } = json;
    if (typeof requestId !== 'string') return;
    this.takePending(requestId)?.reject(RequestError.fromClient('invalid_reply'));
  }

  private takePending(requestId: string): PendingRequest | undefined {
    const pending = this.pending.get(requestId);
    if (pending === undefined) return undefined;
    this.pending.delete(requestId);
    this.clearTimer(pending.timer);
    return pending;
  }

  // --- outgoing requests ----------------------------------------------------------------------

  private send<Type extends ClientMessageType>(type: Type, fields: RequestFields<Type>): Promise<Committed<Type>> {
    const socket = this.socket;
    if (socket === null || socket.readyState !== socketOpenState) {
      return Promise.reject(RequestError.fromClient('not_connected'));
    }
    const requestId = this.nextRequestId();
    const schema = resultSchemas[type] as unknown as z.ZodType<ResultOf<Type>>;
    return new Promise<Committed<Type>>((resolve, reject) => {
      const timer = this.setTimer(() => this.takePending(requestId)?.reject(RequestError.fromClient('timeout')), requestTimeoutMs);
      this.pending.set(requestId, {
        timer,
        reject,
        accept: (result, seq) => {
          const parsed = schema.safeParse(result);
          if (parsed.success) resolve({ result: parsed.data, seq });
          else reject(RequestError.fromClient('invalid_reply'));
        },
      });
      socket.send(JSON.stringify({ ...fields, type, requestId }));
    });
  }

  private nextRequestId(): string {
    this.requestCounter += 1;
    return `${this.requestIdPrefix}-${this.requestCounter}`;
  }

  private async pingOnce(socket: SocketLike): Promise<void> {
    try {
      await this.send('ping', {});
    } catch (error) {
      if (error instanceof RequestError && error.code === 'timeout') this.abandonSocket(socket);
    }
  }

  private async resyncCatalog(): Promise<void> {
    try {
      const { products } = await this.request('catalog.sync', {});
      this.store.getState().applyProducts(products);
    } catch (error) {
      console.warn('Tally: catalog resync failed; the next one will retry', error);
    }
  }

  // --- timers ---------------------------------------------------------------------------------

  private setTimer(callback: () => void, delayMs: number): Timer {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      callback();
    }, delayMs);
    this.timers.add(timer);
    return timer;
  }

  private clearTimer(timer: Timer): void {
    clearTimeout(timer);
    this.timers.delete(timer);
  }
}

/** The WebSocket endpoint on the host that served this page. */
export function webSocketUrlFor(location: Pick<Location, 'protocol' | 'host'>): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/ws`;
}
