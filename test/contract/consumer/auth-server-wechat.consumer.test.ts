/**
 * Consumer contract: the auth server (consumer `idmock-auth-server`) -> WeChat (provider
 * `idmock-wechat`). Writes `contracts/idmock-auth-server-idmock-wechat.json`.
 *
 * Each test drives the auth server's real code against Pact's mock server: the WeChat client's
 * `validate()` (`/sns/auth`, then `/sns/userinfo`) used by `WeChatConnectRequest`, and the
 * `/sns/oauth2/access_token` exchange the login API makes, through the same HTTP helper
 * (`getJson`) the clients use. The responses are WeChat's, pinned byte for byte where clients
 * depend on it (see `../support/pinned-body.ts`): `text/plain` with no charset, compact JSON in
 * WeChat's field order, numbers where WeChat sends numbers, `\/`-escaped URLs, raw UTF-8 text, no
 * `errcode` key on a success body except `/sns/auth`'s `{"errcode":0,"errmsg":"ok"}`, and the
 * exact errcode of each error.
 *
 * Provider states carry parameters (`WeChat user {persona} has authorised app {appid} …`). Tokens,
 * codes, openids and secrets exist only once a state is set up, so they reach the requests as
 * provider-state injected values (`fromProviderState`): the values below are examples for this
 * test, and a verifier replaces them with whatever the state set-up answered.
 */
import '../support/pact-env.js';
import { MatchersV3, PactV4 } from '@pact-foundation/pact';
import { describe, expect, it } from 'vitest';
import { createWechatClient } from '../../../src/auth-server/clients/wechat-client.js';
import { getJson, providerUrl } from '../../../src/auth-server/clients/provider-http.js';
import { CONTRACT_PARTIES } from '../../../src/contract/contracts.js';
import { WECHAT_STATES } from '../../../src/contract/wechat-target.js';
import { contractOutput } from '../support/contract-file.js';
import { settled } from '../support/mock-server-settled.js';
import {
  exampleComment,
  literal,
  objectPattern,
  pinned,
  VALUE,
  type PinnedBody,
} from '../support/pinned-body.js';

const { fromProviderState } = MatchersV3;

const pact = new PactV4({
  consumer: CONTRACT_PARTIES.authServer,
  provider: CONTRACT_PARTIES.wechat,
  dir: contractOutput(CONTRACT_PARTIES.authServer, CONTRACT_PARTIES.wechat),
  logLevel: 'warn',
});

// The seeded apps the states name: the website app the login API exchanges QR-login codes for,
// the mobile app whose users connect to the auth server, and an official account (the only kind
// that can hold a snsapi_base token).
const WEBSITE_APP = 'wx1a2b3c4d5e6f7081';
const MOBILE_APP = 'wx3c4d5e6f708192a3';
const OFFICIAL_ACCOUNT = 'wx4d5e6f708192a3b4';
const PERSONA = 'zhang-wei';

// Example values in WeChat's formats (wechat.md §7).
const SECRET = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const CODE = '071P9jx62sdEZR07rMv62IMix62P9jxk';
const ACCESS_TOKEN =
  '86_gsjgowyUS61Zh2gaI2KGecCVzFbbxeAoj9b7PKmKXMEaCI8aEYLbNwjNT1DzkV0tbIp9zXslHNy_RoUe76KCUHDyUPVl9l';
const REFRESH_TOKEN =
  '86_oNQKcvdyhi0F4whgX1lTEeGHN-YqOBinmgG5CB4_rHoYcPR6kqjvSC6b-JFV4psr96olZe59GM3Erq1TPANIFKtbq1SE';
const OPENID = 'o2cuG60rc3BOAk5lb0ZdjdIc9Le-';
const UNIONID = 'oqYychvJYmctYo29R5MPvIMDyERe';
const RID = ', rid: 6b01df78-83b13bba-b3548314';

