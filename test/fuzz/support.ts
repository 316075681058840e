/**
 * The fuzz harness: one seeded world with all three services wired together in-process (the auth
 * server reaches the providers through `dispatch`, never a socket), request generators built from
 * the services' own route tables, and the checks every answer must pass.
 *
 * Every answer to a generated request must be
 * - an answer: `dispatch` resolves, within {@link ANSWER_TIMEOUT_MS}, with no unexpected exception
 *   logged (WeChat and QQ render their own crashes as provider errors at HTTP 200, so the log is
 *   the only place a crash would show);
 * - never 5xx, with headers Node would accept (a Location header carrying CR/LF is a 500);
 * - well formed in the format of the service and path family (WeChat `{errcode,errmsg}` as
 *   text/plain, its pages, poll script and QR image; QQ JSONP, JSON, `{ret,msg}`, url-encoded
 *   tokens and its pages; the auth server's GameSparks envelope and login envelope; mock-only
 *   `{error,message}` JSON);
 * - safe: no unescaped probe markup in any HTML, no redirect off a registered callback, mock-only
 *   endpoints refused to non-loopback callers without the admin token;
 * - and when it is a rejection, the stored world (snapshot, faults, clock) is exactly as before.
 */
import { createHash } from 'node:crypto';
import { validateHeaderName, validateHeaderValue } from 'node:http';
import fc from 'fast-check';
import { CONTROL_ROUTES, CONTROL_SERVICE } from '../../src/core/control-routes.js';
import { controlsOf } from '../../src/core/controls.js';
import { isDroppedConnection } from '../../src/core/faults.js';
import { createRequest, parseBody, type MockResponse } from '../../src/core/http.js';
import { dispatch, findRoute, type Route, type Service } from '../../src/core/router.js';
import type { Instance } from '../../src/runtime/instance.js';
import { call, createInProcessWorld, type ServiceName } from './world.js';

/** The fixed seed of every property (each endpoint derives its own from it and its name). */
export const FUZZ_SEED = 20_250_609;

/** Generated requests per endpoint (per route row, wrong methods included). */
export const CASES_PER_ENDPOINT = 1000;

/** Longest a single answer may take before the case counts as a hang. */
export const ANSWER_TIMEOUT_MS = 5000;

/** The admin token of the fuzz world; non-loopback callers must present it. */
export const ADMIN_TOKEN = 'fuzz-admin-token-0123456789abcdef';

/** Marker that must never reach an HTML page unescaped. */
export const PROBE = '<xss-probe>';

export type { ServiceName } from './world.js';

/** A valid request to start a case from: the generators then break one part of it or more. */
export interface Template {
  readonly method: string;
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly form?: Readonly<Record<string, string>>;
  readonly json?: Readonly<Record<string, unknown>>;
  readonly headers?: Readonly<Record<string, string>>;
}

/** One world: three services sharing a clock, and what they logged. */
export interface FuzzWorld {
  readonly services: Readonly<Record<ServiceName, Service>>;
  readonly instance: Instance;
  /** Unexpected exceptions the services logged. */
  readonly crashes: unknown[];
  /**
   * Values found in the world listings and the baseline state (ids, secrets, openids, callbacks,
   * live codes, tokens and QR uuids), so generated requests reach past the first check.
   */
  readonly known: readonly string[];
  /** Valid requests per endpoint (`METHOD /path/pattern`), built on the baseline's live values. */
  readonly templates: ReadonlyMap<string, readonly Template[]>;
  /** Hosts a redirect may lead to: the registered callback domains. */
  readonly callbackHosts: ReadonlySet<string>;
  /** Back to the baseline: every service's state, no faults, the clock at real time. */
  restore(): void;
  /** The fingerprint (counters included) of the baseline. */
  readonly baseline: string;
  /** The fingerprint without counters of the baseline. */
  readonly baselineWithoutCounters: string;
  /**
   * Everything a rejected request must leave alone, across all three services (the auth server
   * calls the providers): states, faults and the clock. `counters: false` leaves out the failure
   * counters a rejected login must move (GameSparks login failures, wrong SMS tries).
   */
  fingerprint(counters: boolean): string;
}

/** A deterministic stand-in for the CSPRNG, so a failing case replays exactly. */
export function seededRandom(seed: number): (n: number) => Buffer {
  let counter = 0;
  return (n) => {
    const out = Buffer.alloc(n);
    let offset = 0;
    while (offset < n) {
      const block = createHash('sha256').update(`${seed}:${counter++}`).digest();
      offset += block.copy(out, offset);
    }
    return out;
  };
}

function collectStrings(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') {
    if (value.length > 0 && value.length <= 200) into.add(value);
  } else if (Array.isArray(value)) {
    for (const item of value) collectStrings(item, into);
  } else if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) collectStrings(item, into);
  }
}

async function getJson(service: Service, path: string): Promise<unknown> {
  const response = await dispatch(service, createRequest(`http://localhost${path}`));
  return JSON.parse(String(response.body)) as unknown;
}

/** The lockout counters a rejected login must move (the defence against guessing). */
function withoutCounters(snapshot: unknown): unknown {
  const auth = snapshot as {
    connect?: Record<string, unknown>;
    login?: { smsCodes?: Record<string, unknown>[] } & Record<string, unknown>;
  };
  if (typeof snapshot !== 'object' || snapshot === null || !auth.connect || !auth.login) {
    return snapshot;
  }
  return {
    ...auth,
    connect: { ...auth.connect, failedLogins: [] },
    login: {
      ...auth.login,
      smsCodes: (auth.login.smsCodes ?? []).map((code) => ({ ...code, failures: 0 })),
    },
  };
}

/**
 * Live values in every service for the generators to aim at: unused codes, tokens, QR sessions in
 * two states, a player and its authToken, an SMS code and a unionCode. Answers the templates.
 */
