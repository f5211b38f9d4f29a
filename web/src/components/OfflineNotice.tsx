import { useId } from 'react';
import { offlineReason } from '../state/connection-slice.ts';
import { useTally } from '../state/use-tally.ts';

/**
 * Why the controls beside it are disabled while the tab is not online; nothing once it is. Not a live
 * region: the header's connection status already announces the change once. Point the disabled
 * controls' `aria-describedby` at `id`.
 */
export function OfflineNotice({ id }: { id: string }) {
  const reason = useTally((state) => offlineReason(state.connectionStatus));
  if (reason === null) return null;
  return (
    <p id={id} className="notice notice--offline">
      <span className="notice__dot" aria-hidden="true" />
      {reason}
    </p>
  );
}

/** True while requests may be sent. */
export function useOnline(): boolean {
  return useTally((state) => state.connectionStatus === 'online');
}

/** `aria-describedby` for a control disabled while offline: the notice's id, only while it shows. */
export function offlineDescription(online: boolean, noticeId: string): string | undefined {
  return online ? undefined : noticeId;
}

/**
 * A form's submit button that cannot send while the tab is offline, with the notice saying why
 * just above it (and named by the button's `aria-describedby` while it shows).
 */
export function OfflineAwareSubmit({ busy, label, busyLabel }: { busy: boolean; label: string; busyLabel: string }) {
  const online = useOnline();
  const offlineId = useId();
  return (
    <>
      <OfflineNotice id={offlineId} />
      <button type="submit" className="button button--primary button--block" disabled={busy || !online} aria-describedby={offlineDescription(online, offlineId)}>
        {busy ? busyLabel : label}
      </button>
    </>
  );
}
