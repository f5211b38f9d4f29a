/**
 * Every limit Tally enforces, in one place, each named with its unit.
 * The server passes them explicitly (never trusting a library default) and the
 * protocol schemas are built from them, so docs/PROTOCOL.md and the code agree.
 *
 * A text length ("…LengthMax", "characters") is counted in UTF-16 code units: JavaScript's
 * `String.length` and HTML's `maxlength`, so an emoji outside the Basic Multilingual Plane counts 2
 * (see shared/text.ts, which the schemas and the forms measure with).
 */

/** Largest WebSocket frame the server accepts; a larger one closes the socket (1009). */
export const frameBytesMax = 16 * 1024;

/** Longest request id a client may send, in UTF-16 code units (it is ASCII, so also in bytes). */
export const requestIdLengthMax = 64;

/** Shopper names and addresses, in UTF-16 code units, after trimming. */
export const shopperNameLengthMax = 80;
export const shopperAddressLengthMax = 200;

/** Session tokens are 32 random bytes, base64url: 43 characters. */
export const sessionTokenLength = 43;

/** Quantity of one product in one cart line or order line. */
export const lineQuantityMax = 1_000;

/** Distinct products in one cart (and so in one order). */
export const cartLinesMax = 50;

/** Product ids are small positive integers. */
export const productIdMax = 1_000_000_000;

/** Prices and totals stay far below Number.MAX_SAFE_INTEGER cents. */
export const priceCentsMax = 100_000_000;

/** Orders returned by one `orders.list` request, newest first. */
export const orderHistoryPageMax = 100;

/** Operations folded into one durable transaction (one fsync). */
export const commitBatchOperationsMax = 512;

/** WebSocket addresses of one Tally's processes a server tells its clients (welcome.endpoints). */
export const clusterEndpointsMax = 16;

/** Characters in one of those addresses. */
export const endpointLengthMax = 200;

/** Trusted proxies (`--trusted-proxy`: addresses and CIDR ranges) one server accepts. */
export const trustedProxiesMax = 64;

/** Entries of X-Forwarded-For read from the right, past trusted proxies, when looking for a client's address. */
export const forwardedForHopsMax = 16;

/** Times a batch is run again after the database aborted it for a retryable reason (a deadlock, a lock wait timed out, a serialization failure) before its callers are told. */
export const commitBatchAttemptsMax = 5;

/** First wait before running an aborted batch again, doubled each attempt and jittered (up to half again). */
export const commitRetryDelayInitialMs = 10;

/** How long a batch on PostgreSQL waits for the commit-order row another process holds before it is aborted (and retried). */
export const commitOrderLockWaitMs = 10_000;

/** A PostgreSQL batch connection idle inside its transaction this long is ended by the server, so a stalled process cannot hold the commit order. */
export const batchIdleInTransactionMs = 30_000;

/** How often each process on a shared database checks for commits other processes made, besides being told (NOTIFY). */
export const commitFeedPollIntervalMs = 100;

/** Ledger rows one read of the commit feed hands over at most; the rest come with the next read. */
export const commitFeedTransactionsMax = 5_000;

/**
 * Bytes a client may have queued in its socket before the server stops sending it
 * batch frames and conflates the changes into its latest-state queue instead.
 */
export const clientSendBufferBytesMax = 256 * 1024;

/** Entities a slow client may have pending; each entity appears once, so this bounds memory. */
export const clientPendingEntitiesMax = 100_000;

/**
 * The client's heartbeat: it pings the server this often and reconnects when no answer comes. The
 * server's own heartbeat is edgeLimitDefaults.serverHeartbeatIntervalMs.
 */
export const heartbeatIntervalMs = 15_000;

/** Client reconnect backoff. */
export const reconnectDelayInitialMs = 250;
export const reconnectDelayMaxMs = 5_000;

/** A request with no reply after this long is failed by the client. */
export const requestTimeoutMs = 10_000;

/** The client asks for a full snapshot this often, so a missed frame cannot leave it diverged. */
export const resyncIntervalMs = 30_000;

