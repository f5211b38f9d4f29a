import { useState } from 'react';
import type { MoneyOutcome, MoneyProgress } from '../../actions/bank-actions.ts';
import { failureStillHolds, isConnectionFailure } from '../../state/connection-slice.ts';
import { tallyStore } from '../../state/store.ts';
import { useTally } from '../../state/use-tally.ts';

/** An outcome and, for a failure to reach the bank, the tab's online count then: it goes once the tab is back. */
interface ShownOutcome {
  outcome: MoneyOutcome;
  onlineCount: number | null;
}

function shownOutcome(outcome: MoneyOutcome, onlineCount: number): ShownOutcome {
  return { outcome, onlineCount: !outcome.ok && isConnectionFailure(outcome.code) ? onlineCount : null };
}

/**
 * A money form's sending state and the outcome of its last operation. `retrying`: the connection
 * dropped while it was on its way; the client sends the same request again once reconnected, and
 * the form then shows the one real outcome. The form calls `clearOutcome` when the person edits a
 * field or a field is refused: the old OK or FAILED is about another request.
 */
export function useMoneySubmit() {
  const [busy, setBusy] = useState(false);
  const [retrying, setRetrying] = useState(false);
  const [shown, setShown] = useState<ShownOutcome | null>(null);
  const onlineCount = useTally((state) => state.onlineCount);

  async function run(operation: (progress: MoneyProgress) => Promise<MoneyOutcome>): Promise<MoneyOutcome> {
    setBusy(true);
    setRetrying(false);
    setShown(null);
    try {
      const result = await operation({ onRetrying: () => setRetrying(true) });
      setShown(shownOutcome(result, tallyStore.getState().onlineCount));
      return result;
    } finally {
      setBusy(false);
      setRetrying(false);
    }
  }

  const outcome = shown !== null && failureStillHolds(shown, onlineCount) ? shown.outcome : null;
  return { busy, retrying, outcome, run, clearOutcome: () => setShown(null) };
}
