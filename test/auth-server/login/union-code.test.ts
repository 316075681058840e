/**
 * unionCode semantics (`auth-server.md` §5, §7 items 9–10): one use, 10 minutes on the shared clock,
 * bound to (unionId, appId, Api-Key), consumed only when the bind commits, every outstanding code
 * revoked once the unionId is bound, and one indistinguishable `INVALID_UNION_CODE` for every way a
 * code can be bad.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { useIdmock } from '../../support/idmock.js';
import {
  ACCOUNTS,
  accountsBoundTo,
  advanceClock,
  API_KEYS,
  codeLogin,
  expectInvalidUnionCode,
  expectLoginError,
  freshTn,
  loginApi,
  OUTER,
  resetWorld,
  sendSms,
  tokenOf,
  unionIdOf,
  unionPairFor,
  wechatCode,
  wrongCode,
  type LoginErrorBody,
  type UnionPair,
} from './support.js';

const idmock = useIdmock({ services: ['wechat', 'qq', 'auth'] });
const authUrl = (): string => idmock.current.urls.auth!;
const api = () => loginApi(authUrl());

beforeEach(async () => {
  await resetWorld(idmock.current);
});

/** Form (b) with a fresh SMS code for the phone number. */
async function register(tn: string, pair: UnionPair, apiKey: string = API_KEYS.web) {
  const code = await sendSms(authUrl(), tn);
  return api().login({ tn, code, ...pair }, apiKey);
}

async function boundUnionIdOf(token: string): Promise<string | null> {
  return (await api().me(token)).json<{ unionId: string | null }>().unionId;
}

