/**
 * Hostile and sloppy input: missing, repeated, oversized and wrongly typed parameters, unknown
 * appids, malformed JSON and form bodies, invalid UTF-8. Every answer is in the format of the
 * endpoint that got it (WeChat errcode JSON, an HTML page, the long-poll script, or the mock-only
 * `{error,message}`), never a 500 and never a stack trace.
 */
import { describe, expect, it } from 'vitest';
import { get, postForm, postJson, useIdmock, type Fetched } from '../../support/idmock.js';
import {
  codeParams,
  expectApiError,
  obtainCode,
  obtainTokens,
  openQrSession,
  pollBody,
  qrconnectQuery,
  UNKNOWN_APPID,
  url,
  WEBSITE,
} from './support.js';

const idmock = useIdmock({ services: ['wechat'], wechat: { longPollHoldSeconds: 0.3 } });
const base = (): string => idmock.current.urls.wechat ?? '';
const BIG = 'x'.repeat(100 * 1024);

function expectNoCrash(res: Fetched): void {
  expect(res.status).not.toBe(500);
  expect(res.text).not.toMatch(/\bat .+\(.*:\d+:\d+\)|Error:|TypeError|RangeError/);
}

function post(path: string, body: string | Uint8Array, contentType: string): Promise<Fetched> {
  return get(`${base()}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
}

const INVALID_UTF8 = new Uint8Array([0x61, 0x70, 0x70, 0x69, 0x64, 0x3d, 0xff, 0xfe, 0xc3, 0x28]);

describe('/sns/* with bad input', () => {
  it('reads the first of repeated parameters', async () => {
    const code = await obtainCode(base());
    const query = new URLSearchParams(codeParams(WEBSITE, code));
    query.append('appid', UNKNOWN_APPID);
    query.append('code', 'garbage');
    const res = await get(`${base()}/sns/oauth2/access_token?${query.toString()}`);
    expect(res.text).toMatch(/^\{"access_token"/);
  });

  it('prefers the query string over the form body', async () => {
    const code = await obtainCode(base());
    const res = await get(`${base()}/sns/oauth2/access_token?appid=${UNKNOWN_APPID}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(codeParams(WEBSITE, code)).toString(),
    });
    expectApiError(res, 40013, 'invalid appid');
  });

  it.each([
    ['appid', 40013, 'invalid appid'],
    ['secret', 40125, 'invalid appsecret'],
    ['code', 40029, 'invalid code'],
  ] as const)('answers a 100 KB %s in a form body with %i', async (name, errcode, errmsg) => {
    const code = await obtainCode(base());
    const res = await postForm(`${base()}/sns/oauth2/access_token`, {
      ...codeParams(WEBSITE, code),
      [name]: BIG,
    });
    expectApiError(res, errcode, errmsg);
  });

  it('answers 100 KB tokens on auth, userinfo and refresh in the errcode format', async () => {
    expectApiError(
      await postForm(`${base()}/sns/auth`, { access_token: BIG, openid: BIG }),
      40014,
      'invalid access_token',
    );
    expectApiError(
      await postForm(`${base()}/sns/userinfo`, { access_token: BIG, openid: 'o' }),
      40014,
      'invalid access_token',
    );
    expectApiError(
      await postForm(`${base()}/sns/oauth2/refresh_token`, {
        appid: WEBSITE.appid,
        grant_type: 'refresh_token',
        refresh_token: BIG,
      }),
      40030,
      'invalid refresh_token',
    );
  });

  it('answers 8 KB query values in the errcode format', async () => {
    const res = await get(url(base(), '/sns/userinfo', { access_token: 'y'.repeat(8 * 1024) }));
    expectApiError(res, 40014, 'invalid access_token');
  });

  it('leaves a request line over 16 KB to Node, which answers a bare 431', async () => {
    // Node's HTTP parser refuses it before any handler runs; it is not a crash.
    const res = await get(url(base(), '/sns/userinfo', { access_token: BIG }));
    expect(res.status).toBe(431);
    expectNoCrash(res);
  });

  it.each([
    ['a number appid', { appid: 123 }, 40013, 'invalid appid'],
    ['an array appid', { appid: [WEBSITE.appid] }, 41002, 'appid missing'],
    ['an object appid', { appid: { $ne: null } }, 41002, 'appid missing'],
    ['a null appid', { appid: null }, 41002, 'appid missing'],
    ['a JSON array body', [WEBSITE.appid], 41002, 'appid missing'],
  ])('treats %s in a JSON body as the errcode format says', async (_label, body, errcode, msg) => {
    expectApiError(await postJson(`${base()}/sns/oauth2/access_token`, body), errcode, msg);
  });

  it.each([
    ['malformed JSON', '{"appid": "wx', 'application/json'],
    ['a malformed form', '%%%&&==&appid', 'application/x-www-form-urlencoded'],
    ['plain text', 'appid=wx1a2b3c4d5e6f7081', 'text/plain'],
    ['XML', '<xml><appid>wx1a2b3c4d5e6f7081</appid></xml>', 'application/xml'],
  ])('answers %s with errcode 41002', async (_label, body, type) => {
    expectApiError(await post('/sns/oauth2/access_token', body, type), 41002, 'appid missing');
  });

  it('answers invalid UTF-8 in a form body with errcode 41002', async () => {
    expectApiError(
      await post('/sns/oauth2/access_token', INVALID_UTF8, 'application/x-www-form-urlencoded'),
      41002,
      'appid missing',
    );
  });

  it('reads percent-encoded invalid UTF-8 as replacement characters', async () => {
    const res = await get(`${base()}/sns/oauth2/access_token?appid=%FF%FE%C3%28&secret=%E0%A4`);
    expectApiError(res, 40013, 'invalid appid');
  });

  it('answers a token paired with a 100 KB openid with 40003', async () => {
    const tokens = await obtainTokens(base());
    expectApiError(
      await postForm(`${base()}/sns/auth`, { access_token: tokens.access_token, openid: BIG }),
      40003,
      'invalid openid',
    );
  });
});

