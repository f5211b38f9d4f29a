/**
 * The wire protocol between Tally's server and its clients: the single source of truth.
 * The server validates every frame with these schemas, the SPA and the tests take their
 * types from them, and docs/PROTOCOL.md describes exactly these messages.
 *
 * Every client message carries a `requestId`; the server answers each with exactly one
 * `result` or `error` carrying the same id. A `result` is sent only after the change it
 * reports is durably committed, and carries that commit's sequence number `seq`, which
 * only grows. Broadcasts (`changes`) carry the `seq` of the commit they describe and each
 * entity carries a `version` that only grows, so a client applies an entity only when its
 * version is newer than the one it holds.
 */
import { z } from 'zod';
import {
  clusterEndpointsMax,
  endpointLengthMax,
  amountCentsMax,
  balanceCentsMax,
  cartLinesMax,
  historyPageMax,
  auditHoldersPageMax,
  passwordLengthMax,
  passwordLengthMin,
  usernameLengthMax,
  usernameLengthMin,
  lineQuantityMax,
  priceCentsMax,
  productIdMax,
  requestIdLengthMax,
  sessionTokenLength,
  shopperAddressLengthMax,
  shopperNameLengthMax,
} from './limits.ts';
import { accountNumberProblem, accountNumberProblemMessages } from './account-number.ts';
import { textSchema } from './text.ts';

export const protocolVersion = 1;

/** Close codes the server uses (RFC 6455). */
export const closeCodes = {
  /** The server is shutting down; reconnect with backoff. */
  serverShutdown: 1001,
  /**
   * The client fell too far behind or stopped answering: its unread data passed
   * clientSendBufferBytesHardMax, or more than clientPendingTransactionsMax ledger rows or
   * clientPendingEntitiesMax entities wait for it, or it held the most unread data when all clients'
   * together passed the outgoingBytesBudget, or it did not answer the heartbeat's ping in time. The
   * reason says which. Reconnect and resume (sync.resume): nothing is lost.
   */
  slowConsumer: 1008,
  /** A frame was larger than frameBytesMax. */
  frameTooLarge: 1009,
  /** A text frame was not valid UTF-8 (closed by the WebSocket layer). */
  invalidUtf8: 1007,
  /** The session this tab used was signed out (here or in another tab): sign in again. */
  signedOut: 4001,
  /** The session this tab used expired (idle or absolute lifetime): sign in or start a new shopper session. */
  sessionExpired: 4002,
} as const;

// ---------------------------------------------------------------------------------------
// Building blocks

// Every string a client sends is built by textSchema (shared/text.ts): well-formed Unicode only, and
// lengths in UTF-16 code units (zod's own string min/max count code points).

/** A request's key: chosen by the client, unique for its issuer (see keyedRequestTypes). */
export const requestId = textSchema({ field: 'requestId', lengthMin: 1, lengthMax: requestIdLengthMax })
  .regex(/^[A-Za-z0-9_.:-]+$/, 'requestId may only contain letters, digits and _ . : -');

const productId = z.int().min(1).max(productIdMax);

const positiveQuantity = z
  .int('quantity must be a whole number')
  .min(1, 'quantity must be at least 1')
  .max(lineQuantityMax, `quantity must be at most ${lineQuantityMax}`);

const cents = z.int().min(0).max(Number.MAX_SAFE_INTEGER);

function trimmedText(field: string, lengthMax: number) {
  return textSchema({ field, lengthMin: 1, lengthMax, trim: true })
    .regex(/^[^\p{Cc}]*$/u, `${field} must not contain control characters`);
}

/** Shoppers' names and addresses; the web form checks them with these same schemas. */
export const shopperName = trimmedText('name', shopperNameLengthMax);
export const shopperAddress = trimmedText('address', shopperAddressLengthMax);

export const username = textSchema({ field: 'username', lengthMin: usernameLengthMin, lengthMax: usernameLengthMax, trim: true })
  .regex(/^[A-Za-z0-9_.-]+$/, 'username may only contain letters, digits and _ . -')
  .transform((name) => name.toLowerCase());

