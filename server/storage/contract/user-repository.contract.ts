import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { UserView } from '../../../shared/protocol.ts';
import type { UserRepository } from '../../users/user-repository.ts';
import { type ContractFixture, freshFixtureEachTest } from './fixture.ts';

export interface UserRepositoryFixture extends ContractFixture {
  repository: UserRepository;
}

const createdAt = '2026-11-25T12:00:00.000Z';

/** A time `minutes` after 2026-01-01T00:00Z, as the ISO 8601 text callers pass. */
function at(minutes: number): string {
  return new Date(Date.UTC(2026, 0, 1) + minutes * 60_000).toISOString();
}

async function createUsers(repository: UserRepository, usernames: readonly string[], role: UserView['role'] = 'customer'): Promise<UserView[]> {
  const users: UserView[] = [];
  for (const username of usernames) {
    const user = await repository.createUser(username, randomBytes(32), randomBytes(16), role, createdAt);
    if (user === undefined) throw new Error(`${username} already exists`);
    users.push(user);
  }
  return users;
}

async function holderName(repository: UserRepository, tokenHash: Buffer): Promise<string | null> {
  return (await repository.findUserSession(tokenHash))?.holder.username ?? null;
}

/** What every engine's UserRepository must do. */
export function userRepositoryContract(makeRepository: () => Promise<UserRepositoryFixture>): void {
  const fixture = freshFixtureEachTest(makeRepository);

  describe('users', () => {
    it('creates a user and answers the stored row; a taken username answers undefined and changes nothing', async () => {
      const { repository } = fixture();
      const [hash, salt] = [randomBytes(32), randomBytes(16)];
      const ada = await repository.createUser('ada', hash, salt, 'customer', createdAt);
      expect(ada).toEqual({ id: expect.any(Number), username: 'ada', role: 'customer' });
      expect(await repository.createUser('ada', randomBytes(32), randomBytes(16), 'auditor', createdAt)).toBeUndefined();
      const bob = await repository.createUser('bob', randomBytes(32), randomBytes(16), 'customer', createdAt);
      expect(bob!.id).toBeGreaterThan(ada!.id);
      const credentials = await repository.findCredentials('ada');
      expect(credentials).toEqual({ user: ada, passwordHash: hash, passwordSalt: salt });
      expect(Buffer.isBuffer(credentials!.passwordHash)).toBe(true);
    });

    it('finds credentials by exact username only', async () => {
      const { repository } = fixture();
      await createUsers(repository, ['ada']);
      expect(await repository.findCredentials('nobody')).toBeUndefined();
      expect(await repository.findCredentials('Ada')).toBeUndefined();
    });

    it('knows whether an auditor exists', async () => {
      const { repository } = fixture();
      await createUsers(repository, ['ada']);
      expect(await repository.hasAuditor()).toBe(false);
      await createUsers(repository, ['eve'], 'auditor');
      expect(await repository.hasAuditor()).toBe(true);
    });

    it('lists customers in byte order of username, after one (exclusive), at most `limit`, without auditors', async () => {
      const { repository } = fixture();
      await createUsers(repository, ['bob', 'Zed', 'ada', 'a_b', 'a.b', 'a-b', 'b9']);
      await createUsers(repository, ['auditor', 'Aaron'], 'auditor');
      const names = async (after: string, limit: number) => (await repository.listCustomers(after, limit)).map((user) => user.username);
      expect(await names('', 3)).toEqual(['Zed', 'a-b', 'a.b']);
      expect(await names('a.b', 10)).toEqual(['a_b', 'ada', 'b9', 'bob']);
      expect(await names('bob', 10)).toEqual([]);
      const [first] = await repository.listCustomers('', 1);
      expect(first).toEqual({ id: expect.any(Number), username: 'Zed', role: 'customer' });
    });
  });

  describe('user sessions', () => {
    it('finds a session with its holder and times; an unknown token answers undefined', async () => {
      const { repository } = fixture();
      const [ada] = await createUsers(repository, ['ada']);
      const token = randomBytes(32);
      await repository.createSession(token, ada!.id, at(0), 5);
      expect(await repository.findUserSession(token)).toEqual({ holder: ada, createdAt: at(0), lastUsedAt: at(0) });
      expect(await repository.findUserSession(randomBytes(32))).toBeUndefined();
    });

    it('refuses a token hash already in use', async () => {
      const { repository } = fixture();
      const [ada, bob] = await createUsers(repository, ['ada', 'bob']);
      const token = randomBytes(32);
      await repository.createSession(token, ada!.id, at(0), 5);
      await expect(repository.createSession(token, bob!.id, at(1), 5)).rejects.toThrow();
      expect(await holderName(repository, token)).toBe('ada');
    });

    it('keeps a user’s newest sessions up to the cap and ends the oldest, not another user’s', async () => {
      const { repository } = fixture();
      const [ada, bob] = await createUsers(repository, ['ada', 'bob']);
      const sessionsMax = 3;
      const bobToken = randomBytes(32);
      await repository.createSession(bobToken, bob!.id, at(0), sessionsMax);
      const adaTokens = Array.from({ length: sessionsMax + 2 }, () => randomBytes(32));
      for (const [index, token] of adaTokens.entries()) await repository.createSession(token, ada!.id, at(index + 1), sessionsMax);

      const alive = await Promise.all(adaTokens.map((token) => holderName(repository, token)));
      expect(alive).toEqual([null, null, 'ada', 'ada', 'ada']);
      expect(await holderName(repository, bobToken)).toBe('bob');
    });

    it('keeps the session just created and exactly the cap, even when sessions share a creation time', async () => {
      const { repository } = fixture();
      const [ada] = await createUsers(repository, ['ada']);
      const sessionsMax = 3;
      const tokens = Array.from({ length: sessionsMax + 3 }, () => randomBytes(32));
      for (const token of tokens) {
        await repository.createSession(token, ada!.id, createdAt, sessionsMax);
        expect(await holderName(repository, token)).toBe('ada');
      }
      const alive = await Promise.all(tokens.map((token) => holderName(repository, token)));
      expect(alive.filter((name) => name !== null)).toHaveLength(sessionsMax);
    });

    it('marks held sessions used, except those past their absolute age, and deletes the ended ones', async () => {
      const { repository } = fixture();
      const [ada] = await createUsers(repository, ['ada']);
      const [old, fresh, idle] = [randomBytes(32), randomBytes(32), randomBytes(32)];
      await repository.createSession(old, ada!.id, '2026-01-01T00:00:00.000Z', 10);
      await repository.createSession(fresh, ada!.id, '2026-01-01T11:00:00.000Z', 10);
      await repository.createSession(idle, ada!.id, '2026-01-01T11:00:00.000Z', 10);
      const marked = await repository.markSessionsUsed([old, fresh], '2026-01-01T12:00:00.000Z', '2026-01-01T06:00:00.000Z');
      expect(marked).toEqual([fresh]);
      expect((await repository.findUserSession(fresh))?.lastUsedAt).toBe('2026-01-01T12:00:00.000Z');
      expect((await repository.findUserSession(old))?.lastUsedAt).toBe('2026-01-01T00:00:00.000Z');
      expect(await repository.deleteExpiredSessions('2026-01-01T11:30:00.000Z', '2026-01-01T06:00:00.000Z')).toBe(2);
      expect(await repository.findUserSession(old)).toBeUndefined();
      expect(await repository.findUserSession(idle)).toBeUndefined();
      expect((await repository.findUserSession(fresh))?.holder.username).toBe('ada');
    });

    it('answers the sessions it marked in the order given, none for an empty list or unknown tokens', async () => {
      const { repository } = fixture();
      const [ada, bob] = await createUsers(repository, ['ada', 'bob']);
      const tokens = [randomBytes(32), randomBytes(32), randomBytes(32)];
      await repository.createSession(tokens[0]!, ada!.id, at(10), 10);
      await repository.createSession(tokens[1]!, bob!.id, at(10), 10);
      await repository.createSession(tokens[2]!, ada!.id, at(10), 10);
      const unknown = randomBytes(32);
      const marked = await repository.markSessionsUsed([tokens[2]!, unknown, tokens[0]!, tokens[1]!], at(20), at(5));
      expect(marked).toEqual([tokens[2], tokens[0], tokens[1]]);
      expect(await repository.markSessionsUsed([], at(30), at(5))).toEqual([]);
      // Created exactly at the cutoff: not after it, so not marked.
      expect(await repository.markSessionsUsed([tokens[0]!], at(30), at(10))).toEqual([]);
      expect((await repository.findUserSession(tokens[0]!))?.lastUsedAt).toBe(at(20));
    });

    it('deletes sessions unused since before the cutoff or created at or before the other, at their edges', async () => {
      const { repository } = fixture();
      const [ada] = await createUsers(repository, ['ada']);
      const [createdAtCutoff, usedAtCutoff, usedBefore] = [randomBytes(32), randomBytes(32), randomBytes(32)];
      await repository.createSession(createdAtCutoff, ada!.id, at(10), 10);
      await repository.createSession(usedAtCutoff, ada!.id, at(11), 10);
      await repository.createSession(usedBefore, ada!.id, at(11), 10);
      await repository.markSessionsUsed([usedAtCutoff], at(20), at(0));
      await repository.markSessionsUsed([usedBefore], at(19), at(0));
      expect(await repository.deleteExpiredSessions(at(20), at(10))).toBe(2);
      expect(await holderName(repository, createdAtCutoff)).toBeNull();
      expect(await holderName(repository, usedBefore)).toBeNull();
      expect(await holderName(repository, usedAtCutoff)).toBe('ada');
      expect(await repository.deleteExpiredSessions(at(20), at(10))).toBe(0);
    });

    it('deletes one session, or all of one user’s', async () => {
      const { repository } = fixture();
      const [ada, bob] = await createUsers(repository, ['ada', 'bob']);
      const [ada1, ada2, ada3, bob1] = [randomBytes(32), randomBytes(32), randomBytes(32), randomBytes(32)];
      for (const token of [ada1, ada2, ada3]) await repository.createSession(token, ada!.id, at(0), 10);
      await repository.createSession(bob1, bob!.id, at(0), 10);
      await repository.deleteSession(ada1);
      expect(await holderName(repository, ada1)).toBeNull();
      expect(await holderName(repository, ada2)).toBe('ada');
      await repository.deleteUserSessions(ada!.id);
      expect(await Promise.all([ada2, ada3, bob1].map((token) => holderName(repository, token)))).toEqual([null, null, 'bob']);
    });
  });
}
