/** `npm run backup -- <file>`: an online, checked backup of Tally's database while the server runs. */
import { defaults } from '../server/config.ts';
import { runDatabaseFileCommand } from './database-file-command.ts';
import { BackupError, backupDatabase, type BackupReport } from './backup-database.ts';

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

void runDatabaseFileCommand(
  {
    helpText: backupHelpText,
    run: async (options) => {
      const report = await backupDatabase({ destinationPath: options.filePath, databasePath: options.databasePath, force: options.force });
      return describeBackup(options.databasePath, report);
    },
    describeFailure: (error) => (error instanceof BackupError ? error.message : null),
    failurePrefix: 'backup failed',
  },
  process.argv.slice(2),
  process.env,
);
