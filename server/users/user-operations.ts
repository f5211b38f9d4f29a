import { randomBytes } from 'node:crypto';
import type { AccountView, ResultOf, UserView } from '../../shared/protocol.ts';
import { accountView } from '../bank/account-view.ts';
import type { BankRepository } from '../bank/bank-repository.ts';
import type { OperationRunner } from '../operations/operation-runner.ts';
import { type Committed, type Outcome, fail, succeed } from '../operations/outcome.ts';
import { decoyCredentials, hashPassword, verifyPassword } from './passwords.ts';
import { hashSessionToken, newSessionToken } from './session-tokens.ts';
import { userSessionsMax } from '../../shared/limits.ts';
import { sessionEnded, type SessionLifetime } from './session-expiry.ts';

export const auditorUsername = 'auditor';

/**
 * Registration, sign-in and sessions. Password hashing (scrypt) runs before the unit of work,
 * never inside it: an operation may await nothing but its storage.
 */
export class UserOperations {
  readonly #runner: OperationRunner;
  readonly #sessionLifetime: SessionLifetime;

  constructor(runner: OperationRunner, sessionLifetime: SessionLifetime) {
    this.#runner = runner;
    this.#sessionLifetime = sessionLifetime;
  }

  async register(username: string, password: string): Promise<Committed<ResultOf<'auth.register'>>> {
    const { hash, salt } = await hashPassword(password);
    const sessionToken = newSessionToken();
    return this.#runner.run([`username:${username}`], async ({ users, now }) => {
      const createdAt = now().toISOString();
      const user = await users.createUser(username, hash, salt, 'customer', createdAt);
      if (user === undefined) return fail('username_taken', `The username "${username}" is taken; choose another.`);
      await users.createSession(hashSessionToken(sessionToken), user.id, createdAt, userSessionsMax);
      return succeed({ sessionToken, user, accounts: [] });
    });
  }

  async signIn(username: string, password: string): Promise<Outcome<Committed<ResultOf<'auth.signIn'>>>> {
    const stored = await this.#runner.read(({ users }) => users.findCredentials(username));
    const { hash, salt } = stored === undefined ? decoyCredentials : { hash: stored.passwordHash, salt: stored.passwordSalt };
    const matches = await verifyPassword(password, hash, salt);
    if (stored === undefined || !matches) return fail('invalid_credentials', 'Wrong username or password.');
    const sessionToken = newSessionToken();
    const user = stored.user;
    return succeed(
      await this.#runner.run([], async ({ users, bank, now }) => {
        await users.createSession(hashSessionToken(sessionToken), user.id, now().toISOString(), userSessionsMax);
        return succeed({ sessionToken, user, accounts: await ownAccounts(bank, user) });
      }),
    );
  }

  resume(sessionToken: string): Promise<Outcome<ResultOf<'auth.resume'>>> {
    return this.#runner.read(async ({ users, bank, now }) => {
      const session = await users.findUserSession(hashSessionToken(sessionToken));
      if (session === undefined) return fail('session_not_found', 'That session is unknown or was signed out; sign in again.');
      if (sessionEnded(session, now(), this.#sessionLifetime)) return fail('session_expired', 'That session has expired; sign in again.');
      const user = session.holder;
      return succeed({ user, accounts: await ownAccounts(bank, user) });
    });
  }

  /** Ends this session, or with `everywhere` every session of its user. */
  signOut(sessionToken: string, user: UserView, everywhere: boolean): Promise<Committed<ResultOf<'auth.signOut'>>> {
    return this.#runner.run([], async ({ users }) => {
      if (everywhere) await users.deleteUserSessions(user.id);
      else await users.deleteSession(hashSessionToken(sessionToken));
      return succeed({});
    });
  }

  /**
   * Creates the auditor on first start. Its password comes from the caller (the environment) or
   * is generated; a generated one is returned so it can be shown once, and is never stored in clear.
   */
  async ensureAuditor(configuredPassword: string | undefined): Promise<{ created: boolean; generatedPassword?: string }> {
    if (await this.#runner.read(({ users }) => users.hasAuditor())) return { created: false };
    const password = configuredPassword ?? randomBytes(12).toString('base64url');
    const { hash, salt } = await hashPassword(password);
    const { outcome } = await this.#runner.run([`username:${auditorUsername}`], async ({ users, now }) => {
      // Checked again inside the batch: another process sharing the database may have just created it.
      if (await users.hasAuditor()) return succeed(null);
      const user = await users.createUser(auditorUsername, hash, salt, 'auditor', now().toISOString());
      return user === undefined ? fail('username_taken', `a customer already holds the username ${auditorUsername}`) : succeed(user);
    });
    if (!outcome.ok) throw new Error(`cannot create the auditor: ${outcome.failure.message}`);
    if (outcome.value === null) return { created: false };
    return configuredPassword === undefined ? { created: true, generatedPassword: password } : { created: true };
  }
}

async function ownAccounts(bank: BankRepository, user: UserView): Promise<AccountView[]> {
  if (user.role === 'auditor') return [];
  return (await bank.listAccounts(user.id)).map(accountView);
}
