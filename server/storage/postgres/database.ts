import postgres from 'postgres';
import { postgresMigrations } from './migrations.ts';
import { batchIdleInTransactionMs, commitOrderLockWaitMs } from '../../../shared/limits.ts';

export type PostgresDatabase = postgres.Sql;

export interface PostgresOptions {
  /** The schema Tally's tables live in (search_path); tests give each run its own. */
  schema?: string;
  /** Connections in the pool. */
  connectionsMax?: number;
}

/** A schema name Tally creates and quotes itself: lower-case letters, digits and underscores. */
const schemaNamePattern = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Connects to PostgreSQL (a `postgres://` URL) and applies the migrations not yet applied. Several
 * server processes may start at once: migrating takes a transaction-scoped advisory lock, so one
 * migrates and the others find the work done.
 */
export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<PostgresDatabase> {
  const schema = options.schema ?? 'public';
  if (!schemaNamePattern.test(schema)) throw new RangeError(`"${schema}" is not a schema name Tally uses (a-z, 0-9, _)`);
  const sql = postgres(url, {
    max: options.connectionsMax ?? 10,
    connection: {
      search_path: schema,
      // A batch waiting this long for the commit-order row is aborted and retried (55P03), not stuck.
      lock_timeout: commitOrderLockWaitMs,
      // A process stalled inside a batch must not hold the commit order for ever.
      idle_in_transaction_session_timeout: batchIdleInTransactionMs,
    },
    // CREATE ... IF NOT EXISTS and the like report notices; they are not problems.
    onnotice: () => {},
    // bigint columns hold cents, ids and sequence numbers, all far below 2^53 (shared/limits.ts):
    // read them as numbers, as the SQLite engine does.
    types: { bigint: { to: 20, from: [20], parse: (text: string) => safeNumber(text), serialize: (value: number) => String(value) } },
  });
  try {
    await createSchema(sql, schema);
    await migratePostgres(sql);
    return sql;
  } catch (error) {
    await sql.end({ timeout: 1 });
    throw error;
  }
}

/** Applies, in one transaction, every migration not yet applied; answers the versions it applied. */
export async function migratePostgres(sql: PostgresDatabase, migrations: readonly string[] = postgresMigrations): Promise<number[]> {
  return sql.begin(async (transaction) => {
    // One lock per schema: processes migrating other schemas (other tests) do not wait on it.
    await transaction`SELECT pg_advisory_xact_lock(hashtext('tally migrations ' || current_schema()))`;
    await transaction`CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`;
    const appliedRows = await transaction<Array<{ version: number }>>`SELECT version FROM schema_migrations`;
    const applied = new Set(appliedRows.map((row) => row.version));
    const appliedNow: number[] = [];
    for (const [index, migration] of migrations.entries()) {
      const version = index + 1;
      if (applied.has(version)) continue;
      await transaction.unsafe(migration);
      await transaction`INSERT INTO schema_migrations (version) VALUES (${version})`;
      appliedNow.push(version);
    }
    return appliedNow;
  });
}

/** Drops a schema and everything in it (a test's or a benchmark's own), on a connection of its own. */
export async function dropSchema(url: string, schema: string): Promise<void> {
  if (!schemaNamePattern.test(schema)) throw new RangeError(`"${schema}" is not a schema name Tally uses (a-z, 0-9, _)`);
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await admin.end({ timeout: 5 });
  }
}

/** Two processes creating the schema at once: one wins, the other finds it made. */
async function createSchema(sql: PostgresDatabase, schema: string): Promise<void> {
  try {
    await sql.unsafe(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== duplicateSchemaCode && code !== uniqueViolationCode) throw error;
  }
}

const duplicateSchemaCode = '42P06';
const uniqueViolationCode = '23505';

function safeNumber(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`bigint ${text} is beyond Number.MAX_SAFE_INTEGER`);
  return value;
}
