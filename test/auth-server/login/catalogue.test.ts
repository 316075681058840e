/**
 * The error catalogue of `auth-server.md` §5, row by row, in the seed's envelope
 * (`code/title/detail/errors[{code,title,detail,source,meta?}]`), and bad input of every kind: each
 * answers a 4xx in the envelope, never a 500, and changes nothing stored.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { get, useIdmock, type Fetched } from '../../support/idmock.js';
import {
  ACCOUNTS,
  advanceClock,
  API_KEYS,
  codeLogin,
  expectLoginError,
  freshTn,
  LOGIN_APP,
  loginApi,
  OUTER,
  postWithKey,
  resetWorld,
  sendSms,
  tokenOf,
  unionIdOf,
  unionPairFor,
  wechatCode,
  wrongCode,
} from './support.js';

const idmock = useIdmock({ services: ['wechat', 'qq', 'auth'] });
const authUrl = (): string => idmock.current.urls.auth!;
const api = () => loginApi(authUrl());

beforeEach(async () => {
  await resetWorld(idmock.current);
});

function raw(path: string, init: RequestInit): Promise<Fetched> {
  return get(`${authUrl()}${path}`, init);
}

const JSON_HEADERS = { 'content-type': 'application/json', 'api-key': API_KEYS.web };

interface Row {
  readonly name: string;
  readonly status: number;
  readonly outer: { code: number; title: string };
  readonly inner: { title: string; source: string; code?: number };
  readonly run: () => Promise<Fetched>;
}

const UNAUTHORIZED = OUTER.unauthorized;

/** Every row of the §5 table, with the case that produces it. */
const CATALOGUE: readonly Row[] = [
  {
    name: 'malformed body',
    status: 400,
    outer: OUTER.validation,
    inner: { title: 'REQUIRED', source: 'body' },
    run: () => raw('/v1/auth/login', { method: 'POST', headers: JSON_HEADERS, body: '{"appId": ' }),
  },
  {
    name: 'missing field',
    status: 400,
    outer: OUTER.validation,
    inner: { title: 'REQUIRED', source: 'code' },
    run: () => api().login({ appId: LOGIN_APP.appid, secret: LOGIN_APP.secret }),
  },
  {
    name: 'unionId without unionCode',
    status: 400,
    outer: OUTER.validation,
    inner: { title: 'REQUIRED', source: 'unionCode' },
    run: () => api().login({ tn: ACCOUNTS.wangFang.tn, code: '123456', unionId: 'oX' }),
  },
  {
    name: 'unionCode without unionId',
    status: 400,
    outer: OUTER.validation,
    inner: { title: 'REQUIRED', source: 'unionId' },
    run: () => api().login({ tn: ACCOUNTS.wangFang.tn, code: '123456', unionCode: 'x' }),
  },
  {
    name: 'missing Api-Key',
    status: 401,
    outer: UNAUTHORIZED,
    inner: { title: 'INVALID_API_KEY', source: 'Api-Key' },
    run: () => api().login(codeLogin('whatever'), null),
  },
  {
    name: 'bad Api-Key',
    status: 401,
    outer: UNAUTHORIZED,
    inner: { title: 'INVALID_API_KEY', source: 'Api-Key' },
    run: () => api().login(codeLogin('whatever'), `${API_KEYS.web}x`),
  },
  {
    name: 'bad appId',
    status: 401,
    outer: UNAUTHORIZED,
    inner: { title: 'INVALID_APP_CREDENTIALS', source: 'appId' },
    run: async () =>
      api().login({
        ...codeLogin(await wechatCode(idmock.current, 'li-na')),
        appId: 'wx2b3c4d5e6f708192',
      }),
  },
  {
    name: 'bad secret',
    status: 401,
    outer: UNAUTHORIZED,
    inner: { title: 'INVALID_APP_CREDENTIALS', source: 'appId' },
    run: async () =>
      api().login({
        ...codeLogin(await wechatCode(idmock.current, 'li-na')),
        secret: 'x'.repeat(32),
      }),
  },
  {
    name: 'WeChat code invalid (40029)',
    status: 401,
    outer: UNAUTHORIZED,
    inner: { title: 'INVALID_AUTH_CODE', source: 'code' },
    run: () => api().login(codeLogin('081NoSuchCode000000000000000000zA')),
  },
  {
    name: 'WeChat code reused (40163)',
    status: 401,
    outer: UNAUTHORIZED,
    inner: { title: 'INVALID_AUTH_CODE', source: 'code' },
    run: async () => {
      const code = await wechatCode(idmock.current, 'zhang-wei');
      tokenOf(await api().login(codeLogin(code)));
      return api().login(codeLogin(code));
    },
  },
  {
    name: 'WeChat code expired (42003)',
    status: 401,
    outer: UNAUTHORIZED,
    inner: { title: 'INVALID_AUTH_CODE', source: 'code' },
    run: async () => {
      const code = await wechatCode(idmock.current, 'zhang-wei');
      await advanceClock(idmock.current, '11m');
      return api().login(codeLogin(code));
    },
  },
  {
    name: 'unionId not bound (the seed body)',
    status: 401,
    outer: UNAUTHORIZED,
    inner: { title: 'INVALID_USERNAME_OR_PASSWORD', source: 'unionId', code: 401102 },
    run: async () => api().login(codeLogin(await wechatCode(idmock.current, 'li-na'))),
  },
  {
    name: 'wrong SMS code',
    status: 401,
    outer: UNAUTHORIZED,
    inner: { title: 'INVALID_USERNAME_OR_PASSWORD', source: 'code', code: 401102 },
    run: async () => {
      const tn = ACCOUNTS.wangFang.tn;
      return api().login({ tn, code: wrongCode(await sendSms(authUrl(), tn)) });
    },
  },
  {
    name: 'wrong password',
    status: 401,
    outer: UNAUTHORIZED,
    inner: { title: 'INVALID_USERNAME_OR_PASSWORD', source: 'password', code: 401102 },
    run: () => api().login({ username: ACCOUNTS.bob.username, password: 'wrong' }),
  },
  {
    name: 'unionCode unknown',
    status: 401,
    outer: UNAUTHORIZED,
    inner: { title: 'INVALID_UNION_CODE', source: 'unionCode' },
    run: async () => {
      const tn = freshTn();
      const unionId = await unionIdOf(idmock.current, 'li-na');
      return api().login({ tn, code: await sendSms(authUrl(), tn), unionId, unionCode: 'nope' });
    },
  },
  {
    name: 'tn bound to another unionId',
    status: 409,
    outer: OUTER.conflict,
    inner: { title: 'ACCOUNT_ALREADY_LINKED', source: 'tn' },
    run: async () => {
      const pair = await unionPairFor(idmock.current, 'li-na');
      const tn = ACCOUNTS.zhangWei.tn;
      return api().login({ tn, code: await sendSms(authUrl(), tn), ...pair });
    },
  },
];

