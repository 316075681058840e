/**
 * Two kinds of error live here. {@link ProviderError} carries a simulated provider's wire error (part
 * of the contract, rendered by that provider). {@link IdmockError} is the library's own misuse,
 * configuration or start-up failure.
 */

/** Stable codes of library errors. */
export const IDMOCK_INVALID_CONFIG = 'IDMOCK_INVALID_CONFIG';
export const IDMOCK_INVALID_WORLD = 'IDMOCK_INVALID_WORLD';
export const IDMOCK_PORT_IN_USE = 'IDMOCK_PORT_IN_USE';
export const IDMOCK_LISTEN_FAILED = 'IDMOCK_LISTEN_FAILED';
export const IDMOCK_INVALID_ARGUMENT = 'IDMOCK_INVALID_ARGUMENT';

/** Union of every library error code. */
export type IdmockErrorCode =
  | typeof IDMOCK_INVALID_CONFIG
  | typeof IDMOCK_INVALID_WORLD
  | typeof IDMOCK_PORT_IN_USE
  | typeof IDMOCK_LISTEN_FAILED
  | typeof IDMOCK_INVALID_ARGUMENT;

/** A library error: bad configuration, bad world data, a port in use. Messages start `[idmock]`. */
export class IdmockError extends Error {
  readonly code: IdmockErrorCode;

  constructor(code: IdmockErrorCode, message: string, options?: { cause?: unknown }) {
    super(`[idmock] ${message}`, options);
    this.name = 'IdmockError';
    this.code = code;
  }
}

/**
 * A simulated provider's error, thrown by handlers and rendered by the provider's own `renderError`.
 * `spec` is an entry of that provider's catalogue; `key` names it for faults and journals.
 */
export class ProviderError<Spec = unknown> extends Error {
  readonly key: string;
  readonly spec: Spec;
  /** Optional extra facts for the renderer (e.g. the page variant or an appid for a page). */
  readonly detail: Readonly<Record<string, string>>;

  constructor(key: string, spec: Spec, detail: Record<string, string> = {}) {
    // An expected answer, not a fault: skip the stack trace, which costs more than the request.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(`provider error ${key}`);
    Error.stackTraceLimit = limit;
    this.name = 'ProviderError';
    this.key = key;
    this.spec = spec;
    this.detail = detail;
  }
}

/**
 * Builds a typed `fail` helper for one catalogue: `fail('codeReused')` throws that entry. Returns
 * `never`, so handlers read linearly.
 */
export function catalogueThrower<Catalogue extends Record<string, unknown>>(catalogue: Catalogue) {
  return (key: keyof Catalogue & string, detail: Record<string, string> = {}): never => {
    throw new ProviderError(key, catalogue[key], detail);
  };
}
