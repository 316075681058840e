/**
 * The WeChat error catalogue: what went wrong mapped to the exact wire facts. API errors are
 * answered as `{"errcode","errmsg"}` at HTTP 200; page errors are small HTML pages. Scenarios and
 * faults refer to these keys.
 */

/** An error of the `/sns/*` API. */
export interface WechatApiErrorSpec {
  readonly errcode: number;
  readonly errmsg: string;
}

/** An error page shown by `open.weixin.qq.com` (website QR login) or inside WeChat (OA). */
export interface WechatPageErrorSpec {
  readonly page: string;
  /** The in-app error number of OA authorize pages, when it has one. */
  readonly code?: number;
}

/** `/sns/*` errors (sources: official docs and recorded traffic, see the provider reference). */
export const WECHAT_API_ERRORS = {
  systemError: { errcode: -1, errmsg: 'system error' },
  invalidCredential: {
    errcode: 40001,
    errmsg: 'invalid credential, access_token is invalid or not latest',
  },
  invalidGrantType: { errcode: 40002, errmsg: 'invalid grant_type' },
  invalidOpenid: { errcode: 40003, errmsg: 'invalid openid' },
  invalidAppid: { errcode: 40013, errmsg: 'invalid appid' },
  invalidAccessToken: { errcode: 40014, errmsg: 'invalid access_token' },
  invalidCode: { errcode: 40029, errmsg: 'invalid code' },
  invalidRefreshToken: { errcode: 40030, errmsg: 'invalid refresh_token' },
  invalidAppsecret: { errcode: 40125, errmsg: 'invalid appsecret' },
  codeReused: { errcode: 40163, errmsg: 'code been used' },
  accessTokenMissing: { errcode: 41001, errmsg: 'access_token missing' },
  appidMissing: { errcode: 41002, errmsg: 'appid missing' },
  refreshTokenMissing: { errcode: 41003, errmsg: 'refresh_token missing' },
  appsecretMissing: { errcode: 41004, errmsg: 'appsecret missing' },
  codeMissing: { errcode: 41008, errmsg: 'missing code' },
  accessTokenExpired: { errcode: 42001, errmsg: 'access_token expired' },
  refreshTokenExpired: { errcode: 42002, errmsg: 'refresh_token expired' },
  codeExpired: { errcode: 42003, errmsg: 'code expired' },
  requireGetMethod: { errcode: 43001, errmsg: 'require GET method' },
  contentTooLarge: { errcode: 45002, errmsg: 'content size out of limit' },
  dailyQuota: { errcode: 45009, errmsg: 'reach max api daily quota limit' },
  minuteQuota: {
    errcode: 45011,
    errmsg: 'api minute-quota reach limit, must slower, retry next minute',
  },
  invalidUrl: { errcode: 40066, errmsg: 'invalid url' },
  apiUnauthorized: { errcode: 48001, errmsg: 'api unauthorized' },
} as const satisfies Record<string, WechatApiErrorSpec>;

/** HTML error pages of the website QR flow and the OA authorize flow. */
export const WECHAT_PAGE_ERRORS = {
  appidInvalid: { page: 'AppID 参数错误' },
  redirectUriInvalid: { page: 'redirect_uri 参数错误' },
  scopeInvalid: { page: 'Scope 参数错误或没有 Scope 权限' },
  oaRedirectDomain: { page: 'redirect_uri域名与后台配置不一致', code: 10003 },
  oaScopeNotAllowed: { page: '此公众号并没有这些scope的权限', code: 10005 },
  oaScopeEmpty: { page: 'scope不能为空', code: 10010 },
  oaRedirectEmpty: { page: 'redirect_uri不能为空', code: 10011 },
  oaAppidEmpty: { page: 'appid不能为空', code: 10012 },
  oaOpenPlatformAppid: { page: '不支持微信开放平台的Appid，请使用公众号Appid', code: 10016 },
} as const satisfies Record<string, WechatPageErrorSpec>;

/** Every WeChat catalogue key. */
export type WechatApiErrorKey = keyof typeof WECHAT_API_ERRORS;
/** Every WeChat page error key. */
export type WechatPageErrorKey = keyof typeof WECHAT_PAGE_ERRORS;
