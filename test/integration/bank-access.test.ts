import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView } from '../../shared/protocol.ts';
import { cashAccountNumber, withCheckDigits } from '../../shared/account-number.ts';
import { amountCentsMax, auditHoldersPageMax } from '../../shared/limits.ts';
import { openAccount, registerUser, signInAuditor, testPassword } from '../support/bank-fixtures.ts';
import { TestClient } from '../support/test-client.ts';
import { startTestServer, testAuditorPassword, type TestServer } from '../support/test-server.ts';

let server: TestServer;
let alice: TestClient;
let bob: TestClient;
let auditor: TestClient;
let aliceChecking: AccountView;
let aliceSavings: AccountView;
let aliceLoan: AccountView;
let bobChecking: AccountView;

beforeAll(async () => {
  server = await startTestServer();
  alice = (await registerUser(server.webSocketUrl, 'Alice')).client;
  bob = (await registerUser(server.webSocketUrl, 'bob')).client;
  auditor = await signInAuditor(server.webSocketUrl);
  aliceChecking = await openAccount(alice, 'checking', 10_000);
  aliceSavings = await openAccount(alice, 'savings', 2_500);
  aliceLoan = await openAccount(alice, 'loan', 7_000);
  bobChecking = await openAccount(bob, 'checking', 4_000);
});

afterAll(async () => {
  await Promise.all([alice, bob, auditor].map((client) => client.close()));
  await server.dispose();
});

async function ledgerFingerprint(): Promise<string> {
  return JSON.stringify([
    await server.query('SELECT number, balance_cents, version FROM accounts ORDER BY id'),
    await server.query('SELECT COUNT(*) AS count FROM ledger_entries'),
  ]);
}

async function expectRefusal(reply: Promise<{ ok: boolean; error?: { code: string; message: string } }>, code: string) {
  const before = await ledgerFingerprint();
  const settled = await reply;
  expect(settled.ok).toBe(false);
  expect(settled.error?.code).toBe(code);
  expect(settled.error?.message.length).toBeGreaterThan(10);
  expect(await ledgerFingerprint()).toBe(before);
}

describe('users', () => {
  it('stores usernames lower-case and refuses a taken one', async () => {
    const again = await TestClient.connect(server.webSocketUrl);
    try {
      await expectRefusal(again.request('auth.register', { username: 'ALICE', password: testPassword }), 'username_taken');
      const { user } = await again.expectResult('auth.signIn', { username: 'ALICE', password: testPassword });
      expect(user).toMatchObject({ username: 'alice', role: 'customer' });
    } finally {
      await again.close();
    }
  });

  it('refuses a wrong password and an unknown user alike', async () => {
    const stranger = await TestClient.connect(server.webSocketUrl);
    try {
      const wrong = await stranger.request('auth.signIn', { username: 'alice', password: 'not the password' });
      const unknown = await stranger.request('auth.signIn', { username: 'nobody', password: 'not the password' });
      for (const reply of [wrong, unknown]) {
        expect(reply.ok ? 'signed in' : reply.error.code).toBe('invalid_credentials');
        expect(reply.ok ? '' : reply.error.message).toBe('Wrong username or password.');
      }
    } finally {
      await stranger.close();
    }
  });

  it('never stores a password in clear, and salts each user differently', async () => {
    const rows = await server.query<{ username: string; password_hash: Buffer; password_salt: Buffer }>('SELECT username, password_hash, password_salt FROM users');
    // The whole database file, where there is one; on PostgreSQL, every stored credential.
    const stored = server.engine === 'sqlite' ? server.inspect((db) => db.serialize()) : Buffer.concat(rows.flatMap((row) => [Buffer.from(row.username), row.password_hash, row.password_salt]));
    expect(stored.includes(Buffer.from(testPassword))).toBe(false);
    expect(stored.includes(Buffer.from(testAuditorPassword))).toBe(false);
    const salts = new Set(rows.map((row) => row.password_salt.toString('hex')));
    expect(salts.size).toBe(rows.length);
  });

  it('resumes a session in another tab by token, and signing out ends it', async () => {
    const { client, sessionToken } = await registerUser(server.webSocketUrl, 'carol');
    const secondTab = await TestClient.connect(server.webSocketUrl);
    try {
      const resumed = await secondTab.expectResult('auth.resume', { sessionToken });
      expect(resumed.user.username).toBe('carol');
      await client.expectResult('auth.signOut', {});
      const third = await TestClient.connect(server.webSocketUrl);
      const refused = await third.request('auth.resume', { sessionToken });
      expect(refused.ok ? 'resumed' : refused.error.code).toBe('session_not_found');
      await third.close();
    } finally {
      await Promise.all([client.close(), secondTab.close()]);
    }
  });
});

