/**
 * Defaults of the simulated QQ Connect provider (graph.qq.com). Every key is documented; the README's
 * configuration table lists them. Durations are in seconds.
 */

/** QQ provider settings. */
export interface QqSettings {
  /** Lifetime of an authorization code: 10 minutes (wiki "使用Authorization_Code获取Access_Token"). */
  readonly codeTtlSeconds: number;
  /**
   * `expires_in` of access tokens from the code, refresh and implicit flows. 5184000 (60 days) is
   * what a live 2025 capture and the current wiki example show; older docs and the mobile SDKs say
   * 7776000 (90 days). Clients only copy the value, so either is safe; set it to match the era.
   */
  readonly accessTokenTtlSeconds: number;
  /**
   * Longest life of a refresh chain, counted from the code exchange and never extended by a
   * refresh: about 3 months per the current wiki. Each refresh token is usable once.
   */
  readonly refreshTokenTtlSeconds: number;
}

/** The built-in QQ settings. */
export const QQ_DEFAULTS: QqSettings = Object.freeze({
  codeTtlSeconds: 600,
  accessTokenTtlSeconds: 5_184_000,
  refreshTokenTtlSeconds: 7_776_000,
});
