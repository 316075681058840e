/**
 * Held long-polls cost nothing but a socket: while 200 of them wait, the token API answers as
 * usual, and a client that goes away releases its poll at once. The assertions are about order
 * (the exchange finishes while every poll is still held), not about wall-clock thresholds.
 */
import { describe, expect, it, vi } from 'vitest';
import { get, useIdmock } from '../../support/idmock.js';
import {
  checkToken,
  exchange,
  obtainCode,
  openQrSession,
  poll,
  pollBody,
  refresh,
  userinfo,
  wechatContext,
  WEBSITE,
  type TokenBody,
} from './support.js';

const POLLS = 200;

describe('GET /connect/l/qrconnect under load', () => {
  // Short enough to end the test soon, long enough for all polls to be held at once on a busy CI.
  const idmock = useIdmock({ services: ['wechat'], wechat: { longPollHoldSeconds: 6 } });
  const base = (): string => idmock.current.urls.wechat ?? '';

  it(`keeps answering token requests while ${POLLS} polls are held`, async () => {
    const held = (): number => wechatContext(idmock.current).signals.held();
    const uuids = await Promise.all(Array.from({ length: POLLS }, () => openQrSession(base())));
    // Codes are minted before the polls start, so only the API calls race them.
    const codes = await Promise.all([obtainCode(base()), obtainCode(base()), obtainCode(base())]);
    let settled = 0;
    const polls = uuids.map((uuid) =>
      poll(base(), uuid).finally(() => {
        settled++;
      }),
    );
    await vi.waitFor(
      () => {
        expect(held()).toBe(POLLS);
      },
      { timeout: 5000, interval: 10 },
    );

    for (const code of codes) {
      const tokens = (await exchange(base(), WEBSITE, code)).json<TokenBody>();
      expect((await checkToken(base(), tokens)).text).toBe('{"errcode":0,"errmsg":"ok"}');
      expect((await userinfo(base(), tokens)).json()).toMatchObject({ openid: tokens.openid });
      expect((await refresh(base(), WEBSITE, tokens.refresh_token)).status).toBe(200);
    }
    expect((await get(`${base()}/__mock/healthz`)).status).toBe(200);
    expect(settled).toBe(0);
    expect(held()).toBe(POLLS);

    const answers = await Promise.all(polls);
    expect(new Set(answers.map((res) => res.text))).toEqual(new Set([pollBody(408)]));
    expect(held()).toBe(0);
  });
});

describe('GET /connect/l/qrconnect when the client goes away', () => {
  // A hold far longer than the test: only the disconnect can release the poll in time.
  const idmock = useIdmock({ services: ['wechat'], wechat: { longPollHoldSeconds: 120 } });
  const base = (): string => idmock.current.urls.wechat ?? '';

  it('releases the held poll', async () => {
    const held = (): number => wechatContext(idmock.current).signals.held();
    const uuid = await openQrSession(base());
    const controller = new AbortController();
    const pending = poll(base(), uuid, undefined, controller.signal);
    await vi.waitFor(() => {
      expect(held()).toBe(1);
    });
    controller.abort();
    await expect(pending).rejects.toThrow();
    await vi.waitFor(() => {
      expect(held()).toBe(0);
    });
    // The session is untouched and the next poll is served normally.
    await get(`${base()}/connect/confirm?uuid=${uuid}`);
    expect((await poll(base(), uuid)).text).toBe(pollBody(404));
  });
});
