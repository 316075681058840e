/**
 * Browser test support: the system Chromium driven by playwright-core, a local callback server
 * standing in for the relying party, QR decoding from rendered pixels, and screenshots kept as
 * test artifacts.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import jsqr from 'jsqr';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PNG } from 'pngjs';

/** The Debian package's binary; CI installs it with apt-get, we never download a browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Where screenshots of each step are kept. */
export const SCREENSHOT_DIR = join(process.cwd(), 'test-artifacts', 'screenshots');

/** Launches headless system Chromium, or fails saying how to install it. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}; the browser tests need the Debian package ` +
        '(`apt-get install -y chromium`, which .ci/run does when it is missing).',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** One request the callback server received. */
export interface CallbackHit {
  readonly url: URL;
  /** The request target exactly as the browser sent it. */
  readonly rawPath: string;
}

/** The relying party's callback endpoint, listening on loopback. */
export interface CallbackServer {
  /** Base URL on `localhost`, the registered callback domain of the seeded website app. */
  readonly origin: string;
  readonly hits: readonly CallbackHit[];
  close(): Promise<void>;
}

/** Starts a callback server on a free port; it answers every request with a small page. */
export async function startCallbackServer(): Promise<CallbackServer> {
  const hits: CallbackHit[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const rawPath = req.url ?? '/';
    hits.push({ url: new URL(rawPath, 'http://localhost'), rawPath });
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!DOCTYPE html><title>callback</title><h1 id="callback">callback received</h1>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://localhost:${port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

/** Selector of the QR image on the desktop qrconnect page. */
export const QR_IMAGE = 'img.js_qrcode_img';

/**
 * Waits until the page's QR image has loaded, screenshots it and decodes the pixels: the result is
 * what a phone camera would read, not what the server meant to encode.
 */
export async function decodeQrOnPage(page: Page): Promise<string> {
  await page.waitForFunction(
    `(() => { const img = document.querySelector(${JSON.stringify(QR_IMAGE)});
      return img !== null && img.complete && img.naturalWidth > 0; })()`,
  );
  const png = PNG.sync.read(await page.locator(QR_IMAGE).screenshot());
  // jsqr is CommonJS: under NodeNext its `export default` is the `default` property.
  const decoded = jsqr.default(new Uint8ClampedArray(png.data), png.width, png.height);
  if (decoded === null) throw new Error('the QR image on the page does not decode');
  return decoded.data;
}

/** Saves a full-page screenshot as `test-artifacts/screenshots/<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}
