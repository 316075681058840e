/**
 * Consumer contract: the auth server (consumer `idmock-auth-server`) -> QQ (provider `idmock-qq`).
 * Writes `contracts/idmock-auth-server-idmock-qq.json`.
 *
 * Each test drives the auth server's real code against Pact's mock server: the QQ client's
 * `validate()` (`/oauth2.0/me?fmt=json`, then `/user/get_user_info`) used by `QQConnectRequest`,
 * and, through the same HTTP helper (`getJson`), the default JSONP form of `/oauth2.0/me` that
 * most QQ clients parse with fixed offsets or regexes (qq.md §3, §8). Bodies are pinned as text
 * (see `../support/pinned-body.ts`): `text/html` even for JSON, `callback( {…} );\n` with exactly
 * one space inside each parenthesis and a trailing newline, `client_id` a string, `error` and
 * `ret` numbers, the VIP flags strings, and the exact codes of each error.
 *
 * Access tokens and openids exist only once a state is set up, so they reach the requests as
 * provider-state injected values (`fromProviderState`); the values below are examples.
 */
import '../support/pact-env.js';
import { MatchersV3, PactV4 } from '@pact-foundation/pact';
import { describe, expect, it } from 'vitest';
import { getJson, providerUrl } from '../../../src/auth-server/clients/provider-http.js';
import { createQqClient } from '../../../src/auth-server/clients/qq-client.js';
import { CONTRACT_PARTIES } from '../../../src/contract/contracts.js';
import { QQ_STATES } from '../../../src/contract/qq-target.js';
import { contractOutput } from '../support/contract-file.js';
import { settled } from '../support/mock-server-settled.js';
import {
  exampleComment,
  objectPattern,
  pinned,
  VALUE,
  type PinnedBody,
} from '../support/pinned-body.js';

const { fromProviderState } = MatchersV3;

const pact = new PactV4({
  consumer: CONTRACT_PARTIES.authServer,
  provider: CONTRACT_PARTIES.qq,
  dir: contractOutput(CONTRACT_PARTIES.authServer, CONTRACT_PARTIES.qq),
  logLevel: 'warn',
});

// The seeded app whose players connect to the auth server ("Acme 手游"), and a persona with QQ.
const CLIENT_ID = '101364208';
const PERSONA = 'zhang-wei';

// Example values in QQ's formats: tokens and openids are 32 upper-case hex characters.
const ACCESS_TOKEN = '923F0C58D234267889BDAF994F31DD4D';
const OPENID = '18FB2525CC0C8CC9B912BD06A623FB9F';
const HEX32 = VALUE.stringOf('[0-9A-F]{32}');
const TEXT_HTML = 'text/html';

/** QQ's JSONP: `callback( <json> );` and a newline, spaces exactly so (yii2-authclient#231). */
function jsonp(json: PinnedBody): PinnedBody {
  return {
    contentType: TEXT_HTML,
    example: `callback( ${json.example} );\n`,
    pattern: `callback\\( ${json.pattern} \\);\\n`,
  };
}

/** `{"error":N,"error_description":"…"}`, the OAuth error of `/oauth2.0/*`. */
function oauthError(error: number, description: string): PinnedBody {
  return {
    contentType: TEXT_HTML,
    example: JSON.stringify({ error, error_description: description }),
    pattern: objectPattern([
      ['error', VALUE.exactly(error)],
      ['error_description', VALUE.exactly(description)],
    ]),
  };
}

/** `{"ret":N,"msg":"…"}`, the OpenAPI error of `/user/get_user_info`. */
function openApiError(ret: number, msg: string): PinnedBody {
  return {
    contentType: 'text/html; charset=utf-8',
    example: JSON.stringify({ ret, msg }),
    pattern: objectPattern([
      ['ret', VALUE.exactly(ret)],
      ['msg', VALUE.exactly(msg)],
    ]),
  };
}

const ME: PinnedBody = {
  contentType: TEXT_HTML,
  example: `{"client_id":"${CLIENT_ID}","openid":"${OPENID}"}`,
  // client_id is a string of digits, whatever the implementation's app is; openid comes last.
  pattern: objectPattern([
    ['client_id', VALUE.digitString],
    ['openid', HEX32],
  ]),
};

const TOKEN_CHECK_FAILED = oauthError(100016, 'access token check failed');
const TOKEN_ILLEGAL = oauthError(100013, 'access token is illegal');

