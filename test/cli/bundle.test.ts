/**
 * The `idmock` command as it ships (the package's `bin`, the Docker image's entry point): the
 * bundle `scripts/bundle-cli.ts` writes, built here into a temporary directory laid out like the
 * installed package (`dist/bin/`, `mock-providers/`, `contracts/`, `node_modules/`). It prints what
 * `src/cli/main.ts` prints, finds its world and contracts, and still loads the parts it loads on
 * demand (the WebSocket library, QR images, the verify harness).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { copyFile, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCli } from '../../scripts/bundle-cli.js';
import { openRawSocket, socketUrl } from '../auth-server/support.js';

const ROOT = join(import.meta.dirname, '..', '..');
const execFileAsync = promisify(execFile);

let dir = '';
let entry = '';
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'idmock-bundle-'));
  ({ entry } = await bundleCli({ outDir: join(dir, 'dist', 'bin') }));
  await copyFile(join(ROOT, 'package.json'), join(dir, 'package.json'));
  for (const name of ['node_modules', 'mock-providers', 'contracts']) {
    await symlink(join(ROOT, name), join(dir, name), 'dir');
  }
}, 60_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node <args>` from a directory other than the package, as `npx idmock` may be. */
async function node(args: readonly string[], cwd = tmpdir()): Promise<Result> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, args, { cwd });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('the bundled idmock command', () => {
  it.each(['--help', '--version', 'start --help', 'verify --help', 'clock --help'])(
    'prints what the source prints for `idmock %s`',
    async (command) => {
      const args = command.split(' ');
      const bundled = await node([entry, ...args]);
      const source = await node(['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], ROOT);
      expect(bundled).toEqual(source);
      expect(bundled.stdout.length).toBeGreaterThan(0);
    },
    30_000,
  );

  it('starts every service with the packaged world and serves WebSocket and QR images', async () => {
    const child = spawn(
      process.execPath,
      [
        entry,
        'start',
        '--host',
        '127.0.0.1',
        '--auth-port',
        '0',
        '--wechat-port',
        '0',
        '--qq-port',
        '0',
      ],
      { cwd: tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(child);
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = once(child, 'exit');
    while (!stdout.includes('dev-only secrets')) {
      await Promise.race([once(child.stdout, 'data'), exited]);
      expect(child.exitCode).toBeNull();
    }
    const urls = Object.fromEntries(
      [...(/^idmock ready (.*)$/m.exec(stdout)?.[1] ?? '').matchAll(/(\w+)=(\S+)/g)].map(
        ([, name, url]) => [name, url],
      ),
    ) as Record<'auth' | 'wechat' | 'qq', string>;
    expect(Object.keys(urls).sort()).toEqual(['auth', 'qq', 'wechat']);
    expect(stdout).toContain('wx1a2b3c4d5e6f7081');
    expect(stdout).toContain('persona-06');
    for (const url of Object.values(urls)) {
      expect((await fetch(`${url}/__mock/healthz`)).status).toBe(200);
    }

    const socket = await openRawSocket(socketUrl(urls.auth));
    expect(await socket.next()).toEqual({
      '@class': '.AuthenticatedConnectResponse',
      nonce: expect.any(String),
    });
    socket.ws.close();

    const page = await fetch(
      `${urls.wechat}/connect/qrconnect?appid=wx1a2b3c4d5e6f7081&redirect_uri=${encodeURIComponent('http://localhost:3000/callback')}&response_type=code&scope=snsapi_login&state=s`,
    );
    const image = /\/connect\/qrcode\/[\w-]+/.exec(await page.text())?.[0];
    expect(image).toBeDefined();
    const png = await fetch(`${urls.wechat}${image ?? ''}`);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await png.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');

    child.kill('SIGTERM');
    expect(await exited).toEqual([0, null]);
  }, 30_000);

  it('verify reads the packaged contracts before it reaches for the implementation', async () => {
    const result = await node([
      entry,
      'verify',
      '--target',
      'wechat',
      '--base-url',
      'http://127.0.0.1:9',
    ]);
    expect(`${result.stdout}${result.stderr}`).toContain('cannot reach http://127.0.0.1:9');
    expect(result.code).toBe(1);
  }, 30_000);
});
