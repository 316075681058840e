/**
 * Official Account web authorization (`/connect/oauth2/authorize`), opened inside WeChat. With
 * auto-approve it answers the 302 at once; otherwise a phone page lets the tester pick the persona
 * (and consent, for `snsapi_userinfo`), then posts back to the same path.
 */
import {
  html as htmlResponse,
  param,
  redirect,
  type MockRequest,
  type MockResponse,
} from '../../../core/http.js';
import { callbackUrl, validateOaAuthorize } from '../authorize.js';
import type { WechatContext } from '../context.js';
import { issueCode } from '../grants.js';
import { pageLang } from '../pages/i18n.js';
import { renderOaConsentPage } from '../pages/phone.js';

function paramsOf(req: MockRequest) {
  return {
    appid: param(req, 'appid'),
    redirectUri: param(req, 'redirect_uri'),
    scope: param(req, 'scope'),
  };
}

/** `GET /connect/oauth2/authorize` */
export function showOaAuthorize(req: MockRequest, ctx: WechatContext): MockResponse {
  const { app, scope } = validateOaAuthorize(ctx, paramsOf(req));
  const state = param(req, 'state') ?? '';
  const redirectUri = param(req, 'redirect_uri') ?? '';
  const auto = ctx.state.autoApprove === null ? undefined : ctx.world.user(ctx.state.autoApprove);
  if (auto) {
    const code = issueCode(ctx, { appid: app.appid, personaId: auto.persona.id, scope });
    return redirect(callbackUrl(redirectUri, code.code, state));
  }
  return htmlResponse(
    renderOaConsentPage({
      appName: app.name,
      scope,
      hidden: { appid: app.appid, redirect_uri: redirectUri, scope, state, response_type: 'code' },
      users: ctx.world.users,
      lang: pageLang(param(req, 'lang')),
    }),
  );
}

/** `POST /connect/oauth2/authorize` (the consent form): 302 to the callback with code and state. */
export function submitOaAuthorize(req: MockRequest, ctx: WechatContext): MockResponse {
  const { app, scope } = validateOaAuthorize(ctx, paramsOf(req));
  const user = ctx.world.user(param(req, 'user') ?? '') ?? ctx.world.users[0];
  if (!user) return htmlResponse('no WeChat persona in this world', 400);
  const code = issueCode(ctx, { appid: app.appid, personaId: user.persona.id, scope });
  return redirect(
    callbackUrl(param(req, 'redirect_uri') ?? '', code.code, param(req, 'state') ?? ''),
  );
}
