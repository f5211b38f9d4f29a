import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { accountNumberFromDraw, accountNumberProblem, cashAccountNumber } from '../../../shared/account-number.ts';
import { accountNumberDrawAttemptsMax } from '../../../shared/limits.ts';
import { openDatabase } from './database.ts';
import { SqliteBankRepository } from './bank-repository.ts';
import { SqliteUserRepository } from './user-repository.ts';

const createdAt = '2026-11-25T12:00:00.000Z';

async function repositoryWithUsers(usernames: readonly string[]) {
  const database = openDatabase(':memory:');
  const bank = new SqliteBankRepository(database);
  const userRepository = new SqliteUserRepository(database);
  const users = [];
  for (const username of usernames) users.push((await userRepository.createUser(username, randomBytes(32), randomBytes(16), 'customer', createdAt))!);
  return { bank, users };
}

/** A customer to own accounts, in the repository's database. */
function createOwner(database: ReturnType<typeof openDatabase>, username: string) {
  return new SqliteUserRepository(database).createUser(username, randomBytes(32), randomBytes(16), 'customer', createdAt);
}

describe('account numbers', () => {
  it('draws again when the drawn number is taken', async () => {
    const draws = [42, 42, 42, 7].map(accountNumberFromDraw);
    const database = openDatabase(':memory:');
    const bank = new SqliteBankRepository(database, () => draws.shift()!);
    const owner = (await createOwner(database, 'ada'))!;
    const first = await bank.openAccount('checking', owner.id, createdAt, 1);
    const second = await bank.openAccount('savings', owner.id, createdAt, 1);
    expect([first.number, second.number]).toEqual([accountNumberFromDraw(42), accountNumberFromDraw(7)]);
    expect(draws).toEqual([]);
  });

  it(`gives up after ${accountNumberDrawAttemptsMax} draws that are all taken, opening nothing`, async () => {
    const database = openDatabase(':memory:');
    const bank = new SqliteBankRepository(database, () => accountNumberFromDraw(42));
    const owner = (await createOwner(database, 'ada'))!;
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
