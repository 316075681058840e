/**
 * Plain request and response values shared by every transport. Handlers read a {@link MockRequest}
 * and return a {@link MockResponse}; adapters only translate bytes to and from these shapes.
 */

/** The parsed body of a request, as far as the transport could tell. */
export type RequestBody =
  | { readonly kind: 'none' }
  | { readonly kind: 'form'; readonly params: URLSearchParams }
  | { readonly kind: 'json'; readonly value: unknown }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'invalid'; readonly reason: string };

/** A request as every handler sees it, independent of the transport that received it. */
export interface MockRequest {
  readonly method: string;
  /** Full URL including scheme and host (the logical host for nock, the listening host otherwise). */
  readonly url: URL;
  /** Header names are lower-cased; repeated headers are joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly body: RequestBody;
  /** The client's address when known (loopback checks for mock-only endpoints). */
  readonly remoteAddress?: string;
  /** Aborted when the client goes away, so held long-polls can be released. */
  readonly signal: AbortSignal;
}

/** A response value. Bodies are strings or bytes; adapters never re-serialise them. */
export interface MockResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array;
}

/** JSON serialised compactly, with `/` escaped as `\/` the way WeChat's servers emit it. */
export function escapeSlashes(json: string): string {
  return json.replaceAll('/', '\\/');
}

/** Builds a JSON response with the given content type (`application/json` by default). */
export function json(
  value: unknown,
  init: { status?: number; contentType?: string; headers?: Record<string, string> } = {},
): MockResponse {
  return {
    status: init.status ?? 200,
    headers: { 'content-type': init.contentType ?? 'application/json', ...init.headers },
    body: JSON.stringify(value),
  };
}

/** Builds a `text/html; charset=utf-8` response. */
export function html(
  body: string,
  status = 200,
  headers: Record<string, string> = {},
): MockResponse {
  return { status, headers: { 'content-type': 'text/html; charset=utf-8', ...headers }, body };
}

/** Builds a text response with an explicit content type (WeChat uses bare `text/plain`). */
export function text(
  body: string,
  contentType = 'text/plain; charset=utf-8',
  status = 200,
  headers: Record<string, string> = {},
): MockResponse {
  return { status, headers: { 'content-type': contentType, ...headers }, body };
}

/** Builds a binary response. */
export function bytes(body: Uint8Array, contentType: string, status = 200): MockResponse {
  return { status, headers: { 'content-type': contentType }, body };
}

/** Builds a 302 redirect. */
export function redirect(location: string, status = 302): MockResponse {
  return { status, headers: { location, 'content-type': 'text/html; charset=utf-8' }, body: '' };
}

/**
 * QQ's JSONP body for a value: `callback( <json> );` followed by a newline, with exactly one space
 * inside each parenthesis. graph.qq.com serves it as `text/html`.
 */
export function jsonpText(value: unknown): string {
  return `callback( ${JSON.stringify(value)} );\n`;
}

/** What may stand in a URL's query as given: RFC 3986 unreserved and sub-delims, `:@/?%`. */
const URL_UNSAFE = /[^A-Za-z0-9\-._~!$'()*+,;=:@/?%]/gu;

/**
 * Percent-encodes the characters that cannot stand in a URL and leaves the rest as given, the way
 * the providers echo `state` into a callback. It works on code points, so a character outside the
 * BMP is encoded whole, and a lone surrogate (JSON input can carry one) becomes U+FFFD instead of
 * making `encodeURIComponent` throw.
 */
export function encodeUrlUnsafe(value: string): string {
  return value.replace(URL_UNSAFE, (c) => {
    try {
      return encodeURIComponent(c);
    } catch {
      return '%EF%BF%BD';
    }
  });
}

/** Reads a single parameter from the query string, then from a form or JSON body. */
export function param(req: MockRequest, name: string): string | undefined {
  const fromQuery = req.query.get(name);
  if (fromQuery !== null) return fromQuery;
  if (req.body.kind === 'form') return req.body.params.get(name) ?? undefined;
  if (req.body.kind === 'json') {
    const value = req.body.value;
    if (typeof value === 'object' && value !== null && Object.hasOwn(value, name)) {
      const field: unknown = (value as Record<string, unknown>)[name];
      if (typeof field === 'string') return field;
      if (typeof field === 'number' || typeof field === 'boolean') return String(field);
    }
  }
  return undefined;
}

/** Every value given for a parameter, from the query string and a form body together. */
export function paramAll(req: MockRequest, name: string): string[] {
  const values = req.query.getAll(name);
  if (req.body.kind === 'form') values.push(...req.body.params.getAll(name));
  return values;
}

/** The JSON body as a plain object, or undefined when the body is not a JSON object. */
export function jsonObject(req: MockRequest): Record<string, unknown> | undefined {
  if (req.body.kind !== 'json') return undefined;
  const value = req.body.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return value as Record<string, unknown>;
}

/** Options for {@link createRequest}, mostly for tests and in-process transports. */
export interface CreateRequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: RequestBody;
  remoteAddress?: string;
  signal?: AbortSignal;
}

/** Builds a {@link MockRequest} from a URL, for tests and for transports without sockets. */
export function createRequest(url: string | URL, init: CreateRequestInit = {}): MockRequest {
  const parsed = new URL(url);
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(init.headers ?? {})) headers[key.toLowerCase()] = value;
  return {
    method: (init.method ?? 'GET').toUpperCase(),
    url: parsed,
    headers,
    query: parsed.searchParams,
    body: init.body ?? { kind: 'none' },
    ...(init.remoteAddress === undefined ? {} : { remoteAddress: init.remoteAddress }),
    signal: init.signal ?? new AbortController().signal,
  };
}

/**
 * Deepest JSON nesting a body may have. Real request bodies nest a few levels; a body of 100 000
 * `[` parses fine but overflows the stack of anything that walks it recursively afterwards
 * (`JSON.stringify` in the journal, schema validation), so it is refused as invalid up front.
 */
export const MAX_JSON_DEPTH = 64;

/** Whether JSON text nests arrays and objects deeper than `limit` (strings are skipped). */
function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}

/**
 * Parses raw body bytes by content type. Never throws: undecodable input becomes `invalid`, so each
 * provider can answer it in its own error format.
 */
export function parseBody(raw: Uint8Array, contentType: string | undefined): RequestBody {
  if (raw.byteLength === 0) return { kind: 'none' };
  let textBody: string;
  try {
    textBody = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return { kind: 'invalid', reason: 'body is not valid UTF-8' };
  }
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/x-www-form-urlencoded') {
    return { kind: 'form', params: new URLSearchParams(textBody) };
  }
  if (type === 'application/json' || type.endsWith('+json')) {
    if (nestsDeeperThan(textBody, MAX_JSON_DEPTH)) {
      return { kind: 'invalid', reason: `body nests deeper than ${MAX_JSON_DEPTH} levels` };
    }
    try {
      return { kind: 'json', value: JSON.parse(textBody) as unknown };
    } catch {
      return { kind: 'invalid', reason: 'body is not valid JSON' };
    }
  }
  return { kind: 'text', text: textBody };
}
