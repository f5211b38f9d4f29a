import type { ClientMessage, ServerMessage, UserView } from '../../shared/protocol.ts';
import type { BankOperations } from '../bank/bank-operations.ts';
import type { StoreOperations } from '../store/store-operations.ts';
import type { Committed, Outcome } from '../operations/outcome.ts';
import type { UserOperations } from '../users/user-operations.ts';
import { requestKey, shopperScope, userScope } from '../requests/request-key.ts';
import type { SyncOperations } from '../sync/sync-operations.ts';
import type { DashboardFeed } from '../dashboard/dashboard-feed.ts';
import type { ClientConnection } from './client-connection.ts';
import { errorFrame } from './frames.ts';
import type { EdgeRateLimits, RateLimitRefusal } from './rate-limits.ts';

export interface Services {
  store: StoreOperations;
  users: UserOperations;
  bank: BankOperations;
  sync: SyncOperations;
  dashboard: DashboardFeed;
  lastCommittedSeq: () => number;
  rateLimits: EdgeRateLimits;
  /** After `userId`'s sign-out committed: signs out (and closes) every other open tab for which `usedEndedSession` holds; returns how many. */
  signOutConnections: (userId: number, usedEndedSession: (client: ClientConnection) => boolean, except: ClientConnection) => number;
}

type MessageOf<Prefix extends string> = Extract<ClientMessage, { type: `${Prefix}${string}` }>;
type StoreMessage = Exclude<
  ClientMessage,
  MessageOf<'auth.'> | MessageOf<'bank.'> | MessageOf<'audit.'> | MessageOf<'sync.'> | MessageOf<'dashboard.'>
>;

/**
 * Routes one valid message to its operation and turns the outcome into the reply.
 * Operations resolve only once durable, so a `result` always reports committed state.
 */
export function dispatch(client: ClientConnection, message: ClientMessage, services: Services): Promise<ServerMessage> {
  if (message.type.startsWith('auth.')) return dispatchAuth(client, message as MessageOf<'auth.'>, services);
  if (message.type.startsWith('bank.')) return dispatchBank(client, message as MessageOf<'bank.'>, services);
  if (message.type.startsWith('audit.')) return dispatchAudit(client, message as MessageOf<'audit.'>, services);
  if (message.type === 'sync.resume') return resume(client, message, services);
  if (message.type.startsWith('dashboard.')) return Promise.resolve(dashboard(client, message as MessageOf<'dashboard.'>, services));
  return dispatchStore(client, message as StoreMessage, services);
}

function replyOutcome<T>(requestId: string, outcome: Outcome<T>, seq: number): ServerMessage {
  if (outcome.ok) return { type: 'result', requestId, seq, result: outcome.value };
  const { code, message, details } = outcome.failure;
  return errorFrame(requestId, code, message, details);
}

const replyCommitted = <T>(requestId: string, { outcome, seq }: Committed<T>) => replyOutcome(requestId, outcome, seq);
const replyRead = (requestId: string, services: Services, result: unknown): ServerMessage => ({
  type: 'result',
  requestId,
  seq: services.lastCommittedSeq(),
  result,
});

