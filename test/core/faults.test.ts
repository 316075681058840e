import { describe, expect, it } from 'vitest';
import { controlsOf } from '../../src/core/controls.js';
import { checkFault, routeMatches } from '../../src/core/faults.js';
import {
  codeFor,
  exchangePath,
  send,
  SHOP_APP,
  tokensFor,
  wechatWorld,
  WEBSITE_APP,
} from './controls-support.js';

describe('checkFault', () => {
  it('lists every problem of a fault at once', async () => {
    const { wechat } = await wechatWorld();
    const checked = checkFault({ route: 'wechat.nope', error: 'noSuchKey' }, wechat);
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.problems).toHaveLength(2);
    expect(checked.problems[0]).toMatch(/route: "wechat.nope" matches no wechat endpoint/);
    expect(checked.problems[1]).toMatch(/error: "noSuchKey" is not a wechat catalogue key/);
  });

  it('needs exactly one effect', async () => {
    const { wechat } = await wechatWorld();
    const none = checkFault({ route: 'wechat.exchangeCode' }, wechat);
    const two = checkFault({ route: 'wechat.exchangeCode', status: 500, drop: true }, wechat);
    expect(none.ok || two.ok).toBe(false);
    expect(JSON.stringify(none)).toMatch(
      /exactly one of error, status, delay or drop \(got none\)/,
    );
    expect(JSON.stringify(two)).toMatch(/got status, drop/);
  });

  it('rejects mock-only routes, which are never faulted', async () => {
    const { wechat } = await wechatWorld();
    expect(checkFault({ route: 'mock.authorize', status: 500 }, wechat).ok).toBe(false);
  });

  it.each([
    ['wechat.exchangeCode', 'wechat.exchangeCode', true],
    ['wechat.*', 'wechat.getUserInfo', true],
    ['*', 'wechat.qrPoll', true],
    ['wechat.exchange', 'wechat.exchangeCode', false],
    ['qq.*', 'wechat.getUserInfo', false],
  ])('matches pattern %s against %s: %s', (pattern, name, expected) => {
    expect(routeMatches(pattern, name)).toBe(expected);
  });
});

