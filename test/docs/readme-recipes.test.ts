/**
 * The README's shell recipes (`<!-- recipe: NAME -->` blocks), run as written with bash, curl, jq
 * and the `idmock` command against a running idmock. The only change is the ports: the README
 * uses the defaults (7700-7702); here the services listen on free ones, and the QA CLI is told so
 * through `IDMOCK_*_PORT` as a reader's shell would leave it at the defaults.
 */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startIdmock, type RunningIdmock } from '../../src/runtime/start.js';
import { markedBlocks, readReadme, ROOT, run, TSX, type MarkedBlock } from './support.js';

const DEFAULT_PORTS = { auth: '7700', wechat: '7701', qq: '7702' } as const;

/** What each recipe must print (beyond its own `jq -e` checks), and where it runs. */
const EXPECTATIONS: Readonly<Record<string, { stdout: RegExp; cwd?: 'root' }>> = {
  'cli-function': { stdout: /^0\.1\.0$/m, cwd: 'root' },
  'wechat-qr': {
    stdout: /window\.wx_errcode=405;window\.wx_code='[^']+';[\s\S]*"access_token":"86_[^"]+"/,
  },
  'qq-code': { stdout: /callback\( \{"client_id":"101364207","openid":"[0-9A-F]{32}"\} \);\n/ },
  'connect-rest': {
    stdout: /"newPlayer":true[\s\S]*"error":\{"accessToken":"REQUIRED","openId":"REQUIRED"\}/,
  },
  'login-unregistered': {
    stdout: /"unionCode":"[^"]+"[\s\S]*"unionId":"o[^"]+"[\s\S]*"tn":"13512345678"/,
  },
  'verify-wechat': {
    stdout: /verify wechat at http:\/\/127\.0\.0\.1:\d+: all \d+ interactions passed/,
  },
};

describe('the README recipes', () => {
  const recipes = markedBlocks(readReadme(), 'recipe');
  let idmock: RunningIdmock;
  let bin: string;
  let work: string;
  let ports: Record<keyof typeof DEFAULT_PORTS, string>;

  beforeAll(async () => {
    idmock = await startIdmock();
    const port = (name: keyof typeof DEFAULT_PORTS): string =>
      new URL(idmock.urls[name] ?? '').port;
    ports = { auth: port('auth'), wechat: port('wechat'), qq: port('qq') };
    bin = await mkdtemp(join(tmpdir(), 'idmock-readme-bin-'));
    work = await mkdtemp(join(tmpdir(), 'idmock-readme-work-'));
    // What `npx idmock` or the README's shell function runs, pointed at the sources.
    await writeFile(
      join(bin, 'idmock'),
      `#!/bin/sh\nexec "${process.execPath}" --import "${TSX}" "${join(ROOT, 'src', 'cli', 'main.ts')}" "$@"\n`,
    );
    await chmod(join(bin, 'idmock'), 0o755);
  }, 60_000);

  afterAll(async () => {
    await idmock.stop();
    await rm(bin, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  });

  beforeEach(async () => {
    // Each recipe assumes a freshly started idmock.
    await idmock.admin.state.reset();
  });

  it('marks every recipe this test knows, and nothing else', () => {
    expect(recipes.map((recipe) => recipe.name).sort()).toEqual(Object.keys(EXPECTATIONS).sort());
    for (const recipe of recipes) expect(recipe.lang, recipe.name).toBe('sh');
  });

  const runRecipe = async (recipe: MarkedBlock) => {
    let script = recipe.code;
    for (const [name, port] of Object.entries(DEFAULT_PORTS)) {
      script = script.replaceAll(
        `127.0.0.1:${port}`,
        `127.0.0.1:${ports[name as keyof typeof ports]}`,
      );
    }
    const expectation = EXPECTATIONS[recipe.name];
    return run('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: expectation?.cwd === 'root' ? ROOT : work,
      timeout: 90_000,
      env: {
        ...process.env,
        PATH: `${bin}${delimiter}${process.env['PATH'] ?? ''}`,
        IDMOCK_HOST: '127.0.0.1',
        IDMOCK_AUTH_PORT: ports.auth,
        IDMOCK_WECHAT_PORT: ports.wechat,
        IDMOCK_QQ_PORT: ports.qq,
        PACT_DO_NOT_TRACK: 'true',
      },
    });
  };

  it.each(recipes.map((recipe) => [recipe.name, recipe] as const))(
    'runs the %s recipe as written',
    async (name, recipe) => {
      const result = await runRecipe(recipe);
      expect(
        result.code,
        `README.md:${String(recipe.line)}\n${result.stdout}\n${result.stderr}`,
      ).toBe(0);
      const expectation = EXPECTATIONS[name];
      expect(result.stdout).toMatch(expectation?.stdout ?? /$^/);
    },
    120_000,
  );
});
