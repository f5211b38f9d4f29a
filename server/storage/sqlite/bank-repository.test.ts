import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../database.ts';
import { SqliteBankRepository } from './bank-repository.ts';

const createdAt = '2026-11-25T12:00:00.000Z';

async function repositoryWithUsers(usernames: readonly string[]) {
  const bank = new SqliteBankRepository(openDatabase(':memory:'));
  const users = [];
  for (const username of usernames) users.push((await bank.createUser(username, randomBytes(32), randomBytes(16), 'customer', createdAt))!);
  return { bank, users };
}

describe('user sessions', () => {
  it('keeps a user’s newest sessions up to the cap and ends the oldest', async () => {
    const { bank, users } = await repositoryWithUsers(['ada', 'bob']);
    const [ada, bob] = users as [(typeof users)[0], (typeof users)[0]];
    const sessionsMax = 3;
    const bobToken = randomBytes(32);
    await bank.createSession(bobToken, bob.id, createdAt, sessionsMax);
    const adaTokens = Array.from({ length: sessionsMax + 2 }, () => randomBytes(32));
    for (const token of adaTokens) await bank.createSession(token, ada.id, createdAt, sessionsMax);

    const alive = await Promise.all(adaTokens.map(async (token) => (await bank.findUserBySession(token))?.username ?? null));
    expect(alive).toEqual([null, null, 'ada', 'ada', 'ada']);
    // Another user's sessions are not counted against, or ended by, ada's.
    expect((await bank.findUserBySession(bobToken))?.username).toBe('bob');
  });
});
