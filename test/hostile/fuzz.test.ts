import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cashAccountNumber } from '../../shared/account-number.ts';
import { loopbackLoadTestLimits } from '../../shared/limits.ts';
import { ClientMessage, clientMessageTypes, closeCodes } from '../../shared/protocol.ts';
import { openAccount, registerUser, testPassword } from '../support/bank-fixtures.ts';
import { TestClient } from '../support/test-client.ts';
import { product, startTestServer, testAuditorPassword, type TestServer } from '../support/test-server.ts';
import { type FuzzFrame, type FuzzPools, fuzzFrameArbitrary, validFrameArbitrary } from './frame-arbitraries.ts';
import { FuzzConnection } from './fuzz-connection.ts';
import { jsonText } from './hostile-json.ts';
import { anonymous, type Identity, shopper, signedIn } from './identities.ts';
import { booksProblems, CommittedOutcomes } from './ledger-checks.ts';
import { frameTooLargeCloseCode, invalidUtf8CloseCode } from './reply-oracle.ts';

/** TALLY_FUZZ_SEED replays a run's frames; TALLY_FUZZ_FRAMES sends more (or fewer); TALLY_FUZZ_SUMMARY prints the tallies. */
const seed = Number(process.env.TALLY_FUZZ_SEED ?? 16_008);
const framesTotal = Number(process.env.TALLY_FUZZ_FRAMES ?? 10_500);
/** Each round starts every connection afresh as who it is (a fuzzed sign-out or sign-in changes that). */
const rounds = 6;

const catalog = [product('Last Lot', 3, 4_800), product('Beans', 5_000, 250), product('Mug', 40, 1_200)];
const initialStock = new Map(catalog.map((item, index) => [index + 1, item.stock]));

let server: TestServer;
let pools: FuzzPools;
let identities: Identity[];
/** The ledger and orders as they were before the first fuzzed frame. */
let before: { transactionId: number; orderId: number };

async function signInForToken(webSocketUrl: string, username: string, password: string): Promise<string> {
  const client = await TestClient.connect(webSocketUrl);
  try {
    return (await client.expectResult('auth.signIn', { username, password })).sessionToken;
  } finally {
    await client.close();
  }
}

async function customerWithAccounts(webSocketUrl: string, username: string) {
  const { client, sessionToken } = await registerUser(webSocketUrl, username);
  const accounts = [await openAccount(client, 'checking', 100_000), await openAccount(client, 'savings', 20_000), await openAccount(client, 'loan', 30_000)];
  await client.close();
  return { credentials: { username, password: testPassword, sessionToken }, accounts: accounts.map((account) => account.number) };
}

async function shopperWithCart(webSocketUrl: string, name: string): Promise<string> {
  const client = await TestClient.connect(webSocketUrl);
  const { sessionToken } = await client.startShopper(name, '1 Fuzz Lane');
  await client.expectResult('cart.add', { productId: 2, quantity: 2 });
  await client.close();
  return sessionToken;
}

