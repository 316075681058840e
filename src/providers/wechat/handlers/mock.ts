/**
 * WeChat's mock-only endpoints under `/__mock/`: the world, headless consent, QR session control
 * and auto-approve.
 */
import * as z from 'zod';
import { ProviderError } from '../../../core/errors.js';
import { json, type MockRequest, type MockResponse } from '../../../core/http.js';
import { grantLister, MockApiError, parseMockBody } from '../../../core/mock-api.js';
import type { PathParams } from '../../../core/router.js';
import {
  callbackUrl,
  validateMobileAuthorize,
  validateOaAuthorize,
  validateWebsiteAuthorize,
} from '../authorize.js';
import type { WechatContext } from '../context.js';
import type { WechatPageErrorSpec } from '../errors.js';
import { issueCode } from '../grants.js';
import type { QrSession, WechatGrant } from '../state.js';
import { applyQrEvent, confirmQr, expireIfDue } from './qrconnect.js';

/** `GET /__mock/apps` */
export function listApps(_req: MockRequest, ctx: WechatContext): MockResponse {
  return json({
    accounts: ctx.world.accounts,
    apps: ctx.world.apps.map((app) => ({
      appid: app.appid,
      secret: app.secret,
      name: app.name,
      kind: app.kind,
      callbackDomain: app.callbackDomain ?? null,
      openPlatformAccount: app.openPlatformAccount,
    })),
  });
}

