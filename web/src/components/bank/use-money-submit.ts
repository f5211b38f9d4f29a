import { useState } from 'react';
import type { MoneyOutcome, MoneyProgress } from '../../actions/bank-actions.ts';

/**
 * A money form's sending state and the outcome of its last operation. `retrying`: the connection
 * dropped while it was on its way; the client sends the same request again once reconnected, and
 * the form then shows the one real outcome.
 */
export function useMoneySubmit() {
  const [busy, setBusy] = useState(false);
  const [retrying, setRetrying] = useState(false);
  const [outcome, setOutcome] = useState<MoneyOutcome | null>(null);

  async function run(operation: (progress: MoneyProgress) => Promise<MoneyOutcome>): Promise<MoneyOutcome> {
    setBusy(true);
    setRetrying(false);
    setOutcome(null);
    try {
      const result = await operation({ onRetrying: () => setRetrying(true) });
      setOutcome(result);
      return result;
    } finally {
      setBusy(false);
      setRetrying(false);
    }
  }

  return { busy, retrying, outcome, run, clearOutcome: () => setOutcome(null) };
}
