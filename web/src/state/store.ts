import { createStore, type StateCreator, type StoreApi } from 'zustand/vanilla';
import type { AccountView } from '../../../shared/protocol.ts';
import { createAuditSlice, type AuditSlice } from './audit-slice.ts';
import { createBankAccountsSlice, type BankAccountsSlice } from './bank-accounts-slice.ts';
import { createBankHistorySlice, type BankHistorySlice } from './bank-history-slice.ts';
import { createBankStatsSlice, type BankStatsSlice } from './bank-stats-slice.ts';
import { createBankUserSlice, type BankUserSlice } from './bank-user-slice.ts';
import { createCatalogSlice, type CatalogSlice } from './catalog-slice.ts';
import { createCheckoutSlice, type CheckoutSlice } from './checkout-slice.ts';
import { createConnectionSlice, type ConnectionSlice } from './connection-slice.ts';
import { createDashboardSlice, type DashboardSlice } from './dashboard-slice.ts';
import { createOrdersSlice, type OrdersSlice } from './orders-slice.ts';
import { createSessionSlice, type SessionSlice } from './session-slice.ts';
import { createSimulationSlice, type SimulationSlice } from './simulation-slice.ts';

/** One store built from slices; the socket client writes through their actions, components read selectors. */
export type TallyState = ConnectionSlice &
  CatalogSlice &
  SessionSlice &
  OrdersSlice &
  CheckoutSlice &
  BankStatsSlice &
  BankUserSlice &
  BankAccountsSlice &
  BankHistorySlice &
  AuditSlice &
  SimulationSlice &
  DashboardSlice;
export type TallyStore = StoreApi<TallyState>;
export type TallySliceCreator<Slice> = StateCreator<TallyState, [], [], Slice>;

export function createTallyStore(): TallyStore {
  return createStore<TallyState>()((...api) => ({
    ...createConnectionSlice(...api),
    ...createCatalogSlice(...api),
    ...createSessionSlice(...api),
    ...createOrdersSlice(...api),
    ...createCheckoutSlice(...api),
    ...createBankStatsSlice(...api),
    ...createBankUserSlice(...api),
    ...createBankAccountsSlice(...api),
    ...createBankHistorySlice(...api),
    ...createAuditSlice(...api),
    ...createSimulationSlice(...api),
    ...createDashboardSlice(...api),
  }));
}

/** The app's store. */
export const tallyStore = createTallyStore();

/** Puts a store back to its initial state (tests). */
export function resetTallyStore(store: TallyStore = tallyStore): void {
  store.setState(store.getInitialState(), true);
}

/** Everything the bank pages hold about the signed-in user, dropped when they sign out (or their token is refused). */
export function forgetSignedInUser(store: TallyStore): void {
  const state = store.getState();
  state.userSignedOut();
  state.forgetAccounts();
  state.forgetMyHistory();
  state.forgetAudit();
}

/** The signed-in user's id, or null: replies are applied only while the user they were asked for is still signed in. */
export function signedInUserId(store: TallyStore): number | null {
  return store.getState().user?.id ?? null;
}

/** Applies accounts from a reply to a request made for `userId`, unless that user has signed out since. */
export function applyAccountsFor(store: TallyStore, userId: number | null, accounts: readonly AccountView[]): void {
  if (userId === null || signedInUserId(store) !== userId) return;
  store.getState().applyAccounts(accounts);
}
