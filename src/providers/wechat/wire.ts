/**
 * Wire shapes of the WeChat `/sns/*` API, spelled as the provider spells them, and the one
 * serialiser that gives them WeChat's transport facts: HTTP 200, `text/plain` with no charset,
 * compact UTF-8 JSON with `/` escaped as `\/`.
 */
import { escapeSlashes, type MockResponse } from '../../core/http.js';

/** `/sns/oauth2/access_token` success body, in the observed field order. */
export interface AccessTokenBody {
  access_token: string;
  expires_in: number;
  refresh_token: string;
  openid: string;
  scope: string;
  unionid?: string;
}

/** `/sns/oauth2/refresh_token` success body (never carries unionid). */
export type RefreshTokenBody = Omit<AccessTokenBody, 'unionid'>;

/** `/sns/userinfo` success body, in the observed post-2021 field order. */
export interface UserInfoBody {
  openid: string;
  nickname: string;
  sex: number;
  language: string;
  city: string;
  province: string;
  country: string;
  headimgurl: string;
  privilege: string[];
  unionid?: string;
}

/** `{"errcode","errmsg"}`, also the `/sns/auth` success. */
export interface ErrorBody {
  errcode: number;
  errmsg: string;
}

/** A body's text as api.weixin.qq.com writes it. */
export function wechatJsonText(body: object): string {
  return escapeSlashes(JSON.stringify(body));
}

/** A response of api.weixin.qq.com carrying already serialised text (see {@link wechatJsonText}). */
export function wechatText(text: string, status = 200): MockResponse {
  return { status, headers: { 'content-type': 'text/plain' }, body: text };
}

/** Serialises a body the way api.weixin.qq.com does. */
export function wechatJson(body: object, status = 200): MockResponse {
  return wechatText(wechatJsonText(body), status);
}
