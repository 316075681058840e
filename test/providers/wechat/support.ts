/**
 * Helpers for the WeChat tests: the seeded apps, wire-format patterns, and short ways to get QR
 * sessions, codes and tokens through the mock's public endpoints.
 */
import jsqr from 'jsqr';
import { PNG } from 'pngjs';
import { expect } from 'vitest';
import type { WechatContext } from '../../../src/providers/wechat/index.js';
import type { RunningIdmock } from '../../../src/runtime/start.js';
import { get, postJson, type Fetched } from '../../support/idmock.js';

/** A seeded WeChat app as the tests use it (from `mock-providers/wechat/seed.json`). */
export interface TestApp {
  readonly appid: string;
  readonly secret: string;
  /** A redirect_uri on the app's registered callback domain. */
  readonly redirectUri: string;
}

/** Website app on the `acme-games` open-platform account; callback domain `localhost`. */
export const WEBSITE: TestApp = {
  appid: 'wx1a2b3c4d5e6f7081',
  secret: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  redirectUri: 'http://localhost:3000/auth/wechat/callback',
};

/** A second website app on the same account; callback domain `shop.example.test`. */
export const SHOP: TestApp = {
  appid: 'wx2b3c4d5e6f708192',
  secret: '1e2d3c4b5a69788796a5b4c3d2e1f00f',
  redirectUri: 'https://shop.example.test/wechat/callback',
};

/** Mobile app on the same account (codes come from the SDK, here `POST /__mock/authorize`). */
export const MOBILE: TestApp = {
  appid: 'wx3c4d5e6f708192a3',
  secret: '2d3c4b5a69788796a5b4c3d2e1f00f1e',
  redirectUri: '',
};

/** Official Account on the same account; callback domain `localhost`. */
export const OA: TestApp = {
  appid: 'wx4d5e6f708192a3b4',
  secret: '3c4b5a69788796a5b4c3d2e1f00f1e2d',
  redirectUri: 'http://localhost:3000/auth/wechat/oa',
};

/** Website app with no open-platform account: never any unionid. */
export const STANDALONE: TestApp = {
  appid: 'wx5e6f708192a3b4c5',
  secret: '4b5a69788796a5b4c3d2e1f00f1e2d3c',
  redirectUri: 'http://localhost:3000/auth/wechat/standalone',
};

/** A well-formed appid that no app has. */
export const UNKNOWN_APPID = 'wx0000000000000000';

/** The `, rid: <hex time>-<hex8>-<hex8>` suffix the mock appends by default. */
export const RID = ', rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}';
/** An access or refresh token: `86_` and 104 base64url characters. */
export const TOKEN = '86_[A-Za-z0-9_-]{104}';
/** An openid or unionid: `o` and 27 base64url characters. */
export const OPENID = 'o[A-Za-z0-9_-]{27}';

/** Escapes text for use inside a RegExp. */
export function reEscape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The exact error body: `{"errcode":N,"errmsg":"<msg>, rid: …"}`. */
export function errorPattern(errcode: number, errmsg: string): RegExp {
  return new RegExp(`^\\{"errcode":${errcode},"errmsg":"${reEscape(errmsg)}${RID}"\\}$`);
}

/** Asserts a WeChat API error: HTTP 200 (unless given), bare `text/plain`, the exact body. */
export function expectApiError(res: Fetched, errcode: number, errmsg: string, status = 200): void {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('content-type')).toBe('text/plain');
  expect(res.text).toMatch(errorPattern(errcode, errmsg));
}

/** Replaces the volatile parts of a body (rid, tokens, codes) with placeholders. */
export function mask(text: string): string {
  return text
    .replace(/, rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}/g, ', rid: <rid>')
    .replace(/\b86_[A-Za-z0-9_-]{104}/g, '<token>')
    .replace(/\b0[A-Za-z0-9]{31}\b/g, '<code>');
}

/** Builds `base + path?query`. */
export function url(base: string, path: string, query: Record<string, string> = {}): string {
  const search = new URLSearchParams(query).toString();
  return `${base}${path}${search === '' ? '' : `?${search}`}`;
}

