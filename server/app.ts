import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BankOperations } from './bank/bank-operations.ts';
import { OperationRate } from './bank/operation-rate.ts';
import { DashboardFeed } from './dashboard/dashboard-feed.ts';
import { DashboardRecorder } from './dashboard/dashboard-recorder.ts';
import { Gateway, webSocketPath } from './gateway/gateway.ts';
import { createStaticHandler } from './http/static-files.ts';
import { LockManager } from './locks/lock-manager.ts';
import { openDatabase } from './storage/database.ts';
import { SqliteEngine } from './storage/sqlite/engine.ts';
import { succeed, UnitOfWork } from './storage/unit-of-work.ts';
import { readCatalogSeed } from './store/catalog-seed.ts';
import { StoreOperations } from './store/store-operations.ts';
import type { TallyContext } from './storage/context.ts';
import { OperationRunner } from './storage/operation-runner.ts';
import { SyncOperations } from './sync/sync-operations.ts';
import { UserOperations } from './users/user-operations.ts';
import type { BankStats } from '../shared/protocol.ts';

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
  log?: (line: string) => void;
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
  const log = options.log ?? ((line: string) => console.log(line));
  const database = openDatabase(options.databasePath);
  let gateway: Gateway | null = null;
  let recorder: DashboardRecorder | null = null;
  const operationRate = new OperationRate();
  const engine = new SqliteEngine(database);
  const unitOfWork = new UnitOfWork<TallyContext>(engine, {
    onCommit: (seq, changes, batch) => {
      operationRate.record(changes.transactions.length);
      recorder?.recordCommit(seq, changes, batch);
      gateway?.publish(seq, changes);
    },
  });
  const runner = new OperationRunner(unitOfWork, new LockManager(), { idempotency: options.unsafeSkipIdempotency !== true });
  const store = new StoreOperations(runner);
  const users = new UserOperations(runner);
  const bank = new BankOperations(runner);
  const sync = new SyncOperations(runner, unitOfWork.databaseId);
  const lastCommittedSeq = () => unitOfWork.lastCommittedSeq;
  if (options.unsafeSkipIdempotency === true) log('WARNING: idempotency is off (--unsafe-skip-idempotency): repeated requests run again');
  const bankStats = async (): Promise<BankStats> => {
    const totals = await bank.totals();
    return { totalDepositsCents: totals.depositsCents, totalLoansOwedCents: totals.loansOwedCents, operationsPerSecond: operationRate.perSecond() };
  };
  try {
    await seedCatalogOnFirstStart(unitOfWork, options.catalogPath, log);
    const auditor = await users.ensureAuditor(options.auditorPassword);
    if (auditor.generatedPassword !== undefined) {
      log(`Created the auditor account: username "auditor", password "${auditor.generatedPassword}" (shown once; set TALLY_AUDITOR_PASSWORD to choose it)`);
    }
    // Read between batches: the recorder then applies every later commit exactly once.
    recorder = await runner.read(async ({ store: storeRepository, bank: bankRepository, commitSeq }) => {
      return new DashboardRecorder({
        products: await storeRepository.listProducts(),
        movements: await bankRepository.movementTotals(),
        movementsSeq: commitSeq,
      });
    });
  } catch (error) {
    await unitOfWork.close();
    engine.close();
    database.close();
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
    log,
  });
  const services = { store, users, bank, sync, dashboard, lastCommittedSeq };
  const dashboardRecorder = recorder;
  const httpServer = createServer(createStaticHandler(options.webRoot));
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
    onReplied: (latencyMs) => dashboardRecorder.recordReply(latencyMs),
    log,
  });
  const port = await listen(httpServer, options.host, options.port);
  const hostInUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${hostInUrl}:${port}`;

  let closing: Promise<void> | null = null;
  // Graceful: no new connections or requests, every request already taken is answered (its batch
  // committed), and only then are the sockets closed (1001), the database last.
  const close = () => {
    closing ??= (async () => {
      const httpClosed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      dashboard.close();
      await gateway!.close();
      httpServer.closeAllConnections();
      await httpClosed;
      await unitOfWork.close();
      engine.close();
      database.close();
    })();
    return closing;
  };
  return { url, webSocketUrl: `ws://${hostInUrl}:${port}${webSocketPath}`, port, close };
}

async function seedCatalogOnFirstStart(unitOfWork: UnitOfWork<TallyContext>, catalogPath: string, log: (line: string) => void) {
  const existing = await unitOfWork.read(({ store }) => store.listProducts());
  if (existing.length > 0) return;
  const products = readCatalogSeed(catalogPath);
  const { outcome } = await unitOfWork.submit(async ({ store, commitSeq }) => {
    await store.insertProducts(products, commitSeq);
    return succeed(products.length);
  }).committed;
  if (!outcome.ok) throw new Error(`seeding the catalog failed: ${outcome.failure.message}`);
  log(`Loaded ${products.length} products from ${catalogPath}`);
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
