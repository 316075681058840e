/**
 * The auth server's mock-only endpoints: the seeded world as JSON (with persona links resolved to
 * the openids the providers derive), credentials, reset, and state export/import.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { get, useIdmock } from '../support/idmock.js';
import {
  API_KEY,
  closeClientsAfterEach,
  CREDENTIALS,
  listPlayers,
  QQ_APP,
  resetAuth,
  restTransport,
  SEEDED,
  WECHAT_APP,
  wechatLogin,
} from './support.js';

const idmock = useIdmock({ services: ['wechat', 'qq', 'auth'] });
closeClientsAfterEach();
const authUrl = (): string => idmock.current.urls.auth!;

function put(url: string, body: unknown) {
  return get(url, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

beforeEach(async () => {
  await resetAuth(authUrl());
});

describe('GET /__mock/players', () => {
  it('lists the seeded players with persona links resolved to the providers’ openids', async () => {
    const wechatUsers = (await get(`${idmock.current.urls.wechat!}/__mock/users`)).json().users;
    const qqUsers = (await get(`${idmock.current.urls.qq!}/__mock/users`)).json().users;
    const wechatOpenid = wechatUsers.find((u: { id: string }) => u.id === 'zhang-wei').openids[
      WECHAT_APP.appid
    ];
    const qqOpenid = qqUsers.find((u: { id: string }) => u.id === 'chen-jie').openids[
      QQ_APP.clientId
    ];
    const players = await listPlayers(authUrl());
    expect(players.map((player) => [player.id, player.displayName, player.externalIds])).toEqual([
      [SEEDED.alice.id, 'Alice', {}],
      [SEEDED.wechatLinked.id, '张伟', { WC: wechatOpenid }],
      [SEEDED.qqLinked.id, '陈杰', { QQ: qqOpenid }],
    ]);
  });
});

describe('GET /__mock/credentials', () => {
  it('lists the API key, the credentials and ready-made URLs', async () => {
    const body = (await get(`${authUrl()}/__mock/credentials`)).json();
    expect(body.apiKey).toBe(API_KEY);
    expect(body.credentials).toEqual([
      expect.objectContaining({
        name: 'device',
        secret: CREDENTIALS.device.secret,
        coppa: false,
        actAsPlayer: false,
      }),
      expect.objectContaining({ name: 'server', actAsPlayer: true }),
      expect.objectContaining({ name: 'kids', coppa: true }),
    ]);
    expect(body.credentials[0].restUrl).toBe(
      `${authUrl()}/rs/device/${CREDENTIALS.device.secret}/`,
    );
    expect(body.credentials[0].socketUrl).toBe(
      `${authUrl().replace('http', 'ws')}/ws/device/${API_KEY}`,
    );
    expect(body.wechat).toEqual({ appid: WECHAT_APP.appid, baseUrl: idmock.current.urls.wechat });
  });
});

describe('POST /__mock/reset', () => {
  it('drops created players and tokens and restores the seeded world', async () => {
    const client = await restTransport.connect(authUrl());
    const created = await client.send({
      '@class': '.WeChatConnectRequest',
      ...(await wechatLogin(idmock.current, 'li-na')),
    });
    expect(await listPlayers(authUrl())).toHaveLength(4);
    await resetAuth(authUrl());
    expect((await listPlayers(authUrl())).map((player) => player.id)).not.toContain(created.userId);
    expect(await listPlayers(authUrl())).toHaveLength(3);
    const stale = await client.send({ '@class': '.QQConnectRequest' });
    expect(stale.error).toEqual({ authToken: 'NOTAUTHORIZED' });
  });
});

describe('GET and PUT /__mock/state', () => {
  it('exports the players and imports them back after a reset', async () => {
    const client = await restTransport.connect(authUrl());
    const created = await client.send({
      '@class': '.WeChatConnectRequest',
      ...(await wechatLogin(idmock.current, 'li-na')),
    });
    const exported = (await get(`${authUrl()}/__mock/state`)).json();
    expect(exported.services.auth.connect.players).toHaveLength(4);
    await resetAuth(authUrl());
    const imported = await put(`${authUrl()}/__mock/state`, exported);
    expect(imported.status).toBe(200);
    expect((await listPlayers(authUrl())).map((player) => player.id)).toContain(created.userId);
    // The restored authToken still names the player.
    const linked = await client.send({
      '@class': '.WeChatConnectRequest',
      ...(await wechatLogin(idmock.current, 'li-na')),
    });
    expect(linked).toMatchObject({ userId: created.userId, newPlayer: false });
  });

  it('rejects a document that breaks I1 and changes nothing', async () => {
    const exported = (await get(`${authUrl()}/__mock/state`)).json();
    const players = exported.services.auth.connect.players;
    players[0].links = {
      WC: { externalId: players[1].links.WC.externalId, syncDisplayName: false },
    };
    const response = await put(`${authUrl()}/__mock/state`, exported);
    expect(response.status).toBe(400);
    expect(response.text).toMatch(/linked to two players/);
    expect((await listPlayers(authUrl()))[0]?.externalIds).toEqual({});
  });
});
