import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BankOperations } from './bank/bank-operations.ts';
import { OperationRate } from './bank/operation-rate.ts';
import { DashboardFeed } from './dashboard/dashboard-feed.ts';
import { DashboardRecorder } from './dashboard/dashboard-recorder.ts';
import { Gateway, webSocketPath } from './gateway/gateway.ts';
import { createStaticHandler } from './http/static-files.ts';
import { LockManager } from './locks/lock-manager.ts';
import { openStorage } from './storage/open-storage.ts';
import { UnitOfWork } from './storage/unit-of-work.ts';
import { succeed } from './operations/outcome.ts';
import { readCatalogSeed } from './store/catalog-seed.ts';
import { StoreOperations } from './store/store-operations.ts';
import type { TallyContext } from './operations/context.ts';
import { OperationRunner } from './operations/operation-runner.ts';
import { SyncOperations } from './sync/sync-operations.ts';
import { CommitPublisher } from './sync/commit-publisher.ts';
import { UserOperations } from './users/user-operations.ts';
import type { BankStats } from '../shared/protocol.ts';
import { commitFeedPollIntervalMs, edgeLimitDefaults, type EdgeLimits } from '../shared/limits.ts';
import { EdgeRateLimits } from './gateway/rate-limits.ts';
import { shopperSessionLifetime, userSessionLifetime } from './users/session-expiry.ts';
import { sweepSessions } from './users/session-sweeper.ts';
import { createLogger, type TallyLogger } from './observability/logger.ts';
import { TallyMetrics } from './observability/metrics.ts';
import { withOperationsRoutes } from './observability/operations-routes.ts';
import { ReadinessProbe, writeHealthProbe } from './observability/readiness.ts';

export interface TallyServerOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  databasePath: string;
  /** Loaded into an empty database on first start only. */
  catalogPath: string;
  /** The built SPA (vite build output). */
  webRoot: string;
  /** The auditor's password on first start; when absent one is generated and logged once. */
  auditorPassword?: string | undefined;
  /**
   * Only for the torture harness's deliberately broken server: requests are neither looked up nor
   * stored by key, so repeats run again. Never set it anywhere else.
   */
  unsafeSkipIdempotency?: boolean;
  /** Overrides of the public edge's limits (connections, rate limits, sessions, memory); the rest keep their defaults. */
  limits?: Partial<EdgeLimits>;
  /** Origins besides the server's own whose pages may open a WebSocket, e.g. https://shop.example.com. */
  allowedOrigins?: readonly string[];
  /** Load balancers whose X-Forwarded-For Tally believes (addresses and CIDR ranges). */
  trustedProxies?: readonly string[];
  /** The WebSocket addresses of every process serving this database (this one included), told to clients in the welcome. */
  endpoints?: readonly string[];
  /** JSON lines to stdout by default; tests pass a silent one or one that writes where they read. */
  logger?: TallyLogger;
}

export interface TallyServer {
  /** http://host:port */
  url: string;
  /** ws://host:port/ws */
  webSocketUrl: string;
  port: number;
  close(): Promise<void>;
}

