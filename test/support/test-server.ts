import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { dropTestSchema, explainUnreachable, newTestSchemaName, queryTestSchema, testDatabaseUrl } from './postgres-schema.ts';
import { startTallyServer, type TallyServer } from '../../server/app.ts';
import type { NewProduct } from '../../server/store/store-repository.ts';
import { loopbackLoadTestLimits, type EdgeLimits } from '../../shared/limits.ts';
import { silentLogger, type TallyLogger } from '../../server/observability/logger.ts';

/**
 * The engine test servers run on: SQLite files by default; `TALLY_TEST_ENGINE=postgres` runs them on
 * the test PostgreSQL (DATABASE_URL), each server in a schema of its own, dropped after.
 */
export const testEngine: 'sqlite' | 'postgres' = process.env.TALLY_TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';

/** The PostgreSQL schema of each folder testDatabaseLocation was asked about, so a restart finds its data. */
const schemasByDirectory = new Map<string, string>();

/**
 * Where a server process a test spawns keeps its data, on the engine under test: a SQLite file in
 * `directory`, or (TALLY_TEST_ENGINE=postgres) a schema of that folder's own, the same on every call,
 * dropped by dropTestDatabases.
 */
export function testDatabaseLocation(directory: string): string {
  if (testEngine === 'sqlite') return join(directory, 'tally.sqlite');
  let schema = schemasByDirectory.get(directory);
  if (schema === undefined) {
    schema = newTestSchemaName();
    schemasByDirectory.set(directory, schema);
  }
  return `${testDatabaseUrl}?schema=${schema}`;
}

/** Drops every schema testDatabaseLocation made. */
export async function dropTestDatabases(): Promise<void> {
  const schemas = [...schemasByDirectory.values()];
  schemasByDirectory.clear();
  await Promise.all(schemas.map((schema) => dropTestSchema(schema)));
}

export interface TestServer extends TallyServer {
  engine: 'sqlite' | 'postgres';
  /** Reads committed rows with SQL both engines understand (`?` placeholders), whichever engine the server runs on. */
  query<Row>(text: string, ...parameters: Array<string | number>): Promise<Row[]>;
  /** Changes the database behind the server's back (statements separated by `;`), to test what it does then. */
  tamper(statements: string): Promise<void>;
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
  trustedProxies?: readonly string[];
  /** Silent unless a test wants to read the logs. */
  logger?: TallyLogger;
}

export async function startTestServer(products: readonly NewProduct[] = [product('Anything', 1)], settings: TestServerSettings = {}): Promise<TestServer> {
  const directory = mkdtempSync(join(tmpdir(), 'tally-test-'));
  const catalogPath = join(directory, 'catalog.json');
  writeFileSync(catalogPath, JSON.stringify({ products }));
  const postgresSchema = testEngine === 'postgres' ? newTestSchemaName() : null;
  const databasePath = postgresSchema === null ? join(directory, 'tally.sqlite') : `${testDatabaseUrl}?schema=${postgresSchema}`;
  const server = await startTallyServer({
    host: '127.0.0.1',
    port: 0,
    databasePath,
    catalogPath,
    webRoot: join(directory, 'web'),
    auditorPassword: testAuditorPassword,
    limits: settings.limits ?? loopbackLoadTestLimits,
    ...(settings.allowedOrigins === undefined ? {} : { allowedOrigins: settings.allowedOrigins }),
    ...(settings.trustedProxies === undefined ? {} : { trustedProxies: settings.trustedProxies }),
    logger: settings.logger ?? silentLogger(),
  }).catch((error: unknown) => {
    throw explainUnreachable(error);
  });
  return {
    ...server,
    directory,
    databasePath,
    engine: testEngine,
    inspect(reader) {
      if (postgresSchema !== null) throw new Error('inspect reads a SQLite file; this server runs on PostgreSQL (use query)');
      const database = new Database(databasePath, { readonly: true });
      try {
        return reader(database);
      } finally {
        database.close();
      }
    },
    async query<Row>(text: string, ...parameters: Array<string | number>): Promise<Row[]> {
      if (postgresSchema === null) {
        const database = new Database(databasePath, { readonly: true });
        try {
          return database.prepare(text).all(...parameters) as Row[];
        } finally {
          database.close();
        }
      }
      return queryTestSchema<Row>(postgresSchema, text, parameters);
    },
    async tamper(statements: string): Promise<void> {
      if (postgresSchema !== null) {
        await queryTestSchema(postgresSchema, statements, []);
        return;
      }
      const database = new Database(databasePath);
      try {
        database.exec(statements);
      } finally {
        database.close();
      }
    },
    async dispose() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
      if (postgresSchema !== null) await dropTestSchema(postgresSchema);
    },
  };
}