/** Taken as typed, never trimmed. */
export const password = textSchema({ field: 'password', lengthMin: passwordLengthMin, lengthMax: passwordLengthMax });

/**
 * Account numbers: accountNumberDigits digits ending in two MOD 97-10 check digits
 * (shared/account-number.ts), so a mistyped one is refused before anything looks it up.
 */
export const accountNumber = z.string().superRefine((number, context) => {
  const problem = accountNumberProblem(number);
  if (problem !== null) context.addIssue({ code: 'custom', message: accountNumberProblemMessages[problem] });
});

const amountCents = z
  .int('amount must be a whole number of cents')
  .min(1, 'amount must be at least 1 cent')
  .max(amountCentsMax, `amount must be at most ${amountCentsMax} cents`);

const sessionToken = textSchema({ field: 'sessionToken', lengthMin: sessionTokenLength, lengthMax: sessionTokenLength })
  .regex(/^[A-Za-z0-9_-]+$/, 'sessionToken is not a Tally session token');

export const AccountKind = z.enum(['checking', 'savings', 'loan']);
export type AccountKind = z.infer<typeof AccountKind>;

export const TransactionKind = z.enum([
  'open_account',
  'deposit',
  'withdrawal',
  'transfer',
  'loan_payment_check',
  'loan_payment_transfer',
]);
export type TransactionKind = z.infer<typeof TransactionKind>;

function request<Type extends string, Shape extends z.ZodRawShape>(type: Type, shape: Shape) {
  return z.strictObject({ type: z.literal(type), requestId, ...shape });
}

// ---------------------------------------------------------------------------------------
// Entities as clients see them

export const ProductView = z.strictObject({
  id: productId,
  name: z.string(),
  description: z.string(),
  emoji: z.string(),
  priceCents: cents,
  stock: z.int().min(0),
  /** Grows with every committed change to this product. */
  version: z.int().min(1),
});

export const ShopperView = z.strictObject({
  id: z.int().min(1),
  name: z.string(),
  address: z.string(),
});

export const CartLineView = z.strictObject({
  productId,
  name: z.string(),
  unitPriceCents: cents,
  quantity: positiveQuantity,
  lineTotalCents: cents,
});

export const CartView = z.strictObject({
  lines: z.array(CartLineView).max(cartLinesMax),
  totalCents: cents,
});

export const OrderView = z.strictObject({
  orderNumber: z.int().min(1),
  /**
   * The idempotency key (`requestId`) of the checkout that placed it (only its shopper sees orders);
   * null, with `seq` 0, for orders placed before Tally stored keys.
   */
  requestId: requestId.nullable(),
  /** Sequence number of the commit that holds it. */
  seq: z.int().min(0),
  /** ISO 8601, UTC. */
  placedAt: z.string(),
  shipTo: z.strictObject({ name: z.string(), address: z.string() }),
  lines: z.array(CartLineView).min(1).max(cartLinesMax),
  totalCents: cents,
});

export const UserView = z.strictObject({
  id: z.int().min(1),
  username: z.string(),
  role: z.enum(['customer', 'auditor']),
});

/**
 * Checking and savings balances are money the bank holds for the owner; a loan's balance is what
 * the owner still owes. Never negative.
 */
export const AccountView = z.strictObject({
  number: accountNumber,
  kind: AccountKind,
  ownerUsername: z.string(),
  balanceCents: z.int().min(0).max(balanceCentsMax),
  /** Grows with every committed change to this account. */
  version: z.int().min(1),
  openedAt: z.string(),
});

/** One ledger line: debits positive, credits negative; a transaction's entries sum to zero. */
export const LedgerEntryView = z.strictObject({
  accountNumber,
  amountCents: z.int(),
});

export const TransactionView = z.strictObject({
  id: z.int().min(1),
  kind: TransactionKind,
  amountCents: z.int().min(0),
  /** The customer account money left (null when it came from outside the bank). */
  fromAccountNumber: accountNumber.nullable(),
  /** The customer account money reached (null when it left the bank). */
  toAccountNumber: accountNumber.nullable(),
  username: z.string(),
  createdAt: z.string(),
  /** Sequence number of the commit that holds it. */
  seq: z.int().min(1),
  /**
   * The idempotency key (`requestId`) of the request that made it. Shown to the user who made it and
   * to the auditor; null for everyone else (a transfer's receiver does not learn the sender's keys).
   */
  requestId: requestId.nullable(),
  entries: z.array(LedgerEntryView).min(2),
});

