/**
 * One idmock world in a process: the shared clock, ids and personas, and the services built on
 * them through `SERVICE_BUILDERS`, each with its controls attached, its saved state restored and
 * the configured scenarios applied. `startIdmock` (listening) and `interceptWithNock` (no socket)
 * both assemble their services here, so they behave the same.
 */
import { join } from 'node:path';
import { createClock, type Clock } from '../core/clock.js';
import { attachControls } from '../core/controls.js';
import { IDMOCK_INVALID_ARGUMENT, IDMOCK_INVALID_CONFIG, IdmockError } from '../core/errors.js';
import { createIds, type Ids } from '../core/ids.js';
import type { Service } from '../core/router.js';
import { createScenarioHost, ScenarioError, type ScenarioHost } from '../core/scenarios.js';
import {
  problemsAt,
  setClockOffset,
  STATE_FORMAT,
  STATE_VERSION,
  type StateDocument,
} from '../core/state.js';
import { loadPersonas, type Persona } from '../core/world.js';
import type { ConfigInput, ResolvedConfig, ServiceName } from './config.js';
import { SERVICE_BUILDERS } from './services.js';
import { createStateFile, readStateFile, type StateFile } from './state-file.js';

/** Options that are not configuration: what {@link configLayer} leaves out. */
const NOT_CONFIG = ['services', 'config', 'random', 'logError', 'idmock'] as const;

/**
 * The configuration layer of library options: everything but the keys that steer the library
 * itself (services, a resolved config, the random source, the error log).
 */
export function configLayer(options: object): ConfigInput {
  const steering: readonly string[] = NOT_CONFIG;
  return Object.fromEntries(Object.entries(options).filter(([key]) => !steering.includes(key)));
}

/** Options of {@link createInstance}. */
export interface InstanceOptions {
  /** Replaces the CSPRNG for reproducible codes and tokens (tests only). */
  readonly random?: (n: number) => Buffer;
  /** Receives unexpected errors (defaults to stderr). */
  readonly logError?: (error: unknown) => void;
}

/** An assembled world. */
export interface Instance {
  readonly config: ResolvedConfig;
  readonly clock: Clock;
  readonly ids: Ids;
  readonly personas: readonly Persona[];
  /** Services built so far, by name. */
  readonly services: Readonly<Partial<Record<ServiceName, Service>>>;
  readonly scenarios: ScenarioHost;
  readonly stateFile: StateFile | null;
  readonly logError: (error: unknown) => void;
  /**
   * Builds one service with its controls and saved state, ready to serve. `urls` are the URLs of
   * services already listening (the auth server calls the providers there).
   */
  build(name: ServiceName, urls: Readonly<Partial<Record<ServiceName, string>>>): Promise<Service>;
  /** Once every service is built: applies the configured scenarios and writes the state file. */
  ready(): Promise<void>;
  /** Waits for pending state-file writes. */
  close(): Promise<void>;
}

function defaultLogError(error: unknown): void {
  process.stderr.write(
    `[idmock] unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
}

/**
 * Creates the shared pieces of a world and, when configured, loads the state file.
 * @example
 * const instance = await createInstance(resolveConfig());
 * const wechat = await instance.build('wechat', {});
 * await instance.ready();
 */
export async function createInstance(
  config: ResolvedConfig,
  options: InstanceOptions = {},
): Promise<Instance> {
  const clock = createClock();
  const ids = createIds({
    seed: config.seed,
    ...(options.random ? { random: options.random } : {}),
  });
  const personas = await loadPersonas(config.worldDir, config.seed);
  const logError = options.logError ?? defaultLogError;
  const services: Partial<Record<ServiceName, Service>> = {};
  const scenarios = createScenarioHost({
    dir: join(config.worldDir, 'scenarios'),
    clock,
    services: () => services,
  });
  const saved = config.stateFile === null ? null : await readStateFile(config.stateFile);
  if (saved?.clock) setClockOffset(clock, saved.clock.offsetMs);

  const document = (): StateDocument => {
    const parts: Record<string, unknown> = {};
    // Parts of services not running in this process are kept as they were loaded.
    for (const [name, part] of Object.entries(saved?.services ?? {})) parts[name] = part;
    for (const [name, service] of Object.entries(services)) {
      if (service.snapshot) parts[name] = service.snapshot();
    }
    return {
      format: STATE_FORMAT,
      version: STATE_VERSION,
      clock: { offsetMs: clock.offset() },
      services: parts,
    };
  };
  const stateFile =
    config.stateFile === null ? null : await createStateFile(config.stateFile, document);
  if (stateFile) {
    clock.onAdvance(() => {
      stateFile.persist().catch(logError);
    });
  }

  return {
    config,
    clock,
    ids,
    personas,
    services,
    scenarios,
    stateFile,
    logError,
    async build(name, urls) {
      const builder = SERVICE_BUILDERS[name];
      if (!builder) {
        throw new IdmockError(IDMOCK_INVALID_ARGUMENT, `the ${name} service is not available`);
      }
      const service = await builder({ config, clock, ids, personas, urls, logError });
      attachControls(service, {
        journalLimit: config.journalLimit,
        adminToken: config.adminToken,
        clock,
        scenarios,
        ...(stateFile ? { commit: () => stateFile.persist() } : {}),
      });
      const part = saved?.services[name];
      if (part !== undefined && config.stateFile !== null) {
        const problems = service.restore
          ? service.restore(part)
          : ['(root): this service keeps no state'];
        if (problems.length > 0) {
          throw new IdmockError(
            IDMOCK_INVALID_CONFIG,
            `state file ${config.stateFile} is invalid:\n  ${problemsAt(name, problems).join('\n  ')}`,
          );
        }
      }
      services[name] = service;
      return service;
    },
    async ready() {
      for (const name of config.scenarios) {
        try {
          await scenarios.apply(name);
        } catch (error) {
          if (error instanceof ScenarioError) {
            throw new IdmockError(IDMOCK_INVALID_CONFIG, `--scenario ${name}: ${error.message}`, {
              cause: error,
            });
          }
          throw error;
        }
      }
      await stateFile?.persist();
    },
    async close() {
      await stateFile?.flush();
    },
  };
}
