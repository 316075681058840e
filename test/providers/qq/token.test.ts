import { afterEach, describe, expect, it } from 'vitest';
import { get, postForm, useIdmock } from '../../support/idmock.js';
import {
  advance,
  codeParams,
  GAME,
  jsonpError,
  obtainCode,
  obtainTokens,
  resetClock,
  unwrapJsonp,
  url,
  WEB,
  without,
} from './support.js';

const idmock = useIdmock({ services: ['qq'] });
const base = (): string => idmock.current.urls.qq ?? '';
const tokenUrl = (params: Record<string, string>): string => url(base(), '/oauth2.0/token', params);

const HEX32 = '[0-9A-F]{32}';

afterEach(async () => {
  await resetClock(base());
});

describe('GET /oauth2.0/token (authorization_code)', () => {
  it('answers access_token, expires_in, refresh_token in that order as text/html', async () => {
    const res = await get(tokenUrl(codeParams(WEB, await obtainCode(base()))));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html');
    expect(res.text).toMatch(
      new RegExp(`^access_token=${HEX32}&expires_in=5184000&refresh_token=${HEX32}$`),
    );
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(res.text)));
  });

  it('answers JSON with expires_in as a string for fmt=json', async () => {
    const code = await obtainCode(base());
    const res = await get(tokenUrl({ ...codeParams(WEB, code), fmt: 'json' }));
    expect(res.headers.get('content-type')).toBe('text/html');
    expect(res.text).toMatch(
      new RegExp(
        `^\\{"access_token":"${HEX32}","expires_in":"5184000","refresh_token":"${HEX32}"\\}$`,
      ),
    );
  });

  it('appends openid last for need_openid=1 in the default format', async () => {
    const { code, openid } = await authorizeFull();
    const res = await get(tokenUrl({ ...codeParams(WEB, code), need_openid: '1' }));
    expect(res.text).toMatch(
      new RegExp(
        `^access_token=${HEX32}&expires_in=5184000&refresh_token=${HEX32}&openid=${openid}$`,
      ),
    );
  });

  it('appends openid last for need_openid=1 with fmt=json', async () => {
    const { code, openid } = await authorizeFull();
    const res = await get(tokenUrl({ ...codeParams(WEB, code), need_openid: '1', fmt: 'json' }));
    const body = res.json<Record<string, string>>();
    expect(Object.keys(body)).toEqual(['access_token', 'expires_in', 'refresh_token', 'openid']);
    expect(body['openid']).toBe(openid);
  });

  it('leaves openid out unless need_openid is 1', async () => {
    const res = await get(
      tokenUrl({ ...codeParams(WEB, await obtainCode(base())), need_openid: '0' }),
    );
    expect(res.text).not.toContain('openid');
  });

  it('accepts a POST form', async () => {
    const res = await postForm(
      `${base()}/oauth2.0/token`,
      codeParams(WEB, await obtainCode(base())),
    );
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/^access_token=[0-9A-F]{32}&expires_in=5184000&refresh_token=/);
  });

  it('issues a token that /me resolves to the persona and app', async () => {
    const { code, openid } = await authorizeFull();
    const { access_token } = (await get(tokenUrl({ ...codeParams(WEB, code), fmt: 'json' }))).json<{
      access_token: string;
    }>();
    const me = await get(url(base(), '/oauth2.0/me', { access_token }));
    expect(unwrapJsonp(me)).toEqual({ client_id: WEB.clientId, openid });
  });

  it('issues fresh tokens for every login', async () => {
    const first = await obtainTokens(base());
    const second = await obtainTokens(base());
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.refresh_token).not.toBe(first.refresh_token);
  });

  it('rejects a reused code with 100020', async () => {
    const params = codeParams(WEB, await obtainCode(base()));
    await get(tokenUrl(params));
    const res = await get(tokenUrl(params));
    expect(res.text).toBe(jsonpError(100020, 'code is reused error'));
  });

  it('accepts a code until its 10 minutes are over, then answers 100019', async () => {
    const live = codeParams(WEB, await obtainCode(base()));
    const late = codeParams(WEB, await obtainCode(base()));
    await advance(base(), '9m59s');
    expect((await get(tokenUrl(live))).text).toMatch(/^access_token=/);
    await advance(base(), '1s');
    expect((await get(tokenUrl(late))).text).toBe(jsonpError(100019, 'code to access token error'));
  });

  it("rejects another app's code with 100019 and leaves it usable by its own app", async () => {
    const code = await obtainCode(base(), WEB);
    const stolen = await get(tokenUrl(codeParams(GAME, code)));
    expect(stolen.text).toBe(jsonpError(100019, 'code to access token error'));
    expect((await get(tokenUrl(codeParams(WEB, code)))).text).toMatch(/^access_token=/);
  });

  it('rejects a redirect_uri that differs by a trailing slash and keeps the code unused', async () => {
    const params = codeParams(WEB, await obtainCode(base()));
    const res = await get(tokenUrl({ ...params, redirect_uri: `${WEB.callback}/` }));
    expect(res.text).toBe(jsonpError(100010, 'redirect uri is illegal'));
    expect((await get(tokenUrl(params))).text).toMatch(/^access_token=/);
  });

  it('rejects a double-encoded redirect_uri with 100010', async () => {
    const params = codeParams(WEB, await obtainCode(base()));
    const res = await get(tokenUrl({ ...params, redirect_uri: encodeURIComponent(WEB.callback) }));
    expect(res.text).toBe(jsonpError(100010, 'redirect uri is illegal'));
  });

  it('rejects a missing redirect_uri with 100010', async () => {
    const params = without(codeParams(WEB, await obtainCode(base())), 'redirect_uri');
    expect((await get(tokenUrl(params))).text).toBe(jsonpError(100010, 'redirect uri is illegal'));
  });

  it('uses the first of repeated parameters', async () => {
    const params = new URLSearchParams(codeParams(WEB, await obtainCode(base())));
    params.append('client_id', GAME.clientId);
    const res = await get(`${base()}/oauth2.0/token?${params.toString()}`);
    expect(res.text).toMatch(/^access_token=/);
  });

  it('ignores a JSON body (QQ reads the query and forms only)', async () => {
    const res = await get(`${base()}/oauth2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(codeParams(WEB, 'X')),
    });
    expect(res.text).toBe(jsonpError(100004, 'param grant_type is wrong or lost '));
  });

  async function authorizeFull(): Promise<{ code: string; openid: string }> {
    const res = await fetch(`${base()}/__mock/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: WEB.clientId, redirect_uri: WEB.callback, user: 'li-na' }),
    });
    return (await res.json()) as { code: string; openid: string };
  }
});

