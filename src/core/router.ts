/**
 * Routes as data and the one dispatcher every transport calls. A route names a logical host
 * (`open`, `lp`, `api` for WeChat, `graph` for QQ), a method and a path; `dispatch` matches, runs the
 * handler, and turns every thrown error into the provider's own wire format.
 */
import type { MockRequest, MockResponse } from './http.js';
import { ProviderError } from './errors.js';
import { MockApiError, renderMockApiError } from './mock-api.js';
import { dispatchWithControls } from './controls.js';

/** Path parameters captured by `:name` segments. */
export type PathParams = Readonly<Record<string, string>>;

/** A handler: plain request in, plain response out. */
export type Handler<Ctx> = (
  req: MockRequest,
  ctx: Ctx,
  params: PathParams,
) => MockResponse | Promise<MockResponse>;

/** One row of a route table. */
export interface Route<Ctx> {
  /** Logical host, or `*` for every host of the service (mock-only endpoints). */
  readonly host: string;
  readonly method: string;
  /** Literal path with optional `:name` segments. */
  readonly path: string;
  /** Stable endpoint name used by faults and the journal, e.g. `wechat.exchangeCode`. */
  readonly name: string;
  readonly handler: Handler<Ctx>;
}

/** Builds a route row. */
export function route<Ctx>(
  host: string,
  method: string,
  path: string,
  name: string,
  handler: Handler<Ctx>,
): Route<Ctx> {
  return { host, method: method.toUpperCase(), path, name, handler };
}

/** What went wrong before or around a handler, rendered by the service in its own format. */
export type RouterErrorKind =
  'not-found' | 'method-not-allowed' | 'payload-too-large' | 'bad-request' | 'internal';

/** A simulated service: its routes, its context, and how it renders errors. */
export interface Service<Ctx = unknown> {
  readonly name: string;
  readonly routes: readonly Route<Ctx>[];
  readonly context: Ctx;
  /** Real hostnames mapped to logical hosts, e.g. `{'api.weixin.qq.com': 'api'}`. */
  readonly hosts: Readonly<Record<string, string>>;
  renderError(error: ProviderError, req: MockRequest): MockResponse;
  renderRouterError(kind: RouterErrorKind, req: MockRequest): MockResponse;
  /** Called with unexpected exceptions; the client only ever sees a generic error. */
  logError?(error: unknown, req: MockRequest): void;
  /** Error catalogue that faults answer from by key (rendered with `renderError`). */
  readonly faultCatalogue?: Readonly<Record<string, unknown>>;
  /**
   * The value of a fault-scope key for a request as the service knows it: `persona`, or an app id
   * (`appid`, `client_id`) behind the request's code or token when it does not carry the id itself.
   */
  scopeOf?(req: MockRequest, key: string): string | undefined;
  /** A JSON-safe copy of all mutable state. */
  snapshot?(): unknown;
  /** Validates a snapshot, then replaces all state; returns problems and changes nothing if any. */
  restore?(data: unknown): readonly string[];
  /** Back to the freshly seeded state. */
  reset?(): void;
}

/** A route table prepared for lookups: literal paths by map, parameterised ones in order. */
interface RouteIndex<Ctx> {
  /** Routes of each literal path, with their position in the table. */
  readonly literal: ReadonlyMap<string, readonly IndexedRoute<Ctx>[]>;
  /** Routes with `:name` segments, in table order. */
  readonly parameterised: readonly IndexedRoute<Ctx>[];
}

interface IndexedRoute<Ctx> {
  readonly route: Route<Ctx>;
  readonly position: number;
  readonly segments: readonly string[];
  /** The literal start of the path, up to its first `:name` segment: a cheap first test. */
  readonly prefix: string;
}

const indexes = new WeakMap<readonly Route<unknown>[], RouteIndex<unknown>>();

/**
 * The index of a route table, built on first use. Tables are fixed once a service exists, so the
 * index lives as long as the table and every lookup after the first is a map hit.
 */
function indexOf<Ctx>(routes: readonly Route<Ctx>[]): RouteIndex<Ctx> {
  const cached = indexes.get(routes as readonly Route<unknown>[]);
  if (cached) return cached;
  const literal = new Map<string, IndexedRoute<Ctx>[]>();
  const parameterised: IndexedRoute<Ctx>[] = [];
  routes.forEach((candidate, position) => {
    const segments = candidate.path.split('/');
    const firstParam = segments.findIndex((segment) => segment.startsWith(':'));
    const prefix = firstParam < 0 ? candidate.path : `${segments.slice(0, firstParam).join('/')}/`;
    const entry = { route: candidate, position, segments, prefix };
    if (firstParam >= 0) parameterised.push(entry);
    else literal.set(candidate.path, [...(literal.get(candidate.path) ?? []), entry]);
  });
  const index: RouteIndex<Ctx> = { literal, parameterised };
  indexes.set(routes as readonly Route<unknown>[], index as RouteIndex<unknown>);
  return index;
}

