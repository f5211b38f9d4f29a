import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { openAccount, signInAuditor, testPassword } from '../support/bank-fixtures.ts';
import type { TestServer } from '../support/test-server.ts';
import { TestClient } from '../support/test-client.ts';

/**
 * After an attack: a normal customer, from an address the attack did not use, can still register,
 * open accounts and move money, and the auditor's ledger check passes.
 */
export async function expectStillServes(server: TestServer): Promise<void> {
  const customer = await TestClient.connect(server.webSocketUrl, undefined, { localAddress: '127.0.0.9' });
  const auditor = await signInAuditor(server.webSocketUrl);
  try {
    await customer.expectResult('auth.register', { username: `normal-${randomBytes(4).toString('hex')}`, password: testPassword });
    const checking = await openAccount(customer, 'checking', 5_000);
    const savings = await openAccount(customer, 'savings', 1_000);
    await customer.expectResult('bank.transfer', { fromAccountNumber: checking.number, toAccountNumber: savings.number, amountCents: 2_500 });
    const { report } = await auditor.expectResult('audit.check', {});
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
  } finally {
    await Promise.all([customer.close(), auditor.close()]);
  }
}