/** A URL as a JSON string, with "/" escaped as "\/" or not (both are seen from QQ). */
const URL_STRING = String.raw`"https?:(?:\\/|/)(?:\\/|/)(?:[^"\\]|\\/)*"`;
const figure = (size: number) => `http://qzapp.qlogo.cn/qzapp/${CLIENT_ID}/${OPENID}/${size}`;
const qqFigure = (size: number) =>
  `http://thirdqq.qlogo.cn/g?b=oidb&k=L10NsFoKHYVbcZhcOGkxU1dC&s=${size}&t=1604467007`;

const USER_INFO: PinnedBody = {
  contentType: 'text/html; charset=utf-8',
  example: JSON.stringify({
    ret: 0,
    msg: '',
    is_lost: 0,
    nickname: '张伟',
    gender: '男',
    gender_type: 1,
    province: '广东',
    city: '深圳',
    year: '1990',
    constellation: '',
    figureurl: figure(30),
    figureurl_1: figure(50),
    figureurl_2: figure(100),
    figureurl_qq_1: qqFigure(40),
    figureurl_qq_2: qqFigure(100),
    figureurl_qq: qqFigure(640),
    figureurl_type: '1',
    is_yellow_vip: '0',
    vip: '0',
    yellow_vip_level: '0',
    level: '0',
    is_yellow_year_vip: '0',
  }),
  // The captured key order and JSON types (qq.md §4): numbers for ret/is_lost/gender_type,
  // strings for everything else, the VIP and level flags included.
  pattern: objectPattern([
    ['ret', VALUE.exactly(0)],
    ['msg', VALUE.exactly('')],
    ['is_lost', '[01]'],
    ['nickname', VALUE.string],
    ['gender', VALUE.string],
    ['gender_type', VALUE.integer],
    ['province', VALUE.string],
    ['city', VALUE.string],
    ['year', VALUE.stringOf('[0-9]*')],
    ['constellation', VALUE.string],
    ['figureurl', URL_STRING],
    ['figureurl_1', URL_STRING],
    ['figureurl_2', URL_STRING],
    ['figureurl_qq_1', URL_STRING],
    ['figureurl_qq_2', URL_STRING],
    ['figureurl_qq', URL_STRING],
    ['figureurl_type', VALUE.digitString],
    ['is_yellow_vip', VALUE.digitString],
    ['vip', VALUE.digitString],
    ['yellow_vip_level', VALUE.digitString],
    ['level', VALUE.digitString],
    ['is_yellow_year_vip', VALUE.digitString],
  ]),
};

const TOKEN_INVALID = openApiError(-23, 'token is invalid');
const OPENID_INVALID = openApiError(-22, 'openid is invalid');

/** The auth server's QQ client, pointed at Pact's mock server. */
function clientFor(url: string) {
  return createQqClient({ baseUrl: url, timeoutMs: 5000 });
}

/** A GET through the clients' own HTTP helper (for the calls `validate()` does not make). */
function get(url: string, path: string, query: Record<string, string>) {
  return getJson(providerUrl(url, path, query), { baseUrl: url, timeoutMs: 5000 });
}

const authorised = [QQ_STATES.authorised, { persona: PERSONA, clientId: CLIENT_ID }] as const;
const expired = [QQ_STATES.tokenExpired, { persona: PERSONA, clientId: CLIENT_ID }] as const;
const injectedToken = fromProviderState('${accessToken}', ACCESS_TOKEN);
const userInfoQuery = {
  access_token: injectedToken,
  oauth_consumer_key: fromProviderState('${clientId}', CLIENT_ID),
  openid: fromProviderState('${openid}', OPENID),
};

/** The `/me` lookup `validate()` starts with; several tests share it. */
function meAsJson(): void {
  pact
    .addInteraction()
    .given(...authorised)
    .uponReceiving('an openid lookup as JSON')
    .comment(exampleComment(ME))
    .withRequest('GET', '/oauth2.0/me', (request) =>
      request.query({ access_token: injectedToken, fmt: 'json' }),
    )
    .willRespondWith(200, pinned(ME));
}

