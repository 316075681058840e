/**
 * Codes and tokens: how they are minted, redeemed and checked. Nothing here knows about HTTP; the
 * token endpoint's failures are thrown as catalogue errors, and the access-token check returns its
 * outcome so each endpoint can answer in its own error family.
 */
import { setBounded } from '../../core/bounded.js';
import { catalogueThrower } from '../../core/errors.js';
import type { QqContext } from './context.js';
import { QQ_OAUTH_ERRORS } from './errors.js';
import type { AccessTokenRecord, CodeRecord, QqGrant, RefreshTokenRecord } from './state.js';

const fail = catalogueThrower(QQ_OAUTH_ERRORS);

/** Codes, access and refresh tokens are all 32 upper-case hex characters (spec/qq.md §1–2). */
const TOKEN_SHAPE = /^[0-9A-F]{32}$/;

function newSecret(ctx: QqContext): string {
  return ctx.ids.hex(32, true);
}

/** Mints a single-use code bound to the redirect_uri it will be delivered to. */
export function issueCode(ctx: QqContext, grant: QqGrant, redirectUri: string): CodeRecord {
  const record: CodeRecord = {
    clientId: grant.clientId,
    personaId: grant.personaId,
    scope: grant.scope,
    code: newSecret(ctx),
    redirectUri,
    expiresAt: ctx.clock.now() + ctx.settings.codeTtlSeconds * 1000,
    used: false,
  };
  const now = ctx.clock.now();
  setBounded(ctx.state.codes, record.code, record, { isOver: (code) => code.expiresAt <= now });
  return record;
}

/**
 * Redeems a code for an app. Another app's code is unknown to this one (100019) and stays usable
 * by its own app; a redeemed code is 100020 from then on, even after it would have expired.
 */
export function redeemCode(ctx: QqContext, clientId: string, code: string): CodeRecord {
  const record = ctx.state.codes.get(code);
  if (record?.clientId !== clientId) return fail('codeInvalid');
  if (record.used) return fail('codeReused');
  if (ctx.clock.now() >= record.expiresAt) return fail('codeInvalid');
  record.used = true;
  return record;
}

/** Issues an access token only (the implicit flow carries no refresh token). */
export function issueAccessToken(ctx: QqContext, grant: QqGrant): AccessTokenRecord {
  const now = ctx.clock.now();
  const access: AccessTokenRecord = {
    clientId: grant.clientId,
    personaId: grant.personaId,
    scope: grant.scope,
    token: newSecret(ctx),
    expiresAt: now + ctx.settings.accessTokenTtlSeconds * 1000,
  };
  setBounded(ctx.state.accessTokens, access.token, access, { isOver: (t) => t.expiresAt <= now });
  return access;
}

/**
 * Issues an access token and a refresh token. `chainEnd` is the end of the refresh chain: a code
 * exchange starts a new chain, a refresh continues the old one without extending it.
 */
export function issueTokens(
  ctx: QqContext,
  grant: QqGrant,
  chainEnd = ctx.clock.now() + ctx.settings.refreshTokenTtlSeconds * 1000,
): { access: AccessTokenRecord; refresh: RefreshTokenRecord } {
  const access = issueAccessToken(ctx, grant);
  const refresh: RefreshTokenRecord = {
    clientId: grant.clientId,
    personaId: grant.personaId,
    scope: grant.scope,
    refreshToken: newSecret(ctx),
    expiresAt: chainEnd,
    used: false,
  };
  const now = ctx.clock.now();
  // A used refresh token answers 100050 like an unknown one, so it can go first too.
  setBounded(ctx.state.refreshTokens, refresh.refreshToken, refresh, {
    isOver: (t) => t.used || t.expiresAt <= now,
  });
  return { access, refresh };
}

/**
 * Refreshes: the current wiki says every refresh issues a new refresh_token and each one is usable
 * once; the chain as a whole ends about 3 months after the code exchange. Any failure is 100050.
 * Access tokens issued earlier stay valid until their own expiry.
 */
export function refreshGrant(
  ctx: QqContext,
  clientId: string,
  refreshToken: string,
): { access: AccessTokenRecord; refresh: RefreshTokenRecord } {
  const record = ctx.state.refreshTokens.get(refreshToken);
  if (record?.clientId !== clientId || record.used) return fail('refreshTokenInvalid');
  if (ctx.clock.now() >= record.expiresAt) return fail('refreshTokenInvalid');
  record.used = true;
  return issueTokens(ctx, record, record.expiresAt);
}

/** The outcome of presenting an access token. */
export type AccessTokenCheck =
  | { readonly kind: 'missing' }
  | { readonly kind: 'malformed' }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'expired'; readonly record: AccessTokenRecord }
  | { readonly kind: 'valid'; readonly record: AccessTokenRecord };

/** Looks an access token up on the mock clock. */
export function checkAccessToken(ctx: QqContext, token: string | undefined): AccessTokenCheck {
  if (token === undefined || token === '') return { kind: 'missing' };
  if (!TOKEN_SHAPE.test(token)) return { kind: 'malformed' };
  const record = ctx.state.accessTokens.get(token);
  if (!record) return { kind: 'unknown' };
  if (ctx.clock.now() >= record.expiresAt) return { kind: 'expired', record };
  return { kind: 'valid', record };
}
