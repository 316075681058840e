/**
 * The WeChat website QR login as a person meets it, in real headless Chromium: the desktop page
 * shows a QR code, a second page plays the phone that scans it, and the desktop page follows the
 * long-poll to the relying party's callback. Screenshots of every step land in
 * `test-artifacts/screenshots/`.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, postJson, useIdmock } from '../support/idmock.js';
import {
  decodeQrOnPage,
  launchChromium,
  QR_IMAGE,
  screenshot,
  startCallbackServer,
  type CallbackServer,
} from './support.js';

/** The seeded website app whose registered callback domain is `localhost`. */
const APP = { appid: 'wx1a2b3c4d5e6f7081', secret: '0f1e2d3c4b5a69788796a5b4c3d2e1f0' };

// The page waits 2 s after each 408 before polling again, as the real one does, so a hold well
// over a test step keeps a poll in flight and every scan shows at once. Stopping closes held polls.
const idmock = useIdmock({ services: ['wechat'], wechat: { longPollHoldSeconds: 15 } });

let browser: Browser | undefined;
let callback: CallbackServer;
let desktop: BrowserContext;
let phone: BrowserContext;

beforeAll(async () => {
  callback = await startCallbackServer();
  browser = await launchChromium();
  desktop = await browser.newContext({ viewport: { width: 1024, height: 700 }, locale: 'zh-CN' });
  phone = await browser.newContext({
    viewport: { width: 375, height: 667 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 ' +
      '(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN',
  });
  for (const context of [desktop, phone]) context.setDefaultTimeout(10_000);
});

afterAll(async () => {
  await browser?.close();
  await callback.close();
});

function wechat(): string {
  const url = idmock.current.urls.wechat;
  if (url === undefined) throw new Error('the WeChat mock is not running');
  return url;
}

/** The relying party's callback; its query proves `code` and `state` are joined with `&`. */
function redirectUri(): string {
  return `${callback.origin}/callback?x=1`;
}

function qrConnectUrl(state: string, lang?: 'en'): string {
  const query = new URLSearchParams({
    appid: APP.appid,
    redirect_uri: redirectUri(),
    response_type: 'code',
    scope: 'snsapi_login',
    state,
  });
  if (lang !== undefined) query.set('lang', lang);
  return `${wechat()}/connect/qrconnect?${query.toString()}#wechat_redirect`;
}

/** Opens the desktop QR page and returns it with the phone URL read from the rendered QR code. */
async function openQrPage(state: string, lang?: 'en'): Promise<{ page: Page; phoneUrl: string }> {
  const page = await desktop.newPage();
  // Not `load`: the page's first long-poll script can hold the load event for a whole hold.
  await page.goto(qrConnectUrl(state, lang), { waitUntil: 'domcontentloaded' });
  const phoneUrl = await decodeQrOnPage(page);
  return { page, phoneUrl };
}

/** Plays the phone: opening the decoded URL is the scan. */
async function scan(phoneUrl: string): Promise<Page> {
  const page = await phone.newPage();
  await page.goto(phoneUrl);
  return page;
}

function uuidOf(phoneUrl: string): string {
  return new URL(phoneUrl).searchParams.get('uuid') ?? '';
}

async function exchangeForNickname(code: string): Promise<string> {
  const token = await get(
    `${wechat()}/sns/oauth2/access_token?${new URLSearchParams({
      ...APP,
      code,
      grant_type: 'authorization_code',
    }).toString()}`,
  );
  const { access_token: accessToken, openid } = token.json<{
    access_token: string;
    openid: string;
  }>();
  expect(accessToken).toEqual(expect.any(String));
  const info = await get(
    `${wechat()}/sns/userinfo?${new URLSearchParams({ access_token: accessToken, openid }).toString()}`,
  );
  return info.json<{ nickname: string }>().nickname;
}

// A real browser under a loaded CI machine needs more room than the suite's 20 s default.
describe('WeChat website QR login in Chromium', { timeout: 40_000 }, () => {
  it('redirects the desktop page to the callback once the phone confirms', async () => {
    const state = 'st-confirm_1.2~3';
    const { page, phoneUrl } = await openQrPage(state);
    await expect(page.locator('#wx_default_tip').innerText()).resolves.toContain(
      '请使用微信扫描二维码登录',
    );
    expect(phoneUrl.startsWith(`${wechat()}/connect/confirm?uuid=`)).toBe(true);
    expect(uuidOf(phoneUrl)).toMatch(/^[\w-]{16}$/);
    await screenshot(page, '01-desktop-qr');

    const mobile = await scan(phoneUrl);
    await page.locator('#wx_after_scan').waitFor({ state: 'visible' });
    await expect(page.locator('#wx_after_scan').innerText()).resolves.toContain('扫描成功');
    await expect(page.locator('#wx_default_tip').isHidden()).resolves.toBe(true);
    await screenshot(page, '02-desktop-scanned');
    await expect(mobile.locator('h2').innerText()).resolves.toBe('微信登录确认');
    await expect(mobile.locator('.card').innerText()).resolves.toContain('Acme 官网登录');

    await mobile.locator('input[name="user"][value="li-na"]').check();
    await screenshot(mobile, '03-phone-confirm');
    const redirected = page.waitForURL((url) => url.pathname === '/callback');
    await mobile.locator('#agree').click();
    await expect(mobile.locator('#result').innerText()).resolves.toBe('已确认登录');
    await screenshot(mobile, '04-phone-confirmed');
    await redirected;
    await screenshot(page, '05-desktop-callback');

    const landed = new URL(page.url());
    expect(`${landed.origin}${landed.pathname}`).toBe(`${callback.origin}/callback`);
    expect(landed.search).toMatch(/^\?x=1&code=[^&]+&state=/);
    expect(landed.searchParams.get('state')).toBe(state);
    const code = landed.searchParams.get('code') ?? '';
    expect(callback.hits.map((hit) => hit.url.searchParams.get('code'))).toContain(code);
    await expect(exchangeForNickname(code)).resolves.toBe('李娜');
    await Promise.all([page.close(), mobile.close()]);
  });

  it('shows the cancellation without redirecting, and a second scan still logs in', async () => {
    const state = 'st-cancel';
    const { page, phoneUrl } = await openQrPage(state);
    const mobile = await scan(phoneUrl);
    await page.locator('#wx_after_scan').waitFor({ state: 'visible' });

    await mobile.locator('#cancel').click();
    await expect(mobile.locator('#result').innerText()).resolves.toBe('已取消登录');
    await page.locator('#wx_after_cancel').waitFor({ state: 'visible' });
    await expect(page.locator('#wx_after_cancel').innerText()).resolves.toContain(
      '您已取消此次登录',
    );
    await screenshot(page, '06-desktop-cancelled');
    const session = await get(`${wechat()}/__mock/qr/${uuidOf(phoneUrl)}`);
    expect(session.json()).toMatchObject({ status: 'cancelled' });
    expect(new URL(page.url()).pathname).toBe('/connect/qrconnect');
    expect(callback.hits.filter((hit) => hit.url.searchParams.get('state') === state)).toEqual([]);

    // The same QR code stays scannable after a cancel, as on the real page.
    await mobile.goto(await decodeQrOnPage(page));
    await page.locator('#wx_after_scan').waitFor({ state: 'visible' });
    await mobile.locator('input[name="user"][value="zhang-wei"]').check();
    const redirected = page.waitForURL((url) => url.pathname === '/callback');
    await mobile.locator('#agree').click();
    await redirected;
    const landed = new URL(page.url());
    expect(landed.searchParams.get('state')).toBe(state);
    await expect(exchangeForNickname(landed.searchParams.get('code') ?? '')).resolves.toBe('张伟');
    await Promise.all([page.close(), mobile.close()]);
  });

  it('reloads to a new QR code when the old one expires on the mock clock', async () => {
    const { page, phoneUrl } = await openQrPage('st-expire');
    const oldSrc = await page.locator(QR_IMAGE).getAttribute('src');
    const reloaded = page.waitForEvent('domcontentloaded');
    const advanced = await postJson(`${wechat()}/__mock/clock/advance`, {
      by: `${idmock.current.config.wechat.qrTtlSeconds + 1}s`,
    });
    expect(advanced.status).toBe(200);
    await reloaded;

    const newPhoneUrl = await decodeQrOnPage(page);
    expect(uuidOf(newPhoneUrl)).not.toBe(uuidOf(phoneUrl));
    await expect(page.locator(QR_IMAGE).getAttribute('src')).resolves.not.toBe(oldSrc);
    await expect(page.locator('#wx_default_tip').isVisible()).resolves.toBe(true);
    await screenshot(page, '07-desktop-new-qr');

    const stale = await scan(phoneUrl);
    await expect(stale.locator('#result').innerText()).resolves.toBe('二维码已失效');
    await screenshot(stale, '08-phone-expired');
    const fresh = await get(`${wechat()}/__mock/qr/${uuidOf(newPhoneUrl)}`);
    expect(fresh.json()).toMatchObject({ status: 'waiting' });
    await Promise.all([page.close(), stale.close()]);
  });

  it('switches the desktop page to English and back', async () => {
    const { page, phoneUrl } = await openQrPage('st-lang');
    await expect(page.locator('#switch_lang').innerText()).resolves.toBe('English');
    await page.locator('#switch_lang').click();
    // The page's first long-poll can hold the load event; the DOM is what matters here.
    await page.waitForURL((url) => url.searchParams.get('lang') === 'en', {
      waitUntil: 'domcontentloaded',
    });
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
    await expect(page.locator('.title').innerText()).resolves.toBe('WeChat Login');
    await expect(page.locator('#wx_default_tip').innerText()).resolves.toContain(
      'Scan the QR code with WeChat to log in',
    );
    expect(uuidOf(await decodeQrOnPage(page))).not.toBe(uuidOf(phoneUrl));
    await screenshot(page, '09-desktop-english');

    const mobile = await scan(`${await decodeQrOnPage(page)}&lang=en`);
    await page.locator('#wx_after_scan').waitFor({ state: 'visible' });
    await expect(page.locator('#wx_after_scan').innerText()).resolves.toContain('Scanned');
    await expect(mobile.locator('#agree').innerText()).resolves.toBe('Log In');
    await screenshot(mobile, '10-phone-english');

    await page.locator('#switch_lang').click();
    // The page's first long-poll can hold the load event; the DOM is what matters here.
    await page.waitForURL((url) => url.searchParams.get('lang') === 'cn', {
      waitUntil: 'domcontentloaded',
    });
    await expect(page.locator('.title').innerText()).resolves.toBe('微信登录');
    await Promise.all([page.close(), mobile.close()]);
  });
});
