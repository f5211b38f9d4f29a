/**
 * Every limit Tally enforces, in one place, each named with its unit.
 * The server passes them explicitly (never trusting a library default) and the
 * protocol schemas are built from them, so docs/PROTOCOL.md and the code agree.
 */

/** Largest WebSocket frame the server accepts; a larger one closes the socket (1009). */
export const frameBytesMax = 16 * 1024;

/** Longest request id a client may send. */
export const requestIdLengthMax = 64;

/** Shopper names and addresses, in characters, after trimming. */
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

/**
 * Bytes a client may have queued in its socket before the server stops sending it
 * batch frames and conflates the changes into its latest-state queue instead.
 */
export const clientSendBufferBytesMax = 256 * 1024;

/** Entities a slow client may have pending; each entity appears once, so this bounds memory. */
export const clientPendingEntitiesMax = 100_000;

/**
 * Server heartbeat: one timer pings every socket this often; a socket that has not answered the
 * previous ping by the next tick is terminated (no close frame), 15 to 30 s after it went silent.
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

/** Passwords, in characters. The upper bound keeps scrypt's input (and time) bounded. */
export const passwordLengthMin = 8;
export const passwordLengthMax = 128;

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