async function dispatchStore(client: ClientConnection, message: StoreMessage, services: Services): Promise<ServerMessage> {
  const { requestId } = message;
  const { store } = services;
  switch (message.type) {
    case 'ping':
      return replyRead(requestId, services, {});
    case 'catalog.sync': {
      const { seq, products } = await store.snapshot();
      return { type: 'result', requestId, seq, result: { products } };
    }
    case 'session.start':
      return client.shopperChange.runExclusive(async () => {
        if (client.shopper !== null) return alreadyShopping(requestId);
        const refusal = await services.rateLimits.takeShopperSession(client.address);
        if (refusal !== null) return rateLimited(requestId, refusal);
        const committed = await store.startSession(message.name, message.address);
        if (committed.outcome.ok) client.shopper = committed.outcome.value.shopper;
        return replyCommitted(requestId, committed);
      });
    case 'session.resume':
      return client.shopperChange.runExclusive(async () => {
        if (client.shopper !== null) return alreadyShopping(requestId);
        const outcome = await store.resumeSession(message.sessionToken);
        if (outcome.ok) client.shopper = outcome.value.shopper;
        return replyOutcome(requestId, outcome, services.lastCommittedSeq());
      });
  }
  const shopper = client.shopper;
  if (shopper === null) return errorFrame(requestId, 'not_signed_in', 'Start a shopper session (name and address) first.');
  const key = () => requestKey(shopperScope(shopper.id), message);
  switch (message.type) {
    case 'cart.add':
      return replyCommitted(requestId, await store.changeCartLine(shopper.id, message.productId, message.quantity, 'add', key()));
    case 'cart.set':
      return replyCommitted(requestId, await store.changeCartLine(shopper.id, message.productId, message.quantity, 'set', key()));
    case 'cart.clear':
      return replyCommitted(requestId, await store.clearCart(shopper.id, key()));
    case 'checkout':
      return replyCommitted(requestId, await store.checkout(shopper, message.expectedTotalCents, key()));
    case 'orders.list':
      return replyRead(requestId, services, { orders: await store.listOrders(shopper.id) });
    default:
      return assertNever(message);
  }
}

function dispatchAuth(client: ClientConnection, message: MessageOf<'auth.'>, services: Services): Promise<ServerMessage> {
  return client.userChange.runExclusive(() => changeUser(client, message, services));
}

async function changeUser(client: ClientConnection, message: MessageOf<'auth.'>, services: Services): Promise<ServerMessage> {
  const { requestId } = message;
  const { users } = services;
  if (message.type === 'auth.signOut') {
    if (client.user === null || client.userSessionToken === null) return notAuthenticated(requestId);
    const endedToken = client.userSessionToken;
    const user = client.user;
    const everywhere = message.everywhere === true;
    const committed = await users.signOut(endedToken, user, everywhere);
    client.user = null;
    client.userSessionToken = null;
    services.signOutConnections(user.id, (other) => (everywhere ? other.user?.id === user.id : other.userSessionToken === endedToken), client);
    return replyCommitted(requestId, committed);
  }
  if (client.user !== null) {
    return errorFrame(requestId, 'already_signed_in', `This tab is signed in as ${client.user.username}; sign out first.`);
  }
  switch (message.type) {
    case 'auth.register': {
      const refusal = await services.rateLimits.takeRegistration(client.address);
      if (refusal !== null) return rateLimited(requestId, refusal);
      const committed = await users.register(message.username, message.password);
      if (committed.outcome.ok) signIn(client, committed.outcome.value.user, committed.outcome.value.sessionToken);
      return replyCommitted(requestId, committed);
    }
    case 'auth.signIn': {
      const { rateLimits } = services;
      const refusal = await rateLimits.checkSignIn(message.username, client.address);
      if (refusal !== null) return rateLimited(requestId, refusal);
      const attempt = await users.signIn(message.username, message.password);
      if (!attempt.ok && attempt.failure.code === 'invalid_credentials') await rateLimits.signInFailed(message.username, client.address);
      if (attempt.ok) await rateLimits.signInSucceeded(message.username, client.address);
      if (!attempt.ok) return replyOutcome(requestId, attempt, services.lastCommittedSeq());
      const committed = attempt.value;
      if (committed.outcome.ok) signIn(client, committed.outcome.value.user, committed.outcome.value.sessionToken);
      return replyCommitted(requestId, committed);
    }
    case 'auth.resume': {
      const outcome = await users.resume(message.sessionToken);
      if (outcome.ok) signIn(client, outcome.value.user, message.sessionToken);
      return replyOutcome(requestId, outcome, services.lastCommittedSeq());
    }
    default:
      return assertNever(message);
  }
}

function signIn(client: ClientConnection, user: UserView, sessionToken: string): void {
  client.user = user;
  client.userSessionToken = sessionToken;
}

