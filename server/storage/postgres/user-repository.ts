import type { UserView } from '../../../shared/protocol.ts';
import type { StoredCredentials, UserRepository } from '../../users/user-repository.ts';
import type { SessionTimes } from '../../users/session-expiry.ts';
import type { PostgresConnection } from './connection.ts';

interface SessionRow {
  id: number;
  username: string;
  role: UserView['role'];
  createdAt: Date;
  lastUsedAt: Date;
}

/**
 * Users, their credentials and their sessions, in PostgreSQL. Answers exactly what the SQLite
 * implementation answers: times as ISO 8601 strings, usernames in byte order (COLLATE "C", as
 * SQLite's BINARY), whatever the database's default collation.
 */
export class PostgresUserRepository implements UserRepository {
  readonly #query: () => PostgresConnection;

  /** `query`: the connection to use now (the batch's reserved one inside a transaction, else the pool). */
  constructor(query: () => PostgresConnection) {
    this.#query = query;
  }

  async createUser(username: string, passwordHash: Buffer, passwordSalt: Buffer, role: UserView['role'], createdAt: string): Promise<UserView | undefined> {
    const sql = this.#query();
    // The stored row, not the arguments: a reply never confirms other text than the database holds.
    const [user] = await sql<UserView[]>`
      INSERT INTO users (username, password_hash, password_salt, role, created_at)
      VALUES (${username}, ${passwordHash}, ${passwordSalt}, ${role}, ${createdAt})
      ON CONFLICT (username) DO NOTHING RETURNING id, username, role`;
    return user;
  }

  async findCredentials(username: string): Promise<StoredCredentials | undefined> {
    const sql = this.#query();
    const [row] = await sql<Array<UserView & { passwordHash: Buffer; passwordSalt: Buffer }>>`
      SELECT id, username, role, password_hash AS "passwordHash", password_salt AS "passwordSalt"
      FROM users WHERE username = ${username}`;
    if (row === undefined) return undefined;
    return { user: { id: row.id, username: row.username, role: row.role }, passwordHash: row.passwordHash, passwordSalt: row.passwordSalt };
  }

  async hasAuditor(): Promise<boolean> {
    const sql = this.#query();
    const [row] = await sql<Array<{ found: boolean }>>`SELECT EXISTS (SELECT 1 FROM users WHERE role = 'auditor') AS found`;
    return row!.found;
  }

  /**
   * One statement: the insert and the deletion see the same snapshot, so the deletion cannot see
   * (or end) the new session and keeps the user's `sessionsMax - 1` newest others, newest by the
   * order they were added (as SQLite's rowid).
   */
  async createSession(tokenHash: Buffer, userId: number, createdAt: string, sessionsMax: number): Promise<void> {
    if (!Number.isSafeInteger(sessionsMax) || sessionsMax < 1) throw new RangeError(`sessionsMax must be a positive integer, not ${sessionsMax}`);
    const sql = this.#query();
    await sql`
      WITH created AS (
        INSERT INTO user_sessions (token_hash, user_id, created_at, last_used_at)
        VALUES (${tokenHash}, ${userId}, ${createdAt}, ${createdAt})
      )
      DELETE FROM user_sessions WHERE user_id = ${userId} AND token_hash NOT IN (
        SELECT token_hash FROM user_sessions WHERE user_id = ${userId}
        ORDER BY added_order DESC LIMIT ${sessionsMax - 1}
      )`;
  }

  async findUserSession(tokenHash: Buffer): Promise<SessionTimes<UserView> | undefined> {
    const sql = this.#query();
    const [row] = await sql<SessionRow[]>`
      SELECT u.id, u.username, u.role, s.created_at AS "createdAt", s.last_used_at AS "lastUsedAt"
      FROM user_sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ${tokenHash}`;
    if (row === undefined) return undefined;
    const { createdAt, lastUsedAt, ...user } = row;
    return { holder: user, createdAt: createdAt.toISOString(), lastUsedAt: lastUsedAt.toISOString() };
  }

  /** One statement for all of them; answers the marked ones in the order given. */
  async markSessionsUsed(tokenHashes: readonly Buffer[], usedAt: string, createdAfter: string): Promise<Buffer[]> {
    if (tokenHashes.length === 0) return [];
    const sql = this.#query();
    const marked = await sql<Array<{ tokenHash: Buffer }>>`
      UPDATE user_sessions SET last_used_at = ${usedAt}
      WHERE token_hash = ANY(${[...tokenHashes]}::bytea[]) AND created_at > ${createdAfter}
      RETURNING token_hash AS "tokenHash"`;
    const markedHex = new Set(marked.map((row) => row.tokenHash.toString('hex')));
    return tokenHashes.filter((tokenHash) => markedHex.has(tokenHash.toString('hex')));
  }

  async deleteExpiredSessions(unusedSince: string, createdBy: string): Promise<number> {
    const sql = this.#query();
    const { count } = await sql`DELETE FROM user_sessions WHERE last_used_at < ${unusedSince} OR created_at <= ${createdBy}`;
    return count;
  }

  async deleteSession(tokenHash: Buffer): Promise<void> {
    const sql = this.#query();
    await sql`DELETE FROM user_sessions WHERE token_hash = ${tokenHash}`;
  }

  async deleteUserSessions(userId: number): Promise<void> {
    const sql = this.#query();
    await sql`DELETE FROM user_sessions WHERE user_id = ${userId}`;
  }

  async listCustomers(afterUsername: string, limit: number): Promise<UserView[]> {
    const sql = this.#query();
    const customers = await sql<UserView[]>`
      SELECT id, username, role FROM users
      WHERE role = 'customer' AND username COLLATE "C" > ${afterUsername}
      ORDER BY username COLLATE "C" LIMIT ${limit}`;
    return [...customers];
  }
}
