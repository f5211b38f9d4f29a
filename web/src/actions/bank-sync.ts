import { resyncIntervalMs } from '../../../shared/limits.ts';
import { historyRefreshIntervalMinMs } from '../bank/bank-ui-limits.ts';
import type { TallyState, TallyStore } from '../state/store.ts';
import type { BankActions } from './bank-actions.ts';

/** The key of "a signed-in user on a live connection": it changes with every sign-in and every reconnect. */
function liveUserKey(state: TallyState): number | null {
  return state.connectionStatus === 'online' && state.userStatus === 'signedIn' ? state.userEpoch : null;
}

function warnOnFailure(what: string) {
  return (error: unknown) => console.warn(`Tally: ${what} failed; it will be retried`, error);
}

/**
 * Keeps the bank views in step with the connection and the account state, outside React:
 * - after every sign-in and every reconnect, loads them afresh (the auditor's holders first: until
 *   they arrive the account map is partial and the total is not shown);
 * - a customer's newest history page is refetched when their accounts change, at most every
 *   historyRefreshIntervalMinMs (customers get no ledger rows live);
 * - the auditor's newest history page is refetched when rows were missed (ids jumped);
 * - every resyncIntervalMs the full account state is fetched again, so a lost frame cannot last;
 * - a simulation stops when its user is signed out (here or because the token was refused).
 * Returns the function that stops all of it.
 */
export function startBankSync(store: TallyStore, actions: BankActions): () => void {
  let shownKey: number | null = null;
  let refreshTimer: ReturnType<typeof setTimeout> | null = null;
  let lastRefreshAtMs = 0;

  function loadViews(state: TallyState): void {
    if (state.user?.role === 'auditor') {
      state.holdersOutdated();
      actions.resyncAccounts().catch(warnOnFailure('loading the account holders'));
      void actions.showAuditHistory(state.auditHistory.status === 'idle' ? 'newest' : 'current');
      return;
    }
    void actions.showMyHistory(state.myHistory.status === 'idle' ? 'newest' : 'current');
  }

  function scheduleHistoryRefresh(): void {
    if (refreshTimer !== null) return;
    const delayMs = Math.max(0, lastRefreshAtMs + historyRefreshIntervalMinMs - Date.now());
    refreshTimer = setTimeout(() => {
      refreshTimer = null;
      lastRefreshAtMs = Date.now();
      const state = store.getState();
      if (liveUserKey(state) !== null && state.myHistory.beforeId === null) void actions.showMyHistory('current');
    }, delayMs);
  }

  function storeOnChange(state: TallyState, previous: TallyState): void {
    if (state.userStatus === 'signedOut' && state.simulationRunning) queueMicrotask(actions.stopSimulation);
    const key = liveUserKey(state);
    if (key !== shownKey) {
      shownKey = key;
      // After this update is done notifying: loading writes to the store itself.
      if (key !== null) queueMicrotask(() => loadViews(store.getState()));
      return;
    }
    if (key === null) return;
    if (state.user?.role === 'customer' && state.accountsByNumber !== previous.accountsByNumber) scheduleHistoryRefresh();
    if (state.auditHistoryStale && !previous.auditHistoryStale && state.auditHistory.beforeId === null) {
      queueMicrotask(() => void actions.showAuditHistory('current'));
    }
  }

  function resync(): void {
    if (liveUserKey(store.getState()) === null) return;
    actions.resyncAccounts().catch(warnOnFailure('the periodic account resync'));
  }

  const unsubscribe = store.subscribe(storeOnChange);
  const resyncInterval = setInterval(resync, resyncIntervalMs);
  return () => {
    unsubscribe();
    clearInterval(resyncInterval);
    if (refreshTimer !== null) clearTimeout(refreshTimer);
  };
}
