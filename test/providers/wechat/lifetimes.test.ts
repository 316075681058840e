/**
 * Every lifetime on the shared mock clock: codes (10 min), access tokens (7200 s), refresh tokens
 * (30 days from the grant, never extended) and QR sessions. Time moves with
 * `POST /__mock/clock/advance`; nothing sleeps.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { get, useIdmock } from '../../support/idmock.js';
import {
  advance,
  checkToken,
  exchange,
  expectApiError,
  obtainCode,
  obtainTokens,
  openQrSession,
  poll,
  pollBody,
  refresh,
  resetClock,
  TOKEN,
  userinfo,
  WEBSITE,
  type TokenBody,
} from './support.js';

const idmock = useIdmock({ services: ['wechat'], wechat: { longPollHoldSeconds: 0.3 } });
const base = (): string => idmock.current.urls.wechat ?? '';

afterEach(async () => {
  await resetClock(base());
});

describe('GET /sns/oauth2/access_token code lifetime', () => {
  it('is still exchangeable just before 10 minutes', async () => {
    const code = await obtainCode(base());
    await advance(base(), '9m59s');
    expect((await exchange(base(), WEBSITE, code)).text).toMatch(/^\{"access_token"/);
  });

  it('answers 42003 after 10 minutes', async () => {
    const code = await obtainCode(base());
    await advance(base(), '11m');
    expectApiError(await exchange(base(), WEBSITE, code), 42003, 'code expired');
  });
});

describe('GET /sns/oauth2/access_token with codeTtlSeconds 300', () => {
  const short = useIdmock({ services: ['wechat'], wechat: { codeTtlSeconds: 300 } });

  it('follows codeTtlSeconds (the OA docs say 5 minutes)', async () => {
    const url = short.current.urls.wechat ?? '';
    const code = await obtainCode(url);
    await advance(url, '5m1s');
    expectApiError(await exchange(url, WEBSITE, code), 42003, 'code expired');
  });
});

describe('GET /sns/auth and /sns/userinfo token lifetime', () => {
  it('is valid for 7200 s and answers 42001 after', async () => {
    const tokens = await obtainTokens(base());
    await advance(base(), '1h59m59s');
    expect((await checkToken(base(), tokens)).text).toBe('{"errcode":0,"errmsg":"ok"}');
    expect((await userinfo(base(), tokens)).text).toMatch(/^\{"openid"/);
    await advance(base(), '2s');
    expectApiError(await checkToken(base(), tokens), 42001, 'access_token expired');
    expectApiError(await userinfo(base(), tokens), 42001, 'access_token expired');
  });
});

describe('GET /sns/oauth2/refresh_token lifetimes', () => {
  it('keeps a live access_token and renews its expiry', async () => {
    const tokens = await obtainTokens(base());
    await advance(base(), '1h');
    const res = await refresh(base(), WEBSITE, tokens.refresh_token);
    const body = res.json<TokenBody>();
    expect(body.access_token).toBe(tokens.access_token);
    expect(body.refresh_token).toBe(tokens.refresh_token);
    expect(body.expires_in).toBe(7200);
    // Without the renewal the token would die at 2 h; it now lives until 3 h.
    await advance(base(), '1h59m');
    expect((await checkToken(base(), tokens)).text).toBe('{"errcode":0,"errmsg":"ok"}');
    await advance(base(), '2m');
    expectApiError(await checkToken(base(), tokens), 42001, 'access_token expired');
  });

  it('replaces an expired access_token and keeps the refresh_token', async () => {
    const tokens = await obtainTokens(base());
    await advance(base(), '3h');
    const res = await refresh(base(), WEBSITE, tokens.refresh_token);
    expect(res.text).toMatch(
      new RegExp(
        `^\\{"access_token":"${TOKEN}","expires_in":7200,"refresh_token":"${tokens.refresh_token}",` +
          `"openid":"${tokens.openid}","scope":"snsapi_login"\\}$`,
      ),
    );
    const body = res.json<TokenBody>();
    expect(body.access_token).not.toBe(tokens.access_token);
    expect((await checkToken(base(), body)).text).toBe('{"errcode":0,"errmsg":"ok"}');
    const old = (await checkToken(base(), tokens)).json<{ errcode: number }>();
    expect([40001, 42001]).toContain(old.errcode);
    // Refreshing again while the new token lives keeps it.
    const again = (await refresh(base(), WEBSITE, tokens.refresh_token)).json<TokenBody>();
    expect(again.access_token).toBe(body.access_token);
  });

  it('never returns unionid, though the exchange did', async () => {
    const tokens = await obtainTokens(base());
    expect(tokens.unionid).toBeDefined();
    const res = await refresh(base(), WEBSITE, tokens.refresh_token);
    expect(res.text).not.toContain('unionid');
  });

  it('has a 30-day hard expiry that refreshing does not extend', async () => {
    const tokens = await obtainTokens(base());
    await advance(base(), '29d');
    const renewed = (await refresh(base(), WEBSITE, tokens.refresh_token)).json<TokenBody>();
    expect(renewed.refresh_token).toBe(tokens.refresh_token);
    await advance(base(), '23h59m');
    expect((await refresh(base(), WEBSITE, tokens.refresh_token)).text).toMatch(
      /^\{"access_token"/,
    );
    await advance(base(), '2m');
    expectApiError(
      await refresh(base(), WEBSITE, tokens.refresh_token),
      42002,
      'refresh_token expired',
    );
  });
});

describe('GET /connect/l/qrconnect QR lifetime', () => {
  it('stays waiting before qrTtlSeconds (300 s) and expires after', async () => {
    const uuid = await openQrSession(base());
    await advance(base(), '4m59s');
    expect((await get(`${base()}/__mock/qr/${uuid}`)).json<object>()).toMatchObject({
      status: 'waiting',
      expiresInSeconds: 1,
    });
    expect((await poll(base(), uuid)).text).toBe(pollBody(408));
    await advance(base(), '2s');
    expect((await get(`${base()}/__mock/qr/${uuid}`)).json<object>()).toMatchObject({
      status: 'expired',
      expiresInSeconds: 0,
    });
    expect((await poll(base(), uuid)).text).toBe(pollBody(402));
  });

  it('expires a scanned session too', async () => {
    const uuid = await openQrSession(base());
    await get(`${base()}/connect/confirm?uuid=${uuid}`);
    expect((await poll(base(), uuid)).text).toBe(pollBody(404));
    await advance(base(), '11m');
    expect((await poll(base(), uuid, '404')).text).toBe(pollBody(402));
  });
});
