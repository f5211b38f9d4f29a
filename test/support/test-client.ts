import WebSocket from 'ws';
import { ProtocolClient, type Reply, type RequestOptions, type SocketLike } from '../../shared/client/protocol-client.ts';
import { RequestKeys, randomKeyPrefix } from '../../shared/client/request-keys.ts';
import { mergeNewerInto } from '../../shared/client/version-merge.ts';
import {
  type AccountView,
  type BankStats,
  type TransactionView,
  type ClientMessageType,
  type ErrorMessage,
  type ProductView,
  type RequestFields,
  type ResultOf,
  type ServerMessage,
  ServerMessage as ServerMessageSchema,
  type Welcome,
} from '../../shared/protocol.ts';

export type { Reply };

/**
 * A protocol client for tests: the one protocol client (shared/client) on a real WebSocket, without
 * reconnecting, plus what tests look at: every server frame (validated), the products and accounts
 * it has seen kept by the version rule, and every balance, stock and ledger row any frame showed.
 */
export class TestClient {
  readonly client: ProtocolClient;
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
  readonly #errorWaiters: Array<(message: ErrorMessage) => void> = [];

  private constructor(client: ProtocolClient, socket: WebSocket) {
    this.client = client;
    this.socket = socket;
    socket.on('message', (data) => this.#socketOnMessage(String(data)));
    client.on('changes', (changes) => {
      this.#applyProducts(changes.products);
      this.applyAccounts(changes.accounts ?? []);
      this.transactionsSeen.push(...(changes.transactions ?? []));
    });
    client.on('stats', (stats) => (this.bankStats = stats.bank));
  }

  /** `requestIdPrefix` lets a test find this client's requests in the ledger; by default it is random. */
  static async connect(
    webSocketUrl: string,
    requestIdPrefix = `t${randomKeyPrefix().slice(0, 10)}`,
    socketOptions: WebSocket.ClientOptions = {},
  ): Promise<TestClient> {
    let socket: WebSocket | undefined;
    let testClient: TestClient | undefined;
    const client = new ProtocolClient({
      url: webSocketUrl,
      reconnect: false,
      pingIntervalMs: null,
      keys: new RequestKeys(requestIdPrefix),
      createSocket: (url) => {
        socket = new WebSocket(url, { perMessageDeflate: false, ...socketOptions });
        return socket as unknown as SocketLike;
      },
    });
    client.on('welcome', (welcome) => {
      testClient!.bankStats = welcome.bank;
      testClient!.#applyProducts(welcome.products);
    });
    client.start();
    testClient = new TestClient(client, socket!);
    await client.online();
    return testClient;
  }

  get welcome(): Welcome {
    return this.client.welcome;
  }

  /** The commit position through which this client has every change it may see. */
  get lastSeq(): number {
    return this.client.syncPosition?.seq ?? 0;
  }

  /** `options.requestId` re-sends under a key the test chose (a repeat); by default each request gets a new one. */
  async request<Type extends ClientMessageType>(type: Type, fields: RequestFields<Type>, options: RequestOptions = {}): Promise<Reply<Type>> {
    const reply = await this.client.request(type, fields, options);
    if (reply.ok) {
      const accounts = (reply.result as { accounts?: unknown }).accounts;
      if (Array.isArray(accounts)) this.applyAccounts(accounts as AccountView[]);
    }
    return reply;
  }

  /** Like request, but fails the test unless the server answered with a result. */
  async expectResult<Type extends ClientMessageType>(type: Type, fields: RequestFields<Type>, options: RequestOptions = {}): Promise<ResultOf<Type>> {
    const reply = await this.request(type, fields, options);
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
    return this.client.close();
  }

  applyAccounts(accounts: readonly AccountView[]): void {
    for (const account of accounts) this.balancesSeen.push(account.balanceCents);
    mergeNewerInto(this.accounts, accounts, (account) => account.number);
  }

  #applyProducts(products: readonly ProductView[]): void {
    for (const product of products) this.stockSeen.push(product.stock);
    mergeNewerInto(this.products, products, (product) => product.id);
  }

  /** Every frame, as the server sent it; raw refusals (no pending request) go to sendRaw's waiters. */
  #socketOnMessage(text: string): void {
    const message = ServerMessageSchema.parse(JSON.parse(text));
    this.frames.push(message);
    if (message.type === 'error' && (message.requestId === null || !this.#isOwnRequest(message.requestId))) {
      this.#errorWaiters.shift()?.(message);
    }
  }

  /** Raw frames in tests use short made-up ids; the client's own keys carry its prefix. */
  #isOwnRequest(requestId: string): boolean {
    return requestId.includes(`-${this.client.keys.prefix}-`);
  }
}
