import { describe, expect, it } from 'vitest';
import { passwordLengthMax, passwordLengthMin, usernameLengthMax, usernameLengthMin } from '../../../shared/limits.ts';
import { AuthRegister } from '../../../shared/protocol.ts';
import { validateCredentials } from './credentials-validation.ts';

const serverAccepts = (username: string, password: string) =>
  AuthRegister.safeParse({ type: 'auth.register', requestId: 'r1', username, password }).success;

describe('bank sign-in validation', () => {
  it('requires both fields', () => {
    expect(validateCredentials('', '')).toEqual({ username: 'Please enter a username.', password: 'Please enter a password.' });
    expect(validateCredentials('   ', 'long enough')).toEqual({ username: 'Please enter a username.' });
  });

  it('agrees with the server at the length limits', () => {
    const [shortest, longest] = ['a'.repeat(usernameLengthMin), 'a'.repeat(usernameLengthMax)];
    const [shortPassword, longPassword] = ['p'.repeat(passwordLengthMin), 'p'.repeat(passwordLengthMax)];
    for (const [username, password] of [
      [shortest, shortPassword],
      [longest, longPassword],
      [`  ${shortest}  `, shortPassword],
    ] as const) {
      expect(validateCredentials(username, password)).toEqual({});
      expect(serverAccepts(username, password)).toBe(true);
    }
    const tooShort = validateCredentials(shortest.slice(1), shortPassword.slice(1));
    expect(tooShort).toEqual({ username: 'Username must be at least 3 characters.', password: 'Password must be at least 8 characters.' });
    expect(serverAccepts(shortest.slice(1), shortPassword)).toBe(false);
    expect(serverAccepts(shortest, shortPassword.slice(1))).toBe(false);
    const tooLong = validateCredentials(`${longest}a`, `${longPassword}p`);
    expect(tooLong).toEqual({ username: 'Username must be at most 32 characters.', password: 'Password must be at most 128 characters.' });
    expect(serverAccepts(`${longest}a`, shortPassword)).toBe(false);
  });

  it('allows the characters the server allows in a username, and no others', () => {
    expect(validateCredentials('Ada_L.ove-1', 'password1')).toEqual({});
    expect(validateCredentials('ada lovelace', 'password1').username).toBe('Username may only contain letters, digits and _ . -.');
    expect(serverAccepts('ada lovelace', 'password1')).toBe(false);
    expect(validateCredentials('adä', 'password1').username).toMatch(/only contain letters/);
  });

  it('does not trim a password: spaces count', () => {
    expect(validateCredentials('ada', '    pass')).toEqual({});
    expect(serverAccepts('ada', '    pass')).toBe(true);
  });

  it('counts a password in UTF-16 code units, as the server does: an emoji is two', () => {
    const emoji = '\u{1F600}';
    for (const password of [emoji.repeat(passwordLengthMin / 2), `${emoji.repeat(passwordLengthMin / 2 - 1)}x`, `${emoji.repeat(passwordLengthMax / 2)}x`]) {
      expect(validateCredentials('ada', password).password === undefined).toBe(serverAccepts('ada', password));
    }
    expect(validateCredentials('ada', `${emoji.repeat(passwordLengthMax / 2)}x`).password).toBe('Password must be at most 128 characters.');
  });

  it('refuses a password with a lone surrogate, as the server does', () => {
    expect(validateCredentials('ada', 'long enough \uD800').password).toMatch(/well-formed/);
    expect(serverAccepts('ada', 'long enough \uD800')).toBe(false);
  });
});
