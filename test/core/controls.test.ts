import { describe, expect, it } from 'vitest';
import { attachControls, controlsOf } from '../../src/core/controls.js';
import { json } from '../../src/core/http.js';
import { route, type Service } from '../../src/core/router.js';
import { codeFor, exchangePath, send, tokensFor, wechatWorld } from './controls-support.js';

describe('/__mock/faults', () => {
  it('adds, lists and clears faults with the routes and catalogue keys to choose from', async () => {
    const { wechat } = await wechatWorld();
    const added = await send(wechat, '/__mock/faults', {
      method: 'POST',
      json: { route: 'wechat.exchangeCode', error: 'accessTokenExpired', times: 2 },
    });
    expect(added.status).toBe(201);
    expect(added.json().fault).toEqual({
      id: 'f1',
      route: 'wechat.exchangeCode',
      effect: { kind: 'error', error: 'accessTokenExpired' },
      times: 2,
      remaining: 2,
      scope: {},
      hits: 0,
    });
    const listed = (await send(wechat, '/__mock/faults')).json();
    expect(listed.faults).toHaveLength(1);
    expect(listed.routes).toContain('wechat.getUserInfo');
    expect(listed.routes).not.toContain('mock.authorize');
    expect(listed.errors).toEqual(expect.arrayContaining(['systemError', 'minuteQuota']));
    expect((await send(wechat, '/__mock/faults/f9', { method: 'DELETE' })).status).toBe(404);
    expect((await send(wechat, '/__mock/faults/f1', { method: 'DELETE' })).json()).toEqual({
      cleared: 1,
    });
    expect((await send(wechat, '/__mock/faults', { method: 'DELETE' })).json()).toEqual({
      cleared: 0,
    });
  });

  it('answers 400 with every problem of a bad fault', async () => {
    const { wechat } = await wechatWorld();
    const answer = await send(wechat, '/__mock/faults', {
      method: 'POST',
      json: { route: 'wechat.x', error: 'nope', times: 0 },
    });
    expect(answer.status).toBe(400);
    expect(answer.json().error).toBe('invalid_fault');
    expect(answer.json().problems).toEqual([expect.stringMatching(/^times:/)]);
  });

  it('answers 405 for a known control path with another method', async () => {
    const { wechat } = await wechatWorld();
    const answer = await send(wechat, '/__mock/faults', { method: 'PATCH' });
    expect(answer.status).toBe(405);
  });
});

describe('/__mock/state', () => {
  it('exports every code, token and QR session and imports them back', async () => {
    const { wechat } = await wechatWorld();
    const tokens = await tokensFor(wechat);
    const spare = await codeFor(wechat, 'li-na');
    await send(wechat, '/__mock/auto-approve', { method: 'POST', json: { user: 'wang-fang' } });
    const exported = (await send(wechat, '/__mock/state')).json();
    expect(exported).toMatchObject({ format: 'idmock-state', version: 1, clock: { offsetMs: 0 } });
    expect(exported.services.wechat.codes).toHaveLength(2);
    expect(exported.services.wechat.autoApprove).toBe('wang-fang');

    const other = (await wechatWorld()).wechat;
    const imported = await send(other, '/__mock/state', { method: 'PUT', json: exported });
    expect(imported.json()).toEqual({ imported: 'wechat' });
    expect((await send(other, '/__mock/state')).json()).toEqual(exported);
    const info = await send(
      other,
      `/sns/userinfo?access_token=${tokens.access_token}&openid=${tokens.openid}`,
    );
    expect(info.json()).toHaveProperty('nickname', '张伟');
    expect((await send(other, exchangePath(spare))).json()).toHaveProperty('access_token');
  });

  it('rejects a bad import with every problem and keeps what is stored', async () => {
    const { wechat } = await wechatWorld();
    const tokens = await tokensFor(wechat);
    const before = (await send(wechat, '/__mock/state')).json();
    const bad = structuredClone(before);
    bad.services.wechat.codes[0].appid = 'wx0000000000000000';
    bad.services.wechat.accessTokens[0].expiresAt = 'soon';
    bad.services.wechat.autoApprove = 'nobody';
    const answer = await send(wechat, '/__mock/state', { method: 'PUT', json: bad });
    expect(answer.status).toBe(400);
    expect(answer.json().problems).toEqual([
      'services.wechat.accessTokens.0.expiresAt: Invalid input: expected number, received string',
    ]);
    delete bad.services.wechat.accessTokens[0].expiresAt;
    bad.services.wechat.accessTokens[0].expiresAt = 1;
    const second = await send(wechat, '/__mock/state', { method: 'PUT', json: bad });
    expect(second.json().problems).toEqual([
      'services.wechat.codes.0.appid: unknown app "wx0000000000000000"',
      'services.wechat.autoApprove: unknown WeChat persona "nobody"',
    ]);
    expect((await send(wechat, '/__mock/state')).json()).toEqual(before);
    const info = await send(
      wechat,
      `/sns/userinfo?access_token=${tokens.access_token}&openid=${tokens.openid}`,
    );
    expect(info.json()).toHaveProperty('openid', tokens.openid);
  });

  it('rejects a document that is not a state document, or has no part for the service', async () => {
    const { wechat } = await wechatWorld();
    const wrong = await send(wechat, '/__mock/state', { method: 'PUT', json: { hello: 1 } });
    expect(wrong.status).toBe(400);
    expect(wrong.json().problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/^format:/), expect.stringMatching(/"hello"/)]),
    );
    const missing = await send(wechat, '/__mock/state', {
      method: 'PUT',
      json: { format: 'idmock-state', version: 1, services: { qq: {} } },
    });
    expect(missing.json().problems).toEqual(['services.wechat: required']);
  });

  it('puts the shared clock at the exported offset', async () => {
    const { instance, wechat } = await wechatWorld();
    instance.clock.advance(3_600_000);
    const exported = (await send(wechat, '/__mock/state')).json();
    instance.clock.reset();
    await send(wechat, '/__mock/state', { method: 'PUT', json: exported });
    expect(instance.clock.offset()).toBe(3_600_000);
  });
});

