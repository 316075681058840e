/**
 * `/user/get_user_info?access_token&oauth_consumer_key&openid`: the profile as one app sees it.
 * Errors are `{"ret":N,"msg":"…"}` at HTTP 200; `format`/`fmt` are ignored (always JSON).
 */
import { catalogueThrower } from '../../../core/errors.js';
import { paramAll, type MockRequest, type MockResponse } from '../../../core/http.js';
import type { QqContext } from '../context.js';
import { QQ_OPENAPI_ERRORS } from '../errors.js';
import { checkAccessToken } from '../grants.js';
import { openApiBody, present, type UserInfoBody } from '../wire.js';
import type { QqUser } from '../world.js';

const fail = catalogueThrower(QQ_OPENAPI_ERRORS);

const UINT64_MAX = 2n ** 64n - 1n;

/**
 * oauth_consumer_key is decoded as a uint64 before anything else is looked at. A repeated key
 * reaches the decoder as a list, which it rejects (captured in qdsang/passport-qq#2); a value that
 * is not a uint64 is rejected with the same template (inferred). An empty value decodes as absent.
 */
function decodeConsumerKey(req: MockRequest): string | undefined {
  const values = paramAll(req, 'oauth_consumer_key');
  if (values.length > 1) {
    return fail('consumerKeyUndecodable', {
      reason: `oauth_consumer_key expected type uint64, got unconvertible type []string, value: [${values.join(' ')}]`,
    });
  }
  const value = values[0];
  if (value === undefined || value === '') return undefined;
  if (!/^\d{1,20}$/.test(value) || BigInt(value) > UINT64_MAX) {
    return fail('consumerKeyUndecodable', {
      reason: `oauth_consumer_key expected type uint64, got unconvertible type string, value: ${value}`,
    });
  }
  return value;
}

function figures(ctx: QqContext, user: QqUser, clientId: string, openid: string) {
  const qzone = `http://qzapp.qlogo.cn/qzapp/${clientId}/${openid}`;
  const { k, t } = ctx.world.avatar(user.persona.id, clientId);
  const qq = (size: number): string => `http://thirdqq.qlogo.cn/g?b=oidb&k=${k}&s=${size}&t=${t}`;
  return {
    figureurl: `${qzone}/30`,
    figureurl_1: `${qzone}/50`,
    figureurl_2: `${qzone}/100`,
    figureurl_qq_1: qq(40),
    // Users without a 100px QQ avatar get the 40px one here (wiki).
    figureurl_qq_2: qq(user.persona.hasAvatar ? 100 : 40),
    figureurl_qq: qq(640),
  };
}

/** `GET /user/get_user_info` */
export function getUserInfo(req: MockRequest, ctx: QqContext): MockResponse {
  const consumerKey = decodeConsumerKey(req);
  const token = present(req, 'access_token');
  if (token === undefined) return fail('notLoggedIn');
  if (consumerKey === undefined) return fail('consumerKeyMissing');
  const openid = present(req, 'openid');
  if (openid === undefined) return fail('openidMissing');
  const check = checkAccessToken(ctx, token);
  if (check.kind !== 'valid' || check.record.clientId !== consumerKey) return fail('tokenInvalid');
  const { record } = check;
  const user = ctx.world.user(record.personaId);
  if (!user || openid !== ctx.world.openid(record.personaId, record.clientId)) {
    return fail('openidInvalid');
  }
  const { profile } = user;
  const body: UserInfoBody = {
    ret: 0,
    msg: '',
    is_lost: 0,
    nickname: user.persona.nickname,
    gender: profile.gender,
    // The gender_type mapping is not settled (1 and 2 were both seen with 男); 1/2 is a guess.
    gender_type: profile.gender === '男' ? 1 : 2,
    province: profile.province,
    city: profile.city,
    year: profile.year,
    constellation: '',
    ...figures(ctx, user, record.clientId, openid),
    figureurl_type: '1',
    is_yellow_vip: '0',
    vip: '0',
    yellow_vip_level: '0',
    level: '0',
    is_yellow_year_vip: '0',
  };
  return openApiBody(body);
}
