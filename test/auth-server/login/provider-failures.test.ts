/**
 * WeChat failing under the login API: faults on the real mock's code exchange (quota, `-1 system
 * error`, HTTP 500, garbage, a hang past the timeout, a dropped connection), an unreachable WeChat,
 * an app without an open-platform account (no unionid), and a configured secret WeChat refuses.
 * Each is a clear 4xx/502 in the envelope, never a 500, and nothing is stored.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startIdmock, type RunningIdmock } from '../../../src/runtime/start.js';
import { get, postJson, useIdmock } from '../../support/idmock.js';
import {
  ACCOUNTS,
  codeLogin,
  expectLoginError,
  listAccounts,
  loginApi,
  OUTER,
  resetWorld,
  tokenOf,
  wechatCode,
} from './support.js';

describe('faults on WeChat’s /sns/oauth2/access_token', () => {
  const logged: unknown[] = [];
  const idmock = useIdmock({
    services: ['wechat', 'qq', 'auth'],
    auth: { providerTimeoutMs: 300 },
    logError: (error) => logged.push(error),
  });
  const api = () => loginApi(idmock.current.urls.auth!);

  beforeEach(async () => {
    await resetWorld(idmock.current);
    await fetch(`${idmock.current.urls.wechat!}/__mock/faults`, { method: 'DELETE' });
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['answers -1 system error', { error: 'systemError' }, /errcode -1 system error/],
    ['is over its minute quota', { error: 'minuteQuota' }, /errcode 45011/],
    ['answers HTTP 500', { status: 500 }, /HTTP 500/],
    [
      'answers garbage',
      { status: 200, body: '<html>gateway</html>', contentType: 'text/html' },
      /not JSON/,
    ],
    ['hangs past the timeout', { delay: 2000 }, /no answer within 300 ms/],
    ['drops the connection', { drop: true }, /request failed/],
  ])('answers 502 PROVIDER_UNAVAILABLE when WeChat %s', async (_name, fault, reason) => {
    logged.length = 0;
    const added = await postJson(`${idmock.current.urls.wechat!}/__mock/faults`, {
      route: 'wechat.exchangeCode',
      ...fault,
    });
    expect(added.status).toBe(201);
    const code = await wechatCode(idmock.current, 'li-na');
    const before = await listAccounts(idmock.current.urls.auth!);
    const response = await api().login(codeLogin(code));
    expectLoginError(response, 502, OUTER.providerUnavailable, {
      title: 'WECHAT_UNAVAILABLE',
      source: 'code',
    });
    expect(await listAccounts(idmock.current.urls.auth!)).toEqual(before);
    expect(logged.map(String).join('\n')).toMatch(reason);
    // The fault answered instead of WeChat, so the code is still good.
    const retried = await api().login(codeLogin(code));
    expect(retried.status).toBe(401);
  });

  it('answers INVALID_AUTH_CODE, not 502, for WeChat’s own code errors', async () => {
    await postJson(`${idmock.current.urls.wechat!}/__mock/faults`, {
      route: 'wechat.exchangeCode',
      error: 'codeReused',
    });
    const response = await api().login(codeLogin(await wechatCode(idmock.current, 'zhang-wei')));
    expectLoginError(response, 401, OUTER.unauthorized, {
      title: 'INVALID_AUTH_CODE',
      source: 'code',
    });
  });
});

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  return `http://127.0.0.1:${port}`;
}

describe('an unreachable WeChat', () => {
  const logged: unknown[] = [];
  let running: RunningIdmock | undefined;
  const authUrl = (): string => running!.urls.auth!;

  beforeAll(async () => {
    running = await startIdmock({
      services: ['auth'],
      auth: { wechat: { baseUrl: await closedPortUrl() } },
      logError: (error) => logged.push(error),
    });
  });
  afterAll(async () => {
    await running?.stop();
  });

  it('answers 502 to a code login, and to a registering login while seeds are unresolved', async () => {
    const api = loginApi(authUrl());
    expectLoginError(await api.login(codeLogin('any')), 502, OUTER.providerUnavailable, {
      title: 'WECHAT_UNAVAILABLE',
      source: 'code',
    });
    const registering = await api.login({
      tn: ACCOUNTS.wangFang.tn,
      code: '123456',
      unionId: 'oUnion',
      unionCode: 'code',
    });
    expect(registering.status).toBe(502);
    expect(logged.map(String).join('\n')).toMatch(/ECONNREFUSED/);
  });

  it('still answers SMS logins and lists the seeded binding as pending', async () => {
    const tn = ACCOUNTS.wangFang.tn;
    await loginApi(authUrl()).sms(tn);
    const { messages } = (await get(`${authUrl()}/__mock/sms?tn=${tn}`)).json();
    tokenOf(await loginApi(authUrl()).login({ tn, code: messages[0].code }));
    const zhang = (await listAccounts(authUrl())).find((a) => a.id === ACCOUNTS.zhangWei.id);
    expect(zhang).toMatchObject({ unionId: null, pendingSeedBinding: 'zhang-wei' });
  });
});

describe('a login app without an open-platform account', () => {
  const idmock = useIdmock({
    services: ['wechat', 'qq', 'auth'],
    auth: {
      login: {
        wechat: { appid: 'wx5e6f708192a3b4c5', secret: '4b5a69788796a5b4c3d2e1f00f1e2d3c' },
      },
    },
  });

  it('answers 502: the app yields no unionid, so no seeded binding resolves either', async () => {
    const consent = await postJson(`${idmock.current.urls.wechat!}/__mock/authorize`, {
      appid: 'wx5e6f708192a3b4c5',
      redirect_uri: 'http://localhost/cb',
      scope: 'snsapi_login',
      user: 'li-na',
    });
    const response = await loginApi(idmock.current.urls.auth!).login({
      appId: 'wx5e6f708192a3b4c5',
      secret: '4b5a69788796a5b4c3d2e1f00f1e2d3c',
      code: consent.json<{ code: string }>().code,
    });
    expectLoginError(response, 502, OUTER.providerUnavailable, {
      title: 'WECHAT_UNAVAILABLE',
      source: 'code',
    });
  });
});

describe('a configured secret that WeChat refuses', () => {
  const wrongSecret = 'ffffffffffffffffffffffffffffffff';
  const idmock = useIdmock({
    services: ['wechat', 'qq', 'auth'],
    auth: { login: { wechat: { appid: 'wx1a2b3c4d5e6f7081', secret: wrongSecret } } },
  });

  it('answers INVALID_APP_CREDENTIALS (WeChat 40125)', async () => {
    const response = await loginApi(idmock.current.urls.auth!).login({
      appId: 'wx1a2b3c4d5e6f7081',
      secret: wrongSecret,
      code: await wechatCode(idmock.current, 'li-na'),
    });
    expectLoginError(response, 401, OUTER.unauthorized, {
      title: 'INVALID_APP_CREDENTIALS',
      source: 'appId',
    });
  });
});
