/**
 * The Polish bank seed's simulation against Tally: several client processes, each its own OS process
 * with its own connection, fire random transfers at one server at the same time; the server locks
 * the accounts (in a fixed order, so no deadlock) and answers OK or FAILED. Afterwards the money in
 * the simulation's accounts is counted again (transfers only move it) and the auditor checks the ledger.
 *
 *   TALLY_AUDITOR_PASSWORD=... npx tsx cli/simulate.ts [--url ...] [--processes 4] [--operations 200] [--accounts 6] [--seconds N]
 */
import { randomBytes } from 'node:crypto';
import { formatCents, sumCents, type Cents } from '../shared/money.ts';
import { parseSimulateCommandLine, simulateHelpText, type SimulateOptions } from './simulate-arguments.ts';
import { formatTable } from './format.ts';
import { RequestError, connectTerminal, requestAllAccountHolders, type ProtocolClient } from './tally-client.ts';
import { runWorkers, type WorkersOutcome } from './simulate-workers.ts';
import { UsageError, exitCodes } from './usage-error.ts';
import type { IntegrityReport } from '../shared/protocol.ts';

/** The one refusal a random transfer between the simulation's checking accounts should meet. */
const expectedRefusalCode = 'insufficient_funds';

export interface SimulationUser {
  username: string;
  password: string;
  /** Kept signed in for the whole run, to count the user's money without the auditor. */
  client: ProtocolClient;
  accountNumbers: string[];
}

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseSimulateCommandLine(argv, process.env);
  if (parsed.help) {
    process.stdout.write(simulateHelpText);
    return exitCodes.ok;
  }
  const { options } = parsed;
  const auditorPassword = process.env.TALLY_AUDITOR_PASSWORD || null;
  const runId = randomBytes(4).readUInt32BE(0).toString(36).padStart(6, '0').slice(-6);
  console.log(describeRun(runId, options));
  const clients: ProtocolClient[] = [];
  try {
    const users = await registerUsers(runId, options, clients);
    const auditor = auditorPassword === null ? null : await signInAuditor(options.urls, auditorPassword, clients);
    const allAccountNumbers = users.flatMap((user) => user.accountNumbers);
    const before = await countMoney(allAccountNumbers, users, auditor);
    const outcome = await runWorkers(options, users, allAccountNumbers);
    const problems = [...outcome.problems, ...printWorkerResults(options, outcome)];
    problems.push(...(await checkMoney(allAccountNumbers, users, auditor, before)));
    for (const problem of problems) console.log(`problem: ${problem}`);
    return problems.length === 0 ? exitCodes.ok : exitCodes.failed;
  } finally {
    await Promise.all(clients.map(signOutAndClose));
  }
}

/** Sessions never expire on the server, so end the ones this run made; best effort, the outcome stands. */
async function signOutAndClose(client: ProtocolClient): Promise<void> {
  await client.request('auth.signOut', {}).catch(() => {});
  await client.close();
}

function describeRun(runId: string, options: SimulateOptions): string {
  const operations = options.operations === null ? 'transfers' : `${options.operations} transfers`;
  const limit = options.seconds === null ? '' : `, for at most ${options.seconds} s`;
  return (
    `simulation ${runId}: ${options.processes} process(es) x ${operations}${limit}, ` +
    `${options.accountsPerProcess} checking account(s) each opened with ${formatCents(options.depositCents)}, ${options.urls.join(', ')}`
  );
}

/** One new user per process, each with its checking accounts; their connections stay open. */
async function registerUsers(runId: string, options: SimulateOptions, clients: ProtocolClient[]): Promise<SimulationUser[]> {
  const numbers = Array.from({ length: options.processes }, (_, index) => index + 1);
  return Promise.all(
    numbers.map(async (processNumber) => {
      const client = await connectTerminal(options.urls, { reconnect: false });
      clients.push(client);
      const username = `sim-${runId}-${processNumber}`;
      const password = randomBytes(18).toString('base64url');
      await client.expectResult('auth.register', { username, password });
      const accountNumbers: string[] = [];
      for (let index = 0; index < options.accountsPerProcess; index += 1) {
        const { transaction } = await client.expectResult('bank.openAccount', { kind: 'checking', amountCents: options.depositCents });
        accountNumbers.push(transaction.toAccountNumber!);
      }
      return { username, password, client, accountNumbers };
    }),
  );
}

async function signInAuditor(urls: readonly string[], password: string, clients: ProtocolClient[]): Promise<ProtocolClient> {
  const auditor = await connectTerminal(urls, { reconnect: false });
  clients.push(auditor);
  await auditor.expectResult('auth.signIn', { username: 'auditor', password });
  return auditor;
}

