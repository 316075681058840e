/**
 * Nothing accumulates without bound under load: every store that grows with traffic (codes,
 * tokens, authTokens, SMS codes, QR sessions, the journal) has a cap, and expired records are
 * pruned. The store cap is lowered for this file (`setBounded` is wrapped with a limit of
 * {@link CAP}), so each store is driven past it through its real endpoint in a moment; a store
 * that stopped going through `setBounded` would grow past the cap and fail here.
 */
import express from 'express';
import request from 'supertest';
import { describe, expect, it, vi } from 'vitest';
import { createServiceRouter } from '../../src/adapters/express/index.js';
import {
  DEFAULT_TIMEOUTS,
  listen,
  MAX_HEADER_BYTES,
} from '../../src/adapters/node-server/index.js';
import { MAX_STORE_RECORDS } from '../../src/core/bounded.js';
import { controlsOf } from '../../src/core/controls.js';
import { JOURNAL_BODY_LIMIT } from '../../src/core/journal.js';
import { call, createInProcessWorld, type InProcessWorld } from '../fuzz/world.js';

const CAP = 200;

vi.mock('../../src/core/bounded.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/core/bounded.js')>();
  return {
    ...actual,
    setBounded: vi.fn(
      <K, V>(
        map: Map<K, V>,
        key: K,
        value: V,
        options: { isOver?: (value: V) => boolean } = {},
      ) => {
        actual.setBounded(map, key, value, { ...options, limit: CAP });
      },
    ),
  };
});

const WEB = { appid: 'wx1a2b3c4d5e6f7081', secret: '0f1e2d3c4b5a69788796a5b4c3d2e1f0' };
const QQ = {
  client_id: '101364207',
  client_secret: '556c5099bf889b17f0706c1c99ba7356',
  redirect_uri: 'http://localhost:3000/auth/qq/callback',
};
const API_KEY = { 'api-key': 'idmock-web-4f1c2a9e7b3d5081' };
const ROUNDS = CAP + 100;

interface Sizes {
  wechat: {
    codes: unknown[];
    accessTokens: unknown[];
    refreshTokens: unknown[];
    qrSessions: unknown[];
  };
  qq: { codes: unknown[]; accessTokens: unknown[]; refreshTokens: unknown[] };
  auth: { connect: { tokens: unknown[] }; login: { smsCodes: unknown[]; outbox: unknown[] } };
}

function state<K extends keyof Sizes>(world: InProcessWorld, name: K): Sizes[K] {
  return world.services[name].snapshot?.() as Sizes[K];
}

async function wechatCode(world: InProcessWorld): Promise<string> {
  const res = await call(world.services.wechat, 'POST', '/__mock/authorize', {
    json: { ...WEB, redirect_uri: 'http://localhost/cb', scope: 'snsapi_login', user: 'zhang-wei' },
  });
  return res.json<{ code: string }>().code;
}

async function qqCode(world: InProcessWorld): Promise<string> {
  const res = await call(world.services.qq, 'POST', '/__mock/authorize', {
    json: { client_id: QQ.client_id, redirect_uri: QQ.redirect_uri, user: 'chen-jie' },
  });
  return res.json<{ code: string }>().code;
}

describe('setBounded', () => {
  it('keeps a map at its limit, dropping over entries first, then the oldest', async () => {
    const { setBounded } = await vi.importActual<typeof import('../../src/core/bounded.js')>(
      '../../src/core/bounded.js',
    );
    const map = new Map<number, { over: boolean }>();
    for (let i = 0; i < 10; i++) setBounded(map, i, { over: i % 2 === 0 }, { limit: 10 });
    setBounded(map, 10, { over: false }, { limit: 10, isOver: (entry) => entry.over });
    expect([...map.keys()]).toEqual([1, 3, 5, 7, 9, 10]);
    for (let i = 11; i < 30; i++) setBounded(map, i, { over: false }, { limit: 10 });
    expect(map.size).toBeLessThanOrEqual(10);
    expect(map.has(29)).toBe(true);
  });

  it(`holds at most ${MAX_STORE_RECORDS} entries by default`, async () => {
    const { setBounded } = await vi.importActual<typeof import('../../src/core/bounded.js')>(
      '../../src/core/bounded.js',
    );
    const map = new Map<number, number>();
    for (let i = 0; i < MAX_STORE_RECORDS + 5000; i++) setBounded(map, i, i);
    expect(map.size).toBeLessThanOrEqual(MAX_STORE_RECORDS);
    expect(map.has(MAX_STORE_RECORDS + 4999)).toBe(true);
  });
});

