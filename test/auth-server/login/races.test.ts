/**
 * Concurrency (`auth-server.md` §5): one unionCode binds at most once, one unionId is bound to at
 * most one account, and one WeChat code is exchanged once, however many requests race. Most races
 * are real concurrent HTTP requests; one interleaving is forced with the test-only barrier
 * between validation and the critical section.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LoginCommitEvent } from '../../../src/auth-server/index.js';
import { useIdmock } from '../../support/idmock.js';
import { authContext, deferred } from '../support.js';
import {
  accountsBoundTo,
  codeLogin,
  expectInvalidUnionCode,
  expectLoginError,
  freshTn,
  loginApi,
  outbox,
  OUTER,
  resetWorld,
  sendSms,
  tokenOf,
  unionPairFor,
  wechatCode,
  type LoginErrorBody,
} from './support.js';

const idmock = useIdmock({ services: ['wechat', 'qq', 'auth'] });
const authUrl = (): string => idmock.current.urls.auth!;
const api = () => loginApi(authUrl());

beforeEach(async () => {
  await resetWorld(idmock.current);
});
afterEach(() => {
  authContext(idmock.current).hooks.beforeLoginCommit = null;
});

describe('races on POST /v1/auth/login', () => {
  it('lets one of 50 concurrent uses of one unionCode (same tn) bind, exactly once', async () => {
    const pair = await unionPairFor(idmock.current, 'li-na');
    const tn = freshTn();
    const code = await sendSms(authUrl(), tn);
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => api().login({ tn, code, ...pair })),
    );
    const won = responses.filter((response) => response.status === 200);
    expect(won).toHaveLength(1);
    for (const lost of responses.filter((response) => response.status !== 200)) {
      expectInvalidUnionCode(lost);
    }
    expect(await accountsBoundTo(authUrl(), pair.unionId)).toHaveLength(1);
  });

  it('lets one of 50 concurrent uses of one unionCode (50 tns) bind, and burns no loser SMS code', async () => {
    const pair = await unionPairFor(idmock.current, 'li-na');
    const tns = Array.from({ length: 50 }, () => freshTn());
    const codes = await Promise.all(tns.map((tn) => sendSms(authUrl(), tn)));
    const responses = await Promise.all(
      tns.map((tn, index) => api().login({ tn, code: codes[index], ...pair })),
    );
    const winners = tns.filter((_tn, index) => responses[index]!.status === 200);
    expect(winners).toHaveLength(1);
    responses.filter((response) => response.status !== 200).forEach(expectInvalidUnionCode);
    const bound = await accountsBoundTo(authUrl(), pair.unionId);
    expect(bound.map((account) => account.tn)).toEqual(winners);
    const statuses = (await outbox(authUrl())).map((message) => message.status);
    expect(statuses.filter((status) => status === 'used')).toHaveLength(1);
    expect(statuses.filter((status) => status === 'sent')).toHaveLength(49);
  });

  it('binds a unionId once when two of its codes race with different tns', async () => {
    const first = await unionPairFor(idmock.current, 'li-na');
    const second = await unionPairFor(idmock.current, 'li-na');
    const [tnA, tnB] = [freshTn(), freshTn()];
    const [codeA, codeB] = [await sendSms(authUrl(), tnA), await sendSms(authUrl(), tnB)];
    const responses = await Promise.all([
      api().login({ tn: tnA, code: codeA, ...first }),
      api().login({ tn: tnB, code: codeB, ...second }),
    ]);
    expect(responses.map((response) => response.status).sort()).toEqual([200, 401]);
    expectInvalidUnionCode(responses.find((response) => response.status === 401)!);
    expect(await accountsBoundTo(authUrl(), first.unionId)).toHaveLength(1);
  });

  it('revokes a held request’s code when another code of the unionId binds first', async () => {
    const held = await unionPairFor(idmock.current, 'li-na');
    const other = await unionPairFor(idmock.current, 'li-na');
    const [tnHeld, tnOther] = [freshTn(), freshTn()];
    const [codeHeld, codeOther] = [
      await sendSms(authUrl(), tnHeld),
      await sendSms(authUrl(), tnOther),
    ];
    const reached = deferred();
    const gate = deferred();
    authContext(idmock.current).hooks.beforeLoginCommit = async (event: LoginCommitEvent) => {
      if (event.tn === tnHeld) {
        reached.resolve();
        await gate.promise;
      }
    };
    const pending = api().login({ tn: tnHeld, code: codeHeld, ...held });
    await reached.promise;
    tokenOf(await api().login({ tn: tnOther, code: codeOther, ...other }));
    gate.resolve();
    expectInvalidUnionCode(await pending);
    expect((await accountsBoundTo(authUrl(), held.unionId)).map((a) => a.tn)).toEqual([tnOther]);
  });

  it('exchanges one WeChat code once for an unregistered user: one unionCode, one INVALID_AUTH_CODE', async () => {
    const code = await wechatCode(idmock.current, 'li-na');
    const responses = await Promise.all([
      api().login(codeLogin(code)),
      api().login(codeLogin(code)),
    ]);
    expect(responses.map((response) => response.status)).toEqual([401, 401]);
    const bodies = responses.map((response) => response.json<LoginErrorBody>());
    const issued = bodies.map((body) => body.errors[0]?.meta?.unionCode !== undefined);
    expect(issued.filter(Boolean)).toHaveLength(1);
    expectLoginError(responses[issued[0] === true ? 1 : 0], 401, OUTER.unauthorized, {
      title: 'INVALID_AUTH_CODE',
      source: 'code',
    });
  });

  it('exchanges one WeChat code once for a registered user: one 200, one INVALID_AUTH_CODE', async () => {
    const code = await wechatCode(idmock.current, 'zhang-wei');
    const responses = await Promise.all([
      api().login(codeLogin(code)),
      api().login(codeLogin(code)),
    ]);
    expect(responses.map((response) => response.status).sort()).toEqual([200, 401]);
    expectLoginError(
      responses.find((response) => response.status === 401)!,
      401,
      OUTER.unauthorized,
      {
        title: 'INVALID_AUTH_CODE',
        source: 'code',
      },
    );
  });

  it('issues distinct codes to concurrent unbound logins of one user', async () => {
    const codes = await Promise.all(
      Array.from({ length: 5 }, () => wechatCode(idmock.current, 'li-na')),
    );
    const responses = await Promise.all(codes.map((code) => api().login(codeLogin(code))));
    const unionCodes = responses.map(
      (response) => response.json<LoginErrorBody>().errors[0]?.meta?.unionCode,
    );
    expect(new Set(unionCodes).size).toBe(5);
    expect(unionCodes.every((code) => typeof code === 'string')).toBe(true);
  });
});