/** The qrconnect query a website login button opens. */
export function qrconnectQuery(
  app: TestApp = WEBSITE,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    appid: app.appid,
    redirect_uri: app.redirectUri,
    response_type: 'code',
    scope: 'snsapi_login',
    state: 'st4te',
    ...extra,
  };
}

/** Opens a QR session through the `f=xml` variant and returns its uuid. */
export async function openQrSession(
  base: string,
  app: TestApp = WEBSITE,
  extra: Record<string, string> = {},
): Promise<string> {
  const res = await get(
    url(base, '/connect/qrconnect', qrconnectQuery(app, { ...extra, f: 'xml' })),
  );
  const match = /<uuid><!\[CDATA\[([A-Za-z0-9_-]{16})\]\]><\/uuid>/.exec(res.text);
  expect(match, res.text).not.toBeNull();
  return match?.[1] ?? '';
}

/** The scope a login with this app asks for by default. */
function defaultScope(app: TestApp): string {
  return app === OA || app === MOBILE ? 'snsapi_userinfo' : 'snsapi_login';
}

/** Headless consent (`POST /__mock/authorize`); returns the parsed answer. */
export async function authorize(
  base: string,
  app: TestApp = WEBSITE,
  options: { user?: string; scope?: string; state?: string; redirectUri?: string } = {},
): Promise<{ code: string; location: string; openid: string }> {
  const res = await postJson(`${base}/__mock/authorize`, {
    appid: app.appid,
    ...(app.redirectUri === '' ? {} : { redirect_uri: options.redirectUri ?? app.redirectUri }),
    scope: options.scope ?? defaultScope(app),
    state: options.state ?? 'test',
    user: options.user ?? 'zhang-wei',
  });
  expect(res.status, res.text).toBe(200);
  return res.json();
}

/** A fresh code for an app and persona. */
export async function obtainCode(
  base: string,
  app: TestApp = WEBSITE,
  user = 'zhang-wei',
  scope = defaultScope(app),
): Promise<string> {
  return (await authorize(base, app, { user, scope })).code;
}

/** The code-exchange parameters. */
export function codeParams(app: TestApp, code: string): Record<string, string> {
  return { appid: app.appid, secret: app.secret, code, grant_type: 'authorization_code' };
}

/** `GET /sns/oauth2/access_token` for a code. */
export function exchange(base: string, app: TestApp, code: string): Promise<Fetched> {
  return get(url(base, '/sns/oauth2/access_token', codeParams(app, code)));
}

/** The token answer's fields. */
export interface TokenBody {
  access_token: string;
  expires_in: number;
  refresh_token: string;
  openid: string;
  scope: string;
  unionid?: string;
}

