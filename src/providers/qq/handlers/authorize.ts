/**
 * The browser step: `/oauth2.0/authorize` and `/oauth2.0/show?which=Login` take the same
 * parameters (many sites link to the latter directly). GET shows the login page, or answers the
 * 302 at once under auto-approve; the page's form POSTs back to the same path and gets the 302.
 */
import { catalogueThrower } from '../../../core/errors.js';
import {
  html as htmlResponse,
  redirect,
  type MockRequest,
  type MockResponse,
} from '../../../core/http.js';
import {
  grantConsent,
  normaliseScope,
  validateAuthorize,
  type ValidAuthorize,
} from '../authorize.js';
import type { QqContext } from '../context.js';
import { QQ_PAGE_ERRORS } from '../errors.js';
import { pageLang, QQ_TEXT } from '../pages/i18n.js';
import { renderLoginPage } from '../pages/login.js';
import { field } from '../wire.js';
import type { QqUser } from '../world.js';

const failPage = catalogueThrower(QQ_PAGE_ERRORS);

/** Parameters the page carries from the GET to its POST. */
const CARRIED = [
  'which',
  'response_type',
  'client_id',
  'redirect_uri',
  'state',
  'scope',
  'display',
  'lang',
] as const;

function validate(req: MockRequest, ctx: QqContext): ValidAuthorize {
  return validateAuthorize(ctx, {
    responseType: field(req, 'response_type'),
    clientId: field(req, 'client_id'),
    redirectUri: field(req, 'redirect_uri'),
  });
}

/** `/oauth2.0/show` needs `which=Login`; without it the page is 100028. */
function requireWhich(req: MockRequest): void {
  if (field(req, 'which')?.toLowerCase() !== 'login') failPage('whichMissing');
}

function consentRedirect(
  req: MockRequest,
  ctx: QqContext,
  request: ValidAuthorize,
  user: QqUser,
): MockResponse {
  const consent = grantConsent(
    ctx,
    request,
    user.persona.id,
    field(req, 'scope'),
    field(req, 'state'),
  );
  return redirect(consent.location);
}

function showPage(req: MockRequest, ctx: QqContext): MockResponse {
  const request = validate(req, ctx);
  const auto = ctx.state.autoApprove === null ? undefined : ctx.world.user(ctx.state.autoApprove);
  if (auto) return consentRedirect(req, ctx, request, auto);
  const lang = pageLang(field(req, 'lang'));
  const hidden: Record<string, string> = {};
  for (const name of CARRIED) {
    const value = field(req, name);
    if (value !== undefined) hidden[name] = value;
  }
  const other = new URL(req.url);
  other.searchParams.set('lang', lang === 'en' ? 'zh_CN' : 'en');
  return htmlResponse(
    renderLoginPage({
      appName: request.app.name,
      scope: normaliseScope(field(req, 'scope')),
      action: req.url.pathname,
      hidden,
      users: ctx.world.users,
      display: field(req, 'display') === 'mobile' ? 'mobile' : 'pc',
      lang,
      otherLangHref: `${other.pathname}${other.search}`,
    }),
  );
}

function submitPage(req: MockRequest, ctx: QqContext): MockResponse {
  const request = validate(req, ctx);
  const user = ctx.world.user(field(req, 'user') ?? '') ?? ctx.world.users[0];
  if (!user) return htmlResponse(QQ_TEXT[pageLang(field(req, 'lang'))].noUsers, 400);
  return consentRedirect(req, ctx, request, user);
}

/** `GET /oauth2.0/authorize` */
export function showAuthorize(req: MockRequest, ctx: QqContext): MockResponse {
  return showPage(req, ctx);
}

/** `POST /oauth2.0/authorize` (the login page's consent): 302 to the callback. */
export function submitAuthorize(req: MockRequest, ctx: QqContext): MockResponse {
  return submitPage(req, ctx);
}

/** `GET /oauth2.0/show?which=Login` */
export function showLogin(req: MockRequest, ctx: QqContext): MockResponse {
  requireWhich(req);
  return showPage(req, ctx);
}

/** `POST /oauth2.0/show` (the login page's consent, `which=Login` carried in the form). */
export function submitLogin(req: MockRequest, ctx: QqContext): MockResponse {
  requireWhich(req);
  return submitPage(req, ctx);
}
