/**
 * Keeps the `details` column of docs/PROTOCOL.md §9 honest: for each error code a real server can
 * be made to send cheaply, provoke it over a real WebSocket and check that the `details` fields it
 * carries are exactly the ones the table documents for that code. The table is parsed from the
 * document, so the document and the server cannot drift apart.
 *
 * A cell such as "`accounts`, when a money operation named one of your own accounts" documents a
 * condition: the provoking case meets it and must carry exactly those fields; a second case that
 * does not meet it must carry none, and the cell must say "when".
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { amountCentsMax, accountsPerUserMax, balanceCentsMax, cartLinesMax, clientRequestsInFlightMax, lineQuantityMax } from '../shared/limits.ts';
import { withCheckDigits } from '../shared/account-number.ts';
import { ErrorDetails, errorCodes, type ErrorCode, type ErrorMessage } from '../shared/protocol.ts';
import { openAccount, registerUser, signInAuditor, testPassword } from '../test/support/bank-fixtures.ts';
import { useTestServer } from '../test/support/server-fixture.ts';
import type { TestClient } from '../test/support/test-client.ts';
import { product } from '../test/support/test-server.ts';

/**
 * Codes not provoked here, and why. Not skipped tests: reasons, so that a code missing from both
 * this list and the cases below fails the coverage check.
 */
const notProvoked: Partial<Record<ErrorCode, string>> = {
  internal: 'needs a fault inside the server (a throwing operation or a failed commit); nothing a client sends causes it',
};

const detailFieldNames = Object.keys(ErrorDetails.shape);

interface DocumentedDetails {
  fields: string[];
  /** The cell names a condition ("when ..."): the fields are sent only when it holds. */
  conditional: boolean;
  cell: string;
}

/** `code` -> its `details` cell in the §9 table. */
function parseErrorTable(markdown: string): Map<string, DocumentedDetails> {
  const start = markdown.indexOf('\n## 9. Error codes');
  const end = markdown.indexOf('\n## ', start + 1);
  if (start < 0 || end < 0) throw new Error('docs/PROTOCOL.md has no "## 9. Error codes" section');
  const lines = markdown.slice(start, end).split('\n');
  const header = lines.find((line) => /^\|\s*Code\s*\|/.test(line));
  if (header === undefined) throw new Error('the §9 table has no header row');
  const detailsColumn = header.split('|').findIndex((cell) => cell.trim() === '`details`');
  if (detailsColumn < 0) throw new Error('the §9 table has no `details` column');
  const table = new Map<string, DocumentedDetails>();
  for (const line of lines) {
    const row = /^\|\s*`(\w+)`\s*\|/.exec(line);
    if (row === null) continue;
    const cell = line.split('|')[detailsColumn]!.trim();
    const fields = [...cell.matchAll(/`(\w+)`/g)].map((match) => match[1]!).filter((name) => detailFieldNames.includes(name));
    table.set(row[1]!, { fields: [...new Set(fields)].sort(), conditional: /\bwhen\b/.test(cell), cell });
  }
  return table;
}

const documented = parseErrorTable(readFileSync(new URL('./PROTOCOL.md', import.meta.url), 'utf8'));

const fixture = useTestServer();

function refusal(reply: { ok: true; seq: number } | { ok: false; error: ErrorMessage }): ErrorMessage {
  if (reply.ok) throw new Error(`expected a refusal, got a result at seq ${reply.seq}`);
  return reply.error;
}

async function customer(username: string): Promise<TestClient> {
  const { client } = await registerUser(fixture.server.webSocketUrl, username);
  fixture.track(client);
  return client;
}

async function connect(): Promise<TestClient> {
  const [client] = await fixture.connect(1);
  return client!;
}

async function shopperWith(productId: number, quantity: number): Promise<TestClient> {
  const shopper = await connect();
  await shopper.startShopper();
  await shopper.expectResult('cart.add', { productId, quantity });
  return shopper;
}

/** Well-formed (its check digits match) and held by nobody: numbers are drawn from 10^10. */
const nobodysAccountNumber = withCheckDigits('9999999999');

