import type { ConnectionStatus } from '../state/connection-slice.ts';
import { useTally } from '../state/use-tally.ts';

const statusLabels: Record<ConnectionStatus, string> = {
  connecting: 'Connecting…',
  online: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

export function ConnectionIndicator() {
  const status = useTally((state) => state.connectionStatus);
  const host = useTally((state) => state.serverHost);
  return (
    <p role="status" aria-label="Connection" className={`connection connection--${status}`} title={host === null ? undefined : `Server: ${host}`}>
      <span className="connection__dot" aria-hidden="true" />
      {statusLabels[status]}
    </p>
  );
}
