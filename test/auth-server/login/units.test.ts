/**
 * The login API's pure parts, without a socket: the body parser, unionCodes, SMS codes, and the
 * WeChat client's mapping of exchange answers (through an injected fetch).
 */
import { describe, expect, it } from 'vitest';
import { createClock } from '../../../src/core/clock.js';
import { createIds } from '../../../src/core/ids.js';
import { parseLoginBody } from '../../../src/auth-server/login/requests.js';
import { checkSmsCode, sendSmsCode } from '../../../src/auth-server/login/sms.js';
import { addAccount, bindUnionId, createLoginState } from '../../../src/auth-server/login/state.js';
import {
  findUnionCode,
  hashUnionCode,
  issueUnionCode,
} from '../../../src/auth-server/login/union-codes.js';
import { createWechatLoginClient } from '../../../src/auth-server/login/wechat-login-client.js';

describe('parseLoginBody', () => {
  it.each([
    [
      { appId: 'wx1', secret: 's', code: 'c' },
      { form: 'wechat', appId: 'wx1', secret: 's', code: 'c' },
    ],
    [
      { tn: '13800138000', code: '1' },
      { form: 'sms', tn: '13800138000', code: '1', union: null },
    ],
    [
      { tn: '+8613800138000', code: '1', unionId: 'u', unionCode: 'k' },
      { form: 'sms', tn: '+8613800138000', code: '1', union: { unionId: 'u', unionCode: 'k' } },
    ],
    [
      { username: 'bob', password: 'p', unionId: 'u', unionCode: 'k' },
      { form: 'password', username: 'bob', password: 'p', union: { unionId: 'u', unionCode: 'k' } },
    ],
  ])('reads %j', (body, form) => {
    expect(parseLoginBody(body)).toEqual({ ok: true, value: form });
  });

  it.each([
    [
      {},
      [
        ['REQUIRED', 'appId'],
        ['REQUIRED', 'secret'],
        ['REQUIRED', 'code'],
      ],
    ],
    [
      { appId: '', secret: null, code: 'c' },
      [
        ['REQUIRED', 'appId'],
        ['REQUIRED', 'secret'],
      ],
    ],
    [
      { unionCode: 'k' },
      [
        ['REQUIRED', 'tn'],
        ['REQUIRED', 'code'],
        ['REQUIRED', 'unionId'],
      ],
    ],
    [
      { tn: '138', code: 1 },
      [
        ['INVALID', 'tn'],
        ['INVALID', 'code'],
      ],
    ],
    [
      { password: 'p', tn: '13800138000' },
      [
        ['INVALID', 'tn'],
        ['REQUIRED', 'username'],
      ],
    ],
    [{ tn: '13800138000', code: '1', secret: 's' }, [['INVALID', 'secret']]],
  ])('reports every problem of %j', (body, problems) => {
    const parsed = parseLoginBody(body);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.errors.map((error) => [error.title, error.source])).toEqual(problems);
    }
  });
});

function world() {
  let now = Date.UTC(2030, 0, 1);
  const clock = createClock({ realNow: () => now });
  const ids = createIds({ seed: 'units' });
  const state = createLoginState();
  return {
    clock,
    ids,
    state,
    tick: (ms: number) => {
      now += ms;
    },
  };
}

describe('unionCodes', () => {
  const binding = { unionId: 'oUNION', appId: 'wxA', apiKey: 'web' };

  it('issues 192-bit base64url codes and stores only their digest', () => {
    const { state, ids, clock } = world();
    const code = issueUnionCode(state, ids, binding, clock.now(), 600);
    expect(code).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const [record] = state.unionCodes.get('oUNION') ?? [];
    expect(record?.hash).toBe(hashUnionCode(code));
    expect(JSON.stringify([...state.unionCodes])).not.toContain(code);
  });

  it('finds a live code only for its own unionId, app and key, and not after its lifetime', () => {
    const { state, ids, clock, tick } = world();
    const code = issueUnionCode(state, ids, binding, clock.now(), 600);
    expect(findUnionCode(state, code, binding, clock.now())).toBeDefined();
    expect(
      findUnionCode(state, code, { ...binding, unionId: 'oOTHER' }, clock.now()),
    ).toBeUndefined();
    expect(findUnionCode(state, code, { ...binding, appId: 'wxB' }, clock.now())).toBeUndefined();
    expect(
      findUnionCode(state, code, { ...binding, apiKey: 'partner' }, clock.now()),
    ).toBeUndefined();
    expect(findUnionCode(state, `${code}x`, binding, clock.now())).toBeUndefined();
    tick(599_999);
    expect(findUnionCode(state, code, binding, clock.now())).toBeDefined();
    tick(1);
    expect(findUnionCode(state, code, binding, clock.now())).toBeUndefined();
  });

  it('revokes every outstanding code of a unionId when it is bound, and binds once', () => {
    const { state, ids, clock } = world();
    const codes = [1, 2, 3].map(() => issueUnionCode(state, ids, binding, clock.now(), 600));
    const first = addAccount(state, clock, ids, { tn: '13500000001' });
    const second = addAccount(state, clock, ids, { tn: '13500000002' });
    expect(bindUnionId(state, first, 'oUNION')).toBe(true);
    expect(bindUnionId(state, second, 'oUNION')).toBe(false);
    expect(second.unionId).toBeNull();
    for (const code of codes)
      expect(findUnionCode(state, code, binding, clock.now())).toBeUndefined();
  });

  it('keeps at most 16 outstanding codes per unionId, dropping the oldest', () => {
    const { state, ids, clock } = world();
    const codes = Array.from({ length: 17 }, () =>
      issueUnionCode(state, ids, binding, clock.now(), 600),
    );
    expect(findUnionCode(state, codes[0]!, binding, clock.now())).toBeUndefined();
    expect(findUnionCode(state, codes[16]!, binding, clock.now())).toBeDefined();
  });
});