describe('a tab is one user and one shopper', () => {
  it('signs a tab in once even when two sign-ins are sent together', async () => {
    const tab = await TestClient.connect(server.webSocketUrl);
    try {
      const replies = await Promise.all([
        tab.request('auth.register', { username: 'twin-one', password: testPassword }),
        tab.request('auth.register', { username: 'twin-two', password: testPassword }),
      ]);
      expect(replies.map((reply) => (reply.ok ? 'ok' : reply.error.code)).sort()).toEqual(['already_signed_in', 'ok']);
      const shoppers = await Promise.all([
        tab.request('session.start', { name: 'One', address: '1 Twin Street' }),
        tab.request('session.start', { name: 'Two', address: '2 Twin Street' }),
      ]);
      expect(shoppers.map((reply) => (reply.ok ? 'ok' : reply.error.code)).sort()).toEqual(['already_signed_in', 'ok']);
    } finally {
      await tab.close();
    }
  });
});

describe('authorization', () => {
  it('refuses every bank and audit request before sign-in', async () => {
    const anonymous = await TestClient.connect(server.webSocketUrl);
    try {
      await expectRefusal(anonymous.request('bank.deposit', { accountNumber: aliceChecking.number, amountCents: 100 }), 'not_authenticated');
      await expectRefusal(anonymous.request('audit.holders', {}), 'not_authenticated');
    } finally {
      await anonymous.close();
    }
  });

  it("does not let a user debit another's account", async () => {
    await expectRefusal(bob.request('bank.withdraw', { accountNumber: aliceChecking.number, amountCents: 100 }), 'unknown_account');
    await expectRefusal(
      bob.request('bank.transfer', { fromAccountNumber: aliceChecking.number, toAccountNumber: bobChecking.number, amountCents: 100 }),
      'unknown_account',
    );
    await expectRefusal(
      bob.request('bank.payLoanByTransfer', { fromAccountNumber: aliceChecking.number, loanAccountNumber: aliceLoan.number, amountCents: 100 }),
      'unknown_account',
    );
    await expectRefusal(bob.request('bank.history', { accountNumber: aliceChecking.number }), 'unknown_account');
  });

  it('keeps the audit views for the auditor alone', async () => {
    await expectRefusal(bob.request('audit.holders', {}), 'forbidden');
    await expectRefusal(bob.request('audit.history', {}), 'forbidden');
    await expectRefusal(bob.request('audit.check', {}), 'forbidden');
    await expectRefusal(auditor.request('bank.openAccount', { kind: 'checking', amountCents: 100 }), 'forbidden');
  });

  it("shows the sender only their own balances, never the recipient's", async () => {
    const { accounts, transaction } = await bob.expectResult('bank.transfer', {
      fromAccountNumber: bobChecking.number,
      toAccountNumber: aliceChecking.number,
      amountCents: 250,
    });
    expect(accounts.map((account) => account.number)).toEqual([bobChecking.number]);
    expect(transaction).toMatchObject({ kind: 'transfer', amountCents: 250, fromAccountNumber: bobChecking.number, toAccountNumber: aliceChecking.number });
    expect(transaction.entries.reduce((sum, entry) => sum + entry.amountCents, 0)).toBe(0);
  });
});

