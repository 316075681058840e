/**
 * `startIdmock`: every requested service in one process, on one clock and one seeded world.
 */
import { createNodeHandler, listen, type ListeningServer } from '../adapters/node-server/index.js';
import type { Clock } from '../core/clock.js';
import { IDMOCK_INVALID_ARGUMENT, IdmockError } from '../core/errors.js';
import type { Ids } from '../core/ids.js';
import type { Service } from '../core/router.js';
import type { Persona } from '../core/world.js';
import { createAdminClient, httpAdminTransport, type IdmockAdmin } from './admin-client.js';
import {
  resolveConfig,
  SERVICE_NAMES,
  type ConfigInput,
  type ResolvedConfig,
  type ServiceName,
} from './config.js';
import { configLayer, createInstance } from './instance.js';
import { START_ORDER } from './services.js';

/** Options of {@link startIdmock}. */
export interface StartOptions extends ConfigInput {
  /** Services to start (all by default). */
  services?: readonly ServiceName[];
  /** A fully resolved configuration; when given, the other config fields are ignored. */
  config?: ResolvedConfig;
  /** Replaces the CSPRNG for reproducible codes and tokens (tests only). */
  random?: (n: number) => Buffer;
  /** Receives unexpected errors (defaults to stderr). */
  logError?: (error: unknown) => void;
}

/** A running idmock. */
export interface RunningIdmock {
  readonly config: ResolvedConfig;
  readonly urls: Readonly<Partial<Record<ServiceName, string>>>;
  readonly clock: Clock;
  readonly ids: Ids;
  readonly personas: readonly Persona[];
  readonly services: Readonly<Partial<Record<ServiceName, Service>>>;
  /** Typed client of every service's mock-only endpoints (over HTTP). */
  readonly admin: IdmockAdmin;
  stop(): Promise<void>;
}

/**
 * Starts the services in-process. Ports default to 0 (free ports) for library use.
 * @example
 * const idmock = await startIdmock({ services: ['wechat'] });
 * console.log(idmock.urls.wechat); // http://127.0.0.1:41234
 * await idmock.stop();
 */
export async function startIdmock(options: StartOptions = {}): Promise<RunningIdmock> {
  const config =
    options.config ?? resolveConfig({ ports: { auth: 0, wechat: 0, qq: 0 } }, configLayer(options));
  const wanted = options.services ?? SERVICE_NAMES;
  for (const name of wanted) {
    if (!SERVICE_NAMES.includes(name)) {
      throw new IdmockError(
        IDMOCK_INVALID_ARGUMENT,
        `unknown service "${name}" (use ${SERVICE_NAMES.join(', ')})`,
      );
    }
  }
  const instance = await createInstance(config, {
    ...(options.random ? { random: options.random } : {}),
    ...(options.logError ? { logError: options.logError } : {}),
  });
  const { clock, ids, personas } = instance;
  const urls: Partial<Record<ServiceName, string>> = {};
  const services: Partial<Record<ServiceName, Service>> = {};
  const servers: ListeningServer[] = [];
  // In reverse start order: the auth server drains first, while the providers its in-flight
  // requests call are still there; then the providers; then the state file is flushed.
  const stop = async (): Promise<void> => {
    for (const server of [...servers].reverse()) await server.close();
    await instance.close();
  };
  try {
    for (const name of START_ORDER) {
      if (!wanted.includes(name)) continue;
      const service = await instance.build(name, urls);
      const server = await listen(service, { host: config.host, port: config.ports[name] });
      servers.push(server);
      urls[name] = server.url;
      services[name] = service;
    }
    await instance.ready();
  } catch (error) {
    await stop();
    throw error;
  }
  const admin = createAdminClient(httpAdminTransport(urls, { adminToken: config.adminToken }));
  return { config, urls, clock, ids, personas, services, admin, stop };
}

export { createNodeHandler };