/** The money in the simulation's accounts, as the auditor sees it, or else as their owners do. */
async function countMoney(accountNumbers: readonly string[], users: readonly SimulationUser[], auditor: ProtocolClient | null): Promise<Cents> {
  const wanted = new Set(accountNumbers);
  const accounts =
    auditor === null
      ? (await Promise.all(users.map((user) => user.client.expectResult('bank.accounts', {})))).flatMap((result) => result.accounts)
      : await allAccountsSeenBy(auditor);
  const counted = accounts.filter((account) => wanted.has(account.number));
  if (counted.length !== wanted.size) throw new Error(`found ${counted.length} of the simulation's ${wanted.size} accounts`);
  return sumCents(counted.map((account) => account.balanceCents));
}

async function allAccountsSeenBy(auditor: ProtocolClient) {
  const reply = await requestAllAccountHolders(auditor);
  if (!reply.ok) throw new Error(`the auditor could not list the account holders: ${reply.error.message}`);
  return reply.result.holders.flatMap((holder) => holder.accounts);
}

/** Per-process counts, totals and refusal reasons; returns the problems it saw. */
function printWorkerResults(options: SimulateOptions, outcome: WorkersOutcome): string[] {
  const rows = outcome.summaries.map((summary) => {
    const sent = summary.ok + summary.failed;
    return [String(summary.processNumber), summary.username, String(summary.ok), String(summary.failed), rate(sent, summary.elapsedMs)];
  });
  const ok = outcome.summaries.reduce((total, summary) => total + summary.ok, 0);
  const failed = outcome.summaries.reduce((total, summary) => total + summary.failed, 0);
  rows.push(['total', '', String(ok), String(failed), rate(ok + failed, outcome.elapsedMs)]);
  console.log(
    formatTable(
      [{ title: 'process' }, { title: 'user' }, { title: 'OK', align: 'right' }, { title: 'FAILED', align: 'right' }, { title: 'transfers/s', align: 'right' }],
      rows,
    ),
  );
  const refusals = new Map<string, number>();
  for (const summary of outcome.summaries) {
    for (const [code, count] of Object.entries(summary.failedByCode)) refusals.set(code, (refusals.get(code) ?? 0) + count);
  }
  const refusalText = [...refusals].map(([code, count]) => `${code} ${count}`).join(', ');
  console.log(`FAILED by reason: ${refusalText || 'none'}`);
  const requested = options.operations === null ? '' : ` of ${options.operations * options.processes} requested`;
  console.log(`transfers sent: ${ok + failed}${requested} in ${(outcome.elapsedMs / 1000).toFixed(2)} s`);
  return [...refusals.keys()].filter((code) => code !== expectedRefusalCode).map((code) => `unexpected refusals: ${code}`);
}

/** Counts the simulation's money again and has the auditor check the ledger; returns the problems. */
async function checkMoney(accountNumbers: readonly string[], users: readonly SimulationUser[], auditor: ProtocolClient | null, before: Cents): Promise<string[]> {
  let after: Cents;
  let report: IntegrityReport | null;
  try {
    after = await countMoney(accountNumbers, users, auditor);
    report = auditor === null ? null : (await auditor.expectResult('audit.check', {})).report;
  } catch (error) {
    if (!(error instanceof RequestError)) throw error;
    console.log('money conserved: unknown');
    return [`could not count the money afterwards: ${error.code}: ${error.message}`];
  }
  const counter = auditor === null ? 'the users' : 'the auditor';
  console.log(`money in the simulation's ${accountNumbers.length} accounts, counted by ${counter}: before ${formatCents(before)}, after ${formatCents(after)}`);
  console.log(`money conserved: ${before === after ? 'yes' : 'no'}`);
  const problems = before === after ? [] : [`money was not conserved: ${formatCents(after - before)} difference`];
  return [...problems, ...printLedgerCheck(report)];
}

function printLedgerCheck(report: IntegrityReport | null): string[] {
  if (report === null) {
    console.log('ledger check: skipped (set TALLY_AUDITOR_PASSWORD to have the auditor run audit.check)');
    return [];
  }
  const counts = `${report.transactionsChecked} transactions, ${report.entriesChecked} entries, ${report.accountsChecked} accounts at commit ${report.seq}`;
  console.log(`ledger check: ${report.ok ? 'ok' : 'FAILED'} (${counts})`);
  if (report.ok) return [];
  return report.problems.length > 0 ? report.problems.map((problem) => `ledger: ${problem}`) : ['the ledger check failed'];
}

function rate(operations: number, elapsedMs: number): string {
  return elapsedMs > 0 ? (operations / (elapsedMs / 1000)).toFixed(0) : '-';
}

main(process.argv.slice(2)).then(
  (exitCode) => {
    process.exitCode = exitCode;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`simulate: ${error.message}\nRun with --help for usage.\n`);
      process.exitCode = exitCodes.usage;
      return;
    }
    const message = error instanceof RequestError ? `${error.code}: ${error.message}` : error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`simulate: ${message}\n`);
    process.exitCode = exitCodes.failed;
  },
);
