import { simulationRatePerSecondMax, simulationRatePerSecondMin, simulationRequestsInFlightMax } from '../bank/bank-ui-limits.ts';
import { describeFailure } from '../../../shared/client/request-error.ts';
import type { ProtocolClient } from '../../../shared/client/protocol-client.ts';
import type { SimulationSettings } from '../state/simulation-slice.ts';
import { applyAccountsFor, signedInUserId, type TallyStore } from '../state/store.ts';
import { chooseTransfer, simulationProblem } from './choose-transfer.ts';

/**
 * The bank seed's simulation, in the browser: random transfers at a fixed rate among the chosen
 * accounts, counted OK or FAILED in the store. At most simulationRequestsInFlightMax transfers await
 * replies; a tick that finds that many (or the tab offline) is skipped, never queued.
 */
export class BankSimulation {
  readonly #client: Pick<ProtocolClient, 'expectCommitted'>;
  readonly #store: TallyStore;
  readonly #random: () => number;
  #interval: ReturnType<typeof setInterval> | null = null;
  /** Which start() a reply belongs to: replies to an earlier run are not counted in this one. */
  #run = 0;

  constructor(client: Pick<ProtocolClient, 'expectCommitted'>, store: TallyStore, random: () => number = Math.random) {
    this.#client = client;
    this.#store = store;
    this.#random = random;
  }

  start(settings: SimulationSettings): void {
    const { ratePerSecond } = settings;
    if (!Number.isInteger(ratePerSecond) || ratePerSecond < simulationRatePerSecondMin || ratePerSecond > simulationRatePerSecondMax) {
      throw new RangeError(`ratePerSecond must be ${simulationRatePerSecondMin} … ${simulationRatePerSecondMax}, got ${ratePerSecond}`);
    }
    const problem = simulationProblem(settings);
    if (problem !== null) throw new Error(problem);
    this.stop();
    this.#run += 1;
    const run = this.#run;
    this.#store.getState().simulationStarted(settings);
    this.#interval = setInterval(() => this.#tick(run, settings), Math.round(1_000 / ratePerSecond));
  }

  stop(): void {
    if (this.#interval !== null) clearInterval(this.#interval);
    this.#interval = null;
    if (this.#store.getState().simulationRunning) this.#store.getState().simulationStopped();
  }

  #tick(run: number, settings: SimulationSettings): void {
    const state = this.#store.getState();
    if (state.connectionStatus !== 'online' || state.simulationInFlight >= simulationRequestsInFlightMax) {
      state.simulationSkipped();
      return;
    }
    const transfer = chooseTransfer(settings, this.#random);
    if (transfer === null) throw new Error('start() checked that every source has a target');
    state.simulationSent();
    const userId = signedInUserId(this.#store);
    this.#client.expectCommitted('bank.transfer', transfer).then(
      ({ result }) => {
        applyAccountsFor(this.#store, userId, result.accounts);
        this.#settled(run, { ok: true });
      },
      (error: unknown) => this.#settled(run, { ok: false, message: describeFailure(error) }),
    );
  }

  #settled(run: number, outcome: { ok: true } | { ok: false; message: string }): void {
    this.#store.getState().simulationSettled(run === this.#run ? outcome : null);
  }
}