export const BankStats = z.strictObject({
  /** Sum of all checking and savings balances. */
  totalDepositsCents: z.int().min(0),
  /** Sum of all loan balances still owed. */
  totalLoansOwedCents: z.int().min(0),
  /** Bank operations committed per second, averaged over the last few seconds. */
  operationsPerSecond: z.number().min(0),
});

export const IntegrityReport = z.strictObject({
  ok: z.boolean(),
  /** The commit the check read. */
  seq: z.int().min(0),
  checkedAt: z.string(),
  transactionsChecked: z.int().min(0),
  entriesChecked: z.int().min(0),
  accountsChecked: z.int().min(0),
  /** Each broken rule, in words; empty when ok. */
  problems: z.array(z.string()),
});

export const AccountHolder = z.strictObject({
  username: z.string(),
  accounts: z.array(AccountView),
});

const count = z.int().min(0);
/** Refusals by error code (e.g. `out_of_stock`, `insufficient_funds`). */
const RefusalCounts = z.record(z.string(), count);

/**
 * One second of committed facts, for the dashboard. Counts are of requests whose outcome was
 * committed in that second (a repeat answered from its stored outcome is not counted again).
 */
export const DashboardSecond = z.strictObject({
  /** Unix time in ms at which this second ended. */
  at: z.int().min(0),
  /** The newest commit this second includes. */
  seq: z.int().min(0),
  orders: z.strictObject({ ok: count, refused: RefusalCounts }),
  /** The bank's money operations (open account, deposit, withdraw, transfer, loan payments). */
  money: z.strictObject({ ok: count, refused: RefusalCounts }),
  /** Durable commits (one fsync each) and the operations they held. */
  commits: count,
  operationsCommitted: count,
  /** Replies sent, and the server's time from frame received to reply sent; null when none. */
  replies: count,
  replyLatencyP50Ms: z.number().min(0).nullable(),
  replyLatencyP99Ms: z.number().min(0).nullable(),
  /** Stock of every product at the end of the second, by product id. */
  stock: z.record(z.string(), count),
  /** Products whose last unit was bought in this second. */
  soldOut: z.array(productId),
  /** Checkouts refused because another shopper bought the stock first, by product id. */
  racesLost: z.record(z.string(), count),
  totalDepositsCents: count,
  totalLoansOwedCents: count,
  /** Tabs connected at the end of the second. */
  presence: z.strictObject({ shoppers: count, customers: count, auditors: count, observers: count }),
  /**
   * Auditor only: the balances as stored against what the ledger's movements say they must be
   * (opening deposits + deposits - withdrawals - loan payments by transfer; loans opened - paid).
   */
  conservation: z
    .strictObject({
      depositsActualCents: count,
      depositsExpectedCents: z.int(),
      loansActualCents: count,
      loansExpectedCents: z.int(),
    })
    .optional(),
});

/** One line of the dashboard's live tape: a committed fact in words, with no personal data. */
export const TapeEvent = z.strictObject({
  /** Grows by one per event (a gap means events were left off the tape). */
  id: z.int().min(1),
  /** Unix time in ms. */
  at: z.int().min(0),
  kind: z.enum(['order', 'order_refused', 'sold_out', 'money', 'money_refused']),
  ok: z.boolean(),
  text: z.string(),
});

// ---------------------------------------------------------------------------------------
// Client -> server

export const SessionStart = request('session.start', {
  name: shopperName,
  address: shopperAddress,
});

export const SessionResume = request('session.resume', {
  sessionToken,
});

export const CatalogSync = request('catalog.sync', {});

export const CartAdd = request('cart.add', { productId, quantity: positiveQuantity });

export const CartSet = request('cart.set', {
  productId,
  /** 0 removes the line. */
  quantity: z
    .int('quantity must be a whole number')
    .min(0, 'quantity must not be negative')
    .max(lineQuantityMax, `quantity must be at most ${lineQuantityMax}`),
});