async function buildBaseline(services: Record<ServiceName, Service>): Promise<{
  templates: Map<string, Template[]>;
  known: string[];
}> {
  const { wechat, qq, auth } = services;
  const known: string[] = [];
  const templates = new Map<string, Template[]>();
  const add = (route: string, template: Template): void => {
    templates.set(route, [...(templates.get(route) ?? []), template]);
  };

  const web = { appid: 'wx1a2b3c4d5e6f7081', secret: '0f1e2d3c4b5a69788796a5b4c3d2e1f0' };
  const oa = { appid: 'wx4d5e6f708192a3b4' };
  const webCode = async (user: string): Promise<string> =>
    String(
      (
        await call(wechat, 'POST', '/__mock/authorize', {
          json: { ...web, redirect_uri: 'http://localhost/cb', scope: 'snsapi_login', user },
        })
      ).json()['code'],
    );
  const code = await webCode('wang-fang');
  const spent = await webCode('wang-fang');
  const tokens = (
    await call(
      wechat,
      'GET',
      `/sns/oauth2/access_token?appid=${web.appid}&secret=${web.secret}&code=${spent}&grant_type=authorization_code`,
    )
  ).json();
  const waiting = /CDATA\[([^\]]+)\]/.exec(
    (
      await call(
        wechat,
        'GET',
        `/connect/qrconnect?appid=${web.appid}&redirect_uri=http://localhost/cb&scope=snsapi_login&state=s&f=xml`,
      )
    ).text,
  )?.[1];
  const scanned = /CDATA\[([^\]]+)\]/.exec(
    (
      await call(
        wechat,
        'GET',
        `/connect/qrconnect?appid=${web.appid}&redirect_uri=http://localhost/cb&scope=snsapi_login&state=s&f=xml`,
      )
    ).text,
  )?.[1];
  await call(wechat, 'POST', `/__mock/qr/${scanned ?? ''}/scan`, { json: { user: 'wang-fang' } });
  const wx = {
    code,
    access: String(tokens['access_token']),
    refresh: String(tokens['refresh_token']),
    openid: String(tokens['openid']),
    uuids: [waiting ?? '', scanned ?? ''],
  };
  known.push(wx.code, wx.access, wx.refresh, wx.openid, ...wx.uuids);
  const authorizeQuery = {
    appid: web.appid,
    redirect_uri: 'http://localhost/cb',
    response_type: 'code',
    scope: 'snsapi_login',
    state: 'state',
  };
  add('GET /connect/qrconnect', {
    method: 'GET',
    path: '/connect/qrconnect',
    query: authorizeQuery,
  });
  for (const uuid of wx.uuids) {
    add('GET /connect/qrcode/:uuid', { method: 'GET', path: `/connect/qrcode/${uuid}` });
    add('GET /connect/l/qrconnect', {
      method: 'GET',
      path: '/connect/l/qrconnect',
      query: { uuid },
    });
    add('GET /connect/confirm', { method: 'GET', path: '/connect/confirm', query: { uuid } });
    add('POST /connect/confirm', {
      method: 'POST',
      path: '/connect/confirm',
      form: { uuid, user: 'zhang-wei', action: 'agree' },
    });
    for (const step of ['scan', 'confirm', 'cancel', 'expire']) {
      add(`POST /__mock/qr/:uuid/${step}`, {
        method: 'POST',
        path: `/__mock/qr/${uuid}/${step}`,
        json: { user: 'zhang-wei' },
      });
    }
    add('GET /__mock/qr/:uuid', { method: 'GET', path: `/__mock/qr/${uuid}` });
  }
  const oaQuery = {
    appid: oa.appid,
    redirect_uri: 'http://localhost/oa',
    response_type: 'code',
    scope: 'snsapi_userinfo',
    state: 'state',
  };
  add('GET /connect/oauth2/authorize', {
    method: 'GET',
    path: '/connect/oauth2/authorize',
    query: oaQuery,
  });
  add('POST /connect/oauth2/authorize', {
    method: 'POST',
    path: '/connect/oauth2/authorize',
    form: { ...oaQuery, user: 'li-na' },
  });
  for (const method of ['GET', 'POST']) {
    const send = (params: Record<string, string>): Partial<Template> =>
      method === 'GET' ? { query: params } : { form: params };
    add(`${method} /sns/oauth2/access_token`, {
      method,
      path: '/sns/oauth2/access_token',
      ...send({ ...web, code: wx.code, grant_type: 'authorization_code' }),
    });
    add(`${method} /sns/oauth2/refresh_token`, {
      method,
      path: '/sns/oauth2/refresh_token',
      ...send({ appid: web.appid, grant_type: 'refresh_token', refresh_token: wx.refresh }),
    });
    for (const path of ['/sns/auth', '/sns/userinfo']) {
      add(`${method} ${path}`, {
        method,
        path,
        ...send({ access_token: wx.access, openid: wx.openid }),
      });
    }
  }
  add('POST /__mock/authorize', {
    method: 'POST',
    path: '/__mock/authorize',
    json: { ...authorizeQuery, user: 'zhang-wei' },
  });

  const qqWeb = {
    client_id: '101364207',
    client_secret: '556c5099bf889b17f0706c1c99ba7356',
    redirect_uri: 'http://localhost:3000/auth/qq/callback',
  };
  const qqCode = async (): Promise<string> =>
    String(
      (
        await call(qq, 'POST', '/__mock/authorize', {
          json: { client_id: qqWeb.client_id, redirect_uri: qqWeb.redirect_uri, user: 'chen-jie' },
        })
      ).json()['code'],
    );
  const qCode = await qqCode();
  const qSpent = await qqCode();
  const qTokens = (
    await call(
      qq,
      'GET',
      `/oauth2.0/token?grant_type=authorization_code&client_id=${qqWeb.client_id}&client_secret=${qqWeb.client_secret}&code=${qSpent}&redirect_uri=${encodeURIComponent(qqWeb.redirect_uri)}&fmt=json&need_openid=1`,
    )
  ).json();
  const q = {
    code: qCode,
    access: String(qTokens['access_token']),
    refresh: String(qTokens['refresh_token']),
    openid: String(qTokens['openid']),
  };
  known.push(q.code, q.access, q.refresh, q.openid);
  for (const path of ['/oauth2.0/authorize', '/oauth2.0/show']) {
    const params = {
      response_type: 'code',
      client_id: qqWeb.client_id,
      redirect_uri: qqWeb.redirect_uri,
      state: 'state',
      scope: 'get_user_info',
      which: 'Login',
    };
    add(`GET ${path}`, { method: 'GET', path, query: params });
    add(`POST ${path}`, { method: 'POST', path, form: { ...params, user: 'chen-jie' } });
  }
  for (const method of ['GET', 'POST']) {
    const send = (params: Record<string, string>): Partial<Template> =>
      method === 'GET' ? { query: params } : { form: params };
    add(`${method} /oauth2.0/token`, {
      method,
      path: '/oauth2.0/token',
      ...send({ ...qqWeb, grant_type: 'authorization_code', code: q.code }),
    });
    add(`${method} /oauth2.0/token`, {
      method,
      path: '/oauth2.0/token',
      ...send({ ...qqWeb, grant_type: 'refresh_token', refresh_token: q.refresh, fmt: 'json' }),
    });
    add(`${method} /oauth2.0/me`, {
      method,
      path: '/oauth2.0/me',
      ...send({ access_token: q.access, unionid: '1' }),
    });
    add(`${method} /user/get_user_info`, {
      method,
      path: '/user/get_user_info',
      ...send({ access_token: q.access, oauth_consumer_key: qqWeb.client_id, openid: q.openid }),
    });
  }
  add('POST /__mock/authorize', {
    method: 'POST',
    path: '/__mock/authorize',
    json: { client_id: qqWeb.client_id, redirect_uri: qqWeb.redirect_uri, user: 'chen-jie' },
  });

  // The auth server: a device player with its authToken, a WeChat token of its app, an SMS code
  // and a unionCode of an unbound persona.
  const device = { name: 'device', secret: 'dEv1ceS3cretF0rL0calTest1ngOnly0' };
  const rest = `/rs/${device.name}/${device.secret}`;
  const signedIn = (
    await call(auth, 'POST', `${rest}/DeviceAuthenticationRequest`, {
      json: { deviceId: 'fuzz-device-1', deviceOS: 'IOS' },
    })
  ).json();
  const gameApp = { appid: 'wx3c4d5e6f708192a3', secret: '2d3c4b5a69788796a5b4c3d2e1f00f1e' };
  const gameCode = String(
    (
      await call(wechat, 'POST', '/__mock/authorize', {
        json: { appid: gameApp.appid, user: 'li-na' },
      })
    ).json()['code'],
  );
  const gameToken = (
    await call(
      wechat,
      'GET',
      `/sns/oauth2/access_token?appid=${gameApp.appid}&secret=${gameApp.secret}&code=${gameCode}&grant_type=authorization_code`,
    )
  ).json();
  const apiKey = { 'api-key': 'idmock-web-4f1c2a9e7b3d5081' };
  await call(auth, 'POST', '/v1/auth/sms', { json: { tn: '13700137000' }, headers: apiKey });
  const sms = (await call(auth, 'GET', '/__mock/sms')).json()['messages'] as { code: string }[];
  const loginCode = await webCode('li-na');
  const unbound = (
    await call(auth, 'POST', '/v1/auth/login', {
      json: { appId: web.appid, secret: web.secret, code: loginCode },
      headers: apiKey,
    })
  ).json();
  const meta = (unbound['errors'] as { meta?: Record<string, string> }[])[0]?.meta ?? {};
  const a = {
    authToken: String(signedIn['authToken']),
    accessToken: String(gameToken['access_token']),
    openId: String(gameToken['openid']),
    smsCode: sms.at(-1)?.code ?? '',
    unionId: meta['unionId'] ?? '',
    unionCode: meta['unionCode'] ?? '',
  };
  known.push(...Object.values(a));
  const gs = (request: string, json: Record<string, unknown>): void => {
    add('POST /rs/:credential/:secret/:request', {
      method: 'POST',
      path: `${rest}/${request}`,
      json: { '@class': `.${request}`, requestId: 'r1', ...json },
    });
  };
  gs('WeChatConnectRequest', { accessToken: a.accessToken, openId: a.openId });
  gs('WeChatConnectRequest', {
    accessToken: a.accessToken,
    openId: a.openId,
    authToken: a.authToken,
  });
  gs('QQConnectRequest', { accessToken: q.access });
  gs('DeviceAuthenticationRequest', { deviceId: 'fuzz-device-1', deviceOS: 'IOS' });
  gs('AuthenticationRequest', { userName: 'alice', password: 'alice-password' });
  gs('RegistrationRequest', { userName: 'fuzz-user', password: 'pw', displayName: 'Fuzz' });
  add('GET /ws/:credential/:apiKey', { method: 'GET', path: '/ws/device/idmock0game1' });
  add('POST /v1/auth/login', {
    method: 'POST',
    path: '/v1/auth/login',
    json: { tn: '13700137000', code: a.smsCode, unionId: a.unionId, unionCode: a.unionCode },
    headers: apiKey,
  });
  add('POST /v1/auth/login', {
    method: 'POST',
    path: '/v1/auth/login',
    json: { username: 'bob', password: 'bob-password' },
    headers: apiKey,
  });
  add('POST /v1/auth/sms', {
    method: 'POST',
    path: '/v1/auth/sms',
    json: { tn: '13700137000' },
    headers: apiKey,
  });
  add('GET /v1/me', {
    method: 'GET',
    path: '/v1/me',
    headers: { authorization: `Bearer ${a.authToken}` },
  });

  // Control endpoints, on every service.
  add('POST /__mock/faults', {
    method: 'POST',
    path: '/__mock/faults',
    json: { route: '*', error: 'systemError', times: 1 },
  });
  add('POST /__mock/clock/advance', {
    method: 'POST',
    path: '/__mock/clock/advance',
    json: { by: '1s' },
  });
  add('POST /__mock/auto-approve', {
    method: 'POST',
    path: '/__mock/auto-approve',
    json: { user: 'zhang-wei' },
  });
  add('GET /__mock/journal', { method: 'GET', path: '/__mock/journal', query: { limit: '5' } });
  return { templates, known };
}

