/**
 * Faults: rules that make the next N calls (or every call) of a named endpoint answer a provider
 * error from the service's own catalogue, a bare HTTP status, a delay, or a dropped connection.
 * `dispatch` applies them to every service's real routes, whatever the transport; mock-only routes
 * (`/__mock/...`) are never faulted, so a test can always reach the controls it needs.
 */
import * as z from 'zod';
import { parseDuration } from './duration.js';
import { ProviderError } from './errors.js';
import { param, type MockRequest, type MockResponse } from './http.js';
import type { Service } from './router.js';
import { formatIssues } from './validation.js';

/** The kinds of fault, in the order they are documented. */
export const FAULT_KINDS = ['error', 'status', 'delay', 'drop'] as const;
/** One fault kind. */
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Longest delay a fault may add (10 minutes). */
export const MAX_FAULT_DELAY_MS = 600_000;

const scopeKey = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'must be a parameter name such as appid or client_id');

/** The fields of a fault as clients send them, shared with scenario steps. */
export const faultFields = {
  /** Route name (`wechat.exchangeCode`), a prefix pattern (`wechat.*`) or `*`. */
  route: z.string().min(1).max(128),
  /** A key of the service's error catalogue (WeChat: `minuteQuota`, `systemError`, ...). */
  error: z.string().min(1).max(64).optional(),
  /** A bare HTTP status answered instead of the endpoint. */
  status: z.number().int().min(100).max(599).optional(),
  /** Body of a `status` fault (default: the status line as text). */
  body: z.string().max(65_536).optional(),
  /** Content type of a `status` fault's body (default `text/plain; charset=utf-8`). */
  contentType: z.string().min(1).max(128).optional(),
  /** Delay before the endpoint answers normally: milliseconds, or a duration such as `"2s"`. */
  delay: z.union([z.number().int().min(0).max(MAX_FAULT_DELAY_MS), z.string().max(32)]).optional(),
  /** Drop the connection without answering. */
  drop: z.literal(true).optional(),
  /** How many matching calls the fault answers (default 1), or `"always"`. */
  times: z.union([z.number().int().min(1).max(1_000_000), z.literal('always')]).default(1),
  /**
   * Only calls whose parameters match: e.g. `{"appid": "wx..."}`, `{"client_id": "101..."}` (also
   * the app behind the call's code or token), or `{"persona": "zhang-wei"}` (the persona behind
   * the code, token, openid or user of the call).
   */
  scope: z.record(scopeKey, z.string().max(256)).default({}),
};

/** Schema of `POST /__mock/faults`. */
export const faultInputSchema = z.strictObject(faultFields);

/** A fault as a client writes it (`times` defaults to 1, `scope` to every call). */
export type FaultInput = z.input<typeof faultInputSchema>;

/** What a fault does. */
export type FaultEffect =
  | { readonly kind: 'error'; readonly error: string }
  | {
      readonly kind: 'status';
      readonly status: number;
      readonly body: string;
      readonly contentType: string;
    }
  | { readonly kind: 'delay'; readonly delayMs: number }
  | { readonly kind: 'drop' };

/** A stored fault rule, as listed by `GET /__mock/faults`. */
export interface Fault {
  readonly id: string;
  readonly route: string;
  readonly effect: FaultEffect;
  readonly times: number | 'always';
  /** Calls still to be answered, or null for `always`. */
  readonly remaining: number | null;
  readonly scope: Readonly<Record<string, string>>;
  /** How many calls it has answered so far. */
  readonly hits: number;
}

/** Raised when a fault does not fit the service; `problems` lists every reason. */
export class FaultValidationError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(problems.join('; '));
    this.name = 'FaultValidationError';
    this.problems = problems;
  }
}

/** A response that adapters must not write: they close the connection instead. */
export interface DroppedConnection extends MockResponse {
  readonly status: 0;
  readonly dropConnection: true;
}

/**
 * The response of a dropped connection. Status 0 is what browsers report for a network error;
 * the `connection: close` header keeps older adapters that only look at headers safe.
 */
export function dropConnection(): DroppedConnection {
  return { status: 0, headers: { connection: 'close' }, body: '', dropConnection: true };
}

