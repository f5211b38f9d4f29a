import { describe, expect, it } from 'vitest';
import { applyKeystrokes, readPassword, type KeystrokeState } from './password.ts';
import { UsageError } from './usage-error.ts';

function terminal(...answers: string[]) {
  const prompts: string[] = [];
  return { prompts, ask: async (prompt: string) => (prompts.push(prompt), answers.shift() ?? '') };
}

describe('readPassword', () => {
  it('takes TALLY_PASSWORD without asking', async () => {
    const asked = terminal();
    await expect(readPassword({ env: { TALLY_PASSWORD: 'from-the-environment' }, terminal: asked }, 'alice')).resolves.toBe('from-the-environment');
    expect(asked.prompts).toEqual([]);
  });

  it('asks a terminal when the variable is unset or empty, twice for a new password', async () => {
    const asked = terminal('typed-password', 'typed-password');
    await expect(readPassword({ env: { TALLY_PASSWORD: '' }, terminal: asked }, 'alice', true)).resolves.toBe('typed-password');
    expect(asked.prompts).toEqual(['Password for alice: ', 'Repeat the password: ']);
    await expect(readPassword({ env: {}, terminal: terminal('typed-password', 'typo-password') }, 'alice', true)).rejects.toThrow('the two passwords differ');
  });

  it('fails clearly without the variable and without a terminal', async () => {
    await expect(readPassword({ env: {}, terminal: null }, 'alice')).rejects.toThrow(UsageError);
    await expect(readPassword({ env: {}, terminal: null }, 'alice')).rejects.toThrow(/set the environment variable TALLY_PASSWORD/);
  });

  it('refuses a password of the wrong length before anything is sent', async () => {
    await expect(readPassword({ env: { TALLY_PASSWORD: 'short' }, terminal: null }, 'alice')).rejects.toThrow('TALLY_PASSWORD must be 8 to 128 characters');
    await expect(readPassword({ env: {}, terminal: terminal('x'.repeat(129)) }, 'alice')).rejects.toThrow('the password must be 8 to 128 characters');
  });
});

describe('applyKeystrokes', () => {
  const start: KeystrokeState = { text: '', status: 'typing' };

  it('collects characters until Enter, with backspace and Ctrl-U', () => {
    const typed = applyKeystrokes(applyKeystrokes(start, 'pass'), 'x\u007fwörd');
    expect(typed).toEqual({ text: 'passwörd', status: 'typing' });
    expect(applyKeystrokes(typed, '\r')).toEqual({ text: 'passwörd', status: 'done' });
    expect(applyKeystrokes(typed, '\u0015new\n')).toEqual({ text: 'new', status: 'done' });
  });

  it('drops control characters and stops on Ctrl-C, or Ctrl-D on an empty line', () => {
    expect(applyKeystrokes(start, 'a\u001b[Ab')).toEqual({ text: 'a[Ab', status: 'typing' });
    expect(applyKeystrokes(start, 'abc\u0003')).toEqual({ text: '', status: 'cancelled' });
    expect(applyKeystrokes(start, '\u0004')).toEqual({ text: '', status: 'cancelled' });
    expect(applyKeystrokes(start, 'abc\u0004')).toEqual({ text: 'abc', status: 'done' });
  });
});
