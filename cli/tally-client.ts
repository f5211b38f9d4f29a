/**
 * The terminal's way into Tally: the one protocol client (shared/client) over the `ws` package,
 * plus the sign-in the terminal tools share. Nothing here matches replies or keeps requests: that
 * is the core's job.
 */
import WebSocket from 'ws';
import { fetchAllHolders } from '../shared/account-holders.ts';
import { ProtocolClient, type Connection, type Reply, type SocketLike } from '../shared/client/protocol-client.ts';
import { RequestError } from '../shared/client/request-error.ts';
import { RequestKeys } from '../shared/client/request-keys.ts';
import type { ErrorMessage, ResultOf } from '../shared/protocol.ts';

export { ProtocolClient, RequestError, type Reply };

/**
 * Largest frame accepted from the server. Its replies are not bounded by frameBytesMax (that limit is
 * for frames to the server); the largest, a full `audit.holders` page, is well under 1 MiB. Far above
 * any real reply, far below ws's 100 MiB default.
 */
export const serverFrameBytesMax = 32 * 1024 * 1024;

/** How long a terminal command waits for the server to come back before it stops asking. */
export const serverWaitMs = 30_000;

export interface TerminalClientOptions {
  /** Reconnect after a drop and re-send unanswered keyed requests (default true). */
  reconnect?: boolean;
  /** Runs on every (re)connect before requests flow: sign in again, resume a session. */
  onConnected?: (connection: Connection) => Promise<void>;
  keys?: RequestKeys;
  /** How long the first connection may take (the server may be starting); default serverWaitMs. */
  connectTimeoutMs?: number;
}

function nodeSocket(url: string): SocketLike {
  return new WebSocket(url, { perMessageDeflate: false, maxPayload: serverFrameBytesMax }) as unknown as SocketLike;
}

/**
 * Connects and resolves once online; rejects `connect_failed` when the server cannot be reached in
 * time. Several endpoints (processes of one Tally): the first is tried first, and after a failed
 * attempt or a drop the client moves on to the next (reconnecting only).
 */
export async function connectTerminal(endpoints: string | readonly string[], options: TerminalClientOptions = {}): Promise<ProtocolClient> {
  const [url, ...alternateUrls] = typeof endpoints === 'string' ? [endpoints] : endpoints;
  if (url === undefined) throw new RangeError('connectTerminal needs at least one endpoint');
  const reconnect = options.reconnect ?? true;
  const client = new ProtocolClient({
    url,
    alternateUrls,
    createSocket: nodeSocket,
    reconnect,
    pingIntervalMs: null,
    ...(options.keys === undefined ? {} : { keys: options.keys }),
    ...(options.onConnected === undefined ? {} : { onConnected: options.onConnected }),
  });
  client.start();
  const waitMs = options.connectTimeoutMs ?? serverWaitMs;
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(RequestError.fromClient('connect_failed', `${namedEndpoints(url, alternateUrls)} did not answer within ${waitMs} ms.`)), waitMs);
  });
  try {
    await Promise.race([client.online(), gaveUp]);
    return client;
  } catch (error) {
    await client.close();
    throw error instanceof RequestError && error.code === 'closed' ? RequestError.fromClient('connect_failed', `Could not reach ${namedEndpoints(url, alternateUrls)}.`) : error;
  } finally {
    clearTimeout(timer);
  }
}

/** For messages: the one endpoint, or each of several. */
function namedEndpoints(url: string, alternateUrls: readonly string[]): string {
  return alternateUrls.length === 0 ? url : [url, ...alternateUrls].join(' or ');
}

export interface SignedIn {
  client: ProtocolClient;
  /** The first sign-in's (or registration's) answer. */
  first: Reply<'auth.signIn'>;
}

/**
 * Connects as `username`: registers (`register`) or signs in once, then after any reconnect resumes
 * that same session, so keyed requests re-sent after a drop run as the same user.
 */
export async function connectSignedIn(endpoints: string | readonly string[], username: string, password: string, register: boolean, keys?: RequestKeys): Promise<SignedIn> {
  let sessionToken: string | null = null;
  let first: Reply<'auth.signIn'> | null = null;
  let registerSent = false;
  const onConnected = async (connection: Connection) => {
    if (sessionToken !== null) {
      const resumed = await connection.request('auth.resume', { sessionToken });
      if (!resumed.ok) throw RequestError.fromRefusal(resumed.error);
      return;
    }
    const registerAgain = registerSent;
    registerSent = register;
    first = await connection.request(register ? 'auth.register' : 'auth.signIn', { username, password });
    // A registration whose answer was lost: if signing in with the same credentials works, it happened.
    if (registerAgain && !first.ok && first.error.code === 'username_taken') first = await connection.request('auth.signIn', { username, password });
    if (first.ok) sessionToken = first.result.sessionToken;
  };
  const client = await connectTerminal(endpoints, { onConnected, ...(keys === undefined ? {} : { keys }) });
  return { client, first: first! };
}

/** Every account holder, page by page (through shared/account-holders.ts), or the server's refusal. */
export async function requestAllAccountHolders(client: ProtocolClient): Promise<Reply<'audit.holders'>> {
  let refusal: ErrorMessage | null = null;
  let seq = 0;
  const holders = await fetchAllHolders(
    async (afterUsername): Promise<ResultOf<'audit.holders'>> => {
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