/** Opens the database, seeds the catalog on first start, and serves HTTP and WebSocket on one port. */
export async function startTallyServer(options: TallyServerOptions): Promise<TallyServer> {
  const logger = options.logger ?? createLogger();
  const metrics = new TallyMetrics({ connections: () => gateway?.clients() ?? [] });
  const storage = await openStorage(options.databasePath);
  const engine = storage.engine;
  let gateway: Gateway | null = null;
  let recorder: DashboardRecorder | null = null;
  const operationRate = new OperationRate();
  // Every commit, this process's and (on a shared database) every other's, reaches the tabs in commit order.
  const publisher = new CommitPublisher({
    publishedSeq: engine.lastCommittedSeq(),
    feed: storage.feed,
    publish: (seq, changes, batch) => {
      unitOfWork.noteCommittedElsewhere(seq);
      operationRate.record(changes.transactions.length);
      recorder?.recordCommit(seq, changes, batch);
      gateway?.publish(seq, changes);
    },
    onError: (error) => {
      metrics.commitFeedReadFailed();
      logger.warn({ err: error }, 'reading other processes\' commits failed; trying again at the next poll');
    },
  });
  const unitOfWork = new UnitOfWork<TallyContext>(engine, {
    onCommit: (seq, changes, batch) => {
      metrics.commitDurable(batch.operations);
      publisher.committedHere(seq, changes, batch);
    },
    onBatchRetried: (attempt, error) => {
      metrics.batchRetried();
      logger.warn({ err: error, attempt }, 'the database aborted a batch; running it again');
    },
    onSyncEnded: (durationMs, failed) => metrics.syncEnded(durationMs, failed),
    onOperationError: (error, requestKey) =>
      logger.error({ err: error, requestId: requestKey?.requestId, scope: requestKey?.scope, type: requestKey?.type }, 'operation failed unexpectedly'),
    onUnexpectedError: (message, error) => logger.error({ err: error }, message),
  });
  const runner = new OperationRunner(unitOfWork, new LockManager(), { idempotency: options.unsafeSkipIdempotency !== true });
  const limits: EdgeLimits = { ...edgeLimitDefaults, ...options.limits };
  const store = new StoreOperations(runner, shopperSessionLifetime(limits));
  const users = new UserOperations(runner, userSessionLifetime(limits));
  const bank = new BankOperations(runner);
  const sync = new SyncOperations(runner, unitOfWork.databaseId, () => publisher.catchUp());
  const lastCommittedSeq = () => unitOfWork.lastCommittedSeq;
  if (options.unsafeSkipIdempotency === true) logger.warn('idempotency is off (--unsafe-skip-idempotency): repeated requests run again');
  const bankStats = async (): Promise<BankStats> => {
    const totals = await bank.totals();
    return { totalDepositsCents: totals.depositsCents, totalLoansOwedCents: totals.loansOwedCents, operationsPerSecond: operationRate.perSecond() };
  };
  try {
    await seedCatalogOnFirstStart(unitOfWork, options.catalogPath, logger);
    const auditor = await users.ensureAuditor(options.auditorPassword);
    if (auditor.generatedPassword !== undefined) {
      // Deliberately logged, once: the operator has no other way to learn it (only its hash is stored).
      logger.warn(
        { username: 'auditor', generatedAuditorPassword: auditor.generatedPassword },
        'Created the auditor account with a generated password, shown once in generatedAuditorPassword; set TALLY_AUDITOR_PASSWORD to choose it',
      );
    }
    // Read between batches: the recorder then applies every later commit exactly once.
    recorder = await runner.read(async ({ store: storeRepository, bank: bankRepository, commitSeq }) => {
      return new DashboardRecorder({
        products: await storeRepository.listProducts(),
        movements: await bankRepository.movementTotals(),
        movementsSeq: commitSeq,
      });
    });
    await publisher.start(commitFeedPollIntervalMs);
  } catch (error) {
    await publisher.stop();
    await unitOfWork.close();
    await storage.close();
    throw error;
  }

  const dashboard = new DashboardFeed({
    recorder,
    readBankTotals: () =>
      runner.read(async ({ bank: bankRepository, commitSeq }) => {
        const totals = await bankRepository.totals();
        return { seq: commitSeq, depositsCents: totals.depositsCents, loansOwedCents: totals.loansOwedCents };
      }),
    clients: () => gateway?.clients() ?? [],
    logger,
  });
  const rateLimits = new EdgeRateLimits(limits, (limit) => metrics.rateLimitRefused(limit), storage.sharedLimiters);
  const services = {
    store,
    users,
    bank,
    sync,
    dashboard,
    lastCommittedSeq,
    rateLimits,
    // Called once a sign-out has committed: its tabs here are closed, and other processes sharing the database told.
    signOutConnections: (userId: number, ...args: Parameters<Gateway['signOutConnections']>) => {
      storage.feed?.announceSessionsEnded(userId);
      return gateway?.signOutConnections(...args) ?? 0;
    },
  };
  const dashboardRecorder = recorder;
  const readiness = new ReadinessProbe({
    writeProbe: () => writeHealthProbe(runner),
    acceptingConnections: () => gateway?.acceptingConnections ?? false,
    onProbeFailed: (error) => logger.error({ err: error }, 'readiness write probe failed'),
  });
  const httpServer = createServer(withOperationsRoutes({ readiness, metrics, logger }, createStaticHandler(options.webRoot, options.endpoints ?? [])));
  gateway = new Gateway({
    httpServer,
    services,
    snapshot: () =>
      runner.read(async ({ store, commitSeq }) => ({
        seq: commitSeq,
        databaseId: unitOfWork.databaseId,
        products: await store.listProducts(),
        bank: await bankStats(),
      })),
    bankStats,
    onReplied: (latencyMs) => {
      dashboardRecorder.recordReply(latencyMs);
      metrics.replySent(latencyMs);
    },
    metrics,
    limits,
    allowedOrigins: options.allowedOrigins ?? [],
    endpoints: options.endpoints ?? [],
    trustedProxies: options.trustedProxies ?? [],
    logger,
  });
  /** Users who signed out on another process since the last sweep: their tabs here whose sessions ended are told so. */
  const signedOutElsewhere = new Set<number>();
  const sessionSweeps = sweepSessionsEvery(limits.sessionSweepIntervalMs, async () => {
    const ended = await sweepSessions(runner, limits, gateway!.heldSessions());
    gateway!.endSessions(ended, new Set(signedOutElsewhere));
    signedOutElsewhere.clear();
  }, logger);
  // A sign-out on another process ended sessions tabs here may hold: sweep now, not at the next interval.
  const stopWatchingSignOuts =
    (await storage.feed?.watchSessionsEnded((userId) => {
      if (userId !== null) signedOutElsewhere.add(userId);
      sessionSweeps.sweepNow();
    })) ?? (async () => {});
  const port = await listen(httpServer, options.host, options.port);
  const hostInUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${hostInUrl}:${port}`;

  let closing: Promise<void> | null = null;
  // Graceful: no new connections or requests, every request already taken is answered (its batch
  // committed), and only then are the sockets closed (1001), the database last.
  const close = () => {
    closing ??= (async () => {
      const httpClosed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      sessionSweeps.stop();
      await stopWatchingSignOuts();
      dashboard.close();
      await gateway!.close();
      httpServer.closeAllConnections();
      await httpClosed;
      await unitOfWork.close();
      await publisher.stop();
      await storage.close();
    })();
    return closing;
  };
  return { url, webSocketUrl: `ws://${hostInUrl}:${port}${webSocketPath}`, port, close };
}

