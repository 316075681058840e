/**
 * The reference auth server: a transport-free service (routes, context, error rendering) that the
 * node:http server serves, plus a WebSocket protocol the `src/adapters/ws` transport runs on the
 * same server. It reaches WeChat and QQ only over HTTP, through its clients.
 *
 * APIs are slices: the GameSparks-style connect API lives in `connect/` and the WeChat QR login
 * API in `login/`, each with its route table and state; another API adds its own folder beside them.
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
import { dashboardRoutes } from './dashboard/routes.js';
import { AUTH_DEFAULTS, type AuthSettings } from './defaults.js';
import { LOGIN_PATH_PREFIX } from './login/constants.js';
import { renderLoginRouterError } from './login/envelope.js';
import { resetLogin } from './login/mock.js';
import { LOGIN_ROUTES } from './login/routes.js';
import { createLoginSlice } from './login/slice.js';
import { prepareLoginRestore, snapshotLoginState } from './login/snapshot.js';
import { createWechatLoginClient } from './login/wechat-login-client.js';
import type { AuthWorld } from './world.js';

export { AUTH_DEFAULTS, type AuthLoginSettings, type AuthSettings } from './defaults.js';
export type { LoginCommitEvent } from './login/slice.js';
export { LOGIN_INNER, LOGIN_OUTER } from './login/constants.js';
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
  /** Admin token for the providers' `/__mock/` endpoints when they are off loopback. */
  readonly adminToken?: string | null;
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
    adminToken: options.adminToken ?? null,
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
    login: createLoginSlice(
      options.world.login,
      createWechatLoginClient(clientOptions(settings.wechat.baseUrl)),
    ),
    hooks: {
      beforeCommit: options.hooks?.beforeCommit ?? null,
      beforeLoginCommit: options.hooks?.beforeLoginCommit ?? null,
    },
    log: options.log ?? (() => undefined),
  };
  resetConnect(context);
  resetLogin(context);

  // `POST /__mock/reset` is a core control endpoint that calls `reset()` below.
  const routes: Route<AuthContext>[] = [
    ...CONNECT_ROUTES,
    ...LOGIN_ROUTES,
    ...commonMockRoutes<AuthContext>(),
    ...dashboardRoutes({
      wechat: clientOptions(settings.wechat.baseUrl),
      qq: clientOptions(settings.qq.baseUrl),
    }),
  ];

  // Each API answers its own paths' router errors in its own envelope.
  const renderRouterError = (kind: RouterErrorKind, req?: MockRequest): MockResponse => {
    if (req?.url.pathname.startsWith(LOGIN_PATH_PREFIX) === true) {
      return renderLoginRouterError(kind);
    }
    const { status, error } = ROUTER_ERRORS[kind];
    return json(authError(GS_RESPONSES.authentication, error, undefined), { status });
  };

  return {
    name: 'auth',
    routes,
    context,
    hosts: {},
    // The auth server throws no provider errors; anything thrown is a fault of ours.
    renderError(_error, req): MockResponse {
      return renderRouterError('internal', req);
    },
    renderRouterError,
    acceptSocket: (url) => acceptSocket(context, url),
    reset() {
      resetConnect(context);
      resetLogin(context);
    },
    // One key per API slice.
    snapshot: () => ({
      connect: snapshotConnectState(context.connect.state),
      login: snapshotLoginState(context.login.state),
    }),
    restore(data: unknown): readonly string[] {
      const part = (key: string): unknown =>
        typeof data === 'object' && data !== null && key in data
          ? (data as Record<string, unknown>)[key]
          : undefined;
      const at = (slice: string, problems: readonly string[]): string[] =>
        problems.map((problem) =>
          problem.startsWith('(root)') ? `${slice}${problem.slice(6)}` : `${slice}.${problem}`,
        );
      const connect = part('connect');
      if (connect === undefined) return ['connect: required'];
      // A document from before the login API has no `login`: it restores the seeded accounts.
      const loginData = part('login');
      const login = loginData === undefined ? undefined : prepareLoginRestore(loginData);
      if (login?.ok === false) {
        // Check the connect part on scratch state, so one answer lists the problems of both.
        const connectProblems = restoreConnectState(createConnectState(), connect);
        return [...at('connect', connectProblems), ...at('login', login.problems)];
      }
      const problems = restoreConnectState(context.connect.state, connect);
      if (problems.length > 0) return at('connect', problems);
      if (login) login.apply(context.login.state);
      else resetLogin(context);
      return [];
    },
    ...(options.logError ? { logError: options.logError } : {}),
  };
}
