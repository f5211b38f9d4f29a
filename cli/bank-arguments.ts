/**
 * The command line of cli/bank.ts, the terminal counterpart of ABC Bank's
 * `python3 client.py [user] [command] [account_number] [amount]`. Everything is checked here, before
 * anything is sent: a mistake is a UsageError (exit code 2).
 */
import { parseArgs } from 'node:util';
import { accountNumberProblem, accountNumberProblemMessages } from '../shared/account-number.ts';
import { accountNumberDigits, clusterEndpointsMax, historyPageMax, usernameLengthMax, usernameLengthMin } from '../shared/limits.ts';
import {
  AccountKind,
  TransactionKind,
  WebSocketEndpoint,
  accountNumber as accountNumberSchema,
  isKeyedRequestType,
  requestId as requestIdSchema,
  username as usernameSchema,
  type ClientMessageType,
} from '../shared/protocol.ts';
import type { Cents } from '../shared/money.ts';
import { parseAmountCents } from './parse-amount.ts';
import { UsageError } from './usage-error.ts';

export const defaultUrl = 'ws://127.0.0.1:9000/ws';

/** Rows a history command shows unless --limit says otherwise. */
export const historyRowsDefault = 20;

/** How --url takes several endpoints, for every tool's help. */
export const urlListHelp = "or a comma-separated list of one Tally's processes, tried in turn";

export const bankHelpText = `Tally bank from the terminal: one command per run, like ABC Bank's client.py.

Usage: npx tsx cli/bank.ts [--url <ws-url>[,<ws-url>...]] <user> <command> [arguments]

Customer commands:
  register                                      create the user <user>
  create_account <checking|savings|loan> <amount>
                                                open an account with a first deposit (a loan: the principal)
  accounts                                      my accounts and their balances
  deposit <account> <amount>                    money from outside into my checking or savings account
  withdraw <account> <amount>                   money out of my checking or savings account
  transfer <from> <to> <amount>                 from my account to any customer's checking or savings
  pay_loan_check <loan> <amount>                pay my loan from outside the bank (a check)
  pay_loan_transfer <from> <loan> <amount>      pay my loan from my checking or savings account
  history [--account N] [--limit N]             transactions touching my accounts, newest first

Auditor commands (user "auditor"):
  show_accountholders                           every customer and their accounts
  show_transaction_history [--account N] [--user NAME] [--kind KIND] [--limit N]
                                                the whole ledger, newest first
  audit_check                                   check the ledger's double entry and balances

Options:
  --url <ws-url>    the server's WebSocket endpoint   TALLY_URL   default ${defaultUrl}
                    ${urlListHelp}
  --request-id <key>
                    for the commands that move money: send under this key. The bank carries a key
                    out once; running the command again with the same key prints that one outcome.
  -h, --help        show this help

Amounts are dollars like 12.34, 500 or 1,000 (at most two decimals). Accounts are ${accountNumberDigits}-digit
numbers whose last two digits check the rest, so a typo is caught before anything is sent (see
"accounts"). --limit is 1 to ${historyPageMax} (default ${historyRowsDefault}). --kind is one of
${TransactionKind.options.join(', ')}.

The password is read from the environment variable TALLY_PASSWORD, never from the command line;
if it is unset and stdin is a terminal, it is asked for without echo.

Prints OK or FAILED: <reason>, then the balances of the accounts involved. If the connection drops,
the command reconnects and sends the same request again (same key): the bank answers a repeat with
its one outcome. If the server stays unreachable, it prints the key to ask with (--request-id).
Exit code: 0 OK, 1 FAILED (refused, or the server could not be reached), 2 usage error.
`;

export type HistoryFilter = { accountNumber?: string; limit: number };
export type AuditHistoryFilter = HistoryFilter & { username?: string; kind?: TransactionKind };

export type BankCommand =
  | { name: 'register' }
  | { name: 'create_account'; kind: AccountKind; amountCents: Cents }
  | { name: 'accounts' }
  | { name: 'deposit'; accountNumber: string; amountCents: Cents }
  | { name: 'withdraw'; accountNumber: string; amountCents: Cents }
  | { name: 'transfer'; fromAccountNumber: string; toAccountNumber: string; amountCents: Cents }
  | { name: 'pay_loan_check'; loanAccountNumber: string; amountCents: Cents }
  | { name: 'pay_loan_transfer'; fromAccountNumber: string; loanAccountNumber: string; amountCents: Cents }
  | { name: 'history'; filter: HistoryFilter }
  | { name: 'show_accountholders' }
  | { name: 'show_transaction_history'; filter: AuditHistoryFilter }
  | { name: 'audit_check' };

export type BankCommandName = BankCommand['name'];

export type ParsedBankCommandLine =
  | { help: true }
  | { help: false; urls: string[]; username: string; command: BankCommand; requestId: string | undefined };