/** Whether a response asks the adapter to drop the connection. */
export function isDroppedConnection(response: MockResponse): response is DroppedConnection {
  return (response as Partial<DroppedConnection>).dropConnection === true;
}

const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Whether a route is mock-only (never faulted, guarded by the admin token off loopback). */
export function isMockOnlyPath(path: string): boolean {
  return path.startsWith('/__mock/');
}

/** Whether a route name matches a fault's route pattern (`name`, `prefix.*` or `*`). */
export function routeMatches(pattern: string, name: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return name.startsWith(pattern.slice(0, -1));
  return pattern === name;
}

/** Names of the routes of a service that faults may target, in table order. */
export function faultableRoutes(service: Service): string[] {
  const names = new Set<string>();
  for (const candidate of service.routes) {
    if (!isMockOnlyPath(candidate.path)) names.add(candidate.name);
  }
  return [...names];
}

/**
 * A scope key's value for a request: the persona as the service resolves it (else the `user`
 * parameter); any other key from the request's parameters, else as the service resolves it (the
 * app behind a token on an endpoint that takes no app id).
 */
function scopeValue(service: Service, req: MockRequest, key: string): string | undefined {
  if (key === 'persona') return service.scopeOf?.(req, key) ?? param(req, 'user');
  return param(req, key) ?? service.scopeOf?.(req, key);
}

interface StoredFault {
  readonly id: string;
  readonly route: string;
  readonly effect: FaultEffect;
  readonly times: number | 'always';
  remaining: number | null;
  readonly scope: Readonly<Record<string, string>>;
  hits: number;
}

function view(rule: StoredFault): Fault {
  return {
    id: rule.id,
    route: rule.route,
    effect: rule.effect,
    times: rule.times,
    remaining: rule.remaining,
    scope: { ...rule.scope },
    hits: rule.hits,
  };
}

/** The faults of one service. */
export interface FaultStore {
  /** Validates a fault against the service and stores it; throws {@link FaultValidationError}. */
  add(input: unknown, service: Service): Fault;
  list(): Fault[];
  /** Removes one fault; false when there was none with that id. */
  remove(id: string): boolean;
  /** Removes every fault and answers how many there were. */
  clear(): number;
  /**
   * Takes the faults that apply to one call, consuming one use of each: every matching delay,
   * then the first matching error, status or drop.
   */
  take(routeName: string, req: MockRequest, service: Service): readonly Fault[];
}

/** Turns a validated input into its effect, listing problems against the service. */
function effectOf(
  input: z.output<typeof faultInputSchema>,
  service: Service,
  problems: string[],
): FaultEffect | undefined {
  const given = [
    input.error !== undefined ? 'error' : undefined,
    input.status !== undefined ? 'status' : undefined,
    input.delay !== undefined ? 'delay' : undefined,
    input.drop !== undefined ? 'drop' : undefined,
  ].filter((kind) => kind !== undefined);
  if (given.length !== 1) {
    problems.push(
      `give exactly one of error, status, delay or drop (got ${given.length === 0 ? 'none' : given.join(', ')})`,
    );
    return undefined;
  }
  if ((input.body !== undefined || input.contentType !== undefined) && input.status === undefined) {
    problems.push('body and contentType only go with status');
  }
  if (input.error !== undefined) {
    const catalogue = service.faultCatalogue;
    if (!catalogue) {
      problems.push(`error: the ${service.name} service has no error catalogue; use status`);
    } else if (!Object.hasOwn(catalogue, input.error)) {
      problems.push(
        `error: "${input.error}" is not a ${service.name} catalogue key (one of ${Object.keys(catalogue).join(', ')})`,
      );
    }
    return { kind: 'error', error: input.error };
  }
  if (input.status !== undefined) {
    return {
      kind: 'status',
      status: input.status,
      body: input.body ?? `${input.status} ${REASONS[input.status] ?? 'Error'}`,
      contentType: input.contentType ?? 'text/plain; charset=utf-8',
    };
  }
  if (input.delay !== undefined) {
    const delayMs = typeof input.delay === 'number' ? input.delay : parseDuration(input.delay);
    if (delayMs === undefined || delayMs > MAX_FAULT_DELAY_MS) {
      problems.push(
        `delay: "${String(input.delay)}" is not a delay up to 10 minutes (milliseconds, or "500ms", "2s")`,
      );
      return undefined;
    }
    return { kind: 'delay', delayMs };
  }
  return { kind: 'drop' };
}

