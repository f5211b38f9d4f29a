import { describe, expect, it } from 'vitest';
import { parseDatabaseFileArguments } from './database-file-command.ts';
import { UsageError } from './usage-error.ts';

describe('backup and restore arguments', () => {
  it('take one file and the database from --database, else DATABASE_PATH', () => {
    expect(parseDatabaseFileArguments(['copy.sqlite', '--database', '/srv/tally.sqlite'], {})).toMatchObject({ databasePath: '/srv/tally.sqlite', force: false });
    expect(parseDatabaseFileArguments(['copy.sqlite', '--force'], { DATABASE_PATH: '/var/t.sqlite' })).toMatchObject({ databasePath: '/var/t.sqlite', force: true });
  });

  it('refuse a PostgreSQL database, naming the tools that back one up', () => {
    const call = () => parseDatabaseFileArguments(['copy.sqlite', '--database', 'postgres://tally@db.example/tally'], {});
    expect(call).toThrow(UsageError);
    expect(call).toThrow('pg_dump');
  });
});
