/**
 * The auth server's world files are validated at load, every problem listed at once.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAuthWorld } from '../../src/auth-server/index.js';
import { DEFAULT_WORLD_DIR } from '../../src/runtime/config.js';
import { loadPersonas } from '../../src/core/world.js';

async function worldWith(credentials: unknown, players: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'idmock-auth-'));
  await mkdir(join(dir, 'auth-server'));
  await writeFile(join(dir, 'auth-server', 'credentials.json'), JSON.stringify(credentials));
  await writeFile(join(dir, 'auth-server', 'players.json'), JSON.stringify(players));
  return dir;
}

const credentials = {
  apiKey: 'key123',
  credentials: [{ name: 'device', secret: 'abcdefghijklmnop' }],
};

describe('loadAuthWorld', () => {
  it('loads the bundled world', async () => {
    const personas = await loadPersonas(DEFAULT_WORLD_DIR, 'idmock');
    const world = await loadAuthWorld(DEFAULT_WORLD_DIR, personas);
    expect(world.credentials.map((c) => [c.name, c.coppa, c.actAsPlayer])).toEqual([
      ['device', false, false],
      ['server', false, true],
      ['kids', true, false],
    ]);
    expect(world.players).toHaveLength(3);
  });

  it('lists every schema problem at once', async () => {
    const personas = await loadPersonas(DEFAULT_WORLD_DIR, 'idmock');
    const dir = await worldWith(
      { apiKey: 'k', credentials: [{ name: 'a b', secret: 'short', extra: true }] },
      { players: [{ id: 'nothex' }] },
    );
    const message = await loadAuthWorld(dir, personas).catch((e: unknown) => (e as Error).message);
    expect(message).toContain('credentials.0.name: must be 1-64 letters');
    expect(message).toContain('credentials.0.secret: must be 16-128 letters or digits');
    expect(message).toContain('apiKey: must be 6-64 letters or digits');
    expect(message).toContain('players.0.id: must be 24 lower-case hex digits');
  });

  it('lists every cross-record problem at once', async () => {
    const personas = await loadPersonas(DEFAULT_WORLD_DIR, 'idmock');
    const dir = await worldWith(
      { ...credentials, credentials: [...credentials.credentials, ...credentials.credentials] },
      {
        players: [
          { id: '000000000000000000000001', userName: 'a' },
          { id: '000000000000000000000001', externalIds: { QQ: { persona: 'wang-fang' } } },
          { id: '000000000000000000000002', externalIds: { WC: { persona: 'nobody' } } },
          { id: '000000000000000000000003', externalIds: { WC: { persona: 'chen-jie' } } },
        ],
      },
    );
    const message = await loadAuthWorld(dir, personas).catch((e: unknown) => (e as Error).message);
    expect(message).toContain('duplicate "device"');
    expect(message).toContain('players.0: userName and password go together');
    expect(message).toContain('players.1.id: duplicate');
    expect(message).toContain('persona "wang-fang" has no QQ account');
    expect(message).toContain('unknown persona "nobody"');
    expect(message).toContain('persona "chen-jie" has no WC account');
  });
});
