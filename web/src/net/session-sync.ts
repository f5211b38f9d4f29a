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
import { memorySessionTokenStorage, type SessionTokenStorage } from './session-token-storage.ts';

/** Errors on `session.resume` and `auth.resume` that mean the stored token is useless: forget it and ask again. */
const forgetTokenCodes: ReadonlySet<string> = new Set(['session_not_found', 'invalid_message']);

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
    this.#disposers.push(
      this.client.on('status', (status) => this.#store.getState().setConnectionStatus(tabStatus(status))),
      this.client.on('welcome', (welcome) => {
        this.#store.getState().replaceCatalog(welcome.products);
        this.#store.getState().replaceBankStats(welcome.bank, welcome.seq);
      }),
      this.client.on('changes', (changes) => this.#applyChanges(changes)),
      this.client.on('stats', (stats) => this.#store.getState().applyBankStats(stats.bank, stats.seq)),
      this.client.on('warning', (text) => console.warn(`Tally: ${text}`)),
      this.client.on('status', (status) => {
        if (status === 'online' && this.#store.getState().sessionStatus === 'active') void this.refreshOrders();
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
    const state = this.#store.getState();
    if (state.user !== null && state.user.id !== outcome.user.id) forgetSignedInUser(this.#store);
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
  async signOutUser(): Promise<void> {
    try {
      await this.client.expectResult('auth.signOut', {});
    } finally {
      this.#userTokens.forget();
      forgetSignedInUser(this.#store);
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

  /** One frame is one or more whole commits: its accounts go in in one update, then its ledger rows. */
  #applyChanges(changes: Changes): void {
    const state = this.#store.getState();
    if (changes.products.length > 0) state.applyProducts(changes.products);
    if (changes.accounts !== undefined && changes.accounts.length > 0) state.applyAccounts(changes.accounts);
    if (changes.transactions !== undefined && changes.transactions.length > 0) state.applyAuditTransactions(changes.transactions);
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
      if (this.#store.getState().userStatus !== 'signedOut') forgetSignedInUser(this.#store);
      return;
    }
    if (this.#store.getState().userStatus === 'signedOut') this.#store.getState().userResuming();
    const reply = await connection.request('auth.resume', { sessionToken });
    if (!reply.ok) {
      if (!forgetTokenCodes.has(reply.error.code)) throw RequestError.fromRefusal(reply.error);
      this.#userTokens.forget();
      forgetSignedInUser(this.#store);
      return;
    }
    const state = this.#store.getState();
    if (state.user !== null && state.user.id !== reply.result.user.id) forgetSignedInUser(this.#store);
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

/** The WebSocket endpoint on the host that served this page. */
export function webSocketUrlFor(location: Pick<Location, 'protocol' | 'host'>): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/ws`;
}
