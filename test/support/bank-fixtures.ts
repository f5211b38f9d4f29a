import type { AccountKind, AccountView } from '../../shared/protocol.ts';
import { TestClient } from './test-client.ts';
import { testAuditorPassword } from './test-server.ts';

export const testPassword = 'correct horse battery';

/** `requestIdPrefix`: only to find this client's requests in the ledger; by default a random one. */
export async function registerUser(webSocketUrl: string, username: string, requestIdPrefix?: string): Promise<{ client: TestClient; sessionToken: string }> {
  const client = await TestClient.connect(webSocketUrl, requestIdPrefix);
  const { sessionToken } = await client.expectResult('auth.register', { username, password: testPassword });
  return { client, sessionToken };
}

export async function openAccount(client: TestClient, kind: AccountKind, amountCents: number): Promise<AccountView> {
  const { accounts } = await client.expectResult('bank.openAccount', { kind, amountCents });
  const opened = accounts.find((account) => account.kind === kind && account.version === 2);
  if (opened === undefined) throw new Error(`openAccount returned no new ${kind} account`);
  return opened;
}

export async function signInAuditor(webSocketUrl: string): Promise<TestClient> {
  const auditor = await TestClient.connect(webSocketUrl, 'audit');
  await auditor.expectResult('auth.signIn', { username: 'auditor', password: testAuditorPassword });
  return auditor;
}