/** `GET /__mock/users`: personas with the openid each app sees and their unionids. */
export function listUsers(_req: MockRequest, ctx: WechatContext): MockResponse {
  return json({
    users: ctx.world.users.map((user) => ({
      id: user.persona.id,
      nickname: user.persona.nickname,
      headimgurl: user.headimgurl,
      openids: Object.fromEntries(
        ctx.world.apps.map((app) => [app.appid, ctx.world.openid(user.persona.id, app.appid)]),
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

const authorizeBody = z.object({
  appid: z.string().max(64),
  redirect_uri: z.string().max(2048).optional(),
  scope: z.string().max(256).optional(),
  state: z.string().max(1024).default(''),
  user: z.string().max(128),
});

/**
 * `POST /__mock/authorize`: headless consent. Validates like the real authorize step for the app's
 * kind, then answers the code and the callback location.
 */
export function authorizeHeadless(req: MockRequest, ctx: WechatContext): MockResponse {
  const body = parseMockBody(req, authorizeBody);
  const user = ctx.world.user(body.user);
  if (!user) throw new MockApiError(404, 'unknown_user', `no WeChat persona "${body.user}"`);
  const kind = ctx.world.app(body.appid)?.kind;
  const params = { appid: body.appid, redirectUri: body.redirect_uri, scope: body.scope };
  try {
    let scope: string;
    let appid: string;
    if (kind === 'official-account') {
      const result = validateOaAuthorize(ctx, params);
      scope = result.scope;
      appid = result.app.appid;
    } else if (kind === 'mobile') {
      appid = validateMobileAuthorize(ctx, params).appid;
      scope = 'snsapi_userinfo';
    } else {
      appid = validateWebsiteAuthorize(ctx, params).appid;
      scope = 'snsapi_login';
    }
    const code = issueCode(ctx, { appid, personaId: user.persona.id, scope });
    // Mobile apps receive the code through the SDK callback `wx<appid>://oauth?code=…&state=…`.
    const location =
      kind === 'mobile'
        ? callbackUrl(`${appid}://oauth`, code.code, body.state)
        : callbackUrl(body.redirect_uri ?? '', code.code, body.state);
    return json({ code: code.code, location, openid: ctx.world.openid(user.persona.id, appid) });
  } catch (error) {
    if (error instanceof ProviderError) {
      const spec = error.spec as WechatPageErrorSpec;
      throw new MockApiError(
        400,
        error.key,
        spec.code === undefined ? spec.page : `${spec.page} (${spec.code})`,
      );
    }
    throw error;
  }
}

function sessionView(ctx: WechatContext, session: QrSession): Record<string, unknown> {
  expireIfDue(ctx, session);
  return {
    uuid: session.uuid,
    appid: session.appid,
    status: session.qr.status,
    personaId: 'personaId' in session.qr ? session.qr.personaId : null,
    redirectUri: session.redirectUri,
    state: session.state,
    expiresInSeconds: Math.max(0, Math.round((session.expiresAt - ctx.clock.now()) / 1000)),
  };
}

function sessionOf(ctx: WechatContext, params: PathParams): QrSession {
  const session = ctx.state.qrSessions.get(params['uuid'] ?? '');
  if (!session)
    throw new MockApiError(404, 'unknown_qr_session', `no QR session "${params['uuid'] ?? ''}"`);
  return session;
}

const userBody = z.object({ user: z.string().max(128).optional() });

function personaFrom(ctx: WechatContext, req: MockRequest, required: boolean): string | null {
  const { user } = parseMockBody(req, userBody);
  if (user === undefined) {
    if (required)
      throw new MockApiError(400, 'invalid_body', 'user: required (a persona id or openid)');
    return null;
  }
  const found = ctx.world.user(user);
  if (!found) throw new MockApiError(404, 'unknown_user', `no WeChat persona "${user}"`);
  return found.persona.id;
}

/** `GET /__mock/qr` */
export function listQrSessions(_req: MockRequest, ctx: WechatContext): MockResponse {
  return json({ sessions: [...ctx.state.qrSessions.values()].map((s) => sessionView(ctx, s)) });
}

/** `GET /__mock/qr/:uuid` */
export function getQrSession(
  _req: MockRequest,
  ctx: WechatContext,
  params: PathParams,
): MockResponse {
  return json(sessionView(ctx, sessionOf(ctx, params)));
}

/** `POST /__mock/qr/:uuid/scan` `{user?}` */
export function scanQr(req: MockRequest, ctx: WechatContext, params: PathParams): MockResponse {
  const session = sessionOf(ctx, params);
  applyQrEvent(ctx, session, { type: 'scan', personaId: personaFrom(ctx, req, false) });
  return json(sessionView(ctx, session));
}

/** `POST /__mock/qr/:uuid/confirm` `{user?}` (defaults to the persona who scanned). */
export function confirmQrSession(
  req: MockRequest,
  ctx: WechatContext,
  params: PathParams,
): MockResponse {
  const session = sessionOf(ctx, params);
  const scanned = session.qr.status === 'scanned' ? session.qr.personaId : null;
  const personaId = personaFrom(ctx, req, scanned === null) ?? scanned;
  if (personaId === null) throw new MockApiError(400, 'invalid_body', 'user: required');
  confirmQr(ctx, session, personaId);
  return json(sessionView(ctx, session));
}

/** `POST /__mock/qr/:uuid/cancel` */
export function cancelQr(_req: MockRequest, ctx: WechatContext, params: PathParams): MockResponse {
  const session = sessionOf(ctx, params);
  applyQrEvent(ctx, session, { type: 'cancel' });
  return json(sessionView(ctx, session));
}

/** `POST /__mock/qr/:uuid/expire` */
export function expireQr(_req: MockRequest, ctx: WechatContext, params: PathParams): MockResponse {
  const session = sessionOf(ctx, params);
  applyQrEvent(ctx, session, { type: 'expire' });
  return json(sessionView(ctx, session));
}

/**
 * `GET /__mock/grants[?limit=100]`: the codes and tokens still usable on the mock clock (unused,
 * unexpired codes; unexpired tokens), newest first, each with `expiresInSeconds`.
 */
export function listGrants(req: MockRequest, ctx: WechatContext): MockResponse {
  const now = ctx.clock.now();
  const lister = grantLister(req, now);
  const grant = (record: WechatGrant) => ({
    appid: record.appid,
    personaId: record.personaId,
    openid: ctx.world.openid(record.personaId, record.appid),
    scope: record.scope,
  });
  return json({
    ...lister.header,
    codes: lister.list(
      ctx.state.codes.values(),
      (code) => !code.used && code.expiresAt > now,
      (code) => ({ code: code.code, ...grant(code) }),
    ),
    accessTokens: lister.list(
      ctx.state.accessTokens.values(),
      (token) => token.expiresAt > now,
      (token) => ({ token: token.token, ...grant(token) }),
    ),
    refreshTokens: lister.list(
      ctx.state.refreshTokens.values(),
      (token) => token.expiresAt > now,
      (token) => ({ refreshToken: token.refreshToken, ...grant(token) }),
    ),
  });
}

/** `GET /__mock/auto-approve` */
export function getAutoApprove(_req: MockRequest, ctx: WechatContext): MockResponse {
  return json({ user: ctx.state.autoApprove });
}

/** `POST /__mock/auto-approve` `{user: persona | null}` */
export function setAutoApprove(req: MockRequest, ctx: WechatContext): MockResponse {
  const { user } = parseMockBody(req, z.object({ user: z.string().max(128).nullable() }));
  if (user !== null && !ctx.world.user(user)) {
    throw new MockApiError(404, 'unknown_user', `no WeChat persona "${user}"`);
  }
  ctx.state.autoApprove = user === null ? null : (ctx.world.user(user)?.persona.id ?? null);
  return json({ user: ctx.state.autoApprove });
}
