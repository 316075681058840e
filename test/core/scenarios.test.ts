import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createClock } from '../../src/core/clock.js';
import { controlsOf } from '../../src/core/controls.js';
import {
  createScenarioHost,
  scenarioFileSchema,
  scenarioNames,
  ScenarioError,
} from '../../src/core/scenarios.js';
import { loadJsonFile } from '../../src/core/world.js';
import { DEFAULT_WORLD_DIR, resolveConfig, SERVICE_NAMES } from '../../src/runtime/config.js';
import { createInstance } from '../../src/runtime/instance.js';
import { SERVICE_BUILDERS } from '../../src/runtime/services.js';
import { codeFor, exchangePath, send, wechatWorld } from './controls-support.js';

const SHIPPED = join(DEFAULT_WORLD_DIR, 'scenarios');
const dirs: string[] = [];
const shippedNames = await scenarioNames(SHIPPED);

async function scenarioDir(files: Record<string, unknown>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'idmock-scenarios-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    await writeFile(join(dir, `${name}.json`), JSON.stringify(content));
  }
  return dir;
}

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('shipped scenario presets', () => {
  it('include the expired-token, rate-limit and system-error presets', async () => {
    expect(await scenarioNames(SHIPPED)).toEqual(
      expect.arrayContaining(['expired-token', 'wechat-rate-limit', 'wechat-system-error']),
    );
  });

  it.each(shippedNames)('%s validates and applies to a full world', async (name) => {
    await loadJsonFile(join(SHIPPED, `${name}.json`), scenarioFileSchema);
    const instance = await createInstance(resolveConfig());
    for (const service of SERVICE_NAMES) {
      if (SERVICE_BUILDERS[service]) await instance.build(service, {});
    }
    const result = await instance.scenarios.apply(name);
    expect(result.skipped).toEqual([]);
    expect(result.applied.length).toBeGreaterThan(0);
  });
});

describe('createScenarioHost', () => {
  it('applies faults, clock advances and auto-approve in order', async () => {
    const { instance, wechat } = await wechatWorld();
    const dir = await scenarioDir({
      mixed: {
        description: 'a bit of everything',
        steps: [
          { type: 'clock', advance: '1h' },
          {
            type: 'fault',
            service: 'wechat',
            route: 'wechat.exchangeCode',
            error: 'dailyQuota',
            times: 'always',
          },
          { type: 'autoApprove', service: 'wechat', user: 'li-na' },
          { type: 'request', service: 'wechat', path: '/__mock/auto-approve', method: 'GET' },
          { type: 'fault', service: 'qq', route: 'qq.token', status: 500 },
        ],
      },
    });
    const host = createScenarioHost({ dir, clock: instance.clock, services: () => ({ wechat }) });
    const result = await host.apply('mixed');
    expect(result.applied).toEqual([
      'clock advance 1h',
      'fault wechat.exchangeCode -> dailyQuota (always)',
      'auto-approve wechat as li-na',
      'wechat GET /__mock/auto-approve',
    ]);
    expect(result.skipped).toEqual([
      'fault qq.token -> status 500 (1x): the qq service is not running here',
    ]);
    expect(instance.clock.offset()).toBe(3_600_000);
    expect((await send(wechat, exchangePath(await codeFor(wechat)))).json()).toMatchObject({
      errcode: 45009,
    });
    expect((await send(wechat, '/__mock/auto-approve')).json()).toEqual({ user: 'li-na' });
  });

  it('validates every fault before applying any step', async () => {
    const { instance, wechat } = await wechatWorld();
    const dir = await scenarioDir({
      broken: {
        description: 'second fault is wrong',
        steps: [
          { type: 'clock', advance: '1h' },
          { type: 'fault', service: 'wechat', route: 'wechat.exchangeCode', error: 'nope' },
        ],
      },
    });
    const host = createScenarioHost({ dir, clock: instance.clock, services: () => ({ wechat }) });
    const error = await host.apply('broken').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).status).toBe(400);
    expect((error as ScenarioError).problems).toEqual([
      expect.stringMatching(/^steps\.1: error: "nope" is not a wechat catalogue key/),
    ]);
    expect(instance.clock.offset()).toBe(0);
    expect(controlsOf(wechat).faults.list()).toEqual([]);
  });

  it('reports unknown names, invalid files and scenarios for absent services', async () => {
    const dir = await scenarioDir({
      bad: { description: '', steps: [{ type: 'teleport' }] },
      elsewhere: {
        description: 'qq only',
        steps: [{ type: 'fault', service: 'qq', route: 'qq.token', status: 500 }],
      },
    });
    const host = createScenarioHost({ dir, clock: createClock(), services: () => ({}) });
    await expect(host.apply('missing')).rejects.toMatchObject({
      status: 404,
      message: 'no scenario "missing" (known: bad, elsewhere)',
    });
    await expect(host.apply('../etc/passwd')).rejects.toMatchObject({ status: 404 });
    await expect(host.apply('bad')).rejects.toMatchObject({ status: 400 });
    await expect(host.apply('elsewhere')).rejects.toMatchObject({ status: 409 });
    const listed = await host.list();
    expect(listed.map((s) => [s.name, s.services, s.problems === undefined])).toEqual([
      ['bad', [], false],
      ['elsewhere', ['qq'], true],
    ]);
  });

  it('stops at a request step the service refuses, keeping earlier steps', async () => {
    const { instance, wechat } = await wechatWorld();
    const dir = await scenarioDir({
      refused: {
        description: 'unknown persona',
        steps: [
          { type: 'clock', advance: 60 },
          { type: 'autoApprove', service: 'wechat', user: 'nobody' },
        ],
      },
    });
    const host = createScenarioHost({ dir, clock: instance.clock, services: () => ({ wechat }) });
    await expect(host.apply('refused')).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/auto-approve wechat as nobody answered 404/),
    });
    expect(instance.clock.offset()).toBe(60_000);
  });
});

describe('/__mock/scenarios', () => {
  it('lists the presets and applies one to the whole process', async () => {
    const { wechat } = await wechatWorld();
    const listed = (await send(wechat, '/__mock/scenarios')).json();
    expect(listed.scenarios).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'wechat-rate-limit', services: ['wechat'] }),
      ]),
    );
    const applied = await send(wechat, '/__mock/scenarios/wechat-rate-limit', { method: 'POST' });
    expect(applied.status).toBe(200);
    expect(applied.json().applied).toHaveLength(4);
    expect((await send(wechat, exchangePath(await codeFor(wechat)))).json()).toMatchObject({
      errcode: 45011,
    });
    const unknown = await send(wechat, '/__mock/scenarios/nope', { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect(unknown.json().error).toBe('scenario_failed');
  });
});
