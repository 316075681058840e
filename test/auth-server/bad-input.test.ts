/**
 * Bad input never crashes the auth server, never answers 500 and never changes a player or a
 * session: not JSON, unknown `@class`, wrong types, oversized bodies, unknown credentials, wrong
 * secrets, bad handshakes.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { get, useIdmock } from '../support/idmock.js';
import {
  API_KEY,
  closeClientsAfterEach,
  CREDENTIALS,
  deviceSignIn,
  handshake,
  listPlayers,
  openRawSocket,
  resetAuth,
  socketTransport,
  socketUrl,
} from './support.js';

const idmock = useIdmock({ services: ['wechat', 'qq', 'auth'] });
closeClientsAfterEach();
const authUrl = (): string => idmock.current.urls.auth!;
const { secret } = CREDENTIALS.device;

beforeEach(async () => {
  await resetAuth(authUrl());
});

function post(path: string, body: string | Uint8Array, contentType = 'application/json') {
  return get(`${authUrl()}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
}

const REST_CASES: readonly {
  name: string;
  path: string;
  body: string;
  contentType?: string;
  status: number;
  error: Record<string, string>;
}[] = [
  {
    name: 'a body that is not JSON',
    path: `/rs/device/${secret}/WeChatConnectRequest`,
    body: '{"accessToken":',
    status: 400,
    error: { request: 'INVALID_JSON' },
  },
  {
    name: 'a JSON array',
    path: `/rs/device/${secret}/WeChatConnectRequest`,
    body: '[1,2]',
    status: 400,
    error: { request: 'INVALID_JSON' },
  },
  {
    name: 'a form body',
    path: `/rs/device/${secret}/WeChatConnectRequest`,
    body: 'accessToken=a',
    contentType: 'application/x-www-form-urlencoded',
    status: 400,
    error: { request: 'INVALID_JSON' },
  },
  {
    name: 'an unknown request',
    path: `/rs/device/${secret}/LogEventRequest`,
    body: '{}',
    status: 200,
    error: { '@class': 'UNRECOGNISED' },
  },
  {
    name: 'a body @class that differs from the path',
    path: `/rs/device/${secret}/QQConnectRequest`,
    body: '{"@class":".WeChatConnectRequest"}',
    status: 200,
    error: { '@class': 'INVALID' },
  },
  {
    name: 'fields of the wrong types',
    path: `/rs/device/${secret}/WeChatConnectRequest`,
    body: JSON.stringify({
      accessToken: 12,
      openId: ['x'],
      errorOnSwitch: 'yes',
      segments: [1],
      syncDisplayName: 1,
    }),
    status: 200,
    error: {
      accessToken: 'INVALID',
      openId: 'INVALID',
      errorOnSwitch: 'INVALID',
      segments: 'INVALID',
      syncDisplayName: 'INVALID',
    },
  },
  {
    name: 'segments with non-string values',
    path: `/rs/device/${secret}/QQConnectRequest`,
    body: JSON.stringify({ accessToken: 'a', segments: { a: 1 } }),
    status: 200,
    error: { segments: 'INVALID' },
  },
  {
    name: 'an oversized string field',
    path: `/rs/device/${secret}/QQConnectRequest`,
    body: JSON.stringify({ accessToken: 'a'.repeat(5000) }),
    status: 200,
    error: { accessToken: 'INVALID' },
  },
  {
    name: 'a requestId that is an object',
    path: `/rs/device/${secret}/QQConnectRequest`,
    body: '{"requestId":{}}',
    status: 200,
    error: { requestId: 'INVALID' },
  },
  {
    name: 'an unknown credential',
    path: `/rs/nobody/${secret}/QQConnectRequest`,
    body: '{}',
    status: 403,
    error: { credential: 'UNRECOGNISED' },
  },
  {
    name: 'a wrong secret',
    path: `/rs/device/${CREDENTIALS.server.secret}/QQConnectRequest`,
    body: '{}',
    status: 403,
    error: { secret: 'UNRECOGNISED' },
  },
  {
    name: 'an unknown path',
    path: '/rs/device',
    body: '{}',
    status: 404,
    error: { request: 'NOT_FOUND' },
  },
];

describe('REST bad input', () => {
  it.each(REST_CASES)('answers $name with an envelope error ($status)', async (c) => {
    const before = await listPlayers(authUrl());
    const response = await post(c.path, c.body, c.contentType);
    expect(response.status).toBe(c.status);
    expect(response.json()).toMatchObject({
      '@class': expect.stringMatching(/^\.(Authentication|Registration)Response$/),
      error: c.error,
      newPlayer: false,
    });
    expect(response.json()).not.toHaveProperty('authToken');
    expect(await listPlayers(authUrl())).toEqual(before);
  });

  it('answers an oversized body with 413 and an envelope error', async () => {
    const response = await post(
      `/rs/device/${secret}/WeChatConnectRequest`,
      JSON.stringify({ accessToken: 'a'.repeat(1_100_000) }),
    );
    expect(response.status).toBe(413);
    expect(response.json()).toMatchObject({ error: { request: 'TOO_LARGE' }, newPlayer: false });
  });

  it('answers GET on a REST path with 405 and an envelope error', async () => {
    const response = await get(`${authUrl()}/rs/device/${secret}/QQConnectRequest`);
    expect(response.status).toBe(405);
    expect(response.json().error).toEqual({ request: 'METHOD_NOT_ALLOWED' });
  });

  it('answers a plain GET on the socket path with 426', async () => {
    const response = await get(`${authUrl()}/ws/device/${API_KEY}`);
    expect(response.status).toBe(426);
    expect(response.json().error).toEqual({ request: 'UPGRADE_REQUIRED' });
  });
});

describe('WebSocket bad input', () => {
  it.each([
    { name: 'a message that is not JSON', message: 'hello{', error: { request: 'INVALID_JSON' } },
    { name: 'a JSON array', message: '[]', error: { request: 'INVALID_JSON' } },
    {
      name: 'an unknown @class',
      message: '{"@class":".LogEventRequest","requestId":"q"}',
      error: { '@class': 'UNRECOGNISED' },
    },
    {
      name: 'a message without @class',
      message: '{"requestId":"q"}',
      error: { '@class': 'UNRECOGNISED' },
    },
    {
      name: 'fields of the wrong types',
      message: '{"@class":".QQConnectRequest","accessToken":true,"switchIfPossible":"no"}',
      error: { accessToken: 'INVALID', switchIfPossible: 'INVALID' },
    },
    {
      name: 'an oversized message',
      message: JSON.stringify({ '@class': '.QQConnectRequest', accessToken: 'a'.repeat(70_000) }),
      error: { request: 'TOO_LARGE' },
    },
  ])('answers $name with an envelope error and keeps the session', async ({ message, error }) => {
    const client = await socketTransport.connect(authUrl());
    const signedIn = await deviceSignIn(client);
    const before = await listPlayers(authUrl());
    const socket = await openRawSocket(socketUrl(authUrl()));
    await handshake(socket, secret);
    socket.send(message);
    expect(await socket.next()).toMatchObject({
      '@class': '.AuthenticationResponse',
      error,
      newPlayer: false,
    });
    // The socket still works, and nothing changed.
    socket.send({ '@class': '.QQConnectRequest', requestId: 'after' });
    expect(await socket.next()).toMatchObject({
      requestId: 'after',
      error: { accessToken: 'REQUIRED' },
    });
    expect(await listPlayers(authUrl())).toEqual(before);
    expect(await client.boundPlayer()).toBe(signedIn.userId);
    socket.ws.close();
  });

  it('keeps a bound session bound after bad input on the same socket', async () => {
    const client = await socketTransport.connect(authUrl());
    const signedIn = await deviceSignIn(client);
    const response = await client.send({ '@class': '.WeChatConnectRequest', accessToken: 5 });
    expect(response.error).toEqual({ accessToken: 'INVALID', openId: 'REQUIRED' });
    expect(await client.boundPlayer()).toBe(signedIn.userId);
  });

  it('refuses an unknown credential with 403 and an envelope body', async () => {
    const error = await openRawSocket(
      `${authUrl().replace(/^http/, 'ws')}/ws/nobody/${API_KEY}`,
    ).catch((e: unknown) => e as { status: number; body: string });
    expect(error).toMatchObject({ status: 403 });
    expect(JSON.parse((error as { body: string }).body)).toMatchObject({
      error: { credential: 'UNRECOGNISED' },
    });
  });

  it('refuses an unknown apiKey with 403 and an envelope body', async () => {
    const error = await openRawSocket(
      `${authUrl().replace(/^http/, 'ws')}/ws/device/wrongkey`,
    ).catch((e: unknown) => e as { status: number; body: string });
    expect(error).toMatchObject({ status: 403 });
    expect(JSON.parse((error as { body: string }).body)).toMatchObject({
      error: { apiKey: 'UNRECOGNISED' },
    });
  });

  it('answers a wrong HMAC with an error and closes the socket', async () => {
    const socket = await openRawSocket(socketUrl(authUrl()));
    const connected = await handshake(socket, CREDENTIALS.server.secret);
    expect(connected).toEqual({
      '@class': '.AuthenticatedConnectResponse',
      error: { hmac: 'INVALID' },
      newPlayer: false,
    });
    expect((await socket.closed).code).toBe(1008);
  });

  it('answers a request before the handshake with NOT_CONNECTED', async () => {
    const socket = await openRawSocket(socketUrl(authUrl()));
    expect(await socket.next()).toHaveProperty('nonce');
    socket.send({
      '@class': '.DeviceAuthenticationRequest',
      deviceId: 'd',
      deviceOS: 'IOS',
      requestId: 'early',
    });
    expect(await socket.next()).toEqual({
      '@class': '.AuthenticationResponse',
      error: { authentication: 'NOT_CONNECTED' },
      newPlayer: false,
      requestId: 'early',
    });
    socket.ws.close();
  });
});
