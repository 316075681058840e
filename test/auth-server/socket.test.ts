/**
 * The WebSocket transport (S9): nonce/HMAC handshake, session resume by authToken, rebinding on
 * switch, per-socket serialisation and requestId correlation, `online` in switch summaries.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { get, useIdmock } from '../support/idmock.js';
import {
  clearBarriers,
  closeClientsAfterEach,
  CREDENTIALS,
  deviceSignIn,
  handshake,
  holdAtBarrier,
  openRawSocket,
  resetAuth,
  restTransport,
  SEEDED,
  socketTransport,
  socketUrl,
  wechatLogin,
} from './support.js';

const idmock = useIdmock({ services: ['wechat', 'qq', 'auth'] });
closeClientsAfterEach();
const authUrl = (): string => idmock.current.urls.auth!;
const { secret } = CREDENTIALS.device;

beforeEach(async () => {
  await resetAuth(authUrl());
});
afterEach(() => {
  clearBarriers(idmock.current);
});

async function sessions(): Promise<{ sessionId: string; playerId: string | null }[]> {
  return (await get(`${authUrl()}/__mock/sessions`)).json<{
    sessions: { sessionId: string; playerId: string | null }[];
  }>().sessions;
}

describe('/ws/{credential}/{apiKey}', () => {
  it('greets with a nonce and answers a valid HMAC with a session id', async () => {
    const socket = await openRawSocket(socketUrl(authUrl()));
    const hello = await socket.next();
    expect(hello).toEqual({ '@class': '.AuthenticatedConnectResponse', nonce: expect.any(String) });
    socket.buffered.unshift(hello);
    const connected = await handshake(socket, secret);
    expect(connected).toEqual({
      '@class': '.AuthenticatedConnectResponse',
      sessionId: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(await sessions()).toContainEqual({ sessionId: connected['sessionId'], playerId: null });
    socket.ws.close();
  });

  it('resumes the session of a valid authToken without a login request', async () => {
    const rest = await restTransport.connect(authUrl());
    const login = await rest.send({
      '@class': '.AuthenticationRequest',
      userName: 'alice',
      password: 'alice-password',
    });
    const socket = await openRawSocket(socketUrl(authUrl()));
    const connected = await handshake(socket, secret, { authToken: login.authToken });
    expect(connected).toEqual({
      '@class': '.AuthenticatedConnectResponse',
      authToken: login.authToken,
      sessionId: expect.any(String),
      userId: SEEDED.alice.id,
    });
    expect(await sessions()).toContainEqual({
      sessionId: connected['sessionId'],
      playerId: SEEDED.alice.id,
    });
    socket.ws.close();
  });

  it('starts unauthenticated when the presented authToken is unknown', async () => {
    const socket = await openRawSocket(socketUrl(authUrl()));
    const connected = await handshake(socket, secret, { authToken: 'stale' });
    expect(connected).not.toHaveProperty('userId');
    expect(await sessions()).toContainEqual({ sessionId: connected['sessionId'], playerId: null });
    socket.ws.close();
  });

  it('ignores the SDK keep-alive (a lone space)', async () => {
    const socket = await openRawSocket(socketUrl(authUrl()));
    await handshake(socket, secret);
    socket.send(' ');
    socket.send({ '@class': '.QQConnectRequest', requestId: 'after-keepalive' });
    expect(await socket.next()).toMatchObject({ requestId: 'after-keepalive' });
    socket.ws.close();
  });

  it('rebinds the socket on a switch and keeps it on a failure', async () => {
    const client = await socketTransport.connect(authUrl());
    const device = await deviceSignIn(client);
    const token = await wechatLogin(idmock.current, SEEDED.wechatLinked.persona);
    const prevented = await client.send({
      '@class': '.WeChatConnectRequest',
      errorOnSwitch: true,
      ...token,
    });
    expect(prevented.error).toBeDefined();
    expect(await client.boundPlayer()).toBe(device.userId);
    await client.send({ '@class': '.WeChatConnectRequest', ...token });
    expect(await client.boundPlayer()).toBe(SEEDED.wechatLinked.id);
  });

  it('forgets the session when the socket closes', async () => {
    const client = await socketTransport.connect(authUrl());
    await deviceSignIn(client);
    const count = (await sessions()).length;
    await client.close();
    await expect.poll(async () => (await sessions()).length).toBe(count - 1);
  });

  it('answers requests on one socket one at a time, in arrival order', async () => {
    const token = await wechatLogin(idmock.current, 'li-na');
    const socket = await openRawSocket(socketUrl(authUrl()));
    await handshake(socket, secret);
    const barrier = holdAtBarrier(idmock.current, (event) => event.requestId === 'first');
    socket.send({ '@class': '.WeChatConnectRequest', requestId: 'first', ...token });
    socket.send({
      '@class': '.DeviceAuthenticationRequest',
      requestId: 'second',
      deviceId: 'serial',
      deviceOS: 'IOS',
    });
    await barrier.reached;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(socket.buffered).toEqual([]);
    barrier.release();
    const first = await socket.next();
    const second = await socket.next();
    expect([first.requestId, second.requestId]).toEqual(['first', 'second']);
    // The device login ran after the connect, so it moved the socket to the device player.
    expect(await sessions()).toContainEqual({
      sessionId: expect.any(String),
      playerId: second.userId,
    });
    socket.ws.close();
  });

  it('correlates each response with its requestId', async () => {
    const client = await socketTransport.connect(authUrl());
    const responses = await Promise.all(
      ['a', 'b', 'c'].map((requestId) =>
        client.send({
          '@class': '.DeviceAuthenticationRequest',
          requestId,
          deviceId: `dev-${requestId}`,
          deviceOS: 'IOS',
        }),
      ),
    );
    expect(responses.map((response) => response.requestId)).toEqual(['a', 'b', 'c']);
    expect(new Set(responses.map((response) => response.userId)).size).toBe(3);
  });

  it('reports the switch target online while it has a live socket', async () => {
    const token = await wechatLogin(idmock.current, SEEDED.wechatLinked.persona);
    const owner = await socketTransport.connect(authUrl());
    await owner.send({ '@class': '.WeChatConnectRequest', ...token });
    const other = await socketTransport.connect(authUrl());
    await deviceSignIn(other);
    const prevented = await other.send({
      '@class': '.WeChatConnectRequest',
      errorOnSwitch: true,
      ...token,
    });
    expect(prevented.switchSummary).toMatchObject({ id: SEEDED.wechatLinked.id, online: true });
  });
});
