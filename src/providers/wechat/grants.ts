/**
 * Codes and tokens: how they are minted, redeemed and checked. Handlers call these and throw the
 * catalogue errors they return; nothing here knows about HTTP.
 */
import { setBounded } from '../../core/bounded.js';
import { catalogueThrower } from '../../core/errors.js';
import type { WechatContext } from './context.js';
import { WECHAT_API_ERRORS } from './errors.js';
import type { AccessTokenRecord, CodeRecord, RefreshTokenRecord, WechatGrant } from './state.js';

const fail = catalogueThrower(WECHAT_API_ERRORS);

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function alnum(ctx: WechatContext, length: number): string {
  // Rejection sampling keeps every character uniform (62 does not divide 256).
  let out = '';
  while (out.length < length) {
    for (const byte of ctx.ids.random(length * 2)) {
      if (byte < 248 && out.length < length) out += ALNUM[byte % 62] ?? '';
    }
  }
  return out;
}

/** Mints a single-use code: 32 characters starting with `0`, like the real ones. */
export function issueCode(ctx: WechatContext, grant: WechatGrant): CodeRecord {
  const record: CodeRecord = {
    appid: grant.appid,
    personaId: grant.personaId,
    scope: grant.scope,
    code: `0${alnum(ctx, 31)}`,
    expiresAt: ctx.clock.now() + ctx.settings.codeTtlSeconds * 1000,
    used: false,
  };
  const now = ctx.clock.now();
  setBounded(ctx.state.codes, record.code, record, { isOver: (code) => code.expiresAt <= now });
  return record;
}

function newToken(ctx: WechatContext): string {
  return `${ctx.settings.tokenPrefix}_${ctx.ids.base64url(104)}`;
}

/**
 * Redeems a code for appid. A code is consumed by its first successful exchange; another app's
 * attempt is `invalid code` and leaves it usable by its own app.
 */
export function redeemCode(ctx: WechatContext, appid: string, code: string): CodeRecord {
  const record = ctx.state.codes.get(code);
  if (record?.appid !== appid) return fail('invalidCode');
  if (record.used) return fail('codeReused');
  if (ctx.clock.now() >= record.expiresAt) return fail('codeExpired');
  record.used = true;
  return record;
}

/** Issues an access token and its refresh token for a grant. */
export function issueTokens(
  ctx: WechatContext,
  grant: WechatGrant,
): { access: AccessTokenRecord; refresh: RefreshTokenRecord } {
  const now = ctx.clock.now();
  const access: AccessTokenRecord = {
    appid: grant.appid,
    personaId: grant.personaId,
    scope: grant.scope,
    token: newToken(ctx),
    refreshToken: newToken(ctx),
    expiresAt: now + ctx.settings.accessTokenTtlSeconds * 1000,
  };
  const refresh: RefreshTokenRecord = {
    appid: grant.appid,
    personaId: grant.personaId,
    scope: grant.scope,
    refreshToken: access.refreshToken,
    accessToken: access.token,
    expiresAt: now + ctx.settings.refreshTokenTtlSeconds * 1000,
  };
  setBounded(ctx.state.accessTokens, access.token, access, { isOver: (t) => t.expiresAt <= now });
  setBounded(ctx.state.refreshTokens, refresh.refreshToken, refresh, {
    isOver: (t) => t.expiresAt <= now,
  });
  return { access, refresh };
}

/**
 * Refreshes: an expired access token is replaced, a live one keeps its value with a renewed expiry.
 * The refresh token is returned unchanged and its hard expiry is never extended.
 */
export function refreshGrant(
  ctx: WechatContext,
  appid: string,
  refreshToken: string,
): { access: AccessTokenRecord; refresh: RefreshTokenRecord } {
  const refresh = ctx.state.refreshTokens.get(refreshToken);
  if (refresh?.appid !== appid) return fail('invalidRefreshToken');
  const now = ctx.clock.now();
  if (now >= refresh.expiresAt) return fail('refreshTokenExpired');
  const ttl = ctx.settings.accessTokenTtlSeconds * 1000;
  const current = ctx.state.accessTokens.get(refresh.accessToken);
  if (current && now < current.expiresAt) {
    current.expiresAt = now + ttl;
    return { access: current, refresh };
  }
  if (current) ctx.state.accessTokens.delete(current.token);
  const access: AccessTokenRecord = {
    appid: refresh.appid,
    personaId: refresh.personaId,
    scope: refresh.scope,
    token: newToken(ctx),
    refreshToken: refresh.refreshToken,
    expiresAt: now + ttl,
  };
  setBounded(ctx.state.accessTokens, access.token, access, { isOver: (t) => t.expiresAt <= now });
  refresh.accessToken = access.token;
  return { access, refresh };
}

const TOKEN_SHAPE = /^\d{1,3}_[A-Za-z0-9_-]{20,200}$/;

/**
 * Checks an access token and the openid presented with it. Malformed tokens are `invalid
 * access_token` (40014), unknown ones `invalid credential` (40001), old ones `expired` (42001).
 */
export function checkAccessToken(
  ctx: WechatContext,
  token: string | undefined,
  openid: string | undefined,
): { record: AccessTokenRecord; openid: string } {
  if (token === undefined || token === '') return fail('accessTokenMissing');
  if (!TOKEN_SHAPE.test(token)) return fail('invalidAccessToken');
  const record = ctx.state.accessTokens.get(token);
  if (!record) return fail('invalidCredential');
  if (ctx.clock.now() >= record.expiresAt) return fail('accessTokenExpired');
  const expected = ctx.world.openid(record.personaId, record.appid);
  if (openid === undefined || openid !== expected) return fail('invalidOpenid');
  return { record, openid: expected };
}
