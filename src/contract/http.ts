/**
 * The small HTTP client state handlers use to reach an implementation: its mock-only endpoints
 * (`/__mock/...`, JSON) and its public endpoints (whatever body the provider speaks). Failures
 * throw errors whose message says which call failed and why, because that message ends up in the
 * verification report next to the interaction whose state could not be set up.
 */

/** An answer read as text. */
export interface TextAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
}

/** Talks to one base URL. */
export interface TargetHttp {
  readonly baseUrl: string;
  /** Any request; never throws on an HTTP status, only when the target cannot be reached. */
  request(method: string, path: string, options?: RequestOptions): Promise<TextAnswer>;
  /** GET a `/__mock/` endpoint and parse its JSON; non-2xx throws. */
  getMock(path: string): Promise<unknown>;
  /** POST JSON to a `/__mock/` endpoint and parse its JSON answer; non-2xx throws. */
  postMock(path: string, body: unknown): Promise<unknown>;
}

/** Options of {@link TargetHttp.request}. */
export interface RequestOptions {
  readonly query?: Readonly<Record<string, string>>;
  readonly json?: unknown;
  /** Sends the admin token (mock-only endpoints). */
  readonly admin?: boolean;
}

/** Creates the client. */
export function targetHttp(
  baseUrl: string,
  options: { readonly adminToken?: string; readonly timeoutMs: number },
): TargetHttp {
  const base = baseUrl.replace(/\/+$/, '');
  const request = async (
    method: string,
    path: string,
    request: RequestOptions = {},
  ): Promise<TextAnswer> => {
    const url = new URL(`${base}${path}`);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      url.searchParams.set(key, value);
    }
    const headers: Record<string, string> = {};
    if (request.json !== undefined) headers['content-type'] = 'application/json';
    if (request.admin === true && options.adminToken !== undefined) {
      headers['authorization'] = `Bearer ${options.adminToken}`;
    }
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        ...(request.json === undefined ? {} : { body: JSON.stringify(request.json) }),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      throw new Error(`${method} ${url.pathname} could not reach ${base}: ${reasonOf(error)}`, {
        cause: error,
      });
    }
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      text: await response.text(),
    };
  };
  const mockCall = async (method: string, path: string, json?: unknown): Promise<unknown> => {
    const answer = await request(method, path, {
      admin: true,
      ...(json === undefined ? {} : { json }),
    });
    if (answer.status < 200 || answer.status > 299) {
      throw new Error(`${method} ${path} answered ${answer.status}: ${answer.text.slice(0, 300)}`);
    }
    try {
      return JSON.parse(answer.text) as unknown;
    } catch {
      throw new Error(`${method} ${path} answered something other than JSON`);
    }
  };
  return {
    baseUrl: base,
    request,
    getMock: (path) => mockCall('GET', path),
    postMock: (path, body) => mockCall('POST', path, body),
  };
}

/** A short reason for a failed fetch: the system error code when there is one. */
export function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'no answer in time';
  const cause = error.cause;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code === undefined ? cause.message : `${code} ${cause.message}`;
  }
  return error.message;
}

/** A JSON object's field, or undefined when the value is not an object. */
export function fieldOf(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

/** A state parameter that must be a non-empty string. */
export function stringParam(params: Readonly<Record<string, unknown>>, name: string): string {
  const value = params[name];
  if (typeof value !== 'string' || value === '') {
    throw new Error(`state parameter "${name}" is missing (got ${JSON.stringify(value)})`);
  }
  return value;
}

/** Parses JSON, or JSON wrapped as QQ's `callback( … );` JSONP. */
export function parseProviderJson(text: string): unknown {
  const inner = /^\s*callback\(\s*([\s\S]*?)\s*\);?\s*$/.exec(text)?.[1] ?? text;
  try {
    return JSON.parse(inner) as unknown;
  } catch {
    return undefined;
  }
}
