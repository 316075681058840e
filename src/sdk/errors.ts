/**
 * Errors of the SDK itself: the server could not be reached, answered something that is not the
 * API's JSON, did not answer in time, or refused the WebSocket handshake. What the API answers on
 * purpose (an `error` map, a 401 envelope) is never thrown: it is a typed result.
 */

/** The server could not be reached (connection refused, DNS, TLS). */
export const IDMOCK_SDK_UNREACHABLE = 'IDMOCK_SDK_UNREACHABLE';
/** The server answered, but not with the API's JSON (wrong content, missing fields). */
export const IDMOCK_SDK_PROTOCOL = 'IDMOCK_SDK_PROTOCOL';
/** No answer in time (REST: the request timeout; WebSocket: no response to a requestId). */
export const IDMOCK_SDK_TIMEOUT = 'IDMOCK_SDK_TIMEOUT';
/** The WebSocket upgrade or the nonce/HMAC handshake was refused. */
export const IDMOCK_SDK_HANDSHAKE = 'IDMOCK_SDK_HANDSHAKE';
/** The WebSocket closed before the request was answered, or a request was sent after `close()`. */
export const IDMOCK_SDK_CLOSED = 'IDMOCK_SDK_CLOSED';

/** Every SDK error code. */
export type IdmockSdkErrorCode =
  | typeof IDMOCK_SDK_UNREACHABLE
  | typeof IDMOCK_SDK_PROTOCOL
  | typeof IDMOCK_SDK_TIMEOUT
  | typeof IDMOCK_SDK_HANDSHAKE
  | typeof IDMOCK_SDK_CLOSED;

/** A failure of the SDK's transport or of the server's protocol. Messages start `[idmock]`. */
export class IdmockSdkError extends Error {
  readonly code: IdmockSdkErrorCode;
  /** The HTTP status, when the server answered one. */
  readonly status: number | undefined;

  constructor(
    code: IdmockSdkErrorCode,
    message: string,
    options: { readonly cause?: unknown; readonly status?: number } = {},
  ) {
    super(`[idmock] ${message}`, options.cause === undefined ? {} : { cause: options.cause });
    this.name = 'IdmockSdkError';
    this.code = code;
    this.status = options.status;
  }
}

/** A short reason for a failed fetch: the system error code when there is one. */
export function failureReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'no answer in time';
  const cause = error.cause;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code === undefined ? cause.message : `${code} ${cause.message}`;
  }
  return error.message;
}
