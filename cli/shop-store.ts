/**
 * The shop dialogue's store (ShopStore) over the one protocol client: the catalog kept live from
 * `welcome` and `changes` by the version rule, the shopper session resumed after every reconnect
 * (so re-sent cart and checkout requests run as the same shopper), and no wait longer than
 * serverWaitMs for a server that has gone away.
 */
import { resyncIntervalMs } from '../shared/limits.ts';
import { mergeNewerInto } from '../shared/client/version-merge.ts';
import type { Connection } from '../shared/client/protocol-client.ts';
import type { ProductView, Welcome } from '../shared/protocol.ts';
import type { ShopStore } from './shop-dialogue.ts';
import { RequestError, connectTerminal, serverWaitMs, type ProtocolClient, type Reply } from './tally-client.ts';

/** The session token, once session.start has answered; what a reconnect resumes. */
interface ShopperSession {
  token: string | null;
}

export interface ShopConnectionOptions {
  /** How long Tally may stay unreachable while a request waits, before it fails (default serverWaitMs). */
  serverWaitMs?: number;
  /** How long the first connection may take (default serverWaitMs). */
  connectTimeoutMs?: number;
}

export class ShopConnection implements ShopStore {
  readonly #client: ProtocolClient;
  readonly #session: ShopperSession;
  readonly #serverWaitMs: number;
  readonly #products = new Map<number, ProductView>();
  readonly #disposers: Array<() => void> = [];
  #databaseId = '';
  #snapshotAtMs = 0;

  /** Connects (rejects `connect_failed` when Tally cannot be reached in time). */
  static async open(endpoints: string | readonly string[], options: ShopConnectionOptions = {}): Promise<ShopConnection> {
    const session: ShopperSession = { token: null };
    const client = await connectTerminal(endpoints, {
      onConnected: (connection) => resumeShopper(connection, session),
      ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }),
    });
    return new ShopConnection(client, session, options.serverWaitMs ?? serverWaitMs);
  }

  private constructor(client: ProtocolClient, session: ShopperSession, waitMs: number) {
    this.#client = client;
    this.#session = session;
    this.#serverWaitMs = waitMs;
    this.#applyWelcome(client.welcome);
    this.#disposers.push(
      client.on('welcome', (welcome) => this.#applyWelcome(welcome)),
      client.on('changes', (changes) => void mergeNewerInto(this.#products, changes.products, (product) => product.id)),
    );
  }

  /** The live catalog; a full `catalog.sync` first when the last snapshot is older than resyncIntervalMs. */
  async products(): Promise<readonly ProductView[]> {
    if (Date.now() - this.#snapshotAtMs >= resyncIntervalMs) {
      const reply = await this.#whenReachable(() => this.#client.request('catalog.sync', {}));
      if (!reply.ok) throw RequestError.fromRefusal(reply.error);
      mergeNewerInto(this.#products, reply.result.products, (product) => product.id);
      this.#snapshotAtMs = Date.now();
    }
    return [...this.#products.values()].sort((first, second) => first.id - second.id);
  }

  async startSession(name: string, address: string): Promise<Reply<'session.start'>> {
    const reply = await this.#whenReachable(() => this.#client.request('session.start', { name, address }));
    if (reply.ok) this.#session.token = reply.result.sessionToken;
    return reply;
  }

  addToCart(productId: number, quantity: number): Promise<Reply<'cart.add'>> {
    return this.#whenReachable(() => this.#client.request('cart.add', { productId, quantity }));
  }

  setCartLine(productId: number, quantity: number): Promise<Reply<'cart.set'>> {
    return this.#whenReachable(() => this.#client.request('cart.set', { productId, quantity }));
  }

  checkout(expectedTotalCents: number): Promise<Reply<'checkout'>> {
    return this.#whenReachable(() => this.#client.request('checkout', { expectedTotalCents }));
  }

  /** The connection's status, for callers that wait on it. */
  get status(): string {
    return this.#client.status;
  }

  async close(): Promise<void> {
    for (const dispose of this.#disposers.splice(0)) dispose();
    await this.#client.close();
  }

  /** A welcome is a full snapshot; from another database (a new server) it replaces what is held. */
  #applyWelcome(welcome: Welcome): void {
    if (welcome.databaseId !== this.#databaseId) this.#products.clear();
    this.#databaseId = welcome.databaseId;
    mergeNewerInto(this.#products, welcome.products, (product) => product.id);
    this.#snapshotAtMs = Date.now();
  }

  /**
   * Sends once online, then waits for the answer. Fails `not_connected` when Tally has been
   * unreachable for serverWaitMs before anything went out. Once a cart change or a checkout has gone
   * out it is never given up: the client sends it again under its key after every reconnect, and the
   * store carries it out at most once, so the person always learns how it ended.
   */
  #whenReachable<T>(send: () => Promise<T>): Promise<T> {
    const client = this.#client;
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let settled = false;
      const settle = (finish: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        unsubscribe();
        finish();
      };
      let sent = false;
      const away = `Tally has been unreachable for ${this.#serverWaitMs / 1000} s.`;
      const giveUp = () => settle(() => reject(RequestError.fromClient('not_connected', away)));
      const watch = (status: string) => {
        clearTimeout(timer);
        timer = undefined;
        if (status === 'online') return;
        if (!sent) timer = setTimeout(giveUp, this.#serverWaitMs);
        else process.stderr.write('Connection lost: retrying… (the store carries this out at most once)\n');
      };
      const unsubscribe = client.on('status', watch);
      watch(client.status);
      const failed = (error: unknown) => settle(() => reject(error));
      // After client.online(), never inside a status listener: the client re-sends its queue right after
      // announcing `online`, so a request sent from the listener would go out twice.
      client.online().then(() => {
        if (settled) return;
        sent = true;
        send().then((answer) => settle(() => resolve(answer)), failed);
      }, failed);
    });
  }
}

/** After a reconnect, before re-sent requests flow: be the same shopper again. */
async function resumeShopper(connection: Connection, session: ShopperSession): Promise<void> {
  if (session.token === null) return;
  const resumed = await connection.request('session.resume', { sessionToken: session.token });
  if (!resumed.ok) throw RequestError.fromRefusal(resumed.error);
}