/** Builds the fuzz world. */
export async function createFuzzWorld(): Promise<FuzzWorld> {
  const { services, instance, crashes } = await createInProcessWorld({
    random: seededRandom(FUZZ_SEED),
    config: {
      adminToken: ADMIN_TOKEN,
      journalLimit: 20,
      // Held polls answer within the case's time budget.
      wechat: { longPollHoldSeconds: 0.005 },
    },
  });
  const { wechat, qq, auth } = services;
  const found = new Set<string>();

  // Seeded links resolve lazily on first use; resolve them now so no case sees that as a change.
  await getJson(auth, '/__mock/players');
  await getJson(auth, '/__mock/accounts');
  const baseline = await buildBaseline(services);
  const names = ['wechat', 'qq', 'auth'] as const;
  const saved = Object.fromEntries(names.map((name) => [name, services[name].snapshot?.()]));
  for (const name of names) collectStrings(saved[name], found);

  for (const [service, path] of [
    [wechat, '/__mock/apps'],
    [wechat, '/__mock/users'],
    [qq, '/__mock/apps'],
    [qq, '/__mock/users'],
    [auth, '/__mock/credentials'],
    [auth, '/__mock/accounts'],
    [auth, '/__mock/players'],
  ] as const) {
    collectStrings(await getJson(service, path), found);
  }
  const callbackHosts = new Set<string>();
  for (const value of found) {
    if (/^https?:\/\//.test(value)) callbackHosts.add(new URL(value).hostname);
  }
  const wechatApps = (await getJson(wechat, '/__mock/apps')) as {
    apps: { callbackDomain: string | null }[];
  };
  for (const app of wechatApps.apps) if (app.callbackDomain) callbackHosts.add(app.callbackDomain);

  for (const value of baseline.known) found.add(value);
  const world: Omit<FuzzWorld, 'baseline' | 'baselineWithoutCounters'> = {
    services,
    instance,
    crashes,
    known: [...found],
    templates: baseline.templates,
    callbackHosts,
    restore() {
      instance.clock.reset();
      for (const name of names) {
        const problems = services[name].restore?.(saved[name]) ?? [];
        if (problems.length > 0) throw new Error(`cannot restore ${name}: ${problems.join('; ')}`);
        controlsOf(services[name]).faults.clear();
      }
    },
    fingerprint(counters) {
      return JSON.stringify({
        states: names.map((name) => {
          const snapshot = services[name].snapshot?.();
          return counters ? snapshot : withoutCounters(snapshot);
        }),
        faults: names.map((name) => controlsOf(services[name]).faults.list()),
        clock: instance.clock.offset(),
      });
    },
  };
  world.restore();
  return {
    ...world,
    baseline: world.fingerprint(true),
    baselineWithoutCounters: world.fingerprint(false),
  };
}

/** Every endpoint of a service: its own route table, then the shared control routes. */
export function endpointsOf(service: Service): Route<unknown>[] {
  const seen = new Set<string>();
  const all: Route<unknown>[] = [];
  for (const candidate of [...service.routes, ...CONTROL_ROUTES] as Route<unknown>[]) {
    const key = `${candidate.method} ${candidate.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    all.push(candidate);
  }
  return all;
}

/** A seed per endpoint, so adding an endpoint does not change the cases of the others. */
export function seedFor(label: string): number {
  return createHash('sha256').update(`${FUZZ_SEED}:${label}`).digest().readUInt32BE(0);
}

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

/** Parameter and field names the services read, plus names that trouble naive code. */
const NAMES = [
  // WeChat
  'appid',
  'secret',
  'code',
  'grant_type',
  'refresh_token',
  'access_token',
  'openid',
  'lang',
  'redirect_uri',
  'scope',
  'state',
  'response_type',
  'uuid',
  'last',
  'f',
  'self_redirect',
  'user',
  'action',
  // QQ
  'client_id',
  'client_secret',
  'which',
  'display',
  'fmt',
  'need_openid',
  'unionid',
  'oauth_consumer_key',
  'format',
  // Auth server (connect and login bodies)
  '@class',
  'requestId',
  'accessToken',
  'openId',
  'deviceId',
  'deviceOS',
  'displayName',
  'userName',
  'password',
  'playerId',
  'authToken',
  'errorOnSwitch',
  'doNotLinkToCurrentPlayer',
  'doNotCreateNewPlayer',
  'syncDisplayName',
  'segments',
  'appId',
  'tn',
  'unionId',
  'unionCode',
  'username',
  'hmac',
  // Mock-only and control endpoints
  'by',
  'seconds',
  'route',
  'error',
  'status',
  'delay',
  'drop',
  'times',
  'body',
  'contentType',
  'limit',
  'after',
  'since',
  'method',
  'path',
  'format',
  'version',
  'services',
  'clock',
  // Trouble
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '',
  ' ',
  'a[b]',
  '%',
];

/** Protocol words: grant types, scopes, request classes, actions. */
const WORDS = [
  'authorization_code',
  'refresh_token',
  'client_credentials',
  'snsapi_login',
  'snsapi_base',
  'snsapi_userinfo',
  'snsapi_login,snsapi_userinfo',
  'get_user_info',
  'code',
  'token',
  'Login',
  'json',
  'xml',
  '1',
  '0',
  'en',
  'cn',
  'zh_CN',
  'en_US',
  'agree',
  'cancel',
  'allow',
  'true',
  'false',
  'default',
  '408',
  '404',
  '405',
  '.WeChatConnectRequest',
  '.QQConnectRequest',
  '.DeviceAuthenticationRequest',
  '.AuthenticationRequest',
  '.RegistrationRequest',
  '.AuthenticatedConnectRequest',
  'IOS',
  'ANDROID',
  'WEBGL',
  '13800138000',
  '+8613800138000',
  'wechat.*',
  'qq.*',
  '*',
  'systemError',
  'minuteQuota',
  '2h',
  '1ms',
  'always',
];

const HUGE = 'A'.repeat(9000);

/** Values that break naive code: injection, open redirects, odd types, absurd lengths. */
const NASTY = [
  '',
  ' ',
  '0',
  '-1',
  '1e309',
  'NaN',
  'null',
  'undefined',
  '[]',
  '{}',
  '%',
  '%zz',
  '%00',
  '\u0000',
  'http://localhost/cb\r\nSet-Cookie: injected=1',
  '\r\nLocation: http://evil.example/',
  '\n',
  '%0d%0aX-Injected: 1',
  'a\tb',
  PROBE,
  `"><xss-probe a="`,
  `'><xss-probe>`,
  `</script>${PROBE}`,
  `';window.__xss=1;'`,
  'javascript:alert(1)//localhost',
  'https://evil.example/',
  '//evil.example/',
  'http://localhost@evil.example/',
  'http://localhost\\@evil.example/',
  'http://evil.example\\@localhost/',
  'http://localhost%2F@evil.example/',
  'http://localhost:3000@evil.example/',
  'http://localhost.evil.example/',
  'http://evil.example/?localhost',
  'http:localhost/cb',
  'http://loc\talhost/cb',
  ' http://localhost/cb',
  'http://localhost/cb#frag',
  'http://localhost:3000/auth/qq/callback/../../../evil',
  '微信',
  '\uffff',
  '\ud800',
  '😀',
  '\u2028\u2029',
  HUGE,
  '%'.repeat(9000),
  '__proto__',
  'constructor',
];

/** A string value: known world values, protocol words, nasty ones, random text. */
function valueArb(known: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...known) },
    { weight: 3, arbitrary: fc.constantFrom(...WORDS) },
    { weight: 4, arbitrary: fc.constantFrom(...NASTY) },
    { weight: 2, arbitrary: fc.string({ maxLength: 24 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
    { weight: 1, arbitrary: fc.integer().map(String) },
  );
}

/** A JSON value of any type, for wrong-type fields. */
function jsonValueArb(known: readonly string[]): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 6, arbitrary: valueArb(known) },
    { weight: 1, arbitrary: fc.integer() },
    { weight: 1, arbitrary: fc.double() },
    { weight: 1, arbitrary: fc.boolean() },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  );
}

