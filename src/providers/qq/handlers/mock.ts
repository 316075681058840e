/**
 * QQ's mock-only endpoints under `/__mock/`: the world as JSON, headless consent and auto-approve.
 */
import * as z from 'zod';
import { ProviderError } from '../../../core/errors.js';
import { json, type MockRequest, type MockResponse } from '../../../core/http.js';
import { grantLister, MockApiError, parseMockBody } from '../../../core/mock-api.js';
import { grantConsent, validateAuthorize } from '../authorize.js';
import type { QqContext } from '../context.js';
import { pageErrorText, type QqPageErrorSpec } from '../errors.js';
import type { QqGrant } from '../state.js';
import type { QqUser } from '../world.js';

/** `GET /__mock/apps`: apps with their ids and secrets, for scripts. */
export function listApps(_req: MockRequest, ctx: QqContext): MockResponse {
  return json({
    developerAccounts: ctx.world.accounts,
    apps: ctx.world.apps.map((app) => ({
      client_id: app.clientId,
      appkey: app.appkey,
      name: app.name,
      callbacks: app.callbacks,
      developerAccount: app.developerAccount,
      unionidPermission: app.unionidPermission,
    })),
  });
}

/** `GET /__mock/users`: QQ personas, the openid each app sees, and their unionids. */
export function listUsers(_req: MockRequest, ctx: QqContext): MockResponse {
  return json({
    users: ctx.world.users.map((user) => ({
      id: user.persona.id,
      nickname: user.persona.nickname,
      ...user.profile,
      openids: Object.fromEntries(
        ctx.world.apps.map((app) => [
          app.clientId,
          ctx.world.openid(user.persona.id, app.clientId),
        ]),
      ),
      unionids: Object.fromEntries(
        ctx.world.accounts.map((account) => [
          account.id,
          ctx.world.unionidForAccount(user.persona.id, account.id),
        ]),
      ),
    })),
  });
}

function requireUser(ctx: QqContext, idOrOpenid: string): QqUser {
  const user = ctx.world.user(idOrOpenid);
  if (!user) throw new MockApiError(404, 'unknown_user', `no QQ persona "${idOrOpenid}"`);
  return user;
}

const authorizeBody = z.strictObject({
  client_id: z.string().max(64),
  redirect_uri: z.string().max(2048).optional(),
  scope: z.string().max(1024).optional(),
  state: z.string().max(1024).optional(),
  user: z.string().max(128),
  response_type: z.string().max(32).default('code'),
});

/**
 * `POST /__mock/authorize` `{client_id, redirect_uri, scope, state, user, response_type?}`:
 * headless consent. Validates like the real authorize step (a failure is 400 naming the page
 * error), then answers the code (or, for `response_type=token`, the access token) and the
 * callback location the browser would have been sent to.
 */
export function authorizeHeadless(req: MockRequest, ctx: QqContext): MockResponse {
  const body = parseMockBody(req, authorizeBody);
  const user = requireUser(ctx, body.user);
  try {
    const request = validateAuthorize(ctx, {
      responseType: body.response_type,
      clientId: body.client_id,
      redirectUri: body.redirect_uri,
    });
    const consent = grantConsent(ctx, request, user.persona.id, body.scope, body.state);
    const openid = ctx.world.openid(user.persona.id, request.app.clientId);
    if (consent.kind === 'token') {
      return json({
        access_token: consent.access.token,
        expires_in: consent.expiresIn,
        location: consent.location,
        openid,
      });
    }
    return json({ code: consent.code.code, location: consent.location, openid });
  } catch (error) {
    if (error instanceof ProviderError) {
      const text = pageErrorText(error.spec as QqPageErrorSpec, error.detail['appid']);
      throw new MockApiError(400, error.key, text);
    }
    throw error;
  }
}

/**
 * `GET /__mock/grants[?limit=100]`: the codes and tokens still usable on the mock clock (unused,
 * unexpired codes and refresh tokens; unexpired access tokens), newest first, each with
 * `expiresInSeconds`.
 */
export function listGrants(req: MockRequest, ctx: QqContext): MockResponse {
  const now = ctx.clock.now();
  const lister = grantLister(req, now);
  const grant = (record: QqGrant) => ({
    clientId: record.clientId,
    personaId: record.personaId,
    openid: ctx.world.openid(record.personaId, record.clientId),
    scope: record.scope,
  });
  return json({
    ...lister.header,
    codes: lister.list(
      ctx.state.codes.values(),
      (code) => !code.used && code.expiresAt > now,
      (code) => ({ code: code.code, redirectUri: code.redirectUri, ...grant(code) }),
    ),
    accessTokens: lister.list(
      ctx.state.accessTokens.values(),
      (token) => token.expiresAt > now,
      (token) => ({ token: token.token, ...grant(token) }),
    ),
    refreshTokens: lister.list(
      ctx.state.refreshTokens.values(),
      (token) => !token.used && token.expiresAt > now,
      (token) => ({ refreshToken: token.refreshToken, ...grant(token) }),
    ),
  });
}

/** `GET /__mock/auto-approve` */
export function getAutoApprove(_req: MockRequest, ctx: QqContext): MockResponse {
  return json({ user: ctx.state.autoApprove });
}

/** `POST /__mock/auto-approve` `{user: persona id, openid, or null to turn it off}` */
export function setAutoApprove(req: MockRequest, ctx: QqContext): MockResponse {
  const { user } = parseMockBody(req, z.strictObject({ user: z.string().max(128).nullable() }));
  ctx.state.autoApprove = user === null ? null : requireUser(ctx, user).persona.id;
  return json({ user: ctx.state.autoApprove });
}
