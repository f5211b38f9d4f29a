import { dashboardIntervalMs } from '../../shared/limits.ts';
import type { Dashboard, ResultOf } from '../../shared/protocol.ts';
import type { ClientConnection } from '../gateway/client-connection.ts';
import type { BankTotalsAt, DashboardRecorder, Presence } from './dashboard-recorder.ts';

export interface DashboardFeedOptions {
  recorder: DashboardRecorder;
  /** The bank's stored totals, read between batches (so at the recorder's last commit). */
  readBankTotals: () => Promise<BankTotalsAt>;
  /** Every connected tab, for presence and for sending. */
  clients: () => Iterable<ClientConnection>;
  log: (line: string) => void;
}

const isAuditor = (client: ClientConnection) => client.user?.role === 'auditor';

/**
 * Closes a dashboard second every dashboardIntervalMs and sends it to the tabs watching: one
 * serialization for everyone and one for the auditor, who also gets the conservation check.
 */
export class DashboardFeed {
  readonly #options: DashboardFeedOptions;
  readonly #timer: NodeJS.Timeout;
  #ticking = false;

  constructor(options: DashboardFeedOptions) {
    this.#options = options;
    this.#timer = setInterval(() => void this.#tick(), dashboardIntervalMs);
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

  close(): void {
    clearInterval(this.#timer);
  }

  async #tick(): Promise<void> {
    // A read that waits for a long batch must not let seconds pile up behind it.
    if (this.#ticking) return;
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
      const closed = this.#options.recorder.closeSecond(Date.now(), bank, presence);
      let publicText: string | null = null;
      let auditorText: string | null = null;
      for (const client of this.#options.clients()) {
        if (!client.watchingDashboard) continue;
        if (isAuditor(client)) {
          auditorText ??= JSON.stringify({ type: 'dashboard', second: closed.second, tape: closed.tape, tapeOmitted: closed.tapeOmitted } satisfies Dashboard);
          client.sendIfKeepingUp(auditorText);
        } else {
          publicText ??= JSON.stringify({ type: 'dashboard', second: closed.publicSecond, tape: closed.tape, tapeOmitted: closed.tapeOmitted } satisfies Dashboard);
          client.sendIfKeepingUp(publicText);
        }
      }
    } catch (error) {
      // The database closing under a last tick during shutdown is expected; anything else is logged.
      this.#options.log(`dashboard second not sent: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.#ticking = false;
    }
  }
}
