/**
 * The README's QA walkthrough (`qa-script.sh`: COPPA, an unregistered user, an expired token, a
 * rate limit), run as written with `idmock`, curl and jq against a running instance.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIdmock, type RunningIdmock } from '../../src/runtime/start.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

describe('the QA script', () => {
  let idmock: RunningIdmock;
  let bin: string;

  beforeAll(async () => {
    idmock = await startIdmock();
    bin = await mkdtemp(join(tmpdir(), 'idmock-bin-'));
    // What `npm install -g idmock` puts on the PATH, pointed at the sources.
    const shim = join(bin, 'idmock');
    await writeFile(
      shim,
      `#!/bin/sh\nexec "${process.execPath}" --import tsx "${join(ROOT, 'src', 'cli', 'main.ts')}" "$@"\n`,
    );
    await chmod(shim, 0o755);
  });

  afterAll(async () => {
    await idmock.stop();
    await rm(bin, { recursive: true, force: true });
  });

  it('runs COPPA, unregistered-user, expired-token and rate-limit checks', async () => {
    const port = (name: 'auth' | 'wechat') => new URL(idmock.urls[name] ?? '').port;
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      execFile(
        'bash',
        [join(ROOT, 'test', 'library', 'qa-script.sh')],
        {
          cwd: ROOT,
          timeout: 60_000,
          env: {
            ...process.env,
            PATH: `${bin}${delimiter}${process.env['PATH'] ?? ''}`,
            IDMOCK_HOST: '127.0.0.1',
            IDMOCK_AUTH_PORT: port('auth'),
            IDMOCK_WECHAT_PORT: port('wechat'),
          },
        },
        (error, stdout, stderr) => {
          done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
        },
      );
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /1\. COPPA[\s\S]*2\. Unregistered[\s\S]*3\. Expired[\s\S]*4\. Rate limit/,
    );
    expect(result.stdout.trim().endsWith('QA script passed')).toBe(true);
  }, 90_000);
});
