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
import { RequestError, connectSignedIn, serverWaitMs, type ProtocolClient } from './tally-client.ts';
import { UsageError, exitCodes } from './usage-error.ts';

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseBankCommandLine(argv, process.env);
  if (parsed.help) {
    process.stdout.write(bankHelpText);
    return exitCodes.ok;
  }
  const { urls, username, command, requestId } = parsed;
  const password = await readPassword(processPasswordSource(), username, command.name === 'register');
  const outcome = await runSignedIn(urls, username, password, command, requestId);
  process.stdout.write(`${outcome.lines.join('\n')}\n`);
  return outcome.ok ? exitCodes.ok : exitCodes.failed;
}

/**
 * Connects, registers or signs in, runs the command, signs out (a token left behind never expires)
 * and closes. A money command whose connection drops is sent again (same key) after reconnecting;
 * if the server stays away longer than serverWaitMs, the key is printed so a later run can ask.
 */
async function runSignedIn(urls: readonly string[], username: string, password: string, command: BankCommand, requestId: string | undefined): Promise<CommandOutcome> {
  let client: ProtocolClient | null = null;
  try {
    const signedIn = await connectSignedIn(urls, username, password, command.name === 'register');
    client = signedIn.client;
    if (!signedIn.first.ok) return { ok: false, lines: [failedLine(signedIn.first.error)] };
    const key = requestId ?? client.keys.next();
    const outcome =
      command.name === 'register'
        ? { ok: true, lines: registeredLines(signedIn.first.result) }
        : await withinServerWait(client, runBankCommand(client, command, key), key);
    await signOutQuietly(client);
    return outcome;
  } catch (error) {
    if (!(error instanceof RequestError)) throw error;
    return { ok: false, lines: [`FAILED: ${error.code}: ${error.message}`] };
  } finally {
    await client?.close();
  }
}

/** The command's answer, unless the server is unreachable for serverWaitMs while it waits. */
function withinServerWait<T>(client: ProtocolClient, answer: Promise<T>, requestId: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const giveUp = () =>
      reject(
        new RequestError(
          'unanswered',
          `The server has been unreachable for ${serverWaitMs / 1000} s. Run the same command with --request-id ${requestId} to learn how it ended; the bank carries a key out at most once.`,
        ),
      );
    const unsubscribe = client.on('status', (status) => {
      clearTimeout(timer);
      if (status !== 'online') timer = setTimeout(giveUp, serverWaitMs);
    });
    answer.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      unsubscribe();
    });
  });
}

/** The command's outcome stands whether or not the sign-out reaches the server. */
async function signOutQuietly(client: ProtocolClient): Promise<void> {
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
