/**
 * The race tests of the connect API (50 concurrent connects of one unknown openid) and the login
 * API (50 concurrent uses of one unionCode) still hold while the soak's mixed traffic, faults
 * included, runs against the same instance. The load uses every persona but the two the races
 * reserve, so the races' assertions stay exact; the load itself must see no 5xx and nothing
 * unexpected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIdmock, type RunningIdmock } from '../../src/runtime/start.js';
import { ALL_PERSONAS, createStats, runTraffic, type TrafficStats } from '../../scripts/soak.js';
import {
  closeClientsAfterEach,
  listPlayers,
  TRANSPORTS,
  wechatLogin,
} from '../auth-server/support.js';
import {
  accountsBoundTo,
  expectInvalidUnionCode,
  freshTn,
  loginApi,
  sendSms,
  unionPairFor,
} from '../auth-server/login/support.js';

/** Personas only the races use, one per race run. */
const RESERVED = ['li-na', 'persona-06'] as const;

let idmock: RunningIdmock;
const controller = new AbortController();
const stats = createStats();
let traffic: Promise<TrafficStats>;
const authUrl = (): string => idmock.urls.auth ?? '';

beforeAll(async () => {
  idmock = await startIdmock({ wechat: { longPollHoldSeconds: 2 } });
  const keep = (list: readonly string[]) =>
    list.filter((persona) => !(RESERVED as readonly string[]).includes(persona));
  traffic = runTraffic({
    urls: { wechat: idmock.urls.wechat ?? '', qq: idmock.urls.qq ?? '', auth: authUrl() },
    signal: controller.signal,
    concurrency: 6,
    personas: {
      wechat: keep(ALL_PERSONAS.wechat),
      qq: ALL_PERSONAS.qq,
      login: keep(ALL_PERSONAS.login),
    },
    stats,
  });
  // The races start once the load is really running.
  while (stats.requests < 300) await new Promise((resolve) => setTimeout(resolve, 20));
}, 30_000);

afterAll(async () => {
  controller.abort();
  await traffic;
  await idmock.stop();
}, 30_000);

closeClientsAfterEach();

describe.each(
  TRANSPORTS.map((transport, index) => ({ transport, persona: RESERVED[index] ?? '' })),
)('the connect race over $transport.name, under load', ({ transport, persona }) => {
  it('creates exactly one player for 50 concurrent connects of one unknown openid', async () => {
    const before = stats.requests;
    const token = await wechatLogin(idmock, persona);
    const clients = await Promise.all(
      Array.from({ length: 50 }, () => transport.connect(authUrl())),
    );
    const responses = await Promise.all(
      clients.map((client) => client.send({ '@class': '.WeChatConnectRequest', ...token })),
    );
    expect(responses.every((response) => response.error === undefined)).toBe(true);
    expect(new Set(responses.map((response) => response.userId)).size).toBe(1);
    expect(responses.filter((response) => response.newPlayer)).toHaveLength(1);
    const owners = (await listPlayers(authUrl())).filter(
      (player) => player.externalIds['WC'] === token.openId,
    );
    expect(owners).toHaveLength(1);
    expect(stats.requests).toBeGreaterThan(before);
  });
});

describe('the unionCode races, under load', () => {
  it('lets one of 50 concurrent uses of one unionCode (same tn) bind, exactly once', async () => {
    const before = stats.requests;
    const pair = await unionPairFor(idmock, RESERVED[0]);
    const tn = freshTn();
    const code = await sendSms(authUrl(), tn);
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => loginApi(authUrl()).login({ tn, code, ...pair })),
    );
    expect(responses.filter((response) => response.status === 200)).toHaveLength(1);
    responses.filter((response) => response.status !== 200).forEach(expectInvalidUnionCode);
    expect(await accountsBoundTo(authUrl(), pair.unionId)).toHaveLength(1);
    expect(stats.requests).toBeGreaterThan(before);
  });

  it('lets one of 50 concurrent uses of one unionCode (50 tns) bind, exactly once', async () => {
    const pair = await unionPairFor(idmock, RESERVED[1]);
    const tns = Array.from({ length: 50 }, () => freshTn());
    const codes = await Promise.all(tns.map((tn) => sendSms(authUrl(), tn)));
    const responses = await Promise.all(
      tns.map((tn, index) => loginApi(authUrl()).login({ tn, code: codes[index], ...pair })),
    );
    expect(responses.filter((response) => response.status === 200)).toHaveLength(1);
    responses.filter((response) => response.status !== 200).forEach(expectInvalidUnionCode);
    expect(await accountsBoundTo(authUrl(), pair.unionId)).toHaveLength(1);
  });
});

describe('the load beside the races', () => {
  it('met no 5xx and nothing unexpected', async () => {
    controller.abort();
    await traffic;
    expect(stats.serverErrors).toEqual([]);
    expect(Object.fromEntries(stats.unexpected)).toEqual({});
    expect(stats.requests).toBeGreaterThan(300);
  });
});
