/**
 * Every HTML page escapes what it shows: nothing from the request (state, redirect_uri, lang,
 * uuid, user, scope, display, appid, client_id) or from the stored state it echoes can become
 * markup or script. Two passes:
 * - through `dispatch`, every GET route of every service (from the route tables) and every page of
 *   the login flows, with every parameter set to each payload: no HTML answer may carry the
 *   payload's markup unescaped;
 * - in real headless Chromium, the pages of those flows loaded with the payloads, their forms
 *   submitted and the QR login completed: `window.__xss` must never be set, in any document.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIdmock, type RunningIdmock } from '../../src/runtime/start.js';
import { launchChromium, startCallbackServer, type CallbackServer } from '../browser/support.js';
import { call, createInProcessWorld, type ServiceName } from '../fuzz/world.js';

/** Payloads for every context a value can land in: text, attribute, URL, inline script. */
const PAYLOADS = [
  `"><img src=x onerror="window.__xss=1">`,
  `'><img src=x onerror='window.__xss=1'>`,
  `</script><script>window.__xss=1</script>`,
  `<script>window.__xss=1</script>`,
  `';window.__xss=1;//`,
  `";window.__xss=1;//`,
  `\u2028window.__xss=1`,
  'javascript:window.__xss=1',
];

/** What an unescaped payload leaves in a page. */
const MARKUP = /<img src=x|<script>window\.__xss/;

const PARAMS = [
  'appid',
  'redirect_uri',
  'response_type',
  'scope',
  'state',
  'lang',
  'self_redirect',
  'uuid',
  'user',
  'action',
  'client_id',
  'which',
  'display',
  'fmt',
  'access_token',
  'oauth_consumer_key',
  'openid',
  'code',
  'tn',
];

const WEB = 'wx1a2b3c4d5e6f7081';
const OA = 'wx4d5e6f708192a3b4';
const QQ = { client_id: '101364207', redirect_uri: 'http://localhost:3000/auth/qq/callback' };

function qs(params: Record<string, string>): string {
  return new URLSearchParams(params).toString();
}

/** Pages of the login flows with a payload in every value the flow still accepts. */
function flowPages(payload: string, uuid: string): { service: ServiceName; path: string }[] {
  return [
    {
      service: 'wechat',
      path: `/connect/qrconnect?${qs({ appid: WEB, redirect_uri: `http://localhost/cb?p=${payload}`, response_type: 'code', scope: 'snsapi_login', state: payload, lang: payload, self_redirect: payload })}`,
    },
    {
      service: 'wechat',
      path: `/connect/qrconnect?${qs({ appid: WEB, redirect_uri: 'http://localhost/cb', scope: 'snsapi_login', state: payload, lang: 'en' })}`,
    },
    { service: 'wechat', path: `/connect/qrconnect?${qs({ appid: payload, lang: payload })}` },
    { service: 'wechat', path: `/connect/confirm?${qs({ uuid, lang: payload })}` },
    { service: 'wechat', path: `/connect/confirm?${qs({ uuid: payload })}` },
    {
      service: 'wechat',
      path: `/connect/oauth2/authorize?${qs({ appid: OA, redirect_uri: `http://localhost/oa?x=${payload}`, response_type: 'code', scope: 'snsapi_userinfo', state: payload, lang: payload })}`,
    },
    {
      service: 'wechat',
      path: `/connect/oauth2/authorize?${qs({ appid: payload, redirect_uri: payload, scope: payload })}`,
    },
    {
      service: 'qq',
      path: `/oauth2.0/authorize?${qs({ response_type: 'code', ...QQ, state: payload, scope: payload, display: payload, lang: payload })}`,
    },
    {
      service: 'qq',
      path: `/oauth2.0/show?${qs({ which: 'Login', response_type: 'token', ...QQ, state: payload, display: 'mobile', lang: 'en' })}`,
    },
    {
      service: 'qq',
      path: `/oauth2.0/authorize?${qs({ response_type: 'code', client_id: payload })}`,
    },
    { service: 'qq', path: `/oauth2.0/show?${qs({ which: payload })}` },
    {
      service: 'qq',
      path: `/user/get_user_info?${qs({ access_token: 'A', oauth_consumer_key: payload, openid: 'B' })}`,
    },
    { service: 'auth', path: `/__mock/dashboard?${qs({ lang: payload })}` },
  ];
}

