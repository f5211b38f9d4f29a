import { describe, expect, it } from 'vitest';
import { historyPageMax } from '../shared/limits.ts';
import { bankCommandNames, bankHelpText, defaultUrl, historyRowsDefault, parseBankCommandLine } from './bank-arguments.ts';
import { UsageError } from './usage-error.ts';

const noEnvironment = {};

function parse(...argv: string[]) {
  const parsed = parseBankCommandLine(argv, noEnvironment);
  if (parsed.help) throw new Error('expected a command, got --help');
  return parsed;
}

function refusal(argv: string[]): string {
  try {
    parseBankCommandLine(argv, noEnvironment);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`expected ${argv.join(' ')} to be refused`);
}

describe('parseBankCommandLine', () => {
  it('reads the seed-style commands into requests with integer cents', () => {
    expect(parse('alice', 'register').command).toEqual({ name: 'register' });
    expect(parse('alice', 'create_account', 'savings', '500').command).toEqual({ name: 'create_account', kind: 'savings', amountCents: 50_000 });
    expect(parse('alice', 'deposit', '482017593672', '12.34').command).toEqual({ name: 'deposit', accountNumber: '482017593672', amountCents: 1_234 });
    expect(parse('alice', 'withdraw', '482017593672', '0.05').command).toEqual({ name: 'withdraw', accountNumber: '482017593672', amountCents: 5 });
    expect(parse('alice', 'transfer', '482017593672', '739104628563', '$7').command).toEqual({
      name: 'transfer',
      fromAccountNumber: '482017593672',
      toAccountNumber: '739104628563',
      amountCents: 700,
    });
    expect(parse('alice', 'pay_loan_check', '590271846303', '200').command).toEqual({ name: 'pay_loan_check', loanAccountNumber: '590271846303', amountCents: 20_000 });
    expect(parse('alice', 'pay_loan_transfer', '106834275937', '590271846303', '200').command).toEqual({
      name: 'pay_loan_transfer',
      fromAccountNumber: '106834275937',
      loanAccountNumber: '590271846303',
      amountCents: 20_000,
    });
    expect(parse('alice', 'accounts').command).toEqual({ name: 'accounts' });
    expect(parse('auditor', 'show_accountholders').command).toEqual({ name: 'show_accountholders' });
    expect(parse('auditor', 'audit_check').command).toEqual({ name: 'audit_check' });
  });

  it('takes history filters as options, anywhere on the line', () => {
    expect(parse('alice', 'history').command).toEqual({ name: 'history', filter: { limit: historyRowsDefault } });
    expect(parse('alice', '--limit', '5', 'history', '--account=482017593672').command).toEqual({
      name: 'history',
      filter: { limit: 5, accountNumber: '482017593672' },
    });
    expect(parse('auditor', 'show_transaction_history', '--user', 'Grace', '--kind', 'transfer', '--limit', String(historyPageMax)).command).toEqual({
      name: 'show_transaction_history',
      filter: { limit: historyPageMax, username: 'Grace', kind: 'transfer' },
    });
  });

  it('uses --url, else TALLY_URL, else the default', () => {
    expect(parse('alice', 'accounts').urls).toEqual([defaultUrl]);
    expect(parseBankCommandLine(['alice', 'accounts'], { TALLY_URL: 'ws://bank.example:81/ws' })).toMatchObject({ urls: ['ws://bank.example:81/ws'] });
    expect(parseBankCommandLine(['--url', 'wss://tally.example/ws', 'alice', 'accounts'], { TALLY_URL: 'ws://other/ws' })).toMatchObject({
      urls: ['wss://tally.example/ws'],
    });
  });

  it('takes several comma-separated endpoints in --url or TALLY_URL, in order, each once', () => {
    expect(parse('--url', 'ws://a.example:9000/ws, ws://b.example:9001/ws,ws://a.example:9000/ws', 'alice', 'accounts').urls).toEqual([
      'ws://a.example:9000/ws',
      'ws://b.example:9001/ws',
    ]);
    expect(parseBankCommandLine(['alice', 'accounts'], { TALLY_URL: 'wss://a.example/ws,wss://b.example/ws' })).toMatchObject({
      urls: ['wss://a.example/ws', 'wss://b.example/ws'],
    });
    expect(bankHelpText).toContain('comma-separated');
  });

  it('answers --help whatever else is on the line, and lists every command in it', () => {
    expect(parseBankCommandLine(['--help'], noEnvironment)).toEqual({ help: true });
    expect(parseBankCommandLine(['alice', 'deposit', '-h'], noEnvironment)).toEqual({ help: true });
    for (const name of bankCommandNames) expect(bankHelpText).toContain(name);
  });

  it.each([
    [[], /name the user and a command/],
    [['alice'], /name a command after the user/],
    [['alice', 'fly'], /unknown command "fly"/],
    [['alice', 'toString'], /unknown command "toString"/],
    [['alice', 'deposit', '482017593672'], /deposit takes 2 argument\(s\): deposit <account> <amount>/],
    [['alice', 'accounts', 'extra'], /accounts takes no argument\(s\)/],
    [['alice', 'deposit', '1001', '5'], /account "1001": An account number is 12 digits/],
    [['alice', 'deposit', '482017593627', '5'], /account "482017593627": Check the account number/],
    [['alice', 'deposit', '482017593672', '-5'], /amounts must be positive, got "-5"/],
    [['alice', 'deposit', '482017593672', '0'], /at least \$0\.01/],
    [['alice', 'deposit', '482017593672', '1.005'], /more than two decimals/],
    [['alice', 'deposit', '482017593672', '10000000.01'], /more than the largest allowed/],
    [['alice', 'create_account', 'brokerage', '5'], /account kind must be checking, savings, loan/],
    [['al', 'accounts'], /user must be 3 to 32 letters/],
    [['alice smith', 'accounts'], /user must be 3 to 32 letters/],
    [['alice', 'accounts', '--kind', 'transfer'], /--kind does not apply to accounts/],
    [['alice', 'history', '--user', 'bob'], /--user does not apply to history/],
    [['alice', 'history', '--limit', '0'], /--limit must be a whole number from 1 to 100/],
    [['alice', 'history', '--limit', String(historyPageMax + 1)], /--limit must be a whole number from 1 to 100/],
    [['auditor', 'show_transaction_history', '--kind', 'theft'], /--kind must be one of open_account, deposit/],
    [['alice', 'accounts', '--password', 'x'], /Unknown option '--password'/],
    [['--url', 'http://127.0.0.1:9000/ws', 'alice', 'accounts'], /--url must start with ws:\/\/ or wss:\/\//],
    [['--url', 'not a url', 'alice', 'accounts'], /--url must be a WebSocket URL/],
    [['--url', 'ws://a.example/ws,http://b.example/ws', 'alice', 'accounts'], /--url must start with ws:\/\/ or wss:\/\/, got "http:\/\/b\.example\/ws"/],
    [['--url', 'ws://a.example/ws,ws://b.example/socket', 'alice', 'accounts'], /--url "ws:\/\/b\.example\/socket" is not a Tally endpoint: an endpoint is a WebSocket address/],
    [['--url', 'ws://a.example/ws?x=1', 'alice', 'accounts'], /--url "ws:\/\/a\.example\/ws\?x=1" is not a Tally endpoint/],
    [['--url', 'ws://a.example/ws,,ws://b.example/ws', 'alice', 'accounts'], /--url has an empty address/],
    [['--url', Array.from({ length: 17 }, (_, index) => `ws://p${index}.example/ws`).join(','), 'alice', 'accounts'], /--url takes at most 16 addresses, got 17/],
  ])('refuses %j', (argv, message) => {
    expect(refusal(argv)).toMatch(message);
  });

  it('takes --request-id for the commands that move money only, and only a valid key', () => {
    const parsed = parseBankCommandLine(['ada', 'deposit', '482017593672', '5', '--request-id', 'ada-1'], {});
    expect(parsed).toMatchObject({ help: false, requestId: 'ada-1' });
    expect(parseBankCommandLine(['ada', 'deposit', '482017593672', '5'], {})).toMatchObject({ requestId: undefined });
    expect(() => parseBankCommandLine(['ada', 'accounts', '--request-id', 'ada-1'], {})).toThrow('--request-id applies only to the commands that move money');
    expect(() => parseBankCommandLine(['ada', 'deposit', '482017593672', '5', '--request-id', 'no spaces'], {})).toThrow('--request-id: requestId may only contain');
  });
});