/** Well-formed (its check digits match), and no account's: 10^10 numbers, a handful of them taken. */
const nobodysNumber = withCheckDigits('9999999999');

type Refusal = { ok: boolean; error?: { code: string; message: string; details?: unknown } };

/** A refusal with the number it named blanked out, to compare refusals of different numbers. */
async function refusalNaming(reply: Promise<Refusal>, number: string): Promise<string> {
  const before = await ledgerFingerprint();
  const settled = await reply;
  expect(settled.ok).toBe(false);
  expect(await ledgerFingerprint()).toBe(before);
  const { code, message, details } = settled.error!;
  return JSON.stringify({ code, message, details }).replaceAll(number, '<number>');
}

describe('refusals say nothing about other customers’ accounts', () => {
  let bobLoan: AccountView;
  beforeAll(async () => {
    bobLoan = await openAccount(bob, 'loan', 1_000);
  });

  it('is not fooled: the number of no account is taken by nobody here', async () => {
    const numbers = await server.query<{ number: string }>('SELECT number FROM accounts');
    expect(numbers.map((row) => row.number)).not.toContain(nobodysNumber);
  });

  const ownOnly: Array<[string, (number: string) => Promise<Refusal>]> = [
    ['a deposit', (number) => bob.request('bank.deposit', { accountNumber: number, amountCents: 100 })],
    ['a withdrawal', (number) => bob.request('bank.withdraw', { accountNumber: number, amountCents: 100 })],
    ['a loan payment by check', (number) => bob.request('bank.payLoanByCheck', { loanAccountNumber: number, amountCents: 100 })],
    ['a transfer from it', (number) => bob.request('bank.transfer', { fromAccountNumber: number, toAccountNumber: bobChecking.number, amountCents: 100 })],
    ['a loan payment by transfer from it', (number) => bob.request('bank.payLoanByTransfer', { fromAccountNumber: number, loanAccountNumber: bobLoan.number, amountCents: 100 })],
    ['a loan payment by transfer into it', (number) => bob.request('bank.payLoanByTransfer', { fromAccountNumber: bobChecking.number, loanAccountNumber: number, amountCents: 100 })],
    ['a history filter', (number) => bob.request('bank.history', { accountNumber: number })],
  ];
  for (const [operation, send] of ownOnly) {
    it(`${operation}: another customer's checking, savings or loan is refused exactly as no account, or the bank's own, is`, async () => {
      const refusals = new Set<string>();
      for (const number of [nobodysNumber, cashAccountNumber, aliceChecking.number, aliceSavings.number, aliceLoan.number]) {
        refusals.add(await refusalNaming(send(number), number));
      }
      expect([...refusals]).toHaveLength(1);
      expect(JSON.parse([...refusals][0]!)).toMatchObject({ code: 'unknown_account', message: 'You have no account <number>.' });
    });
  }

  it('a transfer into another customer’s account that cannot take it is refused exactly as one into no account, whatever the amount', async () => {
    const refusals = new Set<string>();
    for (const amountCents of [1, 999_999]) {
      for (const number of [nobodysNumber, cashAccountNumber, aliceLoan.number]) {
        const send = bob.request('bank.transfer', { fromAccountNumber: bobChecking.number, toAccountNumber: number, amountCents });
        refusals.add(await refusalNaming(send, number));
      }
    }
    expect([...refusals]).toHaveLength(1);
    const [refusal] = [...refusals].map((text) => JSON.parse(text) as { code: string; message: string; details: { accounts: AccountView[] } });
    expect(refusal).toMatchObject({ code: 'unknown_account', message: 'No account <number> can receive this transfer.' });
    expect(refusal!.details.accounts.map((account) => account.number)).toEqual([bobChecking.number]);
  });

  it('while a transfer into another customer’s checking or savings works, as the bank seed’s transfers do', async () => {
    for (const to of [aliceChecking, aliceSavings]) {
      const { transaction } = await bob.expectResult('bank.transfer', { fromAccountNumber: bobChecking.number, toAccountNumber: to.number, amountCents: 1 });
      expect(transaction.toAccountNumber).toBe(to.number);
    }
    // What the later tests count on: Alice's savings as it was.
    await alice.expectResult('bank.transfer', { fromAccountNumber: aliceSavings.number, toAccountNumber: bobChecking.number, amountCents: 1 });
  });

  it("names the caller's own account's kind: that is nobody else's business", async () => {
    const refused = await alice.request('bank.transfer', { fromAccountNumber: aliceChecking.number, toAccountNumber: aliceLoan.number, amountCents: 1 });
    expect(refused.ok ? 'transferred' : refused.error.code).toBe('wrong_account_kind');
  });

  it('refuses a mistyped number before looking anything up, naming the field', async () => {
    const number = aliceChecking.number;
    // Random digits: swap the first two neighbours that differ (swapping equal ones changes nothing).
    const at = [...number].findIndex((digit, index) => digit !== number[index + 1]);
    const mistyped = `${number.slice(0, at)}${number[at + 1]}${number[at]}${number.slice(at + 2)}`;
    for (const number of [mistyped, '10000002']) {
      const before = await ledgerFingerprint();
      const refused = await bob.request('bank.transfer', { fromAccountNumber: bobChecking.number, toAccountNumber: number, amountCents: 1 });
      expect(refused.ok ? 'transferred' : refused.error.code).toBe('invalid_message');
      expect(refused.ok ? [] : refused.error.details?.issues?.map((issue) => issue.path)).toEqual(['toAccountNumber']);
      expect(await ledgerFingerprint()).toBe(before);
    }
  });
});

