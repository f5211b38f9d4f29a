import { useState } from 'react';
import { failureStillHolds, shownFailure, type ShownFailure } from '../state/connection-slice.ts';
import { tallyStore } from '../state/store.ts';
import { useTally } from '../state/use-tally.ts';

/**
 * The failure a control shows next to itself. A "not connected" failure disappears by itself once the
 * tab is online again: it said only that nothing was sent, and that no longer holds.
 */
export function useShownFailure() {
  const [failure, setFailure] = useState<ShownFailure | null>(null);
  const onlineCount = useTally((state) => state.onlineCount);
  const message = failure !== null && failureStillHolds(failure, onlineCount) ? failure.message : null;
  return {
    message,
    /** Shows why `error` happened; read the count now, not from the render that started the request. */
    show: (error: unknown) => setFailure(shownFailure(error, tallyStore.getState().onlineCount)),
    clear: () => setFailure(null),
  };
}