/** Ada with a checking account, and Bob with a checking account. */
async function twoCustomers(): Promise<{ ada: TestClient; adaChecking: string; bob: TestClient; bobChecking: string }> {
  await fixture.start();
  const ada = await customer('ada');
  const bob = await customer('bob');
  const adaChecking = (await openAccount(ada, 'checking', 10_000)).number;
  const bobChecking = (await openAccount(bob, 'checking', 10_000)).number;
  return { ada, adaChecking, bob, bobChecking };
}

/** Sends raw frames at once, and waits for the reply to each. */
async function sendAtOnce(client: TestClient, frames: ReadonlyArray<{ requestId: string }>): Promise<ErrorMessage[]> {
  for (const frame of frames) client.socket.send(JSON.stringify(frame));
  const ids = new Set(frames.map((frame) => frame.requestId));
  const replies = () => client.frames.filter((frame) => (frame.type === 'result' || frame.type === 'error') && ids.has(frame.requestId ?? ''));
  await vi.waitFor(() => expect(replies()).toHaveLength(frames.length), { timeout: 10_000 });
  return replies().filter((frame): frame is ErrorMessage => frame.type === 'error');
}

interface Case {
  code: ErrorCode;
  /** What the case does, for the test name. */
  how: string;
  /** `documented`: the documented fields must be exactly the ones sent; `outside condition`: none may be sent. */
  expects: 'documented' | 'outside condition';
  provoke: () => Promise<ErrorMessage>;
}

