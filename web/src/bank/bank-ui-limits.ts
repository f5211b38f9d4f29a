import { clientRequestsInFlightMax, historyPageMax } from '../../../shared/limits.ts';

/**
 * The bank pages' own limits, each named with its unit. Protocol limits live in shared/limits.ts;
 * these only bound what this SPA asks for and how fast.
 */

/** Transactions shown per history page (the `limit` sent with bank.history and audit.history). */
export const historyPageSize = 20;

/** A history refresh caused by account changes waits at least this long after the previous one. */
export const historyRefreshIntervalMinMs = 300;

/** The browser simulation's rate, in transfers per second. */
export const simulationRatePerSecondMin = 1;
export const simulationRatePerSecondMax = 50;
export const simulationRatePerSecondDefault = 10;

/**
 * Transfers the simulation may have awaiting replies; a tick that finds this many is skipped. Well
 * below clientRequestsInFlightMax, so the tab's other requests (history, pings) still get through.
 */
export const simulationRequestsInFlightMax = 8;

/** Each simulated transfer moves 1 … this many cents. */
export const simulationAmountCentsMax = 500;

/** Other customers' account numbers the simulation form accepts. */
export const simulationOtherAccountsMax = 20;

if (historyPageSize > historyPageMax) throw new Error('historyPageSize must not pass historyPageMax');
if (simulationRequestsInFlightMax * 2 > clientRequestsInFlightMax) {
  throw new Error('simulationRequestsInFlightMax must leave room for the tab’s other requests');
}
