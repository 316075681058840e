/**
 * §4 atomicity: concurrent connects never break I1/I2, and a request that loses a race is decided
 * again on fresh state. The interleavings are forced with the test-only barrier between validation
 * and commit.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useIdmock } from '../support/idmock.js';
import {
  clearBarriers,
  closeClientsAfterEach,
  deviceSignIn,
  holdAtBarrier,
  listPlayers,
  resetAuth,
  TRANSPORTS,
  wechatLogin,
} from './support.js';

const idmock = useIdmock({ services: ['wechat', 'qq', 'auth'] });
closeClientsAfterEach();
const authUrl = (): string => idmock.current.urls.auth!;

beforeEach(async () => {
  await resetAuth(authUrl());
});
afterEach(() => {
  clearBarriers(idmock.current);
});

describe.each(TRANSPORTS)('races over $name', (transport) => {
  it('creates exactly one player for 50 concurrent unauthenticated connects of one unknown openid', async () => {
    const token = await wechatLogin(idmock.current, 'li-na');
    const before = (await listPlayers(authUrl())).length;
    const clients = await Promise.all(
      Array.from({ length: 50 }, () => transport.connect(authUrl())),
    );
    const responses = await Promise.all(
      clients.map((client) => client.send({ '@class': '.WeChatConnectRequest', ...token })),
    );
    const userIds = new Set(responses.map((response) => response.userId));
    expect(userIds.size).toBe(1);
    expect(responses.filter((response) => response.newPlayer)).toHaveLength(1);
    expect(responses.every((response) => response.error === undefined)).toBe(true);
    const players = await listPlayers(authUrl());
    expect(players).toHaveLength(before + 1);
    expect(players.filter((player) => player.externalIds['WC'] === token.openId)).toHaveLength(1);
  });

  it('logs the loser of two racing creates into the winner (row 1, then row 2)', async () => {
    const token = await wechatLogin(idmock.current, 'li-na');
    const barrier = holdAtBarrier(idmock.current, (event) => event.requestId === 'loser');
    const [loser, winner] = [
      await transport.connect(authUrl()),
      await transport.connect(authUrl()),
    ];
    const held = loser.send({ '@class': '.WeChatConnectRequest', requestId: 'loser', ...token });
    await barrier.reached;
    const won = await winner.send({ '@class': '.WeChatConnectRequest', ...token });
    barrier.release();
    const lost = await held;
    expect(won.newPlayer).toBe(true);
    expect(lost).toMatchObject({ newPlayer: false, userId: won.userId });
  });

  it('turns P0 linking X into a switch when an unauthenticated client creates X first (row 7)', async () => {
    const token = await wechatLogin(idmock.current, 'li-na');
    const p0 = await transport.connect(authUrl());
    const p0Id = (await deviceSignIn(p0)).userId;
    const barrier = holdAtBarrier(idmock.current, (event) => event.requestId === 'p0-link');
    const held = p0.send({ '@class': '.WeChatConnectRequest', requestId: 'p0-link', ...token });
    await barrier.reached;
    const other = await transport.connect(authUrl());
    const created = await other.send({ '@class': '.WeChatConnectRequest', ...token });
    barrier.release();
    const switched = await held;
    expect(created.newPlayer).toBe(true);
    expect(switched).toMatchObject({ newPlayer: false, userId: created.userId });
    expect(switched.userId).not.toBe(p0Id);
    const owners = (await listPlayers(authUrl())).filter(
      (p) => p.externalIds['WC'] === token.openId,
    );
    expect(owners.map((p) => p.id)).toEqual([created.userId]);
  });

  it('answers SWITCH_PREVENTED to P0 under errorOnSwitch when the other client created X first', async () => {
    const token = await wechatLogin(idmock.current, 'li-na');
    const p0 = await transport.connect(authUrl());
    const p0Id = (await deviceSignIn(p0)).userId;
    const barrier = holdAtBarrier(idmock.current, (event) => event.requestId === 'p0-link');
    const held = p0.send({
      '@class': '.WeChatConnectRequest',
      requestId: 'p0-link',
      errorOnSwitch: true,
      ...token,
    });
    await barrier.reached;
    const created = await (
      await transport.connect(authUrl())
    ).send({ '@class': '.WeChatConnectRequest', ...token });
    barrier.release();
    const prevented = await held;
    expect(prevented.error).toEqual({ authentication: 'SWITCH_PREVENTED' });
    expect(prevented.switchSummary?.id).toBe(created.userId);
    expect(await p0.boundPlayer()).toBe(p0Id);
  });

  it('logs the unauthenticated client into P0 when P0 links X first (row 3, then row 2)', async () => {
    const token = await wechatLogin(idmock.current, 'li-na');
    const p0 = await transport.connect(authUrl());
    const p0Id = (await deviceSignIn(p0)).userId;
    const barrier = holdAtBarrier(idmock.current, (event) => event.requestId === 'anon');
    const anon = await transport.connect(authUrl());
    const held = anon.send({ '@class': '.WeChatConnectRequest', requestId: 'anon', ...token });
    await barrier.reached;
    const linked = await p0.send({ '@class': '.WeChatConnectRequest', ...token });
    barrier.release();
    const loggedIn = await held;
    expect(linked).toMatchObject({ newPlayer: false, userId: p0Id });
    expect(loggedIn).toMatchObject({ newPlayer: false, userId: p0Id });
  });

  it('links one of two unknown ids connected at once by P0 and refuses the other (row 5)', async () => {
    const x1 = await wechatLogin(idmock.current, 'li-na');
    const x2 = await wechatLogin(idmock.current, 'wang-fang');
    const first = await transport.connect(authUrl());
    const signedIn = await deviceSignIn(first);
    // A second session of the same player, resumed with its authToken.
    const second = await transport.connect(authUrl(), { authToken: signedIn.authToken });
    const barrier = holdAtBarrier(idmock.current, (event) => event.requestId === 'x1');
    const held = first.send({ '@class': '.WeChatConnectRequest', requestId: 'x1', ...x1 });
    await barrier.reached;
    const linked = await second.send({ '@class': '.WeChatConnectRequest', ...x2 });
    barrier.release();
    const refused = await held;
    expect(linked).toMatchObject({ newPlayer: false, userId: signedIn.userId });
    expect(refused.error).toEqual({ accessToken: 'ACCOUNT_ALREADY_LINKED' });
    const player = (await listPlayers(authUrl())).find((p) => p.id === signedIn.userId);
    expect(player?.externalIds).toEqual({ WC: x2.openId });
  });
});
