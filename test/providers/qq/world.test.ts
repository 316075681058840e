import { afterAll, describe, expect, it } from 'vitest';
import { IDMOCK_INVALID_CONFIG, IDMOCK_INVALID_WORLD } from '../../../src/core/errors.js';
import { createIds } from '../../../src/core/ids.js';
import { loadJsonFile, loadPersonas, parseWith } from '../../../src/core/world.js';
import { QQ_DEFAULTS, qqSeedSchema } from '../../../src/providers/qq/index.js';
import { buildQqWorld } from '../../../src/providers/qq/world.js';
import { resolveConfig } from '../../../src/runtime/config.js';
import { startIdmock } from '../../../src/runtime/start.js';
import { BUNDLED_WORLD, removeWorld, writeWorld } from './support.js';

const seedPath = `${BUNDLED_WORLD}/qq/seed.json`;

describe('mock-providers/qq/seed.json', () => {
  it('loads, with two unionid apps of one developer account and one without permission', async () => {
    const seed = await loadJsonFile(seedPath, qqSeedSchema);
    const accounts = new Set(seed.apps.map((app) => app.developerAccount));
    expect(accounts.size).toBe(1);
    expect(seed.apps.filter((app) => app.unionidPermission).length).toBeGreaterThanOrEqual(2);
    expect(seed.apps.some((app) => !app.unionidPermission)).toBe(true);
  });

  it('lists every problem of a bad seed at once', () => {
    const bad = {
      developerAccounts: [{ id: 'a', name: 'A' }],
      apps: [
        {
          clientId: 'wx123',
          appkey: 'XYZ',
          name: '',
          callbacks: ['ftp://example.test/cb'],
          developerAccount: 'a',
          unionidPermission: 'yes',
          extra: 1,
        },
      ],
    };
    let message = '';
    try {
      parseWith(qqSeedSchema, bad, 'qq/seed.json');
    } catch (error) {
      expect(error).toMatchObject({ code: IDMOCK_INVALID_WORLD });
      message = (error as Error).message;
    }
    for (const path of [
      'apps.0.clientId',
      'apps.0.appkey',
      'apps.0.name',
      'apps.0.callbacks.0',
      'apps.0.unionidPermission',
      'apps.0',
    ]) {
      expect(message).toContain(`${path}:`);
    }
    expect(message).toMatch(/\(6 problems\)/);
  });

  it('lists duplicate ids and unknown developer accounts together', async () => {
    const seed = await loadJsonFile(seedPath, qqSeedSchema);
    const broken = {
      developerAccounts: [...seed.developerAccounts, ...seed.developerAccounts],
      apps: [seed.apps[0]!, seed.apps[0]!, { ...seed.apps[1]!, developerAccount: 'nobody' }],
    };
    const personas = await loadPersonas(BUNDLED_WORLD, 'idmock');
    expect(() => buildQqWorld(broken, personas, createIds({ seed: 'idmock' }))).toThrow(
      /\(3 problems\)[\s\S]*developerAccounts\.1\.id: duplicate[\s\S]*apps\.1\.clientId: duplicate client_id 101364207[\s\S]*apps\.2\.developerAccount: unknown account "nobody"/,
    );
  });

  describe('a bad world directory', () => {
    const dir = writeWorld((seed) => {
      seed.apps[0]!.appkey = 'short';
    });
    afterAll(() => {
      removeWorld(dir);
    });

    it('stops start-up with the problem named', async () => {
      await expect(startIdmock({ services: ['qq'], worldDir: dir })).rejects.toThrow(
        /apps\.0\.appkey: must be 32 lower-case hex digits/,
      );
    });
  });
});

describe('QQ world ids', () => {
  it('derives 32 upper-hex openids per (persona, app) and UID_ unionids per account', async () => {
    const seed = await loadJsonFile(seedPath, qqSeedSchema);
    const personas = await loadPersonas(BUNDLED_WORLD, 'idmock');
    const world = buildQqWorld(seed, personas, createIds({ seed: 'idmock' }));
    const [web, game, solo] = world.apps;
    const a = world.openid('zhang-wei', web!.clientId);
    expect(a).toMatch(/^[0-9A-F]{32}$/);
    expect(world.openid('zhang-wei', game!.clientId)).not.toBe(a);
    expect(world.openid('li-na', web!.clientId)).not.toBe(a);
    expect(world.unionid('zhang-wei', web!)).toBe(world.unionid('zhang-wei', game!));
    expect(world.unionid('zhang-wei', web!)).toMatch(/^UID_[0-9A-F]{32}$/);
    expect(world.unionid('zhang-wei', solo!)).toBeUndefined();
    expect(world.user(a)?.persona.id).toBe('zhang-wei');
    expect(world.user('wang-fang')).toBeUndefined();
  });
});

describe('qq configuration', () => {
  it('defaults to the documented lifetimes', () => {
    expect(resolveConfig().qq).toEqual({
      codeTtlSeconds: 600,
      accessTokenTtlSeconds: 5_184_000,
      refreshTokenTtlSeconds: 7_776_000,
    });
    expect(QQ_DEFAULTS.accessTokenTtlSeconds).toBe(5_184_000);
  });

  it('accepts overrides and names every bad key', () => {
    expect(
      resolveConfig({ qq: { accessTokenTtlSeconds: '7776000' } }).qq.accessTokenTtlSeconds,
    ).toBe(7_776_000);
    expect(() => resolveConfig({ qq: { codeTtlSeconds: -1, bogus: true } })).toThrow(
      expect.objectContaining({
        code: IDMOCK_INVALID_CONFIG,
        message: expect.stringMatching(
          /qq\.codeTtlSeconds[\s\S]*qq: Unrecognized key: "bogus"|qq: Unrecognized key[\s\S]*qq\.codeTtlSeconds/,
        ),
      }),
    );
  });
});
