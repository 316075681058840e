/**
 * Wire shapes of graph.qq.com, spelled as QQ spells them, and the serialisers that give them QQ's
 * transport facts: HTTP 200, `text/html` for JSONP and url-encoded bodies (captured on `/me` and
 * the token endpoint), compact JSON, and JSONP written as `callback( <json> );\n`.
 */
import { jsonpText, paramAll, type MockRequest, type MockResponse } from '../../core/http.js';

/** The body format a request asked for: QQ's historical default, or `fmt=json`. */
export type QqFormat = 'default' | 'json';

/**
 * Reads a parameter the way graph.qq.com does: the query string first, then a url-encoded form
 * body. JSON bodies are not read (no QQ client sends one). The first of repeated values wins.
 */
export function field(req: MockRequest, name: string): string | undefined {
  return paramAll(req, name)[0];
}

/** Like {@link field}, but an empty value counts as missing. */
export function present(req: MockRequest, name: string): string | undefined {
  const value = field(req, name);
  return value === '' ? undefined : value;
}

/** `fmt=json` switches the token and `/me` endpoints from their historical default to JSON. */
export function formatOf(req: MockRequest): QqFormat {
  return field(req, 'fmt')?.toLowerCase() === 'json' ? 'json' : 'default';
}

/** A token endpoint success, in the documented key order. */
export interface TokenBody {
  access_token: string;
  /** A string even in JSON (synctv-org/synctv#329; logto's zod guard requires it). */
  expires_in: string;
  refresh_token: string;
  /** Only with `need_openid=1`, after the three documented keys. */
  openid?: string;
}

/** `/oauth2.0/me` success, keys in the order clients parse them. */
export interface MeBody {
  client_id: string;
  openid: string;
  /** Only with `unionid=1`. */
  unionid?: string;
}

/** An OAuth API error. */
export interface OauthErrorBody {
  error: number;
  error_description: string;
}

/** `/user/get_user_info` success, in the captured key order and with the captured JSON types. */
export interface UserInfoBody {
  ret: number;
  msg: string;
  is_lost: number;
  nickname: string;
  gender: string;
  gender_type: number;
  province: string;
  city: string;
  year: string;
  constellation: string;
  figureurl: string;
  figureurl_1: string;
  figureurl_2: string;
  figureurl_qq_1: string;
  figureurl_qq_2: string;
  figureurl_qq: string;
  figureurl_type: string;
  is_yellow_vip: string;
  vip: string;
  yellow_vip_level: string;
  level: string;
  is_yellow_year_vip: string;
}

/** An OpenAPI error; decoder errors carry `msg` first (see the catalogue). */
export type OpenApiErrorBody = { ret: number; msg: string } | { msg: string; ret: number };

// The Content-Type of `fmt=json` answers was never captured; text/html is the safest guess.
const TEXT_HTML = 'text/html';

/** `/me` and token responses as JSONP by default or bare JSON with `fmt=json`, both `text/html`. */
export function oauthBody(
  value: MeBody | OauthErrorBody,
  format: QqFormat,
  status = 200,
  headers: Readonly<Record<string, string>> = {},
): MockResponse {
  const body = format === 'default' ? jsonpText(value) : JSON.stringify(value);
  return { status, headers: { 'content-type': TEXT_HTML, ...headers }, body };
}

/**
 * The token endpoint's success: `access_token=…&expires_in=…&refresh_token=…` by default ("因历史
 * 原因，默认是 x-www-form-urlencoded 格式"), or JSON with `fmt=json`. `openid` goes last in both.
 */
export function tokenBody(body: TokenBody, format: QqFormat): MockResponse {
  const text =
    format === 'json'
      ? JSON.stringify(body)
      : Object.entries(body)
          .map(([key, value]) => `${key}=${encodeURIComponent(String(value))}`)
          .join('&');
  return { status: 200, headers: { 'content-type': TEXT_HTML }, body: text };
}

/**
 * `/user/get_user_info` bodies: JSON served as `text/html; charset=utf-8` like the wiki sample.
 * A browser opening the URL renders it as HTML, and the decoder error echoes the request's
 * `oauth_consumer_key`, so `<` and `>` are written `\u003c` and `\u003e` (as Go's
 * `encoding/json` writes them): the same JSON to every parser, and no markup for a browser.
 */
export function openApiBody(body: UserInfoBody | OpenApiErrorBody, status = 200): MockResponse {
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: JSON.stringify(body).replace(/[<>]/g, (c) => (c === '<' ? '\\u003c' : '\\u003e')),
  };
}
