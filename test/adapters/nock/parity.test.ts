/**
 * Parity: one table of provider cases, run through the HTTP server and through the nock
 * interceptors of the same world. Both transports call the same `dispatch`, so status, the headers
 * that matter and bodies must be identical once random tokens, codes and rids are masked.
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { interceptWithNock, type NockInterception } from '../../../src/nock.js';
import type { IdmockAdmin } from '../../../src/runtime/admin-client.js';
import { startIdmock, type RunningIdmock } from '../../../src/runtime/start.js';

const APP = {
  appid: 'wx1a2b3c4d5e6f7081',
  secret: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  redirect: 'http://localhost/cb',
};
const OA = { appid: 'wx4d5e6f708192a3b4', redirect: 'http://localhost/oa' };

const QQ = {
  clientId: '101364207',
  appkey: '556c5099bf889b17f0706c1c99ba7356',
  callback: 'http://localhost:3000/auth/qq/callback',
};

const ORIGINS = {
  open: 'https://open.weixin.qq.com',
  lp: 'https://lp.open.weixin.qq.com',
  api: 'https://api.weixin.qq.com',
  graph: 'https://graph.qq.com',
} as const;

/** The service answering a logical host. */
const SERVICE_OF = { open: 'wechat', lp: 'wechat', api: 'wechat', graph: 'qq' } as const;

type Vars = Record<string, string>;

interface Case {
  readonly name: string;
  readonly host: keyof typeof ORIGINS;
  readonly method?: string;
  readonly path: (vars: Vars) => string;
  readonly body?: (vars: Vars) => { type: 'form' | 'json'; value: Record<string, string> };
  readonly setup?: (admin: IdmockAdmin) => Promise<Vars>;
  /** Status both transports must answer. */
  readonly status: number;
  /** Text the (unmasked) body must contain. */
  readonly contains?: string;
}

async function freshCode(admin: IdmockAdmin, user = 'zhang-wei'): Promise<Vars> {
  const consent = await admin.wechat.authorize({
    appid: APP.appid,
    redirect_uri: APP.redirect,
    scope: 'snsapi_login',
    state: 'parity',
    user,
  });
  return { code: consent.code, openid: consent.openid };
}

async function freshTokens(admin: IdmockAdmin): Promise<Vars> {
  const { code, openid } = await freshCode(admin);
  const response = await fetch(
    `${ORIGINS.api}/sns/oauth2/access_token?appid=${APP.appid}&secret=${APP.secret}&code=${code}&grant_type=authorization_code`,
  );
  const body = (await response.json()) as { access_token: string; refresh_token: string };
  return { access: body.access_token, refresh: body.refresh_token, openid: openid ?? '' };
}

async function freshQqCode(admin: IdmockAdmin, user = 'zhang-wei'): Promise<Vars> {
  const consent = await admin.qq.authorize({
    client_id: QQ.clientId,
    redirect_uri: QQ.callback,
    scope: 'get_user_info',
    state: 'parity',
    user,
  });
  return { code: consent.code, openid: consent.openid };
}

async function freshQqToken(admin: IdmockAdmin): Promise<Vars> {
  const { code, openid } = await freshQqCode(admin);
  const response = await fetch(`${ORIGINS.graph}${qqExchange({ code: code ?? '' })}&fmt=json`);
  const body = (await response.json()) as { access_token: string };
  return { access: body.access_token, openid: openid ?? '' };
}

const qqExchange = (v: Vars) =>
  `/oauth2.0/token?grant_type=authorization_code&client_id=${QQ.clientId}&client_secret=${QQ.appkey}&code=${v['code'] ?? ''}&redirect_uri=${encodeURIComponent(QQ.callback)}`;

const exchange = (v: Vars) =>
  `/sns/oauth2/access_token?appid=${APP.appid}&secret=${APP.secret}&code=${v['code'] ?? ''}&grant_type=authorization_code`;

