/**
 * The torture run's clients: each is one tab's worth of Tally (a bank user with a checking account
 * and a shopper), on the one protocol client, reconnecting after every kill, resuming its user and
 * shopper, and re-sending unanswered requests with the same keys. Every operation is recorded
 * (torture/history.ts) for the checker; the final state is read back through the protocol alone.
 */
import WebSocket from 'ws';
import { ProtocolClient, type Connection, type Reply, type SocketLike } from '../shared/client/protocol-client.ts';
import { RequestError } from '../shared/client/request-error.ts';
import { RequestKeys } from '../shared/client/request-keys.ts';
import { orderHistoryPageMax } from '../shared/limits.ts';
import type { AccountView, CartView, KeyedRequestType, RequestFields, TransactionView } from '../shared/protocol.ts';
import type { FinalState, InitialState, OperationRecord, TortureOperation } from './history.ts';
import { between, pick, type Random } from '../shared/seeded-random.ts';

export const tortureUserPassword = 'torture-password';
export const openingDepositCents = 1_000_000;
/** Each money operation moves 1 cent to this much. */
export const operationAmountCentsMax = 50_000;

export interface TortureClient {
  index: number;
  username: string;
  shopperName: string;
  client: ProtocolClient;
  checking: string;
}

function nodeSocket(url: string): SocketLike {
  return new WebSocket(url, { perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 }) as unknown as SocketLike;
}

/** A client that signs in (or registers) once, then resumes that user and shopper after every reconnect. */
/** `urls`: every node; the client starts on node `index % urls.length` and moves to the others when it dies. */
export async function connectClient(urls: readonly string[], index: number, runId: string): Promise<TortureClient> {
  const url = urls[index % urls.length]!;
  const username = `t${runId}-${index}`;
  const shopperName = `Shopper ${runId}-${index}`;
  let userToken: string | null = null;
  let shopperToken: string | null = null;
  const onConnected = async (connection: Connection) => {
    if (userToken === null) {
      userToken = expectOk(await connection.request('auth.register', { username, password: tortureUserPassword })).sessionToken;
      shopperToken = expectOk(await connection.request('session.start', { name: shopperName, address: `${index} Torture Lane` })).sessionToken;
      return;
    }
    expectOk(await connection.request('auth.resume', { sessionToken: userToken }));
    expectOk(await connection.request('session.resume', { sessionToken: shopperToken! }));
  };
  const client = new ProtocolClient({ url, alternateUrls: urls, createSocket: nodeSocket, onConnected, keys: new RequestKeys(`${runId}c${index}`), pingIntervalMs: 2_000 });
  client.start();
  await client.online();
  const { accounts } = await client.expectResult('bank.openAccount', { kind: 'checking', amountCents: openingDepositCents });
  return { index, username, shopperName, client, checking: accounts[0]!.number };
}

function expectOk<Type extends Parameters<ProtocolClient['request']>[0]>(reply: Reply<Type>) {
  if (!reply.ok) throw RequestError.fromRefusal(reply.error);
  return reply.result;
}

export interface WorkloadSettings {
  deadlineMs: number;
  /** Every this many operations, one answered request is sent again under its key (a duplicated delivery). */
  duplicateEvery: number;
}

export interface WorkloadTally {
  records: OperationRecord[];
  /** Repeats of answered requests whose answer differed from the first: each is a broken promise. */
  repeatMismatches: string[];
  repeatsSent: number;
}

/** One client's loop until the deadline: random transfers, deposits, withdrawals and checkouts. */
export async function runClient(self: TortureClient, everyone: readonly TortureClient[], random: Random, settings: WorkloadSettings, tally: WorkloadTally): Promise<void> {
  let operations = 0;
  while (performance.now() < settings.deadlineMs) {
    if (self.client.status !== 'online') {
      await Promise.race([self.client.online(), sleep(250)]);
      continue;
    }
    const roll = random();
    operations += 1;
    const duplicate = operations % settings.duplicateEvery === 0;
    if (roll < 0.2) await checkout(self, random, tally, duplicate);
    else await money(self, moneyOperation(self, everyone, random, roll), tally, duplicate);
  }
}

function moneyOperation(self: TortureClient, everyone: readonly TortureClient[], random: Random, roll: number): TortureOperation {
  const amountCents = between(random, 1, operationAmountCentsMax);
  if (roll < 0.35) return { type: 'bank.deposit', accountNumber: self.checking, amountCents };
  if (roll < 0.5) return { type: 'bank.withdraw', accountNumber: self.checking, amountCents };
  const other = everyone[(self.index + 1 + pick(random, everyone.length - 1)) % everyone.length]!;
  return { type: 'bank.transfer', fromAccountNumber: self.checking, toAccountNumber: other.checking, amountCents };
}

async function money(self: TortureClient, operation: TortureOperation, tally: WorkloadTally, duplicate: boolean): Promise<void> {
  const { type, ...fields } = operation as Exclude<TortureOperation, { type: 'checkout' }>;
  await recorded(self, operation, type, fields as RequestFields<typeof type>, tally, duplicate);
}

/** Empties the cart, adds one to three units of a random product, and checks out at the cart's total. */
async function checkout(self: TortureClient, random: Random, tally: WorkloadTally, duplicate: boolean): Promise<void> {
  const products = self.client.welcome.products;
  const product = products[pick(random, products.length)]!;
  const cleared = await settle(self.client.request('cart.clear', {}));
  if (cleared === null || !cleared.ok) return;
  const added = await settle(self.client.request('cart.add', { productId: product.id, quantity: between(random, 1, 3) }));
  if (added === null || !added.ok) return;
  const cart: CartView = added.result.cart;
  const operation: TortureOperation = {
    type: 'checkout',
    expectedTotalCents: cart.totalCents,
    lines: cart.lines.map((line) => ({ productId: line.productId, quantity: line.quantity })),
  };
  await recorded(self, operation, 'checkout', { expectedTotalCents: cart.totalCents }, tally, duplicate);
}