/** Shapes of WeChat's varying values. */
const TOKEN = VALUE.stringOf('[0-9A-Za-z_-]+');
const OPEN_ID = VALUE.stringOf('o[0-9A-Za-z_-]{27}');
/** errmsg suffixes by era: ", rid: <hex time>-<hex8>-<hex8>" (2019 on), legacy hints, or none. */
const ERRMSG_SUFFIX =
  '(?:, rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}|, hints: \\[ req_id: [0-9A-Za-z_-]+ \\])?';

/** `{"errcode":N,"errmsg":"<text>[, rid: …]"}`: the errcode exact, the errmsg's text exact. */
function wechatError(errcode: number, errmsg: string): PinnedBody {
  return {
    contentType: 'text/plain',
    example: JSON.stringify({ errcode, errmsg: `${errmsg}${RID}` }),
    pattern: objectPattern([
      ['errcode', VALUE.exactly(errcode)],
      ['errmsg', `"${literal(JSON.stringify(errmsg).slice(1, -1))}${ERRMSG_SUFFIX}"`],
    ]),
  };
}

const ACCESS_TOKEN_ISSUED: PinnedBody = {
  contentType: 'text/plain',
  example: JSON.stringify({
    access_token: ACCESS_TOKEN,
    expires_in: 7200,
    refresh_token: REFRESH_TOKEN,
    openid: OPENID,
    scope: 'snsapi_login',
    unionid: UNIONID,
  }),
  pattern: objectPattern([
    ['access_token', TOKEN],
    ['expires_in', VALUE.integer],
    ['refresh_token', TOKEN],
    ['openid', OPEN_ID],
    ['scope', VALUE.exactly('snsapi_login')],
    ['unionid', OPEN_ID],
  ]),
};

const TOKEN_VALID: PinnedBody = {
  contentType: 'text/plain',
  example: '{"errcode":0,"errmsg":"ok"}',
  pattern: objectPattern([
    ['errcode', VALUE.exactly(0)],
    ['errmsg', VALUE.exactly('ok')],
  ]),
};

const USER_INFO: PinnedBody = {
  contentType: 'text/plain',
  // Real post-2021 shape: sex 0 and empty location strings, a `\/`-escaped avatar URL.
  example:
    `{"openid":"${OPENID}","nickname":"张伟","sex":0,"language":"","city":"","province":"",` +
    `"country":"","headimgurl":"https:\\/\\/thirdwx.qlogo.cn\\/mmopen\\/vi_32\\/FPDgBpCxJMivsUrAdsLH\\/132",` +
    `"privilege":[],"unionid":"${UNIONID}"}`,
  pattern: objectPattern([
    ['openid', OPEN_ID],
    ['nickname', VALUE.wechatText],
    ['sex', '[0-2]'],
    ['language', VALUE.wechatText],
    ['city', VALUE.wechatText],
    ['province', VALUE.wechatText],
    ['country', VALUE.wechatText],
    // Empty, or an https URL with every "/" written "\/" as WeChat does.
    ['headimgurl', String.raw`"(?:https?:\\/\\/(?:[^"\\/]|\\/)*)?"`],
    ['privilege', VALUE.stringArray],
    ['unionid', OPEN_ID],
  ]),
};

const INVALID_CODE = wechatError(40029, 'invalid code');
const CODE_REUSED = wechatError(40163, 'code been used');
const INVALID_CREDENTIAL = wechatError(
  40001,
  'invalid credential, access_token is invalid or not latest',
);
const TOKEN_EXPIRED = wechatError(42001, 'access_token expired');
const INVALID_OPENID = wechatError(40003, 'invalid openid');
const API_UNAUTHORIZED = wechatError(48001, 'api unauthorized');

/** The auth server's WeChat client, pointed at Pact's mock server. */
function clientFor(url: string) {
  return createWechatClient({ baseUrl: url, timeoutMs: 5000 });
}

/** The login API's code exchange (no client function yet): the clients' own HTTP helper. */
function exchangeCode(url: string, query: Record<string, string>) {
  return getJson(providerUrl(url, '/sns/oauth2/access_token', query), {
    baseUrl: url,
    timeoutMs: 5000,
  });
}