describe('POST /v1/auth/login with a unionCode', () => {
  it('issues a new code on every unbound login, several outstanding at once', async () => {
    const first = await unionPairFor(idmock.current, 'li-na');
    const second = await unionPairFor(idmock.current, 'li-na');
    expect(second.unionId).toBe(first.unionId);
    expect(second.unionCode).not.toBe(first.unionCode);
    // The older one is still live: it binds.
    const bound = await register(freshTn(), first);
    expect(await boundUnionIdOf(tokenOf(bound))).toBe(first.unionId);
  });

  it('rejects a reused unionCode', async () => {
    const pair = await unionPairFor(idmock.current, 'li-na');
    tokenOf(await register(freshTn(), pair));
    expectInvalidUnionCode(await register(freshTn(), pair));
    expect(await accountsBoundTo(authUrl(), pair.unionId)).toHaveLength(1);
  });

  it('rejects a unionCode after its 10 minutes on the shared clock, and accepts it just before', async () => {
    const early = await unionPairFor(idmock.current, 'li-na');
    const late = await unionPairFor(idmock.current, 'wang-fang');
    await advanceClock(idmock.current, '9m59s');
    tokenOf(await register(freshTn(), early));
    await advanceClock(idmock.current, '1s');
    expectInvalidUnionCode(await register(freshTn(), late));
    expect(await accountsBoundTo(authUrl(), late.unionId)).toHaveLength(0);
  });

  it('rejects a unionCode presented with another unionId, without burning it', async () => {
    const pair = await unionPairFor(idmock.current, 'li-na');
    const other = await unionIdOf(idmock.current, 'wang-fang');
    const tn = freshTn();
    expectInvalidUnionCode(await register(tn, { unionId: other, unionCode: pair.unionCode }));
    expect(await accountsBoundTo(authUrl(), other)).toHaveLength(0);
    tokenOf(await register(tn, pair));
  });

  it('rejects every other outstanding code once one of them bound the unionId', async () => {
    const first = await unionPairFor(idmock.current, 'li-na');
    const second = await unionPairFor(idmock.current, 'li-na');
    tokenOf(await register(freshTn(), second));
    expectInvalidUnionCode(await register(freshTn(), first));
    expect(await accountsBoundTo(authUrl(), first.unionId)).toHaveLength(1);
  });

  it('rejects a unionCode issued to another Api-Key, without burning it', async () => {
    const pair = await unionPairFor(idmock.current, 'li-na', API_KEYS.web);
    const tn = freshTn();
    expectInvalidUnionCode(await register(tn, pair, API_KEYS.partner));
    tokenOf(await register(tn, pair, API_KEYS.web));
  });

  it('answers unknown, reused, expired and mismatched codes with one identical body', async () => {
    const liNa = await unionIdOf(idmock.current, 'li-na');
    const used = await unionPairFor(idmock.current, 'li-na');
    tokenOf(await register(freshTn(), used));
    const expired = await unionPairFor(idmock.current, 'wang-fang');
    await advanceClock(idmock.current, '10m');
    const mismatched = await unionPairFor(idmock.current, 'persona-01');
    const bodies = await Promise.all(
      [
        { unionId: liNa, unionCode: 'A'.repeat(32) },
        used,
        expired,
        { unionId: expired.unionId, unionCode: mismatched.unionCode },
      ].map(async (pair) => {
        const response = await register(freshTn(), pair);
        expectInvalidUnionCode(response);
        return response.text;
      }),
    );
    expect(new Set(bodies).size).toBe(1);
  });

  it('keeps the unionCode when the SMS code is wrong', async () => {
    const pair = await unionPairFor(idmock.current, 'li-na');
    const tn = freshTn();
    const code = await sendSms(authUrl(), tn);
    const wrong = await api().login({ tn, code: wrongCode(code), ...pair });
    const body = expectLoginError(wrong, 401, OUTER.unauthorized, {
      title: 'INVALID_USERNAME_OR_PASSWORD',
      source: 'code',
      code: 401102,
    });
    expect(body.errors[0]?.meta).toBeUndefined();
    const right = await api().login({ tn, code, ...pair });
    expect(await boundUnionIdOf(tokenOf(right))).toBe(pair.unionId);
  });

  it('answers 409 ACCOUNT_ALREADY_LINKED for a tn bound to another unionId and keeps the code', async () => {
    const pair = await unionPairFor(idmock.current, 'li-na');
    const conflict = await register(ACCOUNTS.zhangWei.tn, pair);
    expectLoginError(conflict, 409, OUTER.conflict, {
      title: 'ACCOUNT_ALREADY_LINKED',
      source: 'tn',
    });
    expect(await accountsBoundTo(authUrl(), pair.unionId)).toHaveLength(0);
    tokenOf(await register(freshTn(), pair));
  });

  it('binds the WeChat user to an existing unbound phone account', async () => {
    const pair = await unionPairFor(idmock.current, 'li-na');
    const me = await api().me(tokenOf(await register(ACCOUNTS.wangFang.tn, pair)));
    expect(me.json()).toMatchObject({ id: ACCOUNTS.wangFang.id, unionId: pair.unionId });
    const next = await api().login(codeLogin(await wechatCode(idmock.current, 'li-na')));
    expect((await api().me(tokenOf(next))).json<{ id: string }>().id).toBe(ACCOUNTS.wangFang.id);
  });

  it('creates the account for an unknown tn with a valid SMS code', async () => {
    const pair = await unionPairFor(idmock.current, 'li-na');
    const tn = freshTn();
    const me = await api().me(tokenOf(await register(tn, pair)));
    expect(me.json()).toMatchObject({ tn, unionId: pair.unionId, username: null });
  });

  it('binds with the username/password form and keeps the code on a wrong password', async () => {
    const pair = await unionPairFor(idmock.current, 'li-na');
    const { username, password } = ACCOUNTS.bob;
    const wrong = await api().login({ username, password: 'nope', ...pair });
    expectLoginError(wrong, 401, OUTER.unauthorized, {
      title: 'INVALID_USERNAME_OR_PASSWORD',
      source: 'password',
    });
    const right = await api().login({ username, password, ...pair });
    expect((await api().me(tokenOf(right))).json()).toMatchObject({
      id: ACCOUNTS.bob.id,
      unionId: pair.unionId,
    });
  });
});

describe('POST /v1/auth/login with createAccountOnUnknownTn off', () => {
  const strict = useIdmock({
    services: ['wechat', 'qq', 'auth'],
    auth: { login: { createAccountOnUnknownTn: false } },
  });

  it('answers INVALID_USERNAME_OR_PASSWORD on tn and keeps the unionCode', async () => {
    const strictApi = loginApi(strict.current.urls.auth!);
    const pair = await unionPairFor(strict.current, 'li-na');
    const tn = freshTn();
    const code = await sendSms(strict.current.urls.auth!, tn);
    const refused = await strictApi.login({ tn, code, ...pair });
    const body = expectLoginError(refused, 401, OUTER.unauthorized, {
      title: 'INVALID_USERNAME_OR_PASSWORD',
      source: 'tn',
    });
    expect(body).toMatchObject<Partial<LoginErrorBody>>({ code: 401906 });
    expect(await accountsBoundTo(strict.current.urls.auth!, pair.unionId)).toHaveLength(0);
    const known = ACCOUNTS.wangFang.tn;
    const knownCode = await sendSms(strict.current.urls.auth!, known);
    const bound = await strictApi.login({ tn: known, code: knownCode, ...pair });
    expect((await strictApi.me(tokenOf(bound))).json<{ id: string }>().id).toBe(
      ACCOUNTS.wangFang.id,
    );
  });
});