describe('refusals answer with the current balances, as the bank seed’s server does', () => {
  it("gives the caller's own accounts as they are, and nothing of another customer's", async () => {
    const refused = await alice.request('bank.transfer', { fromAccountNumber: aliceSavings.number, toAccountNumber: bobChecking.number, amountCents: 999_999 });
    expect(refused.ok ? 'transferred' : refused.error.code).toBe('insufficient_funds');
    const current = await alice.expectResult('bank.accounts', {});
    const savingsNow = current.accounts.find((account) => account.number === aliceSavings.number);
    expect(refused.ok ? [] : refused.error.details?.accounts).toEqual([savingsNow]);

    const sameAccount = await alice.request('bank.transfer', { fromAccountNumber: aliceChecking.number, toAccountNumber: aliceChecking.number, amountCents: 1 });
    expect(sameAccount.ok ? [] : sameAccount.error.details?.accounts?.map((account) => account.number)).toEqual([aliceChecking.number]);

    const intruder = await bob.request('bank.withdraw', { accountNumber: aliceChecking.number, amountCents: 1 });
    expect(intruder.ok ? 'withdrew' : intruder.error.details).toBeUndefined();
  });
});

describe('refusals name the problem and change nothing', () => {
  it('insufficient funds', () =>
    expectRefusal(alice.request('bank.withdraw', { accountNumber: aliceSavings.number, amountCents: 2_501 }), 'insufficient_funds'));
  it('paying more than the loan owes, by check and by transfer', async () => {
    await expectRefusal(alice.request('bank.payLoanByCheck', { loanAccountNumber: aliceLoan.number, amountCents: 7_001 }), 'overpayment');
    await expectRefusal(
      alice.request('bank.payLoanByTransfer', { fromAccountNumber: aliceChecking.number, loanAccountNumber: aliceLoan.number, amountCents: 7_001 }),
      'overpayment',
    );
  });
  it('an unknown account', () => expectRefusal(alice.request('bank.deposit', { accountNumber: nobodysNumber, amountCents: 1 }), 'unknown_account'));
  it('the system account is not an account clients can use', () =>
    expectRefusal(alice.request('bank.transfer', { fromAccountNumber: aliceChecking.number, toAccountNumber: cashAccountNumber, amountCents: 1 }), 'unknown_account'));
  it('the same account on both sides', () =>
    expectRefusal(
      alice.request('bank.transfer', { fromAccountNumber: aliceChecking.number, toAccountNumber: aliceChecking.number, amountCents: 1 }),
      'same_account',
    ));
  it('a transfer into a loan account', () =>
    expectRefusal(
      alice.request('bank.transfer', { fromAccountNumber: aliceChecking.number, toAccountNumber: aliceLoan.number, amountCents: 1 }),
      'wrong_account_kind',
    ));
  for (const [name, amountCents] of [
    ['zero', 0],
    ['negative', -5],
    ['fractional', 1.5],
    ['huge', amountCentsMax + 1],
  ] as const) {
    it(`a ${name} amount`, () => expectRefusal(alice.request('bank.deposit', { accountNumber: aliceChecking.number, amountCents }), 'invalid_message'));
  }
});

