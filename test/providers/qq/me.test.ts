import { afterEach, describe, expect, it } from 'vitest';
import { get, postForm, useIdmock } from '../../support/idmock.js';
import {
  advance,
  authorize,
  GAME,
  jsonpError,
  NO_UNIONID,
  obtainTokens,
  resetClock,
  unwrapJsonp,
  url,
  WEB,
} from './support.js';

const idmock = useIdmock({ services: ['qq'] });
const base = (): string => idmock.current.urls.qq ?? '';
const me = (query: Record<string, string>) => get(url(base(), '/oauth2.0/me', query));

afterEach(async () => {
  await resetClock(base());
});

async function login(app = WEB, user = 'zhang-wei') {
  const { openid } = await authorize(base(), app, user);
  const { access_token } = await obtainTokens(base(), app, user);
  return { openid, access_token };
}

describe('GET /oauth2.0/me', () => {
  it('answers the exact JSONP bytes of the real endpoint', async () => {
    const { openid, access_token } = await login();
    const res = await me({ access_token });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.text).toBe(`callback( {"client_id":"101364207","openid":"${openid}"} );\n`);
    // The captured response had Content-Length 83 for the same lengths of client_id and openid.
    expect(res.headers.get('content-length')).toBe('83');
    expect(openid).toMatch(/^[0-9A-F]{32}$/);
  });

  it('answers bare JSON for fmt=json', async () => {
    const { openid, access_token } = await login();
    const res = await me({ access_token, fmt: 'json' });
    expect(res.text).toBe(`{"client_id":"101364207","openid":"${openid}"}`);
  });

  it('adds the unionid last for unionid=1', async () => {
    const { openid, access_token } = await login();
    const res = await me({ access_token, unionid: '1' });
    const body = unwrapJsonp(res) as Record<string, string>;
    expect(Object.keys(body)).toEqual(['client_id', 'openid', 'unionid']);
    expect(body['openid']).toBe(openid);
    expect(body['unionid']).toMatch(/^UID_[0-9A-F]{32}$/);
    expect(Buffer.byteLength(body['unionid'] ?? '')).toBe(36);
  });

  it('adds the unionid with fmt=json too', async () => {
    const { access_token } = await login();
    const body = (await me({ access_token, unionid: '1', fmt: 'json' })).json();
    expect(Object.keys(body)).toEqual(['client_id', 'openid', 'unionid']);
  });

  it.each(['0', '', 'true'])('leaves the unionid out for unionid=%j', async (unionid) => {
    const { access_token } = await login();
    expect(unwrapJsonp(await me({ access_token, unionid }))).not.toHaveProperty('unionid');
  });

  it('gives one unionid across the apps of a developer account and distinct openids', async () => {
    const web = await login(WEB, 'li-na');
    const game = await login(GAME, 'li-na');
    const a = unwrapJsonp(await me({ access_token: web.access_token, unionid: '1' })) as {
      openid: string;
      unionid: string;
    };
    const b = unwrapJsonp(await me({ access_token: game.access_token, unionid: '1' })) as {
      openid: string;
      unionid: string;
    };
    expect(a.unionid).toBe(b.unionid);
    expect(a.openid).not.toBe(b.openid);
  });

  it('answers 100048 for unionid=1 from an app without unionid permission', async () => {
    const { access_token } = await login(NO_UNIONID);
    expect((await me({ access_token, unionid: '1' })).text).toBe(
      jsonpError(100048, 'companyid not set'),
    );
    expect(unwrapJsonp(await me({ access_token }))).toMatchObject({
      client_id: NO_UNIONID.clientId,
    });
  });

  it('answers 100007 for a missing or empty access_token', async () => {
    const expected = jsonpError(100007, 'param access token is wrong or lost ');
    expect((await me({})).text).toBe(expected);
    expect((await me({ access_token: '' })).text).toBe(expected);
  });

  it.each(['abc', '0123456789abcdef0123456789abcdef', `${'A'.repeat(32)}0`, 'A'.repeat(4000)])(
    'answers 100013 for the malformed token %#',
    async (access_token) => {
      expect((await me({ access_token })).text).toBe(jsonpError(100013, 'access token is illegal'));
    },
  );

  it('answers 100016 for a well-formed unknown token', async () => {
    expect((await me({ access_token: 'F'.repeat(32) })).text).toBe(
      jsonpError(100016, 'access token check failed'),
    );
  });

  it('answers 100016 once the token has expired on the mock clock', async () => {
    const { access_token } = await login();
    await advance(base(), '60d');
    expect((await me({ access_token, fmt: 'json' })).json()).toEqual({
      error: 100016,
      error_description: 'access token check failed',
    });
  });

  it('accepts a POST form', async () => {
    const { openid, access_token } = await login();
    const res = await postForm(`${base()}/oauth2.0/me`, { access_token });
    expect(res.text).toBe(`callback( {"client_id":"101364207","openid":"${openid}"} );\n`);
  });
});

describe('server-side validation of a mobile login', () => {
  // The pattern of spec §7: the app hands its server access_token and openid; the server calls
  // /me and requires client_id to be its own appid and openid to match the claim.
  async function validate(accessToken: string, claimedOpenid: string, ownAppid: string) {
    const body = (await me({ access_token: accessToken, fmt: 'json' })).json<{
      client_id?: string;
      openid?: string;
      error?: number;
    }>();
    return body.error === undefined && body.client_id === ownAppid && body.openid === claimedOpenid;
  }

  it("reports the token's own app, so a token minted for app A passes only for A", async () => {
    const { access_token, openid } = await authorize(base(), GAME, 'chen-jie', {
      response_type: 'token',
    });
    const body = (await me({ access_token, fmt: 'json' })).json();
    expect(body).toEqual({ client_id: GAME.clientId, openid });
    expect(await validate(access_token, openid, GAME.clientId)).toBe(true);
    expect(await validate(access_token, openid, WEB.clientId)).toBe(false);
  });

  it("rejects a claimed openid that is not the token's", async () => {
    const { access_token } = await authorize(base(), GAME, 'chen-jie', { response_type: 'token' });
    const other = await authorize(base(), GAME, 'li-na');
    expect(await validate(access_token, other.openid, GAME.clientId)).toBe(false);
  });
});
