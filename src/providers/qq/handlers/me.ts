/**
 * `/oauth2.0/me`: which app and which user an access token belongs to. Server-side validation of
 * mobile-SDK logins relies on it (spec/qq.md §7), so `client_id` is always the token's own app.
 */
import { catalogueThrower } from '../../../core/errors.js';
import type { MockRequest, MockResponse } from '../../../core/http.js';
import type { QqContext } from '../context.js';
import { QQ_OAUTH_ERRORS } from '../errors.js';
import { checkAccessToken } from '../grants.js';
import type { AccessTokenRecord } from '../state.js';
import { field, formatOf, oauthBody, present, type MeBody } from '../wire.js';

const fail = catalogueThrower(QQ_OAUTH_ERRORS);

/** `/me` answers are never cached (as graph.qq.com sends them). */
const NO_CACHE: Readonly<Record<string, string>> = Object.freeze({ 'cache-control': 'no-cache' });

function requireToken(req: MockRequest, ctx: QqContext): AccessTokenRecord {
  const check = checkAccessToken(ctx, present(req, 'access_token'));
  switch (check.kind) {
    case 'missing':
      return fail('accessTokenMissing');
    case 'malformed':
      return fail('accessTokenIllegal');
    case 'unknown':
    case 'expired':
      return fail('accessTokenCheckFailed');
    case 'valid':
      return check.record;
  }
}

/**
 * `/oauth2.0/me?access_token[&unionid=1][&fmt=json]`. Default body, byte for byte:
 * `callback( {"client_id":"…","openid":"…"} );\n` as `text/html` with `Cache-Control: no-cache`
 * (yiisoft/yii2-authclient#231). unionid only with `unionid=1`: JustAuth sends `unionid=0`.
 */
export function getOpenid(req: MockRequest, ctx: QqContext): MockResponse {
  const record = requireToken(req, ctx);
  const app = ctx.world.app(record.clientId);
  if (!app) return fail('accessTokenCheckFailed');
  const body: MeBody = {
    client_id: app.clientId,
    openid: ctx.world.openid(record.personaId, app.clientId),
  };
  if (field(req, 'unionid') === '1') {
    body.unionid = ctx.world.unionid(record.personaId, app) ?? fail('unionidNotPermitted');
  }
  return oauthBody(body, formatOf(req), 200, NO_CACHE);
}
