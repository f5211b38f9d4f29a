import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startTallyServer, type TallyServer } from '../../server/app.ts';
import type { NewProduct } from '../../server/store/store-repository.ts';
import { loopbackLoadTestLimits, type EdgeLimits } from '../../shared/limits.ts';
import { silentLogger, type TallyLogger } from '../../server/observability/logger.ts';

export interface TestServer extends TallyServer {
  directory: string;
  databasePath: string;
  /** Reads the database directly (read-only), for checks the protocol does not expose. */
  inspect<T>(reader: (database: Database.Database) => T): T;
  /** Closes the server and deletes its files. */
  dispose(): Promise<void>;
}

export function product(name: string, stock: number, priceCents = 1000): NewProduct {
  return { name, description: `${name} for tests`, emoji: '🧪', priceCents, stock };
}

/** A real Tally server on an ephemeral port with its own database file and catalog. */
export const testAuditorPassword = 'auditor-test-password';

export interface TestServerSettings {
  /** Edge limits; by default loopbackLoadTestLimits, since every test client shares 127.0.0.1. */
  limits?: Partial<EdgeLimits>;
  allowedOrigins?: readonly string[];
  /** Silent unless a test wants to read the logs. */
  logger?: TallyLogger;
}

export async function startTestServer(products: readonly NewProduct[] = [product('Anything', 1)], settings: TestServerSettings = {}): Promise<TestServer> {
  const directory = mkdtempSync(join(tmpdir(), 'tally-test-'));
  const catalogPath = join(directory, 'catalog.json');
  writeFileSync(catalogPath, JSON.stringify({ products }));
  const databasePath = join(directory, 'tally.sqlite');
  const server = await startTallyServer({
    host: '127.0.0.1',
    port: 0,
    databasePath,
    catalogPath,
    webRoot: join(directory, 'web'),
    auditorPassword: testAuditorPassword,
    limits: settings.limits ?? loopbackLoadTestLimits,
    ...(settings.allowedOrigins === undefined ? {} : { allowedOrigins: settings.allowedOrigins }),
    logger: settings.logger ?? silentLogger(),
  });
  return {
    ...server,
    directory,
    databasePath,
    inspect(reader) {
      const database = new Database(databasePath, { readonly: true });
      try {
        return reader(database);
      } finally {
        database.close();
      }
    },
    async dispose() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