describe('the §5 error catalogue', () => {
  it.each(CATALOGUE)('answers $name with $status $inner.title', async (row) => {
    const response = await row.run();
    const body = expectLoginError(response, row.status, row.outer, row.inner);
    expect(response.headers.get('cache-control')).toBe('no-store');
    if (row.inner.title === 'INVALID_USERNAME_OR_PASSWORD' && row.inner.source === 'unionId') {
      expect(body.errors[0]?.meta).toEqual({
        unionCode: expect.any(String),
        unionId: expect.any(String),
      });
    } else {
      expect(body.errors.every((error) => error.meta === undefined)).toBe(true);
    }
  });
});

/** Login state as exported, minus what a bad request may legitimately touch (nothing). */
async function loginState(): Promise<unknown> {
  const exported = (await get(`${authUrl()}/__mock/state`)).json();
  return exported.services.auth.login;
}

describe('bad input', () => {
  it.each<[string, () => Promise<Fetched>, number, string, string]>([
    [
      'invalid JSON',
      () => raw('/v1/auth/login', { method: 'POST', headers: JSON_HEADERS, body: '{' }),
      400,
      'REQUIRED',
      'body',
    ],
    [
      'an empty body',
      () => raw('/v1/auth/login', { method: 'POST', headers: JSON_HEADERS }),
      400,
      'REQUIRED',
      'body',
    ],
    ['a JSON array', () => api().login([1, 2]), 400, 'REQUIRED', 'body'],
    ['a JSON string', () => api().login('appId'), 400, 'REQUIRED', 'body'],
    [
      'a form body',
      () =>
        raw('/v1/auth/login', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'api-key': API_KEYS.web },
          body: 'appId=a&secret=b&code=c',
        }),
      400,
      'REQUIRED',
      'body',
    ],
    [
      'a code of the wrong type',
      () => api().login({ appId: LOGIN_APP.appid, secret: LOGIN_APP.secret, code: 123456 }),
      400,
      'INVALID',
      'code',
    ],
    [
      'an appId object',
      () => api().login({ appId: { x: 1 }, secret: 's', code: 'c' }),
      400,
      'INVALID',
      'appId',
    ],
    ['a numeric tn', () => api().login({ tn: 13800138000, code: '123456' }), 400, 'INVALID', 'tn'],
    [
      'a tn that is no phone number',
      () => api().login({ tn: 'call me', code: '123456' }),
      400,
      'INVALID',
      'tn',
    ],
    [
      'a field longer than 1024',
      () => api().login({ appId: LOGIN_APP.appid, secret: 's', code: 'c'.repeat(1025) }),
      400,
      'INVALID',
      'code',
    ],
    [
      'fields of two forms',
      () =>
        api().login({ appId: LOGIN_APP.appid, secret: 's', tn: ACCOUNTS.wangFang.tn, code: '1' }),
      400,
      'INVALID',
      'appId',
    ],
    [
      'a unionCode of the wrong type',
      () => api().login({ tn: ACCOUNTS.wangFang.tn, code: '1', unionId: 'o', unionCode: 7 }),
      400,
      'INVALID',
      'unionCode',
    ],
    [
      'an SMS request without tn',
      () => postWithKey(`${authUrl()}/v1/auth/sms`, {}, API_KEYS.web),
      400,
      'REQUIRED',
      'tn',
    ],
    [
      'an SMS request with a bad tn',
      () => postWithKey(`${authUrl()}/v1/auth/sms`, { tn: '12' }, API_KEYS.web),
      400,
      'INVALID',
      'tn',
    ],
    [
      'an SMS request without Api-Key',
      () => postWithKey(`${authUrl()}/v1/auth/sms`, { tn: ACCOUNTS.wangFang.tn }, null),
      401,
      'INVALID_API_KEY',
      'Api-Key',
    ],
    [
      'a GET of the login path',
      () => raw('/v1/auth/login', { method: 'GET' }),
      405,
      'METHOD_NOT_ALLOWED',
      'path',
    ],
    [
      'an unknown path under /v1/',
      () => raw('/v1/auth/logout', { method: 'POST', headers: JSON_HEADERS, body: '{}' }),
      404,
      'NOT_FOUND',
      'path',
    ],
    [
      'a body over the server limit',
      () =>
        raw('/v1/auth/login', {
          method: 'POST',
          headers: JSON_HEADERS,
          body: JSON.stringify({ code: 'x'.repeat(1024 * 1024 + 10) }),
        }),
      413,
      'PAYLOAD_TOO_LARGE',
      'body',
    ],
  ])(
    'answers %s with %i %s (%s) and changes nothing',
    async (_name, run, status, title, source) => {
      await sendSms(authUrl(), ACCOUNTS.wangFang.tn);
      const before = await loginState();
      const response = await run();
      expect(response.status).toBe(status);
      const body = response.json<{
        code: number;
        title: string;
        errors: { title: string; source: string }[];
      }>();
      expect(Object.keys(body)).toEqual(['code', 'title', 'detail', 'errors']);
      expect(body.errors).toContainEqual(expect.objectContaining({ title, source }));
      expect(await loginState()).toEqual(before);
    },
  );

  it('lists every missing field of a form at once', async () => {
    const response = await api().login({});
    const body = expectLoginError(response, 400, OUTER.validation, {
      title: 'REQUIRED',
      source: 'appId',
    });
    expect(body.errors.map((error) => [error.title, error.source])).toEqual([
      ['REQUIRED', 'appId'],
      ['REQUIRED', 'secret'],
      ['REQUIRED', 'code'],
    ]);
    const sms = await api().login({ unionId: 'o', unionCode: 'c' });
    expect(
      sms.json<{ errors: { source: string }[] }>().errors.map((error) => error.source),
    ).toEqual(['tn', 'code']);
  });

  it('accepts JSON sent as text/plain', async () => {
    const tn = ACCOUNTS.wangFang.tn;
    const code = await sendSms(authUrl(), tn);
    const response = await raw('/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'api-key': API_KEYS.web },
      body: JSON.stringify({ tn, code }),
    });
    tokenOf(response);
  });

  it('ignores unknown extra fields', async () => {
    const tn = ACCOUNTS.wangFang.tn;
    const code = await sendSms(authUrl(), tn);
    tokenOf(await api().login({ tn, code, deviceId: 'x', platform: 'web' }));
  });

  it('checks the Api-Key before the body', async () => {
    const response = await api().login('garbage', null);
    expectLoginError(response, 401, OUTER.unauthorized, {
      title: 'INVALID_API_KEY',
      source: 'Api-Key',
    });
  });
});

describe('GET /v1/me', () => {
  it.each<[string, Record<string, string>]>([
    ['no Authorization header', {}],
    ['another scheme', { authorization: 'Basic dXNlcjpwYXNz' }],
    ['an unknown token', { authorization: 'Bearer nope' }],
  ])('answers 401 INVALID_TOKEN for %s', async (_name, headers) => {
    const response = await get(`${authUrl()}/v1/me`, { headers });
    expectLoginError(response, 401, OUTER.unauthorized, {
      title: 'INVALID_TOKEN',
      source: 'Authorization',
    });
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('answers 401 INVALID_TOKEN once the token expired (1 hour on the shared clock)', async () => {
    const tn = ACCOUNTS.wangFang.tn;
    const token = tokenOf(await api().login({ tn, code: await sendSms(authUrl(), tn) }));
    await advanceClock(idmock.current, '59m59s');
    expect((await api().me(token)).status).toBe(200);
    await advanceClock(idmock.current, '1s');
    expectLoginError(await api().me(token), 401, OUTER.unauthorized, {
      title: 'INVALID_TOKEN',
      source: 'Authorization',
    });
  });
});
