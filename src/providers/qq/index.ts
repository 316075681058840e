/**
 * The simulated QQ Connect provider (graph.qq.com): one transport-free service (routes, context,
 * error rendering) that the node:http server, the Express router and nock all serve unchanged.
 */
import type * as z from 'zod';
import type { Clock } from '../../core/clock.js';
import type { ProviderError } from '../../core/errors.js';
import { html, type MockRequest, type MockResponse } from '../../core/http.js';
import type { Ids } from '../../core/ids.js';
import type { RouterErrorKind, Service } from '../../core/router.js';
import type { Persona } from '../../core/world.js';
import type { QqContext } from './context.js';
import { QQ_DEFAULTS, type QqSettings } from './defaults.js';
import {
  pageErrorText,
  QQ_OAUTH_ERRORS,
  QQ_OPENAPI_ERRORS,
  QQ_PAGE_ERRORS,
  type QqOauthErrorSpec,
  type QqOpenApiErrorSpec,
  type QqPageErrorSpec,
} from './errors.js';
import { pageLang } from './pages/i18n.js';
import { renderErrorPage } from './pages/login.js';
import { QQ_HOSTS, QQ_ROUTES } from './routes.js';
import {
  QQ_FAULT_CATALOGUE,
  qqScopeOf,
  resetQqState,
  restoreQqState,
  snapshotQqState,
} from './snapshot.js';
import { createQqState, pruneQqState } from './state.js';
import { field, formatOf, oauthBody, openApiBody } from './wire.js';
import { buildQqWorld, type qqSeedSchema } from './world.js';

export { QQ_DEFAULTS, type QqSettings } from './defaults.js';
export {
  QQ_OAUTH_ERRORS,
  QQ_OPENAPI_ERRORS,
  QQ_PAGE_ERRORS,
  type QqOauthErrorKey,
  type QqOpenApiErrorKey,
  type QqPageErrorKey,
} from './errors.js';
export { qqSeedSchema, type QqApp, type QqUser, type QqWorld } from './world.js';
export type { QqContext } from './context.js';

/** Options for {@link createQqService}. */
export interface QqServiceOptions {
  readonly clock: Clock;
  readonly ids: Ids;
  readonly personas: readonly Persona[];
  readonly seed: z.output<typeof qqSeedSchema>;
  readonly settings?: Partial<QqSettings>;
  readonly autoApprove?: string | null;
  readonly log?: (error: unknown, req: MockRequest) => void;
}

/** Renders an OAuth error as JSONP, or bare JSON when the request said `fmt=json`; HTTP 200. */
export function renderOauthError(
  spec: QqOauthErrorSpec,
  req: MockRequest,
  status = 200,
): MockResponse {
  return oauthBody(
    { error: spec.error, error_description: spec.description },
    formatOf(req),
    status,
  );
}

/** Renders an OpenAPI error as `{"ret","msg"}` (decoder errors as `{"msg","ret"}`). */
export function renderOpenApiError(
  spec: QqOpenApiErrorSpec,
  reason = '',
  status = 200,
): MockResponse {
  const body =
    spec.decoder === true
      ? { msg: `${spec.msg}${reason}`, ret: spec.ret }
      : { ret: spec.ret, msg: spec.msg };
  return openApiBody(body, status);
}

/** Renders a browser-step error page (`<message> (<code>)`, HTTP 200 unless given). */
export function renderPageError(
  spec: QqPageErrorSpec,
  req: MockRequest,
  appid?: string,
  status = 200,
): MockResponse {
  return html(renderErrorPage(pageErrorText(spec, appid), pageLang(field(req, 'lang'))), status);
}

const PAGE_PATHS: ReadonlySet<string> = new Set(['/oauth2.0/authorize', '/oauth2.0/show']);

const ROUTER_STATUS: Readonly<Record<RouterErrorKind, number>> = {
  'not-found': 404,
  'method-not-allowed': 405,
  'payload-too-large': 413,
  // QQ reports API failures at HTTP 200, and the mock never answers a bare 500.
  'bad-request': 200,
  internal: 200,
};

/**
 * Renders an error raised outside a handler in the format of the path's family: an error page
 * for the browser step, `{ret,msg}` for the OpenAPI, `{error,error_description}` for the rest.
 */
function renderRouterError(kind: RouterErrorKind, req: MockRequest): MockResponse {
  const status = ROUTER_STATUS[kind];
  const path = req.url.pathname;
  if (PAGE_PATHS.has(path))
    return renderPageError(QQ_PAGE_ERRORS.requestInvalid, req, undefined, status);
  if (path.startsWith('/user/')) {
    return renderOpenApiError(QQ_OPENAPI_ERRORS.requestInvalid, '', status);
  }
  return renderOauthError(QQ_OAUTH_ERRORS.requestInvalid, req, status);
}

/**
 * Creates the QQ service.
 * @example
 * const qq = createQqService({ clock, ids, personas, seed });
 * const response = await dispatch(qq, createRequest('https://graph.qq.com/oauth2.0/me'));
 * // response.body === 'callback( {"error":100007,"error_description":"param access token is wrong or lost "} );\n'
 */
export function createQqService(options: QqServiceOptions): Service<QqContext> & {
  readonly context: QqContext;
} {
  const settings: QqSettings = { ...QQ_DEFAULTS, ...options.settings };
  const context: QqContext = {
    settings,
    clock: options.clock,
    ids: options.ids,
    world: buildQqWorld(options.seed, options.personas, options.ids),
    state: createQqState(options.autoApprove ?? null),
  };
  let requestsSincePrune = 0;
  const routes = QQ_ROUTES.map((r) => ({
    ...r,
    handler: (req: MockRequest, ctx: QqContext, params: Readonly<Record<string, string>>) => {
      if (++requestsSincePrune >= 1000) {
        requestsSincePrune = 0;
        pruneQqState(ctx.state, ctx.clock.now(), 24 * 3600_000);
      }
      return r.handler(req, ctx, params);
    },
  }));
  return {
    name: 'qq',
    routes,
    context,
    hosts: QQ_HOSTS,
    renderError(error: ProviderError, req: MockRequest): MockResponse {
      const spec = error.spec as QqOauthErrorSpec | QqPageErrorSpec | QqOpenApiErrorSpec;
      if ('error' in spec) return renderOauthError(spec, req);
      if ('page' in spec) return renderPageError(spec, req, error.detail['appid']);
      return renderOpenApiError(spec, error.detail['reason']);
    },
    renderRouterError,
    ...(options.log ? { logError: options.log } : {}),
    faultCatalogue: QQ_FAULT_CATALOGUE,
    scopeOf: (req: MockRequest, key: string) => qqScopeOf(context, req, key),
    snapshot: () => snapshotQqState(context.state),
    restore: (data: unknown) => restoreQqState(context, data),
    reset: () => {
      resetQqState(context, options.autoApprove ?? null);
    },
  };
}