const DEEP_ARRAY = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
const DEEP_OBJECT = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;
const BIG_JSON = JSON.stringify({
  appid: HUGE,
  items: Array.from({ length: 20_000 }, (_, i) => i),
});
const INVALID_UTF8 = Buffer.from([0x61, 0x3d, 0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]);

/** How a generated body is sent. */
type BodySpec =
  | { readonly kind: 'none' }
  | { readonly kind: 'form'; readonly fields: readonly (readonly [string, string])[] }
  | { readonly kind: 'json'; readonly fields: readonly (readonly [string, unknown])[] }
  | { readonly kind: 'raw'; readonly bytes: string | Buffer; readonly contentType: string };

function bodyArb(known: readonly string[]): fc.Arbitrary<BodySpec> {
  const field = fc.tuple(fc.constantFrom(...NAMES), valueArb(known));
  const jsonField = fc.tuple(fc.constantFrom(...NAMES), jsonValueArb(known));
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant({ kind: 'none' as const }) },
    {
      weight: 5,
      arbitrary: fc
        .array(field, { maxLength: 8 })
        .map((fields) => ({ kind: 'form' as const, fields })),
    },
    {
      weight: 6,
      arbitrary: fc
        .array(jsonField, { maxLength: 8 })
        .map((fields) => ({ kind: 'json' as const, fields })),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('raw' as const),
        bytes: fc.oneof(
          fc.constantFrom<string | Buffer>(
            DEEP_ARRAY,
            DEEP_OBJECT,
            BIG_JSON,
            INVALID_UTF8,
            '{"appid": "wx',
            '[1,2,3]',
            '"just a string"',
            '42',
            'null',
            '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}',
            'a=1&a=2&a=3&__proto__[polluted]=1&constructor[prototype][polluted]=1',
          ),
          fc.string({ maxLength: 64 }),
        ),
        contentType: fc.constantFrom(
          'application/json',
          'application/json; charset=utf-8',
          'application/x-www-form-urlencoded',
          'text/plain',
          'application/vnd.api+json',
          'multipart/form-data; boundary=x',
          '',
        ),
      }),
    },
  );
}

