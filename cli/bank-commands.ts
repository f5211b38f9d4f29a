/**
 * What each cli/bank.ts command sends and prints, on a connection that is already signed in.
 * Like the Polish bank seed, every outcome is `OK` or `FAILED: <reason>` followed by the current
 * balances of the accounts involved that the user may see.
 */
import { historyPageMax } from '../shared/limits.ts';
import type { ErrorMessage, MoneyRequestType, ResultOf } from '../shared/protocol.ts';
import type { AuditHistoryFilter, BankCommand, HistoryFilter } from './bank-arguments.ts';
import { describeTransaction, formatAccounts, formatHolders, formatTable, formatTransactions } from './format.ts';
import type { RequestFields } from '../shared/protocol.ts';
import { requestAllAccountHolders, type ProtocolClient } from './tally-client.ts';

export interface CommandOutcome {
  ok: boolean;
  /** The first is `OK` or `FAILED: <reason>`. */
  lines: string[];
}

export function failedLine(error: ErrorMessage): string {
  return `FAILED: ${error.code}: ${error.message}`;
}

/** `requestId`: the key a money command is sent under (it is what a repeat of the command would use). */
export async function runBankCommand(client: ProtocolClient, command: Exclude<BankCommand, { name: 'register' }>, requestId: string): Promise<CommandOutcome> {
  const money = <Type extends MoneyRequestType>(type: Type, fields: RequestFields<Type>, named: readonly string[]) =>
    moneyOperation(client, type, fields, named, requestId);
  switch (command.name) {
    case 'create_account':
      return money('bank.openAccount', { kind: command.kind, amountCents: command.amountCents }, []);
    case 'deposit':
    case 'withdraw': {
      const type = command.name === 'deposit' ? 'bank.deposit' : 'bank.withdraw';
      return money(type, { accountNumber: command.accountNumber, amountCents: command.amountCents }, [command.accountNumber]);
    }
    case 'transfer': {
      const { fromAccountNumber, toAccountNumber, amountCents } = command;
      return money('bank.transfer', { fromAccountNumber, toAccountNumber, amountCents }, [fromAccountNumber, toAccountNumber]);
    }
    case 'pay_loan_check': {
      const { loanAccountNumber, amountCents } = command;
      return money('bank.payLoanByCheck', { loanAccountNumber, amountCents }, [loanAccountNumber]);
    }
    case 'pay_loan_transfer': {
      const { fromAccountNumber, loanAccountNumber, amountCents } = command;
      return money('bank.payLoanByTransfer', { fromAccountNumber, loanAccountNumber, amountCents }, [fromAccountNumber, loanAccountNumber]);
    }
    case 'accounts':
      return listAccounts(client);
    case 'history':
      return history(client, command.filter);
    case 'show_accountholders':
      return showAccountHolders(client);
    case 'show_transaction_history':
      return showTransactionHistory(client, command.filter);
    case 'audit_check':
      return auditCheck(client);
    default: {
      const unexpected: never = command;
      throw new Error(`unhandled command ${JSON.stringify(unexpected)}`);
    }
  }
}

/**
 * One money operation. OK shows the transaction and the user's accounts it touched (another
 * customer's account, the receiver of a transfer, is never shown to them); FAILED shows the named
 * accounts that are the user's, unchanged.
 */
async function moneyOperation<Type extends MoneyRequestType>(
  client: ProtocolClient,
  type: Type,
  fields: RequestFields<Type>,
  namedAccountNumbers: readonly string[],
  requestId: string,
): Promise<CommandOutcome> {
  const reply = await client.request(type, fields, { requestId, onRetrying: () => process.stderr.write(`connection lost: retrying ${requestId}…\n`) });
  if (!reply.ok) {
    // The server answers a refusal with the caller's named accounts as they still are.
    const mine = reply.error.details?.accounts ?? [];
    return { ok: false, lines: [failedLine(reply.error), ...(mine.length > 0 ? [formatAccounts(mine)] : [])] };
  }
  const { transaction, accounts } = reply.result as ResultOf<MoneyRequestType>;
  const shown = new Set(accounts.map((account) => account.number));
  const notMine = namedAccountNumbers.filter((number) => !shown.has(number));
  return {
    ok: true,
    lines: [
      'OK',
      describeTransaction(transaction),
      formatAccounts(accounts),
      ...notMine.map((number) => `(${number} belongs to another customer: only its owner and the auditor see its balance)`),
    ],
  };
}

async function listAccounts(client: ProtocolClient): Promise<CommandOutcome> {
  const reply = await client.request('bank.accounts', {});
  if (!reply.ok) return { ok: false, lines: [failedLine(reply.error)] };
  const { accounts } = reply.result;
  if (accounts.length === 0) return { ok: true, lines: ['OK', 'no accounts yet: open one with create_account'] };
  return { ok: true, lines: ['OK', formatAccounts(accounts)] };
}

async function history(client: ProtocolClient, filter: HistoryFilter): Promise<CommandOutcome> {
  const reply = await client.request('bank.history', filter);
  if (!reply.ok) return { ok: false, lines: [failedLine(reply.error)] };
  return { ok: true, lines: ['OK', ...historyLines(reply.result, filter.limit)] };
}

async function showTransactionHistory(client: ProtocolClient, filter: AuditHistoryFilter): Promise<CommandOutcome> {
  const reply = await client.request('audit.history', filter);
  if (!reply.ok) return { ok: false, lines: [failedLine(reply.error)] };
  return { ok: true, lines: ['OK', ...historyLines(reply.result, filter.limit)] };
}

function historyLines(page: ResultOf<'bank.history'>, limit: number): string[] {
  if (page.transactions.length === 0) return ['no transactions'];
  const raise = limit < historyPageMax ? ` (--limit shows up to ${historyPageMax})` : '';
  const more = page.nextBeforeId === null ? '' : `; older ones may exist${raise}`;
  return [formatTransactions(page.transactions), `${page.transactions.length} transaction(s), newest first${more}`];
}

async function showAccountHolders(client: ProtocolClient): Promise<CommandOutcome> {
  const reply = await requestAllAccountHolders(client);
  if (!reply.ok) return { ok: false, lines: [failedLine(reply.error)] };
  const { holders } = reply.result;
  const accountCount = holders.reduce((count, holder) => count + holder.accounts.length, 0);
  return { ok: true, lines: ['OK', formatHolders(holders), `${holders.length} holder(s), ${accountCount} account(s)`] };
}

async function auditCheck(client: ProtocolClient): Promise<CommandOutcome> {
  const reply = await client.request('audit.check', {});
  if (!reply.ok) return { ok: false, lines: [failedLine(reply.error)] };
  const { report } = reply.result;
  const summary = formatTable(
    [{ title: 'checked at commit' }, { title: 'transactions', align: 'right' }, { title: 'entries', align: 'right' }, { title: 'accounts', align: 'right' }],
    [[String(report.seq), String(report.transactionsChecked), String(report.entriesChecked), String(report.accountsChecked)]],
  );
  if (report.ok) return { ok: true, lines: ['OK', 'the ledger balances', summary] };
  return {
    ok: false,
    lines: [`FAILED: the ledger check found ${report.problems.length} problem(s)`, summary, ...report.problems.map((problem) => `- ${problem}`)],
  };
}

/** For `register`: the new user, who has no accounts yet. */
export function registeredLines(result: ResultOf<'auth.register'>): string[] {
  return ['OK', `registered ${result.user.username} (${result.user.role}); open an account with create_account`];
}
