/**
 * The REST client of the connect API against the reference server: it acts as the player of its
 * last success, as SDKs do on a socket, and answers every API outcome as a typed body.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACT_CREDENTIALS } from '../../src/contract/auth-server/world.js';
import { startIdmock, type RunningIdmock } from '../../src/runtime/start.js';
import {
  createConnectClient,
  IDMOCK_SDK_PROTOCOL,
  IDMOCK_SDK_UNREACHABLE,
  isAuthenticationFailure,
  type ConnectClient,
} from '../../src/sdk/index.js';
import { qqLogin, startRawServer, wechatLogin, type RawServer } from './support.js';

const SERVER_CREDENTIAL = { name: 'server', secret: 's3rverS3cretF0rL0calTest1ngOnly0' };
let deviceCounter = 0;
const freshDevice = () => `sdk-test-device-${process.pid}-${String((deviceCounter += 1))}`;

describe('createConnectClient', () => {
  let idmock: RunningIdmock;
  let nonsense: RawServer;
  const client = (
    credential: { readonly name: string; readonly secret: string } = CONTRACT_CREDENTIALS.device,
  ): ConnectClient =>
    createConnectClient({
      baseUrl: idmock.urls.auth ?? '',
      credential: credential.name,
      secret: credential.secret,
    });

  beforeAll(async () => {
    idmock = await startIdmock();
    nonsense = await startRawServer((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>');
    });
  });

  afterAll(async () => {
    await nonsense.close();
    await idmock.stop();
  });

  it('keeps the authToken of a success and acts as that player next', async () => {
    const sdk = client();
    const device = await sdk.deviceAuthentication({ deviceId: freshDevice(), deviceOS: 'IOS' });
    expect(device).toMatchObject({ '@class': '.AuthenticationResponse', newPlayer: true });
    expect(sdk.authToken).toBe(device.authToken);
    expect(sdk.userId).toBe(device.userId);

    // Row 3: the stored authToken makes the device player the current player, who gets linked.
    const linked = await sdk.weChatConnect(await wechatLogin(idmock, 'li-na'));
    expect(linked).toMatchObject({ newPlayer: false, userId: device.userId });
  });

  it('echoes the JS SDK style requestId it sends', async () => {
    const response = await client().deviceAuthentication({
      deviceId: freshDevice(),
      deviceOS: 'ANDROID',
    });
    expect(String(response.requestId)).toMatch(/^\d{13}_1$/);
  });

  it('connects unauthenticated after signOut, or with authToken: null for one call', async () => {
    const sdk = client();
    const device = await sdk.deviceAuthentication({ deviceId: freshDevice(), deviceOS: 'IOS' });
    const qq = await qqLogin(idmock, 'li-na');
    const fresh = await sdk.qqConnect({ accessToken: qq.accessToken }, { authToken: null });
    // Row 1, not row 3: a new player owns the profile, and the client now acts as it.
    expect(fresh).toMatchObject({ newPlayer: true });
    expect(fresh.userId).not.toBe(device.userId);
    sdk.signOut();
    expect(sdk.authToken).toBeUndefined();
    const again = await sdk.qqConnect({ accessToken: qq.accessToken });
    expect(again).toMatchObject({ newPlayer: false, userId: fresh.userId });
  });

  it('acts for a player by playerId on the server credential', async () => {
    const device = await client().deviceAuthentication({
      deviceId: freshDevice(),
      deviceOS: 'IOS',
    });
    const token = await wechatLogin(idmock, 'wang-fang');
    const linked = await client(SERVER_CREDENTIAL).weChatConnect(token, {
      playerId: device.userId ?? '',
    });
    expect(linked).toMatchObject({ newPlayer: false, userId: device.userId });
  });

  it('answers errors as a typed failure and keeps the current player', async () => {
    const sdk = client();
    await sdk.deviceAuthentication({ deviceId: freshDevice(), deviceOS: 'IOS' });
    const before = sdk.authToken;
    const response = await sdk.send('.WeChatConnectRequest', {});
    expect(isAuthenticationFailure(response)).toBe(true);
    expect(response.error).toEqual({ accessToken: 'REQUIRED', openId: 'REQUIRED' });
    expect(sdk.authToken).toBe(before);
  });

  it('gives the switchSummary of SWITCH_PREVENTED', async () => {
    const sdk = client();
    await sdk.deviceAuthentication({ deviceId: freshDevice(), deviceOS: 'IOS' });
    // zhang-wei is linked to a seeded player.
    const response = await sdk.weChatConnect({
      ...(await wechatLogin(idmock, 'zhang-wei')),
      errorOnSwitch: true,
    });
    expect(response.error).toEqual({ authentication: 'SWITCH_PREVENTED' });
    expect(response.switchSummary).toMatchObject({
      id: '5f1d0a000000000000000002',
      externalIds: { WC: expect.any(String) as unknown },
      online: false,
    });
  });

  it('answers a refused credential (HTTP 403) with its error body', async () => {
    const response = await client({ name: 'device', secret: 'notTheSecret0000' }).authentication({
      userName: 'alice',
      password: 'alice-password',
    });
    expect(response.error).toEqual({ secret: 'UNRECOGNISED' });
  });

  it('throws IDMOCK_SDK_PROTOCOL for an answer that is not a connect response', async () => {
    const sdk = createConnectClient({ baseUrl: nonsense.url, credential: 'device', secret: 's' });
    await expect(
      sdk.deviceAuthentication({ deviceId: 'd', deviceOS: 'IOS' }),
    ).rejects.toMatchObject({ code: IDMOCK_SDK_PROTOCOL, status: 502 });
  });

  it('throws IDMOCK_SDK_UNREACHABLE when nothing listens', async () => {
    const sdk = createConnectClient({
      baseUrl: 'http://127.0.0.1:9',
      credential: 'd',
      secret: 's',
    });
    await expect(
      sdk.deviceAuthentication({ deviceId: 'd', deviceOS: 'IOS' }),
    ).rejects.toMatchObject({
      code: IDMOCK_SDK_UNREACHABLE,
      message: expect.stringMatching(/^\[idmock\] /) as unknown,
    });
  });
});
