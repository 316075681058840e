/**
 * How each service is built from the shared pieces. `startIdmock` builds providers first, so the
 * auth server can be given their URLs.
 */
import { join } from 'node:path';
import type { Clock } from '../core/clock.js';
import type { Ids } from '../core/ids.js';
import type { Service } from '../core/router.js';
import { loadJsonFile, type Persona } from '../core/world.js';
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
};

/** Start order: providers before the auth server that calls them. */
export const START_ORDER: readonly ServiceName[] = ['wechat', 'qq', 'auth'];
