/**
 * The four `/sns/*` endpoints of api.weixin.qq.com, compared as raw text: real clients parse these
 * bodies with typed structs (expires_in and sex must be numbers), check `errcode` by presence
 * (JustAuth, AspNet) or by value (wechat-oauth, wechatpy), and django-allauth only decodes the
 * nickname right when the body is `text/plain` with no charset.
 */
import { describe, expect, it } from 'vitest';
import { get, postForm, postJson, useIdmock } from '../../support/idmock.js';
import {
  checkToken,
  codeParams,
  errorPattern,
  exchange,
  expectApiError,
  obtainCode,
  obtainTokens,
  OPENID,
  reEscape,
  refresh,
  RID,
  TOKEN,
  url,
  userinfo,
  WEBSITE,
} from './support.js';

const idmock = useIdmock({ services: ['wechat'] });
const base = (): string => idmock.current.urls.wechat ?? '';

const AVATAR =
  'https:\\\\/\\\\/thirdwx\\.qlogo\\.cn\\\\/mmopen\\\\/vi_32\\\\/[A-Za-z0-9_-]{40}\\\\/132';

describe('GET /sns/oauth2/access_token', () => {
  it('answers the observed fields in order, with a numeric expires_in and no errcode', async () => {
    const res = await exchange(base(), WEBSITE, await obtainCode(base()));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain');
    expect(res.text).toMatch(
      new RegExp(
        `^\\{"access_token":"${TOKEN}","expires_in":7200,"refresh_token":"${TOKEN}",` +
          `"openid":"${OPENID}","scope":"snsapi_login","unionid":"${OPENID}"\\}$`,
      ),
    );
    expect(res.text).not.toContain('errcode');
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(res.text)));
  });

  it('accepts the parameters as a POST form body (django-allauth)', async () => {
    const code = await obtainCode(base());
    const res = await postForm(`${base()}/sns/oauth2/access_token`, codeParams(WEBSITE, code));
    expect(res.text).toMatch(new RegExp(`^\\{"access_token":"${TOKEN}","expires_in":7200,`));
  });

  it('accepts the parameters as a JSON body', async () => {
    const code = await obtainCode(base());
    const res = await postJson(`${base()}/sns/oauth2/access_token`, codeParams(WEBSITE, code));
    expect(res.text).toMatch(new RegExp(`^\\{"access_token":"${TOKEN}"`));
  });

  it('ignores extra parameters and an Authorization header', async () => {
    const code = await obtainCode(base());
    const res = await get(
      url(base(), '/sns/oauth2/access_token', {
        ...codeParams(WEBSITE, code),
        redirect_uri: WEBSITE.redirectUri,
        code_verifier: 'x'.repeat(43),
        scope: 'snsapi_login',
      }),
      { headers: { authorization: 'Bearer whatever' } },
    );
    expect(res.text).toMatch(/^\{"access_token"/);
  });
});

describe('GET /sns/oauth2/refresh_token', () => {
  it('answers the same fields without unionid and returns the refresh_token unchanged', async () => {
    const tokens = await obtainTokens(base());
    const res = await refresh(base(), WEBSITE, tokens.refresh_token);
    expect(res.headers.get('content-type')).toBe('text/plain');
    expect(res.text).toBe(
      `{"access_token":"${tokens.access_token}","expires_in":7200,` +
        `"refresh_token":"${tokens.refresh_token}","openid":"${tokens.openid}","scope":"snsapi_login"}`,
    );
  });

  it('needs no secret and accepts a POST form', async () => {
    const tokens = await obtainTokens(base());
    const res = await postForm(`${base()}/sns/oauth2/refresh_token`, {
      appid: WEBSITE.appid,
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
    });
    expect(res.json<{ refresh_token: string }>().refresh_token).toBe(tokens.refresh_token);
  });
});

describe('GET /sns/auth', () => {
  it('answers exactly {"errcode":0,"errmsg":"ok"} for a valid token', async () => {
    const res = await checkToken(base(), await obtainTokens(base()));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain');
    expect(res.text).toBe('{"errcode":0,"errmsg":"ok"}');
  });

  it('accepts a POST form', async () => {
    const tokens = await obtainTokens(base());
    const res = await postForm(`${base()}/sns/auth`, {
      access_token: tokens.access_token,
      openid: tokens.openid,
    });
    expect(res.text).toBe('{"errcode":0,"errmsg":"ok"}');
  });

  it('answers 40003 for an openid that is not the token’s', async () => {
    const tokens = await obtainTokens(base());
    const other = await obtainTokens(base(), WEBSITE, 'li-na');
    expectApiError(
      await checkToken(base(), { access_token: tokens.access_token, openid: other.openid }),
      40003,
      'invalid openid',
    );
  });
});

