import { Mutex } from 'async-mutex';
import type { WebSocket } from 'ws';
import {
  closeCodes,
  type AccountView,
  type ProductView,
  type ServerMessage,
  type ShopperView,
  type TransactionView,
  type UserView,
} from '../../shared/protocol.ts';
import {
  clientDrainCheckIntervalMs,
  clientPendingEntitiesMax,
  clientPendingTransactionsMax,
  clientSendBufferBytesHardMax,
  clientSendBufferBytesMax,
} from '../../shared/limits.ts';

/** The part of a commit's changes one tab may see. */
export interface VisibleChanges {
  products: ProductView[];
  accounts: AccountView[];
  transactions: TransactionView[];
}

/**
 * One connected tab: its sessions, its requests in flight, and its outgoing changes.
 * A client that keeps up receives each commit batch's frame for its audience as is; one that
 * falls behind gets the latest state of what changed, conflated by entity, once its buffer drains.
 */
export class ClientConnection {
  readonly socket: WebSocket;
  shopper: ShopperView | null = null;
  user: UserView | null = null;
  /**
   * Who the tab is may change only one request at a time: two sign-ins (or shopper starts) sent
   * together would otherwise both pass the "not yet signed in" check and the second would win.
   */
  readonly shopperChange = new Mutex();
  readonly userChange = new Mutex();
  /** Kept so `auth.signOut` can end exactly this tab's session. */
  userSessionToken: string | null = null;
  requestsInFlight = 0;
  isAlive = true;
  /** Set by `dashboard.watch`: the tab gets a `dashboard` frame every second. */
  watchingDashboard = false;
  readonly #pendingProducts = new Map<number, ProductView>();
  readonly #pendingAccounts = new Map<string, AccountView>();
  #pendingTransactions: TransactionView[] = [];
  #pendingSeq = 0;
  #drainTimer: NodeJS.Timeout | null = null;

  constructor(socket: WebSocket) {
    this.socket = socket;
  }

  get isOpen(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  /** Tabs with the same audience see the same changes, so their frame is serialized once. */
  get audience(): string {
    if (this.user === null) return 'public';
    return this.user.role === 'auditor' ? 'auditor' : `user:${this.user.id}`;
  }

  send(message: ServerMessage): void {
    this.sendText(JSON.stringify(message));
  }

  sendText(text: string): void {
    if (!this.isOpen) return;
    if (this.socket.bufferedAmount > clientSendBufferBytesHardMax) {
      this.socket.close(closeCodes.slowConsumer, 'send buffer overflow: the client stopped reading');
      return;
    }
    this.socket.send(text);
  }

  /** Best-effort frames (stats) are skipped for a client that is behind; a later one replaces them. */
  sendIfKeepingUp(text: string): void {
    if (this.isOpen && this.socket.bufferedAmount <= clientSendBufferBytesMax) this.socket.send(text);
  }

  /** `frameText` is this audience's `changes` frame for the batch, serialized once. */
  deliverChanges(frameText: string, seq: number, changes: VisibleChanges): void {
    if (!this.isOpen) return;
    if (!this.#hasPending() && this.socket.bufferedAmount <= clientSendBufferBytesMax) {
      this.sendText(frameText);
      return;
    }
    for (const product of changes.products) this.#pendingProducts.set(product.id, product);
    for (const account of changes.accounts) this.#pendingAccounts.set(account.number, account);
    this.#pendingTransactions.push(...changes.transactions);
    this.#pendingSeq = seq;
    // Ledger rows cannot be conflated and none may be dropped: a tab this far behind is better off
    // reconnecting and resuming from the position it last applied (sync.resume), which has no gap.
    if (
      this.#pendingTransactions.length > clientPendingTransactionsMax ||
      this.#pendingProducts.size + this.#pendingAccounts.size > clientPendingEntitiesMax
    ) {
      this.#clearPending();
      this.socket.close(closeCodes.slowConsumer, 'too far behind: reconnect and resume');
      return;
    }
    this.#scheduleDrain();
  }

  dispose(): void {
    if (this.#drainTimer !== null) clearTimeout(this.#drainTimer);
    this.#drainTimer = null;
    this.#clearPending();
  }

  #hasPending(): boolean {
    return this.#pendingProducts.size + this.#pendingAccounts.size + this.#pendingTransactions.length > 0;
  }

  #clearPending(): void {
    this.#pendingProducts.clear();
    this.#pendingAccounts.clear();
    this.#pendingTransactions = [];
  }

  #scheduleDrain(): void {
    if (this.#drainTimer !== null) return;
    this.#drainTimer = setTimeout(() => {
      this.#drainTimer = null;
      this.#drain();
    }, clientDrainCheckIntervalMs);
  }

  #drain(): void {
    if (!this.isOpen || !this.#hasPending()) return;
    if (this.socket.bufferedAmount > clientSendBufferBytesMax) {
      this.#scheduleDrain();
      return;
    }
    const products = [...this.#pendingProducts.values()];
    const accounts = [...this.#pendingAccounts.values()];
    const transactions = this.#pendingTransactions;
    this.#clearPending();
    this.send(changesFrame(this.#pendingSeq, { products, accounts, transactions }));
  }
}

/** A `changes` frame; empty lists are left out. */
export function changesFrame(seq: number, changes: VisibleChanges): ServerMessage {
  return {
    type: 'changes',
    seq,
    products: changes.products,
    ...(changes.accounts.length > 0 ? { accounts: changes.accounts } : {}),
    ...(changes.transactions.length > 0 ? { transactions: changes.transactions } : {}),
  };
}
