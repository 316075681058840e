/**
 * The seed's workflow end to end over HTTP, as a browser, a phone and a client app run it: the
 * WeChat qrconnect page, the phone scanning and agreeing, the page's long-poll and redirect, the
 * login that answers an unregistered user with a unionCode, the SMS code, the registering login,
 * `GET /v1/me`, and a second QR login that goes straight through.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { useIdmock } from '../../support/idmock.js';
import {
  ACCOUNTS,
  LOGIN_APP,
  loginApi,
  outbox,
  qrLogin,
  resetWorld,
  tokenOf,
  unionIdOf,
  type LoginErrorBody,
} from './support.js';

const idmock = useIdmock({ services: ['wechat', 'qq', 'auth'] });
const api = () => loginApi(idmock.current.urls.auth!);

beforeEach(async () => {
  await resetWorld(idmock.current);
});

/** The QR flow, then form (a) with the code from the redirect. */
async function loginThroughQr(persona: string, state: string) {
  const redirect = await qrLogin(idmock.current, persona, state);
  expect(`${redirect.origin}${redirect.pathname}`).toBe(LOGIN_APP.redirectUri);
  expect(redirect.searchParams.get('state')).toBe(state);
  const code = redirect.searchParams.get('code');
  expect(code).toMatch(/^[A-Za-z0-9_-]+$/);
  return api().login({ appId: LOGIN_APP.appid, secret: LOGIN_APP.secret, code });
}

describe('the WeChat QR login with unionCode registration', () => {
  it('registers an unregistered WeChat user by phone, then logs them in directly', async () => {
    const liNa = await unionIdOf(idmock.current, 'li-na');

    // 1–2. QR login: WeChat knows li-na, the auth server does not.
    const first = await loginThroughQr('li-na', 'desk-1');
    expect(first.status).toBe(401);
    const body = first.json<LoginErrorBody>();
    expect(body).toEqual({
      code: 401906,
      title: 'GENERIC_UNAUTHORIZED',
      detail: 'Login failed',
      errors: [
        {
          code: 401102,
          title: 'INVALID_USERNAME_OR_PASSWORD',
          detail: 'Incorrect username or password',
          source: 'unionId',
          meta: { unionCode: expect.any(String), unionId: liNa },
        },
      ],
    });
    // Exactly the seed's key order, down to meta.
    expect(first.text).toMatch(
      /^\{"code":401906,"title":"GENERIC_UNAUTHORIZED","detail":"Login failed","errors":\[\{"code":401102,"title":"INVALID_USERNAME_OR_PASSWORD","detail":"Incorrect username or password","source":"unionId","meta":\{"unionCode":"[A-Za-z0-9_-]+","unionId":"[^"]+"\}\}\]\}$/,
    );
    const { unionCode, unionId } = body.errors[0]!.meta!;
    // At least 128 random bits: 32 base64url characters carry 192.
    expect(unionCode).toMatch(/^[A-Za-z0-9_-]{32}$/);

    // 3. The SMS code, "sent" to the phone and read from the outbox.
    const tn = '13512345678';
    const sent = await api().sms(tn);
    expect(sent.status).toBe(202);
    const [message] = await outbox(idmock.current.urls.auth!, tn);
    expect(message).toMatchObject({ tn, status: 'sent' });
    expect(message!.code).toMatch(/^\d{6}$/);
    expect(message!.text).toContain(message!.code);

    // 4. The registering login: a bearer token.
    const registered = await api().login({ tn, code: message!.code, unionId, unionCode });
    expect(registered.status).toBe(200);
    expect(registered.json()).toEqual({
      token: expect.any(String),
      tokenType: 'Bearer',
      expiresIn: 3600,
    });
    const token = tokenOf(registered);

    // 5. GET /v1/me shows the bound unionId.
    const me = await api().me(token);
    expect(me.status).toBe(200);
    const account = me.json<{ id: string; tn: string; unionId: string }>();
    expect(account).toMatchObject({ tn, unionId: liNa });
    expect((await outbox(idmock.current.urls.auth!, tn))[0]?.status).toBe('used');

    // 6. A second QR login with a fresh WeChat code goes straight through, to the same account.
    const second = await loginThroughQr('li-na', 'desk-2');
    const again = await api().me(tokenOf(second));
    expect(again.json<{ id: string }>().id).toBe(account.id);
  });

  it('logs a seeded registered user (zhang-wei) in with the first QR login', async () => {
    const response = await loginThroughQr('zhang-wei', 'desk-3');
    const me = await api().me(tokenOf(response));
    expect(me.json()).toMatchObject({
      id: ACCOUNTS.zhangWei.id,
      tn: ACCOUNTS.zhangWei.tn,
      unionId: await unionIdOf(idmock.current, 'zhang-wei'),
    });
  });
});