describe('SMS codes', () => {
  it('sends six digits that work until checked wrong five times', () => {
    const { state, ids, clock } = world();
    const message = sendSmsCode(state, ids, '13500000001', clock.now(), 300);
    expect(message.code).toMatch(/^\d{6}$/);
    const wrong = message.code === '000000' ? '000001' : '000000';
    for (let i = 0; i < 4; i++)
      expect(checkSmsCode(state, '13500000001', wrong, clock.now(), 5)).toBe(false);
    expect(checkSmsCode(state, '13500000001', message.code, clock.now(), 5)).toBe(true);
    expect(checkSmsCode(state, '13500000001', wrong, clock.now(), 5)).toBe(false);
    expect(checkSmsCode(state, '13500000001', message.code, clock.now(), 5)).toBe(false);
    expect(state.outbox[0]?.status).toBe('locked');
  });
});

function fakeFetch(body: unknown, status = 200) {
  const urls: string[] = [];
  const fetch = (url: string) => {
    urls.push(url);
    return Promise.resolve(
      new Response(typeof body === 'string' ? body : JSON.stringify(body), { status }),
    );
  };
  return { urls, fetch };
}

describe('createWechatLoginClient().exchangeCode', () => {
  const app = { appid: 'wx1a2b3c4d5e6f7081', secret: 'secret' };

  it('asks /sns/oauth2/access_token with the app and the code', async () => {
    const fake = fakeFetch({ access_token: 'a', openid: 'oOPEN', unionid: 'oUNION' });
    const client = createWechatLoginClient({
      baseUrl: 'http://wechat.test/prefix/',
      timeoutMs: 1000,
      fetch: fake.fetch,
    });
    expect(await client.exchangeCode(app, 'CODE')).toEqual({
      kind: 'ok',
      unionId: 'oUNION',
      openid: 'oOPEN',
    });
    const url = new URL(fake.urls[0]!);
    expect(url.pathname).toBe('/prefix/sns/oauth2/access_token');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      appid: app.appid,
      secret: 'secret',
      code: 'CODE',
      grant_type: 'authorization_code',
    });
  });

  it.each([
    [{ errcode: 40029, errmsg: 'invalid code' }, 'invalid-code'],
    [{ errcode: 40163, errmsg: 'code been used' }, 'invalid-code'],
    [{ errcode: 42003, errmsg: 'code expired' }, 'invalid-code'],
    [{ errcode: 40013, errmsg: 'invalid appid' }, 'invalid-app'],
    [{ errcode: 40125, errmsg: 'invalid appsecret' }, 'invalid-app'],
    [{ errcode: -1, errmsg: 'system error' }, 'unavailable'],
    [{ errcode: 45009, errmsg: 'quota' }, 'unavailable'],
    [{ errcode: 40066, errmsg: 'unexpected' }, 'unavailable'],
    [{ access_token: 'a', openid: 'oOPEN' }, 'unavailable'],
    [{ access_token: 'a', unionid: 'oUNION' }, 'unavailable'],
    ['<html>', 'unavailable'],
    [[1, 2], 'unavailable'],
  ])('maps %j to %s', async (body, kind) => {
    const client = createWechatLoginClient({
      baseUrl: 'http://wechat.test',
      timeoutMs: 1000,
      fetch: fakeFetch(body).fetch,
    });
    expect((await client.exchangeCode(app, 'CODE')).kind).toBe(kind);
  });
});
