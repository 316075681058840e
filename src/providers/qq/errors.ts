/**
 * The QQ Connect error catalogue: what went wrong mapped to the exact wire facts. Three families,
 * each rendered in the shape the real endpoint uses:
 * - OAuth errors of `/oauth2.0/token` and `/oauth2.0/me`: `{"error":N,"error_description":"…"}`,
 *   as JSONP by default and bare JSON with `fmt=json`, always HTTP 200;
 * - page errors of the browser step (`/oauth2.0/authorize`, `/oauth2.0/show`): an HTML page
 *   reading `<message> (<code>)`;
 * - OpenAPI errors of `/user/get_user_info`: `{"ret":N,"msg":"…"}` at HTTP 200.
 *
 * Texts come from the wiki "公共返回码说明" and recorded traffic (spec/qq.md §5). Where no English
 * text was ever captured, the entry follows the captured pattern of its neighbours and says so.
 */

/** An error of the OAuth API (`/oauth2.0/token`, `/oauth2.0/me`). */
export interface QqOauthErrorSpec {
  readonly error: number;
  readonly description: string;
}

/** An error page of the browser authorize step. */
export interface QqPageErrorSpec {
  readonly code: number;
  readonly page: string;
  /** Whether the page names the appid: `… [appid: 101364207] (100008)`. */
  readonly showsAppid: boolean;
}

/** An error of the OpenAPI (`/user/get_user_info`). */
export interface QqOpenApiErrorSpec {
  readonly ret: number;
  readonly msg: string;
  /**
   * Errors from the Go request decoder are marshalled from a map, so their keys come out sorted:
   * `{"msg":…,"ret":1}` (qdsang/passport-qq#2). The handler adds the decoder's reason as detail.
   */
  readonly decoder?: true;
}

/** OAuth API errors. */
export const QQ_OAUTH_ERRORS = {
  clientIdMissing: { error: 100001, description: 'param client_id is wrong or lost ' },
  // 100002 is documented (client_secret missing); text not captured, follows 100001.
  clientSecretMissing: { error: 100002, description: 'param client_secret is wrong or lost ' },
  grantTypeInvalid: { error: 100004, description: 'param grant_type is wrong or lost ' },
  codeMissing: { error: 100005, description: 'param code is wrong or lost' },
  // 100006 is documented (refresh token missing); text not captured, pattern as above.
  refreshTokenMissing: { error: 100006, description: 'param refresh_token is wrong or lost ' },
  accessTokenMissing: { error: 100007, description: 'param access token is wrong or lost ' },
  // Captured only as page text (below); the API is assumed to say the same without the appid.
  clientIdUnknown: { error: 100008, description: 'client id is illegal, not exist' },
  clientSecretInvalid: { error: 100009, description: 'client secret is illegal' },
  redirectUriInvalid: { error: 100010, description: 'redirect uri is illegal' },
  accessTokenIllegal: { error: 100013, description: 'access token is illegal' },
  accessTokenCheckFailed: { error: 100016, description: 'access token check failed' },
  codeInvalid: { error: 100019, description: 'code to access token error' },
  codeReused: { error: 100020, description: 'code is reused error' },
  // 100029 is documented as "bad HTTP request"; text not captured. Used for router errors.
  requestInvalid: { error: 100029, description: 'http request is illegal' },
  unionidNotPermitted: { error: 100048, description: 'companyid not set' },
  // 100050 is documented (invalid refresh_token); text not captured, follows 100013.
  refreshTokenInvalid: { error: 100050, description: 'refresh token is illegal' },
} as const satisfies Record<string, QqOauthErrorSpec>;

/** Error pages of the browser authorize step. */
export const QQ_PAGE_ERRORS = {
  // Text not captured; follows the "param X is wrong or lost" pattern of 100001/100004/100007.
  responseTypeInvalid: {
    code: 100000,
    page: 'param response_type is wrong or lost',
    showsAppid: false,
  },
  clientIdMissing: { code: 100001, page: 'param client_id is wrong or lost', showsAppid: false },
  // Captured page text: `client id is illegal, not exist [appid: N] (100008)`.
  clientIdUnknown: { code: 100008, page: 'client id is illegal, not exist', showsAppid: true },
  // Captured page text, newer form: `redirect uri is illegal [appid: N] (100010)`.
  redirectUriInvalid: { code: 100010, page: 'redirect uri is illegal', showsAppid: true },
  // 100028 is documented (`which` missing on /oauth2.0/show); text follows the pattern.
  whichMissing: { code: 100028, page: 'param which is wrong or lost', showsAppid: false },
  requestInvalid: { code: 100029, page: 'http request is illegal', showsAppid: false },
} as const satisfies Record<string, QqPageErrorSpec>;

/** OpenAPI errors of `/user/get_user_info`. */
export const QQ_OPENAPI_ERRORS = {
  openidMissing: { ret: -1, msg: "client request's parameters are invalid, invalid openid" },
  // Not captured; the -1 family names the bad parameter, as for openid.
  consumerKeyMissing: {
    ret: -1,
    msg: "client request's parameters are invalid, invalid oauth_consumer_key",
  },
  // Router errors (unknown path, wrong method, oversized body) on the OpenAPI paths.
  requestInvalid: { ret: -1, msg: "client request's parameters are invalid" },
  openidInvalid: { ret: -22, msg: 'openid is invalid' },
  tokenInvalid: { ret: -23, msg: 'token is invalid' },
  notLoggedIn: { ret: 1002, msg: '请先登录' },
  consumerKeyUndecodable: {
    ret: 1,
    msg: 'service codec Unmarshal: 1 error(s) decoding:\n\n* ',
    decoder: true,
  },
} as const satisfies Record<string, QqOpenApiErrorSpec>;

/** Every OAuth error key. */
export type QqOauthErrorKey = keyof typeof QQ_OAUTH_ERRORS;
/** Every page error key. */
export type QqPageErrorKey = keyof typeof QQ_PAGE_ERRORS;
/** Every OpenAPI error key. */
export type QqOpenApiErrorKey = keyof typeof QQ_OPENAPI_ERRORS;

/** The text of an error page: `<message>[ [appid: N]] (<code>)`. */
export function pageErrorText(spec: QqPageErrorSpec, appid: string | undefined): string {
  const where = spec.showsAppid && appid !== undefined ? ` [appid: ${appid}]` : '';
  return `${spec.page}${where} (${spec.code})`;
}
