/**
 * The dashboard's HTTP side: the page and its JSON model at the auth server, gathered from the
 * auth server's own state and from the providers' mock-only endpoints over HTTP; and the
 * providers' `GET /__mock/grants`, which lists the codes and tokens still usable on the mock clock.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/runtime/config.js';
import { startIdmock, type RunningIdmock } from '../../src/runtime/start.js';
import type { DashboardModel } from '../../src/auth-server/dashboard/model.js';
import { get, postJson, useIdmock } from '../support/idmock.js';
import {
  ACCOUNTS,
  advanceClock,
  loginApi,
  sendSms,
  tokenOf,
  unionPairFor,
} from './login/support.js';
import {
  closeClientsAfterEach,
  deviceSignIn,
  qqLogin,
  QQ_APP,
  restTransport,
  SEEDED,
  WECHAT_APP,
  wechatLogin,
} from './support.js';

const idmock = useIdmock({ services: ['wechat', 'qq', 'auth'] });
closeClientsAfterEach();
const authUrl = (): string => idmock.current.urls.auth!;
const wechatUrl = (): string => idmock.current.urls.wechat!;
const qqUrl = (): string => idmock.current.urls.qq!;

/** The JSON model, with the rendered sections the page asks for. */
type Answer = DashboardModel & { readonly fragments?: Readonly<Record<string, string>> };

/** A persona as the providers' `GET /__mock/users` lists it. */
interface ListedUser {
  readonly id: string;
  readonly openids: Readonly<Record<string, string>>;
  readonly unionids: Readonly<Record<string, string>>;
}

/** A code or token as `GET /__mock/grants` lists it. */
interface ListedGrant {
  readonly code?: string;
  readonly token?: string;
  readonly refreshToken?: string;
  readonly personaId: string;
  readonly expiresInSeconds: number;
}

/** A provider's `GET /__mock/grants`. */
interface ListedGrants {
  readonly now: string;
  readonly epochMs: number;
  readonly codes: { readonly total: number; readonly items: readonly ListedGrant[] };
  readonly accessTokens: { readonly total: number; readonly items: readonly ListedGrant[] };
  readonly refreshTokens: { readonly total: number; readonly items: readonly ListedGrant[] };
}

async function usersOf(url: string): Promise<ListedUser[]> {
  return (await get(`${url}/__mock/users`)).json<{ users: ListedUser[] }>().users;
}

async function grantsOf(url: string, query = ''): Promise<ListedGrants> {
  return (await get(`${url}/__mock/grants${query}`)).json<ListedGrants>();
}

