import type { OrderView } from '../../../shared/protocol.ts';
import type { TallySliceCreator } from './store.ts';

export interface OrdersSlice {
  /** Newest first. */
  orders: readonly OrderView[];
  ordersLoaded: boolean;
  setOrders: (orders: readonly OrderView[]) => void;
  addOrder: (order: OrderView) => void;
  forgetOrders: () => void;
}

function newestFirst(orders: readonly OrderView[]): readonly OrderView[] {
  const byNumber = new Map(orders.map((order) => [order.orderNumber, order]));
  return [...byNumber.values()].sort((a, b) => b.orderNumber - a.orderNumber);
}

export const createOrdersSlice: TallySliceCreator<OrdersSlice> = (set, get) => ({
  orders: [],
  ordersLoaded: false,
  // An order confirmed while the list was loading must not vanish, so a loaded list is merged.
  setOrders: (orders) => set({ orders: newestFirst([...get().orders, ...orders]), ordersLoaded: true }),
  addOrder: (order) => set({ orders: newestFirst([order, ...get().orders]) }),
  forgetOrders: () => set({ orders: [], ordersLoaded: false }),
});
