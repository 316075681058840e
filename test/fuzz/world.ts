/**
 * Three services wired together in one process with no socket: the auth server reaches the
 * WeChat and QQ mocks through `dispatch` (its injectable `fetch`), so tests of all three run at
 * `dispatch` speed and never touch a port that something else might be listening on.
 */
import { createAuthService, loadAuthWorld } from '../../src/auth-server/index.js';
import type { FetchLike } from '../../src/auth-server/clients/provider-http.js';
import { attachControls } from '../../src/core/controls.js';
import { isDroppedConnection } from '../../src/core/faults.js';
import { createRequest, parseBody } from '../../src/core/http.js';
import { dispatch, type Service } from '../../src/core/router.js';
import { resolveConfig, type ConfigInput } from '../../src/runtime/config.js';
import { createInstance, type Instance } from '../../src/runtime/instance.js';

/** The services of an in-process world. */
export type ServiceName = 'wechat' | 'qq' | 'auth';

/** An in-process world. */
export interface InProcessWorld {
  readonly services: Readonly<Record<ServiceName, Service>>;
  readonly instance: Instance;
  /** Unexpected exceptions the services logged. */
  readonly crashes: unknown[];
}

/** Options of {@link createInProcessWorld}. */
export interface WorldOptions {
  readonly config?: ConfigInput;
  /** Replaces the CSPRNG (default: the real one). */
  readonly random?: (n: number) => Buffer;
}

const PROVIDER_HOSTS: Readonly<Record<string, 'wechat' | 'qq'>> = {
  'wechat.in-process.test': 'wechat',
  'qq.in-process.test': 'qq',
};

/** Builds the three services the way `startIdmock` does, minus the sockets. */
export async function createInProcessWorld(options: WorldOptions = {}): Promise<InProcessWorld> {
  const crashes: unknown[] = [];
  const config = resolveConfig(options.config);
  const instance = await createInstance(config, {
    ...(options.random ? { random: options.random } : {}),
    logError: (error) => crashes.push(error),
  });
  const wechat = await instance.build('wechat', {});
  const qq = await instance.build('qq', {});
  const providers = { wechat, qq };
  const fetchInProcess: FetchLike = async (url, init) => {
    const target = new URL(url);
    const service = providers[PROVIDER_HOSTS[target.hostname] ?? 'wechat'];
    const response = await dispatch(
      service,
      createRequest(target, { headers: init.headers ?? {}, remoteAddress: '127.0.0.1' }),
    );
    if (isDroppedConnection(response)) throw new TypeError('fetch failed');
    return new Response(response.body, { status: response.status, headers: response.headers });
  };
  const auth = createAuthService({
    clock: instance.clock,
    ids: instance.ids,
    world: await loadAuthWorld(config.worldDir, instance.personas),
    settings: config.auth,
    adminToken: config.adminToken,
    providerUrls: { wechat: 'http://wechat.in-process.test', qq: 'http://qq.in-process.test' },
    fetch: fetchInProcess,
    logError: (error) => crashes.push(error),
  }) as unknown as Service;
  attachControls(auth, {
    journalLimit: config.journalLimit,
    adminToken: config.adminToken,
    clock: instance.clock,
    scenarios: instance.scenarios,
  });
  return { services: { wechat, qq, auth }, instance, crashes };
}

/** A parsed answer of {@link call}. */
export interface CallResult {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
  /** The body parsed as JSON, typed as the test expects it (unchecked, on purpose). */
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
  json<T = Record<string, unknown>>(): T;
}

/** Sends one request through `dispatch` from loopback, with an optional JSON or form body. */
export async function call(
  service: Service,
  method: string,
  path: string,
  init: {
    json?: unknown;
    form?: Record<string, string>;
    headers?: Record<string, string>;
    remoteAddress?: string;
  } = {},
): Promise<CallResult> {
  const body =
    init.json !== undefined
      ? parseBody(Buffer.from(JSON.stringify(init.json)), 'application/json')
      : init.form !== undefined
        ? parseBody(
            Buffer.from(new URLSearchParams(init.form).toString()),
            'application/x-www-form-urlencoded',
          )
        : undefined;
  const response = await dispatch(
    service,
    createRequest(`http://localhost${path}`, {
      method,
      headers: init.headers ?? {},
      remoteAddress: init.remoteAddress ?? '127.0.0.1',
      ...(body ? { body } : {}),
    }),
  );
  const text =
    typeof response.body === 'string' ? response.body : Buffer.from(response.body).toString();
  return {
    status: response.status,
    headers: response.headers,
    text,
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
    json: <T>() => JSON.parse(text) as T,
  };
}
