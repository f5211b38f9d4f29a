/**
 * A mistake in how a command was called: a bad argument, a missing password. The entry points turn
 * it into a message on stderr and exit code 2; nothing was sent to the server.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Exit codes shared by the command-line tools. */
export const exitCodes = {
  ok: 0,
  /** The server refused, a check failed, or the connection failed. */
  failed: 1,
  usage: 2,
} as const;
