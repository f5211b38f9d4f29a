import type { UserView } from '../../../shared/protocol.ts';
import type { StoredCredentials, UserRepository } from '../../users/user-repository.ts';
import type { SessionTimes } from '../../users/session-expiry.ts';
import type { SqliteDatabase } from './database.ts';

/** Users, their credentials and their sessions, in SQLite. */
export class SqliteUserRepository implements UserRepository {
  readonly #statements;

  constructor(database: SqliteDatabase) {
    this.#statements = {
      createUser: database.prepare<[string, Buffer, Buffer, string, string], UserView>(
        `INSERT INTO users (username, password_hash, password_salt, role, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (username) DO NOTHING RETURNING id, username, role`,
      ),
      findCredentials: database.prepare<[string], { id: number; username: string; role: UserView['role']; password_hash: Buffer; password_salt: Buffer }>(
        'SELECT id, username, role, password_hash, password_salt FROM users WHERE username = ?',
      ),
      hasAuditor: database.prepare<[], { found: number }>("SELECT EXISTS (SELECT 1 FROM users WHERE role = 'auditor') AS found"),
      createSession: database.prepare('INSERT INTO user_sessions (token_hash, user_id, created_at, last_used_at) VALUES (?, ?, ?, ?)'),
      endOldestSessions: database.prepare<[number, number, number]>(
        `DELETE FROM user_sessions WHERE user_id = ? AND rowid NOT IN
           (SELECT rowid FROM user_sessions WHERE user_id = ? ORDER BY rowid DESC LIMIT ?)`,
      ),
      findUserSession: database.prepare<[Buffer], UserView & { createdAt: string; lastUsedAt: string }>(
        `SELECT u.id, u.username, u.role, s.created_at AS createdAt, s.last_used_at AS lastUsedAt
         FROM user_sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`,
      ),
      markSessionUsed: database.prepare<[string, Buffer, string]>(
        'UPDATE user_sessions SET last_used_at = ? WHERE token_hash = ? AND created_at > ?',
      ),
      deleteExpiredSessions: database.prepare<[string, string]>('DELETE FROM user_sessions WHERE last_used_at < ? OR created_at <= ?'),
      deleteSession: database.prepare('DELETE FROM user_sessions WHERE token_hash = ?'),
      deleteUserSessions: database.prepare('DELETE FROM user_sessions WHERE user_id = ?'),
      listCustomers: database.prepare<[string, number], UserView>(
        "SELECT id, username, role FROM users WHERE role = 'customer' AND username > ? ORDER BY username LIMIT ?",
      ),
    };
  }

  async createUser(username: string, passwordHash: Buffer, passwordSalt: Buffer, role: UserView['role'], createdAt: string): Promise<UserView | undefined> {
    // The stored row, not the arguments: a reply never confirms other text than the database holds.
    return this.#statements.createUser.get(username, passwordHash, passwordSalt, role, createdAt);
  }
  async findCredentials(username: string): Promise<StoredCredentials | undefined> {
    const row = this.#statements.findCredentials.get(username);
    if (row === undefined) return undefined;
    return { user: { id: row.id, username: row.username, role: row.role }, passwordHash: row.password_hash, passwordSalt: row.password_salt };
  }
  async hasAuditor(): Promise<boolean> {
    return this.#statements.hasAuditor.get()!.found === 1;
  }
  async createSession(tokenHash: Buffer, userId: number, createdAt: string, sessionsMax: number): Promise<void> {
    this.#statements.createSession.run(tokenHash, userId, createdAt, createdAt);
    this.#statements.endOldestSessions.run(userId, userId, sessionsMax);
  }
  async findUserSession(tokenHash: Buffer): Promise<SessionTimes<UserView> | undefined> {
    const row = this.#statements.findUserSession.get(tokenHash);
    if (row === undefined) return undefined;
    const { createdAt, lastUsedAt, ...user } = row;
    return { holder: user, createdAt, lastUsedAt };
  }
  async markSessionsUsed(tokenHashes: readonly Buffer[], usedAt: string, createdAfter: string): Promise<Buffer[]> {
    return tokenHashes.filter((tokenHash) => this.#statements.markSessionUsed.run(usedAt, tokenHash, createdAfter).changes === 1);
  }
  async deleteExpiredSessions(unusedSince: string, createdBy: string): Promise<number> {
    return this.#statements.deleteExpiredSessions.run(unusedSince, createdBy).changes;
  }
  async deleteSession(tokenHash: Buffer): Promise<void> {
    this.#statements.deleteSession.run(tokenHash);
  }
  async deleteUserSessions(userId: number): Promise<void> {
    this.#statements.deleteUserSessions.run(userId);
  }
  async listCustomers(afterUsername: string, limit: number): Promise<UserView[]> {
    return this.#statements.listCustomers.all(afterUsername, limit);
  }
}
