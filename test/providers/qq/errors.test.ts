/**
 * Every entry of the three QQ catalogues, provoked over HTTP and checked byte for byte in each
 * format the endpoint speaks. The last test of each block proves the table covers the catalogue.
 */
import { describe, expect, it } from 'vitest';
import {
  QQ_OAUTH_ERRORS,
  QQ_OPENAPI_ERRORS,
  QQ_PAGE_ERRORS,
  type QqOauthErrorKey,
  type QqOpenApiErrorKey,
  type QqPageErrorKey,
} from '../../../src/providers/qq/index.js';
import { get, postForm, useIdmock, type Fetched } from '../../support/idmock.js';
import {
  codeParams,
  GAME,
  jsonpError,
  NO_UNIONID,
  obtainCode,
  obtainTokens,
  url,
  WEB,
} from './support.js';

const idmock = useIdmock({ services: ['qq'] });
const base = (): string => idmock.current.urls.qq ?? '';

/** Sends one request, with `fmt=json` added when asked. */
type Send = (json: boolean) => Promise<Fetched>;

const fmt = (json: boolean): Record<string, string> => (json ? { fmt: 'json' } : {});

const token = (params: Record<string, string>): Send => {
  return (json) => get(url(base(), '/oauth2.0/token', { ...params, ...fmt(json) }));
};

const me = (params: Record<string, string>): Send => {
  return (json) => get(url(base(), '/oauth2.0/me', { ...params, ...fmt(json) }));
};

const OAUTH_CASES: readonly {
  key: QqOauthErrorKey;
  status?: number;
  send: () => Promise<Send>;
}[] = [
  {
    key: 'clientIdMissing',
    send: () => Promise.resolve(token({ grant_type: 'authorization_code', code: 'X' })),
  },
  {
    key: 'clientSecretMissing',
    send: () =>
      Promise.resolve(
        token({ grant_type: 'authorization_code', client_id: WEB.clientId, code: 'X' }),
      ),
  },
  {
    key: 'grantTypeInvalid',
    send: () => Promise.resolve(token({ ...codeParams(WEB, 'X'), grant_type: 'password' })),
  },
  {
    key: 'codeMissing',
    send: () => Promise.resolve(token({ ...codeParams(WEB, 'X'), code: '' })),
  },
  {
    key: 'refreshTokenMissing',
    send: () =>
      Promise.resolve(
        token({ grant_type: 'refresh_token', client_id: WEB.clientId, client_secret: WEB.appkey }),
      ),
  },
  { key: 'accessTokenMissing', send: () => Promise.resolve(me({})) },
  {
    key: 'clientIdUnknown',
    send: () => Promise.resolve(token({ ...codeParams(WEB, 'X'), client_id: '100000001' })),
  },
  {
    key: 'clientSecretInvalid',
    send: () => Promise.resolve(token({ ...codeParams(WEB, 'X'), client_secret: GAME.appkey })),
  },
  {
    key: 'redirectUriInvalid',
    send: async () =>
      token({ ...codeParams(WEB, await obtainCode(base())), redirect_uri: `${WEB.callback}/` }),
  },
  { key: 'accessTokenIllegal', send: () => Promise.resolve(me({ access_token: 'not-a-token' })) },
  {
    key: 'accessTokenCheckFailed',
    send: () => Promise.resolve(me({ access_token: '0123456789ABCDEF0123456789ABCDEF' })),
  },
  {
    key: 'codeInvalid',
    send: () => Promise.resolve(token(codeParams(WEB, '0123456789ABCDEF0123456789ABCDEF'))),
  },
  {
    key: 'codeReused',
    send: async () => {
      const params = codeParams(WEB, await obtainCode(base()));
      expect((await get(url(base(), '/oauth2.0/token', params))).text).toMatch(/^access_token=/);
      return token(params);
    },
  },
  {
    key: 'requestInvalid',
    status: 404,
    send: () => Promise.resolve((json) => get(url(base(), '/oauth2.0/nothing', fmt(json)))),
  },
  {
    key: 'unionidNotPermitted',
    send: async () => {
      const { access_token } = await obtainTokens(base(), NO_UNIONID);
      return me({ access_token, unionid: '1' });
    },
  },
  {
    key: 'refreshTokenInvalid',
    send: () =>
      Promise.resolve(
        token({
          grant_type: 'refresh_token',
          client_id: WEB.clientId,
          client_secret: WEB.appkey,
          refresh_token: '0123456789ABCDEF0123456789ABCDEF',
        }),
      ),
  },
];