describe('GET /sns/userinfo', () => {
  it('answers the post-2021 body: raw UTF-8 nickname, sex 0, empty places, \\/ escaping', async () => {
    const tokens = await obtainTokens(base());
    const res = await userinfo(base(), tokens);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain');
    expect(res.text).toMatch(
      new RegExp(
        `^\\{"openid":"${reEscape(tokens.openid)}","nickname":"张伟","sex":0,"language":"",` +
          `"city":"","province":"","country":"","headimgurl":"${AVATAR}","privilege":\\[\\],` +
          `"unionid":"${reEscape(tokens.unionid ?? '')}"\\}$`,
      ),
    );
    expect(res.text).not.toContain('errcode');
    expect(res.text).not.toContain('\\u');
    // Parsed, the escaped slashes are ordinary ones.
    expect(res.json<{ headimgurl: string }>().headimgurl).toMatch(
      /^https:\/\/thirdwx\.qlogo\.cn\//,
    );
  });

  it('answers an empty headimgurl for a persona without an avatar', async () => {
    const res = await userinfo(base(), await obtainTokens(base(), WEBSITE, 'wang-fang'));
    expect(res.text).toContain('"nickname":"王芳","sex":0,');
    expect(res.text).toContain('"headimgurl":"","privilege":[]');
  });

  it('accepts lang and a POST form', async () => {
    const tokens = await obtainTokens(base());
    const res = await postForm(`${base()}/sns/userinfo`, {
      access_token: tokens.access_token,
      openid: tokens.openid,
      lang: 'zh_CN',
    });
    expect(res.json<{ openid: string }>().openid).toBe(tokens.openid);
  });

  it('answers 40003 when openid is missing', async () => {
    const tokens = await obtainTokens(base());
    expectApiError(
      await get(url(base(), '/sns/userinfo', { access_token: tokens.access_token })),
      40003,
      'invalid openid',
    );
  });
});

describe('errmsg suffix "rid" (default)', () => {
  it('ends errmsg with ", rid: <hex mock time>-<hex8>-<hex8>" that follows the mock clock', async () => {
    const ridTime = async (): Promise<number> => {
      const res = await get(`${base()}/sns/auth`);
      expect(res.text).toMatch(errorPattern(41001, 'access_token missing'));
      return parseInt(/rid: ([0-9a-f]{8})-/.exec(res.text)?.[1] ?? '', 16);
    };
    const clock = (await get(`${base()}/__mock/clock`)).json<{ epochMs: number }>();
    const before = await ridTime();
    expect(Math.abs(before - clock.epochMs / 1000)).toBeLessThan(60);
    await postJson(`${base()}/__mock/clock/advance`, { by: '2h' });
    try {
      expect((await ridTime()) - before).toBeGreaterThanOrEqual(7200);
    } finally {
      await postJson(`${base()}/__mock/clock/reset`, {});
    }
  });

  it('gives every error its own rid', async () => {
    const a = await get(`${base()}/sns/auth`);
    const b = await get(`${base()}/sns/auth`);
    expect(a.text).not.toBe(b.text);
    expect(a.text.replace(new RegExp(RID), '')).toBe(b.text.replace(new RegExp(RID), ''));
  });
});

describe('errmsg suffix "none"', () => {
  const idmock = useIdmock({ services: ['wechat'], wechat: { errmsgSuffix: 'none' } });

  it('answers the bare errmsg, as the official docs print it', async () => {
    const res = await get(`${idmock.current.urls.wechat ?? ''}/sns/oauth2/access_token`);
    expect(res.text).toBe('{"errcode":41002,"errmsg":"appid missing"}');
  });
});

describe('errmsg suffix "hints"', () => {
  const idmock = useIdmock({ services: ['wechat'], wechat: { errmsgSuffix: 'hints' } });

  it('answers the pre-2019 ", hints: [ req_id: … ]" suffix', async () => {
    const res = await get(`${idmock.current.urls.wechat ?? ''}/sns/oauth2/access_token`);
    expect(res.text).toMatch(
      /^\{"errcode":41002,"errmsg":"appid missing, hints: \[ req_id: [A-Za-z0-9_-]{14} \]"\}$/,
    );
  });
});