async function dashboard(query = ''): Promise<Answer> {
  const response = await get(`${authUrl()}/__mock/dashboard.json${query}`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return response.json();
}

async function resetAll(): Promise<void> {
  for (const url of [authUrl(), wechatUrl(), qqUrl()]) await postJson(`${url}/__mock/reset`, {});
  await postJson(`${authUrl()}/__mock/clock/reset`, {});
}

/** Starts a website QR session the way the desktop page does, and answers its uuid. */
async function openQrSession(state: string): Promise<string> {
  const query = new URLSearchParams({
    appid: 'wx1a2b3c4d5e6f7081',
    redirect_uri: 'http://localhost/callback',
    response_type: 'code',
    scope: 'snsapi_login',
    state,
  });
  const page = await get(`${wechatUrl()}/connect/qrconnect?${query.toString()}`);
  const uuid = /src="\/connect\/qrcode\/([A-Za-z0-9_-]+)"/.exec(page.text)?.[1];
  if (uuid === undefined) throw new Error('no QR session on the page');
  return uuid;
}

beforeEach(resetAll);

describe('GET /__mock/dashboard.json', () => {
  it('lists the apps and the personas with the openids and unionids the providers derive', async () => {
    const model = await dashboard();
    expect(model.services).toMatchObject({
      auth: { status: 'ok', baseUrl: null },
      wechat: { status: 'ok', baseUrl: wechatUrl() },
      qq: { status: 'ok', baseUrl: qqUrl() },
    });
    const wechatApps = model.apps.wechat ?? [];
    expect(wechatApps.map((app) => [app.appid, app.usedBy])).toContainEqual([
      WECHAT_APP.appid,
      ['connect'],
    ]);
    expect(wechatApps.find((app) => app.name === 'Acme 官网登录')?.usedBy).toEqual(['login']);
    expect(JSON.stringify(model.apps)).not.toContain(WECHAT_APP.secret);
    expect(model.apps.qq?.find((app) => app.clientId === QQ_APP.clientId)).toMatchObject({
      usedBy: ['connect'],
      unionidPermission: true,
    });

    const zhang = model.personas.find((persona) => persona.id === 'zhang-wei');
    const wechatZhang = (await usersOf(wechatUrl())).find((user) => user.id === 'zhang-wei')!;
    const qqZhang = (await usersOf(qqUrl())).find((user) => user.id === 'zhang-wei')!;
    expect(zhang).toEqual({
      id: 'zhang-wei',
      nickname: '张伟',
      wechat: {
        openid: wechatZhang.openids[WECHAT_APP.appid],
        unionid: wechatZhang.unionids['acme-games'],
        openids: wechatZhang.openids,
      },
      qq: {
        openid: qqZhang.openids[QQ_APP.clientId],
        unionid: qqZhang.unionids['acme-games'],
        openids: qqZhang.openids,
      },
    });
    const chen = model.personas.find((persona) => persona.id === 'chen-jie');
    expect(chen?.wechat).toBeNull();
  });

  it('lists the players with their linked identities, including one created just now', async () => {
    const token = await wechatLogin(idmock.current, 'li-na');
    const client = await restTransport.connect(authUrl());
    const created = await client.send({ '@class': '.WeChatConnectRequest', ...token });
    const { players } = await dashboard();
    expect(players.map((player) => player.id)).toEqual([
      SEEDED.alice.id,
      SEEDED.wechatLinked.id,
      SEEDED.qqLinked.id,
      created.userId,
    ]);
    expect(players[1]?.identities).toEqual([
      expect.objectContaining({ system: 'WC', persona: 'zhang-wei', nickname: '张伟' }),
    ]);
    expect(players[2]?.identities).toEqual([
      expect.objectContaining({ system: 'QQ', persona: 'chen-jie', nickname: '陈杰' }),
    ]);
    expect(players[3]).toMatchObject({
      displayName: '李娜',
      identities: [{ system: 'WC', externalId: token.openId, persona: 'li-na', nickname: '李娜' }],
      authTokens: 1,
      pending: [],
    });
  });

  it('lists the login accounts with their bound unionIds', async () => {
    const { accounts } = await dashboard();
    const zhang = accounts.find((account) => account.id === ACCOUNTS.zhangWei.id);
    const wechatZhang = (await usersOf(wechatUrl())).find((user) => user.id === 'zhang-wei')!;
    expect(zhang).toMatchObject({
      tn: ACCOUNTS.zhangWei.tn,
      unionId: wechatZhang.unionids['acme-games'],
      persona: 'zhang-wei',
      nickname: '张伟',
      pendingPersona: null,
    });
    expect(accounts.find((account) => account.id === ACCOUNTS.bob.id)).toMatchObject({
      username: 'bob',
      unionId: null,
    });
  });

  it('follows a QR session from waiting to scanned', async () => {
    const uuid = await openQrSession('st-dashboard');
    const waiting = (await dashboard()).qrSessions!;
    expect(waiting[0]).toMatchObject({
      uuid,
      status: 'waiting',
      appName: 'Acme 官网登录',
      state: 'st-dashboard',
      persona: null,
      expiresInSeconds: expect.any(Number),
    });
    await postJson(`${wechatUrl()}/__mock/qr/${uuid}/scan`, { user: 'li-na' });
    const scanned = (await dashboard()).qrSessions!;
    expect(scanned[0]).toMatchObject({
      uuid,
      status: 'scanned',
      persona: 'li-na',
      nickname: '李娜',
    });
  });

  it('lists outstanding codes and tokens with their remaining lifetimes on the mock clock', async () => {
    const token = await wechatLogin(idmock.current, 'li-na');
    const consent = await postJson(`${wechatUrl()}/__mock/authorize`, {
      appid: WECHAT_APP.appid,
      user: 'wang-fang',
    });
    expect(consent.status).toBe(200);
    await qqLogin(idmock.current, 'chen-jie');

    const before = await dashboard();
    const kinds = (model: DashboardModel) =>
      model.grants.map((grant) => `${grant.service} ${grant.kind} ${grant.subject}`);
    expect(kinds(before)).toEqual([
      'wechat code wang-fang',
      'wechat access_token li-na',
      'wechat refresh_token li-na',
      'qq access_token chen-jie',
    ]);
    const code = before.grants[0]!;
    const access = before.grants[1]!;
    expect(code.expiresInSeconds).toBeGreaterThan(595);
    expect(code.expiresInSeconds).toBeLessThanOrEqual(600);
    expect(access).toMatchObject({
      app: WECHAT_APP.appid,
      appName: 'Acme 手游',
      subjectName: '李娜',
    });
    expect(access.expiresInSeconds).toBeGreaterThan(7195);
    // Only the start of a secret is ever shown.
    expect(access.hint).toBe(`${token.accessToken.slice(0, 8)}…`);
    expect(JSON.stringify(before)).not.toContain(token.accessToken);
    expect(before.grantTotals.wechat).toEqual({ code: 1, access_token: 1, refresh_token: 1 });

    // The clock is shared in one process: ten minutes later the code is gone.
    await advanceClock(idmock.current, '601s');
    const after = await dashboard();
    expect(kinds(after)).toEqual([
      'wechat access_token li-na',
      'wechat refresh_token li-na',
      'qq access_token chen-jie',
    ]);
    expect(after.grants[0]!.expiresInSeconds).toBeLessThanOrEqual(7200 - 601);
    expect(after.clock.offsetMs).toBe(601_000);
  });

  it('lists the auth server’s own bearer tokens and unionCodes without their values', async () => {
    const tn = ACCOUNTS.wangFang.tn;
    const bearer = tokenOf(
      await loginApi(authUrl()).login({ tn, code: await sendSms(authUrl(), tn) }),
    );
    const pair = await unionPairFor(idmock.current, 'li-na');
    const model = await dashboard();
    const own = model.grants.filter((grant) => grant.service === 'auth');
    expect(own).toEqual([
      expect.objectContaining({
        kind: 'bearer',
        hint: `${bearer.slice(0, 8)}…`,
        app: 'web',
        subject: ACCOUNTS.wangFang.id,
        subjectName: '王芳',
        expiresInSeconds: 3600,
      }),
      expect.objectContaining({
        kind: 'unionCode',
        hint: null,
        subject: pair.unionId,
        subjectName: '李娜',
        expiresInSeconds: 600,
      }),
    ]);
    expect(JSON.stringify(model)).not.toContain(bearer);
    expect(JSON.stringify(model)).not.toContain(pair.unionCode);
    expect(model.grantTotals.auth).toMatchObject({ bearer: 1, unionCode: 1 });
  });

  it('shows the SMS outbox newest first with the lifetime of a usable code', async () => {
    const first = await sendSms(authUrl(), '13800000001');
    const second = await sendSms(authUrl(), '13800000002');
    const { sms } = await dashboard();
    expect(sms.map((message) => [message.tn, message.code, message.status])).toEqual([
      ['13800000002', second, 'sent'],
      ['13800000001', first, 'sent'],
    ]);
    expect(sms[0]!.expiresInSeconds).toBe(300);
  });

  it('lists the providers’ API requests newest first, bounded, without mock-only calls', async () => {
    for (let i = 0; i < 16; i++) {
      const token = await wechatLogin(idmock.current, 'li-na');
      await get(`${wechatUrl()}/sns/auth?access_token=${token.accessToken}&openid=${token.openId}`);
    }
    const { journals } = await dashboard();
    const lines = journals.wechat!;
    expect(lines).toHaveLength(30);
    const seqs = lines.map((line) => line.seq);
    expect(seqs).toEqual([...seqs].sort((a: number, b: number) => b - a));
    expect(new Set(lines.map((line) => line.route))).toEqual(
      new Set(['wechat.exchangeCode', 'wechat.checkAccessToken']),
    );
    expect(lines[0]).toMatchObject({
      service: 'wechat',
      route: 'wechat.checkAccessToken',
      method: 'GET',
      status: 200,
      note: null,
    });
    expect(lines[1]!.target).toMatch(/^\/sns\/oauth2\/access_token\?appid=/);
  });

  it('notes a provider error answered at HTTP 200', async () => {
    await get(`${wechatUrl()}/sns/auth?access_token=86_${'x'.repeat(30)}&openid=o`);
    const { journals } = await dashboard();
    expect(journals.wechat![0]).toMatchObject({
      route: 'wechat.checkAccessToken',
      note: 'errcode 40001',
    });
  });

  it('adds the rendered sections with ?fragments=1, in the asked language', async () => {
    const model = await dashboard('?fragments=1&lang=en');
    const fragments = model.fragments!;
    expect(Object.keys(fragments).sort()).toEqual(
      ['accounts', 'clock', 'grants', 'players', 'qr', 'services', 'sms', 'world'].sort(),
    );
    expect(fragments['qr']).toContain('No QR sessions yet');
    expect((await dashboard()).fragments).toBeUndefined();
  });
});

describe('GET /__mock/dashboard', () => {
  it('renders the world in Chinese, with only its own script and style allowed', async () => {
    const response = await get(`${authUrl()}/__mock/dashboard`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.text).toMatch(/^<!DOCTYPE html>/);
    expect(response.text).toContain('<html lang="zh-CN">');
    expect(response.text).toContain('idmock 控制台');
    expect(response.text).toContain(`data-player-id="${SEEDED.wechatLinked.id}"`);
    expect(response.text).toContain('Acme 官网登录');
    expect(response.text).toContain('href="?lang=en"');

    const csp = response.headers.get('content-security-policy') ?? '';
    const hash = (text: string) => createHash('sha256').update(text).digest('base64');
    const script = /<script>([\s\S]*?)<\/script>/.exec(response.text)?.[1] ?? '';
    const style = /<style>([\s\S]*?)<\/style>/.exec(response.text)?.[1] ?? '';
    expect(csp).toContain(`script-src 'sha256-${hash(script)}'`);
    expect(csp).toContain(`style-src 'sha256-${hash(style)}'`);
    expect(csp).toContain("default-src 'none'");
    expect(response.text.match(/<script/g)).toHaveLength(1);
  });

  it('renders in English with ?lang=en', async () => {
    const response = await get(`${authUrl()}/__mock/dashboard?lang=en`);
    expect(response.text).toContain('<html lang="en">');
    expect(response.text).toContain('idmock dashboard');
    expect(response.text).toContain('href="?lang=cn"');
  });

  it('escapes what players and callers chose', async () => {
    const markup = '<img src=x onerror=alert(1)>';
    const client = await restTransport.connect(authUrl());
    const signedIn = await deviceSignIn(client, markup);
    expect(signedIn.displayName).toBe(markup);
    await openQrSession('"><script>alert(2)</script>');
    const response = await get(`${authUrl()}/__mock/dashboard`);
    expect(response.text).not.toContain(markup);
    expect(response.text).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(response.text).not.toContain('<script>alert(2)');
    expect(response.text).toContain('&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
  });
});

describe('GET /__mock/grants', () => {
  it('lists WeChat’s unused codes and live tokens, newest first, with expiresInSeconds', async () => {
    const used = await wechatLogin(idmock.current, 'li-na');
    const open = await postJson(`${wechatUrl()}/__mock/authorize`, {
      appid: WECHAT_APP.appid,
      user: 'zhang-wei',
    });
    const opened = open.json<{ code: string; openid: string }>();
    const later = await wechatLogin(idmock.current, 'wang-fang');
    const grants = await grantsOf(wechatUrl());
    expect(grants.codes).toEqual({
      total: 1,
      items: [
        {
          code: opened.code,
          appid: WECHAT_APP.appid,
          personaId: 'zhang-wei',
          openid: opened.openid,
          scope: 'snsapi_userinfo',
          expiresAt: expect.any(String),
          expiresInSeconds: 600,
        },
      ],
    });
    expect(grants.accessTokens.items.map((item) => item.token)).toEqual([
      later.accessToken,
      used.accessToken,
    ]);
    expect(grants.accessTokens.items[0]).toMatchObject({
      personaId: 'wang-fang',
      openid: later.openId,
      expiresInSeconds: 7200,
    });
    expect(grants.refreshTokens.total).toBe(2);
    expect(Date.parse(grants.now)).toBe(grants.epochMs);

    const limited = await grantsOf(wechatUrl(), '?limit=1');
    expect(limited.accessTokens).toMatchObject({ total: 2, items: [{ token: later.accessToken }] });

    await postJson(`${wechatUrl()}/__mock/clock/advance`, { by: '2h' });
    const expired = await grantsOf(wechatUrl());
    expect(expired.codes.total).toBe(0);
    expect(expired.accessTokens.total).toBe(0);
    expect(expired.refreshTokens.items[0]!.expiresInSeconds).toBe(30 * 86_400 - 7200);
  });

  it('lists QQ’s live tokens and drops a used refresh token', async () => {
    const consent = await postJson(`${qqUrl()}/__mock/authorize`, {
      client_id: QQ_APP.clientId,
      redirect_uri: QQ_APP.redirectUri,
      user: 'chen-jie',
    });
    const code = consent.json<{ code: string }>().code;
    const before = await grantsOf(qqUrl());
    expect(before.codes.items).toEqual([
      expect.objectContaining({
        code,
        clientId: QQ_APP.clientId,
        personaId: 'chen-jie',
        redirectUri: QQ_APP.redirectUri,
        expiresInSeconds: 600,
      }),
    ]);
    const exchanged = await get(
      `${qqUrl()}/oauth2.0/token?${new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: QQ_APP.clientId,
        client_secret: '3337f831c38269bb480b544022340f47',
        code,
        redirect_uri: QQ_APP.redirectUri,
        fmt: 'json',
      }).toString()}`,
    );
    const refreshToken = exchanged.json<{ refresh_token: string }>().refresh_token;
    const after = await grantsOf(qqUrl());
    expect(after.codes.total).toBe(0);
    expect(after.refreshTokens.items.map((item) => item.refreshToken)).toEqual([refreshToken]);
    await get(
      `${qqUrl()}/oauth2.0/token?${new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: QQ_APP.clientId,
        client_secret: '3337f831c38269bb480b544022340f47',
        refresh_token: refreshToken,
        fmt: 'json',
      }).toString()}`,
    );
    const refreshed = await grantsOf(qqUrl());
    expect(refreshed.refreshTokens.items.map((item) => item.refreshToken)).not.toContain(
      refreshToken,
    );
    expect(refreshed.accessTokens.total).toBe(2);
  });

  it.each([
    ['WeChat', 'wechat'],
    ['QQ', 'qq'],
  ] as const)('answers 400 to a bad limit (%s)', async (_name, service) => {
    for (const query of ['limit=0', 'limit=1001', 'limit=x', 'other=1']) {
      const response = await get(`${idmock.current.urls[service]!}/__mock/grants?${query}`);
      expect(response.status).toBe(400);
      expect(response.json()).toMatchObject({ error: 'invalid_query' });
    }
  });
});

describe('the dashboard when the providers do not answer', () => {
  let alone: RunningIdmock;
  let hanging: Server;

  beforeAll(async () => {
    // WeChat accepts the connection and never answers; QQ's port is closed.
    hanging = createServer(() => undefined);
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) =>
      closed.close(() => {
        resolve();
      }),
    );
    alone = await startIdmock({
      services: ['auth'],
      config: resolveConfig({
        ports: { auth: 0, wechat: 0, qq: 0 },
        auth: {
          wechat: { baseUrl: `http://127.0.0.1:${(hanging.address() as AddressInfo).port}` },
          qq: { baseUrl: `http://127.0.0.1:${closedPort}` },
          providerTimeoutMs: 300,
        },
      }),
      logError: () => undefined,
    });
  });

  afterAll(async () => {
    await alone.stop();
    hanging.closeAllConnections();
    await new Promise<void>((resolve) =>
      hanging.close(() => {
        resolve();
      }),
    );
  });

  it('marks them unavailable and still shows the auth server’s own state', async () => {
    const started = Date.now();
    const response = await get(`${alone.urls.auth!}/__mock/dashboard.json`);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(response.status).toBe(200);
    const model = response.json();
    expect(model.services.wechat).toMatchObject({
      status: 'unavailable',
      reason: 'no answer within 300 ms',
    });
    expect(model.services.qq.status).toBe('unavailable');
    expect(model.services.qq.reason).toMatch(/^request failed: ECONNREFUSED/);
    expect(model).toMatchObject({
      apps: { wechat: null, qq: null },
      personas: [],
      qrSessions: null,
      grantTotals: { wechat: null, qq: null },
      journals: { wechat: null, qq: null },
    });
    expect(model.players[1]).toMatchObject({
      id: SEEDED.wechatLinked.id,
      identities: [],
      pending: [{ system: 'WC', persona: 'zhang-wei' }],
    });
  });

  it('renders the page with the providers marked unavailable', async () => {
    const response = await get(`${alone.urls.auth!}/__mock/dashboard`);
    expect(response.status).toBe(200);
    expect(response.text).toMatch(/data-service="wechat"\s+data-status="unavailable"/);
    expect(response.text).toContain('微信模拟无法连接，暂无数据');
    expect(response.text).toContain('QQ 模拟无法连接，暂无数据');
  });
});
