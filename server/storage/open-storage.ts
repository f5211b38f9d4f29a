import type { TallyContext } from '../operations/context.ts';
import type { TransactionEngine } from './unit-of-work.ts';
import type { CommitFeed } from '../sync/commit-publisher.ts';
import type { LimiterFactory } from '../gateway/rate-limits.ts';
import { postgresLimiters } from './postgres/rate-limit-store.ts';
import { openDatabase } from './sqlite/database.ts';
import { SqliteEngine } from './sqlite/engine.ts';
import { openPostgres } from './postgres/database.ts';
import { PostgresEngine } from './postgres/engine.ts';

export interface OpenedStorage {
  engine: TransactionEngine<TallyContext>;
  /** What the location named, for logs: `sqlite` (a file) or `postgres`. */
  kind: 'sqlite' | 'postgres';
  /** Other processes' commits, on a database several processes may share (PostgreSQL); none for a file one process owns. */
  feed?: CommitFeed;
  /** Rate limiters shared by every process on the database; none for a file one process owns. */
  sharedLimiters?: LimiterFactory;
  /** Closes the engine and its database connections; call once the unit of work is closed. */
  close(): Promise<void>;
}

/** A PostgreSQL URL (`postgres://` or `postgresql://`); anything else is a SQLite file path. */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/**
 * Opens the storage engine `location` names: a PostgreSQL URL (its optional `schema` query
 * parameter names the schema Tally's tables live in, `public` by default), or a SQLite file path,
 * the embedded default. Migrations are applied either way.
 */
export async function openStorage(location: string): Promise<OpenedStorage> {
  if (!isPostgresUrl(location)) {
    const database = openDatabase(location);
    const engine = new SqliteEngine(database);
    return {
      engine,
      kind: 'sqlite',
      close: async () => {
        engine.close();
        database.close();
      },
    };
  }
  const { url, schema } = splitSchema(location);
  const sql = await openPostgres(url, schema === undefined ? {} : { schema });
  try {
    const engine = await PostgresEngine.open(sql);
    return { engine, kind: 'postgres', feed: engine.feed, sharedLimiters: postgresLimiters(sql), close: () => sql.end({ timeout: 5 }) };
  } catch (error) {
    await sql.end({ timeout: 5 });
    throw error;
  }
}

/** `?schema=` is Tally's, not the driver's: taken off the URL before it connects. */
function splitSchema(location: string): { url: string; schema: string | undefined } {
  const url = new URL(location);
  const schema = url.searchParams.get('schema') ?? undefined;
  url.searchParams.delete('schema');
  return { url: url.toString(), schema };
}
