/**
 * The phone side of website QR login: opening the QR link is the scan (the desktop sees 404), and
 * the page's form posts the decision (agree → 405 with a code, cancel → 403).
 */
import { describe, expect, it } from 'vitest';
import { get, postForm, useIdmock } from '../../support/idmock.js';
import {
  advance,
  openQrSession,
  parseForm,
  poll,
  pollBody,
  qrControl,
  resetClock,
} from './support.js';

const idmock = useIdmock({ services: ['wechat'], wechat: { longPollHoldSeconds: 0.3 } });
const base = (): string => idmock.current.urls.wechat ?? '';
const confirmPage = (uuid: string, lang?: string) =>
  get(`${base()}/connect/confirm?uuid=${uuid}${lang === undefined ? '' : `&lang=${lang}`}`);

async function status(uuid: string): Promise<{ status: string; personaId: string | null }> {
  return (await get(`${base()}/__mock/qr/${uuid}`)).json();
}

describe('GET /connect/confirm', () => {
  it('counts as the scan and shows the persona choice with agree and cancel', async () => {
    const uuid = await openQrSession(base());
    const res = await confirmPage(uuid);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.text).toContain('Acme 官网登录 申请使用你的微信帐号登录');
    const form = parseForm(res.text);
    expect(form).toMatchObject({ action: '/connect/confirm', method: 'POST' });
    expect(form.fieldsFor('agree')).toEqual({
      uuid,
      lang: 'cn',
      user: 'zhang-wei',
      action: 'agree',
    });
    expect(form.fieldsFor('cancel')).toMatchObject({ action: 'cancel' });
    expect(await status(uuid)).toEqual(expect.objectContaining({ status: 'scanned' }));
    expect((await poll(base(), uuid)).text).toBe(pollBody(404));
  });

  it('pre-selects the persona who scanned through the mock API', async () => {
    const uuid = await openQrSession(base());
    await qrControl(base(), uuid, 'scan', { user: 'li-na' });
    const form = parseForm((await confirmPage(uuid)).text);
    expect(form.fieldsFor('agree')['user']).toBe('li-na');
  });

  it('speaks English for lang=en', async () => {
    const uuid = await openQrSession(base());
    const res = await confirmPage(uuid, 'en');
    expect(res.text).toContain('wants to log in with your WeChat account');
    expect(parseForm(res.text).fieldsFor('agree')['lang']).toBe('en');
  });

  it('shows the expired page for an unknown uuid', async () => {
    const res = await confirmPage('AAAAAAAAAAAAAAAA');
    expect(res.status).toBe(200);
    expect(res.text).toContain('二维码已失效');
    expect(res.text).not.toContain('<form');
  });

  it('shows the expired page once the QR code has expired on the mock clock', async () => {
    const uuid = await openQrSession(base());
    await advance(base(), '11m');
    try {
      const res = await confirmPage(uuid);
      expect(res.text).toContain('二维码已失效');
      expect((await status(uuid)).status).toBe('expired');
    } finally {
      await resetClock(base());
    }
  });
});

describe('POST /connect/confirm', () => {
  it('agrees: the desktop poll answers 405 with the code', async () => {
    const uuid = await openQrSession(base());
    const form = parseForm((await confirmPage(uuid)).text);
    const res = await postForm(`${base()}${form.action}`, {
      ...form.fieldsFor('agree'),
      user: 'li-na',
    });
    expect(res.status).toBe(200);
    expect(res.text).toContain('已确认登录');
    expect(await status(uuid)).toEqual(
      expect.objectContaining({ status: 'confirmed', personaId: 'li-na' }),
    );
    expect((await poll(base(), uuid, '404')).text).toMatch(
      /^window\.wx_errcode=405;window\.wx_code='0[A-Za-z0-9]{31}';$/,
    );
  });

  it('cancels: the desktop poll answers 403', async () => {
    const uuid = await openQrSession(base());
    const form = parseForm((await confirmPage(uuid)).text);
    const res = await postForm(`${base()}${form.action}`, form.fieldsFor('cancel'));
    expect(res.status).toBe(200);
    expect(res.text).toContain('已取消登录');
    expect((await poll(base(), uuid, '404')).text).toBe(pollBody(403));
  });

  it('refuses an unknown persona or action with 400 and leaves the session scanned', async () => {
    const uuid = await openQrSession(base());
    const fields = parseForm((await confirmPage(uuid)).text).fieldsFor('agree');
    for (const change of [{ user: 'nobody' }, { action: 'explode' }]) {
      const res = await postForm(`${base()}/connect/confirm`, { ...fields, ...change });
      expect(res.status).toBe(400);
      expect(res.text).toContain('二维码已失效');
    }
    expect((await status(uuid)).status).toBe('scanned');
  });

  it('shows the expired page for a session whose code was already handed out', async () => {
    const uuid = await openQrSession(base());
    const fields = parseForm((await confirmPage(uuid)).text).fieldsFor('agree');
    await postForm(`${base()}/connect/confirm`, fields);
    await poll(base(), uuid, '404');
    const again = await postForm(`${base()}/connect/confirm`, fields);
    expect(again.status).toBe(200);
    expect(again.text).toContain('二维码已失效');
    expect((await status(uuid)).status).toBe('delivered');
  });

  it('shows the expired page for an unknown uuid', async () => {
    const res = await postForm(`${base()}/connect/confirm`, {
      uuid: 'AAAAAAAAAAAAAAAA',
      user: 'zhang-wei',
      action: 'agree',
    });
    expect(res.status).toBe(200);
    expect(res.text).toContain('二维码已失效');
  });
});