const cases: Case[] = [
  {
    code: 'malformed_json',
    how: 'a frame that is not JSON',
    expects: 'documented',
    provoke: async () => {
      await fixture.start();
      return (await connect()).sendRaw('{"type": ');
    },
  },
  {
    code: 'binary_frame',
    how: 'a binary frame',
    expects: 'documented',
    provoke: async () => {
      await fixture.start();
      return (await connect()).sendRaw(Buffer.from('{}'), { binary: true });
    },
  },
  {
    code: 'invalid_message',
    how: 'a field out of range',
    expects: 'documented',
    provoke: async () => {
      await fixture.start();
      return (await connect()).sendRaw(JSON.stringify({ type: 'cart.add', requestId: 'raw-1', productId: 1, quantity: 0 }));
    },
  },
  {
    code: 'invalid_message',
    how: 'an optional field sent as null',
    expects: 'documented',
    provoke: async () => {
      await fixture.start();
      return (await connect()).sendRaw(JSON.stringify({ type: 'bank.history', requestId: 'raw-2', beforeId: null }));
    },
  },
  {
    code: 'invalid_message',
    how: 'a frame that is not a JSON object',
    expects: 'outside condition',
    provoke: async () => {
      await fixture.start();
      return (await connect()).sendRaw('[1, 2]');
    },
  },
  {
    code: 'unknown_type',
    how: 'a type Tally does not know',
    expects: 'documented',
    provoke: async () => {
      await fixture.start();
      return (await connect()).sendRaw(JSON.stringify({ type: 'cart.remove', requestId: 'raw-3' }));
    },
  },
  {
    code: 'not_signed_in',
    how: 'cart.add without a shopper session',
    expects: 'documented',
    provoke: async () => {
      await fixture.start();
      return refusal(await (await connect()).request('cart.add', { productId: 1, quantity: 1 }));
    },
  },
  {
    code: 'already_signed_in',
    how: 'a second session.start on one connection',
    expects: 'documented',
    provoke: async () => {
      await fixture.start();
      const client = await connect();
      await client.startShopper();
      return refusal(await client.request('session.start', { name: 'Again', address: '2 Test Street' }));
    },
  },
  {
    code: 'session_not_found',
    how: 'session.resume with a token nobody holds',
    expects: 'documented',
    provoke: async () => {
      await fixture.start();
      return refusal(await (await connect()).request('session.resume', { sessionToken: 'A'.repeat(43) }));
    },
  },
  {
    code: 'unknown_product',
    how: 'cart.add of a product that does not exist',
    expects: 'documented',
    provoke: async () => {
      await fixture.start();
      const client = await connect();
      await client.startShopper();
      return refusal(await client.request('cart.add', { productId: 999, quantity: 1 }));
    },
  },
  {
    code: 'insufficient_stock',
    how: 'cart.add of more than is in stock',
    expects: 'documented',
    provoke: async () => {
      await fixture.start([product('Rare lamp', 2)]);
      const client = await connect();
      await client.startShopper();
      return refusal(await client.request('cart.add', { productId: 1, quantity: 3 }));
    },
  },
  {
    code: 'quantity_limit',
    how: 'cart.add past lineQuantityMax units on one line',
    expects: 'documented',
    provoke: async () => {
      await fixture.start([product('Paper clip', lineQuantityMax * 2, 1)]);
      const shopper = await shopperWith(1, lineQuantityMax);
      return refusal(await shopper.request('cart.add', { productId: 1, quantity: 1 }));
    },
  },
  {
    code: 'cart_full',
    how: 'cart.add of one product more than cartLinesMax',
    expects: 'documented',
    provoke: async () => {
      await fixture.start(Array.from({ length: cartLinesMax + 1 }, (_, index) => product(`Item ${index + 1}`, 5, 100)));
      const client = await connect();
      await client.startShopper();
      for (let productId = 1; productId <= cartLinesMax; productId += 1) await client.expectResult('cart.add', { productId, quantity: 1 });
      return refusal(await client.request('cart.add', { productId: cartLinesMax + 1, quantity: 1 }));
    },
  },
  {
    code: 'cart_empty',
    how: 'checkout of an empty cart',
    expects: 'documented',
    provoke: async () => {
      await fixture.start();
      const client = await connect();
      await client.startShopper();
      return refusal(await client.request('checkout', { expectedTotalCents: 0 }));
    },
  },
  {
    code: 'cart_changed',
    how: 'checkout with a total that is not the cart’s',
    expects: 'documented',
    provoke: async () => {
      await fixture.start([product('Mug', 10, 500)]);
      const shopper = await shopperWith(1, 2);
      return refusal(await shopper.request('checkout', { expectedTotalCents: 500 }));
    },
  },
  {
    code: 'out_of_stock',
    how: 'checkout after another shopper bought the last one',
    expects: 'documented',
    provoke: async () => {
      await fixture.start([product('Last lamp', 1, 4_500)]);
      const late = await shopperWith(1, 1);
      const early = await shopperWith(1, 1);
      await early.expectResult('checkout', { expectedTotalCents: 4_500 });
      return refusal(await late.request('checkout', { expectedTotalCents: 4_500 }));
    },
  },
  {
    code: 'username_taken',
    how: 'registering a username twice',
    expects: 'documented',
    provoke: async () => {
      await fixture.start();
      await customer('grace');
      return refusal(await (await connect()).request('auth.register', { username: 'Grace', password: testPassword }));
    },
  },
  {
    code: 'invalid_credentials',
    how: 'signing in with the wrong password',
    expects: 'documented',
    provoke: async () => {
      await fixture.start();
      await customer('grace');
      return refusal(await (await connect()).request('auth.signIn', { username: 'grace', password: 'not the password' }));
    },
  },
  {
    code: 'not_authenticated',
    how: 'a bank request with nobody signed in',
    expects: 'documented',
    provoke: async () => {
      await fixture.start();
      return refusal(await (await connect()).request('bank.accounts', {}));
    },
  },
  {
    code: 'forbidden',
    how: 'the auditor’s bank request',
    expects: 'documented',
    provoke: async () => {
      await fixture.start();
      const auditor = await signInAuditor(fixture.server.webSocketUrl);
      fixture.track(auditor);
      return refusal(await auditor.request('bank.accounts', {}));
    },
  },
  {
    code: 'unknown_account',
    how: 'a transfer from your account to one that does not exist',
    expects: 'documented',
    provoke: async () => {
      const { ada, adaChecking } = await twoCustomers();
      return refusal(await ada.request('bank.transfer', { fromAccountNumber: adaChecking, toAccountNumber: nobodysAccountNumber, amountCents: 1 }));
    },
  },
  {
    code: 'unknown_account',
    how: 'a transfer from someone else’s account into one of yours',
    expects: 'documented',
    provoke: async () => {
      const { ada, adaChecking, bobChecking } = await twoCustomers();
      return refusal(await ada.request('bank.transfer', { fromAccountNumber: bobChecking, toAccountNumber: adaChecking, amountCents: 1 }));
    },
  },
  {
    code: 'unknown_account',
    how: 'a deposit into an account that does not exist (none of yours named)',
    expects: 'outside condition',
    provoke: async () => {
      const { ada } = await twoCustomers();
      return refusal(await ada.request('bank.deposit', { accountNumber: nobodysAccountNumber, amountCents: 1 }));
    },
  },
  {
    code: 'unknown_account',
    how: 'a withdrawal from someone else’s account (none of yours named)',
    expects: 'outside condition',
    provoke: async () => {
      const { ada, bobChecking } = await twoCustomers();
      return refusal(await ada.request('bank.withdraw', { accountNumber: bobChecking, amountCents: 1 }));
    },
  },
  {
    code: 'wrong_account_kind',
    how: 'a deposit into your own loan',
    expects: 'documented',
    provoke: async () => {
      const { ada } = await twoCustomers();
      const loan = (await openAccount(ada, 'loan', 5_000)).number;
      return refusal(await ada.request('bank.deposit', { accountNumber: loan, amountCents: 1 }));
    },
  },
  {
    code: 'same_account',
    how: 'a transfer from your account to itself',
    expects: 'documented',
    provoke: async () => {
      const { ada, adaChecking } = await twoCustomers();
      return refusal(await ada.request('bank.transfer', { fromAccountNumber: adaChecking, toAccountNumber: adaChecking, amountCents: 1 }));
    },
  },
  {
    code: 'same_account',
    how: 'a transfer from someone else’s account to itself',
    expects: 'outside condition',
    provoke: async () => {
      const { ada, bobChecking } = await twoCustomers();
      return refusal(await ada.request('bank.transfer', { fromAccountNumber: bobChecking, toAccountNumber: bobChecking, amountCents: 1 }));
    },
  },
  {
    code: 'insufficient_funds',
    how: 'a transfer of more than the account holds',
    expects: 'documented',
    provoke: async () => {
      const { ada, adaChecking, bobChecking } = await twoCustomers();
      return refusal(await ada.request('bank.transfer', { fromAccountNumber: adaChecking, toAccountNumber: bobChecking, amountCents: 10_001 }));
    },
  },
  {
    code: 'overpayment',
    how: 'a loan payment by check of more than the loan owes',
    expects: 'documented',
    provoke: async () => {
      const { ada } = await twoCustomers();
      const loan = (await openAccount(ada, 'loan', 5_000)).number;
      return refusal(await ada.request('bank.payLoanByCheck', { loanAccountNumber: loan, amountCents: 5_001 }));
    },
  },
  {
    code: 'balance_limit',
    how: 'a deposit past balanceCentsMax',
    expects: 'documented',
    provoke: async () => {
      await fixture.start();
      const ada = await customer('ada');
      const checking = (await openAccount(ada, 'checking', amountCentsMax)).number;
      const deposits = balanceCentsMax / amountCentsMax - 1;
      for (let sent = 0; sent < deposits; sent += clientRequestsInFlightMax) {
        const count = Math.min(clientRequestsInFlightMax, deposits - sent);
        await Promise.all(Array.from({ length: count }, () => ada.expectResult('bank.deposit', { accountNumber: checking, amountCents: amountCentsMax })));
      }
      return refusal(await ada.request('bank.deposit', { accountNumber: checking, amountCents: 1 }));
    },
  },
  {
    code: 'account_limit',
    how: 'opening one account more than accountsPerUserMax',
    expects: 'documented',
    provoke: async () => {
      await fixture.start();
      const ada = await customer('ada');
      for (let opened = 0; opened < accountsPerUserMax; opened += 1) await openAccount(ada, 'savings', 1);
      return refusal(await ada.request('bank.openAccount', { kind: 'savings', amountCents: 1 }));
    },
  },
  {
    code: 'idempotency_mismatch',
    how: 'a key used again for a different body',
    expects: 'documented',
    provoke: async () => {
      const { ada, adaChecking } = await twoCustomers();
      await ada.expectResult('bank.deposit', { accountNumber: adaChecking, amountCents: 100 }, { requestId: 'deposit-key-1' });
      return refusal(await ada.request('bank.deposit', { accountNumber: adaChecking, amountCents: 200 }, { requestId: 'deposit-key-1' }));
    },
  },
  {
    code: 'resync_required',
    how: 'sync.resume with another database’s id',
    expects: 'documented',
    provoke: async () => {
      await fixture.start();
      const client = await connect();
      const otherDatabase = client.welcome.databaseId === 'abc' ? 'abd' : 'abc';
      return refusal(await client.request('sync.resume', { databaseId: otherDatabase, sinceSeq: 0 }));
    },
  },
  {
    code: 'rate_limited',
    how: 'more requests on one connection than requestsPerConnectionMax allows in its window',
    expects: 'documented',
    provoke: async () => {
      await fixture.start(undefined, { limits: { requestsPerConnectionMax: 2, requestsPerConnectionWindowMs: 60_000 } });
      const client = await connect();
      const replies = await Promise.all([1, 2, 3].map(() => client.request('ping', {})));
      const refused = replies.find((reply) => !reply.ok);
      if (refused === undefined || refused.ok) throw new Error('three pings in a window of two were all answered');
      return refused.error;
    },
  },
  {
    code: 'session_expired',
    how: 'auth.resume with a token unused for longer than userSessionIdleMs',
    expects: 'documented',
    provoke: async () => {
      await fixture.start(undefined, { limits: { userSessionIdleMs: 1, sessionSweepIntervalMs: 3_600_000 } });
      const { client, sessionToken } = await registerUser(fixture.server.webSocketUrl, 'sleeper');
      await client.close();
      await new Promise((resolve) => setTimeout(resolve, 20));
      return refusal(await (await connect()).request('auth.resume', { sessionToken }));
    },
  },
  {
    code: 'server_busy',
    how: 'more than clientRequestsInFlightMax requests in flight on one connection',
    expects: 'documented',
    provoke: async () => {
      const { ada, adaChecking } = await twoCustomers();
      const frames = Array.from({ length: clientRequestsInFlightMax * 2 }, (_, index) => ({
        type: 'bank.deposit',
        requestId: `busy-${index + 1}`,
        accountNumber: adaChecking,
        amountCents: 1,
      }));
      const busy = (await sendAtOnce(ada, frames)).find((error) => error.code === 'server_busy');
      if (busy === undefined) throw new Error(`${frames.length} requests sent at once were all taken`);
      return busy;
    },
  },
];

