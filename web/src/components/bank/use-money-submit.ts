import { useState } from 'react';
import type { MoneyOutcome } from '../../actions/bank-actions.ts';

/** A money form's sending state and the outcome of its last operation. */
export function useMoneySubmit() {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<MoneyOutcome | null>(null);

  async function run(operation: () => Promise<MoneyOutcome>): Promise<MoneyOutcome> {
    setBusy(true);
    setOutcome(null);
    try {
      const result = await operation();
      setOutcome(result);
      return result;
    } finally {
      setBusy(false);
    }
  }

  return { busy, outcome, run, clearOutcome: () => setOutcome(null) };
}