export const CartClear = request('cart.clear', {});

export const Checkout = request('checkout', {
  /** The total the shopper reviewed; if the cart no longer adds up to it the checkout is refused. */
  expectedTotalCents: cents.max(priceCentsMax * lineQuantityMax * cartLinesMax),
});

export const OrdersList = request('orders.list', {});

/** A database's name in `welcome`: positions (`seq`) from one database mean nothing in another. */
const databaseId = z.string().regex(/^[0-9a-f]{1,16}$/, 'databaseId is the welcome\'s databaseId');

/**
 * After a reconnect (and after `session.resume` / `auth.resume`): everything this tab may see that
 * changed after `sinceSeq`, or `resync_required` when that cannot be answered.
 */
export const SyncResume = request('sync.resume', {
  databaseId,
  /** The newest commit position through which this tab applied every change it may see. */
  sinceSeq: z.int().min(0),
});

export const Ping = request('ping', {});

export const AuthRegister = request('auth.register', { username, password });
export const AuthSignIn = request('auth.signIn', { username, password });
export const AuthResume = request('auth.resume', { sessionToken });
export const AuthSignOut = request('auth.signOut', {
  /** Ends every session of this user (every tab, device and script), not only this tab's. */
  everywhere: z.boolean().optional(),
});

export const BankOpenAccount = request('bank.openAccount', {
  kind: AccountKind,
  /** The initial deposit (checking, savings) or the principal owed (loan). */
  amountCents,
});
export const BankDeposit = request('bank.deposit', { accountNumber, amountCents });
export const BankWithdraw = request('bank.withdraw', { accountNumber, amountCents });
export const BankTransfer = request('bank.transfer', {
  fromAccountNumber: accountNumber,
  toAccountNumber: accountNumber,
  amountCents,
});
export const BankPayLoanByCheck = request('bank.payLoanByCheck', { loanAccountNumber: accountNumber, amountCents });
export const BankPayLoanByTransfer = request('bank.payLoanByTransfer', {
  fromAccountNumber: accountNumber,
  loanAccountNumber: accountNumber,
  amountCents,
});
export const BankAccounts = request('bank.accounts', {});

const historyPage = {
  /** Only transactions with a smaller id (the `nextBeforeId` of the previous page). */
  beforeId: z.int().min(1).optional(),
  limit: z.int().min(1).max(historyPageMax, `limit must be at most ${historyPageMax}`).optional(),
  accountNumber: accountNumber.optional(),
};
export const BankHistory = request('bank.history', historyPage);

export const AuditHolders = request('audit.holders', {
  /** Only holders whose username sorts after this one (the `nextAfterUsername` of the previous page). */
  afterUsername: textSchema({ field: 'afterUsername', lengthMax: usernameLengthMax }).optional(),
  limit: z.int().min(1).max(auditHoldersPageMax, `limit must be at most ${auditHoldersPageMax}`).optional(),
});
export const AuditHistory = request('audit.history', {
  ...historyPage,
  username: username.optional(),
  kind: TransactionKind.optional(),
});
export const AuditCheck = request('audit.check', {});

/** Start receiving a `dashboard` frame every second (public facts; the auditor also gets the conservation check). */
export const DashboardWatch = request('dashboard.watch', {});
export const DashboardUnwatch = request('dashboard.unwatch', {});

export const ClientMessage = z.discriminatedUnion('type', [
  SessionStart,
  SessionResume,
  CatalogSync,
  CartAdd,
  CartSet,
  CartClear,
  Checkout,
  OrdersList,
  SyncResume,
  Ping,
  AuthRegister,
  AuthSignIn,
  AuthResume,
  AuthSignOut,
  BankOpenAccount,
  BankDeposit,
  BankWithdraw,
  BankTransfer,
  BankPayLoanByCheck,
  BankPayLoanByTransfer,
  BankAccounts,
  BankHistory,
  AuditHolders,
  AuditHistory,
  AuditCheck,
  DashboardWatch,
  DashboardUnwatch,
]);

