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
   * openid); it is kept beside the appid for the WeChat login API and for scripts.
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

/** Settings of the reference auth server. */
export interface AuthSettings {
  readonly wechat: AuthWechatSettings;
  readonly qq: AuthQqSettings;
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
  providerTimeoutMs: 5000,
  maxMessageBytes: 64 * 1024,
  loginLockAfterFailures: 5,
  loginLockSeconds: 300,
});