describe('audit', () => {
  it('lists holders with their accounts and pages the history newest first, filtered', async () => {
    const { holders } = await auditor.expectResult('audit.holders', {});
    const aliceHolder = holders.find((holder) => holder.username === 'alice');
    expect(aliceHolder?.accounts.map((account) => account.number)).toEqual([aliceChecking.number, aliceSavings.number, aliceLoan.number]);
    expect(holders.some((holder) => holder.username === 'auditor')).toBe(false);

    const firstPage = await auditor.expectResult('audit.history', { limit: 2 });
    expect(firstPage.transactions).toHaveLength(2);
    expect(firstPage.transactions[0]!.id).toBeGreaterThan(firstPage.transactions[1]!.id);
    const secondPage = await auditor.expectResult('audit.history', { limit: 2, beforeId: firstPage.nextBeforeId! });
    expect(secondPage.transactions[0]!.id).toBeLessThan(firstPage.transactions[1]!.id);

    const loans = await auditor.expectResult('audit.history', { kind: 'open_account', username: 'alice' });
    expect(loans.transactions.map((transaction) => transaction.toAccountNumber).sort()).toEqual(
      [aliceChecking.number, aliceSavings.number, aliceLoan.number].sort(),
    );
    const bobs = await auditor.expectResult('audit.history', { accountNumber: bobChecking.number });
    for (const transaction of bobs.transactions) {
      expect(transaction.entries.some((entry) => entry.accountNumber === bobChecking.number)).toBe(true);
    }
  });

  it('pages the holders in username order, each once, and bounds the page size', async () => {
    const whole = await auditor.expectResult('audit.holders', {});
    expect(whole.nextAfterUsername).toBeNull();
    const seen: string[] = [];
    let afterUsername: string | undefined;
    for (let page = 0; page <= whole.holders.length; page += 1) {
      const reply = await auditor.expectResult('audit.holders', afterUsername === undefined ? { limit: 1 } : { limit: 1, afterUsername });
      seen.push(...reply.holders.map((holder) => holder.username));
      if (reply.nextAfterUsername === null) break;
      afterUsername = reply.nextAfterUsername;
    }
    expect(seen).toEqual(whole.holders.map((holder) => holder.username));
    expect(seen).toEqual([...seen].sort());
    expect(seen.length).toBeGreaterThanOrEqual(2);
    const tooMany = await auditor.request('audit.holders', { limit: auditHoldersPageMax + 1 });
    expect(tooMany.ok ? 'answered' : tooMany.error.code).toBe('invalid_message');
  });

  it('reports a ledger that was tampered with', async () => {
    expect((await auditor.expectResult('audit.check', {})).report.ok).toBe(true);
    // Account numbers are digits only (checked by the protocol), so quoting one into SQL is safe.
    await server.tamper(`UPDATE accounts SET balance_cents = balance_cents + 1 WHERE number = '${bobChecking.number}'`);
    try {
      const { report } = await auditor.expectResult('audit.check', {});
      expect(report.ok).toBe(false);
      expect(report.problems.join('\n')).toContain(`account ${bobChecking.number}`);
    } finally {
      await server.tamper(`UPDATE accounts SET balance_cents = balance_cents - 1 WHERE number = '${bobChecking.number}'`);
    }
    expect((await auditor.expectResult('audit.check', {})).report.ok).toBe(true);
  });
});