export type ClientMessage = z.infer<typeof ClientMessage>;
export type ClientMessageType = ClientMessage['type'];
export const clientMessageTypes = ClientMessage.options.map((option) => option.shape.type.value);

/**
 * The requests whose `requestId` is an idempotency key: each changes state, and its outcome (result
 * or refusal) is stored with the issuer's key in the same commit as its effect. Sending one again
 * with the same key and body, at any later time, gets the stored answer and changes nothing, so a
 * client re-sends these after a reconnect until it has the answer.
 */
export const keyedRequestTypes = [
  'cart.add',
  'cart.set',
  'cart.clear',
  'checkout',
  'bank.openAccount',
  'bank.deposit',
  'bank.withdraw',
  'bank.transfer',
  'bank.payLoanByCheck',
  'bank.payLoanByTransfer',
] as const satisfies readonly ClientMessageType[];
export type KeyedRequestType = (typeof keyedRequestTypes)[number];
const keyedTypeSet: ReadonlySet<string> = new Set(keyedRequestTypes);
export const isKeyedRequestType = (type: string): type is KeyedRequestType => keyedTypeSet.has(type);

// ---------------------------------------------------------------------------------------
// Results, one schema per request type

const SessionResult = z.strictObject({
  shopper: ShopperView,
  cart: CartView,
});

const AuthResult = z.strictObject({ user: UserView, accounts: z.array(AccountView) });

/** What every money operation answers: OK, the transaction, and the new balances of the caller's accounts it touched. */
const MoneyResult = z.strictObject({ transaction: TransactionView, accounts: z.array(AccountView) });

/** The requests that move money: each answers with the transaction and the caller's new balances. */
export type MoneyRequestType =
  | 'bank.openAccount'
  | 'bank.deposit'
  | 'bank.withdraw'
  | 'bank.transfer'
  | 'bank.payLoanByCheck'
  | 'bank.payLoanByTransfer';

const HistoryPage = z.strictObject({
  transactions: z.array(TransactionView),
  /** Pass as `beforeId` for the next (older) page; null when there is none. */
  nextBeforeId: z.int().min(1).nullable(),
});

export const resultSchemas = {
  'session.start': SessionResult.extend({ sessionToken: z.string() }),
  'session.resume': SessionResult,
  'catalog.sync': z.strictObject({ products: z.array(ProductView) }),
  'cart.add': z.strictObject({ cart: CartView }),
  'cart.set': z.strictObject({ cart: CartView }),
  'cart.clear': z.strictObject({ cart: CartView }),
  checkout: z.strictObject({ order: OrderView, cart: CartView }),
  'orders.list': z.strictObject({ orders: z.array(OrderView) }),
  'sync.resume': z.strictObject({
    /** Latest state of every product changed after sinceSeq. */
    products: z.array(ProductView),
    /** Latest state of every account this tab may see that changed after sinceSeq. */
    accounts: z.array(AccountView),
    /** For the auditor: every ledger transaction committed after sinceSeq, in commit order. Empty for others. */
    transactions: z.array(TransactionView),
  }),
  ping: z.strictObject({}),
  'auth.register': AuthResult.extend({ sessionToken: z.string() }),
  'auth.signIn': AuthResult.extend({ sessionToken: z.string() }),
  'auth.resume': AuthResult,
  'auth.signOut': z.strictObject({}),
  'bank.openAccount': MoneyResult,
  'bank.deposit': MoneyResult,
  'bank.withdraw': MoneyResult,
  'bank.transfer': MoneyResult,
  'bank.payLoanByCheck': MoneyResult,
  'bank.payLoanByTransfer': MoneyResult,
  'bank.accounts': z.strictObject({ accounts: z.array(AccountView) }),
  'bank.history': HistoryPage,
  'audit.holders': z.strictObject({
    holders: z.array(AccountHolder),
    /** Pass as `afterUsername` for the next page; null when this page is the last. */
    nextAfterUsername: z.string().nullable(),
  }),
  'audit.history': HistoryPage,
  'audit.check': z.strictObject({ report: IntegrityReport }),
  'dashboard.watch': z.strictObject({
    /** The seconds the server keeps (at most dashboardWindowSeconds), oldest first. */
    seconds: z.array(DashboardSecond),
    /** The newest tape events (at most dashboardTapeEventsMax), oldest first. */
    tape: z.array(TapeEvent),
  }),
  'dashboard.unwatch': z.strictObject({}),
} as const satisfies Record<ClientMessageType, z.ZodType>;

