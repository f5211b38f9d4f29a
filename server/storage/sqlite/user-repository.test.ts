import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './database.ts';
import { SqliteUserRepository } from './user-repository.ts';

const createdAt = '2026-11-25T12:00:00.000Z';

async function repositoryWithUsers(usernames: readonly string[]) {
  const repository = new SqliteUserRepository(openDatabase(':memory:'));
  const users = [];
  for (const username of usernames) users.push((await repository.createUser(username, randomBytes(32), randomBytes(16), 'customer', createdAt))!);
  return { repository, users };
}

describe('user sessions', () => {
  it('keeps a user’s newest sessions up to the cap and ends the oldest', async () => {
    const { repository, users } = await repositoryWithUsers(['ada', 'bob']);
    const [ada, bob] = users as [(typeof users)[0], (typeof users)[0]];
    const sessionsMax = 3;
    const bobToken = randomBytes(32);
    await repository.createSession(bobToken, bob.id, createdAt, sessionsMax);
    const adaTokens = Array.from({ length: sessionsMax + 2 }, () => randomBytes(32));
    for (const token of adaTokens) await repository.createSession(token, ada.id, createdAt, sessionsMax);

    const alive = await Promise.all(adaTokens.map(async (token) => (await repository.findUserSession(token))?.holder.username ?? null));
    expect(alive).toEqual([null, null, 'ada', 'ada', 'ada']);
    // Another user's sessions are not counted against, or ended by, ada's.
    expect((await repository.findUserSession(bobToken))?.holder.username).toBe('bob');
  });

  it('marks held sessions used, except those past their absolute age, and deletes the ended ones', async () => {
    const { repository, users } = await repositoryWithUsers(['ada']);
    const ada = users[0]!;
    const [old, fresh, idle] = [randomBytes(32), randomBytes(32), randomBytes(32)];
    await repository.createSession(old, ada.id, '2026-01-01T00:00:00.000Z', 10);
    await repository.createSession(fresh, ada.id, '2026-01-01T11:00:00.000Z', 10);
    await repository.createSession(idle, ada.id, '2026-01-01T11:00:00.000Z', 10);
    const marked = await repository.markSessionsUsed([old, fresh], '2026-01-01T12:00:00.000Z', '2026-01-01T06:00:00.000Z');
    expect(marked).toEqual([fresh]);
    expect((await repository.findUserSession(fresh))?.lastUsedAt).toBe('2026-01-01T12:00:00.000Z');
    expect(await repository.deleteExpiredSessions('2026-01-01T11:30:00.000Z', '2026-01-01T06:00:00.000Z')).toBe(2);
    expect(await repository.findUserSession(old)).toBeUndefined();
    expect(await repository.findUserSession(idle)).toBeUndefined();
    expect((await repository.findUserSession(fresh))?.holder.username).toBe('ada');
  });
});
