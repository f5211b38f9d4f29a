import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { product, startTestServer, testAuditorPassword, type TestServer } from '../../../test/support/test-server.ts';
import { createTallyStore, type TallyState, type TallyStore } from '../state/store.ts';
import { RequestError } from '../../../shared/client/request-error.ts';
import type { SocketLike } from '../../../shared/client/protocol-client.ts';
import { memorySessionTokenStorage, type SessionTokenStorage } from './session-token-storage.ts';
import { SessionSync } from './session-sync.ts';
import { until } from '../state/store-until.ts';

/**
 * A tab's session sync (and the protocol client under it) against a real Tally server on an ephemeral port, over real WebSockets (the `ws`
 * package stands in for the browser's WebSocket; its event interface is the same).
 */

interface Tab {
  sync: SessionSync;
  store: TallyStore;
  tokens: SessionTokenStorage;
  userTokens: SessionTokenStorage;
  sockets: WebSocket[];
}

let server: TestServer;
const tabs: Tab[] = [];

beforeEach(async () => {
  server = await startTestServer([product('Lamp', 5, 2_500), product('Kite', 1, 900)]);
});

afterEach(async () => {
  await Promise.all(tabs.splice(0).map((tab) => tab.sync.close()));
  await server.dispose();
});

function openTab(tokens: SessionTokenStorage = memorySessionTokenStorage(), userTokens: SessionTokenStorage = memorySessionTokenStorage()): Tab {
  const store = createTallyStore();
  const sockets: WebSocket[] = [];
  const sync = new SessionSync({
    url: server.webSocketUrl,
    store,
    tokenStorage: tokens,
    userTokenStorage: userTokens,
    createSocket: (url: string) => {
      const socket = new WebSocket(url);
      sockets.push(socket);
      return socket as unknown as SocketLike;
    },
  });
  const tab = { sync, store, tokens, userTokens, sockets };
  tabs.push(tab);
  sync.start();
  return tab;
}

const online = (state: TallyState) => state.connectionStatus === 'online';

