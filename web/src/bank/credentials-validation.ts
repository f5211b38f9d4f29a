import { password as passwordSchema, username as usernameSchema } from '../../../shared/protocol.ts';
import { fieldProblem } from '../components/field-problem.ts';

export type CredentialsField = 'username' | 'password';
export type CredentialsErrors = Partial<Record<CredentialsField, string>>;

/** The server's own auth.register and auth.signIn schemas, checked before sending; empty when valid. */
export function validateCredentials(username: string, password: string): CredentialsErrors {
  const errors: CredentialsErrors = {};
  const usernameError = usernameProblem(username);
  const passwordError = checkPassword(password);
  if (usernameError !== undefined) errors.username = usernameError;
  if (passwordError !== undefined) errors.password = passwordError;
  return errors;
}

/** What is wrong with a username, by the server's schema; undefined when nothing is. */
export function usernameProblem(username: string): string | undefined {
  if (username.trim() === '') return 'Please enter a username.';
  return fieldProblem(usernameSchema, username);
}

/** Passwords are not trimmed: the server takes them as typed. */
function checkPassword(password: string): string | undefined {
  if (password === '') return 'Please enter a password.';
  return fieldProblem(passwordSchema, password);
}