describe('POST /__mock/reset', () => {
  it('empties state, faults and journal, and leaves the shared clock alone', async () => {
    const { instance, wechat } = await wechatWorld({ autoApprove: 'li-na' });
    const tokens = await tokensFor(wechat);
    await send(wechat, '/__mock/auto-approve', { method: 'POST', json: { user: null } });
    controlsOf(wechat).faults.add({ route: 'wechat.*', status: 500, times: 'always' }, wechat);
    instance.clock.advance(60_000);
    const answer = await send(wechat, '/__mock/reset', { method: 'POST' });
    expect(answer.json()).toEqual({ reset: 'wechat', state: true });
    expect(instance.clock.offset()).toBe(60_000);
    expect(controlsOf(wechat).faults.list()).toEqual([]);
    expect(
      controlsOf(wechat)
        .journal.query()
        .map((e) => e.route),
    ).toEqual(['mock.reset']);
    const state = (await send(wechat, '/__mock/state')).json().services.wechat;
    expect(state).toEqual({
      codes: [],
      accessTokens: [],
      refreshTokens: [],
      qrSessions: [],
      autoApprove: 'li-na',
    });
    const info = await send(
      wechat,
      `/sns/userinfo?access_token=${tokens.access_token}&openid=${tokens.openid}`,
    );
    expect(info.json()).toMatchObject({ errcode: 40001 });
  });
});

describe('dispatch controls', () => {
  function tinyService(extra: Partial<Service> = {}): Service {
    return {
      name: 'tiny',
      context: {},
      hosts: {},
      routes: [
        route('*', 'GET', '/hello', 'tiny.hello', () => json({ hello: 'world' })),
        route('*', 'POST', '/__mock/reset', 'tiny.ownReset', () => json({ own: true })),
        route('*', 'GET', '/__mock/healthz', 'mock.healthz', () => json({ status: 'ok' })),
      ],
      renderError: () => json({ error: 'provider' }, { status: 400 }),
      renderRouterError: (kind) =>
        json({ error: kind }, { status: kind === 'not-found' ? 404 : 405 }),
      ...extra,
    };
  }

  it('lets a service override a control endpoint with its own route', async () => {
    const service = tinyService();
    expect((await send(service, '/__mock/reset', { method: 'POST' })).json()).toEqual({
      own: true,
    });
  });

  it('answers 501 for state on a service without snapshot hooks', async () => {
    const service = tinyService();
    const answer = await send(service, '/__mock/state');
    expect(answer.status).toBe(501);
    expect(answer.json().error).toBe('not_supported');
  });

  it('refuses an error fault on a service without a catalogue', async () => {
    const service = tinyService();
    const answer = await send(service, '/__mock/faults', {
      method: 'POST',
      json: { route: 'tiny.hello', error: 'x' },
    });
    expect(answer.json().problems).toEqual([
      'error: the tiny service has no error catalogue; use status',
    ]);
  });

  it('waits for the commit before answering', async () => {
    const service = tinyService();
    let release!: () => void;
    const committed = new Promise<void>((resolve) => (release = resolve));
    attachControls(service, { commit: () => committed });
    let answered = false;
    const pending = send(service, '/hello').then((answer) => {
      answered = true;
      return answer;
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(answered).toBe(false);
    release();
    expect((await pending).json()).toEqual({ hello: 'world' });
  });

  it('answers a failed commit with the service internal error, never the unsaved answer', async () => {
    const errors: unknown[] = [];
    const service = tinyService({ logError: (error) => errors.push(error) });
    attachControls(service, { commit: () => Promise.reject(new Error('disk full')) });
    const answer = await send(service, '/hello');
    expect(answer.json()).toEqual({ error: 'internal' });
    expect(errors).toHaveLength(1);
  });

  it('opens mock-only endpoints to loopback and in-process clients only, unless given the token', async () => {
    const service = tinyService();
    const remote = { remoteAddress: '10.1.2.3' };
    expect((await send(service, '/__mock/faults', { remoteAddress: '127.0.0.1' })).status).toBe(
      200,
    );
    expect((await send(service, '/__mock/faults', { remoteAddress: '::1' })).status).toBe(200);
    expect((await send(service, '/__mock/faults')).status).toBe(200);
    const refused = await send(service, '/__mock/faults', remote);
    expect(refused.status).toBe(403);
    expect(refused.json().message).toMatch(/configure an admin token/);
    expect((await send(service, '/__mock/reset', { ...remote, method: 'POST' })).status).toBe(403);
    expect((await send(service, '/__mock/healthz', remote)).status).toBe(200);
    expect((await send(service, '/hello', remote)).status).toBe(200);

    attachControls(service, { adminToken: 'a-long-admin-token-123' });
    expect((await send(service, '/__mock/faults', remote)).status).toBe(403);
    const bearer = { ...remote, headers: { authorization: 'Bearer a-long-admin-token-123' } };
    expect((await send(service, '/__mock/faults', bearer)).status).toBe(200);
    const header = { ...remote, headers: { 'x-idmock-admin-token': 'a-long-admin-token-123' } };
    expect((await send(service, '/__mock/faults', header)).status).toBe(200);
    const wrong = { ...remote, headers: { authorization: 'Bearer wrong' } };
    expect((await send(service, '/__mock/faults', wrong)).status).toBe(403);
  });
});
