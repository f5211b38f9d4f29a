import { describe } from 'vitest';
import { openTestSchema } from '../../../test/support/postgres-schema.ts';
import { PostgresUserRepository } from '../postgres/user-repository.ts';
import { openDatabase } from '../sqlite/database.ts';
import { SqliteUserRepository } from '../sqlite/user-repository.ts';
import { userRepositoryContract } from './user-repository.contract.ts';

describe('SQLite', () => {
  userRepositoryContract(async () => {
    const database = openDatabase(':memory:');
    return { repository: new SqliteUserRepository(database), close: async () => void database.close() };
  });
});

describe('PostgreSQL', () => {
  userRepositoryContract(async () => {
    const schema = await openTestSchema();
    return { repository: new PostgresUserRepository(() => schema.sql), close: () => schema.drop() };
  });
});
