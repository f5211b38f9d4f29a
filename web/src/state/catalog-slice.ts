import type { ProductView } from '../../../shared/protocol.ts';
import { mergeNewer } from '../../../shared/client/version-merge.ts';
import type { TallySliceCreator } from './store.ts';

export type ProductsById = Readonly<Record<number, ProductView>>;

export interface CatalogSlice {
  productsById: ProductsById;
  /** Every product id held, ascending; replaced only when the set of ids changes. */
  productIds: readonly number[];
  /** Applies each product only when its version is newer than the one held (`changes`, `catalog.sync`). */
  applyProducts: (products: readonly ProductView[]) => void;
  /** A `welcome` snapshot: products it lacks are dropped, the rest merged by the same version rule. */
  replaceCatalog: (products: readonly ProductView[]) => void;
}

/**
 * The version rule, pure: returns `held` itself when nothing is newer, so subscribers see no change.
 * Frames may arrive in any order (a `catalog.sync` result after a later `changes`), so an older
 * or equal version is ignored rather than applied.
 */
export function mergeNewerProducts(held: ProductsById, incoming: readonly ProductView[]): ProductsById {
  return mergeNewer(held, incoming, (product) => product.id);
}

/** Keeps only the ids in `snapshot`, then merges it by version. */
export function mergeSnapshot(held: ProductsById, snapshot: readonly ProductView[]): ProductsById {
  const snapshotIds = new Set(snapshot.map((product) => product.id));
  const heldIds = Object.keys(held).map(Number);
  if (heldIds.every((id) => snapshotIds.has(id))) return mergeNewerProducts(held, snapshot);
  const kept: Record<number, ProductView> = {};
  for (const id of heldIds) {
    const product = held[id];
    if (product !== undefined && snapshotIds.has(id)) kept[id] = product;
  }
  return mergeNewerProducts(kept, snapshot);
}

function sortedIds(productsById: ProductsById, previous: readonly number[]): readonly number[] {
  const ids = Object.keys(productsById)
    .map(Number)
    .sort((a, b) => a - b);
  const same = ids.length === previous.length && ids.every((id, index) => id === previous[index]);
  return same ? previous : ids;
}

export const createCatalogSlice: TallySliceCreator<CatalogSlice> = (set, get) => {
  const store = (productsById: ProductsById) => {
    if (productsById === get().productsById) return;
    set({ productsById, productIds: sortedIds(productsById, get().productIds) });
  };
  return {
    productsById: {},
    productIds: [],
    applyProducts: (products) => store(mergeNewerProducts(get().productsById, products)),
    replaceCatalog: (products) => store(mergeSnapshot(get().productsById, products)),
  };
};
