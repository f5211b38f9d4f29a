import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { cashAccountNumber } from '../../../shared/account-number.ts';
import { migratePostgres, openPostgres, type PostgresDatabase } from './database.ts';
import { postgresMigrations } from './migrations.ts';
import { explainUnreachable, testDatabaseUrl } from '../../../test/support/postgres-schema.ts';

const databaseUrl = testDatabaseUrl;

const admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
const schemas: string[] = [];
const opened: PostgresDatabase[] = [];

/** A schema of this test's own, so runs never see each other's rows; dropped after. */
function newSchema(): string {
  const schema = `tally_test_${randomBytes(6).toString('hex')}`;
  schemas.push(schema);
  return schema;
}

async function open(schema: string): Promise<PostgresDatabase> {
  const sql = await openPostgres(databaseUrl, { schema, connectionsMax: 2 }).catch((error: unknown) => {
    throw explainUnreachable(error);
  });
  opened.push(sql);
  return sql;
}

afterAll(async () => {
  await Promise.all(opened.map((sql) => sql.end({ timeout: 5 })));
  for (const schema of schemas) await admin.unsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end({ timeout: 5 });
});

describe('PostgreSQL schema', () => {
  it('creates every table of the SQLite engine (and the shared rate limits), with the bank cash account and a database id', async () => {
    const schema = newSchema();
    const sql = await open(schema);
    const tables = await sql<Array<{ table_name: string }>>`
      SELECT table_name FROM information_schema.tables WHERE table_schema = ${schema} ORDER BY table_name`;
    expect(tables.map((row) => row.table_name)).toEqual([
      'accounts', 'cart_lines', 'health_probe', 'ledger_entries', 'ledger_transactions', 'meta', 'order_lines', 'orders',
      'products', 'rate_limits', 'request_outcomes', 'schema_migrations', 'shoppers', 'user_sessions', 'users',
    ]);
    const [cash] = await sql<Array<{ id: number; number: string; kind: string }>>`SELECT id, number, kind FROM accounts`;
    expect(cash).toEqual({ id: 1, number: cashAccountNumber, kind: 'system' });
    const meta = await sql<Array<{ key: string; value: number }>>`SELECT key, value FROM meta ORDER BY key`;
    expect(meta.map((row) => row.key)).toEqual(['commit_seq', 'database_id']);
    expect(meta[1]!.value).toBeLessThan(2 ** 48);
    // The next account does not collide with the cash account's id.
    const [user] = await sql<Array<{ id: number }>>`
      INSERT INTO users (username, password_hash, password_salt, role, created_at)
      VALUES ('ada', '\\x00', '\\x00', 'customer', now()) RETURNING id`;
    const [account] = await sql<Array<{ id: number }>>`
      INSERT INTO accounts (number, kind, owner_user_id, balance_cents, version, opened_at)
      VALUES ('123', 'checking', ${user!.id}, 0, 1, now()) RETURNING id`;
    expect(account!.id).toBe(2);
  });

  it('refuses what the invariants forbid: negative stock, an overdrawn customer account', async () => {
    const sql = await open(newSchema());
    await expect(sql`INSERT INTO products (name, description, emoji, price_cents, stock, version) VALUES ('Lamp', '', '', 100, -1, 1)`).rejects.toThrow(/products_stock_check/);
    const [user] = await sql<Array<{ id: string }>>`
      INSERT INTO users (username, password_hash, password_salt, role, created_at) VALUES ('bob', '\\x00', '\\x00', 'customer', now()) RETURNING id`;
    await expect(
      sql`INSERT INTO accounts (number, kind, owner_user_id, balance_cents, version, opened_at) VALUES ('9', 'checking', ${user!.id}, -1, 1, now())`,
    ).rejects.toThrow(/accounts_check/);
  });

  it('applies each migration once, also when several processes start at once', async () => {
    const schema = newSchema();
    const [first, second, third] = await Promise.all([open(schema), open(schema), open(schema)]);
    const versions = await first!<Array<{ version: number }>>`SELECT version FROM schema_migrations ORDER BY version`;
    expect(versions.map((row) => row.version)).toEqual(postgresMigrations.map((_, index) => index + 1));
    expect(await migratePostgres(second!)).toEqual([]);
    const extra = 'CREATE TABLE later_feature (id integer PRIMARY KEY)';
    expect(await migratePostgres(third!, [...postgresMigrations, extra])).toEqual([postgresMigrations.length + 1]);
    expect(await migratePostgres(first!, [...postgresMigrations, extra])).toEqual([]);
  });

  it('refuses a schema name it would have to quote', async () => {
    await expect(openPostgres(databaseUrl, { schema: 'tally; DROP TABLE users' })).rejects.toThrow('is not a schema name');
  });
});