const exchangeQuery = {
  appid: fromProviderState('${appid}', WEBSITE_APP),
  secret: fromProviderState('${secret}', SECRET),
  code: fromProviderState('${code}', CODE),
  grant_type: 'authorization_code',
};

describe('GET /sns/oauth2/access_token', () => {
  it('exchanges an unused code for tokens, expires_in a number and no errcode key', async () => {
    await pact
      .addInteraction()
      .given(WECHAT_STATES.unusedCode, { persona: PERSONA, appid: WEBSITE_APP })
      .uponReceiving('a code exchange for an unused code')
      .comment(exampleComment(ACCESS_TOKEN_ISSUED))
      .withRequest('GET', '/sns/oauth2/access_token', (request) => request.query(exchangeQuery))
      .willRespondWith(200, pinned(ACCESS_TOKEN_ISSUED))
      .executeTest(
        settled(async (mock) => {
          const answer = await exchangeCode(mock.url, {
            appid: WEBSITE_APP,
            secret: SECRET,
            code: CODE,
            grant_type: 'authorization_code',
          });
          expect(answer).toEqual({
            kind: 'ok',
            value: expect.objectContaining({ expires_in: 7200, openid: OPENID, unionid: UNIONID }),
          });
        }),
      );
  });

  it('answers a code it never issued with errcode 40029', async () => {
    await pact
      .addInteraction()
      .given(WECHAT_STATES.appExists, { appid: WEBSITE_APP })
      .uponReceiving('a code exchange for an unknown code')
      .comment(exampleComment(INVALID_CODE))
      .withRequest('GET', '/sns/oauth2/access_token', (request) =>
        request.query({ ...exchangeQuery, code: '011NeverIssuedNeverIssued0000000' }),
      )
      .willRespondWith(200, pinned(INVALID_CODE))
      .executeTest(
        settled(async (mock) => {
          const answer = await exchangeCode(mock.url, {
            appid: WEBSITE_APP,
            secret: SECRET,
            code: '011NeverIssuedNeverIssued0000000',
            grant_type: 'authorization_code',
          });
          expect(answer).toEqual({
            kind: 'ok',
            value: expect.objectContaining({ errcode: 40029 }),
          });
        }),
      );
  });

  it('answers a code exchanged before with errcode 40163', async () => {
    await pact
      .addInteraction()
      .given(WECHAT_STATES.usedCode, { persona: PERSONA, appid: WEBSITE_APP })
      .uponReceiving('a code exchange for a code already exchanged')
      .comment(exampleComment(CODE_REUSED))
      .withRequest('GET', '/sns/oauth2/access_token', (request) => request.query(exchangeQuery))
      .willRespondWith(200, pinned(CODE_REUSED))
      .executeTest(
        settled(async (mock) => {
          const answer = await exchangeCode(mock.url, {
            appid: WEBSITE_APP,
            secret: SECRET,
            code: CODE,
            grant_type: 'authorization_code',
          });
          expect(answer).toEqual({
            kind: 'ok',
            value: expect.objectContaining({ errcode: 40163 }),
          });
        }),
      );
  });
});

