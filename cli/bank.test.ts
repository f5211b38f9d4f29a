/**
 * cli/bank.ts as a person runs it: its own process per command, against a real server. Spawning
 * Node with tsx costs about a second, so commands that do not depend on each other run at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInAuditor } from '../test/support/bank-fixtures.ts';
import { startTestServer, testAuditorPassword, type TestServer } from '../test/support/test-server.ts';
import { runScript, type ScriptRun } from './test-support.ts';

const passwords = { alice: 'alice-password-1', bob: 'bob-password-22', auditor: testAuditorPassword } as const;
type Person = keyof typeof passwords;

let server: TestServer;
const accounts = { alice: '', bob: '' };

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.dispose();
});

function bank(person: Person, ...args: string[]): Promise<ScriptRun> {
  return runScript('cli/bank.ts', ['--url', server.webSocketUrl, person, ...args], { TALLY_PASSWORD: passwords[person] });
}

/** The account a create_account run opened, from its "transaction N: open_account ... to <number>" line. */
function openedAccount(run: ScriptRun): string {
  const match = /open_account of \$[\d,.]+ from outside the bank to (\d{12})/.exec(run.stdout);
  if (match === null) throw new Error(`no account opened:\n${run.stdout}${run.stderr}`);
  return match[1]!;
}

describe('cli/bank.ts', () => {
  it('registers users, and refuses to run without a password', async () => {
    const [alice, bob, noPassword] = await Promise.all([
      bank('alice', 'register'),
      bank('bob', 'register'),
      runScript('cli/bank.ts', ['--url', server.webSocketUrl, 'carol', 'accounts']),
    ]);
    expect(alice).toMatchObject({ exitCode: 0, stdout: 'OK\nregistered alice (customer); open an account with create_account\n' });
    expect(bob.exitCode).toBe(0);
    expect(noPassword.exitCode).toBe(2);
    expect(noPassword.stdout).toBe('');
    expect(noPassword.stderr).toMatch(/no password: set the environment variable TALLY_PASSWORD/);
  });

  it('opens accounts, and refuses a customer the auditor views', async () => {
    const [alice, bob, holders] = await Promise.all([
      bank('alice', 'create_account', 'checking', '100'),
      bank('bob', 'create_account', 'savings', '5.00'),
      bank('bob', 'show_accountholders'),
    ]);
    expect(alice.exitCode).toBe(0);
    accounts.alice = openedAccount(alice);
    accounts.bob = openedAccount(bob);
    expect(alice.stdout).toMatch(new RegExp(`^OK\\n.*\\n.*\\n.*\\n${accounts.alice} +checking +alice +\\$100\\.00\\n$`));
    expect(holders).toMatchObject({ exitCode: 1, stdout: 'FAILED: forbidden: Only the auditor may see the audit views.\n' });
  });

  it('deposits, then transfers to another customer, showing only the sender’s balance', async () => {
    const deposit = await bank('alice', 'deposit', accounts.alice, '25.50');
    expect(deposit.exitCode).toBe(0);
    expect(deposit.stdout).toContain(`deposit of $25.50 from outside the bank to ${accounts.alice}`);
    expect(deposit.stdout).toMatch(new RegExp(`${accounts.alice} +checking +alice +\\$125\\.50\\n`));

    const transfer = await bank('alice', 'transfer', accounts.alice, accounts.bob, '30');
    expect(transfer.exitCode).toBe(0);
    expect(transfer.stdout).toMatch(/^OK\n/);
    expect(transfer.stdout).toContain(`transfer of $30.00 from ${accounts.alice} to ${accounts.bob}`);
    expect(transfer.stdout).toMatch(new RegExp(`${accounts.alice} +checking +alice +\\$95\\.50\\n`));
    expect(transfer.stdout).toContain(`(${accounts.bob} belongs to another customer`);
    expect(transfer.stdout).not.toContain('$35.00');
  });

  it('answers FAILED with exit code 1 and changes nothing when funds are short; the auditor sees the transfer', async () => {
    const [refused, ledger] = await Promise.all([
      bank('alice', 'transfer', accounts.alice, accounts.bob, '1000'),
      bank('auditor', 'show_transaction_history', '--kind', 'transfer'),
    ]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stdout).toMatch(new RegExp(`^FAILED: insufficient_funds: Account ${accounts.alice} holds \\$95\\.50, less than \\$1,000\\.00\\.\\n`));
    expect(refused.stdout).toMatch(new RegExp(`${accounts.alice} +checking +alice +\\$95\\.50\\n`));

    expect(ledger.exitCode).toBe(0);
    expect(ledger.stdout).toMatch(new RegExp(`transfer +\\$30\\.00 +${accounts.alice} +${accounts.bob} +alice\\n`));
    expect(ledger.stdout).toContain('1 transaction(s), newest first');

    // Every run signed out again: no session token was left behind on the server.
    expect(server.inspect((database) => database.prepare('SELECT count(*) AS count FROM user_sessions').get())).toEqual({ count: 0 });
    const auditor = await signInAuditor(server.webSocketUrl);
    const { holders } = await auditor.expectResult('audit.holders', {});
    const { report } = await auditor.expectResult('audit.check', {});
    await auditor.close();
    const balances = Object.fromEntries(holders.flatMap((holder) => holder.accounts.map((account) => [account.number, account.balanceCents])));
    expect(balances).toEqual({ [accounts.alice]: 9_550, [accounts.bob]: 3_500 });
    expect(report.ok).toBe(true);
  });

  it('carries a --request-id out once: the same command again prints the same outcome and moves nothing', async () => {
    const first = await bank('bob', '--request-id', 'bob-rent-march', 'deposit', accounts.bob, '1');
    const again = await bank('bob', 'deposit', accounts.bob, '1', '--request-id', 'bob-rent-march');
    expect(first.exitCode).toBe(0);
    expect(again).toEqual(first);
    expect(first.stdout).toMatch(new RegExp(`${accounts.bob} +savings +bob +\\$36\\.00\\n`));
    const changed = await bank('bob', 'deposit', accounts.bob, '2', '--request-id', 'bob-rent-march');
    expect(changed.exitCode).toBe(1);
    expect(changed.stdout).toMatch(/^FAILED: idempotency_mismatch: /);
  });
});
