import { createContext, useContext } from 'react';
import type { ShopActions } from '../actions/shop-actions.ts';

export const ShopActionsContext = createContext<ShopActions | null>(null);

export function useShopActions(): ShopActions {
  const actions = useContext(ShopActionsContext);
  if (actions === null) throw new Error('useShopActions needs a <ShopActionsContext value={...}> above it');
  return actions;
}