beforeAll(async () => {
  // The per-connection rate limit would answer most of a pipelined fuzz with rate_limited (a documented
  // answer, accepted below), and the frames would never reach validation or the bank: it is raised here.
  server = await startTestServer(catalog, { limits: { ...loopbackLoadTestLimits, requestsPerConnectionMax: 1_000_000 } });
  const url = server.webSocketUrl;
  const alice = await customerWithAccounts(url, 'fuzz-alice');
  const bob = await customerWithAccounts(url, 'fuzz-bob');
  await (await registerUser(url, 'fuzz-decoy')).client.close();
  const shopperTokens = [await shopperWithCart(url, 'Fuzz One'), await shopperWithCart(url, 'Fuzz Two')];
  const auditor = { username: 'auditor', password: testAuditorPassword, sessionToken: await signInForToken(url, 'auditor', testAuditorPassword) };
  const probe = await TestClient.connect(url);
  pools = {
    accountNumbers: [...alice.accounts, ...bob.accounts, cashAccountNumber],
    productIds: [1, 2, 3],
    takenUsernames: ['fuzz-alice', 'FUZZ-BOB', 'auditor'],
    decoyUsernames: ['fuzz-decoy', 'FUZZ-DECOY'],
    sessionTokens: [shopperTokens[0]!, alice.credentials.sessionToken],
    databaseId: probe.welcome.databaseId,
  };
  await probe.close();
  identities = [
    anonymous,
    anonymous,
    signedIn('customer', alice.credentials),
    signedIn('customer', bob.credentials),
    shopper(shopperTokens[0]!),
    shopper(shopperTokens[1]!),
    signedIn('auditor', auditor),
  ];
  before = server.inspect((database) => ({
    transactionId: (database.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM ledger_transactions').get() as { id: number }).id,
    orderId: (database.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM orders').get() as { id: number }).id,
  }));
});

afterAll(async () => {
  await server?.dispose();
});

const framesPerRound = Math.ceil(framesTotal / rounds);

function openConnections(outcomes: CommittedOutcomes): Promise<FuzzConnection[]> {
  return Promise.all(
    identities.map((identity, index) =>
      FuzzConnection.open({
        url: server.webSocketUrl,
        label: `${index}${identity.role[0]}`,
        identity,
        onReply: (type, reply) => outcomes.record(type, reply),
        // A fuzzed auth.resume with a customer's token and then auth.signOut ends that customer's tab.
        closeCodesFromElsewhere: new Set([closeCodes.signedOut]),
      }),
    ),
  );
}

/** One round: every connection afresh, its share of the frames pipelined, every answer in. */
async function runRound(connections: readonly FuzzConnection[], frames: readonly FuzzFrame[]) {
  await Promise.all(connections.map((connection) => connection.reconnect()));
  await Promise.all(
    connections.map(async (connection, index) => {
      for (let at = index; at < frames.length; at += connections.length) await connection.send(frames[at]!);
      await connection.drain();
    }),
  );
  for (const connection of connections) connection.throwIfFailed();
}

/** The rounds as a fast-check property: no shrinking (the server keeps its state); a failure names its frame and the seed. */
async function fuzz(connections: readonly FuzzConnection[]): Promise<void> {
  const frameArrays = fc.array(fuzzFrameArbitrary(pools), { minLength: framesPerRound, maxLength: framesPerRound });
  await fc.assert(
    fc.asyncProperty(frameArrays, (frames) => runRound(connections, frames)),
    {
      seed,
      numRuns: rounds,
      endOnFailure: true,
      reporter: (details) => {
        if (!details.failed) return;
        const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
        throw new Error(`${cause}\n(fuzz seed ${details.seed}, round ${details.numRuns} of ${rounds}; replay with TALLY_FUZZ_SEED=${details.seed})`);
      },
    },
  );
}

function tallyOf(connections: readonly FuzzConnection[]) {
  const sum = (count: (connection: FuzzConnection) => number) => connections.reduce((total, connection) => total + count(connection), 0);
  return {
    sent: sum((connection) => connection.framesSent),
    checked: sum((connection) => connection.repliesChecked),
    lost: sum((connection) => connection.framesLostToClose),
    closesCalledFor: connections.flatMap((connection) => connection.closeCodesCalledFor),
    closesFromElsewhere: connections.flatMap((connection) => connection.closeCodesFromElsewhere),
    requestIdsUnanswered: new Set(connections.flatMap((connection) => [...connection.requestIdsUnanswered])),
    typesAnswered: new Set(connections.flatMap((connection) => [...connection.typesAnswered])),
  };
}

describe('a hostile client', () => {
  it('makes valid frames of every client message type (or the fuzzer would only test validation)', () => {
    const context = { freshRequestId: () => 'valid-1', cartTotalCents: 0 };
    for (const type of clientMessageTypes) {
      for (const node of fc.sample(validFrameArbitrary(pools, type), { seed, numRuns: 25 })) {
        const parsed = ClientMessage.safeParse(JSON.parse(jsonText(node, context)));
        expect(parsed.success, `${type}: ${jsonText(node, context)} ${parsed.error?.message ?? ''}`).toBe(true);
      }
    }
  });

  it(`gets a documented answer to each of ${framesTotal} fuzzed frames, and is told the truth about what committed`, async () => {
    const outcomes = new CommittedOutcomes();
    const connections = await openConnections(outcomes);
    try {
      await fuzz(connections);
    } finally {
      await Promise.all(connections.map((connection) => connection.close()));
    }
    const tally = tallyOf(connections);
    if (process.env.TALLY_FUZZ_SUMMARY !== undefined) console.log({ seed, ...tally, results: Object.fromEntries(outcomes.results), refusals: Object.fromEntries(outcomes.refusals) });

    expect(tally.sent).toBe(framesPerRound * rounds);
    // Every frame had exactly one verdict: a reply the protocol allows, the close it called for, or
    // (rarely) none because another connection's sign-out closed this one.
    expect(tally.checked + tally.closesCalledFor.length + tally.lost).toBe(tally.sent);
    expect(tally.lost).toBeLessThan(tally.sent / 100);
    expect(tally.closesCalledFor.filter((code) => code === frameTooLargeCloseCode).length).toBeGreaterThan(0);
    expect(tally.closesCalledFor.filter((code) => code === invalidUtf8CloseCode).length).toBeGreaterThan(0);
    // The fuzzer reached past validation for every type, and some of it moved money and stock.
    expect(clientMessageTypes.filter((type) => !tally.typesAnswered.has(type))).toEqual([]);
    expect(outcomes.transactions.size).toBeGreaterThan(0);
    expect(outcomes.orders.size).toBeGreaterThan(0);
    expect(server.inspect((database) => outcomes.problemsAgainst(database, before, tally.requestIdsUnanswered))).toEqual([]);
  }, 120_000);

  it('still serves a normal client afterwards, with a sound ledger, conserved money and stock', async () => {
    const url = server.webSocketUrl;
    const { client } = await registerUser(url, 'after-the-storm');
    const auditor = await TestClient.connect(url);
    try {
      const checking = await openAccount(client, 'checking', 10_000);
      const savings = await openAccount(client, 'savings', 100);
      await client.expectResult('bank.deposit', { accountNumber: checking.number, amountCents: 500 });
      const { accounts } = await client.expectResult('bank.transfer', { fromAccountNumber: checking.number, toAccountNumber: savings.number, amountCents: 300 });
      const balances = new Map(accounts.map((account) => [account.number, account.balanceCents]));
      expect([balances.get(checking.number), balances.get(savings.number)]).toEqual([10_200, 400]);
      await client.startShopper('After', '2 Calm Street');
      const { cart } = await client.expectResult('cart.add', { productId: 2, quantity: 1 });
      const { order } = await client.expectResult('checkout', { expectedTotalCents: cart.totalCents });
      expect(order.totalCents).toBe(250);

      await auditor.expectResult('auth.signIn', { username: 'auditor', password: testAuditorPassword });
      const { report } = await auditor.expectResult('audit.check', {});
      expect(report.problems).toEqual([]);
      expect(report.ok).toBe(true);
      // The dashboard's conservation check, second by second through the whole run.
      const { seconds } = await auditor.expectResult('dashboard.watch', {});
      const checked = seconds.flatMap((second) => (second.conservation === undefined ? [] : [{ at: second.at, ...second.conservation }]));
      expect(checked.length).toBeGreaterThan(0);
      expect(checked.filter((second) => second.depositsActualCents !== second.depositsExpectedCents || second.loansActualCents !== second.loansExpectedCents)).toEqual([]);
      expect(server.inspect((database) => booksProblems(database, initialStock))).toEqual([]);
    } finally {
      await client.close();
      await auditor.close();
    }
  });
});