describe('OAuth errors (token and /me)', () => {
  it.each(OAUTH_CASES)('answers $key as JSONP by default', async ({ key, status, send }) => {
    const spec = QQ_OAUTH_ERRORS[key];
    const res = await (await send())(false);
    expect(res.status).toBe(status ?? 200);
    expect(res.headers.get('content-type')).toBe('text/html');
    expect(res.text).toBe(jsonpError(spec.error, spec.description));
  });

  it.each(OAUTH_CASES)('answers $key as bare JSON with fmt=json', async ({ key, status, send }) => {
    const spec = QQ_OAUTH_ERRORS[key];
    const res = await (await send())(true);
    expect(res.status).toBe(status ?? 200);
    expect(res.text).toBe(
      JSON.stringify({ error: spec.error, error_description: spec.description }),
    );
    expect(typeof res.json<{ error: unknown }>().error).toBe('number');
  });

  it('covers every OAuth catalogue entry', () => {
    expect(OAUTH_CASES.map((c) => c.key).sort()).toEqual(Object.keys(QQ_OAUTH_ERRORS).sort());
  });

  it('reads fmt=json from a POST form too', async () => {
    const res = await postForm(`${base()}/oauth2.0/token`, { fmt: 'json' });
    expect(res.json()).toEqual({
      error: 100004,
      error_description: 'param grant_type is wrong or lost ',
    });
  });
});

const page = (path: string, params: Record<string, string>, method = 'GET') => {
  return () => get(url(base(), path, params), { method });
};

const valid = {
  response_type: 'code',
  client_id: WEB.clientId,
  redirect_uri: WEB.callback,
  state: 's',
};

const PAGE_CASES: readonly {
  key: QqPageErrorKey;
  text: string;
  status?: number;
  send: () => Promise<Fetched>;
}[] = [
  {
    key: 'responseTypeInvalid',
    text: 'param response_type is wrong or lost (100000)',
    send: page('/oauth2.0/authorize', { ...valid, response_type: 'id_token' }),
  },
  {
    key: 'clientIdMissing',
    text: 'param client_id is wrong or lost (100001)',
    send: page('/oauth2.0/authorize', { ...valid, client_id: '' }),
  },
  {
    key: 'clientIdUnknown',
    text: 'client id is illegal, not exist [appid: 100000001] (100008)',
    send: page('/oauth2.0/authorize', { ...valid, client_id: '100000001' }),
  },
  {
    key: 'redirectUriInvalid',
    text: `redirect uri is illegal [appid: ${WEB.clientId}] (100010)`,
    send: page('/oauth2.0/authorize', { ...valid, redirect_uri: 'http://evil.example/cb' }),
  },
  {
    key: 'whichMissing',
    text: 'param which is wrong or lost (100028)',
    send: page('/oauth2.0/show', valid),
  },
  {
    key: 'requestInvalid',
    text: 'http request is illegal (100029)',
    status: 405,
    send: page('/oauth2.0/authorize', valid, 'PUT'),
  },
];

describe('authorize error pages', () => {
  it.each(PAGE_CASES)('renders $key as "$text"', async ({ text, status, send }) => {
    const res = await send();
    expect(res.status).toBe(status ?? 200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('location')).toBeNull();
    expect(res.text).toContain(`<p class="error-msg" id="error_msg">${text}</p>`);
  });

  it('covers every page catalogue entry', () => {
    expect(PAGE_CASES.map((c) => c.key).sort()).toEqual(Object.keys(QQ_PAGE_ERRORS).sort());
  });
});

const userInfo = (params: Record<string, string> | string) => {
  return () =>
    get(
      typeof params === 'string'
        ? `${base()}/user/get_user_info?${params}`
        : url(base(), '/user/get_user_info', params),
    );
};

const OPENAPI_CASES: readonly {
  key: QqOpenApiErrorKey;
  status?: number;
  body?: string;
  send: () => Promise<Fetched>;
}[] = [
  {
    key: 'openidMissing',
    send: userInfo({ access_token: 'A', oauth_consumer_key: WEB.clientId }),
  },
  {
    key: 'consumerKeyMissing',
    send: userInfo({ access_token: 'A', openid: 'B' }),
  },
  { key: 'requestInvalid', status: 404, send: () => get(`${base()}/user/get_nothing`) },
  {
    key: 'openidInvalid',
    send: async () => {
      const { access_token } = await obtainTokens(base());
      return userInfo({ access_token, oauth_consumer_key: WEB.clientId, openid: 'B' })();
    },
  },
  {
    key: 'tokenInvalid',
    send: userInfo({ access_token: 'A', oauth_consumer_key: WEB.clientId, openid: 'B' }),
  },
  { key: 'notLoggedIn', send: userInfo({ oauth_consumer_key: WEB.clientId, openid: 'B' }) },
  {
    key: 'consumerKeyUndecodable',
    body: JSON.stringify({
      msg: 'service codec Unmarshal: 1 error(s) decoding:\n\n* oauth_consumer_key expected type uint64, got unconvertible type []string, value: [102493526 102493526]',
      ret: 1,
    }),
    send: userInfo(
      'format=json&oauth_consumer_key=102493526&openid=B&access_token=A&oauth_consumer_key=102493526',
    ),
  },
];

describe('get_user_info errors', () => {
  it.each(OPENAPI_CASES)('answers $key as {ret, msg}', async ({ key, status, body, send }) => {
    const spec = QQ_OPENAPI_ERRORS[key];
    const res = await send();
    expect(res.status).toBe(status ?? 200);
    expect(res.text).toBe(body ?? JSON.stringify({ ret: spec.ret, msg: spec.msg }));
  });

  it('covers every OpenAPI catalogue entry', () => {
    expect(OPENAPI_CASES.map((c) => c.key).sort()).toEqual(Object.keys(QQ_OPENAPI_ERRORS).sort());
  });
});
