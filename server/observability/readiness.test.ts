import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readinessProbeIntervalMs } from '../../shared/limits.ts';
import { LockManager } from '../locks/lock-manager.ts';
import type { TallyContext } from '../operations/context.ts';
import { openDatabase, type SqliteDatabase } from '../storage/sqlite/database.ts';
import { OperationRunner } from '../operations/operation-runner.ts';
import { SqliteEngine } from '../storage/sqlite/engine.ts';
import { StorageUnavailableError, UnitOfWork } from '../storage/unit-of-work.ts';
import { silentLogger } from './logger.ts';
import { TallyMetrics } from './metrics.ts';
import { withOperationsRoutes } from './operations-routes.ts';
import { ReadinessProbe, writeHealthProbe } from './readiness.ts';

/** A disk that reports every sync as failed, as fdatasync does after an I/O error. */
class FailingSyncEngine extends SqliteEngine {
  override durable(): Promise<void> {
    return Promise.reject(new Error('EIO: i/o error, fdatasync'));
  }
}

/** A disk whose syncs never finish. */
class HangingSyncEngine extends SqliteEngine {
  override durable(): Promise<void> {
    return new Promise(() => {});
  }
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A real database file, unit of work and runner: the path a request's write takes. */
function storage(engineOf: (database: SqliteDatabase) => SqliteEngine = (database) => new SqliteEngine(database), syncsEnd = true) {
  const directory = mkdtempSync(join(tmpdir(), 'tally-readiness-'));
  const database = openDatabase(join(directory, 'tally.sqlite'));
  const engine = engineOf(database);
  const unitOfWork = new UnitOfWork<TallyContext>(engine, { onCommit: () => {}, onUnexpectedError: () => {} });
  const runner = new OperationRunner(unitOfWork, new LockManager());
  cleanups.push(async () => {
    // A unit of work closes once its last sync ends; a hung one never does.
    if (syncsEnd) await unitOfWork.close();
    engine.close();
    database.close();
    rmSync(directory, { recursive: true, force: true });
  });
  const probeRow = () => database.prepare<[], { commitSeq: number }>('SELECT commit_seq AS commitSeq FROM health_probe WHERE id = 1').get()!;
  return { database, unitOfWork, runner, probeRow };
}

function probeOver(runner: OperationRunner, overrides: { now?: () => number; acceptingConnections?: () => boolean; timeoutMs?: number } = {}) {
  const failures: unknown[] = [];
  let writes = 0;
  const probe = new ReadinessProbe({
    writeProbe: () => {
      writes += 1;
      return writeHealthProbe(runner);
    },
    acceptingConnections: overrides.acceptingConnections ?? (() => true),
    onProbeFailed: (error) => failures.push(error),
    ...(overrides.now === undefined ? {} : { now: overrides.now }),
    ...(overrides.timeoutMs === undefined ? {} : { timeoutMs: overrides.timeoutMs }),
  });
  return { probe, failures, writes: () => writes };
}

describe('ReadinessProbe', () => {
  it('is ready once a write through the unit of work is durable, and the row holds that commit', async () => {
    const { runner, probeRow, unitOfWork } = storage();
    const { probe } = probeOver(runner);
    const report = await probe.check();
    expect(report).toMatchObject({ status: 'ready', failing: [], checks: { database: { ok: true }, gateway: { ok: true } } });
    expect(report.checks.database.commitSeq).toBe(unitOfWork.lastCommittedSeq);
    expect(probeRow().commitSeq).toBe(report.checks.database.commitSeq);
  });

  it('writes at most once per interval, however often and however concurrently it is asked', async () => {
    const { runner, unitOfWork } = storage();
    let nowMs = 1_000_000;
    const { probe, writes } = probeOver(runner, { now: () => nowMs });
    const seqBefore = unitOfWork.lastCommittedSeq;
    const concurrent = await Promise.all(Array.from({ length: 20 }, () => probe.check()));
    for (let asked = 0; asked < 50; asked++) {
      nowMs += (readinessProbeIntervalMs - 1) / 50;
      await probe.check();
    }
    expect(new Set(concurrent.map((report) => report.checks.database.commitSeq)).size).toBe(1);
    expect(writes()).toBe(1);
    expect(unitOfWork.lastCommittedSeq).toBe(seqBefore + 1);

    nowMs += readinessProbeIntervalMs;
    const later = await probe.check();
    expect(writes()).toBe(2);
    expect(later.checks.database.commitSeq).toBe(seqBefore + 2);
  });

  it('is not ready when the database cannot be made durable, and stays so once the unit of work refuses writes', async () => {
    const { runner } = storage((database) => new FailingSyncEngine(database));
    let nowMs = 0;
    const { probe, failures } = probeOver(runner, { now: () => nowMs });
    const first = await probe.check();
    expect(first).toMatchObject({ status: 'not_ready', failing: ['database'], checks: { database: { ok: false }, gateway: { ok: true } } });
    expect(first.checks.database.error).toContain('the database could not be made durable');

    nowMs += readinessProbeIntervalMs;
    const second = await probe.check();
    expect(second.failing).toEqual(['database']);
    expect(failures).toHaveLength(2);
    expect(failures.every((error) => error instanceof StorageUnavailableError)).toBe(true);
  });

  it('is not ready when the write is not durable within the timeout, and adds no second write while it waits', async () => {
    const { runner } = storage((database) => new HangingSyncEngine(database), false);
    let nowMs = 0;
    const { probe, writes } = probeOver(runner, { now: () => nowMs, timeoutMs: 50 });
    const first = await probe.check();
    expect(first.failing).toEqual(['database']);
    expect(first.checks.database.error).toBe('the write probe was not durable within 50 ms');
    nowMs += readinessProbeIntervalMs;
    await probe.check();
    expect(writes()).toBe(1);
  });

  it('is not ready while the gateway drains, naming the gateway', async () => {
    const { runner } = storage();
    let draining = false;
    const { probe } = probeOver(runner, { acceptingConnections: () => !draining });
    expect((await probe.check()).status).toBe('ready');
    draining = true;
    const report = await probe.check();
    expect(report).toMatchObject({ status: 'not_ready', failing: ['gateway'], checks: { database: { ok: true }, gateway: { ok: false } } });
  });
});

describe('the operations routes', () => {
  async function serve(probe: ReadinessProbe): Promise<string> {
    const metrics = new TallyMetrics({ connections: () => [] });
    const server: Server = createServer(
      withOperationsRoutes({ readiness: probe, metrics, logger: silentLogger() }, (_request, response) => {
        response.writeHead(200, { 'Content-Type': 'text/html' });
        response.end('<!doctype html><title>the app</title>');
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('answers /readyz 503 with JSON naming the failing check when the database cannot be made durable', async () => {
    const { runner } = storage((database) => new FailingSyncEngine(database));
    const url = await serve(probeOver(runner).probe);
    const response = await fetch(`${url}/readyz`);
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as { status: string; failing: string[]; checks: { database: { error: string } } };
    expect(body).toMatchObject({ status: 'not_ready', failing: ['database'] });
    expect(body.checks.database.error).not.toContain('EIO');
  });

  it('answers /readyz 200 on a healthy database, /healthz itself, and hands every other path to the app', async () => {
    const { runner } = storage();
    const url = await serve(probeOver(runner).probe);
    expect((await fetch(`${url}/readyz?probe=1`)).status).toBe(200);
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', uptimeSeconds: expect.any(Number), version: expect.any(String) });
    expect(await (await fetch(`${url}/healthzz`)).text()).toContain('the app');
    const posted = await fetch(`${url}/readyz`, { method: 'POST' });
    expect(posted.status).toBe(405);
    expect(posted.headers.get('allow')).toBe('GET, HEAD');
  });
});
