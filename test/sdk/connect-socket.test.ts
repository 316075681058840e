/**
 * The WebSocket session of the connect API against the reference server: the nonce/HMAC
 * handshake, a session bound to the player of each success, and responses matched to requests by
 * requestId even when requests overlap.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CONTRACT_CREDENTIALS,
  CONTRACT_GAME_API_KEY,
} from '../../src/contract/auth-server/world.js';
import { startIdmock, type RunningIdmock } from '../../src/runtime/start.js';
import {
  createConnectSocket,
  IDMOCK_SDK_CLOSED,
  IDMOCK_SDK_HANDSHAKE,
  type ConnectSocket,
  type ConnectSocketOptions,
} from '../../src/sdk/index.js';
import { wechatLogin } from './support.js';

let deviceCounter = 0;
const freshDevice = () => `sdk-socket-device-${process.pid}-${String((deviceCounter += 1))}`;

describe('createConnectSocket', () => {
  let idmock: RunningIdmock;
  const opened: ConnectSocket[] = [];
  const open = async (options: Partial<ConnectSocketOptions> = {}): Promise<ConnectSocket> => {
    const socket = await createConnectSocket({
      baseUrl: idmock.urls.auth ?? '',
      credential: CONTRACT_CREDENTIALS.device.name,
      secret: CONTRACT_CREDENTIALS.device.secret,
      apiKey: CONTRACT_GAME_API_KEY,
      ...options,
    });
    opened.push(socket);
    return socket;
  };
  const boundPlayer = async (socket: ConnectSocket): Promise<string | null> => {
    const { sessions } = (await (
      await fetch(`${idmock.urls.auth ?? ''}/__mock/sessions`)
    ).json()) as {
      sessions: { sessionId: string; playerId: string | null }[];
    };
    return sessions.find((session) => session.sessionId === socket.sessionId)?.playerId ?? null;
  };

  beforeAll(async () => {
    idmock = await startIdmock();
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((socket) => socket.close()));
  });

  afterAll(async () => {
    await idmock.stop();
  });

  it('completes the handshake and binds the session to the player of a success', async () => {
    const socket = await open();
    expect(socket.sessionId).toMatch(/^\S+$/);
    expect(await boundPlayer(socket)).toBeNull();
    const device = await socket.deviceAuthentication({ deviceId: freshDevice(), deviceOS: 'IOS' });
    expect(device).toMatchObject({ newPlayer: true });
    expect(socket.userId).toBe(device.userId);
    expect(await boundPlayer(socket)).toBe(device.userId);
    // Row 3 on the socket's player, with no authToken in the message.
    const linked = await socket.weChatConnect(await wechatLogin(idmock, 'wang-fang'));
    expect(linked).toMatchObject({ newPlayer: false, userId: device.userId });
  });

  it('matches overlapping requests to their responses by requestId', async () => {
    const socket = await open();
    const ids = [freshDevice(), freshDevice(), freshDevice()];
    const responses = await Promise.all(
      ids.map((deviceId) => socket.deviceAuthentication({ deviceId, deviceOS: 'IOS' })),
    );
    const requestIds = responses.map((response) => String(response.requestId));
    expect(new Set(requestIds).size).toBe(3);
    expect(responses.every((response) => response.newPlayer)).toBe(true);
  });

  it('resumes the session of a presented authToken with no login request', async () => {
    const first = await open();
    const device = await first.deviceAuthentication({ deviceId: freshDevice(), deviceOS: 'IOS' });
    const resumed = await open({ authToken: device.authToken ?? '' });
    expect(resumed.userId).toBe(device.userId);
    expect(resumed.authToken).toBe(device.authToken);
    expect(await boundPlayer(resumed)).toBe(device.userId);
  });

  it('rejects with IDMOCK_SDK_HANDSHAKE when the HMAC is wrong', async () => {
    await expect(open({ secret: 'not-the-credential-secret' })).rejects.toMatchObject({
      code: IDMOCK_SDK_HANDSHAKE,
      message: expect.stringContaining('{"hmac":"INVALID"}') as unknown,
    });
  });

  it('rejects with IDMOCK_SDK_HANDSHAKE and the status when the upgrade is refused', async () => {
    await expect(open({ apiKey: 'notTheGame' })).rejects.toMatchObject({
      code: IDMOCK_SDK_HANDSHAKE,
      status: 403,
    });
  });

  it('rejects requests after close with IDMOCK_SDK_CLOSED', async () => {
    const socket = await open();
    await socket.close();
    await expect(
      socket.deviceAuthentication({ deviceId: freshDevice(), deviceOS: 'IOS' }),
    ).rejects.toMatchObject({ code: IDMOCK_SDK_CLOSED });
  });
});