/**
 * One sweep at a time: a slow one delays the next rather than overlapping it. `sweepNow` runs one at
 * once, or, during a sweep, once more right after it (the running one may have read before the news).
 */
function sweepSessionsEvery(intervalMs: number, sweep: () => Promise<void>, logger: TallyLogger): { sweepNow: () => void; stop: () => void } {
  let sweeping = false;
  let again = false;
  const sweepNow = () => {
    if (sweeping) {
      again = true;
      return;
    }
    sweeping = true;
    sweep()
      .catch((error: unknown) => logger.warn({ err: error }, 'the session sweep failed; it runs again at the next interval'))
      .finally(() => {
        sweeping = false;
        if (again) {
          again = false;
          sweepNow();
        }
      });
  };
  const timer = setInterval(() => {
    if (!sweeping) sweepNow();
  }, intervalMs);
  timer.unref();
  return { sweepNow, stop: () => clearInterval(timer) };
}

async function seedCatalogOnFirstStart(unitOfWork: UnitOfWork<TallyContext>, catalogPath: string, logger: TallyLogger) {
  const existing = await unitOfWork.read(({ store }) => store.listProducts());
  if (existing.length > 0) return;
  const products = readCatalogSeed(catalogPath);
  const { outcome } = await unitOfWork.submit(async ({ store, commitSeq }) => {
    // Checked again inside the batch: another process sharing the database may have just seeded it.
    if ((await store.listProducts()).length > 0) return succeed(0);
    await store.insertProducts(products, commitSeq);
    return succeed(products.length);
  }).committed;
  if (!outcome.ok) throw new Error(`seeding the catalog failed: ${outcome.failure.message}`);
  if (outcome.value === 0) return;
  logger.info({ products: products.length, catalogPath }, 'Loaded the catalog seed into the empty database');
}

function listen(server: HttpServer, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
