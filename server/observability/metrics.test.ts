import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TallyContext } from '../operations/context.ts';
import { openDatabase } from '../storage/sqlite/database.ts';
import { SqliteEngine } from '../storage/sqlite/engine.ts';
import { UnitOfWork } from '../storage/unit-of-work.ts';
import { succeed } from '../operations/outcome.ts';
import { connectionRole, TallyMetrics } from './metrics.ts';

class FailingSyncEngine extends SqliteEngine {
  override durable(): Promise<void> {
    return Promise.reject(new Error('EIO'));
  }
}

/** The value of one sample line, e.g. `tally_commit_sync_failures_total 1`. */
function sample(text: string, line: string): number | undefined {
  const found = text.split('\n').find((candidate) => candidate.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

describe('connectionRole', () => {
  it('counts a tab once, as its most privileged identity', () => {
    const customer = { role: 'customer' as const };
    expect(connectionRole({ user: null, shopper: null })).toBe('anonymous');
    expect(connectionRole({ user: null, shopper: { id: 1 } })).toBe('shopper');
    expect(connectionRole({ user: customer, shopper: { id: 1 } })).toBe('customer');
    expect(connectionRole({ user: { role: 'auditor' }, shopper: null })).toBe('auditor');
  });
});

describe('TallyMetrics', () => {
  it('counts a failed sync as a failure, not as a sync duration, through the unit of work’s hook', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'tally-metrics-'));
    const database = openDatabase(join(directory, 'tally.sqlite'));
    const engine = new FailingSyncEngine(database);
    const metrics = new TallyMetrics({ connections: () => [] });
    const unitOfWork = new UnitOfWork<TallyContext>(engine, {
      onCommit: (_seq, _changes, batch) => metrics.commitDurable(batch.operations),
      onSyncEnded: (durationMs, failed) => metrics.syncEnded(durationMs, failed),
      onUnexpectedError: () => {},
    });
    try {
      await expect(unitOfWork.submit(async () => succeed(1)).committed).rejects.toThrow('could not be made durable');
      const text = await metrics.exposition();
      expect(sample(text, 'tally_commit_sync_failures_total')).toBe(1);
      expect(sample(text, 'tally_commit_sync_duration_seconds_count')).toBe(0);
      // Never durable, so never a durable commit.
      expect(sample(text, 'tally_commit_batch_operations_count')).toBe(0);
    } finally {
      await unitOfWork.close();
      engine.close();
      database.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('counts retried batches and failed reads of the commit feed', async () => {
    const metrics = new TallyMetrics({ connections: () => [] });
    metrics.batchRetried();
    metrics.batchRetried();
    metrics.commitFeedReadFailed();
    const text = await metrics.exposition();
    expect(sample(text, 'tally_commit_batch_retries_total')).toBe(2);
    expect(sample(text, 'tally_commit_feed_read_failures_total')).toBe(1);
  });

  it('reads the fan-out counters at scrape time and lists the process metrics once, after its own', async () => {
    const metrics = new TallyMetrics({ connections: () => [] });
    metrics.changesFrameSent(120);
    metrics.changesFrameSent(80);
    metrics.changesConflated();
    const text = await metrics.exposition();
    expect(sample(text, 'tally_fanout_frames_total')).toBe(2);
    expect(sample(text, 'tally_fanout_bytes_total')).toBe(200);
    expect(sample(text, 'tally_slow_client_conflations_total')).toBe(1);
    expect(text.match(/^# TYPE process_cpu_user_seconds_total counter$/gm)).toHaveLength(1);
    expect(text.indexOf('tally_connections')).toBeLessThan(text.indexOf('process_cpu_user_seconds_total'));
    metrics.changesFrameSent(1);
    expect(sample(await metrics.exposition(), 'tally_fanout_frames_total')).toBe(3);
  });
});