describe('GET /oauth2.0/me?fmt=json, then GET /user/get_user_info (QqClient.validate)', () => {
  it('resolves the token to client_id and openid, then reads the nickname', async () => {
    meAsJson();
    await pact
      .addInteraction()
      .given(...authorised)
      .uponReceiving('a profile request')
      .comment(exampleComment(USER_INFO))
      .withRequest('GET', '/user/get_user_info', (request) => request.query(userInfoQuery))
      .willRespondWith(200, pinned(USER_INFO))
      .executeTest(
        settled(async (mock) => {
          const identity = await clientFor(mock.url).validate(ACCESS_TOKEN, CLIENT_ID);
          expect(identity).toEqual({ kind: 'ok', value: { openid: OPENID, nickname: '张伟' } });
        }),
      );
  });

  it('rejects an expired token with error 100016 from /oauth2.0/me', async () => {
    await pact
      .addInteraction()
      .given(...expired)
      .uponReceiving('an openid lookup as JSON with an expired token')
      .comment(exampleComment(TOKEN_CHECK_FAILED))
      .withRequest('GET', '/oauth2.0/me', (request) =>
        request.query({ access_token: injectedToken, fmt: 'json' }),
      )
      .willRespondWith(200, pinned(TOKEN_CHECK_FAILED))
      .executeTest(
        settled(async (mock) => {
          const identity = await clientFor(mock.url).validate(ACCESS_TOKEN, CLIENT_ID);
          expect(identity).toMatchObject({ kind: 'rejected', code: 100016 });
        }),
      );
  });

  it('rejects a malformed token with error 100013 from /oauth2.0/me', async () => {
    await pact
      .addInteraction()
      .uponReceiving('an openid lookup as JSON with a malformed token')
      .comment(exampleComment(TOKEN_ILLEGAL))
      .withRequest('GET', '/oauth2.0/me', (request) =>
        request.query({ access_token: 'not-a-qq-token', fmt: 'json' }),
      )
      .willRespondWith(200, pinned(TOKEN_ILLEGAL))
      .executeTest(
        settled(async (mock) => {
          const identity = await clientFor(mock.url).validate('not-a-qq-token', CLIENT_ID);
          expect(identity).toMatchObject({ kind: 'rejected', code: 100013 });
        }),
      );
  });

  it('rejects a token that expires between the two calls with ret -23', async () => {
    meAsJson();
    await pact
      .addInteraction()
      .given(...expired)
      .uponReceiving('a profile request with an expired token')
      .comment(exampleComment(TOKEN_INVALID))
      .withRequest('GET', '/user/get_user_info', (request) => request.query(userInfoQuery))
      .willRespondWith(200, pinned(TOKEN_INVALID))
      .executeTest(
        settled(async (mock) => {
          const identity = await clientFor(mock.url).validate(ACCESS_TOKEN, CLIENT_ID);
          expect(identity).toMatchObject({ kind: 'rejected', code: -23 });
        }),
      );
  });
});

describe('GET /oauth2.0/me (the default JSONP)', () => {
  it('answers callback( {"client_id":…,"openid":…} );\\n', async () => {
    const body = jsonp(ME);
    await pact
      .addInteraction()
      .given(...authorised)
      .uponReceiving('an openid lookup as JSONP')
      .comment(exampleComment(body))
      .withRequest('GET', '/oauth2.0/me', (request) =>
        request.query({ access_token: injectedToken }),
      )
      .willRespondWith(200, pinned(body))
      .executeTest(
        settled(async (mock) => {
          const answer = await get(mock.url, '/oauth2.0/me', { access_token: ACCESS_TOKEN });
          expect(answer).toEqual({ kind: 'ok', value: { client_id: CLIENT_ID, openid: OPENID } });
        }),
      );
  });

  it('answers an expired token with error 100016 as JSONP', async () => {
    const body = jsonp(TOKEN_CHECK_FAILED);
    await pact
      .addInteraction()
      .given(...expired)
      .uponReceiving('an openid lookup as JSONP with an expired token')
      .comment(exampleComment(body))
      .withRequest('GET', '/oauth2.0/me', (request) =>
        request.query({ access_token: injectedToken }),
      )
      .willRespondWith(200, pinned(body))
      .executeTest(
        settled(async (mock) => {
          const answer = await get(mock.url, '/oauth2.0/me', { access_token: ACCESS_TOKEN });
          expect(answer).toEqual({
            kind: 'ok',
            value: { error: 100016, error_description: 'access token check failed' },
          });
        }),
      );
  });
});

describe('GET /user/get_user_info', () => {
  it('answers an openid the token was not issued for with ret -22', async () => {
    const otherOpenid = '00000000000000000000000000000000';
    await pact
      .addInteraction()
      .given(...authorised)
      .uponReceiving("a profile request for another user's openid")
      .comment(exampleComment(OPENID_INVALID))
      .withRequest('GET', '/user/get_user_info', (request) =>
        request.query({ ...userInfoQuery, openid: otherOpenid }),
      )
      .willRespondWith(200, pinned(OPENID_INVALID))
      .executeTest(
        settled(async (mock) => {
          const answer = await get(mock.url, '/user/get_user_info', {
            access_token: ACCESS_TOKEN,
            oauth_consumer_key: CLIENT_ID,
            openid: otherOpenid,
          });
          expect(answer).toEqual({ kind: 'ok', value: { ret: -22, msg: 'openid is invalid' } });
        }),
      );
  });
});
