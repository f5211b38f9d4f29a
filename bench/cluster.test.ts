import { describe, expect, it } from 'vitest';
import { baselineScript, pairLags, parsePgbenchLog, parsePgbenchOutput, runBenchCluster, Teardown } from './cluster.ts';
import { formatClusterReport } from './cluster-report.ts';
import { testDatabaseUrl } from '../test/support/postgres-schema.ts';

/** `npm run bench:cluster`'s pure parts; below, a tiny whole run that asserts correctness only, never a timing. */
describe('npm run bench:cluster, pure parts', () => {
  it('pairs each deposit with the first change on node 2 that holds its version or a later one', () => {
    const replies = [
      { version: 2, atMs: 100 },
      { version: 3, atMs: 150 },
      { version: 4, atMs: 200 },
      { version: 5, atMs: 250 },
    ];
    // Version 3 was never sent on its own (node 2's tab got the latest state), 5 never arrived.
    const arrivals = [
      { version: 2, atMs: 104 },
      { version: 4, atMs: 207 },
    ];
    expect(pairLags(replies, arrivals)).toEqual({ lagsMs: [4, 57, 7], missing: 1 });
  });

  it('counts a change that reached node 2 before node 1 replied as a negative lag', () => {
    expect(pairLags([{ version: 7, atMs: 50 }], [{ version: 7, atMs: 48 }])).toEqual({ lagsMs: [-2], missing: 0 });
  });

  it("reads pgbench's summary and per-transaction log", () => {
    const summary = [
      'number of clients: 64',
      'number of transactions actually processed: 15123',
      'number of failed transactions: 0 (0.000%)',
      'latency average = 21.2 ms',
      'initial connection time = 31.052 ms',
      'tps = 3021.584226 (without initial connection time)',
    ].join('\n');
    expect(parsePgbenchOutput(summary)).toEqual({ perSecond: 3021.584226, transactions: 15123, failedTransactions: 0 });
    expect(parsePgbenchOutput('pgbench: error: connection failed')).toBeNull();
    expect(parsePgbenchLog('0 1 2150 0 1733346000 123456\n1 1 980 0 1733346000 124000\n2 1 failed 0 1733346000 125000\n')).toEqual([2.15, 0.98]);
  });

  it('writes a transfer that locks both accounts in id order before moving the money', () => {
    const script = baselineScript(64);
    expect(script).toContain('\\set a random(1, 64)');
    expect(script.indexOf('FOR UPDATE')).toBeLessThan(script.indexOf('UPDATE accounts SET'));
    expect(script.trimEnd().endsWith('END;')).toBe(true);
  });

  it('undoes last first, only back to a mark, and at once after closing', async () => {
    const undone: string[] = [];
    const teardown = new Teardown(() => {});
    const step = (name: string) => async () => void undone.push(name);
    teardown.add(step('drop schema'));
    const mark = teardown.mark();
    teardown.add(step('stop node 1'));
    teardown.add(step('stop node 2'));
    await teardown.undoTo(mark);
    expect(undone).toEqual(['stop node 2', 'stop node 1']);
    await teardown.close();
    teardown.add(step('late process'));
    await teardown.undoTo(0);
    expect(undone).toEqual(['stop node 2', 'stop node 1', 'drop schema', 'late process']);
  });
});

describe('npm run bench:cluster, tiny', () => {
  it('measures the baseline and a two-process cluster, with the lag between them, and the ledger adds up', async () => {
    const result = await runBenchCluster({ postgresUrl: testDatabaseUrl, durationMs: 1_000, connections: 4, nodeCounts: [2], loadProcesses: 1 });
    const report = formatClusterReport(result);
    expect(result.failures, report).toEqual([]);
    const [cluster] = result.clusters;
    expect(cluster!.nodes, report).toBe(2);
    expect(cluster!.transfers.ok, report).toBeGreaterThan(0);
    expect(cluster!.ledger.ok, report).toBe(true);
    expect(cluster!.lag?.samples ?? 0, report).toBeGreaterThan(0);
  }, 120_000);
});
