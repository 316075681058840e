/**
 * `/oauth2.0/token`: GET query or POST form (social-core POSTs; most clients GET), with the grant
 * handlers in a map keyed by grant_type. Answers `access_token=…&expires_in=…&refresh_token=…` as
 * `text/html` by default, JSON with `fmt=json`; errors are JSONP (or JSON), always HTTP 200.
 */
import { catalogueThrower } from '../../../core/errors.js';
import type { MockRequest, MockResponse } from '../../../core/http.js';
import { safeEqual } from '../../../core/ids.js';
import type { QqContext } from '../context.js';
import { QQ_OAUTH_ERRORS } from '../errors.js';
import { issueTokens, redeemCode, refreshGrant } from '../grants.js';
import type { AccessTokenRecord, RefreshTokenRecord } from '../state.js';
import { field, formatOf, present, tokenBody, type TokenBody } from '../wire.js';
import type { QqApp } from '../world.js';

const fail = catalogueThrower(QQ_OAUTH_ERRORS);

interface Issued {
  access: AccessTokenRecord;
  refresh: RefreshTokenRecord;
}
type GrantHandler = (req: MockRequest, ctx: QqContext, app: QqApp) => Issued;

/** `grant_type=authorization_code`: code, then redirect_uri, then the code's own checks. */
function authorizationCode(req: MockRequest, ctx: QqContext, app: QqApp): Issued {
  const code = present(req, 'code');
  if (code === undefined) return fail('codeMissing');
  // redirect_uri is required for web apps (JPressProjects/jpress#134) and must be a registered
  // callback; a mismatch (or a double-encoded one, per TopIAM) is 100010 and leaves the code unused.
  const redirectUri = field(req, 'redirect_uri');
  if (redirectUri === undefined || !app.callbacks.includes(redirectUri)) {
    return fail('redirectUriInvalid');
  }
  return issueTokens(ctx, redeemCode(ctx, app.clientId, code));
}

/** `grant_type=refresh_token`; a redirect_uri (JustAuth sends one) is ignored. */
function refreshToken(req: MockRequest, ctx: QqContext, app: QqApp): Issued {
  const token = present(req, 'refresh_token');
  if (token === undefined) return fail('refreshTokenMissing');
  return refreshGrant(ctx, app.clientId, token);
}

const GRANT_HANDLERS: ReadonlyMap<string, GrantHandler> = new Map([
  ['authorization_code', authorizationCode],
  ['refresh_token', refreshToken],
]);

function requireClient(req: MockRequest, ctx: QqContext): QqApp {
  const clientId = present(req, 'client_id');
  if (clientId === undefined) return fail('clientIdMissing');
  const app = ctx.world.app(clientId);
  if (!app) return fail('clientIdUnknown');
  const secret = present(req, 'client_secret');
  if (secret === undefined) return fail('clientSecretMissing');
  if (!safeEqual(secret, app.appkey)) return fail('clientSecretInvalid');
  return app;
}

/**
 * `/oauth2.0/token?grant_type&client_id&client_secret&(code&redirect_uri | refresh_token)
 * [&fmt=json][&need_openid=1]`. With `need_openid=1` the openid is appended after the three
 * documented keys, in both formats, so clients that read the keys by position or by a regex such
 * as Casdoor's `token=(.*?)&` see the same prefix either way.
 */
export function exchangeToken(req: MockRequest, ctx: QqContext): MockResponse {
  const handler = GRANT_HANDLERS.get(field(req, 'grant_type') ?? '');
  if (!handler) return fail('grantTypeInvalid');
  const app = requireClient(req, ctx);
  const { access, refresh } = handler(req, ctx, app);
  const body: TokenBody = {
    access_token: access.token,
    expires_in: String(ctx.settings.accessTokenTtlSeconds),
    refresh_token: refresh.refreshToken,
  };
  if (field(req, 'need_openid') === '1') {
    body.openid = ctx.world.openid(access.personaId, app.clientId);
  }
  return tokenBody(body, formatOf(req));
}