describe('fault kinds through dispatch', () => {
  it('answers a catalogue error in the provider wire format, then lets the call through', async () => {
    const { wechat } = await wechatWorld();
    controlsOf(wechat).faults.add({ route: 'wechat.exchangeCode', error: 'minuteQuota' }, wechat);
    const code = await codeFor(wechat);
    const first = await send(wechat, exchangePath(code));
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('text/plain');
    expect(first.json()).toMatchObject({ errcode: 45011 });
    expect(first.json().errmsg).toMatch(/^api minute-quota reach limit, must slower/);
    // The fault answered instead of the endpoint, so the code is still unused.
    const second = await send(wechat, exchangePath(code));
    expect(second.json()).toHaveProperty('access_token');
    expect(controlsOf(wechat).faults.list()).toEqual([]);
  });

  it('answers a bare HTTP status with a default or given body', async () => {
    const { wechat } = await wechatWorld();
    const faults = controlsOf(wechat).faults;
    faults.add({ route: 'wechat.getUserInfo', status: 503 }, wechat);
    faults.add(
      { route: 'wechat.getUserInfo', status: 502, body: '<h1>bad</h1>', contentType: 'text/html' },
      wechat,
    );
    const first = await send(wechat, '/sns/userinfo?access_token=x&openid=y');
    expect([first.status, first.headers['content-type'], first.text]).toEqual([
      503,
      'text/plain; charset=utf-8',
      '503 Service Unavailable',
    ]);
    const second = await send(wechat, '/sns/userinfo?access_token=x&openid=y');
    expect([second.status, second.text]).toEqual([502, '<h1>bad</h1>']);
  });

  it('delays the real answer', async () => {
    const { wechat } = await wechatWorld();
    controlsOf(wechat).faults.add({ route: 'wechat.checkAccessToken', delay: '150ms' }, wechat);
    const started = Date.now();
    const answer = await send(wechat, '/sns/auth?access_token=x&openid=y');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(answer.json()).toMatchObject({ errcode: 40014 });
  });

  it('plays every matching delay before the first matching error', async () => {
    const { wechat } = await wechatWorld();
    const faults = controlsOf(wechat).faults;
    faults.add({ route: 'wechat.*', error: 'systemError' }, wechat);
    faults.add({ route: 'wechat.getUserInfo', delay: 100 }, wechat);
    faults.add({ route: 'wechat.getUserInfo', status: 500 }, wechat);
    const started = Date.now();
    const answer = await send(wechat, '/sns/userinfo');
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(answer.json()).toMatchObject({ errcode: -1 });
    // The status fault was not reached, so it is still there.
    expect(faults.list().map((f) => f.effect.kind)).toEqual(['status']);
  });

  it('drops the connection with a typed marker', async () => {
    const { wechat } = await wechatWorld();
    controlsOf(wechat).faults.add({ route: 'wechat.exchangeCode', drop: true }, wechat);
    const answer = await send(wechat, exchangePath('whatever'));
    expect(answer.dropped).toBe(true);
    expect(answer.status).toBe(0);
  });

  it('answers the next N calls, then stops; "always" stays until cleared', async () => {
    const { wechat } = await wechatWorld();
    const faults = controlsOf(wechat).faults;
    faults.add({ route: 'wechat.checkAccessToken', status: 500, times: 2 }, wechat);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await send(wechat, '/sns/auth')).status);
    expect(statuses).toEqual([500, 500, 200]);
    const always = faults.add(
      { route: 'wechat.checkAccessToken', status: 429, times: 'always' },
      wechat,
    );
    for (let i = 0; i < 3; i++) expect((await send(wechat, '/sns/auth')).status).toBe(429);
    expect(faults.list()).toEqual([{ ...always, hits: 3 }]);
    expect(faults.remove(always.id)).toBe(true);
    expect((await send(wechat, '/sns/auth')).status).toBe(200);
  });

  it('scopes a fault to an appid', async () => {
    const { wechat } = await wechatWorld();
    controlsOf(wechat).faults.add(
      { route: 'wechat.exchangeCode', error: 'systemError', scope: { appid: SHOP_APP.appid } },
      wechat,
    );
    const website = await send(wechat, exchangePath(await codeFor(wechat)));
    expect(website.json()).toHaveProperty('access_token');
    const shop = await send(
      wechat,
      exchangePath(await codeFor(wechat, 'zhang-wei', SHOP_APP), SHOP_APP),
    );
    expect(shop.json()).toMatchObject({ errcode: -1 });
  });

  it('scopes an appid fault to the app behind the token on endpoints that take no appid', async () => {
    const { wechat } = await wechatWorld();
    controlsOf(wechat).faults.add(
      {
        route: 'wechat.getUserInfo',
        error: 'apiUnauthorized',
        times: 'always',
        scope: { appid: SHOP_APP.appid },
      },
      wechat,
    );
    const info = (t: { access_token: string; openid: string }) =>
      send(wechat, `/sns/userinfo?access_token=${t.access_token}&openid=${t.openid}`);
    expect((await info(await tokensFor(wechat))).json()).toHaveProperty('nickname');
    expect((await info(await tokensFor(wechat, 'zhang-wei', SHOP_APP))).json()).toMatchObject({
      errcode: 48001,
    });
  });

  it('scopes a fault to the persona behind a code or token', async () => {
    const { wechat } = await wechatWorld();
    const faults = controlsOf(wechat).faults;
    faults.add(
      { route: 'wechat.exchangeCode', error: 'codeExpired', scope: { persona: 'li-na' } },
      wechat,
    );
    faults.add(
      { route: 'wechat.getUserInfo', error: 'accessTokenExpired', scope: { persona: 'li-na' } },
      wechat,
    );
    expect(
      (await send(wechat, exchangePath(await codeFor(wechat, 'zhang-wei')))).json(),
    ).toHaveProperty('access_token');
    expect((await send(wechat, exchangePath(await codeFor(wechat, 'li-na')))).json()).toMatchObject(
      {
        errcode: 42003,
      },
    );
    const zhang = await tokensFor(wechat, 'zhang-wei');
    const li = await tokensFor(wechat, 'li-na');
    const info = (t: { access_token: string; openid: string }) =>
      send(wechat, `/sns/userinfo?access_token=${t.access_token}&openid=${t.openid}`);
    expect((await info(zhang)).json()).toHaveProperty('nickname', '张伟');
    expect((await info(li)).json()).toMatchObject({ errcode: 42001 });
  });

  it('never faults mock-only endpoints, even with a "*" fault', async () => {
    const { wechat } = await wechatWorld();
    controlsOf(wechat).faults.add({ route: '*', status: 500, times: 'always' }, wechat);
    expect((await send(wechat, '/__mock/healthz')).status).toBe(200);
    expect((await send(wechat, '/__mock/faults')).status).toBe(200);
    expect(await codeFor(wechat)).toMatch(/^0/);
    expect((await send(wechat, exchangePath('x', WEBSITE_APP))).status).toBe(500);
  });
});
