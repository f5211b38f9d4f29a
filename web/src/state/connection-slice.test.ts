import { describe, expect, it } from 'vitest';
import { RequestError } from '../../../shared/client/request-error.ts';
import { failureStillHolds, offlineReason, shownFailure } from './connection-slice.ts';
import { createTallyStore } from './store.ts';

describe('connection slice', () => {
  it('counts each return online, not each status report', () => {
    const store = createTallyStore();
    const statuses = ['online', 'online', 'reconnecting', 'reconnecting', 'online', 'offline', 'online'] as const;
    for (const status of statuses) store.getState().setConnectionStatus(status);
    expect(store.getState().onlineCount).toBe(3);
  });

  it('says why controls are disabled only while not online', () => {
    expect(offlineReason('online')).toBeNull();
    expect(offlineReason('reconnecting')).toBe('Offline — reconnecting…');
    expect(offlineReason('offline')).toBe('Offline — reconnecting…');
    expect(offlineReason('connecting')).toBe('Connecting to Tally…');
  });

  it('drops a "not connected" failure once the tab is back online, and keeps the server’s refusals', () => {
    const notConnected = shownFailure(RequestError.fromClient('not_connected'), 2);
    expect(failureStillHolds(notConnected, 2)).toBe(true);
    expect(failureStillHolds(notConnected, 3)).toBe(false);

    const refused = shownFailure(new RequestError('insufficient_stock', 'Only 1 of Mug left.'), 2);
    expect(refused.message).toBe('Only 1 of Mug left.');
    expect(failureStillHolds(refused, 9)).toBe(true);
  });
});
