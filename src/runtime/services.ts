/**
 * How each service is built from the shared pieces. `startIdmock` builds providers first, so the
 * auth server can be given their URLs.
 */
import type { Server } from 'node:http';
import { join } from 'node:path';
import { createKeepAliveFetch } from '../adapters/http-client/index.js';
import { attachWebSocket } from '../adapters/ws/index.js';
import { createAuthService, loadAuthWorld } from '../auth-server/index.js';
import type { Clock } from '../core/clock.js';
import type { Ids } from '../core/ids.js';
import type { Service } from '../core/router.js';
import { loadJsonFile, type Persona } from '../core/world.js';
import { createQqService, qqSeedSchema } from '../providers/qq/index.js';
import { createWechatService, wechatSeedSchema } from '../providers/wechat/index.js';
import type { ResolvedConfig, ServiceName } from './config.js';

/** What every service builder receives. */
export interface BuildContext {
  readonly config: ResolvedConfig;
  readonly clock: Clock;
  readonly ids: Ids;
  readonly personas: readonly Persona[];
  /** URLs of the services already listening (providers listen before the auth server). */
  readonly urls: Readonly<Partial<Record<ServiceName, string>>>;
  readonly logError: (error: unknown) => void;
}

/** Builds one service. */
export type ServiceBuilder = (ctx: BuildContext) => Promise<Service>;

/** The builders, in start order. */
export const SERVICE_BUILDERS: Partial<Record<ServiceName, ServiceBuilder>> = {
  wechat: async (ctx) =>
    createWechatService({
      clock: ctx.clock,
      ids: ctx.ids,
      personas: ctx.personas,
      seed: await loadJsonFile(join(ctx.config.worldDir, 'wechat', 'seed.json'), wechatSeedSchema),
      settings: ctx.config.wechat,
      autoApprove: ctx.config.autoApprove,
      log: ctx.logError,
    }) as unknown as Service,
  qq: async (ctx) =>
    createQqService({
      clock: ctx.clock,
      ids: ctx.ids,
      personas: ctx.personas,
      seed: await loadJsonFile(join(ctx.config.worldDir, 'qq', 'seed.json'), qqSeedSchema),
      settings: ctx.config.qq,
      autoApprove: ctx.config.autoApprove,
      log: ctx.logError,
    }) as unknown as Service,
  auth: async (ctx) => {
    const { config } = ctx;
    // A provider not started here is expected on its configured port (or set auth.*.baseUrl).
    const host = ['0.0.0.0', '::', ''].includes(config.host) ? '127.0.0.1' : config.host;
    const hostForUrl = host.includes(':') ? `[${host}]` : host;
    // Every connect request calls a provider: keep those connections open between calls.
    const fetch = createKeepAliveFetch();
    const auth = createAuthService({
      clock: ctx.clock,
      ids: ctx.ids,
      world: await loadAuthWorld(config.worldDir, ctx.personas),
      settings: config.auth,
      adminToken: config.adminToken,
      providerUrls: {
        wechat: ctx.urls.wechat ?? `http://${hostForUrl}:${config.ports.wechat}`,
        qq: ctx.urls.qq ?? `http://${hostForUrl}:${config.ports.qq}`,
      },
      // Notices (a provider down, a seed not resolved) are one line each, without a stack.
      log: (message, cause) => {
        ctx.logError(cause === undefined ? `auth server: ${message}` : cause);
      },
      logError: ctx.logError,
      fetch,
    });
    // Its pooled connections are not closed here: requests still draining use them, and the
    // providers close them as they stop (idle ones never hold the process open).
    const attachServer = (server: Server): (() => Promise<void>) =>
      attachWebSocket(server, (url) => auth.acceptSocket(url));
    // The same object, not a copy: controls attached to it stay visible to the auth server itself.
    return Object.assign(auth, { attachServer }) as unknown as Service;
  },
};

/** Start order: providers before the auth server that calls them. */
export const START_ORDER: readonly ServiceName[] = ['wechat', 'qq', 'auth'];
