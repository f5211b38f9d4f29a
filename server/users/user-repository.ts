import type { UserView } from '../../shared/protocol.ts';
import type { SessionTimes } from './session-expiry.ts';

export interface StoredCredentials {
  user: UserView;
  passwordHash: Buffer;
  passwordSalt: Buffer;
}

/** Users, credentials and user sessions inside a unit of work; asynchronous so every storage engine can implement it. */
export interface UserRepository {
  createUser(username: string, passwordHash: Buffer, passwordSalt: Buffer, role: UserView['role'], createdAt: string): Promise<UserView | undefined>;
  findCredentials(username: string): Promise<StoredCredentials | undefined>;
  hasAuditor(): Promise<boolean>;
  /** Stores a session and ends the user's oldest ones beyond `sessionsMax`. */
  createSession(tokenHash: Buffer, userId: number, createdAt: string, sessionsMax: number): Promise<void>;
  findUserSession(tokenHash: Buffer): Promise<SessionTimes<UserView> | undefined>;
  /** Marks these sessions used at `usedAt`, those created after `createdAfter`; answers the ones it marked. */
  markSessionsUsed(tokenHashes: readonly Buffer[], usedAt: string, createdAfter: string): Promise<Buffer[]>;
  /** Deletes sessions last used before `unusedSince` or created at or before `createdBy`; answers how many. */
  deleteExpiredSessions(unusedSince: string, createdBy: string): Promise<number>;
  deleteSession(tokenHash: Buffer): Promise<void>;
  deleteUserSessions(userId: number): Promise<void>;
  /** Customers in username order, after `afterUsername` (exclusive), at most `limit`. */
  listCustomers(afterUsername: string, limit: number): Promise<UserView[]>;
}
