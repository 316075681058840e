/**
 * Every errcode the simulated api.weixin.qq.com can produce, one row each: how to provoke it and
 * the exact body it answers. Errors come at HTTP 200 as bare `text/plain`, like the real API; only
 * the transport-level ones (wrong method, unknown path, oversized body) carry a telling status.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { listen } from '../../../src/adapters/node-server/index.js';
import { createClock } from '../../../src/core/clock.js';
import { createRequest } from '../../../src/core/http.js';
import { createIds } from '../../../src/core/ids.js';
import { dispatch, route, type Service } from '../../../src/core/router.js';
import { buildPersonas } from '../../../src/core/world.js';
import {
  createWechatService,
  WECHAT_API_ERRORS,
  type WechatContext,
} from '../../../src/providers/wechat/index.js';
import { get, postForm, useIdmock, type Fetched } from '../../support/idmock.js';
import {
  advance,
  checkToken,
  codeParams,
  errorPattern,
  exchange,
  expectApiError,
  OA,
  obtainCode,
  obtainTokens,
  refresh,
  resetClock,
  SHOP,
  STANDALONE,
  UNKNOWN_APPID,
  url,
  userinfo,
  WEBSITE,
} from './support.js';

const idmock = useIdmock({ services: ['wechat'] });
const base = (): string => idmock.current.urls.wechat ?? '';
const tokenUrl = (params: Record<string, string>) =>
  url(base(), '/sns/oauth2/access_token', params);
const WELL_FORMED_UNKNOWN_TOKEN = `86_${'A'.repeat(104)}`;

afterEach(async () => {
  await resetClock(base());
});

interface Row {
  readonly errcode: number;
  readonly errmsg: string;
  readonly when: string;
  readonly provoke: () => Promise<Fetched>;
  readonly status?: number;
}

const ROWS: Row[] = [
  {
    errcode: 40001,
    errmsg: 'invalid credential, access_token is invalid or not latest',
    when: 'a well-formed access_token the mock never issued',
    provoke: async () =>
      userinfo(base(), {
        access_token: WELL_FORMED_UNKNOWN_TOKEN,
        openid: (await obtainTokens(base())).openid,
      }),
  },
  {
    errcode: 40002,
    errmsg: 'invalid grant_type',
    when: 'grant_type is not authorization_code',
    provoke: async () =>
      get(tokenUrl({ ...codeParams(WEBSITE, await obtainCode(base())), grant_type: 'password' })),
  },
  {
    errcode: 40002,
    errmsg: 'invalid grant_type',
    when: 'refresh without grant_type=refresh_token',
    provoke: async () =>
      get(
        url(base(), '/sns/oauth2/refresh_token', {
          appid: WEBSITE.appid,
          refresh_token: (await obtainTokens(base())).refresh_token,
        }),
      ),
  },
  {
    errcode: 40003,
    errmsg: 'invalid openid',
    when: 'the openid belongs to another app',
    provoke: async () => {
      const tokens = await obtainTokens(base());
      const shop = await obtainTokens(base(), SHOP);
      return checkToken(base(), { access_token: tokens.access_token, openid: shop.openid });
    },
  },
  {
    errcode: 40013,
    errmsg: 'invalid appid',
    when: 'the appid is unknown',
    provoke: () => get(tokenUrl({ ...codeParams(WEBSITE, '0abc'), appid: UNKNOWN_APPID })),
  },
  {
    errcode: 40013,
    errmsg: 'invalid appid',
    when: 'refresh with an unknown appid',
    provoke: () =>
      get(
        url(base(), '/sns/oauth2/refresh_token', {
          appid: UNKNOWN_APPID,
          grant_type: 'refresh_token',
          refresh_token: 'x',
        }),
      ),
  },
  {
    errcode: 40014,
    errmsg: 'invalid access_token',
    when: 'the access_token is malformed',
    provoke: () => userinfo(base(), { access_token: 'not-a-token', openid: 'o' }),
  },
  {
    errcode: 40029,
    errmsg: 'invalid code',
    when: 'the code is unknown',
    provoke: () => exchange(base(), WEBSITE, '0'.repeat(32)),
  },
  {
    errcode: 40029,
    errmsg: 'invalid code',
    when: 'the code was issued to another app',
    provoke: async () => exchange(base(), SHOP, await obtainCode(base(), WEBSITE)),
  },
  {
    errcode: 40030,
    errmsg: 'invalid refresh_token',
    when: 'the refresh_token is unknown',
    provoke: () => refresh(base(), WEBSITE, WELL_FORMED_UNKNOWN_TOKEN),
  },
  {
    errcode: 40030,
    errmsg: 'invalid refresh_token',
    when: 'the refresh_token belongs to another app',
    provoke: async () => refresh(base(), SHOP, (await obtainTokens(base())).refresh_token),
  },
  {
    errcode: 40125,
    errmsg: 'invalid appsecret',
    when: 'the secret is wrong',
    provoke: async () =>
      get(tokenUrl({ ...codeParams(WEBSITE, await obtainCode(base())), secret: SHOP.secret })),
  },
  {
    errcode: 40163,
    errmsg: 'code been used',
    when: 'the code is exchanged a second time',
    provoke: async () => {
      const code = await obtainCode(base());
      await exchange(base(), WEBSITE, code);
      return exchange(base(), WEBSITE, code);
    },
  },
  {
    errcode: 41001,
    errmsg: 'access_token missing',
    when: 'userinfo has no access_token',
    provoke: () => get(url(base(), '/sns/userinfo', { openid: 'o' })),
  },
  {
    errcode: 41001,
    errmsg: 'access_token missing',
    when: 'auth has an empty access_token',
    provoke: () => checkToken(base(), { access_token: '', openid: 'o' }),
  },
  {
    errcode: 41002,
    errmsg: 'appid missing',
    when: 'the exchange has no appid',
    provoke: () => get(tokenUrl({ secret: WEBSITE.secret, code: '0abc' })),
  },
  {
    errcode: 41002,
    errmsg: 'appid missing',
    when: 'refresh has no appid',
    provoke: () =>
      get(
        url(base(), '/sns/oauth2/refresh_token', {
          grant_type: 'refresh_token',
          refresh_token: 'x',
        }),
      ),
  },
  {
    errcode: 41003,
    errmsg: 'refresh_token missing',
    when: 'refresh has no refresh_token',
    provoke: () =>
      get(
        url(base(), '/sns/oauth2/refresh_token', {
          appid: WEBSITE.appid,
          grant_type: 'refresh_token',
        }),
      ),
  },
  {
    errcode: 41004,
    errmsg: 'appsecret missing',
    when: 'the exchange has no secret',
    provoke: () =>
      get(tokenUrl({ appid: WEBSITE.appid, code: '0abc', grant_type: 'authorization_code' })),
  },
  {
    errcode: 41008,
    errmsg: 'missing code',
    when: 'the exchange has no code',
    provoke: () =>
      get(
        tokenUrl({
          appid: WEBSITE.appid,
          secret: WEBSITE.secret,
          grant_type: 'authorization_code',
        }),
      ),
  },
  {
    errcode: 42001,
    errmsg: 'access_token expired',
    when: 'the access_token is older than 7200 s',
    provoke: async () => {
      const tokens = await obtainTokens(base());
      await advance(base(), '7201s');
      return userinfo(base(), tokens);
    },
  },
  {
    errcode: 42002,
    errmsg: 'refresh_token expired',
    when: 'the refresh_token is older than 30 days',
    provoke: async () => {
      const tokens = await obtainTokens(base());
      await advance(base(), '30d1s');
      return refresh(base(), WEBSITE, tokens.refresh_token);
    },
  },
  {
    errcode: 42003,
    errmsg: 'code expired',
    when: 'the code is older than 10 minutes',
    provoke: async () => {
      const code = await obtainCode(base());
      await advance(base(), '11m');
      return exchange(base(), WEBSITE, code);
    },
  },
  {
    errcode: 48001,
    errmsg: 'api unauthorized',
    when: 'a snsapi_base token reads userinfo',
    provoke: async () =>
      userinfo(base(), await obtainTokens(base(), OA, 'zhang-wei', 'snsapi_base')),
  },
  {
    errcode: 43001,
    errmsg: 'require GET method',
    when: 'an /sns endpoint is called with PUT',
    status: 405,
    provoke: () => get(`${base()}/sns/userinfo`, { method: 'PUT' }),
  },
  {
    errcode: 43001,
    errmsg: 'require GET method',
    when: 'an /sns endpoint is called with DELETE',
    status: 405,
    provoke: () => get(`${base()}/sns/oauth2/access_token`, { method: 'DELETE' }),
  },
  {
    errcode: 40066,
    errmsg: 'invalid url',
    when: 'the path is unknown',
    status: 404,
    provoke: () => get(`${base()}/sns/oauth2/nothing_here`),
  },
  {
    errcode: 45002,
    errmsg: 'content size out of limit',
    when: 'the body is over 1 MiB',
    status: 413,
    provoke: () =>
      postForm(`${base()}/sns/oauth2/access_token`, { appid: 'x'.repeat(1024 * 1024 + 1) }),
  },
];

describe('/sns/* errors', () => {
  it.each(ROWS.map((row) => [row.errcode, row.when, row] as const))(
    'answers %i when %s',
    async (errcode, _when, row) => {
      expectApiError(await row.provoke(), errcode, row.errmsg, row.status ?? 200);
    },
  );

  it('has a row for every catalogue errcode the mock can produce by itself', () => {
    // 45009/45011 (quotas) are only produced by faults; -1 is covered below.
    const reachable = Object.values(WECHAT_API_ERRORS)
      .map((spec) => spec.errcode)
      .filter((code) => ![-1, 45009, 45011].includes(code));
    expect(new Set(ROWS.map((row) => row.errcode))).toEqual(new Set(reachable));
  });

  it('answers 40029 for a garbage code and still lets the owning app use its code', async () => {
    const code = await obtainCode(base());
    expectApiError(await exchange(base(), STANDALONE, code), 40029, 'invalid code');
    expect((await exchange(base(), WEBSITE, code)).text).toMatch(/^\{"access_token"/);
  });

  it('checks the exchange in the order appid, secret, code, grant_type', async () => {
    // Every parameter starts out wrong; each one fixed reveals the next error.
    const code = await obtainCode(base());
    const steps: [Record<string, string>, number][] = [
      [{}, 41002],
      [{ appid: UNKNOWN_APPID }, 40013],
      [{ appid: WEBSITE.appid }, 41004],
      [{ appid: WEBSITE.appid, secret: 'wrong' }, 40125],
      [{ appid: WEBSITE.appid, secret: WEBSITE.secret }, 41008],
      [{ appid: WEBSITE.appid, secret: WEBSITE.secret, code }, 40002],
    ];
    for (const [params, errcode] of steps) {
      const res = await get(tokenUrl({ ...params, grant_type: 'client_credential' }));
      expect(res.json<{ errcode: number }>().errcode).toBe(errcode);
    }
    expect((await exchange(base(), WEBSITE, code)).text).toMatch(/^\{"access_token"/);
  });

  it('rejects an expired access token on /sns/auth with 42001', async () => {
    const tokens = await obtainTokens(base());
    await advance(base(), '2h1s');
    expectApiError(await checkToken(base(), tokens), 42001, 'access_token expired');
  });
});

describe('dispatch() on an internal failure', () => {
  it('render as errcode -1 "system error" at HTTP 200, with details only in the log', async () => {
    const logged: unknown[] = [];
    const clock = createClock();
    const ids = createIds({ seed: 'test' });
    const wechat = createWechatService({
      clock,
      ids,
      personas: buildPersonas({ generated: { count: 1, prefix: 'p' }, named: [] }, 'test'),
      seed: {
        openPlatformAccounts: [],
        apps: [
          {
            appid: WEBSITE.appid,
            secret: WEBSITE.secret,
            name: 'x',
            kind: 'website',
            callbackDomain: 'localhost',
            openPlatformAccount: null,
          },
        ],
      },
      log: (error) => logged.push(error),
    });
    const broken = {
      ...wechat,
      routes: [
        route<WechatContext>('api', 'GET', '/sns/boom', 'test.boom', () => {
          throw new Error('database password is hunter2');
        }),
        ...wechat.routes,
      ],
    } as unknown as Service;
    const server = await listen(broken, { host: '127.0.0.1', port: 0 });
    try {
      const res = await get(`${server.url}/sns/boom`);
      expectApiError(res, -1, 'system error');
      expect(res.text).not.toContain('hunter2');
      expect(logged).toHaveLength(1);
      // The same rendering without a socket.
      const direct = await dispatch(broken, createRequest('http://api.weixin.qq.com/sns/boom'));
      expect(direct.status).toBe(200);
      expect(String(direct.body)).toMatch(errorPattern(-1, 'system error'));
    } finally {
      await server.close();
    }
  });
});
