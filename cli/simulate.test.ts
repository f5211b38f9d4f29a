/** cli/simulate.ts end to end: a parent process and three worker processes against a real server. */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, testAuditorPassword, type TestServer } from '../test/support/test-server.ts';
import { runScript } from './test-support.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.dispose();
  server = undefined;
});

describe('cli/simulate.ts', () => {
  it('runs 3 processes x 50 transfers, every one answered, money conserved and the ledger sound', async () => {
    server = await startTestServer();
    const run = await runScript('cli/simulate.ts', ['--url', server.webSocketUrl, '--processes', '3', '--operations', '50', '--accounts', '3'], {
      TALLY_AUDITOR_PASSWORD: testAuditorPassword,
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('money conserved: yes');
    expect(run.stdout).toMatch(/counted by the auditor: before \$900\.00, after \$900\.00/);
    expect(run.stdout).toMatch(/^ledger check: ok /m);

    const processRows = [...run.stdout.matchAll(/^([1-3]) +sim-\w+-\1 +(\d+) +(\d+) /gm)];
    expect(processRows.map((row) => Number(row[2]) + Number(row[3]))).toEqual([50, 50, 50]);
    const total = /^total +(\d+) +(\d+) /m.exec(run.stdout);
    const [ok, failed] = [Number(total?.[1]), Number(total?.[2])];
    expect(ok + failed).toBe(150);
    expect(run.stdout).toContain('transfers sent: 150 of 150 requested');

    // The server's own ledger holds exactly the transfers reported OK, and no session was left open.
    const stored = server.inspect((database) => ({
      transfers: database.prepare("SELECT count(*) AS count FROM ledger_transactions WHERE kind = 'transfer'").get(),
      sessions: database.prepare('SELECT count(*) AS count FROM user_sessions').get(),
    }));
    expect(stored).toEqual({ transfers: { count: ok }, sessions: { count: 0 } });
  });

  it('without the auditor password, counts the money through its users and says the ledger check was skipped', async () => {
    server = await startTestServer();
    const run = await runScript('cli/simulate.ts', ['--url', server.webSocketUrl, '--processes', '1', '--operations', '5', '--accounts', '2', '--verbose']);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/counted by the users: before \$200\.00, after \$200\.00/);
    expect(run.stdout).toContain('money conserved: yes');
    expect(run.stdout).toContain('ledger check: skipped (set TALLY_AUDITOR_PASSWORD');
    expect(run.stdout.match(/^\[1\] (OK|FAILED insufficient_funds) +\d{12} -> \d{12} +\$[\d,.]+ +balances: \d{12} \$/gm)).toHaveLength(5);
  });
});
