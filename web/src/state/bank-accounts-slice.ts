import type { AccountHolder, AccountKind, AccountView } from '../../../shared/protocol.ts';
import { mergeNewer } from '../../../shared/client/version-merge.ts';
import type { TallySliceCreator } from './store.ts';

export type AccountsByNumber = Readonly<Record<string, AccountView>>;

/** A customer and the numbers of the accounts they own, oldest first. */
export interface HolderGroup {
  username: string;
  accountNumbers: readonly string[];
}

/**
 * The accounts this tab may see, keyed by number: a customer's own, or every customer's for the
 * auditor. Each frame's accounts are applied in one update, and the deposits total is updated in
 * that same update, so no reader ever sees half a commit.
 */
export interface BankAccountsSlice {
  accountsByNumber: AccountsByNumber;
  /** Every account number held, ascending (numbers are handed out in opening order); replaced only when the set changes. */
  accountNumbers: readonly string[];
  /** Sum of the checking and savings balances held: transfers never change it. */
  depositsTotalCents: number;
  /** The auditor's account holders (from audit.holders, plus owners of accounts seen since), by username. */
  holderGroups: readonly HolderGroup[];
  /** Whether an audit.holders snapshot arrived since the last sign-in or resume: until then the map is partial. */
  holdersLoaded: boolean;
  /** Applies each account only when its version is newer than the one held (changes, results, bank.accounts). */
  applyAccounts: (accounts: readonly AccountView[]) => void;
  /** An audit.holders snapshot: every account, merged by the same version rule, and every holder's name. */
  applyHolders: (holders: readonly AccountHolder[]) => void;
  /** The holders snapshot held is from before a reconnect; the total waits for the next one. */
  holdersOutdated: () => void;
  forgetAccounts: () => void;
}

export const isDepositKind = (kind: AccountKind): boolean => kind === 'checking' || kind === 'savings';

/** The full sum, for tests and assertions; the slice keeps it incrementally. */
export function sumDepositBalancesCents(accountsByNumber: AccountsByNumber): number {
  let total = 0;
  for (const account of Object.values(accountsByNumber)) if (isDepositKind(account.kind)) total += account.balanceCents;
  return total;
}

export interface MergedAccounts {
  /** `held` itself when nothing was newer, so subscribers see no change. */
  accountsByNumber: AccountsByNumber;
  /** How the deposits total moved. */
  depositsDeltaCents: number;
}

/** The version rule, pure. An account's kind and owner never change; a frame that says otherwise is a bug. */
export function mergeNewerAccounts(held: AccountsByNumber, incoming: readonly AccountView[]): MergedAccounts {
  let depositsDeltaCents = 0;
  const accountsByNumber = mergeNewer(held, incoming, (account) => account.number, (current, account) => {
    if (current !== undefined && (current.kind !== account.kind || current.ownerUsername !== account.ownerUsername)) {
      throw new Error(`account ${account.number} changed kind or owner between versions`);
    }
    if (isDepositKind(account.kind)) depositsDeltaCents += account.balanceCents - (current?.balanceCents ?? 0);
  });
  return { accountsByNumber, depositsDeltaCents };
}

/** Opening order: account numbers are random, so they say nothing of it; the number only breaks a tie. */
function sortedNumbers(accountsByNumber: AccountsByNumber, previous: readonly string[]): readonly string[] {
  const openedAt = (number: string) => accountsByNumber[number]!.openedAt;
  const numbers = Object.keys(accountsByNumber).sort((a, b) => compareText(openedAt(a), openedAt(b)) || compareText(a, b));
  const same = numbers.length === previous.length && numbers.every((number, index) => number === previous[index]);
  return same ? previous : numbers;
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Holders by username; each one's accounts in opening order. */
export function groupByHolder(usernames: Iterable<string>, accountNumbers: readonly string[], accountsByNumber: AccountsByNumber): HolderGroup[] {
  const groups = new Map<string, string[]>();
  for (const username of usernames) groups.set(username, []);
  for (const number of accountNumbers) {
    const owner = accountsByNumber[number]?.ownerUsername;
    if (owner === undefined) continue;
    const group = groups.get(owner) ?? [];
    group.push(number);
    groups.set(owner, group);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([username, numbers]) => ({ username, accountNumbers: numbers }));
}

export const createBankAccountsSlice: TallySliceCreator<BankAccountsSlice> = (set, get) => {
  const store = (incoming: readonly AccountView[], holderNames: readonly string[] | null) => {
    const state = get();
    const { accountsByNumber, depositsDeltaCents } = mergeNewerAccounts(state.accountsByNumber, incoming);
    if (accountsByNumber === state.accountsByNumber && holderNames === null) return;
    const accountNumbers = sortedNumbers(accountsByNumber, state.accountNumbers);
    const depositsTotalCents = state.depositsTotalCents + depositsDeltaCents;
    if (depositsTotalCents < 0) throw new Error(`the deposits total went negative: ${depositsTotalCents}`);
    const regroup = holderNames !== null || accountNumbers !== state.accountNumbers;
    const usernames = holderNames ?? state.holderGroups.map((group) => group.username);
    set({
      accountsByNumber,
      accountNumbers,
      depositsTotalCents,
      ...(regroup ? { holderGroups: groupByHolder(usernames, accountNumbers, accountsByNumber) } : {}),
      ...(holderNames !== null ? { holdersLoaded: true } : {}),
    });
  };
  return {
    accountsByNumber: {},
    accountNumbers: [],
    depositsTotalCents: 0,
    holderGroups: [],
    holdersLoaded: false,
    applyAccounts: (accounts) => store(accounts, null),
    applyHolders: (holders) =>
      store(
        holders.flatMap((holder) => holder.accounts),
        holders.map((holder) => holder.username),
      ),
    holdersOutdated: () => set({ holdersLoaded: false }),
    forgetAccounts: () => set({ accountsByNumber: {}, accountNumbers: [], depositsTotalCents: 0, holderGroups: [], holdersLoaded: false }),
  };
};