export type ResultOf<Type extends ClientMessageType> = z.infer<(typeof resultSchemas)[Type]>;

// ---------------------------------------------------------------------------------------
// Errors: a stable code for programs and a sentence for people

export const errorCodes = {
  malformed_json: 'The frame is not valid JSON.',
  binary_frame: 'Binary frames are not accepted; send JSON text.',
  invalid_message: 'The message does not match the protocol.',
  unknown_type: 'The message type is not one Tally knows.',
  not_signed_in: 'Start a shopper session first.',
  already_signed_in: 'This connection already has a shopper session.',
  session_not_found: 'No session has that token.',
  unknown_product: 'There is no such product.',
  insufficient_stock: 'Not enough stock for that quantity.',
  quantity_limit: 'A cart line may not hold more than lineQuantityMax units.',
  cart_full: 'The cart has as many different products as it can hold.',
  cart_empty: 'The cart is empty.',
  cart_changed: 'The cart changed since it was reviewed.',
  out_of_stock: 'Another shopper bought some of these items first.',
  username_taken: 'That username is taken.',
  invalid_credentials: 'Wrong username or password.',
  not_authenticated: 'Sign in first.',
  forbidden: 'You may not do that.',
  /** Also for another customer's account: a refusal never tells whether, or of what kind, it exists. */
  unknown_account: 'No account with that number is one this request may use.',
  /** Only ever about the caller's own account. */
  wrong_account_kind: 'That operation does not apply to this kind of account.',
  same_account: 'The two accounts must differ.',
  insufficient_funds: 'The account does not hold enough money.',
  overpayment: 'That is more than the loan still owes.',
  balance_limit: 'The balance would pass the largest one an account may hold.',
  account_limit: 'You have as many accounts as a user may open.',
  idempotency_mismatch: 'That requestId was already used for a different request.',
  resync_required: 'The tab is too far behind to resume; take a fresh snapshot.',
  server_busy: 'The server is shutting down or overloaded; try again.',
  rate_limited: 'Too many attempts; nothing was done. Try again after details.retryAfterMs.',
  session_expired: 'The session ended (unused too long, or too old); sign in or start again.',
  internal: 'Something went wrong on the server.',
} as const;

export type ErrorCode = keyof typeof errorCodes;

export const StockShortfall = z.strictObject({
  productId,
  name: z.string(),
  requested: z.int().min(1),
  available: z.int().min(0),
});
export type StockShortfall = z.infer<typeof StockShortfall>;

export const ErrorDetails = z.strictObject({
  /** For `invalid_message`: where and what, one entry per problem. */
  issues: z.array(z.strictObject({ path: z.string(), message: z.string() })).optional(),
  /** For `out_of_stock` and `insufficient_stock`: every line that cannot be filled. */
  shortfalls: z.array(StockShortfall).optional(),
  /** For `cart_changed`: the cart as it is now. */
  cart: CartView.optional(),
  /** For a refused bank money operation: the caller's own accounts it named, as they still are. */
  accounts: z.array(AccountView).optional(),
  /** For `rate_limited`: how long to wait before the same request can succeed, and which limit refused it. */
  retryAfterMs: z.int().min(0).optional(),
  limit: z.string().optional(),
});

// ---------------------------------------------------------------------------------------
// Server -> client

