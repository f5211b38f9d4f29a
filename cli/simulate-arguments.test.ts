import { describe, expect, it } from 'vitest';
import { accountsPerUserMax } from '../shared/limits.ts';
import { parseSimulateCommandLine, simulateDefaults, simulateProcessesMax, type SimulateOptions } from './simulate-arguments.ts';
import { pickTransfer } from './simulate-job.ts';
import { UsageError } from './usage-error.ts';

function options(...argv: string[]): SimulateOptions {
  const parsed = parseSimulateCommandLine(argv, {});
  if (parsed.help) throw new Error('expected options, got --help');
  return parsed.options;
}

describe('parseSimulateCommandLine', () => {
  it('has the documented defaults', () => {
    expect(options()).toEqual({
      urls: ['ws://127.0.0.1:9000/ws'],
      processes: simulateDefaults.processes,
      operations: simulateDefaults.operations,
      accountsPerProcess: simulateDefaults.accounts,
      depositCents: simulateDefaults.depositCents,
      seconds: null,
      verbose: false,
    });
  });

  it('reads every option', () => {
    expect(options('--url', 'ws://10.0.0.2:81/ws', '--processes', '3', '--operations', '50', '--accounts', '2', '--deposit', '12.50', '--seconds', '9', '--verbose')).toEqual({
      urls: ['ws://10.0.0.2:81/ws'],
      processes: 3,
      operations: 50,
      accountsPerProcess: 2,
      depositCents: 1_250,
      seconds: 9,
      verbose: true,
    });
    expect(parseSimulateCommandLine(['-h'], {})).toEqual({ help: true });
  });

  it('runs until the time is up when only --seconds is given', () => {
    expect(options('--seconds', '5')).toMatchObject({ seconds: 5, operations: null });
    expect(options('--seconds', '5', '--operations', '10')).toMatchObject({ seconds: 5, operations: 10 });
  });

  it('takes several comma-separated endpoints for the processes to share', () => {
    expect(options('--url', 'ws://10.0.0.2:81/ws,ws://10.0.0.3:81/ws').urls).toEqual(['ws://10.0.0.2:81/ws', 'ws://10.0.0.3:81/ws']);
  });

  it.each([
    [['--url', 'ws://10.0.0.2:81/ws,wss://b.example'], /--url "wss:\/\/b\.example" is not a Tally endpoint/],
    [['--processes', '0'], /--processes must be a whole number from 1 to 32/],
    [['--processes', String(simulateProcessesMax + 1)], /--processes must be a whole number from 1 to 32/],
    [['--operations', '2.5'], /--operations must be a whole number/],
    [['--accounts', String(accountsPerUserMax + 1)], /--accounts must be a whole number from 1 to 20/],
    [['--processes', '1', '--accounts', '1'], /a transfer needs two accounts/],
    [['--seconds', '0'], /--seconds must be a whole number from 1 to 3600/],
    [['--deposit', '0.001'], /--deposit "0.001" has more than two decimals/],
    [['--clients', '3'], /Unknown option '--clients'/],
    [['extra'], /Unexpected argument 'extra'/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseSimulateCommandLine(argv, {})).toThrow(UsageError);
    expect(() => parseSimulateCommandLine(argv, {})).toThrow(message);
  });
});

describe('pickTransfer', () => {
  const job = { ownAccountNumbers: ['204815739688', '317592046862'], allAccountNumbers: ['204815739688', '317592046862', '460271839568'], transferCentsMax: 500 };

  it('moves 1 cent … transferCentsMax from an own account to a different one', () => {
    expect(pickTransfer(job, () => 0)).toEqual({ fromAccountNumber: '204815739688', toAccountNumber: '317592046862', amountCents: 1 });
    expect(pickTransfer(job, () => 0.999_999)).toEqual({ fromAccountNumber: '317592046862', toAccountNumber: '460271839568', amountCents: 500 });
    for (let run = 0; run < 1_000; run += 1) {
      const transfer = pickTransfer(job);
      expect(job.ownAccountNumbers).toContain(transfer.fromAccountNumber);
      expect(transfer.toAccountNumber).not.toBe(transfer.fromAccountNumber);
      expect(Number.isSafeInteger(transfer.amountCents) && transfer.amountCents >= 1 && transfer.amountCents <= 500).toBe(true);
    }
  });
});
