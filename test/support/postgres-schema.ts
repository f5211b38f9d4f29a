import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { dropSchema, openPostgres, type PostgresDatabase } from '../../server/storage/postgres/database.ts';

/** CI sets DATABASE_URL (.ci/run starts PostgreSQL when none answers); this is the machine's default. */
export const testDatabaseUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

export interface TestSchema {
  schema: string;
  /** Tally's tables, migrated, in a schema no other test or run sees. */
  sql: PostgresDatabase;
  /** Closes the connections and drops the schema. */
  drop(): Promise<void>;
}

export function newTestSchemaName(): string {
  return `tally_test_${randomBytes(6).toString('hex')}`;
}

/** Drops a test schema and everything in it. */
export function dropTestSchema(schema: string): Promise<void> {
  return dropSchema(testDatabaseUrl, schema);
}

/** Runs one read on a test schema, `?` placeholders as in SQLite. */
export async function queryTestSchema<Row>(schema: string, text: string, parameters: ReadonlyArray<string | number>): Promise<Row[]> {
  const reader = postgres(testDatabaseUrl, { max: 1, onnotice: () => {}, connection: { search_path: schema }, types: { bigint: postgres.BigInt } });
  try {
    let index = 0;
    const rows = await reader.unsafe(text.replace(/\?/g, () => `$${(index += 1)}`), [...parameters]);
    return rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, typeof value === 'bigint' ? Number(value) : value]))) as Row[];
  } finally {
    await reader.end({ timeout: 5 });
  }
}

/** A fresh, migrated schema of the test's own on the test PostgreSQL, so runs never see each other's rows. */
export async function openTestSchema(connectionsMax = 2): Promise<TestSchema> {
  const schema = newTestSchemaName();
  const sql = await openPostgres(testDatabaseUrl, { schema, connectionsMax }).catch((error: unknown) => {
    throw explainUnreachable(error);
  });
  return {
    schema,
    sql,
    async drop() {
      await sql.end({ timeout: 5 });
      await dropTestSchema(schema);
    },
  };
}

/** A test that cannot reach PostgreSQL says so in one line, with what to do. */
export function explainUnreachable(error: unknown): unknown {
  const code = (error as { code?: string }).code;
  if (code !== 'ECONNREFUSED' && code !== 'ENOTFOUND') return error;
  return new Error(`PostgreSQL does not answer at ${testDatabaseUrl}: start it, or point DATABASE_URL at one (.ci/run starts Debian's)`, { cause: error });
}
