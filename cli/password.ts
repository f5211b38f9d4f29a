/**
 * Where the command-line tools get a password: an environment variable, or a prompt that does not
 * echo. Never an argument: arguments show in `ps` and in shell history.
 */
import { passwordLengthMax, passwordLengthMin } from '../shared/limits.ts';
import { password as passwordSchema } from '../shared/protocol.ts';
import { UsageError } from './usage-error.ts';

export const passwordVariable = 'TALLY_PASSWORD';

export interface PasswordSource {
  env: NodeJS.ProcessEnv;
  /** Null when stdin is not a terminal (a pipe, a file, a CI job): then nobody can be asked. */
  terminal: { ask: (prompt: string) => Promise<string> } | null;
}

/** The terminal prompt for this process, when stdin and stderr are terminals. */
export function processPasswordSource(): PasswordSource {
  const interactive = process.stdin.isTTY === true && process.stderr.isTTY === true;
  return { env: process.env, terminal: interactive ? { ask: promptWithoutEcho } : null };
}

/** `confirm` asks twice when prompting (for a new password). */
export async function readPassword(source: PasswordSource, username: string, confirm = false): Promise<string> {
  const fromEnvironment = source.env[passwordVariable];
  if (fromEnvironment !== undefined && fromEnvironment !== '') return checkLength(fromEnvironment, passwordVariable);
  if (source.terminal === null) {
    throw new UsageError(
      `no password: set the environment variable ${passwordVariable} (it is never taken from the command line), or run in a terminal to be asked for it`,
    );
  }
  const password = checkLength(await source.terminal.ask(`Password for ${username}: `), 'the password');
  if (confirm && (await source.terminal.ask('Repeat the password: ')) !== password) {
    throw new UsageError('the two passwords differ');
  }
  return password;
}

/** By the protocol's own schema, so the terminal counts length as the server does. */
function checkLength(password: string, what: string): string {
  if (!passwordSchema.safeParse(password).success) {
    throw new UsageError(`${what} must be ${passwordLengthMin} to ${passwordLengthMax} characters`);
  }
  return password;
}

export type KeystrokeState = { text: string; status: 'typing' | 'done' | 'cancelled' };

/** Applies what the terminal sent in raw mode; pure, so it can be tested without a terminal. */
export function applyKeystrokes(state: KeystrokeState, input: string): KeystrokeState {
  let text = state.text;
  for (const character of input) {
    if (character === '\r' || character === '\n') return { text, status: 'done' };
    if (character === '\u0003') return { text: '', status: 'cancelled' }; // Ctrl-C
    if (character === '\u0004') return text === '' ? { text: '', status: 'cancelled' } : { text, status: 'done' }; // Ctrl-D
    if (character === '\u007f' || character === '\b') text = [...text].slice(0, -1).join('');
    else if (character === '\u0015') text = ''; // Ctrl-U
    else if (!/\p{Cc}/u.test(character)) text += character;
    if (text.length > passwordLengthMax) return { text, status: 'done' }; // checkLength refuses it
  }
  return { text, status: 'typing' };
}

function promptWithoutEcho(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let state: KeystrokeState = { text: '', status: 'typing' };
    const stdinOnData = (input: string) => {
      state = applyKeystrokes(state, input);
      if (state.status === 'typing') return;
      stdin.off('data', stdinOnData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (state.status === 'done') resolve(state.text);
      else reject(new UsageError('cancelled'));
    };
    stdin.on('data', stdinOnData);
  });
}
