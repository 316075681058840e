/**
 * The README's reference tables against the running code and the shipped data: every mock-only
 * endpoint each service serves is in the endpoint table, every scenario preset is described, and
 * the ids and secrets of the seeded world that scripts copy from the README are the real ones.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTROL_ROUTES } from '../../src/core/control-routes.js';
import { startIdmock, type RunningIdmock } from '../../src/runtime/start.js';
import { readReadme, ROOT, section } from './support.js';

function readJson(...parts: string[]): unknown {
  return JSON.parse(readFileSync(join(ROOT, 'mock-providers', ...parts), 'utf8'));
}

describe('the README mock-only endpoint table', () => {
  let idmock: RunningIdmock;
  const table = section(readReadme(), '## Mock-only endpoints');

  beforeAll(async () => {
    idmock = await startIdmock();
  }, 60_000);

  afterAll(async () => {
    await idmock.stop();
  });

  it('lists every /__mock/ route of every service', () => {
    const missing: string[] = [];
    for (const [name, service] of Object.entries(idmock.services)) {
      const routes = [...service.routes, ...CONTROL_ROUTES];
      for (const route of routes) {
        if (!route.path.startsWith('/__mock/')) continue;
        const entry = `\`${route.method} ${route.path}\``;
        if (!table.includes(entry)) missing.push(`${name}: ${entry}`);
      }
    }
    expect([...new Set(missing)]).toEqual([]);
  });
});

describe('the README world', () => {
  const readme = readReadme();

  it('shows the seeded apps with their real ids and secrets', () => {
    const wechat = readJson('wechat', 'seed.json') as { apps: { appid: string; secret: string }[] };
    const qq = readJson('qq', 'seed.json') as {
      apps: { clientId: string; appkey: string; callbacks: string[] }[];
    };
    // Table cells are padded by prettier: compare with runs of spaces collapsed.
    const compact = readme.replace(/ +/g, ' ');
    for (const app of wechat.apps)
      expect(compact).toContain(`| \`${app.appid}\` | \`${app.secret}\``);
    for (const app of qq.apps) {
      expect(compact).toContain(`| \`${app.clientId}\` | \`${app.appkey}\``);
      for (const callback of app.callbacks) expect(readme).toContain(callback);
    }
  });

  it('names the personas, credentials, players and accounts scripts use', () => {
    const personas = readJson('personas.json') as { named: { id: string; nickname: string }[] };
    for (const persona of personas.named) {
      expect(readme).toContain(`\`${persona.id}\` (${persona.nickname}`);
    }
    const credentials = readJson('auth-server', 'credentials.json') as {
      apiKey: string;
      credentials: { name: string; secret: string }[];
    };
    expect(readme).toContain(credentials.apiKey);
    for (const credential of credentials.credentials) {
      expect(readme).toContain(`\`${credential.name}\``);
      expect(readme).toContain(credential.secret);
    }
    const players = readJson('auth-server', 'players.json') as {
      players: { id: string; displayName: string }[];
    };
    for (const player of players.players) {
      expect(readme).toContain(`\`${player.id}\` ${player.displayName}`);
    }
    const accounts = readJson('auth-server', 'accounts.json') as {
      apiKeys: { key: string }[];
      accounts: { tn: string; username?: string; password?: string }[];
    };
    for (const key of accounts.apiKeys) expect(readme).toContain(key.key);
    for (const account of accounts.accounts) {
      expect(readme).toContain(account.tn);
      if (account.username !== undefined) {
        expect(readme).toContain(`\`${account.username}\` / \`${account.password ?? ''}\``);
      }
    }
  });

  it('describes every scenario preset', () => {
    const scenarios = section(readme, '### Scenarios');
    const names = readdirSync(join(ROOT, 'mock-providers', 'scenarios'))
      .filter((file) => file.endsWith('.json'))
      .map((file) => file.replace(/\.json$/, ''));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(scenarios).toContain(`| \`${name}\``);
  });
});

describe('the README links', () => {
  it('link every decision record in docs/decisions/', () => {
    const readme = readReadme();
    const records = readdirSync(join(ROOT, 'docs', 'decisions')).filter((file) =>
      file.endsWith('.md'),
    );
    expect(records.length).toBeGreaterThan(0);
    for (const record of records) expect(readme).toContain(`(docs/decisions/${record})`);
  });

  it('point at files that exist', () => {
    const readme = readReadme();
    const targets = [...readme.matchAll(/\]\(((?:docs|contracts|src|test)\/[^)#]+)\)/g)].map(
      (match) => match[1] ?? '',
    );
    for (const target of targets) expect(existsSync(join(ROOT, target)), target).toBe(true);
  });
});
