import type { TallySliceCreator } from './store.ts';

/**
 * `connecting`: the first connection is being made. `online`: the welcome arrived and the session (if any)
 * is resumed, so requests may be sent. `reconnecting`: the connection dropped and the client is retrying
 * with backoff. `offline`: the client is closed or the browser reports no network.
 */
export type ConnectionStatus = 'connecting' | 'online' | 'reconnecting' | 'offline';

export interface ConnectionSlice {
  connectionStatus: ConnectionStatus;
  setConnectionStatus: (status: ConnectionStatus) => void;
}

export const createConnectionSlice: TallySliceCreator<ConnectionSlice> = (set) => ({
  connectionStatus: 'connecting',
  setConnectionStatus: (connectionStatus) => set({ connectionStatus }),
});
