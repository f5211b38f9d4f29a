import { resyncIntervalMs } from '../../../shared/limits.ts';
import {
  ProtocolClient,
  type Connection,
  type ConnectionStatus as ClientStatus,
  type NetworkStatusSource,
  type SocketLike,
} from '../../../shared/client/protocol-client.ts';
import { RequestError } from '../../../shared/client/request-error.ts';
import type { Changes } from '../../../shared/protocol.ts';
import type { ConnectionStatus } from '../state/connection-slice.ts';
import { forgetSignedInUser, type TallyStore } from '../state/store.ts';
import { browserFrameScheduler, FrameBatch } from './frame-batch.ts';
import { memorySessionTokenStorage, type SessionTokenStorage } from './session-token-storage.ts';

/**
 * Committed changes are applied at most this often (ms) while they stream in; a lone change still
 * shows at the next frame. Ten updates a second is more than a person reads, and it spares a tab
 * that is sent a hundred changes a second most of its rendering.
 */
export const liveChangesFlushSpacingMs = 100;

/** Errors on `session.resume` and `auth.resume` that mean the stored token is useless: forget it and ask again. */
const forgetTokenCodes: ReadonlySet<string> = new Set(['session_not_found', 'session_expired', 'invalid_message']);

export interface TabConnectionOptions {
  /** e.g. ws://127.0.0.1:9000/ws */
  url: string;
  store: TallyStore;
  /** The shopper's token. */
  tokenStorage: SessionTokenStorage;
  /** The bank user's token, kept apart from the shopper's; without one the user lives as long as the page. */
  userTokenStorage?: SessionTokenStorage;
  createSocket?: (url: string) => SocketLike;
  network?: NetworkStatusSource;
  random?: () => number;
}

/**
 * Everything a tab learns from the network goes into the store here, and only here: the welcome's
 * snapshot, every `changes` frame (and a resume's answer, in the same shape), the bank's totals,
 * the connection's status, and who the tab is (shopper and bank user), resumed after every
 * reconnect before the protocol client lets requests out again. Requests themselves go through
 * the one protocol client (shared/client), which re-sends unanswered keyed ones after a reconnect.
 */
