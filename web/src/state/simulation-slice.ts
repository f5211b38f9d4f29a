import type { TallySliceCreator } from './store.ts';

/** What the running (or last) simulation is doing, for the panel to show. */
export interface SimulationSettings {
  sources: readonly string[];
  targets: readonly string[];
  ratePerSecond: number;
}

export type SimulationOutcome = { ok: true } | { ok: false; message: string };

export interface SimulationSlice {
  simulationRunning: boolean;
  simulationSettings: SimulationSettings | null;
  simulationOkCount: number;
  /** Refusals (insufficient funds included) and requests that failed. */
  simulationFailedCount: number;
  /** Ticks skipped because the in-flight cap was reached or the tab was offline. */
  simulationSkippedCount: number;
  simulationInFlight: number;
  simulationLastFailure: string | null;
  simulationStarted: (settings: SimulationSettings) => void;
  simulationStopped: () => void;
  simulationSent: () => void;
  simulationSkipped: () => void;
  /** A transfer's reply; null for one sent by an earlier run, which only leaves the in-flight count. */
  simulationSettled: (outcome: SimulationOutcome | null) => void;
}

export const createSimulationSlice: TallySliceCreator<SimulationSlice> = (set, get) => ({
  simulationRunning: false,
  simulationSettings: null,
  simulationOkCount: 0,
  simulationFailedCount: 0,
  simulationSkippedCount: 0,
  simulationInFlight: 0,
  simulationLastFailure: null,
  simulationStarted: (simulationSettings) =>
    set({
      simulationRunning: true,
      simulationSettings,
      simulationOkCount: 0,
      simulationFailedCount: 0,
      simulationSkippedCount: 0,
      simulationLastFailure: null,
    }),
  simulationStopped: () => set({ simulationRunning: false }),
  simulationSent: () => set({ simulationInFlight: get().simulationInFlight + 1 }),
  simulationSkipped: () => set({ simulationSkippedCount: get().simulationSkippedCount + 1 }),
  simulationSettled: (outcome) => {
    const state = get();
    if (state.simulationInFlight <= 0) throw new Error('a simulated transfer settled with none in flight');
    const simulationInFlight = state.simulationInFlight - 1;
    if (outcome === null) return set({ simulationInFlight });
    if (outcome.ok) return set({ simulationInFlight, simulationOkCount: state.simulationOkCount + 1 });
    set({ simulationInFlight, simulationFailedCount: state.simulationFailedCount + 1, simulationLastFailure: outcome.message });
  },
});
