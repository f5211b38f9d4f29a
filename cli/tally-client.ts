/**
 * A small Node client for the Tally protocol (docs/PROTOCOL.md): one WebSocket, no reconnecting.
 * It waits for `welcome`, stamps every request with a unique `requestId`, matches the `result` or
 * `error` that answers it, validates both against shared/protocol.ts, and fails a request that
 * gets no reply within the timeout. Broadcasts (`changes`, `stats`) are read and ignored.
 */
import WebSocket from 'ws';
import { clientRequestsInFlightMax, frameBytesMax, requestTimeoutMs } from '../shared/limits.ts';
import {
  ErrorMessage as ErrorMessageSchema,
  Result as ResultSchema,
  Welcome as WelcomeSchema,
  resultSchemas,
  type ClientMessageType,
  type ErrorMessage,
  type RequestBody,
  type ResultOf,
  type Welcome,
} from '../shared/protocol.ts';
import { fetchAllHolders } from '../shared/account-holders.ts';

/**
 * Largest frame accepted from the server. Its replies are not bounded by frameBytesMax (that limit is
 * for frames to the server); the largest, a full `audit.holders` page, is well under 1 MiB. Far above
 * any real reply, far below ws's 100 MiB default.
 */
export const serverFrameBytesMax = 32 * 1024 * 1024;

/** How long to wait for a close handshake before dropping the socket. */
export const closeHandshakeTimeoutMs = 1_000;

export type RequestFields<Type extends ClientMessageType> = Omit<RequestBody<Type>, 'type'>;

/** A refusal from the server is an expected outcome, not an exception. */
export type Reply<Type extends ClientMessageType> =
  | { ok: true; seq: number; result: ResultOf<Type> }
  | { ok: false; error: ErrorMessage };

/** Failures of the client or the connection, beside the server's own refusals. */
export const clientErrorCodes = {
  connect_failed: 'Could not connect to the Tally server.',
  closed: 'The connection closed before the server answered.',
  timeout: 'The server did not answer in time; a change may or may not have been made.',
  invalid_frame: 'The server sent a frame that does not match the protocol.',
  too_many_in_flight: 'Too many requests are waiting for replies on this connection.',
  frame_too_large: 'The request is larger than the server accepts.',
  refused: 'The server refused the request.',
} as const;

export type ClientErrorCode = keyof typeof clientErrorCodes;

export class TallyClientError extends Error {
  override readonly name = 'TallyClientError';
  readonly code: ClientErrorCode;
  /** For `refused`: the server's error frame. */
  readonly refusal: ErrorMessage | undefined;

  constructor(code: ClientErrorCode, message: string, refusal?: ErrorMessage) {
    super(message);
    this.code = code;
    this.refusal = refusal;
  }
}

export interface TallyClientOptions {
  /** Default requestTimeoutMs from shared/limits.ts. */
  requestTimeoutMs?: number;
  /** How long to wait for the WebSocket upgrade and the `welcome`; default requestTimeoutMs. */
  connectTimeoutMs?: number;
  /** Prefix of every requestId; the ids are `<prefix><counter>`. */
  requestIdPrefix?: string;
}

interface PendingRequest {
  type: ClientMessageType;
  timer: NodeJS.Timeout;
  settle: (message: ErrorMessage | { type: 'result'; seq: number; result: unknown }) => void;
  fail: (error: TallyClientError) => void;
}

export class TallyClient {
  readonly #socket: WebSocket;
  readonly #requestTimeoutMs: number;
  readonly #requestIdPrefix: string;
  readonly #pending = new Map<string, PendingRequest>();
  /** Requests that timed out: a late reply to one is dropped, not taken for a protocol error. */
  readonly #timedOut = new Set<string>();
  readonly #welcomed: Promise<Welcome>;
  #welcome: Welcome | null = null;
  #onWelcome: (welcome: Welcome) => void = () => {};
  #onConnectFailure: (reason: string) => void = () => {};
  #lastSocketError = '';
  #requestCounter = 0;
  #closedError: TallyClientError | null = null;

