/**
 * Defaults of the simulated WeChat provider. Every key is documented; the README's configuration
 * table lists them. Durations are in seconds.
 */

/** WeChat provider settings. */
export interface WechatSettings {
  /** Lifetime of an authorization code. The website/app docs say 10 minutes, the OA docs 5. */
  readonly codeTtlSeconds: number;
  /** `expires_in` of access tokens (the real value is 7200). */
  readonly accessTokenTtlSeconds: number;
  /** Hard lifetime of a refresh token, counted from the original grant (30 days). */
  readonly refreshTokenTtlSeconds: number;
  /** How long a website QR code stays scannable before the long-poll answers 402. */
  readonly qrTtlSeconds: number;
  /** How long the long-poll holds a request without a state change before answering 408. */
  readonly longPollHoldSeconds: number;
  /** Suffix on `errmsg`: `rid` (since 2019), `hints` (before 2019) or `none` (as in the docs). */
  readonly errmsgSuffix: 'rid' | 'hints' | 'none';
  /** Prefix of access and refresh tokens (`86_…`), which grew over the years. */
  readonly tokenPrefix: string;
  /** Most QR sessions kept at once; the oldest are dropped first. */
  readonly maxQrSessions: number;
}

/** The built-in WeChat settings. */
export const WECHAT_DEFAULTS: WechatSettings = Object.freeze({
  codeTtlSeconds: 600,
  accessTokenTtlSeconds: 7200,
  refreshTokenTtlSeconds: 30 * 86_400,
  qrTtlSeconds: 300,
  longPollHoldSeconds: 25,
  errmsgSuffix: 'rid',
  tokenPrefix: '86',
  maxQrSessions: 10_000,
});
