/**
 * Tally's bank from the terminal, one command per run: the counterpart of ABC Bank's
 * `python3 client.py [user] [command] [account_number] [amount]`.
 *
 *   TALLY_PASSWORD=... npx tsx cli/bank.ts [--url ws://127.0.0.1:9000/ws] <user> <command> [args...]
 *
 * Run with --help for the commands. Exit code 0 OK, 1 FAILED, 2 usage error.
 */
import { bankHelpText, parseBankCommandLine, type BankCommand } from './bank-arguments.ts';
import { failedLine, registeredLines, runBankCommand, type CommandOutcome } from './bank-commands.ts';
import { processPasswordSource, readPassword } from './password.ts';
import { TallyClient, TallyClientError } from './tally-client.ts';
import { UsageError, exitCodes } from './usage-error.ts';

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseBankCommandLine(argv, process.env);
  if (parsed.help) {
    process.stdout.write(bankHelpText);
    return exitCodes.ok;
  }
  const { url, username, command } = parsed;
  const password = await readPassword(processPasswordSource(), username, command.name === 'register');
  const outcome = await runSignedIn(url, username, password, command);
  process.stdout.write(`${outcome.lines.join('\n')}\n`);
  return outcome.ok ? exitCodes.ok : exitCodes.failed;
}

/** Connects, registers or signs in, runs the command, signs out (a token left behind never expires) and closes. */
async function runSignedIn(url: string, username: string, password: string, command: BankCommand): Promise<CommandOutcome> {
  let client: TallyClient | null = null;
  try {
    client = await TallyClient.connect(url);
    const signIn = await client.request(command.name === 'register' ? 'auth.register' : 'auth.signIn', { username, password });
    if (!signIn.ok) return { ok: false, lines: [failedLine(signIn.error)] };
    const outcome = command.name === 'register' ? { ok: true, lines: registeredLines(signIn.result) } : await runBankCommand(client, command);
    await signOutQuietly(client);
    return outcome;
  } catch (error) {
    if (!(error instanceof TallyClientError)) throw error;
    return { ok: false, lines: [`FAILED: ${error.code}: ${error.message}`] };
  } finally {
    await client?.close();
  }
}

/** The command's outcome stands whether or not the sign-out reaches the server. */
async function signOutQuietly(client: TallyClient): Promise<void> {
  try {
    await client.request('auth.signOut', {});
  } catch {
    // The connection is going anyway; an unended session is harmless to this run's outcome.
  }
}

main(process.argv.slice(2)).then(
  (exitCode) => {
    process.exitCode = exitCode;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`bank: ${error.message}\nRun with --help for usage.\n`);
      process.exitCode = exitCodes.usage;
      return;
    }
    process.stderr.write(`bank: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = exitCodes.failed;
  },
);