describe('GET /oauth2.0/token (refresh_token)', () => {
  const refreshUrl = (refresh_token: string, extra: Record<string, string> = {}): string =>
    tokenUrl({
      grant_type: 'refresh_token',
      client_id: WEB.clientId,
      client_secret: WEB.appkey,
      refresh_token,
      ...extra,
    });

  it('issues a new access token and a new refresh token in the same shape', async () => {
    const first = await obtainTokens(base());
    const res = await get(refreshUrl(first.refresh_token));
    expect(res.headers.get('content-type')).toBe('text/html');
    const parsed = Object.fromEntries(new URLSearchParams(res.text));
    expect(Object.keys(parsed)).toEqual(['access_token', 'expires_in', 'refresh_token']);
    expect(parsed['expires_in']).toBe('5184000');
    expect(parsed['access_token']).not.toBe(first.access_token);
    expect(parsed['refresh_token']).not.toBe(first.refresh_token);
  });

  it('answers JSON with a string expires_in for fmt=json and ignores redirect_uri', async () => {
    const first = await obtainTokens(base());
    const res = await get(
      refreshUrl(first.refresh_token, { fmt: 'json', redirect_uri: 'http://anything.example/' }),
    );
    const body = res.json<Record<string, unknown>>();
    expect(Object.keys(body)).toEqual(['access_token', 'expires_in', 'refresh_token']);
    expect(body['expires_in']).toBe('5184000');
  });

  it('accepts each refresh token once and answers 100050 on reuse', async () => {
    const first = await obtainTokens(base());
    expect((await get(refreshUrl(first.refresh_token))).text).toMatch(/^access_token=/);
    expect((await get(refreshUrl(first.refresh_token))).text).toBe(
      jsonpError(100050, 'refresh token is illegal'),
    );
  });

  it('keeps refreshing along the chain with each new refresh token', async () => {
    let refresh = (await obtainTokens(base())).refresh_token;
    for (let i = 0; i < 3; i++) {
      const body = (await get(refreshUrl(refresh, { fmt: 'json' }))).json<{
        access_token: string;
        refresh_token: string;
      }>();
      const me = await get(url(base(), '/oauth2.0/me', { access_token: body.access_token }));
      expect(unwrapJsonp(me)).toMatchObject({ client_id: WEB.clientId });
      refresh = body.refresh_token;
    }
  });

  it('ends the chain 90 days after the code exchange, however often it was refreshed', async () => {
    let refresh = (await obtainTokens(base())).refresh_token;
    await advance(base(), '60d');
    refresh = (await get(refreshUrl(refresh, { fmt: 'json' }))).json<{ refresh_token: string }>()
      .refresh_token;
    await advance(base(), '29d');
    refresh = (await get(refreshUrl(refresh, { fmt: 'json' }))).json<{ refresh_token: string }>()
      .refresh_token;
    await advance(base(), '1d');
    expect((await get(refreshUrl(refresh))).text).toBe(
      jsonpError(100050, 'refresh token is illegal'),
    );
  });

  it("rejects another app's refresh token with 100050", async () => {
    const { refresh_token } = await obtainTokens(base(), GAME);
    expect((await get(refreshUrl(refresh_token))).text).toBe(
      jsonpError(100050, 'refresh token is illegal'),
    );
  });

  it('answers 100006 without a refresh_token', async () => {
    expect((await get(refreshUrl(''))).text).toBe(
      jsonpError(100006, 'param refresh_token is wrong or lost '),
    );
  });

  it('checks the client secret on refresh', async () => {
    const { refresh_token } = await obtainTokens(base());
    const res = await get(refreshUrl(refresh_token, { client_secret: GAME.appkey }));
    expect(res.text).toBe(jsonpError(100009, 'client secret is illegal'));
  });
});

