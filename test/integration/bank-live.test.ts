import { describe, expect, it } from 'vitest';
import type { Changes } from '../../shared/protocol.ts';
import { statsIntervalMs } from '../../shared/limits.ts';
import { openAccount, registerUser, signInAuditor } from '../support/bank-fixtures.ts';
import { TestClient } from '../support/test-client.ts';
import { useTestServer } from '../support/server-fixture.ts';

const fixture = useTestServer();

describe('the bank, live', () => {
  it('shows money arriving in the recipient’s tabs and everything to the auditor, and nothing to others', async () => {
    const server = await fixture.start();
    const sender = await registerUser(server.webSocketUrl, 'sender');
    const recipient = await registerUser(server.webSocketUrl, 'recipient');
    const bystander = await registerUser(server.webSocketUrl, 'bystander');
    const recipientSecondTab = await TestClient.connect(server.webSocketUrl);
    await recipientSecondTab.expectResult('auth.resume', { sessionToken: recipient.sessionToken });
    const auditor = await signInAuditor(server.webSocketUrl);
    fixture.track(sender.client, recipient.client, bystander.client, recipientSecondTab, auditor);

    const from = await openAccount(sender.client, 'checking', 10_000);
    const to = await openAccount(recipient.client, 'savings', 100);
    const { transaction } = await sender.client.expectResult('bank.transfer', { fromAccountNumber: from.number, toAccountNumber: to.number, amountCents: 2_345 });

    for (const tab of [recipient.client, recipientSecondTab, auditor]) {
      await expect.poll(() => tab.accounts.get(to.number)?.balanceCents).toBe(2_445);
    }
    await expect.poll(() => auditor.transactionsSeen.map((seen) => seen.id)).toContain(transaction.id);
    expect(auditor.accounts.get(from.number)?.balanceCents).toBe(7_655);
    expect(recipient.client.accounts.has(from.number)).toBe(false);
    const bystanderFrames = bystander.client.frames.filter((frame): frame is Changes => frame.type === 'changes');
    expect(bystanderFrames.flatMap((frame) => frame.accounts ?? [])).toEqual([]);
    expect(recipient.client.transactionsSeen).toEqual([]);
  });

  it('tells every tab the bank totals and the rate of operations', async () => {
    const server = await fixture.start();
    const watcher = await TestClient.connect(server.webSocketUrl);
    const { client } = await registerUser(server.webSocketUrl, 'saver');
    fixture.track(watcher, client);
    expect(watcher.bankStats).toEqual({ totalDepositsCents: 0, totalLoansOwedCents: 0, operationsPerSecond: 0 });
    const account = await openAccount(client, 'checking', 5_000);
    await client.expectResult('bank.deposit', { accountNumber: account.number, amountCents: 1_000 });
    await openAccount(client, 'loan', 800);
    await expect.poll(() => watcher.bankStats?.totalDepositsCents, { timeout: statsIntervalMs * 3 }).toBe(6_000);
    expect(watcher.bankStats?.totalLoansOwedCents).toBe(800);
    expect(watcher.bankStats?.operationsPerSecond).toBeGreaterThan(0);
  });
});
