/**
 * `idmock start` as a user runs it: a child process through `npx tsx`, ready when it prints the
 * `idmock ready` line, stopped with SIGTERM. Bad flags exit 2 with a message; a port in use is a
 * clear one-line message and a non-zero exit, never a stack trace.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';

const CWD = new URL('../../', import.meta.url);

interface Run {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];

/** Runs the CLI in its own process group, so SIGTERM reaches npx, tsx and idmock alike. */
function runCli(args: string[]): Run {
  const child = spawn('npx', ['tsx', 'src/cli/main.ts', ...args], {
    cwd: CWD,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  children.push(child);
  const run: Run = {
    child,
    stdout: '',
    stderr: '',
    exited: once(child, 'exit').then(([code, signal]) => ({
      code: code as number | null,
      signal: signal as NodeJS.Signals | null,
    })),
  };
  child.stdout.on('data', (chunk: Buffer) => {
    run.stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    run.stderr += chunk.toString();
  });
  return run;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

async function readyLine(run: Run): Promise<string> {
  for (;;) {
    const line = run.stdout.split('\n').find((l) => l.startsWith('idmock ready'));
    if (line !== undefined) return line;
    const raced = await Promise.race([
      once(run.child.stdout ?? run.child, 'data').then(() => 'data' as const),
      run.exited.then(() => 'exit' as const),
    ]);
    if (raced === 'exit') {
      throw new Error(`idmock exited before it was ready:\n${run.stdout}\n${run.stderr}`);
    }
  }
}

/** stderr without npm's own configuration warnings. */
function ownStderr(run: Run): string {
  return run.stderr
    .split('\n')
    .filter((line) => !line.startsWith('npm warn'))
    .join('\n')
    .trim();
}

afterEach(() => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) signalGroup(child, 'SIGKILL');
  }
});

describe('idmock start wechat', () => {
  it('prints the ready line, serves /__mock/healthz and stops on SIGTERM', async () => {
    const run = runCli(['start', 'wechat', '--port', '0']);
    const line = await readyLine(run);
    const url = /\bwechat=(http:\/\/127\.0\.0\.1:\d+)/.exec(line)?.[1];
    expect(url, line).toBeDefined();
    expect(url).not.toMatch(/:0$/);
    const res = await fetch(`${url ?? ''}/__mock/healthz`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"status":"ok"}');
    expect(run.stdout).toContain('wx1a2b3c4d5e6f7081');

    signalGroup(run.child, 'SIGTERM');
    await run.exited;
    await expect(fetch(`${url ?? ''}/__mock/healthz`)).rejects.toThrow();
    expect(ownStderr(run)).toBe('');
  }, 30_000);

  it('lists its flags in --help', async () => {
    const run = runCli(['start', '--help']);
    const { code } = await run.exited;
    expect(code).toBe(0);
    for (const flag of [
      '--host',
      '--port',
      '--auth-port',
      '--wechat-port',
      '--qq-port',
      '--seed',
      '--config',
      '--world',
      '--auto-approve',
      '--admin-token',
      '--json',
    ]) {
      expect(run.stdout).toContain(flag);
    }
  }, 30_000);

  it.each([
    [['--port', 'abc'], /--port.*must be a port number/],
    [['--port', '70000'], /must be a port number/],
    [['--wechat-port', '-1'], /wechat-port|must be a port number/],
  ])(
    'exits 2 with a message for %j',
    async (flags, message) => {
      const run = runCli(['start', 'wechat', ...flags]);
      const { code } = await run.exited;
      expect(code).toBe(2);
      expect(ownStderr(run)).toMatch(message);
      expect(ownStderr(run)).not.toMatch(/\n\s+at /);
    },
    30_000,
  );

  it('exits 2 naming an unknown service', async () => {
    const run = runCli(['start', 'weixin', '--port', '0']);
    expect((await run.exited).code).toBe(2);
    expect(ownStderr(run)).toContain('weixin');
  }, 30_000);

  it('reports a port already in use in one clear line and exits non-zero', async () => {
    const blocker: Server = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const { port } = blocker.address() as { port: number };
    try {
      const run = runCli(['start', 'wechat', '--port', String(port)]);
      const { code } = await run.exited;
      expect(code).not.toBe(0);
      expect(code).not.toBeNull();
      const stderr = ownStderr(run);
      expect(stderr).toMatch(
        new RegExp(`^\\[idmock\\] port ${port} on 127\\.0\\.0\\.1 is already in use`),
      );
      expect(stderr.split('\n')).toHaveLength(1);
      expect(stderr).not.toMatch(/\n\s+at |Error:/);
      expect(run.stdout).not.toContain('idmock ready');
    } finally {
      blocker.close();
    }
  }, 30_000);
});