describe('SessionSync', () => {
  it('goes online with the welcome snapshot and tracks the last seq', async () => {
    const tab = openTab();
    expect(tab.store.getState().connectionStatus).toBe('connecting');
    await until(tab.store, online);

    const names = tab.store.getState().productIds.map((id) => tab.store.getState().productsById[id]?.name);
    expect(names).toEqual(['Lamp', 'Kite']);
    expect(tab.sync.client.syncPosition?.seq).toBeGreaterThan(0);
    expect(tab.store.getState().serverHost).toBe(new URL(server.webSocketUrl).host);
  });

  it('starts a session, keeps its token and resumes it, cart included, in a new connection', async () => {
    const first = openTab();
    await until(first.store, online);
    await first.sync.startSession('Ada', '1 Loop Lane');
    const lampId = first.store.getState().productIds[0]!;
    await first.sync.client.expectResult('cart.add', { productId: lampId, quantity: 2 });
    expect(first.tokens.read()).toHaveLength(43);
    await first.sync.close();

    const reloaded = openTab(first.tokens);
    expect(reloaded.store.getState().sessionStatus).toBe('resuming');
    await until(reloaded.store, online);

    expect(reloaded.store.getState().sessionStatus).toBe('active');
    expect(reloaded.store.getState().shopper?.name).toBe('Ada');
    expect(reloaded.store.getState().cart.lines.map((line) => [line.name, line.quantity])).toEqual([['Lamp', 2]]);
  });

  it('forgets a token the server does not know and shows the shopper as anonymous', async () => {
    const tokens = memorySessionTokenStorage();
    tokens.write('A'.repeat(43));
    const tab = openTab(tokens);
    await until(tab.store, online);

    expect(tokens.read()).toBeNull();
    expect(tab.store.getState().sessionStatus).toBe('anonymous');
  });

  it('rejects with the server error code, message and shortfalls', async () => {
    const tab = openTab();
    await until(tab.store, online);
    await tab.sync.startSession('Ben', '2 Loop Lane');
    const kiteId = tab.store.getState().productIds[1]!;

    const failure = await tab.sync.client.expectResult('cart.add', { productId: kiteId, quantity: 3 }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(RequestError);
    const { code, details, message } = failure as RequestError;
    expect(code).toBe('insufficient_stock');
    expect(message).toContain('Kite');
    expect(details?.shortfalls).toEqual([{ productId: kiteId, name: 'Kite', requested: 3, available: 1 }]);
  });

  it('refuses requests while not online instead of queueing them', async () => {
    const tab = openTab();
    const failure = await tab.sync.client.expectResult('ping', {}).catch((error: unknown) => error);
    expect((failure as RequestError).code).toBe('not_connected');
  });

  it("applies another tab's purchase to this tab's catalog", async () => {
    const [watcher, buyer] = [openTab(), openTab()];
    await Promise.all([until(watcher.store, online), until(buyer.store, online)]);
    await buyer.sync.startSession('Cyd', '3 Loop Lane');
    const lampId = buyer.store.getState().productIds[0]!;
    const { cart } = await buyer.sync.client.expectResult('cart.add', { productId: lampId, quantity: 2 });

    await buyer.sync.client.expectResult('checkout', { expectedTotalCents: cart.totalCents });

    await until(watcher.store, (state) => state.productsById[lampId]?.stock === 3);
    expect(watcher.store.getState().productsById[lampId]?.version).toBeGreaterThan(1);
  });

  it('reconnects after the connection drops, fails what was pending, and resumes the session', async () => {
    const tab = openTab();
    await until(tab.store, online);
    await tab.sync.startSession('Dee', '4 Loop Lane');
    const pending = tab.sync.client.expectResult('orders.list', {}).catch((error: unknown) => error);

    tab.sockets[0]!.terminate();

    expect(((await pending) as RequestError).code).toBe('disconnected');
    await until(tab.store, (state) => state.connectionStatus === 'reconnecting');
    await until(tab.store, online);
    expect(tab.sockets).toHaveLength(2);
    expect(tab.store.getState().shopper?.name).toBe('Dee');
    const { orders } = await tab.sync.client.expectResult('orders.list', {});
    expect(orders).toEqual([]);
  });

  it('close() goes offline and does not reconnect', async () => {
    const tab = openTab();
    await until(tab.store, online);

    await tab.sync.close();

    expect(tab.store.getState().connectionStatus).toBe('offline');
    const failure = await tab.sync.client.expectResult('ping', {}).catch((error: unknown) => error);
    expect((failure as RequestError).code).toBe('closed');
    expect(tab.sockets).toHaveLength(1);
  });

  it('signs a bank user in with a token of its own and resumes them after a reconnect', async () => {
    const tab = openTab();
    await until(tab.store, online);
    await tab.sync.signInUser('auth.register', 'Ada', 'correct horse battery');
    await tab.sync.client.expectResult('bank.openAccount', { kind: 'checking', amountCents: 5_000 });
    expect(tab.userTokens.read()).toHaveLength(43);
    expect(tab.tokens.read()).toBeNull();
    const epoch = tab.store.getState().userEpoch;

    tab.sockets[0]!.terminate();

    await until(tab.store, (state) => state.connectionStatus === 'reconnecting');
    await until(tab.store, online);
    const state = tab.store.getState();
    expect([state.userStatus, state.user?.username, state.userEpoch]).toEqual(['signedIn', 'ada', epoch + 1]);
    expect(state.accountNumbers.map((number) => state.accountsByNumber[number]?.balanceCents)).toEqual([5_000]);
  });

  it('forgets a bank token the server refuses, and signing out ends the session for good', async () => {
    const refused = memorySessionTokenStorage();
    refused.write('B'.repeat(43));
    const stale = openTab(memorySessionTokenStorage(), refused);
    expect(stale.store.getState().userStatus).toBe('resuming');
    await until(stale.store, online);
    expect(refused.read()).toBeNull();
    expect(stale.store.getState().userStatus).toBe('signedOut');

    const tab = openTab();
    await until(tab.store, online);
    await tab.sync.signInUser('auth.register', 'grace', 'cobol-flowmatic-59');
    const token = tab.userTokens.read();
    await tab.sync.signOutUser();
    expect(tab.userTokens.read()).toBeNull();
    expect(tab.store.getState().user).toBeNull();

    const reused = memorySessionTokenStorage();
    reused.write(token!);
    const later = openTab(memorySessionTokenStorage(), reused);
    await until(later.store, online);
    expect(later.store.getState().userStatus).toBe('signedOut');
  });

  it('keeps the bank totals from welcome and stats, and the auditor’s account map and ledger rows live', async () => {
    const auditor = openTab();
    const customer = openTab();
    await Promise.all([until(auditor.store, online), until(customer.store, online)]);
    expect(auditor.store.getState().bankStats).toEqual({ totalDepositsCents: 0, totalLoansOwedCents: 0, operationsPerSecond: 0 });
    await auditor.sync.signInUser('auth.signIn', 'auditor', testAuditorPassword);
    await customer.sync.signInUser('auth.register', 'hopper', 'cobol-flowmatic-59');

    const { accounts } = await customer.sync.client.expectResult('bank.openAccount', { kind: 'savings', amountCents: 12_345 });

    await until(auditor.store, (state) => state.depositsTotalCents === 12_345);
    expect(auditor.store.getState().accountsByNumber[accounts[0]!.number]?.ownerUsername).toBe('hopper');
    expect(auditor.store.getState().newestTransactionId).toBeGreaterThan(0);
    await until(customer.store, (state) => state.bankStats?.totalDepositsCents === 12_345);
  });
});
