import { Mutex } from 'async-mutex';
import type { Socket } from 'node:net';
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

/** A frame's JSON, as text or (when many tabs get the same frame) encoded once as UTF-8. */
export type FrameText = string | Buffer;

/**
 * Every frame a tab is sent in one event-loop turn leaves in one write: its socket is corked at the
 * first and uncorked once the turn's work is done (its reply, a commit's changes, several commits
 * made durable by one sync), instead of one system call per frame.
 */
const corkedThisTurn = new Set<Socket>();

function uncorkAll(): void {
  for (const socket of corkedThisTurn) socket.uncork();
  corkedThisTurn.clear();
}

/** ws keeps its TCP socket private; without one (a test double), frames go out one by one. */
function tcpSocketOf(socket: WebSocket): Socket | undefined {
  return (socket as unknown as { _socket?: Socket })._socket;
}

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

  sendText(text: FrameText): void {
    if (!this.isOpen) return;
    if (this.socket.bufferedAmount > clientSendBufferBytesHardMax) {
      this.socket.close(closeCodes.slowConsumer, 'send buffer overflow: the client stopped reading');
      return;
    }
    this.#write(text);
  }

  /** Best-effort frames (stats) are skipped for a client that is behind; a later one replaces them. */
  sendIfKeepingUp(text: FrameText): void {
    if (this.isOpen && this.socket.bufferedAmount <= clientSendBufferBytesMax) this.#write(text);
  }

  #write(text: FrameText): void {
    const tcpSocket = tcpSocketOf(this.socket);
    if (tcpSocket !== undefined && !corkedThisTurn.has(tcpSocket)) {
      if (corkedThisTurn.size === 0) setImmediate(uncorkAll);
      tcpSocket.cork();
      corkedThisTurn.add(tcpSocket);
    }
    this.socket.send(text, { binary: false });
  }

  /** `frameText` is this audience's `changes` frame for the batch, serialized once. */
  deliverChanges(frameText: FrameText, seq: number, changes: VisibleChanges): void {
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