describe('docs/PROTOCOL.md §9 error table', () => {
  it('lists every error code once', () => {
    expect([...documented.keys()].sort()).toEqual(Object.keys(errorCodes).sort());
  });

  it('provokes every code in the table here, or names the reason it does not', () => {
    const provoked = new Set(cases.map((testCase) => testCase.code));
    const unaccounted = [...documented.keys()].filter((code) => !provoked.has(code as ErrorCode) && notProvoked[code as ErrorCode] === undefined);
    expect(unaccounted).toEqual([]);
  });
});

describe('the details the server sends are the ones §9 documents', () => {
  it.each(cases.map((testCase) => [testCase.code, testCase.how, testCase] as const))('%s: %s', async (code, _how, testCase) => {
    const table = documented.get(code);
    if (table === undefined) throw new Error(`${code} is not in the §9 table`);
    const error = await testCase.provoke();
    expect(error.code).toBe(code);
    const sent = Object.keys(error.details ?? {}).sort();
    if (testCase.expects === 'documented') {
      expect(sent, `§9 documents ${code}'s details as "${table.cell}"`).toEqual(table.fields);
    } else {
      expect(table.conditional, `the server sent ${code} without details here, so §9 must say when they are sent: "${table.cell}"`).toBe(true);
      expect(sent).toEqual([]);
    }
  });
});
