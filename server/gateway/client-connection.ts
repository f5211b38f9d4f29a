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
  closeHandshakeTimeoutMs,
  clientDrainCheckIntervalMs,
  clientPendingEntitiesMax,
  clientPendingTransactionsMax,
  clientSendBufferBytesHardMax,
  clientSendBufferBytesMax,
} from '../../shared/limits.ts';
import type { ConnectionMetrics } from '../observability/metrics.ts';

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

let connectionsEverOpened = 0;

/**
 * One connected tab: its sessions, its requests in flight, and its outgoing changes.
 * A client that keeps up receives each commit batch's frame for its audience as is; one that
 * falls behind gets the latest state of what changed, conflated by entity, once its buffer drains.
 */
export class ClientConnection {
  readonly socket: WebSocket;
  /** Unique in this process, for logs and per-connection limits. */
  readonly id = ++connectionsEverOpened;
  /** The peer's IP address, for per-address limits. */
  readonly address: string;
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
  #readingPaused = false;
  #resumeReadingTimer: NodeJS.Timeout | null = null;
  #terminateTimer: NodeJS.Timeout | null = null;

  readonly #metrics: ConnectionMetrics | undefined;

  constructor(socket: WebSocket, address = 'unknown', metrics?: ConnectionMetrics) {
    this.socket = socket;
    this.address = address;
    this.#metrics = metrics;
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
      this.closeWith(closeCodes.slowConsumer, 'send buffer overflow: the client stopped reading');
      this.#metrics?.slowClientDisconnected('send_buffer_overflow');
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
      this.#metrics?.changesFrameSent(Buffer.byteLength(frameText));
      return;
    }
    this.#metrics?.changesConflated();
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
      this.closeWith(closeCodes.slowConsumer, 'too far behind: reconnect and resume');
      this.#metrics?.slowClientDisconnected('too_far_behind');
      return;
    }
    this.#scheduleDrain();
  }

  /**
   * Closes with a close frame that says why; a peer that does not finish the close handshake in
   * closeHandshakeTimeoutMs (it stopped reading, or is gone) is cut off, so its memory is freed.
   */
  closeWith(code: number, reason: string): void {
    if (this.socket.readyState === this.socket.CLOSED) return;
    if (this.socket.readyState !== this.socket.CLOSING) this.socket.close(code, reason);
    this.#terminateTimer ??= setTimeout(() => this.socket.terminate(), closeHandshakeTimeoutMs);
  }

  /**
   * After a reply, a client whose unread replies pass clientSendBufferBytesMax is not read from until
   * they drain: a client that sends requests and never reads the answers cannot make the server queue
   * more than that.
   */
  pauseReadingWhileBehind(): void {
    if (this.#readingPaused || !this.isOpen || this.socket.bufferedAmount <= clientSendBufferBytesMax) return;
    this.#readingPaused = true;
    this.socket.pause();
    this.#scheduleResumeReading();
  }

  get readingPaused(): boolean {
    return this.#readingPaused;
  }

  dispose(): void {
    if (this.#drainTimer !== null) clearTimeout(this.#drainTimer);
    if (this.#resumeReadingTimer !== null) clearTimeout(this.#resumeReadingTimer);
    if (this.#terminateTimer !== null) clearTimeout(this.#terminateTimer);
    this.#drainTimer = null;
    this.#resumeReadingTimer = null;
    this.#terminateTimer = null;
    this.#clearPending();
  }

  #scheduleResumeReading(): void {
    this.#resumeReadingTimer = setTimeout(() => {
      this.#resumeReadingTimer = null;
      if (!this.isOpen) return;
      if (this.socket.bufferedAmount > clientSendBufferBytesMax) {
        this.#scheduleResumeReading();
        return;
      }
      this.#readingPaused = false;
      this.socket.resume();
    }, clientDrainCheckIntervalMs);
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
    const text = JSON.stringify(changesFrame(this.#pendingSeq, { products, accounts, transactions }));
    this.sendText(text);
    this.#metrics?.changesFrameSent(Buffer.byteLength(text));
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
