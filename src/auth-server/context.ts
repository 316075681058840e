/**
 * Everything an auth-server handler may touch, injected per instance. Each API keeps its own state
 * slice: `connect` for the GameSparks-style API, `login` for the WeChat QR login API.
 */
import type { Clock } from '../core/clock.js';
import type { Ids } from '../core/ids.js';
import type { QqClient } from './clients/qq-client.js';
import type { WechatClient } from './clients/wechat-client.js';
import type { GsRequestClass, SocialSystem } from './connect/constants.js';
import type { ConnectState } from './connect/state.js';
import type { LoginCommitEvent, LoginSlice } from './login/slice.js';
import type { AuthSettings } from './defaults.js';
import type { AuthWorld } from './world.js';

/** What the test-only barrier is told about the request it holds. */
export interface BeforeCommitEvent {
  readonly requestClass: GsRequestClass;
  readonly requestId: string | number | undefined;
  readonly credential: string;
  /** The validated provider and external id (connect requests only). */
  readonly system?: SocialSystem;
  readonly externalId?: string;
}

/**
 * Test-only hooks, mutable at run time (`service.context.hooks.beforeCommit = …`). Never set in
 * production; they exist so race tests can reproduce §4's interleavings on demand.
 */
export interface AuthTestHooks {
  /**
   * Awaited after validation (including the provider calls) and before the commit's critical
   * section. Holding it open lets another request commit first.
   */
  beforeCommit: ((event: BeforeCommitEvent) => Promise<void>) | null;
  /**
   * The login API's barrier: awaited after validation and the WeChat exchange, before the login's
   * critical section (unionCode check, bind, consume).
   */
  beforeLoginCommit: ((event: LoginCommitEvent) => Promise<void>) | null;
}

/** A live WebSocket session, as far as the connect API cares. */
export interface LiveSession {
  readonly sessionId: string;
  /** The player the socket is authenticated as (I3: changed only by a completed auth request). */
  playerId: string | null;
}

/** The connect API's slice. */
export interface ConnectSlice {
  readonly world: AuthWorld;
  readonly state: ConnectState;
  /** Resolved seeded personas: system → persona id → external id. Survives `/__mock/reset`. */
  readonly seedIds: Map<SocialSystem, ReadonlyMap<string, string>>;
  /** Seed lookups in flight, so concurrent first uses share one provider call. */
  readonly seedLookups: Map<SocialSystem, Promise<void>>;
  /** Live WebSocket sessions by session id (for `online` and rebinding). */
  readonly sessions: Map<string, LiveSession>;
}

/** Settings with the provider base URLs decided. */
export interface ResolvedAuthSettings extends AuthSettings {
  readonly wechat: AuthSettings['wechat'] & { readonly baseUrl: string };
  readonly qq: AuthSettings['qq'] & { readonly baseUrl: string };
}

/** The auth server handler context. */
export interface AuthContext {
  readonly settings: ResolvedAuthSettings;
  readonly clock: Clock;
  readonly ids: Ids;
  readonly wechat: WechatClient;
  readonly qq: QqClient;
  /** The QQ client_id tokens must belong to (configured, or discovered from the QQ mock). */
  qqClientId(): Promise<string | undefined>;
  readonly connect: ConnectSlice;
  /** The WeChat QR login API's slice. */
  readonly login: LoginSlice;
  readonly hooks: AuthTestHooks;
  /** Reports unexpected problems (provider failures, skipped seed links) to the log. */
  readonly log: (message: string, cause?: unknown) => void;
}