type FilterOptions = { account?: string; user?: string; kind?: string; limit?: string };
type FilterOption = keyof FilterOptions;

interface CommandSpec {
  /** The positional arguments after the command's name, as shown in usage messages. */
  arguments: readonly string[];
  filterOptions: readonly FilterOption[];
  build: (values: readonly string[], options: FilterOptions) => BankCommand;
}

const commandSpecs: Record<BankCommandName, CommandSpec> = {
  register: simple(() => ({ name: 'register' })),
  create_account: {
    arguments: ['<checking|savings|loan>', '<amount>'],
    filterOptions: [],
    build: ([kind, amount]) => ({ name: 'create_account', kind: parseAccountKind(kind!), amountCents: parseAmountCents(amount!) }),
  },
  accounts: simple(() => ({ name: 'accounts' })),
  deposit: {
    arguments: ['<account>', '<amount>'],
    filterOptions: [],
    build: ([account, amount]) => ({ name: 'deposit', accountNumber: parseAccountNumber(account!), amountCents: parseAmountCents(amount!) }),
  },
  withdraw: {
    arguments: ['<account>', '<amount>'],
    filterOptions: [],
    build: ([account, amount]) => ({ name: 'withdraw', accountNumber: parseAccountNumber(account!), amountCents: parseAmountCents(amount!) }),
  },
  transfer: {
    arguments: ['<from>', '<to>', '<amount>'],
    filterOptions: [],
    build: ([from, to, amount]) => ({
      name: 'transfer',
      fromAccountNumber: parseAccountNumber(from!, 'from account'),
      toAccountNumber: parseAccountNumber(to!, 'to account'),
      amountCents: parseAmountCents(amount!),
    }),
  },
  pay_loan_check: {
    arguments: ['<loan>', '<amount>'],
    filterOptions: [],
    build: ([loan, amount]) => ({ name: 'pay_loan_check', loanAccountNumber: parseAccountNumber(loan!, 'loan account'), amountCents: parseAmountCents(amount!) }),
  },
  pay_loan_transfer: {
    arguments: ['<from>', '<loan>', '<amount>'],
    filterOptions: [],
    build: ([from, loan, amount]) => ({
      name: 'pay_loan_transfer',
      fromAccountNumber: parseAccountNumber(from!, 'from account'),
      loanAccountNumber: parseAccountNumber(loan!, 'loan account'),
      amountCents: parseAmountCents(amount!),
    }),
  },
  history: {
    arguments: [],
    filterOptions: ['account', 'limit'],
    build: (_values, options) => ({ name: 'history', filter: parseHistoryFilter(options) }),
  },
  show_accountholders: simple(() => ({ name: 'show_accountholders' })),
  show_transaction_history: {
    arguments: [],
    filterOptions: ['account', 'user', 'kind', 'limit'],
    build: (_values, options) => ({ name: 'show_transaction_history', filter: parseAuditHistoryFilter(options) }),
  },
  audit_check: simple(() => ({ name: 'audit_check' })),
};

export const bankCommandNames = Object.keys(commandSpecs) as BankCommandName[];

/** The one request each command stands for (besides signing in), for readers and tests. */
export const requestOfCommand = {
  register: 'auth.register',
  create_account: 'bank.openAccount',
  accounts: 'bank.accounts',
  deposit: 'bank.deposit',
  withdraw: 'bank.withdraw',
  transfer: 'bank.transfer',
  pay_loan_check: 'bank.payLoanByCheck',
  pay_loan_transfer: 'bank.payLoanByTransfer',
  history: 'bank.history',
  show_accountholders: 'audit.holders',
  show_transaction_history: 'audit.history',
  audit_check: 'audit.check',
} as const satisfies Record<BankCommandName, ClientMessageType>;

export function parseBankCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv): ParsedBankCommandLine {
  refuseNegativeNumbers(argv);
  const { values, positionals } = parseOptions(argv);
  if (values.help) return { help: true };
  const [username, commandName, ...rest] = positionals;
  if (username === undefined) throw new UsageError('name the user and a command, e.g. "alice accounts"');
  if (commandName === undefined) throw new UsageError(`name a command after the user: ${bankCommandNames.join(', ')}`);
  if (!isCommandName(commandName)) {
    throw new UsageError(`unknown command "${commandName}"; the commands are ${bankCommandNames.join(', ')}`);
  }
  const spec = commandSpecs[commandName];
  const usage = [commandName, ...spec.arguments].join(' ');
  if (rest.length !== spec.arguments.length) {
    throw new UsageError(`${commandName} takes ${spec.arguments.length || 'no'} argument(s): ${usage}`);
  }
  const filterOptions: FilterOptions = { account: values.account, user: values.user, kind: values.kind, limit: values.limit };
  for (const option of ['account', 'user', 'kind', 'limit'] as const) {
    if (filterOptions[option] !== undefined && !spec.filterOptions.includes(option)) {
      throw new UsageError(`--${option} does not apply to ${commandName}`);
    }
  }
  if (values['request-id'] !== undefined && !isKeyedRequestType(requestOfCommand[commandName])) {
    throw new UsageError(`--request-id applies only to the commands that move money, not to ${commandName}`);
  }
  return {
    help: false,
    urls: parseWebSocketUrls(values.url ?? env.TALLY_URL ?? defaultUrl),
    username: parseUsername(username, 'user'),
    command: spec.build(rest, filterOptions),
    requestId: values['request-id'] === undefined ? undefined : parseRequestId(values['request-id']),
  };
}

