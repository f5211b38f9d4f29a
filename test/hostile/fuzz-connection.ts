import WebSocket from 'ws';
import { clientRequestsInFlightMax, requestTimeoutMs } from '../../shared/limits.ts';
import {
  type ClientMessageType,
  type ErrorMessage,
  type RequestFields,
  type Result,
  ServerMessage,
} from '../../shared/protocol.ts';
import type { FuzzFrame } from './frame-arbitraries.ts';
import { jsonText, type SendContext } from './hostile-json.ts';
import type { Identity } from './identities.ts';
import { type Expectation, expectationOf, problemWithReply } from './reply-oracle.ts';

export type Reply = Result | ErrorMessage;

/** Told of every reply that answered a valid request as the protocol allows. */
export type ReplyListener = (type: ClientMessageType, reply: Reply) => void;

interface InFlight {
  expectation: Expectation;
  summary: string;
  /** Only for the connection's own set-up requests. */
  resolve?: (reply: Reply) => void;
  /** Set when the socket closed before the reply came. */
  lost?: boolean;
}

export interface FuzzConnectionOptions {
  url: string;
  label: string;
  identity: Identity;
  onReply: ReplyListener;
  /**
   * Documented close codes the server may send this connection because of what another connection
   * did (e.g. signedOut, when another tab signs its session out). Any other close no frame called for
   * fails the run.
   */
  closeCodesFromElsewhere: ReadonlySet<number>;
}

const closeTimeoutMs = 5_000;
const summaryChars = 300;

/**
 * One raw WebSocket that sends hostile frames, many in flight (never more than
 * clientRequestsInFlightMax), and holds every reply to what the protocol allows for its frame.
 * A frame that must close the socket is sent alone; the connection then reconnects and becomes its
 * identity again (a new connection starts anonymous). The first broken rule is kept in `failure`
 * and stops the sender.
 */
export class FuzzConnection {
  readonly label: string;
  readonly identity: Identity;
  framesSent = 0;
  /** Fuzzed frames whose reply was what the protocol allows (set-up requests are not counted). */
  repliesChecked = 0;
  /** Closes that a frame called for (too large, not UTF-8), by code. */
  readonly closeCodesCalledFor: number[] = [];
  /** Closes caused elsewhere (closeCodesFromElsewhere), each ending the frames then in flight unanswered. */
  readonly closeCodesFromElsewhere: number[] = [];
  framesLostToClose = 0;
  /** The requestIds of valid frames lost to such a close: whether they took effect is unknown. */
  readonly requestIdsUnanswered = new Set<string>();
  /** Types whose valid frames got past the edge: a result or a documented refusal. */
  readonly typesAnswered = new Set<ClientMessageType>();
  failure: Error | null = null;
  readonly #url: string;
  readonly #onReply: ReplyListener;
  readonly #closesAllowed: ReadonlySet<number>;
  readonly #keyPrefix: string;
  #keyCounter = 0;
  #cartTotalCents = 0;
  #socket: WebSocket | null = null;
  readonly #pending = new Map<string, InFlight>();
  /** Frames whose answer has no requestId: refused at once, in the order they came. */
  readonly #unnamed: InFlight[] = [];
  #waiters: Array<() => void> = [];
  #onWelcome: (() => void) | null = null;
  #onExpectedClose: ((code: number) => void) | null = null;
  readonly #context: SendContext;