function encodeBody(spec: BodySpec): { raw: Buffer; contentType: string | undefined } {
  switch (spec.kind) {
    case 'none':
      return { raw: Buffer.alloc(0), contentType: undefined };
    case 'form':
      return {
        raw: Buffer.from(
          new URLSearchParams(spec.fields.map(([k, v]): [string, string] => [k, v])).toString(),
        ),
        contentType: 'application/x-www-form-urlencoded',
      };
    case 'json':
      // fromEntries defines own properties, so `__proto__` is sent as a real key.
      return {
        raw: Buffer.from(JSON.stringify(Object.fromEntries(spec.fields))),
        contentType: 'application/json',
      };
    case 'raw':
      return {
        raw: Buffer.isBuffer(spec.bytes) ? spec.bytes : Buffer.from(spec.bytes),
        contentType: spec.contentType === '' ? undefined : spec.contentType,
      };
  }
}

/** One generated request, kept as plain data so fast-check can print and shrink it. */
export interface FuzzInput {
  readonly method: string;
  readonly host: string;
  readonly path: string;
  readonly query: readonly (readonly [string, string])[];
  readonly rawQuery: string;
  readonly body: BodySpec;
  readonly headers: Readonly<Record<string, string>>;
  readonly remoteAddress: string | undefined;
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE', 'FUZZ'];

/** Lone surrogates replaced, as `String.prototype.toWellFormed` (ES2024) does. */
function wellFormed(value: string): string {
  return value.replace(
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    '\ufffd',
  );
}

function segmentArb(known: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    valueArb(known).map((value) => encodeURIComponent(wellFormed(value))),
    fc.constantFrom('%E0%A4%A', '%', '..', '.', '%2F', '%00', 'a%20b'),
  );
}

/** A value a header can carry: no CR, LF or NUL (the client would refuse to send it). */
function headerSafe(value: string): string {
  return value.replace(/[\r\n]/g, '').replaceAll('\u0000', '');
}

function headersArb(known: readonly string[]): fc.Arbitrary<Record<string, string>> {
  const value = valueArb(known).map(headerSafe);
  return fc.record(
    {
      'api-key': value,
      authorization: fc.oneof(
        value.map((v) => `Bearer ${v}`),
        fc.constant(`Bearer ${ADMIN_TOKEN}`),
        value,
      ),
      'x-idmock-admin-token': fc.oneof(value, fc.constant(ADMIN_TOKEN)),
      'content-type': fc.constantFrom('application/json', 'text/html', '*/*', 'x'),
      accept: fc.constantFrom('application/json', 'text/html', '*/*'),
      cookie: value,
    },
    { requiredKeys: [] },
  );
}

/** Values aimed at what a parameter can reach: Location headers, pages, scripts, prototypes. */
export const INJECTIONS = [
  'http://localhost/cb\r\nSet-Cookie: injected=1',
  'x\r\nLocation: http://evil.example/',
  'x\nX-Injected: 1',
  'http://localhost\\@evil.example/',
  'http://localhost:80@evil.example/',
  'https://evil.example/',
  '//evil.example/',
  PROBE,
  `"><xss-probe a="`,
  `</script>${PROBE}`,
  '\ud800',
  '𐀀',
  '__proto__',
  HUGE,
];

/** Every template with each injection in each of its values, one change at a time. */
export function injectedTemplates(templates: readonly Template[]): FuzzInput[] {
  const inputs: FuzzInput[] = [];
  for (const template of templates) {
    const count = Object.keys(template.json ?? template.form ?? template.query ?? {}).length;
    for (let at = 0; at < count; at++) {
      for (const value of INJECTIONS) inputs.push(mutate(template, [{ op: 'set', at, value }]));
    }
  }
  return inputs;
}

/** One way of breaking a valid request. */
type Mutation =
  | { readonly op: 'drop'; readonly at: number }
  | { readonly op: 'set'; readonly at: number; readonly value: unknown }
  | { readonly op: 'add'; readonly name: string; readonly value: unknown }
  | { readonly op: 'repeat'; readonly at: number; readonly value: string }
  | { readonly op: 'move' }
  | { readonly op: 'remote'; readonly address: string }
  | { readonly op: 'header'; readonly name: string; readonly value: string };