describe('access token lifetime', () => {
  it('lets an access token work until expires_in seconds have passed', async () => {
    const { access_token } = await obtainTokens(base());
    const me = () => get(url(base(), '/oauth2.0/me', { access_token }));
    await advance(base(), `${5_184_000 - 1}s`);
    expect(unwrapJsonp(await me())).toMatchObject({ client_id: WEB.clientId });
    await advance(base(), '1s');
    expect((await me()).text).toBe(jsonpError(100016, 'access token check failed'));
  });

  it('keeps an earlier access token valid after a refresh', async () => {
    const first = await obtainTokens(base());
    await get(
      tokenUrl({
        grant_type: 'refresh_token',
        client_id: WEB.clientId,
        client_secret: WEB.appkey,
        refresh_token: first.refresh_token,
      }),
    );
    const me = await get(url(base(), '/oauth2.0/me', { access_token: first.access_token }));
    expect(unwrapJsonp(me)).toMatchObject({ client_id: WEB.clientId });
  });
});

describe('configured access token lifetime', () => {
  const legacy = useIdmock({ services: ['qq'], qq: { accessTokenTtlSeconds: 7_776_000 } });

  it('answers the configured expires_in (the older 7776000 here)', async () => {
    const qq = legacy.current.urls.qq ?? '';
    const res = await get(url(qq, '/oauth2.0/token', codeParams(WEB, await obtainCode(qq))));
    expect(res.text).toMatch(/&expires_in=7776000&/);
  });
});
