import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { accountNumberFromDraw } from '../../../shared/account-number.ts';
import { openTestSchema, type TestSchema } from '../../../test/support/postgres-schema.ts';
import type { AccountNumberDraw } from '../../bank/account-number-draw.ts';
import { PostgresBankRepository } from '../postgres/bank-repository.ts';
import type { PostgresDatabase } from '../postgres/database.ts';
import { SqliteBankRepository } from '../sqlite/bank-repository.ts';
import { openDatabase } from '../sqlite/database.ts';
import { SqliteUserRepository } from '../sqlite/user-repository.ts';
import { type BankRepositoryHarness, bankRepositoryContract } from './bank-repository.contract.ts';

const createdAt = '2026-11-25T12:00:00.000Z';

async function sqliteHarness(drawNumber?: AccountNumberDraw): Promise<BankRepositoryHarness> {
  const database = openDatabase(':memory:');
  const users = new SqliteUserRepository(database);
  return {
    repository: new SqliteBankRepository(database, drawNumber),
    async createCustomer(username) {
      const user = await users.createUser(username, randomBytes(32), randomBytes(16), 'customer', createdAt);
      if (user === undefined) throw new Error(`username ${username} is taken`);
      return user;
    },
    async tamper(statement) {
      database.exec(statement);
    },
    async allowNegativeBalances() {
      database.pragma('ignore_check_constraints = ON');
    },
    async close() {
      database.close();
    },
  };
}

/** Users by plain SQL, so this suite depends on no other PostgreSQL repository. */
async function createPostgresCustomer(sql: PostgresDatabase, username: string) {
  const [user] = await sql<Array<{ id: number; username: string }>>`
    INSERT INTO users (username, password_hash, password_salt, role, created_at)
    VALUES (${username}, ${randomBytes(32)}, ${randomBytes(16)}, 'customer', ${createdAt}) RETURNING id, username`;
  return user!;
}

/** A fresh migrated schema of its own per test, dropped when the test closes it. */
async function postgresHarness(drawNumber?: AccountNumberDraw): Promise<BankRepositoryHarness> {
  const schema = await openTestSchema();
  return {
    repository: new PostgresBankRepository(() => schema.sql, drawNumber),
    createCustomer: (username) => createPostgresCustomer(schema.sql, username),
    async tamper(statement) {
      await schema.sql.unsafe(statement);
    },
    async allowNegativeBalances() {
      await schema.sql`ALTER TABLE accounts DROP CONSTRAINT accounts_check`;
    },
    close: () => schema.drop(),
  };
}

bankRepositoryContract('SQLite', sqliteHarness);
bankRepositoryContract('PostgreSQL', postgresHarness);

describe('PostgresBankRepository inside a transaction', () => {
  const schemas: TestSchema[] = [];
  afterEach(async () => {
    await Promise.all(schemas.splice(0).map((schema) => schema.drop()));
  });

  it('draws again on a taken number without aborting the transaction, and commits with it', async () => {
    const schema = await openTestSchema();
    schemas.push(schema);
    const draws = [42, 42, 7].map(accountNumberFromDraw);
    const owner = await createPostgresCustomer(schema.sql, 'ada');
    const numbers = await schema.sql.begin(async (transaction) => {
      // The engine hands the repository its batch's connection the same way.
      const bank = new PostgresBankRepository(() => transaction, () => draws.shift()!);
      const first = await bank.openAccount('checking', owner.id, createdAt, 1);
      const second = await bank.openAccount('savings', owner.id, createdAt, 1);
      return [first.number, second.number];
    });
    expect(numbers).toEqual([accountNumberFromDraw(42), accountNumberFromDraw(7)]);
    expect(await new PostgresBankRepository(() => schema.sql).countAccounts(owner.id)).toBe(2);
  });
});