  private constructor({ url, label, identity, onReply, closeCodesFromElsewhere }: FuzzConnectionOptions) {
    this.#url = url;
    this.label = label;
    this.identity = identity;
    this.#onReply = onReply;
    this.#closesAllowed = closeCodesFromElsewhere;
    this.#keyPrefix = `fz-${label}`;
    const connection = this;
    this.#context = {
      freshRequestId: () => `${connection.#keyPrefix}-${(connection.#keyCounter += 1)}`,
      get cartTotalCents() {
        return connection.#cartTotalCents;
      },
    };
  }

  static async open(options: FuzzConnectionOptions): Promise<FuzzConnection> {
    const connection = new FuzzConnection(options);
    await connection.#connect();
    return connection;
  }

  /** A well-formed request of the connection's own (setting up who it is), checked like any other. */
  async call<Type extends ClientMessageType>(type: Type, fields: RequestFields<Type>): Promise<Reply> {
    const bytes = Buffer.from(JSON.stringify({ type, requestId: this.#context.freshRequestId(), ...fields }));
    const expectation = expectationOf(bytes, false);
    if (expectation.kind !== 'answered') throw new Error(`${this.label}: its own ${type} is not a valid request`);
    await this.#until(() => this.#inFlightCount() < clientRequestsInFlightMax, `sending ${type}`);
    if (this.#socket === null) throw new Error(`${this.label}: the socket closed while ${type} waited to be sent`);
    let reply: Reply | undefined;
    const entry: InFlight = { expectation, summary: `${type} (set-up)`, resolve: (answer) => (reply = answer) };
    this.#track(entry);
    this.#socket!.send(bytes, { binary: false });
    await this.#until(() => reply !== undefined || entry.lost === true, `awaiting the answer to ${type}`);
    if (reply === undefined) throw new Error(`${this.label}: the socket closed before ${type} was answered`);
    return reply;
  }

  /** Sends one fuzzed frame once there is room; resolves when sent (or, for a closing frame, reconnected). */
  async send(frame: FuzzFrame): Promise<void> {
    if (this.#socket === null) await this.#connect();
    await this.#until(() => this.#inFlightCount() < clientRequestsInFlightMax, 'waiting for room in flight');
    const { bytes, binary } = this.#encode(frame);
    const expectation = expectationOf(bytes, binary);
    const summary = summarize(frame, bytes, binary);
    this.framesSent += 1;
    if (expectation.kind === 'close') {
      await this.#sendClosing(bytes, binary, expectation, summary);
      return;
    }
    // Two frames with one readable requestId are never in flight together, so each reply has one frame.
    const requestId = expectation.requestId;
    if (requestId !== null) await this.#until(() => !this.#pending.has(requestId), `waiting for ${requestId} to be answered`);
    // A close caused elsewhere may have come while waiting: a fresh socket has nothing in flight.
    if (this.#socket === null) await this.#connect();
    this.#track({ expectation, summary });
    this.#socket!.send(bytes, { binary });
  }

  /** Resolves once every frame sent has been answered. */
  drain(): Promise<void> {
    return this.#until(() => this.#inFlightCount() === 0, 'draining');
  }

  /** A fresh socket, made its identity again (a round starts from a known state). */
  async reconnect(): Promise<void> {
    await this.drain();
    await this.#closeSocket();
    await this.#connect();
  }

  async close(): Promise<void> {
    await this.#closeSocket();
  }

  throwIfFailed(): void {
    if (this.failure !== null) throw this.failure;
  }

  // -------------------------------------------------------------------------------------

  async #connect(): Promise<void> {
    const socket = new WebSocket(this.#url, { perMessageDeflate: false });
    this.#socket = socket;
    const welcomed = new Promise<void>((resolve, reject) => {
      this.#onWelcome = resolve;
      socket.once('close', (code) => reject(new Error(`${this.label}: closed (${code}) before its welcome`)));
    });
    socket.on('message', (data, isBinary) => this.#socketOnMessage(socket, String(data), isBinary));
    socket.on('close', (code) => this.#socketOnClose(socket, code));
    socket.on('error', (error) => this.#fail(`${this.label}: socket error: ${error.message}`));
    await welcomed;
    await this.identity.establish(this);
  }

  async #closeSocket(): Promise<void> {
    const socket = this.#socket;
    if (socket === null || socket.readyState === WebSocket.CLOSED) return;
    this.#socket = null;
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.close();
    await closed;
  }

  async #sendClosing(bytes: Buffer, binary: boolean, expectation: Extract<Expectation, { kind: 'close' }>, summary: string): Promise<void> {
    await this.drain();
    if (this.#socket === null) await this.#connect();
    const closed = new Promise<number>((resolve) => (this.#onExpectedClose = resolve));
    this.#socket!.send(bytes, { binary });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<number>((resolve) => (timer = setTimeout(() => resolve(-1), closeTimeoutMs)));
    const code = await Promise.race([closed, timeout]);
    clearTimeout(timer);
    this.#onExpectedClose = null;
    if (code !== expectation.code) {
      const seen = code === -1 ? `no close within ${closeTimeoutMs} ms` : `close code ${code}`;
      this.#fail(`${this.label} (${this.identity.role}): expected close ${expectation.code} (${expectation.why}), got ${seen}\n  frame: ${summary}`);
    }
    this.throwIfFailed();
    this.closeCodesCalledFor.push(code);
    this.#socket = null;
    await this.#connect();
  }

  #socketOnMessage(socket: WebSocket, text: string, isBinary: boolean): void {
    if (socket !== this.#socket) return;
    if (isBinary) return this.#fail(`${this.label}: the server sent a binary frame`);
    let message: ServerMessage;
    try {
      message = ServerMessage.parse(JSON.parse(text));
    } catch (error) {
      return this.#fail(`${this.label}: the server sent a frame the protocol does not describe: ${text.slice(0, summaryChars)}\n  ${String(error).slice(0, summaryChars)}`);
    }
    if (message.type === 'welcome') {
      if (this.#onWelcome === null) return this.#fail(`${this.label}: a second welcome on one connection`);
      this.#onWelcome();
      this.#onWelcome = null;
      return;
    }
    if (message.type === 'result' || message.type === 'error') this.#settle(message, text);
  }

  #settle(reply: Reply, text: string): void {
    const entry = reply.requestId === null ? this.#takeUnnamed(reply) : this.#pending.get(reply.requestId);
    if (entry === undefined) return this.#fail(`${this.label} (${this.identity.role}): a reply that answers no frame in flight: ${text.slice(0, summaryChars)}`);
    if (reply.requestId !== null) this.#pending.delete(reply.requestId);
    const problem = problemWithReply(entry.expectation, reply);
    if (problem !== null) {
      this.#fail(`${this.label} (${this.identity.role}): ${problem}\n  frame: ${entry.summary}\n  reply: ${text.slice(0, summaryChars * 2)}`);
    } else {
      if (entry.resolve === undefined) this.repliesChecked += 1;
      if (entry.expectation.kind === 'answered') this.#noteAnswer(entry.expectation.type, reply);
    }
    entry.resolve?.(reply);
    this.#wake();
  }

  /**
   * Replies without a requestId can only be told apart by what they say; the protocol promises no
   * order. The oldest frame this reply fits; else the oldest, so the mismatch is reported.
   */
  #takeUnnamed(reply: Reply): InFlight | undefined {
    const fits = this.#unnamed.findIndex((entry) => problemWithReply(entry.expectation, reply) === null);
    return this.#unnamed.splice(Math.max(0, fits), 1)[0];
  }

  #noteAnswer(type: ClientMessageType, reply: Reply): void {
    this.typesAnswered.add(type);
    const cart = reply.type === 'result' ? (reply.result as { cart?: { totalCents: number } }).cart : reply.details?.cart;
    if (cart !== undefined) this.#cartTotalCents = cart.totalCents;
    this.#onReply(type, reply);
  }

  #socketOnClose(socket: WebSocket, code: number): void {
    if (socket !== this.#socket) return;
    if (this.#onExpectedClose !== null) return this.#onExpectedClose(code);
    const inFlight = [...this.#pending.values(), ...this.#unnamed];
    if (!this.#closesAllowed.has(code)) {
      const shown = inFlight.map((entry) => entry.summary).slice(0, 5);
      return this.#fail(`${this.label} (${this.identity.role}): the server closed the socket (${code}) though no frame called for it; in flight:\n  ${shown.join('\n  ')}`);
    }
    // Caused by another connection: what was in flight has no answer; the next send reconnects.
    this.closeCodesFromElsewhere.push(code);
    for (const entry of inFlight) {
      entry.lost = true;
      if (entry.resolve === undefined) this.framesLostToClose += 1;
      if (entry.expectation.kind === 'answered') this.requestIdsUnanswered.add(entry.expectation.requestId);
    }
    this.#pending.clear();
    this.#unnamed.length = 0;
    this.#socket = null;
    this.#wake();
  }

  #track(entry: InFlight): void {
    const { expectation } = entry;
    if (expectation.kind === 'close') throw new Error('a closing frame is not tracked');
    if (expectation.requestId === null) this.#unnamed.push(entry);
    else this.#pending.set(expectation.requestId, entry);
  }

  #inFlightCount(): number {
    return this.#pending.size + this.#unnamed.length;
  }

  #encode(frame: FuzzFrame): { bytes: Buffer; binary: boolean } {
    if (frame.kind === 'text') return { bytes: Buffer.from(frame.text, 'utf8'), binary: false };
    if (frame.kind === 'bytes') return { bytes: Buffer.from(frame.bytes), binary: frame.binary };
    let text = jsonText(frame.node, this.#context);
    if (frame.truncateAt !== undefined) text = text.slice(0, frame.truncateAt % Math.max(1, text.length));
    let bytes = Buffer.from(text, 'utf8');
    if (frame.padToBytes !== undefined && bytes.length < frame.padToBytes) bytes = Buffer.concat([bytes, Buffer.alloc(frame.padToBytes - bytes.length, ' ')]);
    return { bytes, binary: frame.binary ?? false };
  }

  /** Waits until `ready`, failing once a broken rule is found or the wait passes requestTimeoutMs. */
  async #until(ready: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + requestTimeoutMs;
    while (!ready()) {
      this.throwIfFailed();
      const remainingMs = deadline - Date.now();
      if (remainingMs <= 0) {
        const oldest = [...this.#unnamed, ...this.#pending.values()].slice(0, 5).map((entry) => entry.summary);
        this.#fail(`${this.label} (${this.identity.role}): ${what}: no reply within ${requestTimeoutMs} ms to:\n  ${oldest.join('\n  ')}`);
        this.throwIfFailed();
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remainingMs);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    this.throwIfFailed();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  #fail(message: string): void {
    this.failure ??= new Error(message);
    this.#wake();
  }
}

function summarize(frame: FuzzFrame, bytes: Buffer, binary: boolean): string {
  const shown = binary || frame.kind === 'bytes' ? `bytes ${bytes.subarray(0, 64).toString('hex')}` : JSON.stringify(bytes.toString('utf8').slice(0, summaryChars).trimEnd());
  return `${frame.note} (${bytes.length} bytes${binary ? ', binary' : ''}): ${shown}`;
}
