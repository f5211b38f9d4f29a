import { describe, expect, it } from 'vitest';
import type { AccountView } from '../../shared/protocol.ts';
import { openAccount, registerUser, signInAuditor } from '../support/bank-fixtures.ts';
import { TestClient } from '../support/test-client.ts';
import { useTestServer } from '../support/server-fixture.ts';
import { seededRandom } from '../../shared/seeded-random.ts';

const userCount = 10;
const clientCount = 20;
const operationsPerClient = 500;
const openingDepositCents = 50_000;
const loanPrincipalCents = 30_000;

const fixture = useTestServer();

interface Tally {
  ok: number;
  /** Net money that entered the bank through this client's OK operations. */
  netInflowCents: number;
  failures: Map<string, number>;
}

interface Owner {
  client: TestClient;
  checking: AccountView;
  loan: AccountView;
}

async function runClient(owner: Owner, allChecking: readonly string[], random: () => number): Promise<Tally> {
  const tally: Tally = { ok: 0, netInflowCents: 0, failures: new Map() };
  const { client, checking, loan } = owner;
  for (let index = 0; index < operationsPerClient; index += 1) {
    const amountCents = 1 + Math.floor(random() * 20_000);
    const pick = random();
    const target = allChecking[Math.floor(random() * allChecking.length)]!;
    let inflowCents = 0;
    let reply;
    if (pick < 0.15) {
      reply = await client.request('bank.deposit', { accountNumber: checking.number, amountCents });
      inflowCents = amountCents;
    } else if (pick < 0.3) {
      reply = await client.request('bank.withdraw', { accountNumber: checking.number, amountCents });
      inflowCents = -amountCents;
    } else if (pick < 0.8) {
      reply = await client.request('bank.transfer', { fromAccountNumber: checking.number, toAccountNumber: target, amountCents });
    } else if (pick < 0.9) {
      reply = await client.request('bank.payLoanByCheck', { loanAccountNumber: loan.number, amountCents: Math.ceil(amountCents / 10) });
      inflowCents = Math.ceil(amountCents / 10);
    } else {
      reply = await client.request('bank.payLoanByTransfer', { fromAccountNumber: checking.number, loanAccountNumber: loan.number, amountCents: Math.ceil(amountCents / 10) });
    }
    if (reply.ok) {
      tally.ok += 1;
      tally.netInflowCents += inflowCents;
    } else {
      tally.failures.set(reply.error.code, (tally.failures.get(reply.error.code) ?? 0) + 1);
    }
  }
  return tally;
}

describe(`${clientCount} clients x ${operationsPerClient} random operations over ${userCount} accounts`, () => {
  it('finishes without deadlock, keeps the ledger sound and conserves money', async () => {
    const server = await fixture.start();
    const owners: Owner[] = [];
    for (let index = 0; index < userCount; index += 1) {
      const { client, sessionToken } = await registerUser(server.webSocketUrl, `user${index}`, `c${index}-`);
      fixture.track(client);
      const checking = await openAccount(client, 'checking', openingDepositCents);
      const loan = await openAccount(client, 'loan', loanPrincipalCents);
      owners.push({ client, checking, loan });
      // A second tab of the same user: 20 clients, two per account owner.
      const second = await TestClient.connect(server.webSocketUrl, `c${index + userCount}-`);
      await second.expectResult('auth.resume', { sessionToken });
      fixture.track(second);
      owners.push({ client: second, checking, loan });
    }
    const auditor = await signInAuditor(server.webSocketUrl);
    fixture.track(auditor);
    const initial = (await auditor.expectResult('audit.check', {})).report;
    expect(initial.ok).toBe(true);
    const netBefore = userCount * (openingDepositCents - loanPrincipalCents);
    const allChecking = owners.filter((_, index) => index % 2 === 0).map((owner) => owner.checking.number);

    const tallies = await Promise.all(owners.map((owner, index) => runClient(owner, allChecking, seededRandom(1_000 + index))));

    const { report } = await auditor.expectResult('audit.check', {});
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);

    // Each client's OK count equals the ledger rows its request ids produced (keys: <time>-<prefix>-<n>).
    for (const [index, tally] of tallies.entries()) {
      const clientIndex = index % 2 === 0 ? index / 2 : (index - 1) / 2 + userCount;
      const [rows] = await server.query<{ count: number }>(
        "SELECT COUNT(*) AS count FROM ledger_transactions WHERE request_id LIKE ? AND kind <> 'open_account'",
        `%-c${clientIndex}-%`,
      );
      expect(rows!.count).toBe(tally.ok);
    }
    const failures = new Map<string, number>();
    for (const tally of tallies) for (const [code, count] of tally.failures) failures.set(code, (failures.get(code) ?? 0) + count);
    expect([...failures.keys()].filter((code) => !['insufficient_funds', 'overpayment', 'same_account'].includes(code))).toEqual([]);
    expect(tallies.reduce((sum, tally) => sum + tally.ok, 0)).toBeGreaterThan(clientCount * operationsPerClient * 0.5);

    // The bank total (deposits less loans owed) moved only by deposits, withdrawals and check payments.
    const [totals] = await server.query<{ deposits: number; loans: number; lowest: number }>(
      `SELECT CAST(SUM(CASE WHEN kind IN ('checking','savings') THEN balance_cents ELSE 0 END) AS BIGINT) AS deposits,
              CAST(SUM(CASE WHEN kind = 'loan' THEN balance_cents ELSE 0 END) AS BIGINT) AS loans,
              MIN(CASE WHEN kind <> 'system' THEN balance_cents END) AS lowest
       FROM accounts`,
    );
    if (totals === undefined) throw new Error('no totals');
    const inflow = tallies.reduce((sum, tally) => sum + tally.netInflowCents, 0);
    expect(totals.deposits - totals.loans).toBe(netBefore + inflow);
    expect(totals.lowest).toBeGreaterThanOrEqual(0);
    for (const { client } of owners) expect(Math.min(0, ...client.balancesSeen)).toBe(0);
    expect(Math.min(0, ...auditor.balancesSeen)).toBe(0);
  }, 120_000);
});
