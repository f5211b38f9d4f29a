/** `npm run restore -- <backup-file>`: puts a checked backup in place of Tally's database, with the server stopped. */
import { defaults } from '../server/config.ts';
import { runDatabaseFileCommand } from './database-file-command.ts';
import { RestoreError, restoreDatabase, type RestoreReport } from './restore-database.ts';

const restoreHelpText = `Tally restore: a backup becomes the server's database. Stop the server first.

Usage: npm run restore -- <backup-file> [options]
       npx tsx cli/restore.ts <backup-file> [options]

Options:
  --database <path>   the server's database (default DATABASE_PATH, else ${defaults.databasePath})
  --force             replace the database if it exists
  -h, --help          show this help

Refused while any process has the database open. The backup is copied beside the database, must
pass SQLite's integrity check and the auditor's ledger check, and gets a new databaseId (so every
open tab takes a fresh snapshot instead of resuming); only then does it replace the database, whose
-wal and -shm go with it. The backup file itself is only read.

Exit code: 0 restored; 1 refused or failed (the database was not replaced); 2 usage error.
`;

function describeRestore(backupPath: string, report: RestoreReport): string {
  const { ledger } = report;
  const replaced = report.replaced
    ? ` (replaced the database there${report.replacedDatabaseId === null ? '' : `, databaseId ${report.replacedDatabaseId}`}, with its -wal and -shm)`
    : '';
  return [
    `restored ${backupPath}`,
    `to ${report.databasePath}: ${report.bytes} bytes${replaced}`,
    `databaseId ${report.backupDatabaseId} -> ${report.databaseId} (new: every tab that resumes is told resync_required and takes a fresh snapshot)`,
    `holds commits through seq ${report.commitSeq}`,
    `integrity_check: ok`,
    `ledger check: ok (${ledger.transactionsChecked} transactions, ${ledger.entriesChecked} entries, ${ledger.accountsChecked} accounts)`,
    '',
  ].join('\n');
}

void runDatabaseFileCommand(
  {
    helpText: restoreHelpText,
    run: async (options) => {
      const report = await restoreDatabase({ backupPath: options.filePath, databasePath: options.databasePath, force: options.force });
      return describeRestore(options.filePath, report);
    },
    describeFailure: (error) => (error instanceof RestoreError ? `${error.message}; nothing was changed` : null),
    failurePrefix: 'restore failed',
  },
  process.argv.slice(2),
  process.env,
);