  private constructor(socket: WebSocket, options: Required<TallyClientOptions>) {
    this.#socket = socket;
    this.#requestTimeoutMs = options.requestTimeoutMs;
    this.#requestIdPrefix = options.requestIdPrefix;
    this.#welcomed = new Promise<Welcome>((resolve, reject) => {
      this.#onWelcome = resolve;
      this.#onConnectFailure = (reason) => reject(new TallyClientError('connect_failed', `Could not connect to ${socket.url}: ${reason}`));
    });
    socket.on('message', (data, isBinary) => this.#socketOnMessage(String(data), isBinary));
    socket.on('close', (code) => this.#socketOnClose(code));
    socket.on('error', (error) => this.#socketOnError(error));
  }

  /** Opens the socket and resolves once the server's `welcome` has arrived and validated. */
  static async connect(url: string, options: TallyClientOptions = {}): Promise<TallyClient> {
    const resolved: Required<TallyClientOptions> = {
      requestTimeoutMs: options.requestTimeoutMs ?? requestTimeoutMs,
      connectTimeoutMs: options.connectTimeoutMs ?? requestTimeoutMs,
      requestIdPrefix: options.requestIdPrefix ?? 'r',
    };
    let socket: WebSocket;
    try {
      socket = new WebSocket(url, {
        perMessageDeflate: false,
        maxPayload: serverFrameBytesMax,
        handshakeTimeout: resolved.connectTimeoutMs,
      });
    } catch (error) {
      throw new TallyClientError('connect_failed', `Could not connect to ${url}: ${(error as Error).message}`);
    }
    const client = new TallyClient(socket, resolved);
    const timer = setTimeout(() => client.#connectFailed(`no welcome within ${resolved.connectTimeoutMs} ms`), resolved.connectTimeoutMs);
    try {
      await client.#welcomed;
      return client;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The server's first frame on this connection. */
  get welcome(): Welcome {
    if (this.#welcome === null) throw new Error('the welcome has not arrived yet');
    return this.#welcome;
  }

  get isOpen(): boolean {
    return this.#closedError === null;
  }

  /** Sends one request; resolves with the result or the server's refusal, rejects with a TallyClientError. */
  request<Type extends ClientMessageType>(type: Type, fields: RequestFields<Type>): Promise<Reply<Type>> {
    if (this.#closedError !== null) return Promise.reject(this.#closedError);
    if (this.#pending.size >= clientRequestsInFlightMax) {
      return Promise.reject(new TallyClientError('too_many_in_flight', `At most ${clientRequestsInFlightMax} requests may await replies.`));
    }
    this.#requestCounter += 1;
    const requestId = `${this.#requestIdPrefix}${this.#requestCounter}`;
    const text = JSON.stringify({ ...fields, type, requestId });
    if (Buffer.byteLength(text) > frameBytesMax) {
      return Promise.reject(new TallyClientError('frame_too_large', `A ${type} request may be at most ${frameBytesMax} bytes.`));
    }
    return new Promise<Reply<Type>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(requestId);
        this.#timedOut.add(requestId);
        reject(new TallyClientError('timeout', `No reply to ${type} within ${this.#requestTimeoutMs} ms; a change may or may not have been made.`));
      }, this.#requestTimeoutMs);
      const fail = (error: TallyClientError) => {
        clearTimeout(timer);
        this.#pending.delete(requestId);
        reject(error);
      };
      const settle: PendingRequest['settle'] = (message) => {
        clearTimeout(timer);
        this.#pending.delete(requestId);
        if (message.type === 'error') return resolve({ ok: false, error: message });
        const parsed = resultSchemas[type].safeParse(message.result);
        if (!parsed.success) return reject(invalidFrame(`the ${type} result`, parsed.error.message));
        resolve({ ok: true, seq: message.seq, result: parsed.data as ResultOf<Type> });
      };
      this.#pending.set(requestId, { type, timer, settle, fail });
      this.#socket.send(text, (error) => {
        if (error) fail(new TallyClientError('closed', `Could not send ${type}: ${error.message}`));
      });
    });
  }

  /** Like `request`, but a refusal rejects too (a TallyClientError with code `refused`). */
  async expectResult<Type extends ClientMessageType>(type: Type, fields: RequestFields<Type>): Promise<ResultOf<Type>> {
    const reply = await this.request(type, fields);
    if (reply.ok) return reply.result;
    throw new TallyClientError('refused', `${type} was refused: ${reply.error.code}: ${reply.error.message}`, reply.error);
  }

  /** Fails whatever is still waiting and closes the socket; resolves once it is closed. */
  close(): Promise<void> {
    this.#failAll(new TallyClientError('closed', 'The client was closed.'));
    const socket = this.#socket;
    if (socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => socket.terminate(), closeHandshakeTimeoutMs);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.close(1000, 'client done');
    });
  }

  #socketOnMessage(text: string, isBinary: boolean): void {
    const json = isBinary ? undefined : parseJson(text);
    if (this.#welcome === null) return this.#welcomeFrameArrived(json);
    const type = (json as { type?: unknown } | undefined)?.type;
    if (type !== 'result' && type !== 'error') return; // changes and stats are not used here
    const requestId = (json as { requestId?: unknown }).requestId;
    if (typeof requestId === 'string' && this.#timedOut.delete(requestId)) return;
    const pending = typeof requestId === 'string' ? this.#pending.get(requestId) : undefined;
    const parsed = type === 'result' ? ResultSchema.safeParse(json) : ErrorMessageSchema.safeParse(json);
    if (pending === undefined) {
      // A reply to no request of ours (or an error about a frame the server could not read) means
      // the two sides no longer agree; nothing later on this connection can be trusted.
      this.#failAll(invalidFrame(`a ${type} for request ${JSON.stringify(requestId)}`, text.slice(0, 200)));
      this.#socket.close(1002, 'unexpected reply');
      return;
    }
    if (!parsed.success) return pending.fail(invalidFrame(`the reply to ${pending.type}`, parsed.error.message));
    pending.settle(parsed.data);
  }

  /** The first frame must be a valid `welcome`; anything else fails the connect. */
  #welcomeFrameArrived(json: unknown): void {
    const parsed = WelcomeSchema.safeParse(json);
    if (!parsed.success) return this.#connectFailed(`the first frame is not a valid welcome: ${parsed.error.message}`);
    this.#welcome = parsed.data;
    this.#onWelcome(parsed.data);
  }

  #connectFailed(reason: string): void {
    if (this.#welcome !== null) return;
    this.#onConnectFailure(reason);
    this.#failAll(new TallyClientError('connect_failed', reason));
    this.#socket.terminate();
  }

  #socketOnError(error: Error): void {
    this.#lastSocketError = error.message || String(error);
  }

  #socketOnClose(code: number): void {
    this.#connectFailed(this.#lastSocketError || `the connection closed (code ${code})`);
    this.#failAll(new TallyClientError('closed', `The connection closed (code ${code}) before the server answered.`));
  }

  #failAll(error: TallyClientError): void {
    if (this.#closedError === null) this.#closedError = error;
    for (const pending of [...this.#pending.values()]) pending.fail(error);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function invalidFrame(what: string, detail: string): TallyClientError {
  return new TallyClientError('invalid_frame', `The server sent ${what} that does not match the protocol: ${detail}`);
}

/** Every account holder, page by page (through shared/account-holders.ts), or the server's refusal. */
export async function requestAllAccountHolders(client: TallyClient): Promise<Reply<'audit.holders'>> {
  let refusal: ErrorMessage | null = null;
  let seq = 0;
  const holders = await fetchAllHolders(
    async (afterUsername) => {
      const reply = await client.request('audit.holders', afterUsername === null ? {} : { afterUsername });
      if (!reply.ok) {
        refusal = reply.error;
        return { holders: [], nextAfterUsername: null };
      }
      seq = reply.seq;
      return reply.result;
    },
    () => refusal === null,
  );
  if (holders === null) return { ok: false, error: refusal! };
  return { ok: true, seq, result: { holders, nextAfterUsername: null } };
}
