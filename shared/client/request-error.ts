import type { ErrorCode, ErrorDetails, ErrorMessage } from '../protocol.ts';

/** Failures the client itself reports, beside the server's error codes. None leaves an outcome unknown. */
export const clientErrorMessages = {
  not_connected: 'Tally is not connected right now, so nothing was sent; please try again in a moment.',
  disconnected: 'The connection to Tally dropped before it answered.',
  unanswered: 'The connection dropped before Tally answered; send the request again with the same requestId to get its one outcome.',
  timeout: 'Tally did not answer in time.',
  closed: 'The client was closed before Tally answered.',
  connect_failed: 'Could not connect to the Tally server.',
  invalid_reply: 'Tally sent a reply this client does not understand.',
  too_many_in_flight: 'Too many requests are waiting for replies on this connection.',
  frame_too_large: 'The request is larger than the server accepts.',
} as const;

export type ClientErrorCode = keyof typeof clientErrorMessages;

/** Why a request did not succeed: the server's refusal (its `error` frame), or a failure of the client. */
export class RequestError extends Error {
  override readonly name = 'RequestError';
  readonly code: ErrorCode | ClientErrorCode;
  readonly details: ErrorDetails | undefined;

  constructor(code: ErrorCode | ClientErrorCode, message: string, details?: ErrorDetails) {
    super(message);
    this.code = code;
    this.details = details;
  }

  static fromClient(code: ClientErrorCode, detail?: string): RequestError {
    return new RequestError(code, detail === undefined ? clientErrorMessages[code] : `${clientErrorMessages[code]} ${detail}`);
  }

  static fromRefusal(error: Pick<ErrorMessage, 'code' | 'message' | 'details'>): RequestError {
    return new RequestError(error.code, error.message, error.details);
  }

  /** True for the client's own failures, false for the server's refusals. */
  get isClientFailure(): boolean {
    return Object.hasOwn(clientErrorMessages, this.code);
  }
}

/** A sentence for people from anything a request may throw. */
export function describeFailure(error: unknown): string {
  if (error instanceof RequestError) return error.message;
  return 'Something went wrong; please try again.';
}
