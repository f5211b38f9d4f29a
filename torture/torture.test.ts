import { describe, expect, it } from 'vitest';
import { formatOutcome, runTorture, type TortureOptions } from './run.ts';

/**
 * The short torture run that is part of `npm test` (the long one is `npm run torture`, see README):
 * a real server process SIGKILLed every ~3 s under load, clients re-sending with the same keys.
 */
const shortRun: TortureOptions = {
  clients: 8,
  seconds: 16,
  killEverySeconds: 3,
  seed: 20261201,
  unsafeServer: false,
  duplicateEvery: 10,
  nodes: 1,
  log: () => {},
};

describe('npm run torture, short', () => {
  it('loses nothing and duplicates nothing across SIGKILLs and re-sends', async () => {
    const outcome = await runTorture(shortRun);
    const summary = formatOutcome(outcome);
    expect(outcome.report.violations, summary).toEqual([]);
    expect(outcome.ok, summary).toBe(true);
    expect(outcome.kills, summary).toBeGreaterThanOrEqual(3);
    expect(outcome.report.outcomeCounts.ok, summary).toBeGreaterThan(1_000);
    expect(outcome.repeatsSent, summary).toBeGreaterThan(0);
    expect(summary).toContain('0 lost, 0 duplicated');
  }, 180_000);

  it('on three processes sharing PostgreSQL, one killed and kept down at a time: clients move to another node and nothing is lost or duplicated', async () => {
    // A killed node stays down for half the interval and takes a second or two to start again: a
    // shorter interval over a longer run gives as many kills as the one-node run.
    const outcome = await runTorture({ ...shortRun, nodes: 3, seconds: 20, killEverySeconds: 2 });
    const summary = formatOutcome(outcome);
    expect(outcome.report.violations, summary).toEqual([]);
    expect(outcome.ok, summary).toBe(true);
    expect(outcome.kills, summary).toBeGreaterThanOrEqual(3);
    expect(outcome.report.outcomeCounts.ok, summary).toBeGreaterThan(500);
    expect(summary).toContain('0 lost, 0 duplicated');
  }, 180_000);

  it('catches a server that skips the idempotency check, naming a duplicated request', async () => {
    const outcome = await runTorture({ ...shortRun, seconds: 6, unsafeServer: true });
    const summary = formatOutcome(outcome);
    expect(outcome.ok).toBe(false);
    expect(outcome.report.duplicatedCount).toBeGreaterThan(0);
    const duplicated = outcome.report.violations.find((violation) => violation.kind === 'duplicated');
    expect(duplicated?.requestId).toMatch(/^[0-9a-z]+-[0-9a-z]+c\d+-\d+$/);
    expect(summary).toContain(`Request ${duplicated!.requestId} is committed 2 times`);
  }, 120_000);
});
