import { describe } from 'vitest';
import { openTestSchema } from '../../../test/support/postgres-schema.ts';
import { PostgresHealthProbeRepository } from '../postgres/health-probe-repository.ts';
import { openDatabase } from '../sqlite/database.ts';
import { SqliteHealthProbeRepository } from '../sqlite/health-probe-repository.ts';
import { healthProbeRepositoryContract } from './health-probe-repository.contract.ts';

describe('SQLite', () => {
  healthProbeRepositoryContract(async () => {
    const database = openDatabase(':memory:');
    const read = database.prepare<[], { probedAt: string; commitSeq: number }>('SELECT probed_at AS probedAt, commit_seq AS commitSeq FROM health_probe WHERE id = 1');
    return {
      repository: new SqliteHealthProbeRepository(database),
      readRow: async () => read.get(),
      deleteRow: async () => void database.prepare('DELETE FROM health_probe').run(),
      close: async () => void database.close(),
    };
  });
});

describe('PostgreSQL', () => {
  healthProbeRepositoryContract(async () => {
    const schema = await openTestSchema();
    const { sql } = schema;
    return {
      repository: new PostgresHealthProbeRepository(() => sql),
      readRow: async () => {
        const [row] = await sql<Array<{ probedAt: Date | null; commitSeq: number }>>`
          SELECT probed_at AS "probedAt", commit_seq AS "commitSeq" FROM health_probe WHERE id = 1`;
        return row === undefined ? undefined : { probedAt: row.probedAt?.toISOString() ?? '', commitSeq: row.commitSeq };
      },
      deleteRow: async () => void (await sql`DELETE FROM health_probe`),
      close: () => schema.drop(),
    };
  });
});
