/** The command line of cli/simulate.ts. A mistake is a UsageError (exit code 2). */
import { parseArgs } from 'node:util';
import { accountsPerUserMax, amountCentsMax } from '../shared/limits.ts';
import { formatCents, type Cents } from '../shared/money.ts';
import { defaultUrl, parseWebSocketUrls, parseWholeNumber } from './bank-arguments.ts';
import { parseAmountCents } from './parse-amount.ts';
import { UsageError } from './usage-error.ts';

/** Client processes one run may start; each is a Node process of its own (~50 MB). */
export const simulateProcessesMax = 32;
/** Transfers one process may be asked for. */
export const simulateOperationsMax = 1_000_000;
/** The longest run --seconds allows: one hour. */
export const simulateSecondsMax = 3_600;

export const simulateDefaults = {
  processes: 4,
  operations: 200,
  accounts: 6,
  depositCents: 10_000,
} as const;

export const simulateHelpText = `Tally bank simulation: client processes firing random transfers at one server at once,
like the Polish bank seed (server.py + several client.py), then a check that no money was made or lost.

Usage: npx tsx cli/simulate.ts [options]

Options:
  --url <ws-url>       the server's WebSocket endpoint (default ${defaultUrl}, or TALLY_URL);
                       several processes of one Tally, comma-separated, share the client processes
  --processes <n>      client processes, 1 to ${simulateProcessesMax} (default ${simulateDefaults.processes})
  --operations <n>     transfers per process, 1 to ${simulateOperationsMax} (default ${simulateDefaults.operations})
  --accounts <n>       checking accounts per process, 1 to ${accountsPerUserMax} (default ${simulateDefaults.accounts})
  --deposit <amount>   each account's opening deposit in dollars (default ${formatCents(simulateDefaults.depositCents)});
                       each transfer moves a random amount from $0.01 up to it
  --seconds <n>        stop each process after n seconds, 1 to ${simulateSecondsMax}; without
                       --operations a process then runs until the time is up
  --verbose            print every transfer: OK or FAILED and the balances
  -h, --help           show this help

The simulation registers one new user per process (names sim-<run>-<n>, random passwords), opens
their accounts, then starts the processes; each signs in as its user and sends transfers one at a
time from a random account of its own to a random account of the simulation's.

Environment:
  TALLY_AUDITOR_PASSWORD   the auditor's password: the simulation's money is then counted by the
                           auditor before and after, and audit.check verifies the ledger. Unset:
                           the users count their own money and the ledger check is skipped.

Exit code: 0 when every process finished, money was conserved and the ledger check passed;
1 otherwise; 2 usage error.
`;

export interface SimulateOptions {
  /** The endpoints of one Tally; client process n connects to the nth, round robin. */
  urls: string[];
  processes: number;
  /** Per process; null: until `seconds` are up. */
  operations: number | null;
  accountsPerProcess: number;
  depositCents: Cents;
  seconds: number | null;
  verbose: boolean;
}

export type ParsedSimulateCommandLine = { help: true } | { help: false; options: SimulateOptions };

export function parseSimulateCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv): ParsedSimulateCommandLine {
  const values = parseOptions(argv);
  if (values.help) return { help: true };
  const seconds = values.seconds === undefined ? null : parseWholeNumber(values.seconds, '--seconds', 1, simulateSecondsMax);
  const operations =
    values.operations !== undefined
      ? parseWholeNumber(values.operations, '--operations', 1, simulateOperationsMax)
      : seconds === null
        ? simulateDefaults.operations
        : null;
  const options: SimulateOptions = {
    urls: parseWebSocketUrls(values.url ?? env.TALLY_URL ?? defaultUrl),
    processes: parseWholeNumber(values.processes ?? String(simulateDefaults.processes), '--processes', 1, simulateProcessesMax),
    operations,
    accountsPerProcess: parseWholeNumber(values.accounts ?? String(simulateDefaults.accounts), '--accounts', 1, accountsPerUserMax),
    depositCents: values.deposit === undefined ? simulateDefaults.depositCents : parseAmountCents(values.deposit, '--deposit', amountCentsMax),
    seconds,
    verbose: values.verbose ?? false,
  };
  if (options.processes * options.accountsPerProcess < 2) {
    throw new UsageError('a transfer needs two accounts: use --accounts 2 or more with one process');
  }
  return { help: false, options };
}

function parseOptions(argv: readonly string[]) {
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        url: { type: 'string' },
        processes: { type: 'string' },
        operations: { type: 'string' },
        accounts: { type: 'string' },
        deposit: { type: 'string' },
        seconds: { type: 'string' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
    return values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
