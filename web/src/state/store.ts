import { createStore, type StateCreator, type StoreApi } from 'zustand/vanilla';
import { createCatalogSlice, type CatalogSlice } from './catalog-slice.ts';
import { createCheckoutSlice, type CheckoutSlice } from './checkout-slice.ts';
import { createConnectionSlice, type ConnectionSlice } from './connection-slice.ts';
import { createOrdersSlice, type OrdersSlice } from './orders-slice.ts';
import { createSessionSlice, type SessionSlice } from './session-slice.ts';

/** One store built from slices; the socket client writes through their actions, components read selectors. */
export type TallyState = ConnectionSlice & CatalogSlice & SessionSlice & OrdersSlice & CheckoutSlice;
export type TallyStore = StoreApi<TallyState>;
export type TallySliceCreator<Slice> = StateCreator<TallyState, [], [], Slice>;

export function createTallyStore(): TallyStore {
  return createStore<TallyState>()((...api) => ({
    ...createConnectionSlice(...api),
    ...createCatalogSlice(...api),
    ...createSessionSlice(...api),
    ...createOrdersSlice(...api),
    ...createCheckoutSlice(...api),
  }));
}

/** The app's store. */
export const tallyStore = createTallyStore();

/** Puts a store back to its initial state (tests). */
export function resetTallyStore(store: TallyStore = tallyStore): void {
  store.setState(store.getInitialState(), true);
}