async function dispatchBank(client: ClientConnection, message: MessageOf<'bank.'>, services: Services): Promise<ServerMessage> {
  const { requestId } = message;
  const user = client.user;
  if (user === null) return notAuthenticated(requestId);
  if (user.role === 'auditor') return errorFrame(requestId, 'forbidden', 'The auditor may only audit; customers move money.');
  const { bank } = services;
  const key = () => requestKey(userScope(user.id), message);
  switch (message.type) {
    case 'bank.openAccount':
      return replyCommitted(requestId, await bank.openAccount(user, message.kind, message.amountCents, key()));
    case 'bank.deposit':
      return replyCommitted(requestId, await bank.deposit(user, message.accountNumber, message.amountCents, key()));
    case 'bank.withdraw':
      return replyCommitted(requestId, await bank.withdraw(user, message.accountNumber, message.amountCents, key()));
    case 'bank.transfer':
      return replyCommitted(
        requestId,
        await bank.transfer(user, message.fromAccountNumber, message.toAccountNumber, message.amountCents, key()),
      );
    case 'bank.payLoanByCheck':
      return replyCommitted(requestId, await bank.payLoanByCheck(user, message.loanAccountNumber, message.amountCents, key()));
    case 'bank.payLoanByTransfer':
      return replyCommitted(
        requestId,
        await bank.payLoanByTransfer(user, message.fromAccountNumber, message.loanAccountNumber, message.amountCents, key()),
      );
    case 'bank.accounts':
      return replyRead(requestId, services, await bank.accounts(user));
    case 'bank.history':
      return replyOutcome(requestId, await bank.history(user, message), services.lastCommittedSeq());
    default:
      return assertNever(message);
  }
}

async function dispatchAudit(client: ClientConnection, message: MessageOf<'audit.'>, services: Services): Promise<ServerMessage> {
  const { requestId } = message;
  if (client.user === null) return notAuthenticated(requestId);
  if (client.user.role !== 'auditor') return errorFrame(requestId, 'forbidden', 'Only the auditor may see the audit views.');
  const { bank } = services;
  switch (message.type) {
    case 'audit.holders':
      return replyRead(requestId, services, await bank.auditHolders(message.afterUsername, message.limit));
    case 'audit.history':
      return replyOutcome(requestId, await bank.auditHistory(message), services.lastCommittedSeq());
    case 'audit.check': {
      const report = await bank.auditCheck();
      return { type: 'result', requestId, seq: report.seq, result: { report } };
    }
    default:
      return assertNever(message);
  }
}

/** Open to every tab: public facts only, and the conservation check for the auditor. */
function dashboard(client: ClientConnection, message: MessageOf<'dashboard.'>, services: Services): ServerMessage {
  switch (message.type) {
    case 'dashboard.watch':
      return replyRead(message.requestId, services, services.dashboard.watch(client));
    case 'dashboard.unwatch':
      services.dashboard.unwatch(client);
      return replyRead(message.requestId, services, {});
    default:
      return assertNever(message);
  }
}

/** Read after this tab's identity is settled, so everything it may see after the answer reaches it live. */
async function resume(client: ClientConnection, message: MessageOf<'sync.'>, services: Services): Promise<ServerMessage> {
  const outcome = await services.sync.resume(client.user, message.databaseId, message.sinceSeq);
  if (!outcome.ok) return replyOutcome(message.requestId, outcome, services.lastCommittedSeq());
  return { type: 'result', requestId: message.requestId, seq: outcome.value.seq, result: outcome.value.result };
}

function rateLimited(requestId: string, refusal: RateLimitRefusal): ServerMessage {
  return errorFrame(requestId, 'rate_limited', refusal.message, { retryAfterMs: refusal.retryAfterMs, limit: refusal.limit });
}

function alreadyShopping(requestId: string): ServerMessage {
  return errorFrame(requestId, 'already_signed_in', 'This connection already has a shopper session; open a new tab for another shopper.');
}

function notAuthenticated(requestId: string): ServerMessage {
  return errorFrame(requestId, 'not_authenticated', 'Sign in (or register) first.');
}

function assertNever(value: never): never {
  throw new Error(`unhandled message ${JSON.stringify(value)}`);
}