function mutationArb(known: readonly string[]): fc.Arbitrary<Mutation> {
  const at = fc.nat(20);
  return fc.oneof(
    at.map((index) => ({ op: 'drop' as const, at: index })),
    fc.record({ op: fc.constant('set' as const), at, value: jsonValueArb(known) }),
    fc.record({ op: fc.constant('set' as const), at, value: valueArb(known) }),
    fc.record({
      op: fc.constant('add' as const),
      name: fc.constantFrom(...NAMES),
      value: valueArb(known),
    }),
    fc.record({ op: fc.constant('repeat' as const), at, value: valueArb(known) }),
    fc.constant({ op: 'move' as const }),
    fc.record({
      op: fc.constant('remote' as const),
      address: fc.constantFrom('10.0.0.5', '::ffff:192.168.1.9'),
    }),
    fc.record({
      op: fc.constant('header' as const),
      name: fc.constantFrom('api-key', 'authorization', 'content-type'),
      value: valueArb(known).map(headerSafe),
    }),
  );
}

/** A template with a few mutations applied, as a generated request. */
function mutate(template: Template, mutations: readonly Mutation[]): FuzzInput {
  type Entry = [string, unknown];
  let where: 'query' | 'form' | 'json' = template.json ? 'json' : template.form ? 'form' : 'query';
  let entries: Entry[] = Object.entries(template.json ?? template.form ?? template.query ?? {});
  const headers: Record<string, string> = { ...template.headers };
  let remoteAddress: string | undefined = '127.0.0.1';
  for (const mutation of mutations) {
    const index = entries.length === 0 ? -1 : ('at' in mutation ? mutation.at : 0) % entries.length;
    switch (mutation.op) {
      case 'drop':
        if (index >= 0) entries.splice(index, 1);
        break;
      case 'set': {
        const entry = entries[index];
        if (entry) entry[1] = where === 'json' ? mutation.value : String(mutation.value);
        break;
      }
      case 'add':
        entries.push([mutation.name, mutation.value]);
        break;
      case 'repeat': {
        const entry = entries[index];
        if (entry) entries.push([entry[0], mutation.value]);
        break;
      }
      case 'move':
        where = where === 'query' ? 'form' : where === 'form' ? 'json' : 'query';
        break;
      case 'remote':
        remoteAddress = mutation.address;
        break;
      case 'header':
        headers[mutation.name] = mutation.value;
        break;
    }
  }
  if (where !== 'json')
    entries = entries.map(([k, v]) => [
      k,
      typeof v === 'string' ? v : ((JSON.stringify(v) as string | undefined) ?? ''),
    ]);
  const pairs = entries as (readonly [string, string])[];
  return {
    method: template.method,
    host: '127.0.0.1:7701',
    path: template.path,
    query: where === 'query' ? pairs : [],
    rawQuery: '',
    body:
      where === 'json'
        ? { kind: 'json', fields: entries }
        : where === 'form'
          ? { kind: 'form', fields: pairs }
          : { kind: 'none' },
    headers,
    remoteAddress,
  };
}

/**
 * Requests aimed at one endpoint: a third start from a valid request (a template) and break a
 * part or two of it; the rest are generated from scratch, its method mostly, its path with
 * generated segments.
 */
export function requestArb(
  route: Route<unknown>,
  service: Service,
  known: readonly string[],
  templates: readonly Template[] = [],
): fc.Arbitrary<FuzzInput> {
  const generated = generatedArb(route, service, known);
  if (templates.length === 0) return generated;
  const fromTemplate = fc
    .tuple(fc.constantFrom(...templates), fc.array(mutationArb(known), { maxLength: 3 }))
    .map(([template, mutations]) => mutate(template, mutations));
  return fc.oneof({ weight: 2, arbitrary: generated }, { weight: 1, arbitrary: fromTemplate });
}

function generatedArb(
  route: Route<unknown>,
  service: Service,
  known: readonly string[],
): fc.Arbitrary<FuzzInput> {
  const segments = route.path.split('/');
  const pathArb = fc
    .tuple(
      ...segments.map((segment) =>
        segment.startsWith(':') ? segmentArb(known) : fc.constant(segment),
      ),
    )
    .chain((parts) =>
      fc.oneof(
        { weight: 12, arbitrary: fc.constant(parts.join('/')) },
        { weight: 1, arbitrary: fc.constant(`${parts.join('/')}/`) },
        { weight: 1, arbitrary: fc.constant(`/${parts.join('/')}`) },
        { weight: 1, arbitrary: fc.constant(parts.join('/').toUpperCase()) },
      ),
    );
  const hosts = [...Object.keys(service.hosts), '127.0.0.1:7701', 'localhost'];
  return fc.record({
    method: fc.oneof(
      { weight: 5, arbitrary: fc.constant(route.method) },
      { weight: 1, arbitrary: fc.constantFrom(...METHODS) },
    ),
    host: fc.constantFrom(...hosts),
    path: pathArb,
    query: fc.array(fc.tuple(fc.constantFrom(...NAMES), valueArb(known)), { maxLength: 10 }),
    rawQuery: fc.oneof(
      { weight: 8, arbitrary: fc.constant('') },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          'a=%FF%FE',
          'appid=%E0%A4%A',
          '&&&=&=',
          'x=' + 'y'.repeat(9000),
          Array.from({ length: 300 }, (_, i) => `p${i}=1`).join('&'),
          'state=%0d%0aSet-Cookie:%20a=b',
        ),
      },
    ),
    body: bodyArb(known),
    headers: headersArb(known),
    remoteAddress: fc.oneof(
      { weight: 8, arbitrary: fc.constant('127.0.0.1') },
      { weight: 1, arbitrary: fc.constantFrom('::1', '::ffff:127.0.0.1', undefined) },
      { weight: 2, arbitrary: fc.constantFrom('10.0.0.5', '::ffff:10.0.0.5', '2001:db8::1') },
    ),
  });
}

/** Requests to paths no route serves. */
export function unroutedArb(service: Service, known: readonly string[]): fc.Arbitrary<FuzzInput> {
  const fake: Route<unknown> = {
    host: '*',
    method: 'GET',
    path: '/:a/:b',
    name: 'unrouted',
    handler: () => ({ status: 500, headers: {}, body: '' }),
  };
  return fc
    .tuple(
      requestArb(fake, service, known),
      fc.constantFrom(
        '/',
        '/__mock',
        '/__mock/',
        '/__mock/nope',
        '/sns',
        '/sns/oauth2',
        '/connect/qrcode/',
        '/oauth2.0',
        '/user/',
        '/v1/',
        '/v1/auth',
        '/rs/device',
        '/ws/',
        '/../etc/passwd',
        '//',
        '/%2e%2e/',
      ),
    )
    .map(([input, path]) => ({ ...input, path: input.path.length % 2 === 0 ? path : input.path }));
}

