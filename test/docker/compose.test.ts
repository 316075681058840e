/**
 * No Docker engine runs in CI, so this checks the compose file and the Dockerfile against what the
 * CLI really accepts: every service's command is run with plain Node (ports swapped for free ones)
 * and answers its own healthcheck.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..', '..');
const run = promisify(execFile);

interface ComposeService {
  command: string[];
  ports: string[];
  volumes: string[];
  healthcheck: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  profiles?: string[];
  build?: string;
}

const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const idmockServices = ['wechat', 'qq', 'auth'] as const;
const defaultPorts = { auth: '7700', wechat: '7701', qq: '7702' } as const;

function flag(command: readonly string[], name: string): string | undefined {
  const index = command.indexOf(name);
  return index === -1 ? undefined : command[index + 1];
}

function withFlag(command: readonly string[], name: string, value: string): string[] {
  const copy = [...command];
  const index = copy.indexOf(name);
  if (index !== -1) copy[index + 1] = value;
  return copy;
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGTERM');
});

function startCli(args: string[]): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const ready = /^idmock ready (.*)$/m.exec(out);
      if (ready?.[1] !== undefined) resolve(ready[1]);
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => {
      reject(new Error(`idmock ${args.join(' ')} exited ${String(code)}: ${err}`));
    });
  });
}

describe('docker-compose.yml', () => {
  it('defines one service per mock plus the auth server, built from the Dockerfile', () => {
    for (const name of idmockServices) {
      expect(compose.services[name], name).toBeDefined();
      expect(compose.services[name]?.build).toBe('.');
    }
  });

  it.each(idmockServices)('%s: command, port, healthcheck and mount agree', (name) => {
    const service = compose.services[name]!;
    expect(service.command.slice(0, 2)).toEqual(['start', name]);
    const port = flag(service.command, '--port');
    expect(port).toBe(defaultPorts[name]);
    expect(flag(service.command, '--host')).toBe('0.0.0.0');
    expect(service.ports).toContain(`${port}:${port}`);
    expect(service.healthcheck.test.join(' ')).toContain(`http://127.0.0.1:${port}/__mock/healthz`);
    expect(service.volumes).toContain('./mock-providers:/app/mock-providers:ro');
    expect(existsSync(join(root, 'mock-providers', 'personas.json'))).toBe(true);
  });

  it('points the auth server at the provider services by name and port', () => {
    const auth = compose.services['auth']!;
    expect(flag(auth.command, '--wechat-url')).toBe(`http://wechat:${defaultPorts.wechat}`);
    expect(flag(auth.command, '--qq-url')).toBe(`http://qq:${defaultPorts.qq}`);
    expect(auth.depends_on).toEqual({
      wechat: { condition: 'service_healthy' },
      qq: { condition: 'service_healthy' },
    });
  });

  it('keeps the Pact Broker behind an optional profile', () => {
    expect(compose.services['pact-broker']?.profiles).toEqual(['broker']);
  });

  it('runs the CLI the Dockerfile builds, with the world where the compose file mounts it', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
      scripts: Record<string, string>;
    };
    expect(dockerfile).toMatch(/^WORKDIR \/app$/m);
    expect(dockerfile).toContain('ENTRYPOINT ["node", "dist/bin/idmock.js"]');
    expect(pkg.bin['idmock']).toBe('./dist/bin/idmock.js');
    // `npm run build` bundles the command with this script, so the build stage needs it.
    expect(pkg.scripts['build']).toContain('scripts/bundle-cli.ts');
    expect(dockerfile).toContain('COPY scripts/bundle-cli.ts ./scripts/');
    expect(dockerfile).toContain('COPY mock-providers ./mock-providers');
    expect(dockerfile).toContain('RUN npm run build');
    expect(pkg.scripts['build']).toBeDefined();
  });

  it('starts every service with its compose command and plain Node, each passing its healthcheck', async () => {
    const urlOf = (line: string, name: string): string => {
      const match = new RegExp(`${name}=(\\S+)`).exec(line);
      if (!match?.[1]) throw new Error(`no ${name} URL in "${line}"`);
      return match[1];
    };
    const local = (command: string[]): string[] =>
      withFlag(withFlag(command, '--port', '0'), '--host', '127.0.0.1');
    const wechat = urlOf(await startCli(local(compose.services['wechat']!.command)), 'wechat');
    const qq = urlOf(await startCli(local(compose.services['qq']!.command)), 'qq');
    const authCommand = withFlag(
      withFlag(local(compose.services['auth']!.command), '--wechat-url', wechat),
      '--qq-url',
      qq,
    );
    const auth = urlOf(await startCli(authCommand), 'auth');
    for (const [name, url] of [
      ['wechat', wechat],
      ['qq', qq],
      ['auth', auth],
    ] as const) {
      const [, , script] = compose.services[name]!.healthcheck.test.slice(1);
      const port = new URL(url).port;
      const probe = script!.replace(`:${defaultPorts[name]}/`, `:${port}/`);
      const { stdout } = await run(process.execPath, ['-e', probe]);
      expect(stdout).toBe('');
    }
  }, 60_000);
});
