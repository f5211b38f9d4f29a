import { RequestError, describeFailure } from '../../../shared/client/request-error.ts';
import type { TallySliceCreator } from './store.ts';

/**
 * `connecting`: the first connection is being made. `online`: the welcome arrived and the session (if any)
 * is resumed, so requests may be sent. `reconnecting`: the connection dropped and the client is retrying
 * with backoff. `offline`: the client is closed or the browser reports no network.
 */
export type ConnectionStatus = 'connecting' | 'online' | 'reconnecting' | 'offline';

export interface ConnectionSlice {
  connectionStatus: ConnectionStatus;
  /** How many times this tab has come online; a failure to reach the server counted under an older one no longer holds. */
  onlineCount: number;
  /** The host (and port) of the Tally process of the latest welcome; null before the first. */
  serverHost: string | null;
  setConnectionStatus: (status: ConnectionStatus) => void;
  setServerHost: (host: string) => void;
}

export const createConnectionSlice: TallySliceCreator<ConnectionSlice> = (set) => ({
  connectionStatus: 'connecting',
  onlineCount: 0,
  serverHost: null,
  setServerHost: (serverHost) => set({ serverHost }),
  setConnectionStatus: (connectionStatus) =>
    set((state) => {
      const cameOnline = connectionStatus === 'online' && state.connectionStatus !== 'online';
      return { connectionStatus, onlineCount: cameOnline ? state.onlineCount + 1 : state.onlineCount };
    }),
});

/**
 * Why a control that needs the server is disabled, for the words next to it; null while online.
 * Keyed requests already sent are re-sent by the client; this is about starting new ones.
 */
export function offlineReason(status: ConnectionStatus): string | null {
  switch (status) {
    case 'online':
      return null;
    case 'connecting':
      return 'Connecting to Tally…';
    case 'reconnecting':
    case 'offline':
      return 'Offline — reconnecting…';
    default: {
      const unexpected: never = status;
      throw new Error(`unknown connection status ${JSON.stringify(unexpected)}`);
    }
  }
}

/** The client's failures that only say the server could not be reached: nothing was done, and coming back online ends them. */
const connectionFailureCodes: ReadonlySet<string> = new Set(['not_connected', 'disconnected', 'unanswered', 'connect_failed', 'timeout']);

export function isConnectionFailure(code: string): boolean {
  return connectionFailureCodes.has(code);
}

/** A failure as a form shows it. `onlineCount` is set for a connection failure: it holds only until the tab is next online. */
export interface ShownFailure {
  message: string;
  onlineCount: number | null;
}

/** `onlineCount`: the tab's count when the failure arrived. */
export function shownFailure(error: unknown, onlineCount: number): ShownFailure {
  const connection = error instanceof RequestError && isConnectionFailure(error.code);
  return { message: describeFailure(error), onlineCount: connection ? onlineCount : null };
}

/** False once a connection failure is older than the tab's latest return online: the notice must go. */
export function failureStillHolds(failure: Pick<ShownFailure, 'onlineCount'>, onlineCount: number): boolean {
  return failure.onlineCount === null || failure.onlineCount >= onlineCount;
}
