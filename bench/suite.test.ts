import { describe, expect, it } from 'vitest';
import { runBenchSuite, type BenchSuiteResult } from './suite.ts';
import { formatReport } from './suite-report.ts';

/**
 * `npm run bench`'s regression guard: the whole suite, tiny, asserting correctness only, never a
 * timing (a test machine's speed is nobody's business). Its processes bind port 0 and its database
 * lives in its own temporary folder, so it runs beside anything else.
 */
describe('npm run bench, tiny', () => {
  it('runs every row against separate processes and the ledger still adds up', async () => {
    const result = await runBenchSuite({
      durationMs: 1_000,
      connections: 8,
      manyConnections: 16,
      observers: 6,
      idleConnections: 50,
      flashShoppers: 40,
      flashUnits: 10,
      loadProcesses: 1,
    });
    const report = formatReport(result);
    expect(result.failures, report).toEqual([]);
    expect(result.ledger.ok, report).toBe(true);
    for (const row of [result.transfers, result.transfersObserved, result.transfersMany]) {
      expect(row.ok, report).toBeGreaterThan(0);
      expect(row.unexpected, report).toBe(0);
      expect(row.unanswered, report).toBe(0);
    }
    expect(result.transfersMany.connectionsWithNoneCompleted, report).toBe(0);
    expectFlashSale(result, report);
    const { anonymousFrames, auditorFrames, auditorBytes } = result.transfersObserved.observerTraffic;
    expect(auditorFrames, report).toBeGreaterThan(0);
    expect(auditorBytes, report).toBeGreaterThan(0);
    expect(anonymousFrames + auditorFrames, report).toBeGreaterThan(0);
    expect(Number.isFinite(result.idleMemory.kibPerConnection), report).toBe(true);
    expect(result.idleMemory.kibPerConnection, report).toBeGreaterThan(0);
    expect(report).toContain('verdict: ok');
  }, 60_000);
});

function expectFlashSale({ flashSale }: BenchSuiteResult, report: string): void {
  expect(flashSale.sold, report).toBe(10);
  expect(flashSale.refused, report).toBe(30);
  expect(flashSale.refusedByCode, report).toEqual({ out_of_stock: 30 });
  expect(flashSale.unexpected, report).toBe(0);
  expect(flashSale.unanswered, report).toBe(0);
}