/** A cart step's answer, or null when the client failed it (closed, invalid reply): the step is skipped. */
async function settle<T>(reply: Promise<T>): Promise<T | null> {
  try {
    return await reply;
  } catch (error) {
    if (error instanceof RequestError) return null;
    throw error;
  }
}

async function recorded<Type extends KeyedRequestType>(
  self: TortureClient,
  operation: TortureOperation,
  type: Type,
  fields: RequestFields<Type>,
  tally: WorkloadTally,
  duplicate: boolean,
): Promise<void> {
  // request() sends at once when online, so an operation is recorded only if it really went out.
  if (self.client.status !== 'online') return;
  const requestId = self.client.keys.next();
  const record: OperationRecord = {
    requestId,
    issuer: operation.type === 'checkout' ? self.shopperName : self.username,
    operation,
    firstSentAtMs: performance.now(),
    answeredAtMs: null,
    sends: 1,
    outcome: { kind: 'unknown' },
  };
  tally.records.push(record);
  let reply: Reply<Type>;
  try {
    reply = await self.client.request(type, fields, { requestId, onRetrying: () => (record.sends += 1) });
  } catch (error) {
    if (error instanceof RequestError) return; // stays unknown: the client was closed at the end of the run
    throw error;
  }
  record.answeredAtMs = performance.now();
  record.outcome = reply.ok ? okOutcome(reply) : { kind: 'refused', code: reply.error.code };
  if (duplicate) await repeat(self, type, fields, requestId, reply, tally);
}

function okOutcome(reply: Extract<Reply<KeyedRequestType>, { ok: true }>): OperationRecord['outcome'] {
  const result = reply.result as { transaction?: TransactionView; order?: { orderNumber: number } };
  return {
    kind: 'ok',
    seq: reply.seq,
    ...(result.transaction === undefined ? {} : { transactionId: result.transaction.id }),
    ...(result.order === undefined ? {} : { orderNumber: result.order.orderNumber }),
  };
}

/** A duplicated delivery: the same key and body again must get the very same answer. */
async function repeat<Type extends KeyedRequestType>(
  self: TortureClient,
  type: Type,
  fields: RequestFields<Type>,
  requestId: string,
  original: Reply<Type>,
  tally: WorkloadTally,
): Promise<void> {
  tally.repeatsSent += 1;
  const again = await settle(self.client.request(type, fields, { requestId }));
  if (again === null) return;
  if (JSON.stringify(again) !== JSON.stringify(original)) {
    tally.repeatMismatches.push(`${type} ${requestId}: first answered ${describe(original)}, the repeat ${describe(again)}`);
  }
}

function describe(reply: Reply<KeyedRequestType>): string {
  return reply.ok ? `ok at seq ${reply.seq}` : `${reply.error.code}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// --- reading state through the protocol ------------------------------------------------------

export async function readAccounts(auditor: ProtocolClient, usernames: ReadonlySet<string>): Promise<AccountView[]> {
  const accounts: AccountView[] = [];
  let afterUsername: string | null = null;
  do {
    const page: Awaited<ReturnType<typeof auditor.expectResult<'audit.holders'>>> = await auditor.expectResult('audit.holders', afterUsername === null ? {} : { afterUsername });
    for (const holder of page.holders) if (usernames.has(holder.username)) accounts.push(...holder.accounts);
    afterUsername = page.nextAfterUsername;
  } while (afterUsername !== null);
  return accounts;
}

export async function readInitialState(auditor: ProtocolClient, usernames: ReadonlySet<string>): Promise<InitialState> {
  const { result, seq } = await auditor.expectCommitted('catalog.sync', {});
  return { seq, products: result.products, accounts: await readAccounts(auditor, usernames) };
}

/** Every ledger row after `sinceSeq`, newest first page by page, until the pages reach it. */
async function readTransactionsSince(auditor: ProtocolClient, sinceSeq: number): Promise<TransactionView[]> {
  const rows: TransactionView[] = [];
  let beforeId: number | undefined;
  for (;;) {
    const page = await auditor.expectResult('audit.history', beforeId === undefined ? { limit: 100 } : { limit: 100, beforeId });
    rows.push(...page.transactions.filter((row) => row.seq > sinceSeq));
    const oldest = page.transactions.at(-1);
    if (page.nextBeforeId === null || oldest === undefined || oldest.seq <= sinceSeq) return rows;
    beforeId = page.nextBeforeId;
  }
}

export async function readFinalState(auditor: ProtocolClient, clients: readonly TortureClient[], initial: InitialState): Promise<FinalState> {
  const usernames = new Set(clients.map((client) => client.username));
  const { result, seq } = await auditor.expectCommitted('catalog.sync', {});
  const orders: FinalState['orders'] = [];
  for (const self of clients) {
    const { orders: placed } = await self.client.expectResult('orders.list', {});
    if (placed.length >= orderHistoryPageMax) throw new Error(`${self.shopperName} has ${placed.length} orders: the final read cannot see past ${orderHistoryPageMax}`);
    for (const order of placed) if (order.seq > initial.seq) orders.push({ shopper: self.shopperName, order });
  }
  return {
    seq,
    products: result.products,
    accounts: await readAccounts(auditor, usernames),
    transactions: await readTransactionsSince(auditor, initial.seq),
    orders,
  };
}