export class SessionSync {
  readonly client: ProtocolClient;
  readonly #store: TallyStore;
  readonly #tokens: SessionTokenStorage;
  readonly #userTokens: SessionTokenStorage;
  readonly #disposers: Array<() => void> = [];
  /** `changes` frames held for the next animation frame (spaced by liveChangesFlushSpacingMs), applied then as one update. */
  readonly #changes = new FrameBatch<Changes>((frames) => this.#applyChanges(frames), browserFrameScheduler(), {
    flushSpacingMs: liveChangesFlushSpacingMs,
  });
  /** This connection was sent `dashboard.watch` (and not `dashboard.unwatch` since). */
  #dashboardWatching = false;
  #dashboardWatchQueued = false;

  constructor(options: TabConnectionOptions) {
    this.#store = options.store;
    this.#tokens = options.tokenStorage;
    this.#userTokens = options.userTokenStorage ?? memorySessionTokenStorage();
    this.client = new ProtocolClient({
      url: options.url,
      createSocket: options.createSocket ?? ((url) => new WebSocket(url)),
      network: options.network ?? browserNetworkStatus(),
      ...(options.random === undefined ? {} : { random: options.random }),
      onConnected: (connection) => this.#resumeIdentity(connection),
    });
    // Frames held for the next animation frame go in before anything that came after them.
    this.#disposers.push(
      this.client.on('status', () => this.#changes.flushNow()),
      this.client.on('welcome', () => this.#changes.flushNow()),
      this.client.on('stats', () => this.#changes.flushNow()),
    );
    this.#disposers.push(
      this.client.on('status', (status) => this.#store.getState().setConnectionStatus(tabStatus(status))),
      this.client.on('welcome', (welcome) => {
        this.#store.getState().setServerHost(hostOf(this.client.url));
        this.#store.getState().replaceCatalog(welcome.products);
        this.#store.getState().replaceBankStats(welcome.bank, welcome.seq);
      }),
      this.client.on('changes', (changes) => this.#changes.push(changes)),
      this.client.on('stats', (stats) => this.#store.getState().applyBankStats(stats.bank, stats.seq)),
      this.client.on('warning', (text) => console.warn(`Tally: ${text}`)),
      this.client.on('status', (status) => {
        if (status === 'online' && this.#store.getState().sessionStatus === 'active') void this.refreshOrders();
      }),
      this.client.on('dashboard', (frame) => this.#store.getState().applyDashboardFrame(frame, Date.now())),
      this.client.on('status', (status) => {
        if (status !== 'online') this.#dashboardWatching = false;
        this.#scheduleDashboardWatch();
      }),
      this.#store.subscribe((state, previous) => {
        if (state.dashboardWatchers !== previous.dashboardWatchers) this.#scheduleDashboardWatch();
      }),
    );
  }

  start(): void {
    if (this.#tokens.read() !== null) this.#store.getState().sessionResuming();
    if (this.#userTokens.read() !== null) this.#store.getState().userResuming();
    const resync = setInterval(() => void this.#resyncCatalog(), resyncIntervalMs);
    this.#disposers.push(() => clearInterval(resync));
    this.client.start();
  }

  /** Disposes every listener and timer; the tab is offline for good. */
  close(): Promise<void> {
    this.#changes.flushNow();
    for (const dispose of this.#disposers.splice(0)) dispose();
    this.#store.getState().setConnectionStatus('offline');
    return this.client.close();
  }

  /** Starts a shopper session for this tab and remembers its token for reloads and reconnects. */
  async startSession(name: string, address: string): Promise<void> {
    const { result, seq } = await this.client.expectCommitted('session.start', { name, address });
    this.#tokens.write(result.sessionToken);
    this.#store.getState().sessionStarted(result.shopper, result.cart, seq);
    void this.refreshOrders();
  }

  /**
   * Registers or signs in the bank user; keeps the token for reconnects and reloads of this tab. A
   * registration whose answer was lost to a dropped connection is settled by signing in with the
   * same credentials: if that works, the registration happened.
   */
  async signInUser(type: 'auth.register' | 'auth.signIn', username: string, password: string): Promise<void> {
    let outcome;
    try {
      outcome = await this.client.expectResult(type, { username, password });
    } catch (error) {
      if (type !== 'auth.register' || !(error instanceof RequestError) || error.code !== 'disconnected') throw error;
      await this.client.online();
      outcome = await this.#registerAgain(username, password);
    }
    this.#userTokens.write(outcome.sessionToken);
    this.#changes.flushNow();
    const state = this.#store.getState();
    if (state.user !== null && state.user.id !== outcome.user.id) this.#forgetUser();
    this.#store.getState().userSignedIn(outcome.user);
    this.#store.getState().applyAccounts(outcome.accounts);
  }

  async #registerAgain(username: string, password: string) {
    const again = await this.client.request('auth.register', { username, password });
    if (again.ok) return again.result;
    if (again.error.code !== 'username_taken') throw RequestError.fromRefusal(again.error);
    return this.client.expectResult('auth.signIn', { username, password });
  }

  /**
   * Ends the bank session on the server and forgets it here. The tab forgets the token even when the
   * server cannot be told (offline): the person asked to be signed out of this tab.
   */
  async signOutUser(everywhere = false): Promise<void> {
    try {
      await this.client.expectResult('auth.signOut', everywhere ? { everywhere } : {});
    } finally {
      this.#userTokens.forget();
      this.#forgetUser();
    }
  }

  async refreshOrders(): Promise<void> {
    try {
      const { orders } = await this.client.expectResult('orders.list', {});
      this.#store.getState().setOrders(orders);
    } catch (error) {
      console.warn('Tally: could not load the order history', error);
    }
  }

  /**
   * The frames that came within one animation frame, in order; each is one or more whole commits.
   * Their accounts go in in one update (the version rule keeps the newest of each), then their
   * ledger rows in commit order, all in one task, so React renders once.
   */
  #applyChanges(frames: readonly Changes[]): void {
    const state = this.#store.getState();
    const products = frames.flatMap((changes) => changes.products);
    const accounts = frames.flatMap((changes) => changes.accounts ?? []);
    const transactions = frames.flatMap((changes) => changes.transactions ?? []);
    if (products.length > 0) state.applyProducts(products);
    if (accounts.length > 0) state.applyAccounts(accounts);
    if (transactions.length > 0) state.applyAuditTransactions(transactions);
  }

  /** Drops the signed-in user's views; frames held for them go in first, so none lands after. */
  #forgetUser(): void {
    this.#changes.flushNow();
    forgetSignedInUser(this.#store);
  }

  /** Every (re)connect, before requests flow: resume the shopper and the bank user. */
  async #resumeIdentity(connection: Connection): Promise<void> {
    await Promise.all([this.#resumeSession(connection), this.#resumeUser(connection)]);
  }

  async #resumeSession(connection: Connection): Promise<void> {
    const state = this.#store.getState();
    const sessionToken = this.#tokens.read();
    if (sessionToken === null) {
      if (state.sessionStatus !== 'anonymous') this.#endSession();
      return;
    }
    if (state.sessionStatus === 'anonymous') state.sessionResuming();
    const reply = await connection.request('session.resume', { sessionToken });
    if (reply.ok) {
      this.#store.getState().sessionStarted(reply.result.shopper, reply.result.cart, reply.seq);
      return;
    }
    if (!forgetTokenCodes.has(reply.error.code)) throw RequestError.fromRefusal(reply.error);
    this.#tokens.forget();
    this.#endSession();
  }

  async #resumeUser(connection: Connection): Promise<void> {
    const sessionToken = this.#userTokens.read();
    if (sessionToken === null) {
      if (this.#store.getState().userStatus !== 'signedOut') this.#forgetUser();
      return;
    }
    if (this.#store.getState().userStatus === 'signedOut') this.#store.getState().userResuming();
    const reply = await connection.request('auth.resume', { sessionToken });
    if (!reply.ok) {
      if (!forgetTokenCodes.has(reply.error.code)) throw RequestError.fromRefusal(reply.error);
      this.#userTokens.forget();
      this.#forgetUser();
      return;
    }
    this.#changes.flushNow();
    const state = this.#store.getState();
    if (state.user !== null && state.user.id !== reply.result.user.id) this.#forgetUser();
    this.#store.getState().userSignedIn(reply.result.user);
    this.#store.getState().applyAccounts(reply.result.accounts);
  }

  #endSession(): void {
    const state = this.#store.getState();
    state.sessionEnded();
    state.forgetOrders();
    state.setCheckout({ step: 'cart' });
  }

  /** A periodic full catalog, so that no lost frame could leave the tab diverged for long. */
  async #resyncCatalog(): Promise<void> {
    if (this.client.status !== 'online') return;
    try {
      const { products } = await this.client.expectResult('catalog.sync', {});
      this.#store.getState().applyProducts(products);
    } catch (error) {
      console.warn('Tally: catalog resync failed; the next one will retry', error);
    }
  }

  /** A microtask later, so a page unmounted and mounted again in one go (React's StrictMode) sends nothing. */
  #scheduleDashboardWatch(): void {
    if (this.#dashboardWatchQueued) return;
    this.#dashboardWatchQueued = true;
    queueMicrotask(() => {
      this.#dashboardWatchQueued = false;
      void this.#syncDashboardWatch();
    });
  }

  /** While a dashboard page is mounted the connection watches; watching is per connection, so again after each reconnect. */
  async #syncDashboardWatch(): Promise<void> {
    const wanted = this.#store.getState().dashboardWatchers > 0;
    if (this.client.status !== 'online' || wanted === this.#dashboardWatching) return;
    this.#dashboardWatching = wanted;
    try {
      if (!wanted) {
        await this.client.expectResult('dashboard.unwatch', {});
        return;
      }
      const answer = await this.client.expectResult('dashboard.watch', {});
      this.#store.getState().applyDashboardWindow(answer, Date.now());
    } catch (error) {
      // The next time the tab is online it asks again.
      if (wanted) this.#dashboardWatching = false;
      console.warn(`Tally: ${wanted ? 'dashboard.watch' : 'dashboard.unwatch'} failed`, error);
    }
  }
}

function tabStatus(status: ClientStatus): ConnectionStatus {
  return status === 'closed' ? 'offline' : status;
}

function browserNetworkStatus(): NetworkStatusSource | undefined {
  if (typeof window === 'undefined') return undefined;
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

/** `host:port` of a WebSocket endpoint, for people; the address itself if it does not parse. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** The WebSocket endpoint on the host that served this page. */
export function webSocketUrlFor(location: Pick<Location, 'protocol' | 'host'>): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/ws`;
}
