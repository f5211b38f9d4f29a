import type { ReactNode } from 'react';
import { offlineReason } from '../state/connection-slice.ts';
import { useTally } from '../state/use-tally.ts';

/**
 * Above live figures while the tab is not online: they stopped moving and may be out of date. Gone
 * once it is back. Not a live region: the header's connection status announces the change.
 */
export function StaleNotice({ children }: { children: ReactNode }) {
  const reason = useTally((state) => offlineReason(state.connectionStatus));
  if (reason === null) return null;
  return (
    <p className="notice notice--offline notice--stale">
      <span className="notice__dot" aria-hidden="true" />
      <span>
        <strong>{reason}</strong> {children}
      </span>
    </p>
  );
}
