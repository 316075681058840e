/**
 * Website QR login end to end, played the way a browser and a phone play it, with nothing but the
 * pages themselves to go on:
 *
 * 1. The relying party sends the browser to `/connect/qrconnect`; the page shows a QR image.
 * 2. The phone reads the QR image and opens the URL it holds (that is the scan).
 * 3. The page's long-poll sees 404; the phone submits the page's own form to agree.
 * 4. The long-poll (`last=404`) sees 405 and the code; the page script builds the callback URL
 *    `redirect_uri(?|&)code=…&state=…` and navigates there.
 * 5. The relying party exchanges the code and reads the profile. A second exchange of the same
 *    code fails with 40163, as WeChat answers a callback that is hit twice.
 */
import { describe, expect, it } from 'vitest';
import { get, postForm, useIdmock } from '../../support/idmock.js';
import {
  decodeQrPng,
  exchange,
  expectApiError,
  parseForm,
  poll,
  pollBody,
  qrconnectQuery,
  url,
  userinfo,
  WEBSITE,
  type TokenBody,
} from './support.js';

const idmock = useIdmock({ services: ['wechat'], wechat: { longPollHoldSeconds: 5 } });
const base = (): string => idmock.current.urls.wechat ?? '';

/** The redirect the page script builds on 405 (see `go()` in the page). */
function pageRedirect(cfg: { redirectUri: string; state: string }, code: string): string {
  let h = cfg.redirectUri;
  h += (h.includes('?') ? '&' : '?') + 'code=' + code + '&state=' + cfg.state;
  return h;
}

describe('GET /connect/qrconnect through GET /sns/userinfo', () => {
  it('goes from the QR page to the profile, and the code works only once', async () => {
    const redirectUri = 'http://localhost:3000/auth/wechat/callback?from=qr';
    const state = 'csrf_7f3a-9b';

    // 1. The browser loads the QR page and its image.
    const page = await get(
      url(
        base(),
        '/connect/qrconnect',
        qrconnectQuery(WEBSITE, { redirect_uri: redirectUri, state }),
      ),
    );
    expect(page.status).toBe(200);
    const src = /<img\b[^>]*\bsrc="(\/connect\/qrcode\/[A-Za-z0-9_-]{16})"/.exec(page.text)?.[1];
    expect(src).toBeDefined();
    const uuid = src?.split('/').pop() ?? '';
    const cfg = JSON.parse(/var cfg = (\{.*?\});/.exec(page.text)?.[1] ?? 'null') as {
      uuid: string;
      redirectUri: string;
      state: string;
    };
    expect(cfg.uuid).toBe(uuid);
    const image = await fetch(new URL(src ?? '', base()));
    const confirmUrl = decodeQrPng(new Uint8Array(await image.arrayBuffer()));

    // 2. The phone opens what the QR code holds.
    const phonePage = await get(confirmUrl);
    expect(phonePage.status).toBe(200);

    // 3. The desktop's first poll sees the scan; the phone agrees through the page's form.
    expect((await poll(base(), uuid)).text).toBe(pollBody(404));
    const form = parseForm(phonePage.text);
    expect(form.method).toBe('POST');
    const submitted = await postForm(
      new URL(form.action, confirmUrl).href,
      form.fieldsFor('agree'),
    );
    expect(submitted.status).toBe(200);

    // 4. The next poll (last=404, as the page sends it) carries the code.
    const answer = await poll(base(), uuid, '404');
    expect(answer.headers.get('content-type')).toBe('text/javascript');
    const code = /^window\.wx_errcode=405;window\.wx_code='(0[A-Za-z0-9]{31})';$/.exec(
      answer.text,
    )?.[1];
    expect(code, answer.text).toBeDefined();
    const callback = new URL(pageRedirect(cfg, code ?? ''));
    expect(callback.href).toBe(`${redirectUri}&code=${code ?? ''}&state=${state}`);

    // 5. The relying party's server side.
    const tokenRes = await exchange(base(), WEBSITE, callback.searchParams.get('code') ?? '');
    const tokens = tokenRes.json<TokenBody>();
    expect(tokens).toMatchObject({ expires_in: 7200, scope: 'snsapi_login' });
    const profile = await userinfo(base(), tokens);
    expect(profile.json()).toMatchObject({ openid: tokens.openid, nickname: '张伟', sex: 0 });

    expectApiError(
      await exchange(base(), WEBSITE, callback.searchParams.get('code') ?? ''),
      40163,
      'code been used',
    );
  });
});
