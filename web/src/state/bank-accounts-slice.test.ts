import { describe, expect, it } from 'vitest';
import type { AccountKind, AccountView } from '../../../shared/protocol.ts';
import { mergeNewerAccounts, sumDepositBalancesCents } from './bank-accounts-slice.ts';
import { createTallyStore, forgetSignedInUser } from './store.ts';

function account(number: string, balanceCents: number, version: number, kind: AccountKind = 'checking', ownerUsername = 'ada'): AccountView {
  return { number, kind, ownerUsername, balanceCents, version, openedAt: '2025-11-20T09:14:03.201Z' };
}

describe('bank accounts slice', () => {
  it('applies an account only when its version is newer than the one held', () => {
    const store = createTallyStore();
    store.getState().applyAccounts([account('204815739688', 5_000, 3)]);

    store.getState().applyAccounts([account('204815739688', 9_000, 2)]);
    store.getState().applyAccounts([account('204815739688', 7_000, 3)]);
    expect(store.getState().accountsByNumber['204815739688']?.balanceCents).toBe(5_000);

    store.getState().applyAccounts([account('204815739688', 4_000, 4)]);
    expect(store.getState().accountsByNumber['204815739688']).toEqual(account('204815739688', 4_000, 4));
  });

  it('keeps frames and results arriving out of order from moving a balance backwards', () => {
    const store = createTallyStore();
    for (const [balanceCents, version] of [[100, 2], [400, 5], [200, 3], [300, 4]] as const) {
      store.getState().applyAccounts([account('204815739688', balanceCents, version)]);
    }
    expect(store.getState().accountsByNumber['204815739688']?.balanceCents).toBe(400);
    expect(store.getState().depositsTotalCents).toBe(400);
  });

  it('does not notify subscribers when nothing was newer', () => {
    const store = createTallyStore();
    store.getState().applyAccounts([account('204815739688', 5_000, 3)]);
    let notifications = 0;
    const unsubscribe = store.subscribe(() => (notifications += 1));
    store.getState().applyAccounts([account('204815739688', 5_000, 3), account('204815739688', 1, 1)]);
    unsubscribe();
    expect(notifications).toBe(0);
  });

  it('breaks a tie in opening time by number, and keeps the same array while the set of numbers stays the same', () => {
    const store = createTallyStore();
    store.getState().applyAccounts([account('935718260486', 1, 2), account('204815739688', 1, 2)]);
    const numbers = store.getState().accountNumbers;
    expect(numbers).toEqual(['204815739688', '935718260486']);
    store.getState().applyAccounts([account('935718260486', 2, 3)]);
    expect(store.getState().accountNumbers).toBe(numbers);
  });

  it('lists accounts in the order they were opened, whatever their random numbers', () => {
    const store = createTallyStore();
    const opened = (number: string, openedAt: string): AccountView => ({ ...account(number, 1, 2), openedAt });
    store.getState().applyAccounts([
      opened('482017593672', '2025-11-20T10:00:00.000Z'),
      opened('106834275937', '2025-11-21T08:00:00.000Z'),
      opened('739104628563', '2025-11-20T09:00:00.000Z'),
    ]);
    expect(store.getState().accountNumbers).toEqual(['739104628563', '482017593672', '106834275937']);
  });

  it('totals checking and savings, never loans, and a transfer leaves the total as it was', () => {
    const store = createTallyStore();
    store.getState().applyHolders([
      { username: 'ada', accounts: [account('204815739688', 10_000, 2), account('317592046862', 4_600, 3, 'loan')] },
      { username: 'grace', accounts: [account('460271839568', 2_500, 2, 'savings', 'grace')] },
    ]);
    expect(store.getState().depositsTotalCents).toBe(12_500);

    const totals: number[] = [];
    const unsubscribe = store.subscribe((state) => totals.push(state.depositsTotalCents));
    // One commit, one frame: both sides of a $12.34 transfer arrive together.
    store.getState().applyAccounts([account('204815739688', 8_766, 3), account('460271839568', 3_734, 3, 'savings', 'grace')]);
    // A stale copy of one side (e.g. a late result) changes nothing.
    store.getState().applyAccounts([account('204815739688', 10_000, 2)]);
    unsubscribe();

    expect(totals).toEqual([12_500]);
    expect(store.getState().depositsTotalCents).toBe(sumDepositBalancesCents(store.getState().accountsByNumber));
  });

  it('keeps the running total equal to the full sum over a random stream of frames', () => {
    let held = {};
    let total = 0;
    let seed = 1;
    const random = () => ((seed = (seed * 16_807) % 2_147_483_647) - 1) / 2_147_483_646;
    for (let frame = 0; frame < 500; frame += 1) {
      const number = `1000000${Math.floor(random() * 10)}`;
      const kind: AccountKind = number.endsWith('7') ? 'loan' : 'checking';
      const merged = mergeNewerAccounts(held, [account(number, Math.floor(random() * 10_000), 1 + Math.floor(random() * 50), kind)]);
      held = merged.accountsByNumber;
      total += merged.depositsDeltaCents;
      expect(total).toBe(sumDepositBalancesCents(held));
    }
  });

  it('refuses a frame that changes an account’s kind or owner', () => {
    expect(() => mergeNewerAccounts({ '204815739688': account('204815739688', 1, 2) }, [account('204815739688', 1, 3, 'loan')])).toThrow(/kind or owner/);
  });

  it('groups accounts by holder, keeps holders without accounts, and adds owners seen later', () => {
    const store = createTallyStore();
    store.getState().applyHolders([
      { username: 'grace', accounts: [account('317592046862', 1, 2, 'checking', 'grace')] },
      { username: 'ada', accounts: [] },
    ]);
    expect(store.getState().holdersLoaded).toBe(true);
    store.getState().applyAccounts([account('528306914784', 1, 2, 'savings', 'ada'), account('693047158209', 1, 2, 'checking', 'zed')]);
    expect(store.getState().holderGroups).toEqual([
      { username: 'ada', accountNumbers: ['528306914784'] },
      { username: 'grace', accountNumbers: ['317592046862'] },
      { username: 'zed', accountNumbers: ['693047158209'] },
    ]);
  });

  it('forgets everything about the user on sign-out', () => {
    const store = createTallyStore();
    store.getState().userSignedIn({ id: 2, username: 'ada', role: 'customer' });
    store.getState().applyAccounts([account('204815739688', 5_000, 2)]);
    forgetSignedInUser(store);
    const state = store.getState();
    expect([state.userStatus, state.user, state.accountNumbers, state.depositsTotalCents]).toEqual(['signedOut', null, [], 0]);
  });
});

describe('bank stats slice', () => {
  it('takes a stats frame unless it is older than the numbers held; a welcome always replaces', () => {
    const store = createTallyStore();
    const stats = (totalDepositsCents: number) => ({ totalDepositsCents, totalLoansOwedCents: 0, operationsPerSecond: 0 });
    store.getState().replaceBankStats(stats(100), 10);
    store.getState().applyBankStats(stats(50), 9);
    expect(store.getState().bankStats?.totalDepositsCents).toBe(100);
    store.getState().applyBankStats(stats(70), 12);
    expect(store.getState().bankStats?.totalDepositsCents).toBe(70);
    store.getState().replaceBankStats(stats(10), 3);
    expect(store.getState().bankStats?.totalDepositsCents).toBe(10);
  });
});
