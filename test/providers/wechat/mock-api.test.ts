/**
 * The WeChat mock's own endpoints under `/__mock/`: health, the world, headless consent, QR session
 * control, auto-approve and the clock. Their errors are `{"error","message"}` JSON with a telling
 * HTTP status, never the provider's wire format.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { get, postJson, useIdmock, type Fetched } from '../../support/idmock.js';
import {
  exchange,
  MOBILE,
  OA,
  openQrSession,
  poll,
  qrconnectQuery,
  qrControl,
  resetClock,
  SHOP,
  STANDALONE,
  UNKNOWN_APPID,
  url,
  WEBSITE,
  type TokenBody,
} from './support.js';

const idmock = useIdmock({ services: ['wechat'], wechat: { longPollHoldSeconds: 0.3 } });
const base = (): string => idmock.current.urls.wechat ?? '';

function expectMockError(res: Fetched, status: number, error: string, message?: RegExp): void {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/json');
  const body = res.json<{ error: string; message: string }>();
  expect(Object.keys(body)).toEqual(['error', 'message']);
  expect(body.error).toBe(error);
  if (message) expect(body.message).toMatch(message);
}

describe('GET /__mock/healthz', () => {
  it('answers 200 {"status":"ok"}', async () => {
    const res = await get(`${base()}/__mock/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.text).toBe('{"status":"ok"}');
  });
});

describe('GET /__mock/apps', () => {
  it('lists every seeded app with its secret, kind, callback domain and account', async () => {
    const body = (await get(`${base()}/__mock/apps`)).json<{
      accounts: { id: string }[];
      apps: Record<string, unknown>[];
    }>();
    expect(body.accounts.map((account) => account.id)).toEqual(['acme-games']);
    expect(body.apps).toEqual([
      expect.objectContaining({
        ...pick(WEBSITE),
        kind: 'website',
        callbackDomain: 'localhost',
        openPlatformAccount: 'acme-games',
      }),
      expect.objectContaining({
        ...pick(SHOP),
        kind: 'website',
        callbackDomain: 'shop.example.test',
      }),
      expect.objectContaining({ ...pick(MOBILE), kind: 'mobile', callbackDomain: null }),
      expect.objectContaining({ ...pick(OA), kind: 'official-account' }),
      expect.objectContaining({ ...pick(STANDALONE), kind: 'website', openPlatformAccount: null }),
    ]);
  });
});

function pick(app: { appid: string; secret: string }) {
  return { appid: app.appid, secret: app.secret };
}

describe('GET /__mock/users', () => {
  it('lists WeChat personas with an openid per app and a unionid per account', async () => {
    const users = (await get(`${base()}/__mock/users`)).json<{
      users: {
        id: string;
        nickname: string;
        headimgurl: string;
        openids: object;
        unionids: object;
      }[];
    }>().users;
    const ids = users.map((user) => user.id);
    expect(ids).toEqual(expect.arrayContaining(['zhang-wei', 'li-na', 'wang-fang', 'persona-01']));
    expect(ids).not.toContain('chen-jie'); // QQ only
    const wang = users.find((user) => user.id === 'wang-fang');
    expect(wang).toMatchObject({ nickname: '王芳', headimgurl: '' });
    expect(Object.keys(wang?.openids ?? {})).toHaveLength(5);
    expect(Object.keys(wang?.unionids ?? {})).toEqual(['acme-games']);
  });
});

describe('POST /__mock/authorize', () => {
  it('answers a real single-use code and the callback location', async () => {
    const res = await postJson(`${base()}/__mock/authorize`, {
      appid: WEBSITE.appid,
      redirect_uri: 'http://localhost:3000/cb?x=1',
      scope: 'snsapi_login',
      state: 's-1',
      user: 'li-na',
    });
    expect(res.status).toBe(200);
    const body = res.json<{ code: string; location: string; openid: string }>();
    expect(body.code).toMatch(/^0[A-Za-z0-9]{31}$/);
    expect(body.location).toBe(`http://localhost:3000/cb?x=1&code=${body.code}&state=s-1`);
    const tokens = (await exchange(base(), WEBSITE, body.code)).json<TokenBody>();
    expect(tokens.openid).toBe(body.openid);
    expect((await exchange(base(), WEBSITE, body.code)).text).toContain('"errcode":40163');
  });

  it('accepts a persona by one of its openids', async () => {
    const first = (
      await postJson(`${base()}/__mock/authorize`, {
        appid: WEBSITE.appid,
        redirect_uri: WEBSITE.redirectUri,
        scope: 'snsapi_login',
        user: 'li-na',
      })
    ).json<{ openid: string }>();
    const again = await postJson(`${base()}/__mock/authorize`, {
      appid: WEBSITE.appid,
      redirect_uri: WEBSITE.redirectUri,
      scope: 'snsapi_login',
      user: first.openid,
    });
    expect(again.json<{ openid: string }>().openid).toBe(first.openid);
  });

  it.each([
    ['appidInvalid', 'AppID 参数错误', { appid: UNKNOWN_APPID }],
    ['scopeInvalid', 'Scope 参数错误或没有 Scope 权限', { scope: 'snsapi_base' }],
    ['redirectUriInvalid', 'redirect_uri 参数错误', { redirect_uri: 'https://evil.test/' }],
    [
      'oaScopeNotAllowed',
      '此公众号并没有这些scope的权限 (10005)',
      { appid: OA.appid, redirect_uri: OA.redirectUri },
    ],
    [
      'oaRedirectDomain',
      'redirect_uri域名与后台配置不一致 (10003)',
      { appid: OA.appid, scope: 'snsapi_base', redirect_uri: 'https://evil.test/' },
    ],
    [
      'scopeInvalid',
      'Scope 参数错误或没有 Scope 权限',
      { appid: MOBILE.appid, scope: 'snsapi_login' },
    ],
  ] as const)(
    'refuses with 400 %s like the real authorize step',
    async (error, message, change) => {
      const res = await postJson(`${base()}/__mock/authorize`, {
        appid: WEBSITE.appid,
        redirect_uri: WEBSITE.redirectUri,
        scope: 'snsapi_login',
        user: 'zhang-wei',
        ...change,
      });
      expectMockError(res, 400, error);
      expect(res.json<{ message: string }>().message).toBe(message);
    },
  );

  it('refuses a body without appid or user, naming both', async () => {
    const res = await postJson(`${base()}/__mock/authorize`, { scope: 'snsapi_login' });
    expectMockError(res, 400, 'invalid_body', /appid[\s\S]*user|user[\s\S]*appid/);
  });

  it('answers 404 for an unknown persona', async () => {
    const res = await postJson(`${base()}/__mock/authorize`, {
      appid: WEBSITE.appid,
      redirect_uri: WEBSITE.redirectUri,
      scope: 'snsapi_login',
      user: 'nobody',
    });
    expectMockError(res, 404, 'unknown_user', /nobody/);
  });
});

describe('/__mock/qr', () => {
  it('lists sessions and shows one', async () => {
    const uuid = await openQrSession(base(), WEBSITE, { state: 'listed' });
    const list = (await get(`${base()}/__mock/qr`)).json<{ sessions: { uuid: string }[] }>();
    expect(list.sessions.map((session) => session.uuid)).toContain(uuid);
    expect((await get(`${base()}/__mock/qr/${uuid}`)).json()).toEqual({
      uuid,
      appid: WEBSITE.appid,
      status: 'waiting',
      personaId: null,
      redirectUri: WEBSITE.redirectUri,
      state: 'listed',
      expiresInSeconds: 300,
    });
  });

  it('scans, confirms and lets the poll deliver the code', async () => {
    const uuid = await openQrSession(base());
    const scanned = await qrControl(base(), uuid, 'scan', { user: 'li-na' });
    expect(scanned.json()).toMatchObject({ status: 'scanned', personaId: 'li-na' });
    const confirmed = await qrControl(base(), uuid, 'confirm');
    expect(confirmed.json()).toMatchObject({ status: 'confirmed', personaId: 'li-na' });
    expect((await poll(base(), uuid, '404')).text).toMatch(/^window\.wx_errcode=405;/);
    expect((await get(`${base()}/__mock/qr/${uuid}`)).json()).toMatchObject({
      status: 'delivered',
    });
  });

  it('confirms a waiting session in one step when given a user', async () => {
    const uuid = await openQrSession(base());
    const res = await qrControl(base(), uuid, 'confirm', { user: 'zhang-wei' });
    expect(res.json()).toMatchObject({ status: 'confirmed', personaId: 'zhang-wei' });
  });

  it('scans anonymously without a user', async () => {
    const uuid = await openQrSession(base());
    expect((await qrControl(base(), uuid, 'scan')).json()).toMatchObject({
      status: 'scanned',
      personaId: null,
    });
  });

  it('cancels and expires', async () => {
    const uuid = await openQrSession(base());
    await qrControl(base(), uuid, 'scan', { user: 'zhang-wei' });
    expect((await qrControl(base(), uuid, 'cancel')).json()).toMatchObject({ status: 'cancelled' });
    expect((await qrControl(base(), uuid, 'expire')).json()).toMatchObject({ status: 'expired' });
  });

  it.each([
    ['cancel', 'waiting', (uuid: string) => Promise.resolve(uuid)],
    ['scan', 'expired', async (uuid: string) => (await qrControl(base(), uuid, 'expire'), uuid)],
    ['expire', 'expired', async (uuid: string) => (await qrControl(base(), uuid, 'expire'), uuid)],
    ['confirm', 'expired', async (uuid: string) => (await qrControl(base(), uuid, 'expire'), uuid)],
    [
      'scan',
      'confirmed',
      async (uuid: string) => (await qrControl(base(), uuid, 'confirm', { user: 'li-na' }), uuid),
    ],
    [
      'cancel',
      'delivered',
      async (uuid: string) => {
        await qrControl(base(), uuid, 'confirm', { user: 'li-na' });
        await poll(base(), uuid, '404');
        return uuid;
      },
    ],
  ] as const)('answers 409 to %s on a %s session', async (action, state, prepare) => {
    const uuid = await prepare(await openQrSession(base()));
    const res = await qrControl(
      base(),
      uuid,
      action,
      action === 'confirm' ? { user: 'li-na' } : {},
    );
    expectMockError(
      res,
      409,
      'invalid_transition',
      new RegExp(`${action} a QR session that is ${state}`),
    );
  });

  it('answers 400 to a confirm without a user on an unscanned session', async () => {
    const uuid = await openQrSession(base());
    expectMockError(await qrControl(base(), uuid, 'confirm'), 400, 'invalid_body', /user/);
  });

  it('answers 404 for an unknown session or persona', async () => {
    expectMockError(await get(`${base()}/__mock/qr/AAAAAAAAAAAAAAAA`), 404, 'unknown_qr_session');
    expectMockError(await qrControl(base(), 'AAAAAAAAAAAAAAAA', 'scan'), 404, 'unknown_qr_session');
    const uuid = await openQrSession(base());
    expectMockError(await qrControl(base(), uuid, 'scan', { user: 'nobody' }), 404, 'unknown_user');
  });
});

describe('/__mock/auto-approve', () => {
  afterEach(async () => {
    await postJson(`${base()}/__mock/auto-approve`, { user: null });
  });

  it('makes qrconnect answer 302 with a code at once', async () => {
    expect((await get(`${base()}/__mock/auto-approve`)).json()).toEqual({ user: null });
    const set = await postJson(`${base()}/__mock/auto-approve`, { user: 'li-na' });
    expect(set.json()).toEqual({ user: 'li-na' });
    const res = await get(
      url(
        base(),
        '/connect/qrconnect',
        qrconnectQuery(WEBSITE, { redirect_uri: 'http://localhost:3000/cb?a=b', state: 'keep' }),
      ),
    );
    expect(res.status).toBe(302);
    const location = res.headers.get('location') ?? '';
    expect(location).toMatch(/^http:\/\/localhost:3000\/cb\?a=b&code=0[A-Za-z0-9]{31}&state=keep$/);
    const code = new URL(location).searchParams.get('code') ?? '';
    expect((await exchange(base(), WEBSITE, code)).json<TokenBody>().scope).toBe('snsapi_login');
  });

  it('still validates before approving', async () => {
    await postJson(`${base()}/__mock/auto-approve`, { user: 'li-na' });
    const res = await get(
      url(
        base(),
        '/connect/qrconnect',
        qrconnectQuery(WEBSITE, { redirect_uri: 'https://evil.test/' }),
      ),
    );
    expect(res.status).toBe(200);
    expect(res.text).toContain('redirect_uri 参数错误');
  });

  it('accepts an openid and refuses an unknown persona', async () => {
    const users = (await get(`${base()}/__mock/users`)).json<{
      users: { id: string; openids: Record<string, string> }[];
    }>().users;
    const openid = users.find((user) => user.id === 'li-na')?.openids[WEBSITE.appid];
    expect((await postJson(`${base()}/__mock/auto-approve`, { user: openid })).json()).toEqual({
      user: 'li-na',
    });
    expectMockError(
      await postJson(`${base()}/__mock/auto-approve`, { user: 'nobody' }),
      404,
      'unknown_user',
    );
    expectMockError(await postJson(`${base()}/__mock/auto-approve`, {}), 400, 'invalid_body');
  });
});

describe('GET /connect/qrconnect with autoApprove at start', () => {
  const started = useIdmock({ services: ['wechat'], autoApprove: 'zhang-wei' });

  it('answers qrconnect with a 302 from the first request', async () => {
    const res = await get(
      url(started.current.urls.wechat ?? '', '/connect/qrconnect', qrconnectQuery()),
    );
    expect(res.status).toBe(302);
  });
});

describe('/__mock/clock', () => {
  afterEach(async () => {
    await resetClock(base());
  });

  it('reads, advances and resets the clock', async () => {
    const before = (await get(`${base()}/__mock/clock`)).json<{
      now: string;
      epochMs: number;
      offsetMs: number;
    }>();
    expect(before.offsetMs).toBe(0);
    expect(new Date(before.now).getTime()).toBe(before.epochMs);
    const advanced = (await postJson(`${base()}/__mock/clock/advance`, { by: '2h' })).json<{
      epochMs: number;
      offsetMs: number;
    }>();
    expect(advanced.offsetMs).toBe(7_200_000);
    expect(advanced.epochMs - before.epochMs).toBeGreaterThanOrEqual(7_200_000);
    expect(
      (await postJson(`${base()}/__mock/clock/advance`, { seconds: 60 })).json<{
        offsetMs: number;
      }>().offsetMs,
    ).toBe(7_260_000);
    expect(
      (await postJson(`${base()}/__mock/clock/advance?by=1h30m`, {})).json<{ offsetMs: number }>()
        .offsetMs,
    ).toBe(12_660_000);
    const reset = (await postJson(`${base()}/__mock/clock/reset`, {})).json<{ offsetMs: number }>();
    expect(reset.offsetMs).toBe(0);
  });

  it.each([
    ['no duration', {}],
    ['a word', { by: 'soon' }],
    ['a negative number', { by: -5 }],
    ['a boolean', { by: true }],
    ['an unknown unit', { by: '3w' }],
    ['an infinite number', { by: 1e308 }],
    ['a duration past the year 9999', { by: '99999999999d' }],
  ])('refuses %s with 400 and leaves the clock readable', async (_label, body) => {
    expectMockError(await postJson(`${base()}/__mock/clock/advance`, body), 400, 'invalid_body');
    const clock = await get(`${base()}/__mock/clock`);
    expect(clock.status).toBe(200);
    expect(clock.json<{ offsetMs: number }>().offsetMs).toBe(0);
  });

  it('keeps the rid time at 8 hex digits far in the future', async () => {
    await postJson(`${base()}/__mock/clock/advance`, { by: '36500d' });
    const res = await get(`${base()}/sns/auth`);
    expect(res.text).toMatch(/, rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}"\}$/);
  });
});
