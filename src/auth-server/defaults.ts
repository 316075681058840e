/**
 * Defaults of the reference auth server. Every key is documented; the README's configuration table
 * lists them. Override them under `auth` in a config file (`--config`), e.g.
 * `{"auth": {"wechat": {"baseUrl": "https://api.weixin.qq.com"}}}`.
 */

/** Which WeChat app the auth server validates tokens for, and where it reaches WeChat. */
export interface AuthWechatSettings {
  /**
   * The WeChat app whose users connect (default: the seeded mobile app "Acme 手游"). Its openids are
   * the external ids stored as `WC`; seeded players refer to personas and are resolved to openids of
   * this app.
   */
  readonly appid: string;
  /**
   * The app's secret. The connect API does not need it (`/sns/auth` takes only the token and
   * openid); it is kept beside the appid for scripts. The WeChat QR login API has its own app,
   * `login.wechat`.
   */
  readonly secret: string;
  /**
   * Base URL of `api.weixin.qq.com`. `null` means the WeChat mock of this process (or, when the auth
   * server runs alone, `http://<host>:<wechat port>`). Set `https://api.weixin.qq.com` for the real
   * host.
   */
  readonly baseUrl: string | null;
}

/** Which QQ app the auth server validates tokens for, and where it reaches QQ. */
export interface AuthQqSettings {
  /**
   * The QQ Connect app (numeric `client_id`) whose tokens are accepted: `/oauth2.0/me` must answer
   * this client_id (default: the seeded app "Acme 手游" of `mock-providers/qq/seed.json`). `null`
   * means the first app the QQ mock lists at `GET /__mock/apps`.
   */
  readonly clientId: string | null;
  /** Base URL of `graph.qq.com`; `null` means the QQ mock of this process (as for WeChat). */
  readonly baseUrl: string | null;
}

/**
 * The WeChat QR login API (`POST /v1/auth/login`, `auth-server.md` §5): the website app whose codes
 * it exchanges, and the lifetimes of what it hands out, all on the shared mock clock.
 */
export interface AuthLoginSettings {
  /**
   * The WeChat website app of the QR login (default: the seeded "Acme 官网登录"). Form (a)'s
   * `appId`/`secret` must equal these before any code is exchanged; its open-platform account
   * decides the unionids, and the seeded accounts' personas are resolved under it.
   */
  readonly wechat: { readonly appid: string; readonly secret: string };
  /** Lifetime of a `unionCode` (10 minutes, mirroring the WeChat code's, S17). */
  readonly unionCodeTtlSeconds: number;
  /** Lifetime of an SMS code. */
  readonly smsCodeTtlSeconds: number;
  /** Wrong tries after which an SMS code is invalidated (a new one must be sent). */
  readonly smsMaxFailures: number;
  /** Lifetime of a bearer token (`expiresIn`). */
  readonly tokenTtlSeconds: number;
  /**
   * Whether a valid SMS code for an unknown `tn` creates the account (§7 item 10). `false` answers
   * `INVALID_USERNAME_OR_PASSWORD` on `tn` instead.
   */
  readonly createAccountOnUnknownTn: boolean;
}

/** Settings of the reference auth server. */
export interface AuthSettings {
  readonly wechat: AuthWechatSettings;
  readonly qq: AuthQqSettings;
  /** The WeChat QR login API. */
  readonly login: AuthLoginSettings;
  /** How long one provider call may take before the connect fails with `PROVIDER_UNAVAILABLE`. */
  readonly providerTimeoutMs: number;
  /** Largest accepted WebSocket message, in bytes; larger ones get an envelope error. */
  readonly maxMessageBytes: number;
  /** Consecutive wrong passwords after which `AuthenticationRequest` answers `DETAILS: LOCKED`. */
  readonly loginLockAfterFailures: number;
  /** How long such a lock lasts, on the mock clock. */
  readonly loginLockSeconds: number;
}

/** The built-in auth server settings. */
export const AUTH_DEFAULTS: AuthSettings = Object.freeze({
  wechat: Object.freeze({
    appid: 'wx3c4d5e6f708192a3',
    secret: '2d3c4b5a69788796a5b4c3d2e1f00f1e',
    baseUrl: null,
  }),
  qq: Object.freeze({ clientId: '101364208', baseUrl: null }),
  login: Object.freeze({
    wechat: Object.freeze({
      appid: 'wx1a2b3c4d5e6f7081',
      secret: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
    }),
    unionCodeTtlSeconds: 600,
    smsCodeTtlSeconds: 300,
    smsMaxFailures: 5,
    tokenTtlSeconds: 3600,
    createAccountOnUnknownTn: true,
  }),
  providerTimeoutMs: 5000,
  maxMessageBytes: 64 * 1024,
  loginLockAfterFailures: 5,
  loginLockSeconds: 300,
});