/** Requests one connection may have awaiting replies; more are refused with `server_busy`. */
export const clientRequestsInFlightMax = 32;

/** A client whose socket buffer passes this has stopped reading; it is disconnected. */
export const clientSendBufferBytesHardMax = 8 * 1024 * 1024;

/**
 * How far back `sync.resume` reaches: an answer may hold at most this many ledger transactions (the
 * auditor's) and this many accounts; a tab further behind is told `resync_required`.
 */
export const resumeTransactionsMax = 5_000;
export const resumeAccountsMax = 10_000;

/** On shutdown, how long the server waits for requests already taken to be answered before closing sockets. */
export const shutdownGraceMs = 10_000;

/** How often a slow client's conflated changes are retried. */
export const clientDrainCheckIntervalMs = 50;

// --- Bank ---------------------------------------------------------------------------------

/** Usernames: letters, digits, `_ . -`; compared case-insensitively (stored lower-case). */
export const usernameLengthMin = 3;
export const usernameLengthMax = 32;

/** Passwords, in UTF-16 code units. The upper bound keeps scrypt's input (and time) bounded. */
export const passwordLengthMin = 8;
export const passwordLengthMax = 128;

/**
 * Account numbers, in decimal digits: 10 drawn at random, then 2 check digits (ISO 7064 MOD 97-10,
 * shared/account-number.ts). 10^10 possible numbers: with a million accounts open, a guessed number
 * that passes the check names an account one time in ten thousand.
 */
export const accountNumberDigits = 12;

/** Fresh numbers drawn for a new account before giving up; each draw collides with odds below 1 in 10,000. */
export const accountNumberDrawAttemptsMax = 8;

/** One operation moves at most this much: $10,000,000.00. */
export const amountCentsMax = 1_000_000_000;

/** No account may hold (or owe) more than this: $1,000,000,000.00, far below 2^53. */
export const balanceCentsMax = 100_000_000_000;

/** Accounts one user may open. */
export const accountsPerUserMax = 20;

/** Sessions (signed-in tabs or scripts) one user may hold; a new sign-in ends the oldest beyond this. */
export const userSessionsMax = 50;

/** Transactions returned by one history request. */
export const historyPageMax = 100;

/** Account holders in one `audit.holders` page (each with at most accountsPerUserMax accounts). */
export const auditHoldersPageMax = 100;

/** How often every tab is sent the bank's totals and operation rate, when they changed. */
export const statsIntervalMs = 1_000;

/** The operation rate is averaged over this window. */
export const operationRateWindowMs = 5_000;

/** New ledger rows held for a slow auditor tab; past this it is disconnected and resumes without a gap. */
export const clientPendingTransactionsMax = 500;

/** Seconds of per-second dashboard aggregates the server keeps, and sends a tab that starts watching (15 minutes). */
export const dashboardWindowSeconds = 900;

/** How often watching tabs get the second that just ended. */
export const dashboardIntervalMs = 1_000;

/** New tape events go out this often, without waiting for their second to end. */
export const dashboardTapeFlushMs = 250;

/** Newest events of the live tape the server keeps, and sends a tab that starts watching. */
export const dashboardTapeEventsMax = 200;

/** Events of one second put on the tape; the rest of that second's events are only counted. */
export const dashboardTapeEventsPerSecondMax = 25;

// --- The public edge: connections, rate limits, sessions, memory ---------------------------

/**
 * The limits an operator may tune per server (`--limit name=value`, see server/config.ts); these are
 * the defaults. Counts are per window unless the name says otherwise; windows and delays in ms.
 */