const CASES: readonly Case[] = [
  {
    name: 'exchanges a code for tokens',
    host: 'api',
    path: exchange,
    setup: (admin) => freshCode(admin),
    status: 200,
    contains: '"scope":"snsapi_login"',
  },
  {
    name: 'exchanges a code posted as a form',
    host: 'api',
    method: 'POST',
    path: () => '/sns/oauth2/access_token',
    body: (v) => ({
      type: 'form',
      value: {
        appid: APP.appid,
        secret: APP.secret,
        code: v['code'] ?? '',
        grant_type: 'authorization_code',
      },
    }),
    setup: (admin) => freshCode(admin),
    status: 200,
    contains: '"access_token"',
  },
  {
    name: 'rejects a reused code with 40163',
    host: 'api',
    path: exchange,
    setup: async (admin) => {
      const vars = await freshCode(admin);
      await fetch(`${ORIGINS.api}${exchange(vars)}`);
      return vars;
    },
    status: 200,
    contains: '"errcode":40163',
  },
  {
    name: 'rejects a missing appid with 41002',
    host: 'api',
    path: () => '/sns/oauth2/access_token?code=x',
    status: 200,
    contains: '"errcode":41002',
  },
  {
    name: 'rejects a wrong secret with 40125',
    host: 'api',
    path: () =>
      `/sns/oauth2/access_token?appid=${APP.appid}&secret=${'0'.repeat(32)}&code=x&grant_type=authorization_code`,
    status: 200,
    contains: '"errcode":40125',
  },
  {
    name: 'refreshes an access token',
    host: 'api',
    path: (v) =>
      `/sns/oauth2/refresh_token?appid=${APP.appid}&grant_type=refresh_token&refresh_token=${v['refresh'] ?? ''}`,
    setup: freshTokens,
    status: 200,
    contains: '"refresh_token"',
  },
  {
    name: 'checks a valid access token',
    host: 'api',
    path: (v) => `/sns/auth?access_token=${v['access'] ?? ''}&openid=${v['openid'] ?? ''}`,
    setup: freshTokens,
    status: 200,
    contains: '{"errcode":0,"errmsg":"ok"}',
  },
  {
    name: 'rejects a malformed access token with 40014',
    host: 'api',
    path: () => '/sns/auth?access_token=nope&openid=x',
    status: 200,
    contains: '"errcode":40014',
  },
  {
    name: 'answers userinfo',
    host: 'api',
    path: (v) => `/sns/userinfo?access_token=${v['access'] ?? ''}&openid=${v['openid'] ?? ''}`,
    setup: freshTokens,
    status: 200,
    contains: '"nickname":"张伟"',
  },
  {
    name: 'answers an unknown api path with 404 invalid url',
    host: 'api',
    path: () => '/sns/nothing',
    status: 404,
    contains: '"errcode":40066',
  },
  {
    name: 'answers a wrong method with 405',
    host: 'api',
    method: 'PUT',
    path: () => '/sns/auth',
    status: 405,
    contains: '"errcode":43001',
  },
  {
    name: 'renders the QR login page',
    host: 'open',
    path: () =>
      `/connect/qrconnect?appid=${APP.appid}&redirect_uri=${encodeURIComponent(APP.redirect)}&response_type=code&scope=snsapi_login&state=s#wechat_redirect`,
    status: 200,
    contains: '<html',
  },
  {
    name: 'answers the QR uuid as XML',
    host: 'open',
    path: () =>
      `/connect/qrconnect?appid=${APP.appid}&redirect_uri=${encodeURIComponent(APP.redirect)}&scope=snsapi_login&f=xml`,
    status: 200,
    contains: '<uuid>',
  },
  {
    name: 'shows the appid error page',
    host: 'open',
    path: () => '/connect/qrconnect?appid=wx0000000000000000&scope=snsapi_login',
    status: 200,
    contains: 'AppID',
  },
  {
    name: 'answers the long-poll of an unknown QR session with 402',
    host: 'lp',
    path: () => '/connect/l/qrconnect?uuid=unknown&_=1',
    status: 200,
    contains: 'window.wx_errcode=402',
  },
  {
    name: 'redirects the OA consent to the callback with a code',
    host: 'open',
    method: 'POST',
    path: () => '/connect/oauth2/authorize',
    body: () => ({
      type: 'form',
      value: {
        appid: OA.appid,
        redirect_uri: OA.redirect,
        scope: 'snsapi_userinfo',
        state: 'oa',
        user: 'li-na',
      },
    }),
    status: 302,
  },
  {
    name: 'validates headless consent like the real page',
    host: 'open',
    method: 'POST',
    path: () => '/__mock/authorize',
    body: () => ({ type: 'json', value: { appid: APP.appid, user: 'zhang-wei' } }),
    status: 400,
    contains: 'scopeInvalid',
  },
  {
    name: 'answers a catalogue-error fault',
    host: 'api',
    path: (v) => `/sns/userinfo?access_token=${v['access'] ?? ''}&openid=${v['openid'] ?? ''}`,
    setup: async (admin) => {
      const vars = await freshTokens(admin);
      await admin.faults.add({ route: 'wechat.getUserInfo', error: 'systemError' });
      return vars;
    },
    status: 200,
    contains: '{"errcode":-1,"errmsg":"system error, rid: ',
  },
  {
    name: 'QQ: exchanges a code for a form-encoded token answer',
    host: 'graph',
    path: qqExchange,
    setup: (admin) => freshQqCode(admin),
    status: 200,
    contains: '&expires_in=',
  },
  {
    name: 'QQ: exchanges a code for a JSON token answer with fmt=json',
    host: 'graph',
    path: (v) => `${qqExchange(v)}&fmt=json`,
    setup: (admin) => freshQqCode(admin),
    status: 200,
    contains: '"access_token"',
  },
  {
    name: 'QQ: rejects a bad code with 100019 as JSONP',
    host: 'graph',
    path: () => qqExchange({ code: 'NOPE' }),
    status: 200,
    contains: 'callback( {"error":100019',
  },
  {
    name: 'QQ: resolves a token to its openid as JSONP',
    host: 'graph',
    path: (v) => `/oauth2.0/me?access_token=${v['access'] ?? ''}`,
    setup: freshQqToken,
    status: 200,
    contains: `callback( {"client_id":"${QQ.clientId}","openid":"`,
  },
  {
    name: 'QQ: answers /me with unionid as JSON',
    host: 'graph',
    path: (v) => `/oauth2.0/me?access_token=${v['access'] ?? ''}&unionid=1&fmt=json`,
    setup: freshQqToken,
    status: 200,
    contains: '"unionid"',
  },
  {
    name: 'QQ: rejects /me without a token with 100007',
    host: 'graph',
    path: () => '/oauth2.0/me',
    status: 200,
    contains: '"error":100007',
  },
  {
    name: 'QQ: answers get_user_info',
    host: 'graph',
    path: (v) =>
      `/user/get_user_info?access_token=${v['access'] ?? ''}&oauth_consumer_key=${QQ.clientId}&openid=${v['openid'] ?? ''}`,
    setup: freshQqToken,
    status: 200,
    contains: '"nickname":"张伟"',
  },
  {
    name: 'QQ: renders the login page',
    host: 'graph',
    path: () =>
      `/oauth2.0/authorize?response_type=code&client_id=${QQ.clientId}&redirect_uri=${encodeURIComponent(QQ.callback)}&state=s&scope=get_user_info`,
    status: 200,
    contains: '<html',
  },
  {
    name: 'QQ: shows the unknown-app page with 100008',
    host: 'graph',
    path: () =>
      `/oauth2.0/authorize?response_type=code&client_id=1&redirect_uri=${encodeURIComponent(QQ.callback)}&state=s`,
    status: 200,
    contains: '100008',
  },
  {
    name: 'QQ: answers an unknown path with 404',
    host: 'graph',
    path: () => '/oauth2.0/nothing',
    status: 404,
  },
  {
    name: 'QQ: answers a catalogue-error fault scoped to the app behind the token',
    host: 'graph',
    path: (v) => `/oauth2.0/me?access_token=${v['access'] ?? ''}`,
    setup: async (admin) => {
      const vars = await freshQqToken(admin);
      await admin.faults.add({
        route: 'qq.me',
        error: 'accessTokenCheckFailed',
        scope: { client_id: QQ.clientId },
      });
      return vars;
    },
    status: 200,
    contains: 'callback( {"error":100016,"error_description":"access token check failed"} );',
  },
  {
    name: 'answers a status fault',
    host: 'api',
    path: () => '/sns/auth?access_token=x&openid=y',
    setup: async (admin) => {
      await admin.faults.add({ route: 'wechat.checkAccessToken', status: 503, body: 'busy' });
      return {};
    },
    status: 503,
    contains: 'busy',
  },
];

