import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ResultOf } from '../../../shared/protocol.ts';
import { simulationRequestsInFlightMax } from '../bank/bank-ui-limits.ts';
import { RequestError } from '../../../shared/client/request-error.ts';
import type { ProtocolClient } from '../../../shared/client/protocol-client.ts';
import { createTallyStore, type TallyStore } from '../state/store.ts';
import { BankSimulation, simulationPublishIntervalMs } from './bank-simulation.ts';

type Reply = { resolve: (value: { result: ResultOf<'bank.transfer'>; seq: number }) => void; reject: (error: unknown) => void };

/** A client whose transfers wait until the test answers them, so the in-flight count is the test's to set. */
function heldClient(replies: Reply[]): Pick<ProtocolClient, 'expectCommitted'> {
  return {
    expectCommitted: (() => new Promise((resolve, reject) => replies.push({ resolve, reject } as Reply))) as ProtocolClient['expectCommitted'],
  };
}

const transferResult: ResultOf<'bank.transfer'> = {
  transaction: {
    id: 1,
    kind: 'transfer',
    amountCents: 1,
    fromAccountNumber: '204815739688',
    toAccountNumber: '317592046862',
    username: 'ada',
    createdAt: '2025-11-23T09:41:27.906Z',
    seq: 1,
    requestId: 'a1b2c3-1',
    entries: [
      { accountNumber: '204815739688', amountCents: 1 },
      { accountNumber: '317592046862', amountCents: -1 },
    ],
  },
  accounts: [],
};

const account = (version: number) => ({
  number: '204815739688',
  kind: 'checking' as const,
  ownerUsername: 'ada',
  balanceCents: 100 * version,
  version,
  openedAt: '2025-11-23T09:41:27.906Z',
});

const settings = { sources: ['204815739688'], targets: ['204815739688', '317592046862'], ratePerSecond: 50 };

let store: TallyStore;
beforeEach(() => {
  vi.useFakeTimers();
  store = createTallyStore();
  store.getState().setConnectionStatus('online');
  store.getState().userSignedIn({ id: 7, username: 'ada', role: 'customer' });
});
afterEach(() => vi.useRealTimers());

describe('BankSimulation', () => {
  it('never has more than simulationRequestsInFlightMax transfers waiting: further ticks are skipped', () => {
    const replies: Reply[] = [];
    const simulation = new BankSimulation(heldClient(replies), store);
    simulation.start(settings);

    vi.advanceTimersByTime(2_000);
    simulation.stop();

    expect(replies).toHaveLength(simulationRequestsInFlightMax);
    expect(store.getState().simulationInFlight).toBe(simulationRequestsInFlightMax);
    expect(store.getState().simulationSkippedCount).toBe(100 - simulationRequestsInFlightMax);
  });

  it('tells the store once per publish, however many ticks and replies came since', async () => {
    const replies: Reply[] = [];
    const publishes: Array<() => void> = [];
    const scheduler = { request: (callback: () => void) => publishes.push(callback), cancel: () => {} };
    const simulation = new BankSimulation(heldClient(replies), store, Math.random, scheduler);
    let writes = 0;
    store.subscribe(() => (writes += 1));
    simulation.start(settings);
    const writesAtStart = writes;
    vi.advanceTimersByTime(60);
    replies[0]!.resolve({ result: { ...transferResult, accounts: [account(5)] }, seq: 1 });
    replies[1]!.resolve({ result: { ...transferResult, accounts: [account(6)] }, seq: 2 });
    await vi.advanceTimersByTimeAsync(0);
    expect(store.getState().simulationInFlight).toBe(0);
    expect(writes).toBe(writesAtStart);

    for (const publish of publishes.splice(0)) publish();

    const state = store.getState();
    expect([state.simulationInFlight, state.simulationOkCount]).toEqual([1, 2]);
    expect(state.accountsByNumber['204815739688']?.version).toBe(6);
    // Three sends, two replies and one accounts update, all in one task.
    expect(writes - writesAtStart).toBe(6);
    simulation.stop();
  });

  it('counts replies as OK or FAILED and sends again once a reply frees a slot', async () => {
    const replies: Reply[] = [];
    const simulation = new BankSimulation(heldClient(replies), store);
    simulation.start(settings);
    vi.advanceTimersByTime(1_000);

    replies[0]!.resolve({ result: transferResult, seq: 1 });
    replies[1]!.reject(new RequestError('insufficient_funds', 'Account 204815739688 holds $0.00, less than $0.01.'));
    await vi.advanceTimersByTimeAsync(simulationPublishIntervalMs);

    const state = store.getState();
    expect([state.simulationOkCount, state.simulationFailedCount]).toEqual([1, 1]);
    expect(state.simulationLastFailure).toBe('Account 204815739688 holds $0.00, less than $0.01.');
    expect(replies).toHaveLength(simulationRequestsInFlightMax + 2);
    simulation.stop();
  });

  it('skips ticks while the tab is offline', () => {
    const replies: Reply[] = [];
    const simulation = new BankSimulation(heldClient(replies), store);
    store.getState().setConnectionStatus('reconnecting');
    simulation.start(settings);
    vi.advanceTimersByTime(200);
    simulation.stop();
    expect(replies).toHaveLength(0);
    expect(store.getState().simulationSkippedCount).toBe(10);
  });

  it('stops sending on stop(), and replies to an earlier run are not counted in the next', async () => {
    const replies: Reply[] = [];
    const simulation = new BankSimulation(heldClient(replies), store);
    simulation.start(settings);
    vi.advanceTimersByTime(20);
    simulation.stop();
    vi.advanceTimersByTime(1_000);
    expect(replies).toHaveLength(1);
    expect(store.getState().simulationRunning).toBe(false);

    simulation.start({ ...settings, ratePerSecond: 1 });
    replies[0]!.resolve({ result: transferResult, seq: 1 });
    await vi.advanceTimersByTimeAsync(simulationPublishIntervalMs);
    expect(store.getState().simulationOkCount).toBe(0);
    expect(store.getState().simulationInFlight).toBe(0);
    simulation.stop();
  });

  it('refuses a rate outside its bounds and a choice of accounts that allows no transfer', () => {
    const simulation = new BankSimulation(heldClient([]), store);
    expect(() => simulation.start({ ...settings, ratePerSecond: 0 })).toThrow(RangeError);
    expect(() => simulation.start({ ...settings, ratePerSecond: 51 })).toThrow(RangeError);
    expect(() => simulation.start({ ...settings, targets: ['204815739688'] })).toThrow(/at least two accounts/);
  });
});