describe('GET /sns/auth, then GET /sns/userinfo (WechatClient.validate)', () => {
  const authorised = (appid: string, scope: string) =>
    [WECHAT_STATES.authorised, { persona: PERSONA, appid, scope }] as const;
  const tokenQuery = {
    access_token: fromProviderState('${accessToken}', ACCESS_TOKEN),
    openid: fromProviderState('${openid}', OPENID),
  };

  it('validates a token with errcode 0, then reads the nickname', async () => {
    pact
      .addInteraction()
      .given(...authorised(MOBILE_APP, 'snsapi_userinfo'))
      .uponReceiving('a token check for a valid token')
      .comment(exampleComment(TOKEN_VALID))
      .withRequest('GET', '/sns/auth', (request) => request.query(tokenQuery))
      .willRespondWith(200, pinned(TOKEN_VALID));
    await pact
      .addInteraction()
      .given(...authorised(MOBILE_APP, 'snsapi_userinfo'))
      .uponReceiving('a profile request with a snsapi_userinfo token')
      .comment(exampleComment(USER_INFO))
      .withRequest('GET', '/sns/userinfo', (request) =>
        request.query({ ...tokenQuery, lang: 'zh_CN' }),
      )
      .willRespondWith(200, pinned(USER_INFO))
      .executeTest(
        settled(async (mock) => {
          const identity = await clientFor(mock.url).validate(ACCESS_TOKEN, OPENID);
          expect(identity).toEqual({ kind: 'ok', value: { openid: OPENID, nickname: '张伟' } });
        }),
      );
  });

  it('accepts a snsapi_base token whose profile request answers 48001, with no nickname', async () => {
    pact
      .addInteraction()
      .given(...authorised(OFFICIAL_ACCOUNT, 'snsapi_base'))
      .uponReceiving('a token check for a valid snsapi_base token')
      .comment(exampleComment(TOKEN_VALID))
      .withRequest('GET', '/sns/auth', (request) => request.query(tokenQuery))
      .willRespondWith(200, pinned(TOKEN_VALID));
    await pact
      .addInteraction()
      .given(...authorised(OFFICIAL_ACCOUNT, 'snsapi_base'))
      .uponReceiving('a profile request with a snsapi_base token')
      .comment(exampleComment(API_UNAUTHORIZED))
      .withRequest('GET', '/sns/userinfo', (request) =>
        request.query({ ...tokenQuery, lang: 'zh_CN' }),
      )
      .willRespondWith(200, pinned(API_UNAUTHORIZED))
      .executeTest(
        settled(async (mock) => {
          const identity = await clientFor(mock.url).validate(ACCESS_TOKEN, OPENID);
          expect(identity).toEqual({ kind: 'ok', value: { openid: OPENID, nickname: '' } });
        }),
      );
  });

  it('rejects a token WeChat does not know with errcode 40001', async () => {
    const unknown = '86_NeverIssuedNeverIssuedNeverIssuedNeverIssued';
    await pact
      .addInteraction()
      .given(...authorised(MOBILE_APP, 'snsapi_userinfo'))
      .uponReceiving('a token check for an unknown token')
      .comment(exampleComment(INVALID_CREDENTIAL))
      .withRequest('GET', '/sns/auth', (request) =>
        request.query({ ...tokenQuery, access_token: unknown }),
      )
      .willRespondWith(200, pinned(INVALID_CREDENTIAL))
      .executeTest(
        settled(async (mock) => {
          const identity = await clientFor(mock.url).validate(unknown, OPENID);
          expect(identity).toMatchObject({ kind: 'rejected', code: 40001 });
        }),
      );
  });

  it('rejects an expired token with errcode 42001', async () => {
    await pact
      .addInteraction()
      .given(WECHAT_STATES.tokenExpired, { persona: PERSONA, appid: MOBILE_APP })
      .uponReceiving('a token check for an expired token')
      .comment(exampleComment(TOKEN_EXPIRED))
      .withRequest('GET', '/sns/auth', (request) => request.query(tokenQuery))
      .willRespondWith(200, pinned(TOKEN_EXPIRED))
      .executeTest(
        settled(async (mock) => {
          const identity = await clientFor(mock.url).validate(ACCESS_TOKEN, OPENID);
          expect(identity).toMatchObject({ kind: 'rejected', code: 42001 });
        }),
      );
  });

  it('rejects an openid the token was not issued for with errcode 40003', async () => {
    const otherOpenid = 'oNotTheTokensOpenidNotTheTok';
    await pact
      .addInteraction()
      .given(...authorised(MOBILE_APP, 'snsapi_userinfo'))
      .uponReceiving("a token check with another user's openid")
      .comment(exampleComment(INVALID_OPENID))
      .withRequest('GET', '/sns/auth', (request) =>
        request.query({ ...tokenQuery, openid: otherOpenid }),
      )
      .willRespondWith(200, pinned(INVALID_OPENID))
      .executeTest(
        settled(async (mock) => {
          const identity = await clientFor(mock.url).validate(ACCESS_TOKEN, otherOpenid);
          expect(identity).toMatchObject({ kind: 'rejected', code: 40003 });
        }),
      );
  });
});