function parseRequestId(text: string): string {
  const parsed = requestIdSchema.safeParse(text);
  if (!parsed.success) throw new UsageError(`--request-id: ${parsed.error.issues[0]!.message}; got "${text}"`);
  return parsed.data;
}

function parseOptions(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      options: {
        url: { type: 'string' },
        account: { type: 'string' },
        user: { type: 'string' },
        kind: { type: 'string' },
        limit: { type: 'string' },
        'request-id': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** parseArgs would take "-5" for an option; say what is really wrong. */
function refuseNegativeNumbers(argv: readonly string[]): void {
  const negative = argv.find((argument) => /^-\$?[\d.]/.test(argument));
  if (negative !== undefined) throw new UsageError(`amounts must be positive, got "${negative}"`);
}

function simple(build: () => BankCommand): CommandSpec {
  return { arguments: [], filterOptions: [], build };
}

function isCommandName(name: string): name is BankCommandName {
  return Object.hasOwn(commandSpecs, name);
}

export function parseAccountNumber(text: string, what = 'account'): string {
  if (accountNumberSchema.safeParse(text).success) return text;
  const problem = accountNumberProblem(text) ?? 'format';
  throw new UsageError(`${what} "${text}": ${accountNumberProblemMessages[problem]}`);
}

function parseAccountKind(text: string): AccountKind {
  const parsed = AccountKind.safeParse(text);
  if (!parsed.success) throw new UsageError(`account kind must be ${AccountKind.options.join(', ')}; got "${text}"`);
  return parsed.data;
}

export function parseUsername(text: string, what: string): string {
  // The server trims and lower-cases names; here the name must already be exactly a valid one.
  const valid = usernameSchema.safeParse(text).success && text.trim() === text;
  if (!valid) {
    throw new UsageError(`${what} must be ${usernameLengthMin} to ${usernameLengthMax} letters, digits or _ . -; got "${text}"`);
  }
  return text;
}

function parseHistoryFilter(options: FilterOptions): HistoryFilter {
  const limit = options.limit === undefined ? historyRowsDefault : parseWholeNumber(options.limit, '--limit', 1, historyPageMax);
  return options.account === undefined ? { limit } : { limit, accountNumber: parseAccountNumber(options.account, '--account') };
}

function parseAuditHistoryFilter(options: FilterOptions): AuditHistoryFilter {
  const filter: AuditHistoryFilter = parseHistoryFilter(options);
  if (options.user !== undefined) filter.username = parseUsername(options.user, '--user');
  if (options.kind !== undefined) {
    const kind = TransactionKind.safeParse(options.kind);
    if (!kind.success) throw new UsageError(`--kind must be one of ${TransactionKind.options.join(', ')}; got "${options.kind}"`);
    filter.kind = kind.data;
  }
  return filter;
}

export function parseWholeNumber(text: string, what: string, min: number, max: number): number {
  const value = /^\d{1,9}$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max)) throw new UsageError(`${what} must be a whole number from ${min} to ${max}, got "${text}"`);
  return value;
}

/**
 * `--url`: one WebSocket endpoint, or several processes of one Tally separated by commas (tried in
 * that order, then in turn whenever a connection fails). Duplicates are dropped.
 */
export function parseWebSocketUrls(text: string): string[] {
  const parts = text.split(',').map((part) => part.trim());
  if (parts.length > clusterEndpointsMax) throw new UsageError(`--url takes at most ${clusterEndpointsMax} addresses, got ${parts.length}`);
  return [...new Set(parts.map(parseWebSocketUrl))];
}

/** One endpoint of --url: ws:// or wss://, ending in /ws (WebSocketEndpoint). */
export function parseWebSocketUrl(text: string): string {
  if (text === '') throw new UsageError(`--url has an empty address: separate addresses with one comma, like ${defaultUrl},ws://127.0.0.1:9001/ws`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--url must be a WebSocket URL like ${defaultUrl}, got "${text}"`);
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new UsageError(`--url must start with ws:// or wss://, got "${text}"`);
  }
  const endpoint = WebSocketEndpoint.safeParse(url.href);
  if (!endpoint.success) throw new UsageError(`--url "${text}" is not a Tally endpoint: ${endpoint.error.issues[0]!.message}`);
  return endpoint.data;
}