const NO_PARAMS: PathParams = Object.freeze({});

function matchSegments(
  pattern: readonly string[],
  actual: readonly string[],
): PathParams | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i] ?? '';
    const got = actual[i] ?? '';
    if (expected.startsWith(':')) {
      if (got === '') return undefined;
      let decoded: string;
      try {
        decoded = decodeURIComponent(got);
      } catch {
        return undefined;
      }
      params[expected.slice(1)] = decoded;
    } else if (expected !== got) {
      return undefined;
    }
  }
  return params;
}

/** Result of {@link findRoute}. */
export type RouteLookup<Ctx> =
  | { readonly kind: 'found'; readonly route: Route<Ctx>; readonly params: PathParams }
  | { readonly kind: 'method-not-allowed' }
  | { readonly kind: 'not-found' };

const METHOD_NOT_ALLOWED = Object.freeze({ kind: 'method-not-allowed' as const });
const NOT_FOUND = Object.freeze({ kind: 'not-found' as const });

/**
 * Finds the route for a request. When the request's hostname is one of the service's real hosts,
 * only that logical host's routes match; on a plain port every host's paths are served together.
 * When several routes match, the first in the table wins.
 */
export function findRoute<Ctx>(
  service: Pick<Service<Ctx>, 'routes' | 'hosts'>,
  req: MockRequest,
): RouteLookup<Ctx> {
  const index = indexOf(service.routes);
  const logicalHost = service.hosts[req.url.hostname];
  const method = req.method === 'HEAD' ? 'GET' : req.method;
  const pathname = req.url.pathname;
  let pathMatched = false;
  let found: IndexedRoute<Ctx> | undefined;
  let params: PathParams = NO_PARAMS;
  for (const entry of index.literal.get(pathname) ?? NO_ENTRIES) {
    if (!onHost(entry.route, logicalHost)) continue;
    pathMatched = true;
    if (entry.route.method === method) {
      found = entry;
      break;
    }
  }
  let actual: readonly string[] | undefined;
  for (const entry of index.parameterised) {
    if (found !== undefined && entry.position > found.position) break;
    if (!pathname.startsWith(entry.prefix) || !onHost(entry.route, logicalHost)) continue;
    actual ??= pathname.split('/');
    const matched = matchSegments(entry.segments, actual);
    if (!matched) continue;
    pathMatched = true;
    if (entry.route.method === method) {
      found = entry;
      params = matched;
      break;
    }
  }
  if (found) return { kind: 'found', route: found.route, params };
  return pathMatched ? METHOD_NOT_ALLOWED : NOT_FOUND;
}

const NO_ENTRIES: readonly never[] = Object.freeze([]);

/** Whether a route serves the request's logical host (every host when it came to a plain port). */
function onHost(candidate: { readonly host: string }, logicalHost: string | undefined): boolean {
  return logicalHost === undefined || candidate.host === '*' || candidate.host === logicalHost;
}

/**
 * Runs a request through a service. Never throws: provider errors are rendered by the provider,
 * anything unexpected becomes the service's generic internal error, with details only in the log.
 * Every transport calls this, so faults, the journal, state commits and the control endpoints
 * (`controls.ts`) apply to all of them alike.
 */
export async function dispatch<Ctx>(
  service: Service<Ctx>,
  req: MockRequest,
): Promise<MockResponse> {
  return dispatchWithControls(service, req);
}

/**
 * {@link dispatch} for transports that can write an answer in the same tick: the response itself
 * when nothing had to be awaited, else a promise of it. Never throws or rejects.
 */
export function dispatchNow<Ctx>(
  service: Service<Ctx>,
  req: MockRequest,
): MockResponse | Promise<MockResponse> {
  return dispatchWithControls(service, req);
}

function renderThrown<Ctx>(service: Service<Ctx>, error: unknown, req: MockRequest): MockResponse {
  if (error instanceof ProviderError) return service.renderError(error, req);
  if (error instanceof MockApiError) return renderMockApiError(error);
  service.logError?.(error, req);
  return service.renderRouterError('internal', req);
}

/**
 * Runs one matched route's handler, rendering its errors; never throws. Answers synchronously when
 * the handler does.
 */
export function runRouteNow<Ctx>(
  service: Service<Ctx>,
  found: { readonly route: Route<Ctx>; readonly params: PathParams },
  req: MockRequest,
): MockResponse | Promise<MockResponse> {
  let result: MockResponse | Promise<MockResponse>;
  try {
    result = found.route.handler(req, service.context, found.params);
  } catch (error) {
    return renderThrown(service, error, req);
  }
  if (result instanceof Promise) {
    return result.then(undefined, (error: unknown) => renderThrown(service, error, req));
  }
  return result;
}
