import { simulationRatePerSecondMax, simulationRatePerSecondMin, simulationRequestsInFlightMax } from '../bank/bank-ui-limits.ts';
import { describeFailure } from '../../../shared/client/request-error.ts';
import type { ProtocolClient } from '../../../shared/client/protocol-client.ts';
import type { AccountView } from '../../../shared/protocol.ts';
import { FrameBatch, intervalScheduler, type FrameScheduler } from '../net/frame-batch.ts';
import type { SimulationOutcome, SimulationSettings } from '../state/simulation-slice.ts';
import { applyAccountsFor, signedInUserId, type TallyStore } from '../state/store.ts';
import { chooseTransfer, simulationProblem } from './choose-transfer.ts';

/**
 * How often the store hears of the simulation. Its counts are read by people; published every
 * frame at the highest rate they repaint the tab every frame, and bench/ui-smoothness.ts measured
 * every tab (the machine's CPU is shared) at about half the frame rate it has with this. The
 * accounts the replies carry usually come sooner anyway, in the `changes` frames.
 */
export const simulationPublishIntervalMs = 100;

/** What the store hears from the simulation, held until the next publish. */
type SimulationEvent =
  | { type: 'sent' }
  | { type: 'skipped' }
  /** `outcome` null: a reply to an earlier run, which only leaves the in-flight count. */
  | { type: 'settled'; outcome: SimulationOutcome | null; userId: number | null; accounts: readonly AccountView[] };

/**
 * The bank seed's simulation, in the browser: random transfers at a fixed rate among the chosen
 * accounts, counted OK or FAILED in the store. At most simulationRequestsInFlightMax transfers await
 * replies; a tick that finds that many (or the tab offline) is skipped, never queued.
 *
 * At the highest rate ticks and replies come a hundred or more times a second; the store hears of
 * them every simulationPublishIntervalMs (counts, and the accounts the replies carried, in one task),
 * so the page renders ten times a second for them rather than once a message.
 */
export class BankSimulation {
  readonly #client: Pick<ProtocolClient, 'expectCommitted'>;
  readonly #store: TallyStore;
  readonly #random: () => number;
  readonly #events: FrameBatch<SimulationEvent>;
  #interval: ReturnType<typeof setInterval> | null = null;
  /** Which start() a reply belongs to: replies to an earlier run are not counted in this one. */
  #run = 0;
  /** Transfers awaiting replies, of every run: the cap is checked against this, not the store, which lags up to a publish. */
  #inFlight = 0;

  constructor(
    client: Pick<ProtocolClient, 'expectCommitted'>,
    store: TallyStore,
    random: () => number = Math.random,
    publishTicks: FrameScheduler = intervalScheduler(simulationPublishIntervalMs),
  ) {
    this.#client = client;
    this.#store = store;
    this.#random = random;
    this.#events = new FrameBatch((events) => this.#publish(events), publishTicks);
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
    this.#events.flushNow();
    if (this.#store.getState().simulationRunning) this.#store.getState().simulationStopped();
  }

  #tick(run: number, settings: SimulationSettings): void {
    if (this.#store.getState().connectionStatus !== 'online' || this.#inFlight >= simulationRequestsInFlightMax) {
      this.#events.push({ type: 'skipped' });
      return;
    }
    const transfer = chooseTransfer(settings, this.#random);
    if (transfer === null) throw new Error('start() checked that every source has a target');
    this.#inFlight += 1;
    this.#events.push({ type: 'sent' });
    const userId = signedInUserId(this.#store);
    this.#client.expectCommitted('bank.transfer', transfer).then(
      ({ result }) => this.#settled(run, userId, { ok: true }, result.accounts),
      (error: unknown) => this.#settled(run, userId, { ok: false, message: describeFailure(error) }, []),
    );
  }

  #settled(run: number, userId: number | null, outcome: SimulationOutcome, accounts: readonly AccountView[]): void {
    if (this.#inFlight <= 0) throw new Error('a simulated transfer settled with none in flight');
    this.#inFlight -= 1;
    this.#events.push({ type: 'settled', outcome: run === this.#run ? outcome : null, userId, accounts });
  }

  /** The events since the last publish, in order, into the store in one task; the replies' accounts in one update. */
  #publish(events: readonly SimulationEvent[]): void {
    const state = this.#store.getState();
    const accountsByUser = new Map<number | null, AccountView[]>();
    for (const event of events) {
      if (event.type === 'sent') state.simulationSent();
      else if (event.type === 'skipped') state.simulationSkipped();
      else {
        state.simulationSettled(event.outcome);
        accountsByUser.set(event.userId, [...(accountsByUser.get(event.userId) ?? []), ...event.accounts]);
      }
    }
    for (const [userId, accounts] of accountsByUser) if (accounts.length > 0) applyAccountsFor(this.#store, userId, accounts);
  }
}