describe('/connect/* with bad input', () => {
  it('answers repeated qrconnect parameters by their first value', async () => {
    const query = new URLSearchParams(qrconnectQuery());
    query.append('appid', UNKNOWN_APPID);
    const res = await get(`${base()}/connect/qrconnect?${query.toString()}`);
    expect(res.text).toMatch(/\/connect\/qrcode\/[A-Za-z0-9_-]{16}/);
  });

  it.each([
    ['appid', 'AppID 参数错误'],
    ['scope', 'Scope 参数错误或没有 Scope 权限'],
    ['redirect_uri', 'redirect_uri 参数错误'],
  ])('shows the error page for an 8 KB %s', async (name, message) => {
    const res = await get(
      url(base(), '/connect/qrconnect', { ...qrconnectQuery(), [name]: 'z'.repeat(8192) }),
    );
    expect(res.status).toBe(200);
    expect(res.text).toContain(message);
    expectNoCrash(res);
  });

  it('keeps a 2 KB hostile state intact and escaped', async () => {
    const state = '"<>&'.repeat(512);
    const res = await get(url(base(), '/connect/qrconnect', qrconnectQuery(WEBSITE, { state })));
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('"<>&"<>&');
    const cfg = JSON.parse(/var cfg = (\{.*?\});/.exec(res.text)?.[1] ?? 'null') as {
      state: string;
    };
    expect(cfg.state).toBe(state);
  });

  it('answers bad long-poll uuids with the script format', async () => {
    for (const uuid of ['', '%FF%FE', 'z'.repeat(8192), '../../etc/passwd']) {
      const res = await get(`${base()}/connect/l/qrconnect?uuid=${uuid}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/javascript');
      expect([pollBody(402), pollBody(500)]).toContain(res.text);
    }
  });

  it('answers bad QR image paths with 404', async () => {
    for (const path of ['%E0%A4%A', '%FF', 'z'.repeat(8192), '..%2F..%2Fetc']) {
      const res = await get(`${base()}/connect/qrcode/${path}`);
      expect([404]).toContain(res.status);
      expectNoCrash(res);
    }
  });

  it('answers a 100 KB confirm form with the expired page', async () => {
    const res = await postForm(`${base()}/connect/confirm`, { uuid: BIG, user: BIG, action: BIG });
    expect(res.status).toBe(200);
    expect(res.text).toContain('二维码已失效');
  });

  it('answers a confirm form in invalid UTF-8 or JSON without crashing', async () => {
    const uuid = await openQrSession(base());
    for (const [body, type] of [
      [INVALID_UTF8, 'application/x-www-form-urlencoded'],
      [`{"uuid":"${uuid}"`, 'application/json'],
      [JSON.stringify({ uuid, user: ['zhang-wei'], action: 'agree' }), 'application/json'],
    ] as const) {
      const res = await post('/connect/confirm', body, type);
      expect([200, 400]).toContain(res.status);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expectNoCrash(res);
    }
  });

  it('answers an OA consent form with a 100 KB user as the first persona', async () => {
    const res = await postForm(`${base()}/connect/oauth2/authorize`, {
      appid: 'wx4d5e6f708192a3b4',
      redirect_uri: 'http://localhost:3000/oa',
      scope: 'snsapi_base',
      state: 's',
      user: BIG,
    });
    expect(res.status).toBe(302);
  });
});

describe('/__mock/* with bad input', () => {
  it.each([
    ['malformed JSON', '{"appid":', 'application/json', /not valid JSON/],
    ['invalid UTF-8', INVALID_UTF8, 'application/json', /not valid UTF-8/],
    ['a JSON array', '[]', 'application/json', /JSON object|expected object/i],
    ['a JSON string', '"hello"', 'application/json', /JSON object|expected object/i],
  ] as const)('answers %s with 400 invalid_body', async (_label, body, type, message) => {
    const res = await post('/__mock/authorize', body, type);
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({ error: 'invalid_body', message: expect.stringMatching(message) });
  });

  it('answers wrong types and oversized values with 400 naming each field', async () => {
    const res = await postJson(`${base()}/__mock/authorize`, {
      appid: 5,
      redirect_uri: BIG,
      scope: ['snsapi_login'],
      state: BIG,
      user: { id: 'zhang-wei' },
    });
    expect(res.status).toBe(400);
    const { message } = res.json<{ message: string }>();
    for (const field of ['appid', 'redirect_uri', 'scope', 'state', 'user']) {
      expect(message).toContain(`${field}:`);
    }
    expect(res.text.length).toBeLessThan(2000);
  });

  it('accepts a form body on mock-only endpoints', async () => {
    const res = await postForm(`${base()}/__mock/authorize`, {
      appid: WEBSITE.appid,
      redirect_uri: WEBSITE.redirectUri,
      scope: 'snsapi_login',
      user: 'zhang-wei',
    });
    expect(res.status).toBe(200);
  });

  it('answers a 2 MB body with the errcode 45002 at HTTP 413', async () => {
    const res = await post(
      '/__mock/authorize',
      `{"appid":"${'x'.repeat(2 * 1024 * 1024)}"}`,
      'application/json',
    );
    expectApiError(res, 45002, 'content size out of limit', 413);
  });
});
