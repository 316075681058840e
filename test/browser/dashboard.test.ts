/**
 * The dashboard as a person watches it, in real headless Chromium: the page stays open while a
 * game connects over REST and a desktop page runs a WeChat QR login, and both show up on it
 * without a reload. Screenshots land in `test-artifacts/screenshots/dashboard-*.png`.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useIdmock } from '../support/idmock.js';
import {
  closeClientsAfterEach,
  restTransport,
  SEEDED,
  wechatLogin,
} from '../auth-server/support.js';
import { decodeQrOnPage, launchChromium, screenshot } from './support.js';

/** The seeded website app of the QR login, whose callback domain is `localhost`. */
const WEBSITE_APPID = 'wx1a2b3c4d5e6f7081';

// Short holds keep shutdown quick; the QR page re-polls on every 408 like the real one.
const idmock = useIdmock({
  services: ['wechat', 'qq', 'auth'],
  wechat: { longPollHoldSeconds: 3 },
});
closeClientsAfterEach();

let browser: Browser | undefined;
let context: BrowserContext;

beforeAll(async () => {
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  context.setDefaultTimeout(10_000);
});

afterAll(async () => {
  await browser?.close();
});

function authUrl(): string {
  return idmock.current.urls.auth!;
}

/** Opens the dashboard and waits for its first refresh (the journal is filled by the script). */
async function openDashboard(query = ''): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${authUrl()}/__mock/dashboard${query}`);
  await page.locator('#journal-rows tr:not(.empty), #journal-rows tr.empty').first().waitFor();
  await page.waitForFunction(`document.getElementById('live').className === 'live'`);
  // A marker that a reload would wipe: proves the updates arrive in place.
  await page.evaluate('window.__stillTheSamePage = true');
  return page;
}

async function stillTheSamePage(page: Page): Promise<unknown> {
  return page.evaluate('window.__stillTheSamePage');
}

describe('the dashboard in Chromium', { timeout: 60_000 }, () => {
  it('shows the seeded world, then a new player and its WC identity without a reload', async () => {
    const page = await openDashboard();
    await expect(page.locator('h1').innerText()).resolves.toBe('idmock 控制台');
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('zh-CN');
    for (const service of ['auth', 'wechat', 'qq']) {
      await expect(
        page.locator(`[data-service="${service}"]`).getAttribute('data-status'),
      ).resolves.toBe('ok');
    }
    const seeded = page.locator(`[data-player-id="${SEEDED.wechatLinked.id}"]`);
    await expect(seeded.locator('[data-system="WC"]').innerText()).resolves.toContain('张伟');
    await expect(page.locator('#world').innerText()).resolves.toContain('Acme 官网登录');
    await screenshot(page, 'dashboard-01-seeded');

    const token = await wechatLogin(idmock.current, 'li-na');
    const client = await restTransport.connect(authUrl());
    const created = await client.send({ '@class': '.WeChatConnectRequest', ...token });
    expect(created).toMatchObject({ newPlayer: true, displayName: '李娜' });

    const row = page.locator(`[data-player-id="${created.userId}"]`);
    const identity = row.locator('[data-system="WC"]');
    await identity.waitFor();
    await expect(identity.innerText()).resolves.toMatch(/^WC\s/);
    await expect(identity.innerText()).resolves.toContain('李娜');
    await expect(identity.locator('.mono').getAttribute('title')).resolves.toBe(token.openId);
    await expect(row.innerText()).resolves.toContain('李娜');

    // The connect request and the WeChat calls it made, and the token it checked.
    await page.locator('#journal-rows tr[data-route="auth.rest"]').first().waitFor();
    await page.locator('#journal-rows tr[data-route="wechat.checkAccessToken"]').first().waitFor();
    await page.locator('#journal-rows tr[data-route="wechat.getUserInfo"]').first().waitFor();
    const accessToken = page
      .locator('[data-grant-service="wechat"][data-grant-kind="access_token"]')
      .first();
    await expect(accessToken.innerText()).resolves.toContain('李娜');
    await expect(accessToken.innerText()).resolves.toMatch(/1 小时 59 分|2 小时/);
    expect(await stillTheSamePage(page)).toBe(true);
    await screenshot(page, 'dashboard-02-new-player');
    await page.close();
  });

  it('follows a QR session from waiting to scanned when the phone opens its URL', async () => {
    const page = await openDashboard();
    const desktop = await context.newPage();
    const query = new URLSearchParams({
      appid: WEBSITE_APPID,
      redirect_uri: 'http://localhost/callback',
      response_type: 'code',
      scope: 'snsapi_login',
      state: 'dashboard-qr',
    });
    // Not `load`: the page's first long-poll script can hold the load event for a whole hold.
    await desktop.goto(`${idmock.current.urls.wechat!}/connect/qrconnect?${query.toString()}`, {
      waitUntil: 'domcontentloaded',
    });
    const phoneUrl = await decodeQrOnPage(desktop);
    const uuid = new URL(phoneUrl).searchParams.get('uuid') ?? '';
    expect(uuid).not.toBe('');

    const session = page.locator(`[data-qr-uuid="${uuid}"]`);
    await page.locator(`[data-qr-uuid="${uuid}"][data-status="waiting"]`).waitFor();
    await expect(session.innerText()).resolves.toContain('等待扫码');
    await expect(session.innerText()).resolves.toContain('Acme 官网登录');
    await expect(session.innerText()).resolves.toContain('dashboard-qr');

    const phone = await context.newPage();
    await phone.goto(phoneUrl);
    await page.locator(`[data-qr-uuid="${uuid}"][data-status="scanned"]`).waitFor();
    await expect(session.innerText()).resolves.toContain('已扫码');
    await page.locator('#journal-rows tr[data-route="wechat.phoneConfirmPage"]').first().waitFor();
    expect(await stillTheSamePage(page)).toBe(true);
    await page.locator('#qr').scrollIntoViewIfNeeded();
    await screenshot(page, 'dashboard-03-qr-scanned');
    await Promise.all([desktop.close(), phone.close()]);
    await page.close();
  });

  it('switches to English and back', async () => {
    const page = await openDashboard();
    await expect(page.locator('#switch_lang').innerText()).resolves.toBe('English');
    await page.locator('#switch_lang').click();
    await page.waitForURL((url) => url.searchParams.get('lang') === 'en');
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
    await expect(page.locator('h1').innerText()).resolves.toBe('idmock dashboard');
    await page.waitForFunction(`document.getElementById('live').textContent === 'Live'`);
    await expect(page.locator('#players h2').innerText()).resolves.toContain('Players');
    await screenshot(page, 'dashboard-04-english');
    await page.locator('#switch_lang').click();
    await page.waitForURL((url) => url.searchParams.get('lang') === 'cn');
    await expect(page.locator('h1').innerText()).resolves.toBe('idmock 控制台');
    await page.close();
  });
});
