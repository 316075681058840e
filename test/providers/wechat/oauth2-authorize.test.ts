/**
 * Official Account web authorization, as opened inside WeChat: a page where the tester picks the
 * persona (and consents, for snsapi_userinfo) whose form posts back and answers the 302 to
 * `redirect_uri` with `code` and `state`; or the in-app error pages with their error numbers.
 */
import { describe, expect, it } from 'vitest';
import { get, postForm, postJson, useIdmock } from '../../support/idmock.js';
import {
  exchange,
  expectApiError,
  OA,
  parseForm,
  url,
  userinfo,
  WEBSITE,
  type TokenBody,
} from './support.js';

const idmock = useIdmock({ services: ['wechat'] });
const base = (): string => idmock.current.urls.wechat ?? '';

function authorizeQuery(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const query: Record<string, string> = {};
  const all: Record<string, string | undefined> = {
    appid: OA.appid,
    redirect_uri: OA.redirectUri,
    response_type: 'code',
    scope: 'snsapi_userinfo',
    state: 'STATE123',
    ...extra,
  };
  for (const [key, value] of Object.entries(all)) if (value !== undefined) query[key] = value;
  return query;
}

const open = (extra: Record<string, string | undefined> = {}) =>
  get(url(base(), '/connect/oauth2/authorize', authorizeQuery(extra)));

/** Shows the page, then submits its form as the browser would, as `user` when given. */
async function consent(
  extra: Record<string, string | undefined> = {},
  user?: string,
): Promise<URL> {
  const page = await open(extra);
  expect(page.status, page.text).toBe(200);
  const form = parseForm(page.text);
  expect(form).toMatchObject({ action: '/connect/oauth2/authorize', method: 'POST' });
  const fields = form.fieldsFor('allow');
  const res = await postForm(`${base()}${form.action}`, user ? { ...fields, user } : fields);
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location') ?? '');
}

describe('GET /connect/oauth2/authorize', () => {
  it('asks for consent for snsapi_userinfo', async () => {
    const res = await open();
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.text).toContain('Acme 服务号 申请获得以下权限');
    expect(parseForm(res.text).fieldsFor('allow')).toEqual({
      appid: OA.appid,
      redirect_uri: OA.redirectUri,
      scope: 'snsapi_userinfo',
      state: 'STATE123',
      response_type: 'code',
      user: 'zhang-wei',
      action: 'allow',
    });
  });

  it('only asks which persona holds the phone for snsapi_base', async () => {
    const res = await open({ scope: 'snsapi_base' });
    expect(res.text).toContain('静默授权');
    expect(res.text).not.toContain('申请获得以下权限');
  });

  it.each([
    [10003, 'redirect_uri域名与后台配置不一致', { redirect_uri: 'https://evil.test/cb' }],
    [10005, '此公众号并没有这些scope的权限', { scope: 'snsapi_login' }],
    [10005, '此公众号并没有这些scope的权限', { scope: 'snsapi_base,snsapi_login' }],
    [10010, 'scope不能为空', { scope: undefined }],
    [10011, 'redirect_uri不能为空', { redirect_uri: undefined }],
    [10012, 'appid不能为空', { appid: undefined }],
    [10012, 'appid不能为空', { appid: '' }],
    [10016, '不支持微信开放平台的Appid，请使用公众号Appid', { appid: WEBSITE.appid }],
  ] as const)('shows in-app error %i (%s)', async (code, message, change) => {
    const res = await open(change);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.text).toContain(`<h3 class="weui-msg__title">${message}</h3>`);
    expect(res.text).toContain(`<p class="weui-msg__desc">${code}</p>`);
    expect(res.text).not.toContain('<form');
  });

  it('checks appid before redirect_uri before scope when all are empty', async () => {
    const res = await open({ appid: undefined, redirect_uri: undefined, scope: undefined });
    expect(res.text).toContain('<p class="weui-msg__desc">10012</p>');
    const next = await open({ redirect_uri: undefined, scope: undefined });
    expect(next.text).toContain('<p class="weui-msg__desc">10011</p>');
  });

  it('shows 「AppID 参数错误」 for an unknown appid', async () => {
    const res = await open({ appid: 'wx0000000000000000' });
    expect(res.text).toContain('<h3 class="weui-msg__title">AppID 参数错误</h3>');
  });
});

describe('POST /connect/oauth2/authorize', () => {
  it('redirects with code and state; the code gives a snsapi_userinfo token', async () => {
    const location = await consent({}, 'li-na');
    expect(`${location.origin}${location.pathname}`).toBe(OA.redirectUri);
    expect(location.searchParams.get('state')).toBe('STATE123');
    const code = location.searchParams.get('code') ?? '';
    expect(code).toMatch(/^0[A-Za-z0-9]{31}$/);
    const tokens = (await exchange(base(), OA, code)).json<TokenBody>();
    expect(tokens.scope).toBe('snsapi_userinfo');
    expect((await userinfo(base(), tokens)).json()).toMatchObject({ nickname: '李娜' });
  });

  it('gives snsapi_base a token that userinfo refuses with 48001', async () => {
    const location = await consent({ scope: 'snsapi_base' });
    const tokens = (
      await exchange(base(), OA, location.searchParams.get('code') ?? '')
    ).json<TokenBody>();
    expect(tokens.scope).toBe('snsapi_base');
    expectApiError(await userinfo(base(), tokens), 48001, 'api unauthorized');
  });

  it('joins with & when redirect_uri already has a query, leaving state as sent', async () => {
    const redirect = 'http://localhost:3000/auth/wechat/oa?_oauthstate=abc&x=1';
    const page = await open({ redirect_uri: redirect, state: '_oauthstate' });
    const res = await postForm(
      `${base()}/connect/oauth2/authorize`,
      parseForm(page.text).fieldsFor('allow'),
    );
    expect(res.headers.get('location')).toMatch(
      new RegExp(`^${redirect.replace(/[?.]/g, '\\$&')}&code=0[A-Za-z0-9]{31}&state=_oauthstate$`),
    );
  });

  it('validates the posted fields like the page', async () => {
    const res = await postForm(`${base()}/connect/oauth2/authorize`, {
      ...authorizeQuery(),
      redirect_uri: 'https://evil.test/',
      user: 'zhang-wei',
    });
    expect(res.status).toBe(200);
    expect(res.text).toContain('<p class="weui-msg__desc">10003</p>');
  });
});

describe('GET /connect/oauth2/authorize with auto-approve', () => {
  it('answers the 302 at once and goes back to the page when switched off', async () => {
    await postJson(`${base()}/__mock/auto-approve`, { user: 'li-na' });
    try {
      const res = await open({ scope: 'snsapi_base', state: 'xyz' });
      expect(res.status).toBe(302);
      const location = new URL(res.headers.get('location') ?? '');
      expect(location.searchParams.get('state')).toBe('xyz');
      const tokens = (
        await exchange(base(), OA, location.searchParams.get('code') ?? '')
      ).json<TokenBody>();
      const users = (await get(`${base()}/__mock/users`)).json<{
        users: { id: string; openids: Record<string, string> }[];
      }>().users;
      expect(tokens.openid).toBe(users.find((u) => u.id === 'li-na')?.openids[OA.appid]);
    } finally {
      await postJson(`${base()}/__mock/auto-approve`, { user: null });
    }
    expect((await open()).status).toBe(200);
  });
});
