import { describe, expect, it } from 'vitest';
import type { AccountState, MovementPlan } from '../../bank/rules.ts';
import { WriteBehindBatch } from './write-behind.ts';

const account = (id: number, number: string, balanceCents: number, version = 1): AccountState => ({
  id,
  number,
  kind: id === 1 ? 'system' : 'checking',
  ownerUserId: id === 1 ? null : id,
  ownerUsername: `owner${id}`,
  balanceCents,
  version,
  openedAt: '2026-12-01T00:00:00.000Z',
});

const transfer = (from: AccountState, to: AccountState, amountCents: number): MovementPlan => ({
  kind: 'transfer',
  amountCents,
  from,
  to,
  // A customer's account is a liability of the bank: a credit (negative posting) raises its balance.
  postings: [
    { account: from, amountCents },
    { account: to, amountCents: -amountCents },
  ],
});

const by = { id: 2, username: 'owner2' };

describe('WriteBehindBatch', () => {
  it('records a movement on held accounts and hands over the newest balances from the versions it read', () => {
    const batch = new WriteBehindBatch();
    batch.remember(account(2, 'A', 1_000));
    batch.remember(account(3, 'B', 0));
    const recorded = batch.record(transfer(batch.known('A')!, batch.known('B')!, 300), by, 'r1', '2026-12-01T00:00:01.000Z', 7, 41);
    expect(recorded.transaction).toMatchObject({ id: 41, seq: 7, requestId: 'r1', entries: [{ accountNumber: 'A', amountCents: 300 }, { accountNumber: 'B', amountCents: -300 }] });
    expect(batch.known('A')).toMatchObject({ balanceCents: 700, version: 2 });
    batch.record(transfer(batch.known('B')!, batch.known('A')!, 100), by, null, '2026-12-01T00:00:02.000Z', 7, 42);
    const writes = batch.takeWrites();
    expect(writes.accounts.map(({ state, storedVersion }) => [state.number, state.balanceCents, state.version, storedVersion])).toEqual([
      ['A', 800, 3, 1],
      ['B', 200, 3, 1],
    ]);
    expect(writes.movements.map(({ id }) => id)).toEqual([41, 42]);
    // Written: the rows are now at the newest version, so nothing is left to write.
    expect(batch.takeWrites()).toEqual({ accounts: [], movements: [], outcomes: [] });
  });

  it('refuses to record from a stale read or onto an account it does not hold', () => {
    const batch = new WriteBehindBatch();
    batch.remember(account(2, 'A', 1_000));
    const stale = account(2, 'A', 1_000);
    expect(batch.canRecord(transfer(batch.known('A')!, account(3, 'B', 0), 1))).toBe(false);
    batch.remember(account(3, 'B', 0));
    batch.record(transfer(batch.known('A')!, batch.known('B')!, 1), by, null, 'now', 1, 1);
    expect(batch.canRecord(transfer(batch.known('A')!, account(4, 'C', 0), 1))).toBe(false);
    batch.remember(account(4, 'C', 0));
    expect(batch.canRecord(transfer(stale, batch.known('C')!, 1))).toBe(false);
    expect(batch.canRecord(transfer(batch.known('A')!, batch.known('A')!, 1))).toBe(false);
    expect(batch.canRecord(transfer(batch.known('A')!, batch.known('C')!, 1))).toBe(true);
  });

  it('undoes a failed operation: its movements dropped, its accounts as before it, what came before kept', () => {
    const batch = new WriteBehindBatch();
    batch.remember(account(2, 'A', 1_000));
    batch.remember(account(3, 'B', 0));
    batch.beginOperation();
    batch.record(transfer(batch.known('A')!, batch.known('B')!, 100), by, null, 'now', 1, 1);
    batch.endOperation(true);
    batch.beginOperation();
    batch.remember(account(4, 'C', 5));
    batch.rememberAbsent('Z');
    batch.record(transfer(batch.known('A')!, batch.known('C')!, 900), by, null, 'now', 1, 2);
    batch.endOperation(false);
    expect(batch.known('A')).toMatchObject({ balanceCents: 900, version: 2 });
    // An account the operation first read is forgotten too (the batch reads it again if asked); an absence it saw still holds.
    expect(batch.known('C')).toBeUndefined();
    expect(batch.known('Z')).toBeNull();
    const writes = batch.takeWrites();
    expect(writes.movements.map(({ id }) => id)).toEqual([1]);
    expect(writes.accounts.map(({ state }) => state.number)).toEqual(['A', 'B']);
  });

  it('splits what an operation holds from what came before it, so its savepoint can still undo its own', () => {
    const batch = new WriteBehindBatch();
    batch.remember(account(2, 'A', 1_000));
    batch.remember(account(3, 'B', 0));
    batch.record(transfer(batch.known('A')!, batch.known('B')!, 100), by, null, 'now', 1, 1);
    batch.beginOperation();
    batch.record(transfer(batch.known('A')!, batch.known('B')!, 200), by, null, 'now', 1, 2);
    const before = batch.takeWritesBeforeOperation();
    expect(before.movements.map(({ id }) => id)).toEqual([1]);
    expect(before.accounts.map(({ state, storedVersion }) => [state.number, state.balanceCents, state.version, storedVersion])).toEqual([
      ['A', 900, 2, 1],
      ['B', 100, 2, 1],
    ]);
    const own = batch.takeWrites();
    expect(own.movements.map(({ id }) => id)).toEqual([2]);
    expect(own.accounts.map(({ state, storedVersion }) => [state.number, state.version, storedVersion])).toEqual([
      ['A', 3, 2],
      ['B', 3, 2],
    ]);
    // Rolled back to the savepoint: the database holds the state before the operation, and so does the batch.
    batch.endOperation(false);
    expect(batch.known('A')).toMatchObject({ balanceCents: 900, version: 2 });
    expect(batch.takeWrites()).toEqual({ accounts: [], movements: [], outcomes: [] });
    batch.record(transfer(batch.known('A')!, batch.known('B')!, 50), by, null, 'now', 1, 3);
    expect(batch.takeWrites().accounts.map(({ state, storedVersion }) => [state.number, state.version, storedVersion])).toEqual([
      ['A', 3, 2],
      ['B', 3, 2],
    ]);
  });

  it('keeps stored outcomes to be written, and answers a lookup of one from memory', () => {
    const batch = new WriteBehindBatch();
    const key = { scope: 'u2', requestId: 'r1', bodyDigest: Buffer.from('digest'), type: 'bank.transfer' };
    batch.storeOutcome(key, 9, '{"ok":true}');
    expect(batch.heldOutcome('u2', 'r1')).toEqual({ bodyDigest: key.bodyDigest, commitSeq: 9, outcomeJson: '{"ok":true}' });
    expect(batch.heldOutcome('u3', 'r1')).toBeUndefined();
    expect(batch.takeWrites().outcomes).toHaveLength(1);
  });
});
