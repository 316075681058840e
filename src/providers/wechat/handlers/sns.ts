/**
 * The four `/sns/*` endpoints of api.weixin.qq.com. Parameters are read from the query string or a
 * form body; extra parameters and headers are ignored, as the real API does.
 */
import { catalogueThrower } from '../../../core/errors.js';
import { param, type MockRequest, type MockResponse } from '../../../core/http.js';
import { safeEqual } from '../../../core/ids.js';
import type { WechatContext } from '../context.js';
import { WECHAT_API_ERRORS } from '../errors.js';
import { checkAccessToken, issueTokens, redeemCode, refreshGrant } from '../grants.js';
import type { WechatApp, WechatUser } from '../world.js';
import {
  wechatJson,
  wechatJsonText,
  wechatText,
  type AccessTokenBody,
  type RefreshTokenBody,
  type UserInfoBody,
} from '../wire.js';

const fail = catalogueThrower(WECHAT_API_ERRORS);

function present(req: MockRequest, name: string): string | undefined {
  const value = param(req, name);
  return value === undefined || value === '' ? undefined : value;
}

function requireApp(ctx: WechatContext, req: MockRequest): WechatApp {
  const appid = present(req, 'appid');
  if (appid === undefined) return fail('appidMissing');
  return ctx.world.app(appid) ?? fail('invalidAppid');
}

/** Whether a grant of this scope to this app carries the unionid in the token response. */
function tokenCarriesUnionid(app: WechatApp, scope: string): boolean {
  if (app.openPlatformAccount === null) return false;
  // Current OA docs: unionid only with snsapi_userinfo; website and mobile grants always carry it.
  return app.kind !== 'official-account' || scope.includes('snsapi_userinfo');
}

/** `GET /sns/oauth2/access_token?appid&secret&code&grant_type=authorization_code` */
export function exchangeCode(req: MockRequest, ctx: WechatContext): MockResponse {
  const app = requireApp(ctx, req);
  const secret = present(req, 'secret');
  if (secret === undefined) return fail('appsecretMissing');
  if (!safeEqual(secret, app.secret)) return fail('invalidAppsecret');
  const code = present(req, 'code');
  if (code === undefined) return fail('codeMissing');
  if (param(req, 'grant_type') !== 'authorization_code') return fail('invalidGrantType');
  const grant = redeemCode(ctx, app.appid, code);
  const { access } = issueTokens(ctx, grant);
  const body: AccessTokenBody = {
    access_token: access.token,
    expires_in: ctx.settings.accessTokenTtlSeconds,
    refresh_token: access.refreshToken,
    openid: ctx.world.openid(grant.personaId, app.appid),
    scope: grant.scope,
  };
  const unionid = ctx.world.unionid(grant.personaId, app);
  if (unionid !== undefined && tokenCarriesUnionid(app, grant.scope)) body.unionid = unionid;
  return wechatJson(body);
}

/** `GET /sns/oauth2/refresh_token?appid&grant_type=refresh_token&refresh_token` (no secret). */
export function refreshAccessToken(req: MockRequest, ctx: WechatContext): MockResponse {
  const app = requireApp(ctx, req);
  if (param(req, 'grant_type') !== 'refresh_token') return fail('invalidGrantType');
  const refreshToken = present(req, 'refresh_token');
  if (refreshToken === undefined) return fail('refreshTokenMissing');
  const { access, refresh } = refreshGrant(ctx, app.appid, refreshToken);
  const body: RefreshTokenBody = {
    access_token: access.token,
    expires_in: Math.round((access.expiresAt - ctx.clock.now()) / 1000),
    refresh_token: refresh.refreshToken,
    openid: ctx.world.openid(refresh.personaId, app.appid),
    scope: refresh.scope,
  };
  return wechatJson(body);
}

const TOKEN_OK = wechatJsonText({ errcode: 0, errmsg: 'ok' });

/** `GET /sns/auth?access_token&openid`: `{"errcode":0,"errmsg":"ok"}` when valid. */
export function checkAccessTokenEndpoint(req: MockRequest, ctx: WechatContext): MockResponse {
  checkAccessToken(ctx, present(req, 'access_token'), present(req, 'openid'));
  return wechatText(TOKEN_OK);
}

/**
 * Userinfo texts by persona, then appid. A text is made of world data only (openid, nickname,
 * avatar, unionid), which never changes once the world is loaded, so each pair is serialised once;
 * the world bounds how many pairs there are, as it does for the memoised openids.
 */
const userInfoTexts = new WeakMap<WechatUser, Map<string, string>>();

function userInfoText(ctx: WechatContext, user: WechatUser, app: WechatApp): string {
  let byApp = userInfoTexts.get(user);
  if (byApp === undefined) {
    byApp = new Map();
    userInfoTexts.set(user, byApp);
  }
  let text = byApp.get(app.appid);
  if (text === undefined) {
    // Since 2021-10-20 sex is always 0 and the location fields are empty strings.
    const body: UserInfoBody = {
      openid: ctx.world.openid(user.persona.id, app.appid),
      nickname: user.persona.nickname,
      sex: 0,
      language: '',
      city: '',
      province: '',
      country: '',
      headimgurl: user.headimgurl,
      privilege: [],
    };
    const unionid = ctx.world.unionid(user.persona.id, app);
    if (unionid !== undefined) body.unionid = unionid;
    text = wechatJsonText(body);
    byApp.set(app.appid, text);
  }
  return text;
}

/** `GET /sns/userinfo?access_token&openid[&lang]`: needs a userinfo or login scope. */
export function getUserInfo(req: MockRequest, ctx: WechatContext): MockResponse {
  const { record } = checkAccessToken(ctx, present(req, 'access_token'), present(req, 'openid'));
  if (!/snsapi_(userinfo|login)/.test(record.scope)) return fail('apiUnauthorized');
  const user = ctx.world.user(record.personaId);
  const app = ctx.world.app(record.appid);
  if (!user || !app) return fail('systemError');
  return wechatText(userInfoText(ctx, user, app));
}
