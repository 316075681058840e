/**
 * Code that hard-codes the real hosts logs in under `idmock/nock` with no server listening and
 * the network disabled: one client on `node:https`, one on `fetch`.
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { interceptWithNock, type NockInterception } from '../../../src/nock.js';
import { loginWithCode } from './clients/wechat-https-client.js';
import { websiteLogin } from './clients/wechat-fetch-client.js';
import { qqWebsiteLogin } from './clients/qq-fetch-client.js';
import { qqLoginWithCode } from './clients/qq-https-client.js';

const APP = {
  appid: 'wx1a2b3c4d5e6f7081',
  secret: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  redirect: 'https://www.example.test/auth/wechat/callback',
};
const LOCAL_APP = { ...APP, redirect: 'http://localhost/auth/wechat/callback' };
const QQ_APP = {
  clientId: '101364207',
  appkey: '556c5099bf889b17f0706c1c99ba7356',
  redirect: 'http://localhost:3000/auth/qq/callback',
};

describe('third-party WeChat clients under idmock/nock', () => {
  let wechat: NockInterception;

  beforeAll(() => {
    nock.disableNetConnect();
  });

  beforeEach(async () => {
    wechat = await interceptWithNock({ services: ['wechat'] });
  });

  afterEach(() => {
    expect(nock.pendingMocks()).toEqual([]);
    wechat.restore();
    nock.cleanAll();
  });

  afterAll(() => {
    nock.enableNetConnect();
  });

  it('logs in with a node:https client after headless consent', async () => {
    const users = await wechat.admin.wechat.users();
    const zhang = users.find((user) => user.id === 'zhang-wei');
    const consent = await wechat.admin.wechat.authorize({
      appid: APP.appid,
      redirect_uri: LOCAL_APP.redirect,
      scope: 'snsapi_login',
      state: 'xyz',
      user: 'zhang-wei',
    });
    const profile = await loginWithCode(APP.appid, APP.secret, consent.code);
    expect(profile).toEqual({
      openid: zhang?.openids[APP.appid],
      unionid: zhang?.unionids['acme-games'],
      nickname: '张伟',
    });
  });

  it('logs in with a fetch client following the authorize redirect under auto-approve', async () => {
    await wechat.admin.wechat.autoApprove('li-na');
    const login = await websiteLogin(APP.appid, APP.secret, LOCAL_APP.redirect);
    expect(login.nickname).toBe('李娜');
    expect(login.openid).toMatch(/^o[A-Za-z0-9_-]{27}$/);
    const journal = await wechat.admin.journal.query('wechat', { route: 'wechat.*' });
    expect(journal.map((e) => `${e.route ?? ''} ${new URL(e.url).host}`)).toEqual([
      'wechat.qrconnect open.weixin.qq.com',
      'wechat.exchangeCode api.weixin.qq.com',
      'wechat.getUserInfo api.weixin.qq.com',
    ]);
  });

  it('surfaces faults to the client: an error, a status and a dropped connection', async () => {
    const consent = () =>
      wechat.admin.wechat.authorize({
        appid: APP.appid,
        redirect_uri: LOCAL_APP.redirect,
        scope: 'snsapi_login',
        user: 'zhang-wei',
      });
    await wechat.admin.faults.add({ route: 'wechat.exchangeCode', error: 'minuteQuota' });
    await expect(loginWithCode(APP.appid, APP.secret, (await consent()).code)).rejects.toThrow(
      /WeChat error 45011/,
    );
    await wechat.admin.faults.add({ route: 'wechat.getUserInfo', drop: true });
    await expect(loginWithCode(APP.appid, APP.secret, (await consent()).code)).rejects.toThrow(
      /socket hang up|ECONNRESET/,
    );
    await wechat.admin.wechat.autoApprove('zhang-wei');
    await wechat.admin.faults.add({ route: 'wechat.getUserInfo', drop: true });
    await expect(websiteLogin(APP.appid, APP.secret, LOCAL_APP.redirect)).rejects.toThrow();
    await wechat.admin.faults.add({ route: 'wechat.qrconnect', status: 502 });
    await expect(websiteLogin(APP.appid, APP.secret, LOCAL_APP.redirect)).rejects.toThrow(
      /got 502/,
    );
  });

  it('restores only its own interceptors', async () => {
    const other = nock('https://example.test').get('/ping').reply(200, 'pong');
    const second = await interceptWithNock({ services: ['wechat'] });
    second.restore();
    // The first interception and the unrelated mock still answer.
    expect((await fetch('https://api.weixin.qq.com/sns/auth')).status).toBe(200);
    expect(await (await fetch('https://example.test/ping')).text()).toBe('pong');
    expect(other.isDone()).toBe(true);
    wechat.restore();
    await expect(fetch('https://api.weixin.qq.com/sns/auth')).rejects.toThrow();
    expect(nock.activeMocks()).toEqual([]);
  });

  it('builds the world from the same configuration layers as the servers', async () => {
    const seeded = await interceptWithNock({ services: ['wechat'], autoApprove: 'wang-fang' });
    try {
      expect(seeded.origins).toEqual([
        'https://open.weixin.qq.com',
        'https://lp.open.weixin.qq.com',
        'https://long.open.weixin.qq.com',
        'https://api.weixin.qq.com',
      ]);
      expect(await seeded.admin.request('wechat', 'GET', '/__mock/auto-approve')).toEqual({
        user: 'wang-fang',
      });
      await seeded.admin.faults.add({ route: 'wechat.exchangeCode', status: 500 });
      expect((await seeded.admin.faults.list()).map((f) => f.service)).toEqual(['wechat']);
      await expect(interceptWithNock({ services: ['auth'] })).rejects.toThrow(
        /only services with real hosts/,
      );
    } finally {
      seeded.restore();
    }
  });
});

describe('third-party QQ clients under idmock/nock', () => {
  let qq: NockInterception;

  beforeAll(() => {
    nock.disableNetConnect();
  });

  beforeEach(async () => {
    qq = await interceptWithNock({ services: ['qq'] });
  });

  afterEach(() => {
    expect(nock.pendingMocks()).toEqual([]);
    qq.restore();
    nock.cleanAll();
  });

  afterAll(() => {
    nock.enableNetConnect();
  });

  it('logs in with a node:https client reading the default form and JSONP answers', async () => {
    expect(qq.origins).toEqual(['https://graph.qq.com']);
    const consent = await qq.admin.qq.authorize({
      client_id: QQ_APP.clientId,
      redirect_uri: QQ_APP.redirect,
      scope: 'get_user_info',
      state: 'xyz',
      user: 'chen-jie',
    });
    const profile = await qqLoginWithCode(
      QQ_APP.clientId,
      QQ_APP.appkey,
      QQ_APP.redirect,
      consent.code,
    );
    expect(profile.openid).toBe(consent.openid);
    expect(profile.nickname).toBe('陈杰');
    expect(profile.unionid).toMatch(/^UID_/);
  });

  it('logs in with a fetch client asking for JSON, following the authorize redirect', async () => {
    await qq.admin.qq.autoApprove('li-na');
    const login = await qqWebsiteLogin(QQ_APP.clientId, QQ_APP.appkey, QQ_APP.redirect);
    expect(login.nickname).toBe('李娜');
    const routes = (await qq.admin.journal.query('qq', { route: 'qq.*' })).map((e) => e.route);
    expect(routes).toEqual(['qq.authorize', 'qq.token', 'qq.me', 'qq.getUserInfo']);
  });

  it('fails the login of a banned app and lets the other apps through', async () => {
    await qq.admin.scenarios.apply('qq-banned-app');
    await qq.admin.qq.autoApprove('li-na');
    await expect(
      qqWebsiteLogin(
        '101364208',
        '3337f831c38269bb480b544022340f47',
        'http://localhost:3000/auth/qq/game/callback',
      ),
    ).rejects.toThrow(/expected the authorize redirect, got 200/);
    expect((await qqWebsiteLogin(QQ_APP.clientId, QQ_APP.appkey, QQ_APP.redirect)).nickname).toBe(
      '李娜',
    );
  });
});
