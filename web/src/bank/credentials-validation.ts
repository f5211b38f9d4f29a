import { passwordLengthMax, passwordLengthMin, usernameLengthMax, usernameLengthMin } from '../../../shared/limits.ts';

export type CredentialsField = 'username' | 'password';
export type CredentialsErrors = Partial<Record<CredentialsField, string>>;

const usernameCharacters = /^[A-Za-z0-9_.-]+$/;

/** The rules the server applies to auth.register and auth.signIn, checked before sending; empty when valid. */
export function validateCredentials(username: string, password: string): CredentialsErrors {
  const errors: CredentialsErrors = {};
  const usernameError = usernameProblem(username);
  const passwordError = checkPassword(password);
  if (usernameError !== undefined) errors.username = usernameError;
  if (passwordError !== undefined) errors.password = passwordError;
  return errors;
}

/** What is wrong with a username, by the server's rules; undefined when nothing is. */
export function usernameProblem(username: string): string | undefined {
  const trimmed = username.trim();
  if (trimmed === '') return 'Please enter a username.';
  if (trimmed.length < usernameLengthMin) return `A username has at least ${usernameLengthMin} characters.`;
  if (trimmed.length > usernameLengthMax) return `A username has at most ${usernameLengthMax} characters.`;
  if (!usernameCharacters.test(trimmed)) return 'Use only letters, digits and _ . - in a username.';
  return undefined;
}

/** Passwords are not trimmed: the server takes them as typed. */
function checkPassword(password: string): string | undefined {
  if (password === '') return 'Please enter a password.';
  if (password.length < passwordLengthMin) return `A password has at least ${passwordLengthMin} characters.`;
  if (password.length > passwordLengthMax) return `A password has at most ${passwordLengthMax} characters.`;
  return undefined;
}
