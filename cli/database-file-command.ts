import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaults } from '../server/config.ts';
import { isPostgresUrl } from '../server/storage/open-storage.ts';
import { UsageError, exitCodes } from './usage-error.ts';

/** `npm run backup` and `npm run restore`: one file, the server's database, and whether to replace. */
export interface DatabaseFileArguments {
  help: boolean;
  /** The one file named: the backup to write, or the backup to restore. */
  filePath: string;
  /** `--database`, else DATABASE_PATH, else the server's default, as the server finds it. */
  databasePath: string;
  force: boolean;
}

export function parseDatabaseFileArguments(argv: readonly string[], env: NodeJS.ProcessEnv): DatabaseFileArguments {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { database: { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { help: true, filePath: '', databasePath: '', force: false };
  if (positionals.length !== 1) throw new UsageError(`give exactly one backup file, got ${positionals.length}`);
  const databasePath = values.database ?? (env.DATABASE_PATH || defaults.databasePath);
  if (isPostgresUrl(databasePath)) {
    throw new UsageError('backup and restore copy the embedded SQLite file; for PostgreSQL use its own tools (pg_dump, pg_restore)');
  }
  return { help: false, filePath: resolve(positionals[0]!), databasePath: resolve(databasePath), force: values.force === true };
}

export interface DatabaseFileCommand {
  helpText: string;
  /** Does the work and answers what to print; throws to fail. */
  run(options: DatabaseFileArguments): Promise<string>;
  /** The line printed when it fails for a known reason (`null`: not one of its own errors). */
  describeFailure(error: unknown): string | null;
  /** e.g. "backup failed". */
  failurePrefix: string;
}

/** Runs a backup or restore from the command line: exit 0 done, 1 failed, 2 usage. */
export function runDatabaseFileCommand(command: DatabaseFileCommand, argv: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  const main = async () => {
    const options = parseDatabaseFileArguments(argv, env);
    process.stdout.write(options.help ? command.helpText : await command.run(options));
    return exitCodes.ok;
  };
  return main().then(
    (exitCode) => {
      process.exitCode = exitCode;
    },
    (error: unknown) => {
      if (error instanceof UsageError) {
        process.stderr.write(`${error.message}\n\n${command.helpText}`);
        process.exitCode = exitCodes.usage;
        return;
      }
      process.stderr.write(`${command.failurePrefix}: ${command.describeFailure(error) ?? String(error)}\n`);
      process.exitCode = exitCodes.failed;
    },
  );
}
