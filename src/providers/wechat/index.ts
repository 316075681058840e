/**
 * The simulated WeChat Open Platform: one transport-free service (routes, context, error
 * rendering) that the node:http server, the Express router and nock all serve unchanged.
 */
import type { Clock } from '../../core/clock.js';
import type { ProviderError } from '../../core/errors.js';
import { html, type MockRequest, type MockResponse } from '../../core/http.js';
import type { Ids } from '../../core/ids.js';
import type { RouterErrorKind, Service } from '../../core/router.js';
import type { Persona } from '../../core/world.js';
import { createQrSignals, type WechatContext } from './context.js';
import { WECHAT_DEFAULTS, type WechatSettings } from './defaults.js';
import { WECHAT_API_ERRORS, type WechatApiErrorSpec, type WechatPageErrorSpec } from './errors.js';
import { pageLang } from './pages/i18n.js';
import { renderErrorPage } from './pages/phone.js';
import { WECHAT_HOSTS, WECHAT_ROUTES } from './routes.js';
import {
  resetWechatState,
  restoreWechatState,
  snapshotWechatState,
  wechatScopeOf,
} from './snapshot.js';
import { createWechatState, pruneWechatState } from './state.js';
import { buildWechatWorld, type wechatSeedSchema } from './world.js';
import type * as z from 'zod';
import { param } from '../../core/http.js';
import { wechatJson } from './wire.js';

export { WECHAT_DEFAULTS, type WechatSettings } from './defaults.js';
export { WECHAT_API_ERRORS, WECHAT_PAGE_ERRORS } from './errors.js';
export { wechatSeedSchema } from './world.js';
export type { WechatContext } from './context.js';

/** Options for {@link createWechatService}. */
export interface WechatServiceOptions {
  readonly clock: Clock;
  readonly ids: Ids;
  readonly personas: readonly Persona[];
  readonly seed: z.output<typeof wechatSeedSchema>;
  readonly settings?: Partial<WechatSettings>;
  readonly autoApprove?: string | null;
  readonly log?: (error: unknown, req: MockRequest) => void;
}

/** The `errmsg` suffix of the configured era: ` rid: <hex time>-<hex8>-<hex8>` by default. */
function errmsgSuffix(ctx: WechatContext): string {
  switch (ctx.settings.errmsgSuffix) {
    case 'none':
      return '';
    case 'hints':
      return `, hints: [ req_id: ${ctx.ids.base64url(14)} ]`;
    case 'rid': {
      // The first rid segment is the server's unix time as 8 hex digits; it wraps, never widens.
      const seconds = (Math.floor(ctx.clock.now() / 1000) >>> 0).toString(16).padStart(8, '0');
      return `, rid: ${seconds}-${ctx.ids.hex(8)}-${ctx.ids.hex(8)}`;
    }
  }
}

/** Renders an API error as `{"errcode","errmsg"}` (HTTP 200 unless given). */
export function renderApiError(
  ctx: WechatContext,
  spec: WechatApiErrorSpec,
  status = 200,
): MockResponse {
  return wechatJson(
    { errcode: spec.errcode, errmsg: `${spec.errmsg}${errmsgSuffix(ctx)}` },
    status,
  );
}

/** Creates the WeChat service. */
export function createWechatService(options: WechatServiceOptions): Service<WechatContext> & {
  readonly context: WechatContext;
} {
  const settings: WechatSettings = { ...WECHAT_DEFAULTS, ...options.settings };
  const world = buildWechatWorld(options.seed, options.personas, options.ids);
  const context: WechatContext = {
    settings,
    clock: options.clock,
    ids: options.ids,
    world,
    state: createWechatState(options.autoApprove ?? null),
    signals: createQrSignals(),
  };
  options.clock.onAdvance(() => {
    context.signals.notifyAll();
  });
  let requestsSincePrune = 0;
  const routes = WECHAT_ROUTES.map((r) => ({
    ...r,
    handler: (req: MockRequest, ctx: WechatContext, params: Readonly<Record<string, string>>) => {
      if (++requestsSincePrune >= 1000) {
        requestsSincePrune = 0;
        pruneWechatState(ctx.state, ctx.clock.now(), 24 * 3600_000);
      }
      return r.handler(req, ctx, params);
    },
  }));
  return {
    name: 'wechat',
    routes,
    context,
    hosts: WECHAT_HOSTS,
    renderError(error: ProviderError, req: MockRequest): MockResponse {
      const spec = error.spec as WechatApiErrorSpec | WechatPageErrorSpec;
      if ('errcode' in spec) return renderApiError(context, spec);
      return html(renderErrorPage(spec.page, spec.code, pageLang(param(req, 'lang'))));
    },
    renderRouterError(kind: RouterErrorKind): MockResponse {
      switch (kind) {
        case 'not-found':
          return renderApiError(context, WECHAT_API_ERRORS.invalidUrl, 404);
        case 'method-not-allowed':
          return renderApiError(context, WECHAT_API_ERRORS.requireGetMethod, 405);
        case 'payload-too-large':
          return renderApiError(context, WECHAT_API_ERRORS.contentTooLarge, 413);
        case 'bad-request':
        case 'internal':
          // The real API reports backend failures as -1 at HTTP 200.
          return renderApiError(context, WECHAT_API_ERRORS.systemError);
      }
    },
    ...(options.log ? { logError: options.log } : {}),
    faultCatalogue: WECHAT_API_ERRORS,
    scopeOf: (req: MockRequest, key: string) => wechatScopeOf(context, req, key),
    snapshot: () => snapshotWechatState(context.state),
    restore: (data: unknown) => restoreWechatState(context, data),
    reset: () => {
      resetWechatState(context, options.autoApprove ?? null);
    },
  };
}