/** Builds the request a transport would hand to `dispatch`, body parsed the same way. */
export function toRequest(input: FuzzInput) {
  const { raw, contentType } = encodeBody(input.body);
  const search = new URLSearchParams(
    input.query.map(([k, v]): [string, string] => [k, v]),
  ).toString();
  const query = [search, input.rawQuery].filter((part) => part !== '').join('&');
  let url: URL;
  try {
    url = new URL(`http://${input.host}${input.path}${query === '' ? '' : `?${query}`}`);
  } catch {
    url = new URL(`http://${input.host}/`);
  }
  const headers: Record<string, string> = { ...input.headers };
  if (contentType !== undefined) headers['content-type'] = contentType;
  else delete headers['content-type'];
  return createRequest(url, {
    method: input.method,
    headers,
    body: parseBody(raw, contentType),
    ...(input.remoteAddress === undefined ? {} : { remoteAddress: input.remoteAddress }),
  });
}

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

type Request = ReturnType<typeof toRequest>;

/** The verdict on one answer. */
export interface Verdict {
  /** What is wrong with the answer (empty when it is fine). */
  readonly problems: string[];
  /** Whether the answer refuses the request (then nothing stored may have changed). */
  readonly rejected: boolean;
}

function textOf(response: MockResponse): string {
  return typeof response.body === 'string'
    ? response.body
    : Buffer.from(response.body).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const JSONP = /^callback\( (.*) \);\n$/s;

function isLoopback(address: string | undefined): boolean {
  return (
    address === undefined ||
    address === '::1' ||
    address.startsWith('127.') ||
    address.startsWith('::ffff:127.')
  );
}

/** `{error, message}` of a mock-only endpoint. */
function checkMockJson(response: MockResponse, text: string, problems: string[]): boolean {
  const type = response.headers['content-type'] ?? '';
  if (!type.startsWith('application/json')) problems.push(`mock-only answer is ${type}`);
  const body = parseJson(text);
  if (body === undefined) {
    problems.push('mock-only answer is not JSON');
    return true;
  }
  if (response.status >= 400) {
    if (
      !isObject(body) ||
      typeof body['error'] !== 'string' ||
      typeof body['message'] !== 'string'
    ) {
      problems.push('mock-only error is not {error, message}');
    }
    return true;
  }
  return false;
}

function checkWechat(
  req: Request,
  response: MockResponse,
  text: string,
  problems: string[],
): boolean {
  const type = response.headers['content-type'] ?? '';
  if (response.status === 302) return false;
  if (type === 'text/plain') {
    // The image of an unknown QR session: an empty 404.
    if (req.url.pathname.startsWith('/connect/qrcode/') && response.status === 404 && text === '') {
      return true;
    }
    const body = parseJson(text);
    if (!isObject(body)) {
      problems.push('WeChat API answer is not a JSON object');
      return true;
    }
    if ('errcode' in body) {
      if (typeof body['errcode'] !== 'number' || typeof body['errmsg'] !== 'string') {
        problems.push('WeChat error is not {errcode:number, errmsg:string}');
      }
      return body['errcode'] !== 0;
    }
    if (response.status !== 200) problems.push(`WeChat success at HTTP ${response.status}`);
    return false;
  }
  if (type === 'text/html; charset=utf-8') {
    if (!text.startsWith('<!DOCTYPE html>')) problems.push('WeChat page is not an HTML document');
    // The error pages, and the phone's "this QR code is no longer valid" page.
    return (
      text.includes('class="page-error"') ||
      /<h2 id="result">(二维码已失效|QR code expired)<\/h2>/.test(text) ||
      response.status >= 400
    );
  }
  if (type === 'text/javascript') {
    if (!/^window\.wx_errcode=\d{3};window\.wx_code='[A-Za-z0-9]*';$/.test(text)) {
      problems.push(`poll answer is not the poll script: ${text.slice(0, 80)}`);
    }
    return !text.startsWith('window.wx_errcode=405;');
  }
  if (type === 'text/xml; charset=utf-8') {
    if (!/^<xml><uuid><!\[CDATA\[[A-Za-z0-9_-]+\]\]><\/uuid><ret>0<\/ret><\/xml>$/.test(text)) {
      problems.push('f=xml answer is malformed');
    }
    return false;
  }
  if (type === 'image/png') {
    const bytes = Buffer.from(response.body);
    if (bytes.subarray(1, 4).toString('latin1') !== 'PNG') problems.push('QR image is not a PNG');
    return false;
  }
  problems.push(`WeChat answered content type "${type}"`);
  return true;
}

function checkQqJson(body: unknown, problems: string[]): boolean {
  if (!isObject(body)) {
    problems.push('QQ answer is not a JSON object');
    return true;
  }
  if ('error' in body) {
    if (typeof body['error'] !== 'number' || typeof body['error_description'] !== 'string') {
      problems.push('QQ OAuth error is not {error:number, error_description:string}');
    }
    return true;
  }
  if ('ret' in body) {
    if (typeof body['ret'] !== 'number' || typeof body['msg'] !== 'string') {
      problems.push('QQ OpenAPI answer is not {ret:number, msg:string}');
    }
    return body['ret'] !== 0;
  }
  if (typeof body['openid'] !== 'string' && typeof body['access_token'] !== 'string') {
    problems.push('QQ JSON success carries neither openid nor access_token');
  }
  return false;
}

function checkQq(response: MockResponse, text: string, problems: string[]): boolean {
  const type = response.headers['content-type'] ?? '';
  if (response.status === 302) return false;
  if (!type.startsWith('text/html')) {
    problems.push(`QQ answered content type "${type}"`);
    return true;
  }
  const jsonp = JSONP.exec(text);
  if (jsonp) return checkQqJson(parseJson(jsonp[1] ?? ''), problems);
  if (text.startsWith('{')) return checkQqJson(parseJson(text), problems);
  if (text.startsWith('<!DOCTYPE html>'))
    return text.includes('id="error"') || response.status >= 400;
  if (
    /^access_token=[0-9A-F]{32}&expires_in=\d+&refresh_token=[0-9A-F]{32}(&openid=\w+)?$/.test(text)
  ) {
    return false;
  }
  problems.push(`QQ answer has no known shape: ${text.slice(0, 80)}`);
  return true;
}

function checkAuth(
  req: Request,
  response: MockResponse,
  text: string,
  problems: string[],
): boolean {
  const type = response.headers['content-type'] ?? '';
  if (!type.startsWith('application/json')) problems.push(`auth server answered "${type}"`);
  const body = parseJson(text);
  if (!isObject(body)) {
    problems.push('auth server answer is not a JSON object');
    return true;
  }
  if (req.url.pathname.startsWith('/v1/')) {
    if (response.status >= 400) {
      const errors = body['errors'];
      if (
        typeof body['code'] !== 'number' ||
        typeof body['title'] !== 'string' ||
        typeof body['detail'] !== 'string' ||
        !Array.isArray(errors) ||
        errors.length === 0
      ) {
        problems.push('login API error is not {code, title, detail, errors[]}');
      }
      return true;
    }
    return false;
  }
  if (typeof body['@class'] !== 'string') problems.push('GameSparks answer has no @class');
  if ('error' in body) {
    if (!isObject(body['error'])) problems.push('GameSparks error is not an object');
    return true;
  }
  if (response.status >= 400) problems.push(`GameSparks success at HTTP ${response.status}`);
  return false;
}

/** Hosts a Location may name, read the way a naive (RFC 3986) client reads them too. */
function checkRedirect(location: string, hosts: ReadonlySet<string>, problems: string[]): void {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    problems.push(`Location is not a URL: ${location.slice(0, 120)}`);
    return;
  }
  const naive = /^[a-z][a-z0-9+.-]*:\/\/(?:[^/?#@]*@)?([^/?#:]*)/i.exec(location)?.[1];
  if (!hosts.has(url.hostname) || naive?.toLowerCase() !== url.hostname) {
    problems.push(`redirect off the registered callbacks: ${location.slice(0, 120)}`);
  }
}

/** Checks one answer of a service to a request. */
export function checkAnswer(
  world: FuzzWorld,
  name: ServiceName,
  req: Request,
  response: MockResponse,
): Verdict {
  const problems: string[] = [];
  const service = world.services[name];
  if (isDroppedConnection(response) || response.status < 200 || response.status > 499) {
    problems.push(`HTTP ${response.status}`);
  }
  for (const [key, value] of Object.entries(response.headers)) {
    try {
      validateHeaderName(key);
      validateHeaderValue(key, value);
    } catch (error) {
      problems.push(`header ${key} would crash the server: ${(error as Error).message}`);
    }
  }
  if (response.headers['content-type'] === undefined) problems.push('no content type');
  const text = textOf(response);
  if ((response.headers['content-type'] ?? '').startsWith('text/html') && text.includes(PROBE)) {
    problems.push('an HTML answer carries the probe markup unescaped');
  }
  const location = response.headers['location'];
  if (response.status >= 300 && response.status < 400) {
    if (location === undefined) problems.push('redirect without Location');
    else checkRedirect(location, world.callbackHosts, problems);
  }

  const own = findRoute(service, req);
  const control = own.kind === 'found' ? undefined : findRoute(CONTROL_SERVICE, req);
  const matched =
    own.kind === 'found' ? own.route : control?.kind === 'found' ? control.route : undefined;
  const matchedPath = matched?.path ?? '';
  const mockOnly = matchedPath.startsWith('/__mock/');
  if (
    mockOnly &&
    matchedPath !== '/__mock/healthz' &&
    !isLoopback(req.remoteAddress) &&
    req.headers['authorization'] !== `Bearer ${ADMIN_TOKEN}` &&
    req.headers['x-idmock-admin-token'] !== ADMIN_TOKEN &&
    response.status !== 403
  ) {
    problems.push(`mock-only ${matchedPath} answered ${response.status} off loopback`);
  }

  let rejected: boolean;
  const type = response.headers['content-type'] ?? '';
  if (mockOnly && type.startsWith('application/json')) {
    rejected = checkMockJson(response, text, problems);
  } else if (mockOnly && type.startsWith('text/html')) {
    // A mock-only page (the dashboard).
    if (!/^<!DOCTYPE html>/i.test(text)) problems.push('mock-only page is not an HTML document');
    rejected = response.status >= 400;
  } else if (name === 'wechat') {
    rejected = checkWechat(req, response, text, problems);
  } else if (name === 'qq') {
    rejected = checkQq(response, text, problems);
  } else {
    rejected = checkAuth(req, response, text, problems);
  }
  return { problems, rejected };
}

/** Resolves with the answer, or rejects when it takes longer than the budget (a hang). */
export async function answerWithin(service: Service, req: Request): Promise<MockResponse> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no answer within ${ANSWER_TIMEOUT_MS} ms`));
    }, ANSWER_TIMEOUT_MS);
  });
  try {
    return await Promise.race([dispatch(service, req), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Describes a request for a failure message. */
export function describeRequest(req: Request): string {
  const body =
    req.body.kind === 'json'
      ? ((JSON.stringify(req.body.value) as string | undefined) ?? '').slice(0, 200)
      : req.body.kind === 'form'
        ? req.body.params.toString().slice(0, 200)
        : req.body.kind;
  return `${req.method} ${req.url.href.slice(0, 300)} from ${req.remoteAddress ?? 'in-process'} body=${body}`;
}

/**
 * Runs one generated request against one service and throws when any check fails. After an
 * accepted request the world is restored, so every case starts from the seeded state.
 */
export async function runCase(
  world: FuzzWorld,
  name: ServiceName,
  input: FuzzInput,
): Promise<void> {
  const service = world.services[name];
  const req = toRequest(input);
  // Every case starts from the baseline, so "before" is the baseline.
  const crashesBefore = world.crashes.length;
  const response = await answerWithin(service, req);
  const verdict = checkAnswer(world, name, req, response);
  const problems = [...verdict.problems];
  if (world.crashes.length > crashesBefore) {
    problems.push(`unexpected exception: ${String(world.crashes.at(-1))}`);
    world.crashes.length = crashesBefore;
  }
  if (world.fingerprint(true) !== world.baseline) {
    if (verdict.rejected && world.fingerprint(false) !== world.baselineWithoutCounters) {
      problems.push('a rejected request changed the stored world');
    }
    world.restore();
  }
  if (problems.length > 0) {
    throw new Error(
      `${problems.join('\n')}\nrequest: ${describeRequest(req)}\nanswer: ${response.status} ${textOf(response).slice(0, 300)}`,
    );
  }
}
