/**
 * Every documented error of the connect requests and their siblings, in validation order
 * (REQUIRED → COPPA → provider → decision table), and the documented example shapes field for
 * field. Runs over REST and WebSocket.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { postJson, useIdmock } from '../support/idmock.js';
import {
  closeClientsAfterEach,
  deviceSignIn,
  freshDeviceId,
  listPlayers,
  qqLogin,
  resetAuth,
  SEEDED,
  TRANSPORTS,
  wechatLogin,
} from './support.js';

const idmock = useIdmock({ services: ['wechat', 'qq', 'auth'] });
closeClientsAfterEach();

// The 8-4-4-4-12 hex layout of GameSparks' tokens, all 128 bits random (no v4 version nibble).
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe.each(TRANSPORTS)('connect errors over $name', (transport) => {
  const authUrl = (): string => idmock.current.urls.auth!;
  beforeEach(async () => {
    await resetAuth(authUrl());
  });

  it('reports accessToken and openId REQUIRED at once for WeChat', async () => {
    const client = await transport.connect(authUrl());
    const response = await client.send({ '@class': '.WeChatConnectRequest', requestId: 'r1' });
    expect(response).toEqual({
      '@class': '.AuthenticationResponse',
      error: { accessToken: 'REQUIRED', openId: 'REQUIRED' },
      newPlayer: false,
      requestId: 'r1',
    });
  });

  it('counts empty strings and null as missing', async () => {
    const client = await transport.connect(authUrl());
    const response = await client.send({
      '@class': '.WeChatConnectRequest',
      accessToken: '',
      openId: null,
    });
    expect(response.error).toEqual({ accessToken: 'REQUIRED', openId: 'REQUIRED' });
  });

  it('reports accessToken REQUIRED for QQ', async () => {
    const client = await transport.connect(authUrl());
    const response = await client.send({ '@class': '.QQConnectRequest' });
    expect(response.error).toEqual({ accessToken: 'REQUIRED' });
  });

  it('answers COPPA restricted on a COPPA credential before asking the provider', async () => {
    const client = await transport.connect(authUrl(), { credential: 'kids' });
    // A token the provider would reject: COPPA wins because the provider is never asked.
    const wechat = await client.send({
      '@class': '.WeChatConnectRequest',
      accessToken: 'bogus',
      openId: 'bogus',
    });
    const qq = await client.send({ '@class': '.QQConnectRequest', accessToken: 'bogus' });
    for (const response of [wechat, qq]) {
      expect(response).toEqual({
        '@class': '.AuthenticationResponse',
        error: { authentication: 'COPPA restricted' },
        newPlayer: false,
        requestId: expect.any(String),
      });
    }
  });

  it('checks REQUIRED before COPPA', async () => {
    const client = await transport.connect(authUrl(), { credential: 'kids' });
    const response = await client.send({ '@class': '.WeChatConnectRequest', openId: 'x' });
    expect(response.error).toEqual({ accessToken: 'REQUIRED' });
  });

  it('lets device, registration and password logins through on a COPPA credential', async () => {
    const client = await transport.connect(authUrl(), { credential: 'kids' });
    expect((await deviceSignIn(client)).newPlayer).toBe(true);
    const login = await client.send({
      '@class': '.AuthenticationRequest',
      userName: SEEDED.alice.userName,
      password: SEEDED.alice.password,
    });
    expect(login.userId).toBe(SEEDED.alice.id);
  });

  it('answers NOTAUTHENTICATED for a WeChat token presented with another openid', async () => {
    const client = await transport.connect(authUrl());
    const token = await wechatLogin(idmock.current, 'li-na');
    const other = await wechatLogin(idmock.current, 'wang-fang');
    const before = await listPlayers(authUrl());
    const response = await client.send({
      '@class': '.WeChatConnectRequest',
      accessToken: token.accessToken,
      openId: other.openId,
    });
    expect(response.error).toEqual({ accessToken: 'NOTAUTHENTICATED' });
    expect(await listPlayers(authUrl())).toEqual(before);
  });

  it('answers NOTAUTHENTICATED for an unknown WeChat token', async () => {
    const client = await transport.connect(authUrl());
    const response = await client.send({
      '@class': '.WeChatConnectRequest',
      accessToken: '86_notarealtokennotarealtokennotarealtoken',
      openId: 'oAbCdEfGhIjKlMnOpQrStUvWxYz1',
    });
    expect(response.error).toEqual({ accessToken: 'NOTAUTHENTICATED' });
  });

  it('answers NOTAUTHENTICATED for an unknown QQ token (100016)', async () => {
    const client = await transport.connect(authUrl());
    const response = await client.send({
      '@class': '.QQConnectRequest',
      accessToken: '0123456789ABCDEF0123456789ABCDEF',
    });
    expect(response.error).toEqual({ accessToken: 'NOTAUTHENTICATED' });
  });

  it('answers NOTAUTHENTICATED for a QQ token of another app (client_id mismatch)', async () => {
    const client = await transport.connect(authUrl());
    const token = await qqLogin(
      idmock.current,
      'li-na',
      '101364207',
      'http://localhost:3000/auth/qq/callback',
    );
    const response = await client.send({
      '@class': '.QQConnectRequest',
      accessToken: token.accessToken,
    });
    expect(response.error).toEqual({ accessToken: 'NOTAUTHENTICATED' });
  });

  it('answers ACCOUNT_ALREADY_LINKED in the documented shape (S4)', async () => {
    const client = await transport.connect(authUrl());
    await client.send({
      '@class': '.WeChatConnectRequest',
      ...(await wechatLogin(idmock.current, 'li-na')),
    });
    const response = await client.send({
      '@class': '.WeChatConnectRequest',
      requestId: '1400764433829',
      ...(await wechatLogin(idmock.current, 'wang-fang')),
    });
    expect(JSON.stringify(response)).toBe(
      '{"@class":".AuthenticationResponse","error":{"accessToken":"ACCOUNT_ALREADY_LINKED"},"newPlayer":false,"requestId":"1400764433829"}',
    );
  });

  it('answers a new player in the documented success shape, field for field', async () => {
    const client = await transport.connect(authUrl());
    const response = await client.send({
      '@class': '.WeChatConnectRequest',
      requestId: '1_1',
      ...(await wechatLogin(idmock.current, 'li-na')),
    });
    expect(Object.keys(response)).toEqual([
      '@class',
      'authToken',
      'displayName',
      'newPlayer',
      'requestId',
      'scriptData',
      'userId',
    ]);
    expect(response).toEqual({
      '@class': '.AuthenticationResponse',
      authToken: expect.stringMatching(UUID),
      displayName: '李娜',
      newPlayer: true,
      requestId: '1_1',
      scriptData: null,
      userId: expect.stringMatching(/^[0-9a-f]{24}$/),
    });
  });

  it('answers the switch error in the decided shape, field for field', async () => {
    const client = await transport.connect(authUrl());
    await deviceSignIn(client);
    const token = await wechatLogin(idmock.current, SEEDED.wechatLinked.persona);
    const response = await client.send({
      '@class': '.WeChatConnectRequest',
      errorOnSwitch: true,
      ...token,
    });
    expect(Object.keys(response)).toEqual([
      '@class',
      'error',
      'newPlayer',
      'requestId',
      'switchSummary',
    ]);
    expect(Object.keys(response.switchSummary ?? {})).toEqual([
      'id',
      'displayName',
      'externalIds',
      'achievements',
      'virtualGoods',
      'online',
      'scriptData',
    ]);
    expect(response.switchSummary).toMatchObject({
      id: SEEDED.wechatLinked.id,
      displayName: SEEDED.wechatLinked.displayName,
      externalIds: { WC: token.openId },
    });
  });

  it('echoes a numeric requestId as a number', async () => {
    const client = await transport.connect(authUrl());
    const response = await client.send({ '@class': '.QQConnectRequest', requestId: 42 });
    expect(response.requestId).toBe(42);
  });

  it('mints a fresh authToken on every success and keeps the earlier ones valid', async () => {
    const first = await transport.connect(authUrl());
    const token = await wechatLogin(idmock.current, 'li-na');
    const a = await first.send({ '@class': '.WeChatConnectRequest', ...token });
    const b = await first.send({ '@class': '.WeChatConnectRequest', ...token });
    expect(a.authToken).not.toBe(b.authToken);
    expect(b.userId).toBe(a.userId);
    // The first token still names the player: linking a QQ profile through it lands on a's player.
    const resumed = await transport.connect(authUrl(), { authToken: a.authToken });
    const linked = await resumed.send({
      '@class': '.QQConnectRequest',
      accessToken: (await qqLogin(idmock.current, 'li-na')).accessToken,
    });
    expect(linked).toMatchObject({ userId: a.userId, newPlayer: false });
  });
});

describe.each(TRANSPORTS)('sibling requests over $name', (transport) => {
  const authUrl = (): string => idmock.current.urls.auth!;
  beforeEach(async () => {
    await resetAuth(authUrl());
  });

  it('finds the same device player on a second DeviceAuthenticationRequest', async () => {
    const client = await transport.connect(authUrl());
    const deviceId = freshDeviceId();
    const body = {
      '@class': '.DeviceAuthenticationRequest',
      deviceId,
      deviceOS: 'ANDROID',
      displayName: 'Dev',
      segments: { a: 'b' },
    };
    const first = await client.send(body);
    const second = await client.send({ ...body, displayName: 'Other' });
    expect(first).toMatchObject({ newPlayer: true, displayName: 'Dev' });
    expect(second).toMatchObject({ newPlayer: false, displayName: 'Dev', userId: first.userId });
  });

  it('rejects a deviceOS outside the accepted range', async () => {
    const client = await transport.connect(authUrl());
    const response = await client.send({
      '@class': '.DeviceAuthenticationRequest',
      deviceId: 'd',
      deviceOS: 'BEOS',
    });
    expect(response.error).toEqual({ deviceOS: 'IOS|ANDROID|WP8' });
  });

  it('registers a player and answers USERNAME TAKEN for a second registration', async () => {
    const client = await transport.connect(authUrl());
    const body = {
      '@class': '.RegistrationRequest',
      userName: 'bob',
      password: 'pw',
      displayName: 'Bob',
    };
    const first = await client.send(body);
    expect(first).toMatchObject({
      '@class': '.RegistrationResponse',
      newPlayer: true,
      displayName: 'Bob',
    });
    const second = await client.send(body);
    expect(second).toEqual({
      '@class': '.RegistrationResponse',
      error: { USERNAME: 'TAKEN' },
      newPlayer: false,
      requestId: expect.any(String),
    });
  });

  it('reports every missing registration field at once', async () => {
    const client = await transport.connect(authUrl());
    const response = await client.send({ '@class': '.RegistrationRequest' });
    expect(response.error).toEqual({
      userName: 'REQUIRED',
      password: 'REQUIRED',
      displayName: 'REQUIRED',
    });
  });

  it('answers DETAILS UNRECOGNISED for a wrong password and locks after five', async () => {
    const client = await transport.connect(authUrl());
    const wrong = { '@class': '.AuthenticationRequest', userName: 'alice', password: 'nope' };
    for (let i = 0; i < 5; i++) {
      expect((await client.send(wrong)).error).toEqual({ DETAILS: 'UNRECOGNISED' });
    }
    const right = { ...wrong, password: SEEDED.alice.password };
    expect((await client.send(right)).error).toEqual({ DETAILS: 'LOCKED' });
    await postJson(`${idmock.current.urls.auth!}/__mock/clock/advance`, { by: '5m' });
    expect((await client.send(right)).userId).toBe(SEEDED.alice.id);
  });
});

describe('REST current player', () => {
  const authUrl = (): string => idmock.current.urls.auth!;
  const rest = (credential: string, secret: string, request: string, body: unknown) =>
    postJson(`${authUrl()}/rs/${credential}/${secret}/${request}`, body);

  beforeEach(async () => {
    await resetAuth(authUrl());
  });

  it('acts for the playerId in the body on the server credential', async () => {
    const token = await wechatLogin(idmock.current, 'li-na');
    const response = await rest(
      'server',
      's3rverS3cretF0rL0calTest1ngOnly0',
      'WeChatConnectRequest',
      {
        playerId: SEEDED.alice.id,
        ...token,
      },
    );
    expect(response.json()).toMatchObject({ userId: SEEDED.alice.id, newPlayer: false });
  });

  it('refuses playerId on a credential that may not act for players', async () => {
    const response = await rest(
      'device',
      'dEv1ceS3cretF0rL0calTest1ngOnly0',
      'WeChatConnectRequest',
      {
        playerId: SEEDED.alice.id,
      },
    );
    expect(response.status).toBe(200);
    expect(response.json().error).toEqual({ playerId: 'NOT_PERMITTED' });
  });

  it('refuses an unknown playerId', async () => {
    const response = await rest('server', 's3rverS3cretF0rL0calTest1ngOnly0', 'QQConnectRequest', {
      playerId: '000000000000000000000000',
    });
    expect(response.json().error).toEqual({ playerId: 'UNRECOGNISED' });
  });

  it('refuses an authToken that belongs to no player', async () => {
    const response = await rest('device', 'dEv1ceS3cretF0rL0calTest1ngOnly0', 'QQConnectRequest', {
      authToken: 'not-a-token',
      requestId: 'x',
    });
    expect(response.json()).toEqual({
      '@class': '.AuthenticationResponse',
      error: { authToken: 'NOTAUTHORIZED' },
      newPlayer: false,
      requestId: 'x',
    });
  });
});