describe(`stores driven ${ROUNDS} times past a cap of ${CAP}`, () => {
  it('bounds WeChat codes, access tokens and refresh tokens', async () => {
    const world = await createInProcessWorld();
    for (let i = 0; i < ROUNDS; i++) {
      const code = await wechatCode(world);
      if (i % 2 === 0) continue;
      const res = await call(
        world.services.wechat,
        'GET',
        `/sns/oauth2/access_token?appid=${WEB.appid}&secret=${WEB.secret}&code=${code}&grant_type=authorization_code`,
      );
      expect(res.json()).toHaveProperty('access_token');
    }
    for (let i = 0; i < ROUNDS / 2; i++) await wechatCode(world);
    const wechat = state(world, 'wechat');
    expect(wechat.codes.length).toBeLessThanOrEqual(CAP);
    expect(wechat.accessTokens.length).toBeLessThanOrEqual(CAP);
    expect(wechat.refreshTokens.length).toBeLessThanOrEqual(CAP);
    expect(wechat.accessTokens.length + wechat.codes.length).toBeGreaterThan(CAP);
  });

  it('bounds QQ codes, access tokens and refresh tokens', async () => {
    const world = await createInProcessWorld();
    for (let i = 0; i < ROUNDS * 1.5; i++) {
      const code = await qqCode(world);
      const query = new URLSearchParams({ ...QQ, grant_type: 'authorization_code', code });
      const res = await call(world.services.qq, 'GET', `/oauth2.0/token?${query.toString()}`);
      expect(res.text).toMatch(/^access_token=/);
    }
    const qq = state(world, 'qq');
    expect(qq.codes.length).toBeLessThanOrEqual(CAP);
    expect(qq.accessTokens.length).toBeLessThanOrEqual(CAP);
    expect(qq.refreshTokens.length).toBeLessThanOrEqual(CAP);
  });

  it('bounds GameSparks authTokens and SMS codes', async () => {
    const world = await createInProcessWorld();
    for (let i = 0; i < ROUNDS; i++) {
      const signIn = await call(
        world.services.auth,
        'POST',
        '/rs/device/dEv1ceS3cretF0rL0calTest1ngOnly0/DeviceAuthenticationRequest',
        { json: { deviceId: 'limits-device', deviceOS: 'IOS' } },
      );
      expect(signIn.json()).toHaveProperty('authToken');
      const sms = await call(world.services.auth, 'POST', '/v1/auth/sms', {
        json: { tn: `1390000${String(i).padStart(4, '0')}` },
        headers: API_KEY,
      });
      expect(sms.status).toBe(202);
    }
    const auth = state(world, 'auth');
    expect(auth.connect.tokens.length).toBeLessThanOrEqual(CAP);
    expect(auth.login.smsCodes.length).toBeLessThanOrEqual(CAP);
  });

  it('bounds QR sessions by maxQrSessions', async () => {
    const world = await createInProcessWorld({ config: { wechat: { maxQrSessions: 50 } } });
    for (let i = 0; i < 80; i++) {
      await call(
        world.services.wechat,
        'GET',
        `/connect/qrconnect?appid=${WEB.appid}&redirect_uri=http://localhost/cb&scope=snsapi_login&f=xml`,
      );
    }
    expect(state(world, 'wechat').qrSessions).toHaveLength(50);
  });
});

describe('expired records', () => {
  it('are pruned a day after they expire', async () => {
    const world = await createInProcessWorld();
    for (let i = 0; i < 20; i++) {
      await wechatCode(world);
      await qqCode(world);
    }
    // Past every lifetime (QQ refresh chains last 90 days) and the day of grace.
    world.instance.clock.advance(100 * 86_400_000);
    for (let i = 0; i < 1000; i++) {
      await call(world.services.wechat, 'GET', '/sns/auth');
      await call(world.services.qq, 'GET', '/oauth2.0/me');
    }
    expect(state(world, 'wechat').codes).toHaveLength(0);
    expect(state(world, 'qq').codes).toHaveLength(0);
  });
});

describe('the journal', () => {
  it('keeps its limit and cuts long header values', async () => {
    const world = await createInProcessWorld({ config: { journalLimit: 100 } });
    const state = 's'.repeat(100_000);
    for (let i = 0; i < 250; i++) {
      await call(world.services.wechat, 'POST', '/connect/oauth2/authorize', {
        form: {
          appid: 'wx4d5e6f708192a3b4',
          redirect_uri: 'http://localhost/oa',
          scope: 'snsapi_base',
          state,
          user: 'zhang-wei',
        },
      });
    }
    const journal = controlsOf(world.services.wechat).journal;
    const entries = journal.query();
    expect(entries).toHaveLength(100);
    expect(journal.evicted()).toBe(150);
    for (const entry of entries) {
      expect(entry.response.status).toBe(302);
      expect(entry.response.headers['location']?.length).toBeLessThanOrEqual(JOURNAL_BODY_LIMIT);
      expect(entry.request.body.text?.length).toBeLessThanOrEqual(JOURNAL_BODY_LIMIT);
    }
  });
});

describe('an oversized body through Express', () => {
  it.each([
    ['wechat', '/sns/oauth2/access_token', (body: string) => JSON.parse(body).errcode === 45002],
    ['qq', '/oauth2.0/token', (body: string) => body.startsWith('callback( {"error":100029')],
    ['auth', '/v1/auth/login', (body: string) => JSON.parse(body).title === 'PAYLOAD_TOO_LARGE'],
  ] as const)('answers %s with 413 in its own style', async (name, path, ownStyle) => {
    const world = await createInProcessWorld();
    const app = express();
    app.use(createServiceRouter(world.services[name]));
    const res = await request(app)
      .post(path)
      .set('content-type', 'application/json')
      .send(`"${'x'.repeat(2 * 1024 * 1024)}"`);
    expect(res.status).toBe(413);
    expect(ownStyle(res.text)).toBe(true);
  });
});

describe('the node:http server', () => {
  it('bounds headers and the time to receive a request', async () => {
    const world = await createInProcessWorld();
    const server = await listen(world.services.wechat, { host: '127.0.0.1', port: 0 });
    try {
      expect(MAX_HEADER_BYTES).toBe(16 * 1024);
      expect((server.server as { maxHeaderSize?: number }).maxHeaderSize).toBe(MAX_HEADER_BYTES);
      expect(server.server.headersTimeout).toBe(DEFAULT_TIMEOUTS.headersMs);
      expect(server.server.requestTimeout).toBe(DEFAULT_TIMEOUTS.requestMs);
      expect(server.server.keepAliveTimeout).toBe(DEFAULT_TIMEOUTS.keepAliveMs);
      expect(DEFAULT_TIMEOUTS.headersMs).toBeLessThanOrEqual(10_000);
      expect(DEFAULT_TIMEOUTS.requestMs).toBeLessThanOrEqual(30_000);
    } finally {
      await server.close();
    }
  });
});
