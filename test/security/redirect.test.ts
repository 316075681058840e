/**
 * No open redirect: every way of being sent back to a client (WeChat qrconnect, its auto-approve,
 * OA authorize and its consent POST, the headless authorize; QQ authorize and show, their consent
 * POSTs and auto-approve) checks redirect_uri against the app's registered callback first. A
 * foreign or ambiguous redirect_uri gets the provider's error, no Location and no code; the
 * registered one is redirected to, so the check is not simply refusing everything.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { call, createInProcessWorld, type CallResult, type InProcessWorld } from '../fuzz/world.js';

const WEB = 'wx1a2b3c4d5e6f7081';
const OA = 'wx4d5e6f708192a3b4';
const QQ = { client_id: '101364207', redirect_uri: 'http://localhost:3000/auth/qq/callback' };

/** redirect_uris that lead (or could be read to lead) somewhere other than `localhost`. */
const WECHAT_FOREIGN = [
  'https://evil.example/cb',
  '//evil.example/cb',
  'http://localhost.evil.example/cb',
  'http://evil.example/localhost',
  'http://localhost@evil.example/cb',
  'http://localhost:80@evil.example/cb',
  'http://localhost\\@evil.example/cb',
  'http://evil.example\\@localhost/cb',
  'http://localhost%2F@evil.example/cb',
  'http://localhost%40evil.example/cb',
  'javascript:alert(1)//localhost',
  'http:localhost/cb',
  'http://localhost/cb\r\nLocation: https://evil.example/',
  'http://loc\talhost/cb',
  ' http://localhost/cb',
  'http://localhost/cb\u0000',
  'data:text/html,<script>alert(1)</script>',
];

const QQ_FOREIGN = [
  'https://evil.example/auth/qq/callback',
  'http://localhost:3000/auth/qq/callback/../../evil',
  'http://localhost:3000/auth/qq/callback?next=https://evil.example',
  'http://localhost:3000@evil.example/auth/qq/callback',
  'http://localhost:3000/auth/qq/callback\r\nX: y',
  'http://localhost:3000/auth/qq/callback/',
  'HTTP://LOCALHOST:3000/auth/qq/callback',
];

let world: InProcessWorld;

beforeEach(async () => {
  world = await createInProcessWorld();
});

function expectNoRedirect(res: CallResult): void {
  expect(res.status).not.toBe(302);
  expect(res.headers['location']).toBeUndefined();
}

function codes(): number {
  const wechat = world.services.wechat.snapshot?.() as { codes: unknown[] };
  const qq = world.services.qq.snapshot?.() as { codes: unknown[]; accessTokens: unknown[] };
  return wechat.codes.length + qq.codes.length + qq.accessTokens.length;
}

async function autoApprove(service: 'wechat' | 'qq', user: string): Promise<void> {
  const res = await call(world.services[service], 'POST', '/__mock/auto-approve', {
    json: { user },
  });
  expect(res.status).toBe(200);
}

function qs(params: Record<string, string>): string {
  return new URLSearchParams(params).toString();
}

describe('WeChat', () => {
  const qrconnect = (redirect: string): string =>
    `/connect/qrconnect?${qs({ appid: WEB, redirect_uri: redirect, response_type: 'code', scope: 'snsapi_login', state: 's' })}`;
  const oauth2 = {
    appid: OA,
    response_type: 'code',
    scope: 'snsapi_userinfo',
    state: 's',
  };

  it.each(WECHAT_FOREIGN)('refuses %j on qrconnect, interactive and auto-approved', async (uri) => {
    expectNoRedirect(await call(world.services.wechat, 'GET', qrconnect(uri)));
    await autoApprove('wechat', 'zhang-wei');
    const res = await call(world.services.wechat, 'GET', qrconnect(uri));
    expectNoRedirect(res);
    expect(res.text).toContain('redirect_uri 参数错误');
    expect(codes()).toBe(0);
  });

  it.each(WECHAT_FOREIGN)('refuses %j on OA authorize and its consent POST', async (uri) => {
    const query = qs({ ...oauth2, redirect_uri: uri });
    expectNoRedirect(
      await call(world.services.wechat, 'GET', `/connect/oauth2/authorize?${query}`),
    );
    expectNoRedirect(
      await call(world.services.wechat, 'POST', '/connect/oauth2/authorize', {
        form: { ...oauth2, redirect_uri: uri, user: 'zhang-wei' },
      }),
    );
    await autoApprove('wechat', 'zhang-wei');
    expectNoRedirect(
      await call(world.services.wechat, 'GET', `/connect/oauth2/authorize?${query}`),
    );
    expect(codes()).toBe(0);
  });

  it.each(WECHAT_FOREIGN)('refuses %j on the headless authorize', async (uri) => {
    const res = await call(world.services.wechat, 'POST', '/__mock/authorize', {
      json: { appid: WEB, redirect_uri: uri, scope: 'snsapi_login', user: 'zhang-wei' },
    });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ error: 'redirectUriInvalid' });
    expect(codes()).toBe(0);
  });

  it('redirects to the registered callback domain', async () => {
    await autoApprove('wechat', 'zhang-wei');
    const res = await call(world.services.wechat, 'GET', qrconnect('http://localhost:8080/cb?x=1'));
    expect(res.status).toBe(302);
    expect(res.headers['location']).toMatch(/^http:\/\/localhost:8080\/cb\?x=1&code=\w+&state=s$/);
    const oa = await call(
      world.services.wechat,
      'GET',
      `/connect/oauth2/authorize?${qs({ ...oauth2, redirect_uri: 'http://localhost/oa' })}`,
    );
    expect(oa.headers['location']).toMatch(/^http:\/\/localhost\/oa\?code=\w+&state=s$/);
  });
});

describe('QQ', () => {
  const params = (uri: string) => ({
    response_type: 'code',
    client_id: QQ.client_id,
    redirect_uri: uri,
    state: 's',
    which: 'Login',
  });

  it.each(QQ_FOREIGN)(
    'refuses %j on authorize and show, interactive and auto-approved',
    async (uri) => {
      for (const path of ['/oauth2.0/authorize', '/oauth2.0/show']) {
        expectNoRedirect(await call(world.services.qq, 'GET', `${path}?${qs(params(uri))}`));
        const consent = await call(world.services.qq, 'POST', path, {
          form: { ...params(uri), user: 'chen-jie' },
        });
        expectNoRedirect(consent);
        expect(consent.text).toContain('redirect uri is illegal');
      }
      await autoApprove('qq', 'chen-jie');
      for (const responseType of ['code', 'token']) {
        const query = qs({ ...params(uri), response_type: responseType });
        expectNoRedirect(await call(world.services.qq, 'GET', `/oauth2.0/authorize?${query}`));
      }
      expect(codes()).toBe(0);
    },
  );

  it.each(QQ_FOREIGN)('refuses %j on the headless authorize', async (uri) => {
    const res = await call(world.services.qq, 'POST', '/__mock/authorize', {
      json: { client_id: QQ.client_id, redirect_uri: uri, user: 'chen-jie' },
    });
    expect(res.status).toBe(400);
    expect(codes()).toBe(0);
  });

  it('redirects to the registered callback exactly', async () => {
    await autoApprove('qq', 'chen-jie');
    const res = await call(
      world.services.qq,
      'GET',
      `/oauth2.0/authorize?${qs(params(QQ.redirect_uri))}`,
    );
    expect(res.status).toBe(302);
    expect(res.headers['location']).toMatch(
      /^http:\/\/localhost:3000\/auth\/qq\/callback\?code=[0-9A-F]{32}&state=s$/,
    );
  });
});
