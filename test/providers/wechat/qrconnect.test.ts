/**
 * The desktop side of website QR login: the qrconnect page (and its `f=xml` variant), its error
 * pages, and the QR image, which must decode to the phone-side confirm URL.
 */
import { describe, expect, it } from 'vitest';
import { get, useIdmock } from '../../support/idmock.js';
import {
  decodeQrPng,
  OA,
  openQrSession,
  qrconnectQuery,
  UNKNOWN_APPID,
  url,
  WEBSITE,
} from './support.js';

const idmock = useIdmock({ services: ['wechat'] });
const base = (): string => idmock.current.urls.wechat ?? '';
const qrconnect = (query: Record<string, string>) => get(url(base(), '/connect/qrconnect', query));

const APPID_ERROR = 'AppID 参数错误';
const SCOPE_ERROR = 'Scope 参数错误或没有 Scope 权限';
const REDIRECT_ERROR = 'redirect_uri 参数错误';

async function sessionStatus(uuid: string): Promise<string> {
  const res = await get(`${base()}/__mock/qr/${uuid}`);
  return res.json<{ status: string }>().status;
}

describe('GET /connect/qrconnect', () => {
  it('shows a QR image at /connect/qrcode/<16-char uuid> in both class styles', async () => {
    const res = await qrconnect(qrconnectQuery());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    // What scrapers of the real page extract.
    const uuid = /\/connect\/qrcode\/([A-Za-z0-9_-]+)/.exec(res.text)?.[1];
    expect(uuid).toMatch(/^[A-Za-z0-9_-]{16}$/);
    const img = /<img\b[^>]*>/.exec(res.text)?.[0] ?? '';
    expect(img).toContain(`src="/connect/qrcode/${uuid ?? ''}"`);
    const classes = /class="([^"]*)"/.exec(img)?.[1] ?? '';
    expect(classes).toContain('qrcode lightBorder');
    expect(classes).toContain('web_qrcode_img js_qrcode_img');
    expect(await sessionStatus(uuid ?? '')).toBe('waiting');
  });

  it('gives every page load a new uuid', async () => {
    const a = await openQrSession(base());
    const b = await openQrSession(base());
    expect(a).not.toBe(b);
  });

  it('answers f=xml with the uuid in a CDATA section', async () => {
    const res = await qrconnect(qrconnectQuery(WEBSITE, { f: 'xml' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    expect(res.text).toMatch(
      /^<xml><uuid><!\[CDATA\[[A-Za-z0-9_-]{16}\]\]><\/uuid><ret>0<\/ret><\/xml>$/,
    );
  });

  it('shows the Chinese page by default and the English one for lang=en', async () => {
    const cn = await qrconnect(qrconnectQuery());
    expect(cn.text).toContain('<html lang="zh-CN">');
    expect(cn.text).toContain('请使用微信扫描二维码登录');
    const en = await qrconnect(qrconnectQuery(WEBSITE, { lang: 'en' }));
    expect(en.text).toContain('<html lang="en">');
    expect(en.text).toContain('Scan the QR code with WeChat to log in');
    expect(en.text).not.toContain('请使用微信扫描二维码登录');
    // The language toggle links back to the Chinese page.
    expect(en.text).toMatch(/id="switch_lang" href="[^"]*lang=cn/);
  });

  it('accepts the wxLogin.js iframe parameters in any order, without response_type', async () => {
    const res = await qrconnect({
      self_redirect: 'false',
      scope: 'snsapi_login',
      login_type: 'jssdk',
      styletype: '',
      sizetype: '',
      bgcolor: '',
      rst: '',
      redirect_uri: 'http://localhost:8080/any/path?x=1',
      appid: WEBSITE.appid,
      state: 'abc',
      stylelite: '1',
      fast_login: '0',
    });
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/\/connect\/qrcode\/[A-Za-z0-9_-]{16}/);
  });

  it('carries redirect_uri and state unchanged into the page script', async () => {
    const state = 'a-Z_0.9~x';
    const res = await qrconnect(
      qrconnectQuery(WEBSITE, { redirect_uri: 'http://localhost:3000/cb?from=wechat', state }),
    );
    const cfg = JSON.parse(/var cfg = (\{.*?\});/.exec(res.text)?.[1] ?? 'null') as Record<
      string,
      string
    >;
    expect(cfg['redirectUri']).toBe('http://localhost:3000/cb?from=wechat');
    expect(cfg['state']).toBe(state);
  });

  it('keeps a hostile state inert inside the page script', async () => {
    const state = '</script><script>alert(1)</script>';
    const res = await qrconnect(qrconnectQuery(WEBSITE, { state }));
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('<script>alert(1)');
    const cfg = JSON.parse(/var cfg = (\{.*?\});/.exec(res.text)?.[1] ?? 'null') as {
      state: string;
    };
    expect(cfg.state).toBe(state);
  });

  it.each([
    [APPID_ERROR, 'an unknown appid', { appid: UNKNOWN_APPID }],
    [APPID_ERROR, 'no appid', { appid: undefined }],
    [
      APPID_ERROR,
      'an unknown appid with a bad scope and domain',
      { appid: UNKNOWN_APPID, scope: 'snsapi_base', redirect_uri: 'https://evil.test/' },
    ],
    [SCOPE_ERROR, 'a base scope', { scope: 'snsapi_base' }],
    [SCOPE_ERROR, 'no scope', { scope: undefined }],
    [
      SCOPE_ERROR,
      'a bad scope and a foreign domain',
      { scope: 'snsapi_userinfo', redirect_uri: 'https://evil.test/' },
    ],
    [SCOPE_ERROR, 'an Official Account appid', { appid: OA.appid }],
    [REDIRECT_ERROR, 'a foreign redirect domain', { redirect_uri: 'https://evil.test/cb' }],
    [REDIRECT_ERROR, 'a look-alike domain', { redirect_uri: 'http://localhost.evil.test/cb' }],
    [REDIRECT_ERROR, 'no redirect_uri', { redirect_uri: undefined }],
    [
      REDIRECT_ERROR,
      'a javascript: redirect_uri',
      { redirect_uri: 'javascript:alert(1)//localhost' },
    ],
  ] as const)('shows 「%s」 as an HTML page for %s', async (message, _label, change) => {
    const query: Record<string, string> = {};
    for (const [key, value] of Object.entries({ ...qrconnectQuery(), ...change })) {
      if (value !== undefined) query[key] = value;
    }
    const before = (await get(`${base()}/__mock/qr`)).json<{ sessions: unknown[] }>().sessions;
    const res = await qrconnect(query);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.text).toContain(`<h3 class="weui-msg__title">${message}</h3>`);
    for (const other of [APPID_ERROR, SCOPE_ERROR, REDIRECT_ERROR].filter((m) => m !== message)) {
      expect(res.text).not.toContain(other);
    }
    expect(res.text).not.toContain('/connect/qrcode/');
    const after = (await get(`${base()}/__mock/qr`)).json<{ sessions: unknown[] }>().sessions;
    expect(after).toHaveLength(before.length);
  });

  it('renders the error page in English for lang=en, keeping the wording', async () => {
    const res = await qrconnect({ ...qrconnectQuery(), appid: UNKNOWN_APPID, lang: 'en' });
    expect(res.text).toContain('<html lang="en">');
    expect(res.text).toContain(`<h3 class="weui-msg__title">${APPID_ERROR}</h3>`);
  });
});

describe('GET /connect/qrcode/:uuid', () => {
  it('serves a PNG that decodes to <origin>/connect/confirm?uuid=<uuid>', async () => {
    const uuid = await openQrSession(base());
    const res = await fetch(`${base()}/connect/qrcode/${uuid}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const png = new Uint8Array(await res.arrayBuffer());
    expect(decodeQrPng(png)).toBe(`${base()}/connect/confirm?uuid=${uuid}`);
  });

  it('does not count loading the image as a scan', async () => {
    const uuid = await openQrSession(base());
    await fetch(`${base()}/connect/qrcode/${uuid}`).then((res) => res.arrayBuffer());
    expect(await sessionStatus(uuid)).toBe('waiting');
  });

  it('answers 404 with an empty body for an unknown uuid', async () => {
    const res = await get(`${base()}/connect/qrcode/AAAAAAAAAAAAAAAA`);
    expect(res.status).toBe(404);
    expect(res.text).toBe('');
  });
});
