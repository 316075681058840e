/**
 * The WeChat and QQ world the auth server under test and the harness share. The server validates
 * every token it is given against these mocks, and the harness makes those tokens (headless
 * consent, then the real code exchange), so both see the same users.
 *
 * Who starts them: either the harness (`idmock verify --target auth-server` without
 * `--wechat-url`/`--qq-url`: on 127.0.0.1:7701 and :7702 by default, where the server under test
 * must already be configured to call them), or whoever starts the server under test, passing the
 * same URLs to the server and to `idmock verify` (what the tests here do, on free ports).
 *
 * The harness's own mocks use a world with many generated personas and a random seed per run, so
 * every user a state names is one the server has never seen, even a server verified many times.
 */
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_WORLD_DIR } from '../../runtime/config.js';
import type { ProviderMocksOptions } from '../types.js';

/** Generated personas in the harness's world; a run uses about 60. */
export const HARNESS_PERSONAS = 300;

/** Where the server under test's providers are. */
export interface HarnessProviders {
  readonly wechatUrl: string;
  readonly qqUrl: string;
  /** Whether the harness started them (and `close` stops them). */
  readonly started: boolean;
  close(): Promise<void>;
}

/**
 * Writes the harness's world: the bundled `mock-providers/` with {@link HARNESS_PERSONAS}
 * generated personas. Answers its directory and a function removing it.
 */
export function writeHarnessWorld(personas: number = HARNESS_PERSONAS): {
  readonly dir: string;
  remove(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'idmock-verify-world-'));
  cpSync(DEFAULT_WORLD_DIR, dir, { recursive: true });
  const file = join(dir, 'personas.json');
  const document = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const generated = (document['generated'] ?? {}) as Record<string, unknown>;
  document['generated'] = { ...generated, count: personas };
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  return {
    dir,
    remove: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Options of {@link startHarnessProviders}. */
export interface StartHarnessProvidersOptions {
  readonly host?: string;
  /** 0 picks a free port. Default 7701, where idmock's auth server looks by default. */
  readonly wechatPort?: number;
  /** 0 picks a free port. Default 7702. */
  readonly qqPort?: number;
  /** World seed (default: random, so every run's users are new to the server). */
  readonly seed?: string;
}

/**
 * Starts a WeChat and a QQ mock for an auth server under test to call, in this process.
 * @example
 * const providers = await startHarnessProviders({ wechatPort: 0, qqPort: 0 });
 * // start the server with --wechat-url providers.wechatUrl --qq-url providers.qqUrl, then:
 * await verifyTarget({ target: 'auth-server', baseUrl, providers });
 * await providers.close();
 */
export async function startHarnessProviders(
  options: StartHarnessProvidersOptions = {},
): Promise<HarnessProviders> {
  const world = writeHarnessWorld();
  try {
    // Loaded on demand: `idmock verify` against WeChat or QQ never needs the simulation.
    const { startIdmock } = await import('../../runtime/start.js');
    const running = await startIdmock({
      services: ['wechat', 'qq'],
      worldDir: world.dir,
      seed: options.seed ?? randomUUID(),
      host: options.host ?? '127.0.0.1',
      ports: { wechat: options.wechatPort ?? 7701, qq: options.qqPort ?? 7702 },
      logError: () => undefined,
    });
    return {
      wechatUrl: running.urls.wechat ?? '',
      qqUrl: running.urls.qq ?? '',
      started: true,
      close: async () => {
        await running.stop();
        world.remove();
      },
    };
  } catch (error) {
    world.remove();
    throw error;
  }
}

/** The mocks the options name, or new ones the harness starts. */
export async function resolveHarnessProviders(
  options: ProviderMocksOptions = {},
): Promise<HarnessProviders> {
  if (options.wechatUrl !== undefined && options.qqUrl !== undefined) {
    return {
      wechatUrl: options.wechatUrl.replace(/\/+$/, ''),
      qqUrl: options.qqUrl.replace(/\/+$/, ''),
      started: false,
      close: () => Promise.resolve(),
    };
  }
  return startHarnessProviders({
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.wechatPort === undefined ? {} : { wechatPort: options.wechatPort }),
    ...(options.qqPort === undefined ? {} : { qqPort: options.qqPort }),
  });
}
