import { createContext, useContext } from 'react';
import type { BankActions } from '../../actions/bank-actions.ts';

export const BankActionsContext = createContext<BankActions | null>(null);

export function useBankActions(): BankActions {
  const actions = useContext(BankActionsContext);
  if (actions === null) throw new Error('useBankActions needs a <BankActionsContext value={...}> above it');
  return actions;
}