/**
 * Checks a fault against a service without storing it: the body's shape, that the route pattern
 * names at least one endpoint, and that an error key is in the service's catalogue.
 */
export function checkFault(
  raw: unknown,
  service: Service,
):
  | { ok: true; input: z.output<typeof faultInputSchema>; effect: FaultEffect }
  | { ok: false; problems: string[] } {
  const parsed = faultInputSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, problems: formatIssues(parsed.error) };
  const input = parsed.data;
  const problems: string[] = [];
  const routes = faultableRoutes(service);
  if (!routes.some((name) => routeMatches(input.route, name))) {
    problems.push(
      `route: "${input.route}" matches no ${service.name} endpoint (one of ${routes.join(', ')}, a prefix such as "${service.name}.*", or "*")`,
    );
  }
  const effect = effectOf(input, service, problems);
  if (problems.length > 0 || effect === undefined) return { ok: false, problems };
  return { ok: true, input, effect };
}

const NO_FAULTS: readonly Fault[] = Object.freeze([]);

/**
 * Creates the fault store of one service.
 * @example
 * const faults = createFaultStore();
 * faults.add({ route: 'wechat.exchangeCode', error: 'minuteQuota', times: 2 }, wechat);
 */
export function createFaultStore(): FaultStore {
  const rules: StoredFault[] = [];
  let next = 1;
  return {
    add(raw, service) {
      const checked = checkFault(raw, service);
      if (!checked.ok) throw new FaultValidationError(checked.problems);
      const { input, effect } = checked;
      const rule: StoredFault = {
        id: `f${next++}`,
        route: input.route,
        effect,
        times: input.times,
        remaining: input.times === 'always' ? null : input.times,
        scope: input.scope,
        hits: 0,
      };
      rules.push(rule);
      return view(rule);
    },
    list: () => rules.map(view),
    remove(id) {
      const index = rules.findIndex((rule) => rule.id === id);
      if (index < 0) return false;
      rules.splice(index, 1);
      return true;
    },
    clear() {
      const count = rules.length;
      rules.length = 0;
      return count;
    },
    take(routeName, req, service) {
      if (rules.length === 0) return NO_FAULTS;
      const taken: StoredFault[] = [];
      let terminal = false;
      for (const rule of rules) {
        if (!routeMatches(rule.route, routeName)) continue;
        const isDelay = rule.effect.kind === 'delay';
        if (terminal && !isDelay) continue;
        if (!scopeMatches(rule.scope, req, service)) continue;
        taken.push(rule);
        if (!isDelay) terminal = true;
      }
      for (const rule of taken) {
        rule.hits++;
        if (rule.remaining !== null) rule.remaining--;
      }
      for (let i = rules.length - 1; i >= 0; i--) if (rules[i]?.remaining === 0) rules.splice(i, 1);
      return taken.map(view);
    },
  };
}

function scopeMatches(
  scope: Readonly<Record<string, string>>,
  req: MockRequest,
  service: Service,
): boolean {
  for (const [key, expected] of Object.entries(scope)) {
    const actual = scopeValue(service, req, key);
    if (actual !== expected) return false;
  }
  return true;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Plays the faults taken for one call: waits out every delay, then answers the terminal fault's
 * response, or undefined so the endpoint answers normally.
 */
export async function playFaults(
  faults: readonly Fault[],
  req: MockRequest,
  service: Service,
): Promise<MockResponse | undefined> {
  const delaysFirst = [...faults].sort(
    (a, b) => Number(a.effect.kind !== 'delay') - Number(b.effect.kind !== 'delay'),
  );
  for (const fault of delaysFirst) {
    const effect = fault.effect;
    switch (effect.kind) {
      case 'delay':
        await sleep(effect.delayMs, req.signal);
        break;
      case 'drop':
        return dropConnection();
      case 'status':
        return {
          status: effect.status,
          headers: { 'content-type': effect.contentType },
          body: effect.body,
        };
      case 'error': {
        const spec = service.faultCatalogue?.[effect.error];
        return service.renderError(new ProviderError(effect.error, spec), req);
      }
    }
  }
  return undefined;
}
