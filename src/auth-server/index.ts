/**
 * The reference auth server: a transport-free service (routes, context, error rendering) that the
 * node:http server serves, plus a WebSocket protocol the `src/adapters/ws` transport runs on the
 * same server. It reaches WeChat and QQ only over HTTP, through its clients.
 *
 * APIs are slices: the GameSparks-style connect API lives in `connect/` with its route table and
 * state; another API adds its own folder, table and slice beside it.
 */
import type { Clock } from '../core/clock.js';
import { json, type MockRequest, type MockResponse } from '../core/http.js';
import type { Ids } from '../core/ids.js';
import { commonMockRoutes } from '../core/mock-api.js';
import type { Route, RouterErrorKind, Service } from '../core/router.js';
import { createQqClient } from './clients/qq-client.js';
import type { FetchLike } from './clients/provider-http.js';
import { createWechatClient } from './clients/wechat-client.js';
import {
  ERR_INTERNAL,
  ERR_METHOD_NOT_ALLOWED,
  ERR_NOT_FOUND,
  ERR_NOT_JSON,
  ERR_TOO_LARGE,
  GS_RESPONSES,
  type ErrorMap,
} from './connect/constants.js';
import { authError } from './connect/envelope.js';
import { resetConnect } from './connect/mock.js';
import { CONNECT_ROUTES } from './connect/routes.js';
import { restoreConnectState, snapshotConnectState } from './connect/snapshot.js';
import { acceptSocket, type UpgradeDecision } from './connect/socket.js';
import { createConnectState } from './connect/state.js';
import type { AuthContext, AuthTestHooks, ResolvedAuthSettings } from './context.js';
import { AUTH_DEFAULTS, type AuthSettings } from './defaults.js';
import type { AuthWorld } from './world.js';

export { AUTH_DEFAULTS, type AuthSettings } from './defaults.js';
export { loadAuthWorld, type AuthWorld } from './world.js';
export type { AuthContext, AuthTestHooks, BeforeCommitEvent } from './context.js';
export type { SocketConnection, SocketPeer, UpgradeDecision } from './connect/socket.js';
export { connectHmac } from './connect/socket.js';
export * from './connect/constants.js';

/** Options for {@link createAuthService}. */
export interface AuthServiceOptions {
  readonly clock: Clock;
  readonly ids: Ids;
  readonly world: AuthWorld;
  readonly settings?: AuthSettings;
  /**
   * Where the providers are when `settings.*.baseUrl` is null: the mocks started in this process,
   * or their configured ports.
   */
  readonly providerUrls: { readonly wechat: string; readonly qq: string };
  /** Replaces `fetch` for the provider clients (tests). */
  readonly fetch?: FetchLike;
  /** Test-only hooks (also settable later on `context.hooks`). */
  readonly hooks?: Partial<AuthTestHooks>;
  /** Receives notices (provider failures, unresolved seeds). Defaults to silence. */
  readonly log?: (message: string, cause?: unknown) => void;
  /** Receives unexpected exceptions of handlers. */
  readonly logError?: (error: unknown, req: MockRequest) => void;
}

/** The auth server: a service plus the WebSocket upgrade decision for its socket path. */
export interface AuthService extends Service<AuthContext> {
  readonly context: AuthContext;
  /** Decides a WebSocket upgrade for a request URL; run by `src/adapters/ws`. */
  acceptSocket(url: URL): UpgradeDecision;
}

const ROUTER_ERRORS: Record<RouterErrorKind, { status: number; error: ErrorMap }> = {
  'not-found': { status: 404, error: ERR_NOT_FOUND },
  'method-not-allowed': { status: 405, error: ERR_METHOD_NOT_ALLOWED },
  'payload-too-large': { status: 413, error: ERR_TOO_LARGE },
  'bad-request': { status: 400, error: ERR_NOT_JSON },
  internal: { status: 500, error: ERR_INTERNAL },
};

/**
 * Creates the auth server.
 * @example
 * const auth = createAuthService({ clock, ids, world, providerUrls: { wechat, qq } });
 * const attachServer = (server: Server) => attachWebSocket(server, (url) => auth.acceptSocket(url));
 * await listen({ ...auth, attachServer }, { host: '127.0.0.1', port: 0 });
 */
export function createAuthService(options: AuthServiceOptions): AuthService {
  const base = options.settings ?? AUTH_DEFAULTS;
  const settings: ResolvedAuthSettings = {
    ...base,
    wechat: { ...base.wechat, baseUrl: base.wechat.baseUrl ?? options.providerUrls.wechat },
    qq: { ...base.qq, baseUrl: base.qq.baseUrl ?? options.providerUrls.qq },
  };
  const clientOptions = (baseUrl: string) => ({
    baseUrl,
    timeoutMs: settings.providerTimeoutMs,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const wechat = createWechatClient(clientOptions(settings.wechat.baseUrl));
  const qq = createQqClient(clientOptions(settings.qq.baseUrl));
  let discoveredQqClientId: string | undefined;
  const context: AuthContext = {
    settings,
    clock: options.clock,
    ids: options.ids,
    wechat,
    qq,
    async qqClientId() {
      if (settings.qq.clientId !== null) return settings.qq.clientId;
      if (discoveredQqClientId === undefined) {
        const answer = await qq.firstClientId();
        if (answer.kind === 'ok') discoveredQqClientId = answer.value;
      }
      return discoveredQqClientId;
    },
    connect: {
      world: options.world,
      state: createConnectState(),
      seedIds: new Map(),
      seedLookups: new Map(),
      sessions: new Map(),
    },
    hooks: { beforeCommit: options.hooks?.beforeCommit ?? null },
    log: options.log ?? (() => undefined),
  };
  resetConnect(context);

  // `POST /__mock/reset` is a core control endpoint that calls `reset()` below.
  const routes: Route<AuthContext>[] = [...CONNECT_ROUTES, ...commonMockRoutes<AuthContext>()];

  const renderRouterError = (kind: RouterErrorKind): MockResponse => {
    const { status, error } = ROUTER_ERRORS[kind];
    return json(authError(GS_RESPONSES.authentication, error, undefined), { status });
  };

  return {
    name: 'auth',
    routes,
    context,
    hosts: {},
    // The auth server throws no provider errors; anything thrown is a fault of ours.
    renderError(): MockResponse {
      return renderRouterError('internal');
    },
    renderRouterError,
    acceptSocket: (url) => acceptSocket(context, url),
    reset() {
      resetConnect(context);
    },
    // One key per API slice, so another API's state sits beside `connect` in the same document.
    snapshot: () => ({ connect: snapshotConnectState(context.connect.state) }),
    restore(data: unknown): readonly string[] {
      const connect =
        typeof data === 'object' && data !== null && 'connect' in data ? data.connect : undefined;
      if (connect === undefined) return ['connect: required'];
      return restoreConnectState(context.connect.state, connect).map((problem) =>
        problem.startsWith('(root)') ? `connect${problem.slice(6)}` : `connect.${problem}`,
      );
    },
    ...(options.logError ? { logError: options.logError } : {}),
  };
}