export const edgeLimitDefaults = {
  /** Open WebSocket connections from one IP address; more are refused at the upgrade with HTTP 429. */
  connectionsPerAddressMax: 200,
  /** Open WebSocket connections in all; more are refused at the upgrade with HTTP 503. */
  connectionsTotalMax: 20_000,
  /** Requests one connection may send per requestsPerConnectionWindowMs; more are refused with `rate_limited`. */
  requestsPerConnectionMax: 300,
  requestsPerConnectionWindowMs: 1_000,
  /**
   * Failed sign-ins for one username from one address: the first signInFailuresFreeMax cost nothing;
   * each later one makes the next attempt wait signInDelayInitialMs, doubling up to signInDelayMaxMs;
   * after signInFailuresPerUsernameAndAddressMax the pair is refused until its window ends. A success resets it.
   */
  signInFailuresFreeMax: 3,
  signInDelayInitialMs: 1_000,
  signInDelayMaxMs: 30_000,
  signInFailuresPerUsernameAndAddressMax: 10,
  /**
   * Failed sign-ins for one username from all addresses: past this, each attempt is delayed as above
   * but never refused outright, so a stranger cannot lock the real user out.
   */
  signInFailuresPerUsernameFreeMax: 20,
  /** Failed sign-ins from one address, whatever the usernames; more are refused until the window ends. */
  signInFailuresPerAddressMax: 100,
  signInFailuresWindowMs: 15 * 60_000,
  /** New customers registered from one address per window. */
  registrationsPerAddressMax: 20,
  registrationsWindowMs: 60 * 60_000,
  /** Shopper sessions started from one address per window. */
  shopperSessionsPerAddressMax: 100,
  shopperSessionsWindowMs: 60 * 60_000,
  /**
   * The server pings every socket this often; one that has not answered the previous ping by the next
   * is closed (1008). Keep it below any proxy's idle timeout.
   */
  serverHeartbeatIntervalMs: 15_000,
  /** Bytes queued to all clients together; past it, the clients furthest over their share are closed (1008). */
  outgoingBytesBudget: 256 * 1024 * 1024,
  /** A signed-in session unused for this long ends (no tab using it, no request). */
  userSessionIdleMs: 30 * 60_000,
  /** A signed-in session ends this long after sign-in, however busy. */
  userSessionAbsoluteMs: 12 * 60 * 60_000,
  /** Shopper sessions (a cart and a ship-to address) last longer: a cart may wait for days. */
  shopperSessionIdleMs: 7 * 24 * 60 * 60_000,
  shopperSessionAbsoluteMs: 30 * 24 * 60 * 60_000,
  /** How often the sessions open tabs hold are marked used and expired ones ended (so idle times are this exact). */
  sessionSweepIntervalMs: 60_000,
} as const;

export type EdgeLimits = { -readonly [Name in keyof typeof edgeLimitDefaults]: number };

/** Socket and client errors logged per minute; the rest are counted and summarized once a minute. */
export const socketErrorLogLinesPerMinuteMax = 20;

/** A closing socket that has not finished the close handshake by then is destroyed. */
export const closeHandshakeTimeoutMs = 2_000;

/** How often the server sums the bytes queued to all clients against outgoingBytesBudget. */
export const outgoingBudgetCheckIntervalMs = 250;

// --- Operations ---------------------------------------------------------------------------

/**
 * `/readyz` writes and syncs one row through the unit of work at most this often; requests in
 * between get the last result, so probing the endpoint cannot flood the database with commits.
 */
export const readinessProbeIntervalMs = 5_000;

/**
 * A write probe not durable after this long makes the server not ready (a stuck disk must not hang
 * the probe). Keep an orchestrator's probe timeout above it.
 */
export const readinessProbeTimeoutMs = 2_000;

/**
 * For Tally's own tests, benchmarks and torture runs, where thousands of clients share 127.0.0.1 and
 * each load connection sends as fast as the server answers: the per-address limits and the
 * per-connection request rate are raised (the limiter still runs on every request); the per-account
 * sign-in limits stay as shipped. Never for a server that faces the public.
 */
export const loopbackLoadTestLimits = {
  connectionsPerAddressMax: 20_000,
  requestsPerConnectionMax: 1_000_000,
  registrationsPerAddressMax: 1_000_000,
  shopperSessionsPerAddressMax: 1_000_000,
  signInFailuresPerAddressMax: 1_000_000,
} as const satisfies Partial<EdgeLimits>;