interface Observed {
  readonly status: number;
  readonly headers: Record<string, string | null>;
  readonly body: string;
}

const RELEVANT_HEADERS = ['content-type', 'location', 'cache-control'] as const;

function mask(text: string, vars: Vars): string {
  let out = text;
  for (const [name, value] of Object.entries(vars)) {
    if (value.length >= 8) out = out.replaceAll(value, `<${name}>`);
  }
  return out
    .replace(/\b\d{1,3}_[A-Za-z0-9_-]{40,}/g, '<token>')
    .replace(/\b[0-9A-F]{32}\b/g, '<hex32>')
    .replace(/\b0[A-Za-z0-9]{31}\b/g, '<code>')
    .replace(/rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}/g, 'rid: <rid>')
    .replace(/CDATA\[[A-Za-z0-9_-]{16}\]/g, 'CDATA[<uuid>]')
    .replace(/(qrcode\/|uuid=|uuid: ?['"]?|"uuid":")[A-Za-z0-9_-]{16}/g, '$1<uuid>');
}

async function observe(base: string, c: Case, vars: Vars): Promise<Observed> {
  const init: RequestInit = { method: c.method ?? 'GET', redirect: 'manual' };
  const body = c.body?.(vars);
  if (body) {
    init.headers = {
      'content-type':
        body.type === 'json' ? 'application/json' : 'application/x-www-form-urlencoded',
    };
    init.body =
      body.type === 'json'
        ? JSON.stringify(body.value)
        : new URLSearchParams(body.value).toString();
  }
  const response = await fetch(`${base}${c.path(vars)}`, init);
  const text = await response.text();
  const headers: Record<string, string | null> = {};
  for (const name of RELEVANT_HEADERS) {
    const value = response.headers.get(name);
    headers[name] = value === null ? null : mask(value, vars);
  }
  return { status: response.status, headers, body: mask(text, vars) };
}

describe('parity of the HTTP server and the nock interceptors', () => {
  let idmock: RunningIdmock;
  let interception: NockInterception;

  beforeAll(async () => {
    idmock = await startIdmock({ services: ['wechat', 'qq'] });
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });

  beforeEach(async () => {
    interception = await interceptWithNock({ idmock });
  });

  afterEach(() => {
    expect(nock.pendingMocks()).toEqual([]);
    interception.restore();
    expect(nock.activeMocks()).toEqual([]);
    nock.cleanAll();
  });

  afterAll(async () => {
    nock.enableNetConnect();
    await idmock.stop();
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const overHttp = await observe(
      idmock.urls[SERVICE_OF[c.host]] ?? '',
      c,
      (await c.setup?.(interception.admin)) ?? {},
    );
    const overNock = await observe(ORIGINS[c.host], c, (await c.setup?.(interception.admin)) ?? {});
    expect(overHttp.status).toBe(c.status);
    if (c.contains !== undefined) expect(overHttp.body).toContain(mask(c.contains, {}));
    expect(overNock).toEqual(overHttp);
  });

  it('shares one journal between the transports', async () => {
    await idmock.admin.journal.clear('wechat');
    await fetch(`${idmock.urls.wechat ?? ''}/sns/auth?via=http`);
    await fetch(`${ORIGINS.api}/sns/auth?via=nock`);
    const entries = await idmock.admin.journal.query('wechat', {
      route: 'wechat.checkAccessToken',
    });
    expect(entries.map((e) => new URL(e.url).host)).toEqual([
      new URL(idmock.urls.wechat ?? '').host,
      'api.weixin.qq.com',
    ]);
  });
});
