import WebSocket from 'ws';
import {
  type AccountView,
  type BankStats,
  type TransactionView,
  type ClientMessageType,
  type ErrorMessage,
  type ProductView,
  type RequestBody,
  type ResultOf,
  type ServerMessage,
  ServerMessage as ServerMessageSchema,
  type Welcome,
} from '../../shared/protocol.ts';

export type Reply<Type extends ClientMessageType> =
  | { ok: true; seq: number; result: ResultOf<Type> }
  | { ok: false; error: ErrorMessage };

/**
 * A protocol client for tests: a real WebSocket, every server frame validated against the
 * protocol schemas, replies matched to requests by id, and the products it has seen kept by
 * version exactly as the SPA keeps them.
 */
export class TestClient {
  readonly socket: WebSocket;
  readonly frames: ServerMessage[] = [];
  readonly products = new Map<number, ProductView>();
  readonly accounts = new Map<string, AccountView>();
  /** Every balance any frame or reply showed, to check none was negative. */
  readonly balancesSeen: number[] = [];
  readonly transactionsSeen: TransactionView[] = [];
  bankStats: BankStats | null = null;
  /** Every stock value any frame ever showed, to check none was negative. */
  readonly stockSeen: number[] = [];
  welcome!: Welcome;
  lastSeq = 0;
  #nextRequestNumber = 1;
  readonly #waiting = new Map<string, (message: ServerMessage) => void>();
  readonly #unmatchedErrors: ErrorMessage[] = [];
  #errorWaiters: Array<(message: ErrorMessage) => void> = [];

  readonly #requestIdPrefix: string;

  private constructor(socket: WebSocket, requestIdPrefix: string) {
    this.socket = socket;
    this.#requestIdPrefix = requestIdPrefix;
    socket.on('message', (data) => this.#socketOnMessage(String(data)));
  }

  /** `requestIdPrefix` lets a test find this client's requests in the ledger. */
  static async connect(webSocketUrl: string, requestIdPrefix = 't'): Promise<TestClient> {
    const socket = new WebSocket(webSocketUrl);
    const client = new TestClient(socket, requestIdPrefix);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      client.#onWelcome = () => {
        socket.off('error', reject);
        resolve();
      };
    });
    return client;
  }

  #onWelcome: () => void = () => {};

  /** `options.requestId` re-sends under a key the test chose (a repeat); by default each request gets a new one. */
  async request<Type extends ClientMessageType>(
    type: Type,
    body: Omit<RequestBody<Type>, 'type'>,
    options: { requestId?: string } = {},
  ): Promise<Reply<Type>> {
    const requestId = options.requestId ?? `${this.#requestIdPrefix}${this.#nextRequestNumber++}`;
    const reply = new Promise<ServerMessage>((resolve) => this.#waiting.set(requestId, resolve));
    this.socket.send(JSON.stringify({ type, requestId, ...body }));
    const message = await reply;
    if (message.type === 'error') return { ok: false, error: message };
    if (message.type !== 'result') throw new Error(`unexpected reply ${message.type}`);
    return { ok: true, seq: message.seq, result: message.result as ResultOf<Type> };
  }

  /** Like request, but fails the test unless the server answered with a result. */
  async expectResult<Type extends ClientMessageType>(type: Type, body: Omit<RequestBody<Type>, 'type'>): Promise<ResultOf<Type>> {
    const reply = await this.request(type, body);
    if (!reply.ok) throw new Error(`${type} failed: ${reply.error.code}: ${reply.error.message}`);
    return reply.result;
  }

  /** Sends raw text (or bytes) and waits for the error that answers it. */
  async sendRaw(data: string | Buffer, options: { binary?: boolean } = {}): Promise<ErrorMessage> {
    const next = new Promise<ErrorMessage>((resolve) => this.#errorWaiters.push(resolve));
    this.socket.send(data, { binary: options.binary ?? false });
    return next;
  }

  async startShopper(name = 'Test Shopper', address = '1 Test Street'): Promise<ResultOf<'session.start'>> {
    return this.expectResult('session.start', { name, address });
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }

  #socketOnMessage(text: string): void {
    const message = ServerMessageSchema.parse(JSON.parse(text));
    this.frames.push(message);
    switch (message.type) {
      case 'welcome':
        this.welcome = message;
        this.lastSeq = message.seq;
        this.bankStats = message.bank;
        this.#applyProducts(message.products);
        this.#onWelcome();
        return;
      case 'changes':
        this.lastSeq = Math.max(this.lastSeq, message.seq);
        this.#applyProducts(message.products);
        this.applyAccounts(message.accounts ?? []);
        this.transactionsSeen.push(...(message.transactions ?? []));
        return;
      case 'stats':
        this.bankStats = message.bank;
        return;
      case 'result': {
        this.lastSeq = Math.max(this.lastSeq, message.seq);
        const accounts = (message.result as { accounts?: unknown }).accounts;
        if (Array.isArray(accounts)) this.applyAccounts(accounts as AccountView[]);
        this.#settle(message.requestId, message);
        return;
      }
      case 'error':
        if (message.requestId !== null && this.#waiting.has(message.requestId)) {
          this.#settle(message.requestId, message);
          return;
        }
        this.#unmatchedErrors.push(message);
        this.#errorWaiters.shift()?.(message);
        return;
    }
  }

  #settle(requestId: string, message: ServerMessage): void {
    const resolve = this.#waiting.get(requestId);
    this.#waiting.delete(requestId);
    resolve?.(message);
  }

  applyAccounts(accounts: readonly AccountView[]): void {
    for (const account of accounts) {
      this.balancesSeen.push(account.balanceCents);
      const held = this.accounts.get(account.number);
      if (held === undefined || account.version > held.version) this.accounts.set(account.number, account);
    }
  }

  #applyProducts(products: readonly ProductView[]): void {
    for (const product of products) {
      this.stockSeen.push(product.stock);
      const held = this.products.get(product.id);
      if (held === undefined || product.version > held.version) this.products.set(product.id, product);
    }
  }
}
