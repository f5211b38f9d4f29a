import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { accountNumberFromDraw, accountNumberProblem, cashAccountNumber } from '../../../shared/account-number.ts';
import { accountNumberDrawAttemptsMax } from '../../../shared/limits.ts';
import { openDatabase } from './database.ts';
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

    const alive = await Promise.all(adaTokens.map(async (token) => (await bank.findUserSession(token))?.holder.username ?? null));
    expect(alive).toEqual([null, null, 'ada', 'ada', 'ada']);
    // Another user's sessions are not counted against, or ended by, ada's.
    expect((await bank.findUserSession(bobToken))?.holder.username).toBe('bob');
  });

  it('marks held sessions used, except those past their absolute age, and deletes the ended ones', async () => {
    const { bank, users } = await repositoryWithUsers(['ada']);
    const ada = users[0]!;
    const [old, fresh, idle] = [randomBytes(32), randomBytes(32), randomBytes(32)];
    await bank.createSession(old, ada.id, '2026-01-01T00:00:00.000Z', 10);
    await bank.createSession(fresh, ada.id, '2026-01-01T11:00:00.000Z', 10);
    await bank.createSession(idle, ada.id, '2026-01-01T11:00:00.000Z', 10);
    const marked = await bank.markSessionsUsed([old, fresh], '2026-01-01T12:00:00.000Z', '2026-01-01T06:00:00.000Z');
    expect(marked).toEqual([fresh]);
    expect((await bank.findUserSession(fresh))?.lastUsedAt).toBe('2026-01-01T12:00:00.000Z');
    expect(await bank.deleteExpiredSessions('2026-01-01T11:30:00.000Z', '2026-01-01T06:00:00.000Z')).toBe(2);
    expect(await bank.findUserSession(old)).toBeUndefined();
    expect(await bank.findUserSession(idle)).toBeUndefined();
    expect((await bank.findUserSession(fresh))?.holder.username).toBe('ada');
  });
});

describe('account numbers', () => {
  it('draws again when the drawn number is taken', async () => {
    const draws = [42, 42, 42, 7].map(accountNumberFromDraw);
    const bank = new SqliteBankRepository(openDatabase(':memory:'), () => draws.shift()!);
    const owner = (await bank.createUser('ada', randomBytes(32), randomBytes(16), 'customer', createdAt))!;
    const first = await bank.openAccount('checking', owner.id, createdAt, 1);
    const second = await bank.openAccount('savings', owner.id, createdAt, 1);
    expect([first.number, second.number]).toEqual([accountNumberFromDraw(42), accountNumberFromDraw(7)]);
    expect(draws).toEqual([]);
  });

  it(`gives up after ${accountNumberDrawAttemptsMax} draws that are all taken, opening nothing`, async () => {
    const bank = new SqliteBankRepository(openDatabase(':memory:'), () => accountNumberFromDraw(42));
    const owner = (await bank.createUser('ada', randomBytes(32), randomBytes(16), 'customer', createdAt))!;
    await bank.openAccount('checking', owner.id, createdAt, 1);
    await expect(bank.openAccount('savings', owner.id, createdAt, 1)).rejects.toThrow(`every one of ${accountNumberDrawAttemptsMax}`);
    expect(await bank.countAccounts(owner.id)).toBe(1);
  });

  it('numbers accounts at random, each passing its check, and the cash account with its fixed number', async () => {
    const { bank, users } = await repositoryWithUsers(['ada']);
    const numbers: string[] = [];
    for (let opened = 0; opened < 200; opened += 1) numbers.push((await bank.openAccount('checking', users[0]!.id, createdAt, 1)).number);
    expect(numbers.filter((number) => accountNumberProblem(number) !== null)).toEqual([]);
    expect(new Set(numbers).size).toBe(numbers.length);
    // Sequential numbers would come out sorted; 200 random ones are sorted with odds of 1 in 200!.
    expect(numbers).not.toEqual([...numbers].sort());
    expect((await bank.cashAccount()).number).toBe(cashAccountNumber);
  });
});
