/**
 * The long-poll the desktop page loads as a script: exact `window.wx_errcode=N;window.wx_code='…';`
 * bodies, `last` honoured, held polls woken by the phone, 405 handed out exactly once, 402 once
 * the QR code's life on the mock clock is over. Nothing here sleeps for a lifetime: held polls are
 * observed through the service's own count, and expiry comes from `POST /__mock/clock/advance`.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRequest } from '../../../src/core/http.js';
import { dispatch } from '../../../src/core/router.js';
import { confirmQr } from '../../../src/providers/wechat/handlers/qrconnect.js';
import { get, useIdmock } from '../../support/idmock.js';
import {
  advance,
  exchange,
  openQrSession,
  poll,
  pollBody,
  qrControl,
  resetClock,
  wechatContext,
  WEBSITE,
} from './support.js';

const CODE = /^window\.wx_errcode=405;window\.wx_code='(0[A-Za-z0-9]{31})';$/;

describe('GET /connect/l/qrconnect', () => {
  // A long hold: a poll that answers before it must have been woken by a change.
  const idmock = useIdmock({ services: ['wechat'], wechat: { longPollHoldSeconds: 30 } });
  const base = (): string => idmock.current.urls.wechat ?? '';
  const held = (): number => wechatContext(idmock.current).signals.held();
  const untilHeld = async (n: number): Promise<void> => {
    await vi.waitFor(() => {
      expect(held()).toBe(n);
    });
  };

  afterEach(async () => {
    await resetClock(base());
  });

  it('answers a scanned session at once with 404 as text/javascript', async () => {
    const uuid = await openQrSession(base());
    await qrControl(base(), uuid, 'scan', { user: 'zhang-wei' });
    const res = await poll(base(), uuid);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript');
    expect(res.text).toBe(pollBody(404));
  });

  it('wakes a held poll with 404 when the phone opens the QR link', async () => {
    const uuid = await openQrSession(base());
    const pending = poll(base(), uuid);
    await untilHeld(1);
    await get(`${base()}/connect/confirm?uuid=${uuid}`);
    expect((await pending).text).toBe(pollBody(404));
    expect(held()).toBe(0);
  });

  it('holds last=404 until the phone confirms, then answers 405 with a fresh 32-char code', async () => {
    const uuid = await openQrSession(base());
    await qrControl(base(), uuid, 'scan', { user: 'li-na' });
    const pending = poll(base(), uuid, '404');
    await untilHeld(1);
    await qrControl(base(), uuid, 'confirm');
    const res = await pending;
    const code = CODE.exec(res.text)?.[1];
    expect(code, res.text).toBeDefined();
    const token = await exchange(base(), WEBSITE, code ?? '');
    const users = (await get(`${base()}/__mock/users`)).json<{
      users: { id: string; openids: Record<string, string> }[];
    }>().users;
    const liNa = users.find((user) => user.id === 'li-na');
    expect(token.json<{ openid: string }>().openid).toBe(liNa?.openids[WEBSITE.appid]);
  });

  it('hands out 405 exactly once, then 402', async () => {
    const uuid = await openQrSession(base());
    await qrControl(base(), uuid, 'confirm', { user: 'zhang-wei' });
    expect((await poll(base(), uuid, '404')).text).toMatch(CODE);
    expect((await poll(base(), uuid, '404')).text).toBe(pollBody(402));
    expect((await poll(base(), uuid)).text).toBe(pollBody(402));
    expect((await poll(base(), uuid, '405')).text).toBe(pollBody(402));
  });

  it('gives two polls held on one session one 405 and one 402', async () => {
    const uuid = await openQrSession(base());
    await qrControl(base(), uuid, 'scan', { user: 'zhang-wei' });
    const first = poll(base(), uuid, '404');
    const second = poll(base(), uuid, '404');
    await untilHeld(2);
    await qrControl(base(), uuid, 'confirm');
    const bodies = (await Promise.all([first, second])).map((res) => res.text);
    expect(bodies.filter((body) => CODE.test(body))).toHaveLength(1);
    expect(bodies).toContain(pollBody(402));
  });

  it('answers 403 after a cancel, holds last=403, and answers 404 on a rescan', async () => {
    const uuid = await openQrSession(base());
    await qrControl(base(), uuid, 'scan', { user: 'zhang-wei' });
    await qrControl(base(), uuid, 'cancel');
    expect((await poll(base(), uuid, '404')).text).toBe(pollBody(403));
    const pending = poll(base(), uuid, '403');
    await untilHeld(1);
    await get(`${base()}/connect/confirm?uuid=${uuid}`);
    expect((await pending).text).toBe(pollBody(404));
    await qrControl(base(), uuid, 'confirm', { user: 'zhang-wei' });
    expect((await poll(base(), uuid, '404')).text).toMatch(CODE);
  });

  it('answers a held poll with 402 once the QR code expires on the mock clock', async () => {
    const uuid = await openQrSession(base());
    const pending = poll(base(), uuid);
    await untilHeld(1);
    await advance(base(), '11m');
    expect((await pending).text).toBe(pollBody(402));
    expect((await poll(base(), uuid)).text).toBe(pollBody(402));
  });

  it('keeps the one-time 405 for the next poll when the held client has gone', async () => {
    const uuid = await openQrSession(base());
    await qrControl(base(), uuid, 'scan', { user: 'zhang-wei' });
    const service = idmock.current.services.wechat;
    const session = wechatContext(idmock.current).state.qrSessions.get(uuid);
    if (!service || !session) throw new Error('no WeChat service or session');
    const controller = new AbortController();
    const pending = dispatch(
      service,
      createRequest(`http://lp.open.weixin.qq.com/connect/l/qrconnect?uuid=${uuid}&last=404`, {
        signal: controller.signal,
      }),
    );
    await untilHeld(1);
    // The browser leaves and the phone confirms before the held poll runs again.
    controller.abort();
    confirmQr(wechatContext(idmock.current), session, 'zhang-wei');
    expect((await pending).body).toBe(pollBody(408));
    expect((await poll(base(), uuid, '404')).text).toMatch(CODE);
  });

  it('answers 402 for an unknown uuid and 500 when uuid is missing', async () => {
    expect((await poll(base(), 'AAAAAAAAAAAAAAAA')).text).toBe(pollBody(402));
    const res = await get(`${base()}/connect/l/qrconnect?_=1`);
    expect(res.status).toBe(200);
    expect(res.text).toBe(pollBody(500));
  });
});

describe('GET /connect/l/qrconnect with a short hold', () => {
  const idmock = useIdmock({ services: ['wechat'], wechat: { longPollHoldSeconds: 0.3 } });
  const base = (): string => idmock.current.urls.wechat ?? '';

  it('answers 408 with an empty code when nothing changes during the hold', async () => {
    const uuid = await openQrSession(base());
    const res = await poll(base(), uuid);
    expect(res.headers.get('content-type')).toBe('text/javascript');
    expect(res.text).toBe(pollBody(408));
  });

  it('treats the scrapers’ last=404 on a waiting session as waiting', async () => {
    const uuid = await openQrSession(base());
    expect((await poll(base(), uuid, '404')).text).toBe(pollBody(408));
  });

  it('answers 408 to last=404 while the phone has scanned but not decided', async () => {
    const uuid = await openQrSession(base());
    await qrControl(base(), uuid, 'scan', { user: 'zhang-wei' });
    expect((await poll(base(), uuid, '404')).text).toBe(pollBody(408));
    expect((await poll(base(), uuid)).text).toBe(pollBody(404));
  });
});
