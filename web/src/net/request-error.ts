import type { ErrorCode, ErrorDetails } from '../../../shared/protocol.ts';

/** Failures the client itself reports, beside the server's error codes. */
export const clientErrorMessages = {
  disconnected: 'The connection to Tally dropped before it answered; please try again.',
  not_connected: 'Tally is not connected right now; please try again in a moment.',
  timeout: 'Tally did not answer in time; please try again.',
  invalid_reply: 'Tally sent a reply this page does not understand.',
} as const;

export type ClientErrorCode = keyof typeof clientErrorMessages;

/** Why a request failed: the server's `error` frame, or a client-side failure. */
export class RequestError extends Error {
  override readonly name = 'RequestError';
  readonly code: ErrorCode | ClientErrorCode;
  readonly details: ErrorDetails | undefined;

  constructor(code: ErrorCode | ClientErrorCode, message: string, details?: ErrorDetails) {
    super(message);
    this.code = code;
    this.details = details;
  }

  static fromClient(code: ClientErrorCode): RequestError {
    return new RequestError(code, clientErrorMessages[code]);
  }
}

/** A sentence for people from anything a request may throw. */
export function describeFailure(error: unknown): string {
  if (error instanceof RequestError) return error.message;
  return 'Something went wrong; please try again.';
}