/** A WebSocket address of a Tally process: ws:// or wss://, ending in /ws. */
export const WebSocketEndpoint = z
  .string()
  .max(endpointLengthMax)
  .regex(/^wss?:\/\/[^\s/?#]+\/ws$/, 'an endpoint is a WebSocket address such as wss://shop.example.com/ws');

export const Welcome = z.strictObject({
  type: z.literal('welcome'),
  protocolVersion: z.literal(protocolVersion),
  /** The newest committed sequence number at the moment of this snapshot. */
  seq: z.int().min(0),
  /** Names this database; send it back with `sync.resume`. */
  databaseId,
  products: z.array(ProductView),
  bank: BankStats,
  /**
   * Every process serving this database, this one included, when the operator named them: a
   * client moves to another when its own stops answering. Absent for a single process.
   */
  endpoints: z.array(WebSocketEndpoint).max(clusterEndpointsMax).optional(),
});

export const Result = z.strictObject({
  type: z.literal('result'),
  requestId,
  /** Sequence number of the durable commit that holds this request's effects. */
  seq: z.int().min(0),
  result: z.unknown(),
});

export const ErrorMessage = z.strictObject({
  type: z.literal('error'),
  /** Null when the frame had no readable requestId (e.g. malformed JSON). */
  requestId: z.string().nullable(),
  code: z.enum(Object.keys(errorCodes) as [ErrorCode, ...ErrorCode[]]),
  message: z.string(),
  details: ErrorDetails.optional(),
});

export const Changes = z.strictObject({
  type: z.literal('changes'),
  /** The newest commit whose changes this frame includes. */
  seq: z.int().min(1),
  /** Latest state of every product that changed, each once. */
  products: z.array(ProductView),
  /** Accounts that changed and this tab may see: the signed-in user's own, or every one for the auditor. */
  accounts: z.array(AccountView).optional(),
  /** New ledger transactions; sent to the auditor only. */
  transactions: z.array(TransactionView).optional(),
});

/** The bank's totals and operation rate, sent to every tab at most every statsIntervalMs when they change. */
export const Stats = z.strictObject({
  type: z.literal('stats'),
  seq: z.int().min(0),
  bank: BankStats,
});

/**
 * To a tab that sent `dashboard.watch`: the second that just ended, every dashboardIntervalMs, and
 * in between, every dashboardTapeFlushMs when there are any, the tape's new events.
 */
export const Dashboard = z.strictObject({
  type: z.literal('dashboard'),
  /** Null in a frame that only brings new tape events. */
  second: DashboardSecond.nullable(),
  /** Events since the previous frame, oldest first (at most dashboardTapeEventsPerSecondMax per second). */
  tape: z.array(TapeEvent),
  /** Events since the previous frame left off the tape. */
  tapeOmitted: count,
});

export const ServerMessage = z.discriminatedUnion('type', [Welcome, Result, ErrorMessage, Changes, Stats, Dashboard]);

export type ProductView = z.infer<typeof ProductView>;
export type ShopperView = z.infer<typeof ShopperView>;
export type CartLineView = z.infer<typeof CartLineView>;
export type CartView = z.infer<typeof CartView>;
export type OrderView = z.infer<typeof OrderView>;
export type ErrorDetails = z.infer<typeof ErrorDetails>;
export type Welcome = z.infer<typeof Welcome>;
export type Result = z.infer<typeof Result>;
export type ErrorMessage = z.infer<typeof ErrorMessage>;
export type Changes = z.infer<typeof Changes>;
export type Stats = z.infer<typeof Stats>;
export type Dashboard = z.infer<typeof Dashboard>;
export type DashboardSecond = z.infer<typeof DashboardSecond>;
export type TapeEvent = z.infer<typeof TapeEvent>;
export type UserView = z.infer<typeof UserView>;
export type AccountView = z.infer<typeof AccountView>;
export type LedgerEntryView = z.infer<typeof LedgerEntryView>;
export type TransactionView = z.infer<typeof TransactionView>;
export type BankStats = z.infer<typeof BankStats>;
export type IntegrityReport = z.infer<typeof IntegrityReport>;
export type AccountHolder = z.infer<typeof AccountHolder>;
export type ServerMessage = z.infer<typeof ServerMessage>;

/** A request as a client builds it, before the client stamps a requestId on it. */
export type RequestBody<Type extends ClientMessageType> = Omit<
  Extract<ClientMessage, { type: Type }>,
  'requestId'
>;

/** A request's own fields: neither its type nor its requestId. */
export type RequestFields<Type extends ClientMessageType> = Omit<RequestBody<Type>, 'type'>;
