/** `npm run backup -- <file>`: an online, checked backup of Tally's database while the server runs. */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaults } from '../server/config.ts';
import { BackupError, backupDatabase, type BackupReport } from './backup-database.ts';
import { UsageError, exitCodes } from './usage-error.ts';

const backupHelpText = `Tally backup: a consistent copy of the database, taken while the server runs.

Usage: npm run backup -- <file> [options]
       npx tsx cli/backup.ts <file> [options]

Options:
  --database <path>   the server's database (default DATABASE_PATH, else ${defaults.databasePath})
  --force             replace <file> if it exists
  -h, --help          show this help

The copy is one self-contained SQLite file. It is written beside <file> first, must pass SQLite's
integrity check and the auditor's ledger check, and only then takes the name <file>.

Restore: stop the server; npm run restore -- <file> [--database <path>] [--force]; start the server.

Exit code: 0 written and checked; 1 failed (nothing left at <file>); 2 usage error.
`;

interface BackupArguments {
  help: boolean;
  destinationPath: string;
  databasePath: string;
  force: boolean;
}

function parseBackupArguments(argv: readonly string[], env: NodeJS.ProcessEnv): BackupArguments {
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
  if (values.help === true) return { help: true, destinationPath: '', databasePath: '', force: false };
  if (positionals.length !== 1) throw new UsageError(`give exactly one backup file, got ${positionals.length}`);
  const databasePath = values.database ?? (env.DATABASE_PATH || defaults.databasePath);
  return { help: false, destinationPath: resolve(positionals[0]!), databasePath: resolve(databasePath), force: values.force === true };
}

function describeBackup(databasePath: string, report: BackupReport): string {
  const { ledger } = report;
  return [
    `backed up ${databasePath}`,
    `to ${report.destinationPath}: ${report.bytes} bytes, ${report.pages} pages of ${report.pageBytes} bytes, in ${report.seconds.toFixed(2)} s`,
    `holds commits through seq ${report.commitSeq}`,
    `integrity_check: ok`,
    `ledger check: ok (${ledger.transactionsChecked} transactions, ${ledger.entriesChecked} entries, ${ledger.accountsChecked} accounts)`,
    '',
  ].join('\n');
}

async function main(argv: readonly string[]): Promise<number> {
  const options = parseBackupArguments(argv, process.env);
  if (options.help) {
    process.stdout.write(backupHelpText);
    return exitCodes.ok;
  }
  const report = await backupDatabase(options);
  process.stdout.write(describeBackup(options.databasePath, report));
  return exitCodes.ok;
}

main(process.argv.slice(2)).then(
  (exitCode) => {
    process.exitCode = exitCode;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\n${backupHelpText}`);
      process.exitCode = exitCodes.usage;
      return;
    }
    process.stderr.write(`backup failed: ${error instanceof BackupError ? error.message : String(error)}\n`);
    process.exitCode = exitCodes.failed;
  },
);
