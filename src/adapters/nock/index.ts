/**
 * The nock transport: intercepts the providers' real origins (`https://open.weixin.qq.com`,
 * `https://api.weixin.qq.com`, `https://graph.qq.com`, ...) in-process and answers every request
 * with the same `dispatch` the HTTP servers use. One persistent catch-all interceptor per origin
 * and method turns the intercepted request into a {@link MockRequest}; nothing of any provider
 * lives here. nock 14 intercepts `node:http`/`node:https` clients and `fetch` alike.
 */
import nock from 'nock';
import type { Clock } from '../../core/clock.js';
import { IDMOCK_INVALID_ARGUMENT, IdmockError } from '../../core/errors.js';
import { isDroppedConnection } from '../../core/faults.js';
import { parseBody, type MockRequest } from '../../core/http.js';
import { dispatch, type Service } from '../../core/router.js';
import {
  createAdminClient,
  inProcessAdminTransport,
  type IdmockAdmin,
} from '../../runtime/admin-client.js';
import {
  resolveConfig,
  SERVICE_NAMES,
  type ConfigInput,
  type ResolvedConfig,
  type ServiceName,
} from '../../runtime/config.js';
import { configLayer, createInstance } from '../../runtime/instance.js';
import { SERVICE_BUILDERS, START_ORDER } from '../../runtime/services.js';

/** Methods each origin answers (nock matches one method per interceptor). */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** Options of {@link interceptWithNock}. */
export interface InterceptOptions extends ConfigInput {
  /**
   * Services to intercept (default: every service with real hosts, i.e. the providers). Services
   * without real hosts, such as the auth server, cannot be intercepted.
   */
  services?: readonly ServiceName[];
  /**
   * Serve the services of a running idmock instead of building new ones: the same world, clock,
   * faults and journal as its HTTP servers.
   */
  idmock?: {
    readonly services: Readonly<Partial<Record<ServiceName, Service>>>;
    readonly clock: Clock;
  };
  /** A fully resolved configuration; when given, the other config fields are ignored. */
  config?: ResolvedConfig;
  /** Replaces the CSPRNG for reproducible codes and tokens (tests only). */
  random?: (n: number) => Buffer;
  /** Receives unexpected errors (defaults to stderr). */
  logError?: (error: unknown) => void;
}

/** Interceptors registered by {@link interceptWithNock}. */
export interface NockInterception {
  /** The intercepted origins, e.g. `https://api.weixin.qq.com`. */
  readonly origins: readonly string[];
  /** The services answering them. */
  readonly services: Readonly<Partial<Record<ServiceName, Service>>>;
  readonly clock: Clock;
  /** The admin client, talking to the services in-process. */
  readonly admin: IdmockAdmin;
  /** Removes exactly the interceptors this call registered; other nock mocks stay. */
  restore(): void;
}