/** A fresh code exchanged for tokens. */
export async function obtainTokens(
  base: string,
  app: TestApp = WEBSITE,
  user = 'zhang-wei',
  scope = defaultScope(app),
): Promise<TokenBody> {
  const res = await exchange(base, app, await obtainCode(base, app, user, scope));
  expect(res.text).toMatch(/^\{"access_token"/);
  return res.json();
}

/** `GET /sns/oauth2/refresh_token`. */
export function refresh(base: string, app: TestApp, refreshToken: string): Promise<Fetched> {
  return get(
    url(base, '/sns/oauth2/refresh_token', {
      appid: app.appid,
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    }),
  );
}

/** `GET /sns/userinfo`. */
export function userinfo(base: string, token: { access_token: string; openid: string }) {
  return get(
    url(base, '/sns/userinfo', { access_token: token.access_token, openid: token.openid }),
  );
}

/** `GET /sns/auth`. */
export function checkToken(base: string, token: { access_token: string; openid: string }) {
  return get(url(base, '/sns/auth', { access_token: token.access_token, openid: token.openid }));
}

/** `GET /connect/l/qrconnect`, the long-poll. */
export function poll(
  base: string,
  uuid: string,
  last?: string,
  signal?: AbortSignal,
): Promise<Fetched> {
  const query: Record<string, string> = { uuid };
  if (last !== undefined) query['last'] = last;
  query['_'] = String(Date.now());
  return get(url(base, '/connect/l/qrconnect', query), signal ? { signal } : {});
}

/** The exact long-poll body. */
export function pollBody(errcode: number, code = ''): string {
  return `window.wx_errcode=${errcode};window.wx_code='${code}';`;
}

/** Moves the shared mock clock forward. */
export async function advance(base: string, by: string): Promise<void> {
  const res = await postJson(`${base}/__mock/clock/advance`, { by });
  expect(res.status, res.text).toBe(200);
}

/** Returns the clock to real time. */
export async function resetClock(base: string): Promise<void> {
  const res = await postJson(`${base}/__mock/clock/reset`, {});
  expect(res.status, res.text).toBe(200);
}

/** POSTs to a mock-only QR control endpoint. */
export function qrControl(
  base: string,
  uuid: string,
  action: 'scan' | 'confirm' | 'cancel' | 'expire',
  body: Record<string, unknown> = {},
): Promise<Fetched> {
  return postJson(`${base}/__mock/qr/${uuid}/${action}`, body);
}

/** The in-process WeChat context, for reading the number of held polls. */
export function wechatContext(running: RunningIdmock): WechatContext {
  const service = running.services.wechat;
  if (!service) throw new Error('the WeChat service is not running');
  return service.context as WechatContext;
}

/** Decodes a PNG as a phone camera would and returns the text the QR code holds. */
export function decodeQrPng(bytes: Uint8Array): string {
  const png = PNG.sync.read(Buffer.from(bytes));
  // jsqr is CommonJS: under NodeNext its `export default` is the `default` property.
  const decoded = jsqr.default(new Uint8ClampedArray(png.data), png.width, png.height);
  if (decoded === null) throw new Error('the QR image does not decode');
  return decoded.data;
}

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
};

function unescapeHtml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity] ?? entity);
}

function attributes(tag: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const match of tag.matchAll(/([a-zA-Z_:-]+)(?:\s*=\s*"([^"]*)")?/g)) {
    const [, name, value] = match;
    if (name !== undefined) attrs[name.toLowerCase()] = unescapeHtml(value ?? '');
  }
  return attrs;
}

/** A parsed HTML form: its action and method, and what a browser submits for one button. */
export interface ParsedForm {
  readonly action: string;
  readonly method: string;
  /** The fields a browser sends when the button with this `value` is pressed. */
  fieldsFor(buttonValue: string): Record<string, string>;
}

/**
 * Reads the first `<form>` of a page the way a browser submits it: hidden and text inputs, checked
 * radios, and the pressed submit button's name and value.
 */
export function parseForm(page: string): ParsedForm {
  const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(page);
  if (!form) throw new Error('the page has no form');
  const formAttrs = attributes(form[1] ?? '');
  const inner = form[2] ?? '';
  const fields: [string, string][] = [];
  for (const match of inner.matchAll(/<input\b([^>]*)>/gi)) {
    const attrs = attributes(match[1] ?? '');
    const name = attrs['name'];
    if (name === undefined) continue;
    const type = (attrs['type'] ?? 'text').toLowerCase();
    if ((type === 'radio' || type === 'checkbox') && !('checked' in attrs)) continue;
    fields.push([name, attrs['value'] ?? '']);
  }
  const buttons = [...inner.matchAll(/<button\b([^>]*)>/gi)].map((m) => attributes(m[1] ?? ''));
  return {
    action: formAttrs['action'] ?? '',
    method: (formAttrs['method'] ?? 'get').toUpperCase(),
    fieldsFor(buttonValue) {
      const button = buttons.find((b) => b['value'] === buttonValue);
      if (button?.['name'] === undefined) throw new Error(`no submit button "${buttonValue}"`);
      return Object.fromEntries([...fields, [button['name'], buttonValue]]);
    },
  };
}
