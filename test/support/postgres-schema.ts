import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openPostgres, type PostgresDatabase } from '../../server/storage/postgres/database.ts';

/** CI sets DATABASE_URL (.ci/run starts PostgreSQL when none answers); this is the machine's default. */
export const testDatabaseUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

export interface TestSchema {
  schema: string;
  /** Tally's tables, migrated, in a schema no other test or run sees. */
  sql: PostgresDatabase;
  /** Closes the connections and drops the schema. */
  drop(): Promise<void>;
}

/** A fresh, migrated schema of the test's own on the test PostgreSQL, so runs never see each other's rows. */
export async function openTestSchema(connectionsMax = 2): Promise<TestSchema> {
  const schema = `tally_test_${randomBytes(6).toString('hex')}`;
  const sql = await openPostgres(testDatabaseUrl, { schema, connectionsMax });
  return {
    schema,
    sql,
    async drop() {
      await sql.end({ timeout: 5 });
      const admin = postgres(testDatabaseUrl, { max: 1, onnotice: () => {} });
      try {
        await admin.unsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await admin.end({ timeout: 5 });
      }
    },
  };
}