function headersOf(req: nock.ReplyFnContext['req']): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.getHeaders())) {
    if (value === undefined) continue;
    headers[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return headers;
}

/**
 * Rebuilds the raw body: nock hands over text, or the decoded JSON of a JSON request. JSON too
 * deep to serialise again is refused by `parseBody` anyway, so it becomes an unparsable body.
 */
function rawBody(body: nock.Body | undefined): Buffer {
  if (body === undefined || body === '') return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  try {
    return Buffer.from(JSON.stringify(body), 'utf8');
  } catch {
    return Buffer.from('{', 'utf8');
  }
}

/** Builds the {@link MockRequest} of an intercepted request to a real origin. */
export function toMockRequest(
  origin: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: nock.Body | undefined,
): MockRequest {
  const url = new URL(path, origin);
  return {
    method: method.toUpperCase(),
    url,
    headers,
    query: url.searchParams,
    body: parseBody(rawBody(body), headers['content-type']),
    signal: new AbortController().signal,
  };
}

function dropError(): Error {
  return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
}

function register(
  origin: string,
  service: Service,
): { scope: nock.Scope; all: nock.Interceptor[] } {
  const scope = nock(origin).persist();
  const all: nock.Interceptor[] = [];
  for (const method of METHODS) {
    const interceptor = scope
      .intercept(() => true, method)
      .query(true)
      .optionally();
    interceptor.reply(async function reply(this: nock.ReplyFnContext, uri, body) {
      const req = toMockRequest(origin, method, uri, headersOf(this.req), body);
      const response = await dispatch(service, req);
      // A rejected reply makes nock destroy the request: the client sees a reset connection.
      if (isDroppedConnection(response)) throw dropError();
      const payload =
        method === 'HEAD'
          ? ''
          : typeof response.body === 'string'
            ? response.body
            : Buffer.from(response.body);
      return [response.status, payload, { ...response.headers }] as const;
    });
    all.push(interceptor);
  }
  return { scope, all };
}

/**
 * Intercepts the providers' real hosts with nock, answered in-process by the simulation core.
 * Builds the services like `startIdmock` does (same config layers, world, scenarios and state
 * file) unless `idmock` hands over a running instance's services.
 * @example
 * import nock from 'nock';
 * import { interceptWithNock } from 'idmock/nock';
 *
 * nock.disableNetConnect();
 * const wechat = await interceptWithNock({ services: ['wechat'] });
 * const { code } = await wechat.admin.wechat.authorize({ appid, user: 'zhang-wei', scope: 'snsapi_login', redirect_uri });
 * const token = await fetch(`https://api.weixin.qq.com/sns/oauth2/access_token?appid=${appid}&secret=${secret}&code=${code}&grant_type=authorization_code`);
 * wechat.restore();
 */
export async function interceptWithNock(options: InterceptOptions = {}): Promise<NockInterception> {
  const wanted = options.services ?? SERVICE_NAMES;
  for (const name of wanted) {
    if (!SERVICE_NAMES.includes(name)) {
      throw new IdmockError(
        IDMOCK_INVALID_ARGUMENT,
        `unknown service "${name}" (use ${SERVICE_NAMES.join(', ')})`,
      );
    }
  }
  let services: Partial<Record<ServiceName, Service>>;
  let clock: Clock;
  if (options.idmock) {
    services = {};
    for (const name of wanted) {
      const service = options.idmock.services[name];
      if (service && Object.keys(service.hosts).length > 0) services[name] = service;
    }
    clock = options.idmock.clock;
  } else {
    const config = options.config ?? resolveConfig(configLayer(options));
    const instance = await createInstance(config, {
      ...(options.random ? { random: options.random } : {}),
      ...(options.logError ? { logError: options.logError } : {}),
    });
    services = {};
    // Only services with real hosts can be intercepted, so the auth server is never built here.
    for (const name of START_ORDER) {
      if (!wanted.includes(name) || name === 'auth' || !SERVICE_BUILDERS[name]) continue;
      services[name] = await instance.build(name, {});
    }
    await instance.ready();
    clock = instance.clock;
  }
  const missing = (options.services ?? []).filter((name) => !services[name]);
  if (missing.length > 0) {
    throw new IdmockError(
      IDMOCK_INVALID_ARGUMENT,
      `cannot intercept ${missing.join(', ')}: only services with real hosts (the providers) can be`,
    );
  }
  if (!nock.isActive()) nock.activate();
  const origins: string[] = [];
  const registered: { scope: nock.Scope; all: nock.Interceptor[] }[] = [];
  for (const service of Object.values(services)) {
    for (const host of Object.keys(service.hosts)) {
      const origin = `https://${host}`;
      origins.push(origin);
      registered.push(register(origin, service));
    }
  }
  let restored = false;
  return {
    origins,
    services,
    clock,
    admin: createAdminClient(inProcessAdminTransport(services)),
    restore() {
      if (restored) return;
      restored = true;
      for (const { scope, all } of registered) {
        // A persisted scope keeps removed interceptors listed; these scopes are ours alone.
        scope.persist(false);
        for (const interceptor of all) nock.removeInterceptor(interceptor);
      }
    },
  };
}