describe('pages through dispatch', () => {
  it.each(['wechat', 'qq', 'auth'] as const)(
    'escapes every payload in every %s GET route',
    async (name) => {
      const world = await createInProcessWorld();
      const service = world.services[name];
      let pages = 0;
      for (const route of service.routes.filter((r) => r.method === 'GET')) {
        for (const payload of PAYLOADS) {
          const path = route.path.replace(/:[^/]+/g, encodeURIComponent(payload));
          const query = qs(Object.fromEntries(PARAMS.map((param) => [param, payload])));
          const res = await call(service, 'GET', `${path}?${query}`);
          if (!(res.headers['content-type'] ?? '').startsWith('text/html')) continue;
          pages++;
          expect(res.text, `${route.path} with ${payload}`).not.toMatch(MARKUP);
        }
      }
      expect(pages).toBeGreaterThan(0);
    },
  );

  it('escapes every payload in the pages of the login flows', async () => {
    const world = await createInProcessWorld();
    const xml = await call(
      world.services.wechat,
      'GET',
      `/connect/qrconnect?${qs({ appid: WEB, redirect_uri: 'http://localhost/cb', scope: 'snsapi_login', f: 'xml' })}`,
    );
    const uuid = /CDATA\[([^\]]+)\]/.exec(xml.text)?.[1] ?? '';
    for (const payload of PAYLOADS) {
      for (const page of flowPages(payload, uuid)) {
        const res = await call(world.services[page.service], 'GET', page.path);
        expect(res.status, page.path).toBeLessThan(500);
        expect(res.text, page.path).not.toMatch(MARKUP);
      }
    }
  });
});

describe('pages in Chromium', () => {
  let idmock: RunningIdmock;
  let browser: Browser;
  let callback: CallbackServer;
  const fired: string[] = [];

  beforeAll(async () => {
    idmock = await startIdmock({ wechat: { longPollHoldSeconds: 1 } });
    callback = await startCallbackServer();
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser.close();
    await callback.close();
    await idmock.stop();
  });

  /** A page that reports any write of `window.__xss`, in this document or any it navigates to. */
  async function watchedPage(): Promise<Page> {
    const page = await browser.newPage();
    page.setDefaultTimeout(10_000);
    await page.exposeFunction('__reportXss', (where: string) => {
      fired.push(where);
    });
    await page.addInitScript(`Object.defineProperty(window, '__xss', {
      configurable: false,
      set: () => { window.__reportXss(location.href); },
      get: () => undefined,
    });`);
    return page;
  }

  function base(service: ServiceName): string {
    return idmock.urls[service] ?? '';
  }

  it('notices a payload that runs (the watch works)', async () => {
    const page = await watchedPage();
    await page.goto(`${callback.origin}/probe`);
    await page.evaluate('window.__xss = 1');
    await page.close();
    expect(fired).toHaveLength(1);
    fired.length = 0;
  });

  it('runs no payload on any page of the login flows', async () => {
    const xml = await fetch(
      `${base('wechat')}/connect/qrconnect?${qs({ appid: WEB, redirect_uri: 'http://localhost/cb', scope: 'snsapi_login', f: 'xml' })}`,
    );
    const uuid = /CDATA\[([^\]]+)\]/.exec(await xml.text())?.[1] ?? '';
    const page = await watchedPage();
    for (const payload of PAYLOADS.slice(0, 5)) {
      for (const target of flowPages(payload, uuid)) {
        await page.goto(`${base(target.service)}${target.path}`, { waitUntil: 'load' });
      }
    }
    await page.close();
    expect(fired).toEqual([]);
  }, 120_000);

  it('runs no payload when the forms are submitted and the QR login completes', async () => {
    const payload = PAYLOADS[0] ?? '';
    // QQ: the login page posts its hidden fields back and is redirected to the callback, on a
    // registered port nothing listens on here: the request it makes is enough.
    const qq = await watchedPage();
    await qq.goto(
      `${base('qq')}/oauth2.0/authorize?${qs({ response_type: 'code', ...QQ, state: payload, scope: payload })}`,
    );
    const [sent] = await Promise.all([qq.waitForRequest(/localhost:3000/), qq.click('#agree')]);
    expect(new URL(sent.url()).searchParams.get('state')).toBe(payload);
    await qq.close();
    const page = await watchedPage();
    // WeChat OA: the consent page posts back, then the redirect.
    await page.goto(
      `${base('wechat')}/connect/oauth2/authorize?${qs({ appid: OA, redirect_uri: `${callback.origin}/oa`, response_type: 'code', scope: 'snsapi_userinfo', state: payload })}`,
    );
    await Promise.all([page.waitForURL(/\/oa\?code=/), page.click('#allow')]);
    // WeChat QR: the desktop page polls until the phone confirms, then builds the callback URL.
    await page.goto(
      `${base('wechat')}/connect/qrconnect?${qs({ appid: WEB, redirect_uri: `${callback.origin}/cb`, scope: 'snsapi_login', state: payload })}`,
    );
    const src = await page.locator('img.js_qrcode_img').getAttribute('src');
    const phone = await watchedPage();
    await phone.goto(
      `${base('wechat')}/connect/confirm?${qs({ uuid: src?.split('/').pop() ?? '', lang: payload })}`,
    );
    await phone.click('#agree');
    await page.waitForURL(/\/cb\?code=/, { timeout: 15_000 });
    await phone.close();
    await page.close();
    expect(fired).toEqual([]);
  }, 60_000);
});
