/**
 * The login client against the reference server: the seed's whole flow (an unregistered WeChat
 * user's 401 with a unionCode, registration by SMS, then a direct QR login), and every API outcome
 * as a typed result.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACT_LOGIN } from '../../src/contract/auth-server/world.js';
import { startIdmock, type RunningIdmock } from '../../src/runtime/start.js';
import {
  createLoginClient,
  errorTitles,
  IDMOCK_SDK_PROTOCOL,
  unionPairOf,
  type LoginClient,
} from '../../src/sdk/index.js';
import { startRawServer, wechatCode, type RawServer } from './support.js';

describe('createLoginClient', () => {
  let idmock: RunningIdmock;
  let login: LoginClient;
  let nonsense: RawServer;
  const app = { appId: CONTRACT_LOGIN.wechat.appid, secret: CONTRACT_LOGIN.wechat.secret };

  const smsCode = async (tn: string): Promise<string> => {
    const { messages } = (await (
      await fetch(`${idmock.urls.auth ?? ''}/__mock/sms?tn=${tn}`)
    ).json()) as { messages: { code: string; status: string }[] };
    return messages.filter((message) => message.status === 'sent').at(-1)?.code ?? '';
  };

  beforeAll(async () => {
    idmock = await startIdmock();
    login = createLoginClient({ baseUrl: idmock.urls.auth ?? '', apiKey: CONTRACT_LOGIN.apiKey });
    nonsense = await startRawServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('not json');
    });
  });

  afterAll(async () => {
    await nonsense.close();
    await idmock.stop();
  });

  it('registers an unregistered WeChat user by SMS, then logs them in by QR code', async () => {
    const first = await login.loginWithWechatCode({
      ...app,
      code: await wechatCode(idmock, 'li-na'),
    });
    expect(first.status).toBe(401);
    const pair = unionPairOf(first);
    expect(pair).toEqual({
      unionId: expect.any(String) as unknown,
      unionCode: expect.any(String) as unknown,
    });

    const tn = '13612345678';
    expect(await login.sendSms(tn)).toEqual({
      ok: true,
      status: 202,
      body: { tn, expiresIn: 300 },
    });
    const registered = await login.loginWithSms({
      tn,
      code: await smsCode(tn),
      ...(pair ? { union: pair } : {}),
    });
    expect(registered).toMatchObject({ ok: true, status: 200, body: { tokenType: 'Bearer' } });

    const token = registered.ok ? registered.body.token : '';
    expect(await login.me(token)).toMatchObject({ ok: true, body: { tn, unionId: pair?.unionId } });

    const again = await login.loginWithWechatCode({
      ...app,
      code: await wechatCode(idmock, 'li-na'),
    });
    expect(again).toMatchObject({ ok: true, status: 200 });
  });

  it('logs in with a user name and password', async () => {
    const result = await login.loginWithPassword({ username: 'bob', password: 'bob-password' });
    expect(result).toMatchObject({ ok: true, body: { tokenType: 'Bearer' } });
  });

  it('answers errors in the seed envelope, titles at hand', async () => {
    const keyless = createLoginClient({ baseUrl: idmock.urls.auth ?? '' });
    const result = await keyless.loginWithSms({ tn: '13612345678', code: '000000' });
    expect(result.status).toBe(401);
    expect(errorTitles(result)).toEqual(['INVALID_API_KEY']);
    expect(result.ok ? undefined : result.body).toMatchObject({
      code: 401906,
      title: 'GENERIC_UNAUTHORIZED',
    });
    expect(unionPairOf(result)).toBeUndefined();
  });

  it('throws IDMOCK_SDK_PROTOCOL for an answer that is not the API JSON', async () => {
    const client = createLoginClient({ baseUrl: nonsense.url, apiKey: 'k' });
    await expect(client.sendSms('13612345678')).rejects.toMatchObject({
      code: IDMOCK_SDK_PROTOCOL,
      status: 200,
    });
  });
});
