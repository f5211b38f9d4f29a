import { dashboardIntervalMs, dashboardTapeFlushMs } from '../../shared/limits.ts';
import type { Dashboard, ResultOf } from '../../shared/protocol.ts';
import type { ClientConnection } from '../gateway/client-connection.ts';
import type { TallyLogger } from '../observability/logger.ts';
import type { BankTotalsAt, DashboardRecorder, Presence } from './dashboard-recorder.ts';

export interface DashboardFeedOptions {
  recorder: DashboardRecorder;
  /** The bank's stored totals, read between batches (so at the recorder's last commit). */
  readBankTotals: () => Promise<BankTotalsAt>;
  /** Every connected tab, for presence and for sending. */
  clients: () => Iterable<ClientConnection>;
  logger: TallyLogger;
}

const isAuditor = (client: ClientConnection) => client.user?.role === 'auditor';

/**
 * Closes a dashboard second every dashboardIntervalMs and sends it to the tabs watching: one
 * serialization for everyone and one for the auditor, who also gets the conservation check.
 * New tape events do not wait for the second to end: they go out every dashboardTapeFlushMs.
 */
export class DashboardFeed {
  readonly #options: DashboardFeedOptions;
  readonly #timer: NodeJS.Timeout;
  #ticking = false;
  #nextSecondAt = Date.now() + dashboardIntervalMs;

  constructor(options: DashboardFeedOptions) {
    this.#options = options;
    this.#timer = setInterval(() => void this.#tick(), dashboardTapeFlushMs);
    this.#timer.unref();
  }

  /** The kept window and tape; from now on the tab gets every second (same turn: nothing falls between). */
  watch(client: ClientConnection): ResultOf<'dashboard.watch'> {
    client.watchingDashboard = true;
    return { seconds: this.#options.recorder.seconds(isAuditor(client)), tape: this.#options.recorder.tape() };
  }

  unwatch(client: ClientConnection): void {
    client.watchingDashboard = false;
  }

  #flushTape(): void {
    const { tape, tapeOmitted } = this.#options.recorder.takeNewTape();
    if (tape.length === 0 && tapeOmitted === 0) return;
    const frame: Dashboard = { type: 'dashboard', second: null, tape, tapeOmitted };
    this.#send(frame, frame);
  }

  /** Serialized at most once per audience, and only when some tab of it watches. */
  #send(publicFrame: Dashboard, auditorFrame: Dashboard): void {
    let publicText: Buffer | null = null;
    let auditorText: Buffer | null = null;
    for (const client of this.#options.clients()) {
      if (!client.watchingDashboard) continue;
      if (isAuditor(client)) client.sendIfKeepingUp((auditorText ??= Buffer.from(JSON.stringify(auditorFrame))));
      else client.sendIfKeepingUp((publicText ??= Buffer.from(JSON.stringify(publicFrame))));
    }
  }

  close(): void {
    clearInterval(this.#timer);
  }

  async #tick(): Promise<void> {
    // A read that waits for a long batch must not let seconds pile up behind it.
    if (this.#ticking) return;
    if (Date.now() < this.#nextSecondAt) {
      this.#flushTape();
      return;
    }
    this.#ticking = true;
    try {
      const bank = await this.#options.readBankTotals();
      const presence: Presence = { shoppers: 0, customers: 0, auditors: 0, observers: 0 };
      for (const client of this.#options.clients()) {
        if (client.shopper !== null) presence.shoppers += 1;
        if (client.user?.role === 'customer') presence.customers += 1;
        if (client.user?.role === 'auditor') presence.auditors += 1;
        if (client.shopper === null && client.user === null) presence.observers += 1;
      }
      const now = Date.now();
      // Whole seconds from the first: a late timer shortens the next second instead of shifting them all.
      this.#nextSecondAt = Math.max(this.#nextSecondAt + dashboardIntervalMs, now + dashboardIntervalMs / 2);
      const closed = this.#options.recorder.closeSecond(now, bank, presence);
      const { tape, tapeOmitted } = this.#options.recorder.takeNewTape();
      this.#send(
        { type: 'dashboard', second: closed.publicSecond, tape, tapeOmitted },
        { type: 'dashboard', second: closed.second, tape, tapeOmitted },
      );
    } catch (error) {
      // The database closing under a last tick during shutdown is expected; anything else is logged.
      this.#options.logger.warn({ err: error }, 'dashboard second not sent');
    } finally {
      this.#ticking = false;
    }
  }
}
