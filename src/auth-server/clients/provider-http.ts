/**
 * The one outbound HTTP helper of the auth server's provider clients: a GET with a hard timeout
 * (`AbortSignal.timeout`) that never throws, so a hung, refused or garbled provider becomes a value
 * the connect pipeline can answer with `PROVIDER_UNAVAILABLE`.
 */

/** The outcome of asking a provider: a usable answer, a rejection of the token, or no answer. */
export type ProviderCheck<T> =
  | { readonly kind: 'ok'; readonly value: T }
  /** The provider answered that the token (or openid, or app) is not valid: NOTAUTHENTICATED. */
  | { readonly kind: 'rejected'; readonly reason: string; readonly code?: number }
  /** The provider could not be asked or answered nonsense: PROVIDER_UNAVAILABLE. */
  | { readonly kind: 'unavailable'; readonly reason: string };

/** What the clients read of an answer: a `fetch` Response has it, and so can lighter ones. */
export interface ProviderResponse {
  readonly status: number;
  text(): Promise<string>;
}

/**
 * The fetch function the clients use (the global `fetch` unless one is given): `idmock start`
 * gives the keep-alive `node:http` one of `adapters/http-client`, tests give fakes.
 */
export type FetchLike = (
  url: string,
  init: { signal: AbortSignal; headers?: Record<string, string> },
) => Promise<ProviderResponse>;

/** Options shared by the provider clients. */
export interface ProviderClientOptions {
  /** Base URL of the provider host (path prefixes are kept). */
  readonly baseUrl: string;
  /** Longest one call may take. */
  readonly timeoutMs: number;
  readonly fetch?: FetchLike;
  /**
   * Sent as a bearer token to the mocks' `/__mock/` endpoints only (they refuse callers off
   * loopback without it, e.g. from another container); never sent to a real provider API.
   */
  readonly adminToken?: string | null;
}

/** Builds `base + path` keeping any path prefix of the base, with query parameters. */
export function providerUrl(
  baseUrl: string,
  path: string,
  query: Readonly<Record<string, string>>,
): string {
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}${path}`);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  return url.toString();
}

/** GETs a URL and parses the body as JSON (or JSONP); every failure becomes `unavailable`. */
export async function getJson(
  url: string,
  options: ProviderClientOptions,
): Promise<ProviderCheck<unknown>> {
  const fetchImpl: FetchLike = options.fetch ?? fetch;
  let text: string;
  let status: number;
  try {
    const mockOnly = new URL(url).pathname.includes('/__mock/');
    const headers: Record<string, string> =
      mockOnly && options.adminToken ? { authorization: `Bearer ${options.adminToken}` } : {};
    const response = await fetchImpl(url, {
      signal: AbortSignal.timeout(options.timeoutMs),
      headers,
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    const reason =
      error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
        ? `no answer within ${options.timeoutMs} ms`
        : `request failed: ${error instanceof Error ? describeCause(error) : String(error)}`;
    return { kind: 'unavailable', reason };
  }
  if (status < 200 || status >= 300) return { kind: 'unavailable', reason: `HTTP ${status}` };
  const parsed = parseJsonOrJsonp(text);
  if (parsed === undefined) return { kind: 'unavailable', reason: 'answer is not JSON' };
  return { kind: 'ok', value: parsed };
}

function describeCause(error: Error): string {
  // fetch wraps the socket error as its cause; node:http rejects with the socket error itself.
  const own = (error as NodeJS.ErrnoException).code;
  if (own !== undefined && !(error.cause instanceof Error)) return `${own} ${error.message}`;
  const cause = error.cause;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code === undefined ? cause.message : `${code} ${cause.message}`;
  }
  return error.message;
}

const JSONP = /^\s*callback\(\s*([\s\S]*?)\s*\);?\s*$/;

/** JSON, or QQ's `callback( {...} );` JSONP; undefined when neither. */
export function parseJsonOrJsonp(text: string): unknown {
  const inner = JSONP.exec(text)?.[1] ?? text;
  try {
    return JSON.parse(inner) as unknown;
  } catch {
    return undefined;
  }
}

/** The value as a plain object, or undefined. */
export function asObject(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
