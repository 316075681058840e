/**
 * `idmock verify --target auth-server` as a reader uses it on their own server: the server runs as
 * a separate process and calls WeChat and QQ mocks that the harness can drive too.
 *
 * Who starts what, so that the server and the harness share one WeChat/QQ world:
 * 1. this test starts the WeChat and QQ mocks (`startHarnessProviders`, free ports);
 * 2. it starts the reference server as a separate process, `idmock start auth --port 0
 *    --wechat-url … --qq-url …`, pointed at those mocks;
 * 3. it runs `idmock verify --target auth-server --base-url … --wechat-url … --qq-url …`, a third
 *    process, which makes its tokens and codes at the same mocks.
 * Without `--wechat-url`/`--qq-url`, verify starts the mocks itself on `--wechat-port`/`--qq-port`,
 * where the server must already be configured to look (the last test shows that way).
 */
import './support/pact-env.js';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SMS_CODE_REQUEST,
  startHarnessProviders,
  type HarnessProviders,
} from '../../src/contract/auth-server/index.js';
import { CONTRACT_PARTIES, contractFileName, contractPath } from '../../src/contract/contracts.js';
import type { StateChangeRequest } from '../../src/contract/state-change.js';
import { verifyTarget } from '../../src/contract/verify.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const LOGIN_CONTRACT = contractPath(
  contractFileName(CONTRACT_PARTIES.loginClient, CONTRACT_PARTIES.authServer),
);

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function idmockCli(args: readonly string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      { cwd: ROOT, env: { ...process.env, PACT_DO_NOT_TRACK: 'true' }, timeout: 150_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

/** A reference auth server in its own process; resolves its URL from the ready line. */
async function startServerProcess(
  wechatUrl: string,
  qqUrl: string,
): Promise<{ url: string; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'start',
      'auth',
      '--port',
      '0',
      '--wechat-url',
      wechatUrl,
      '--qq-url',
      qqUrl,
      '--json',
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const url = await new Promise<string>((done, fail) => {
    let output = '';
    const timer = setTimeout(() => {
      fail(new Error(`the server process printed no ready line: ${output}`));
    }, 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const line = output.split('\n').find((text) => text.includes('"idmock ready"'));
      if (line === undefined) return;
      clearTimeout(timer);
      done((JSON.parse(line) as { urls: { auth: string } }).urls.auth);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`the server process exited (${String(code)}): ${output}`));
    });
  });
  return {
    url,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) {
          done();
          return;
        }
        child.once('exit', () => {
          done();
        });
        child.kill('SIGTERM');
      }),
  };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((done) => {
    server.listen(0, '127.0.0.1', done);
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server): Promise<void> {
  await new Promise<void>((done) => {
    server.close(() => {
      done();
    });
  });
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
}

/** A port that was free a moment ago (for the mode where verify starts the mocks itself). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await listen(probe);
  const { port } = probe.address() as AddressInfo;
  await close(probe);
  return port;
}

describe('idmock verify --target auth-server', { timeout: 180_000 }, () => {
  let providers: HarnessProviders;
  let server: { url: string; stop(): Promise<void> };

  beforeAll(async () => {
    providers = await startHarnessProviders({ wechatPort: 0, qqPort: 0 });
    server = await startServerProcess(providers.wechatUrl, providers.qqUrl);
  }, 60_000);

  afterAll(async () => {
    await server.stop();
    await providers.close();
  });

  it('passes against the reference server started as a separate process', async () => {
    const run = await idmockCli([
      'verify',
      '--target',
      'auth-server',
      '--base-url',
      server.url,
      '--wechat-url',
      providers.wechatUrl,
      '--qq-url',
      providers.qqUrl,
    ]);
    expect(run.stdout).toMatch(
      new RegExp(`\\[idmock\\] verify auth-server at ${server.url}: all \\d+ interactions passed`),
    );
    expect(run.code).toBe(0);
  });

  it.each([
    [['--wechat-url', 'http://127.0.0.1:1'], /give both --wechat-url and --qq-url/],
    [['--qq-port', '7'], /apply to --target auth-server only, not wechat/],
  ])('exits 2 on bad usage: %j', async (extra, message) => {
    const target = extra[0] === '--qq-port' ? 'wechat' : 'auth-server';
    const run = await idmockCli([
      'verify',
      '--target',
      target,
      '--base-url',
      'http://127.0.0.1:1',
      ...extra,
    ]);
    expect(run.stderr).toMatch(message);
    expect(run.code).toBe(2);
  });

  describe('a server without /__mock/ endpoints', () => {
    // A stand-in for someone else's auth server: the reference server's public API, but no
    // mock-only endpoints, so nothing tells the harness which SMS code a phone received...
    let foreign: Server;
    let foreignUrl: string;
    // ...except its own state-change endpoint, which knows (here: from the real outbox).
    let stateChange: Server;
    let stateChangeUrl: string;
    const received: StateChangeRequest[] = [];

    beforeAll(async () => {
      foreign = createServer((req, res) => {
        void (async () => {
          if (req.url?.startsWith('/__mock/')) {
            res.writeHead(404).end();
            return;
          }
          const chunks: Buffer[] = [];
          for await (const chunk of req) chunks.push(chunk as Buffer);
          const headers: Record<string, string> = {};
          for (const name of ['content-type', 'authorization', 'api-key']) {
            const value = req.headers[name];
            if (typeof value === 'string') headers[name] = value;
          }
          const answer = await fetch(new URL(req.url ?? '/', server.url), {
            method: req.method ?? 'GET',
            headers,
            ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
          });
          res.writeHead(answer.status, {
            'content-type': answer.headers.get('content-type') ?? '',
          });
          res.end(await answer.text());
        })();
      });
      foreignUrl = await listen(foreign);
      stateChange = createServer((req, res) => {
        void (async () => {
          const body = (await readJson(req)) as StateChangeRequest;
          received.push(body);
          const tn = String(body.params['tn']);
          const outbox = (await (await fetch(`${server.url}/__mock/sms?tn=${tn}`)).json()) as {
            messages: { code: string; status: string }[];
          };
          const live = outbox.messages.filter((message) => message.status === 'sent').at(-1);
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ code: live?.code }));
        })();
      });
      stateChangeUrl = `${await listen(stateChange)}/pact/states`;
    });

    afterAll(async () => {
      await close(foreign);
      await close(stateChange);
    });

    // The foreign server cannot be reset through the harness; reset the real one behind it, so
    // that the harness's users are new to it again.
    const resetRealServer = async (): Promise<void> => {
      await fetch(`${server.url}/__mock/reset`, { method: 'POST' });
    };

    it('says which states need --state-change-url when it is not given', async () => {
      await resetRealServer();
      const result = await verifyTarget({
        target: 'auth-server',
        baseUrl: foreignUrl,
        pactFiles: [LOGIN_CONTRACT],
        providers: { wechatUrl: providers.wechatUrl, qqUrl: providers.qqUrl },
        print: () => undefined,
      });
      expect(result.passed).toBe(false);
      const failure = result.failures.find(
        (f) => f.description === 'a registration by SMS code with a unionCode',
      );
      expect(failure?.problems.join('\n')).toContain('reading the SMS code sent to 1');
      expect(failure?.problems.join('\n')).toContain(
        "needs the server's GET /__mock/sms (idmock-compatible) or --state-change-url",
      );
      // What needs no SMS code is reached through the public API alone.
      expect(result.failures.map((f) => f.description)).not.toContain(
        'a QR login of an unregistered WeChat user',
      );
    });

    it('reads SMS codes through --state-change-url and passes', async () => {
      await resetRealServer();
      const run = await idmockCli([
        'verify',
        '--target',
        'auth-server',
        '--base-url',
        foreignUrl,
        '--wechat-url',
        providers.wechatUrl,
        '--qq-url',
        providers.qqUrl,
        '--state-change-url',
        stateChangeUrl,
      ]);
      expect(run.stdout).toMatch(/: all \d+ interactions passed/);
      expect(run.code).toBe(0);
      expect(received.length).toBeGreaterThan(0);
      expect(received[0]).toMatchObject({
        state: SMS_CODE_REQUEST,
        params: { tn: expect.stringMatching(/^1[3-9]\d{9}$/) as unknown },
        action: 'setup',
      });
    });
  });

  it('starts the WeChat and QQ mocks itself on the ports the server was told', async () => {
    const [wechatPort, qqPort] = [await freePort(), await freePort()];
    const own = await startServerProcess(
      `http://127.0.0.1:${wechatPort}`,
      `http://127.0.0.1:${qqPort}`,
    );
    try {
      const run = await idmockCli([
        'verify',
        '--target',
        'auth-server',
        '--base-url',
        own.url,
        '--wechat-port',
        String(wechatPort),
        '--qq-port',
        String(qqPort),
      ]);
      expect(run.stdout).toContain(
        `[idmock] started the WeChat mock at http://127.0.0.1:${wechatPort} and the QQ mock at http://127.0.0.1:${qqPort}`,
      );
      expect(run.stdout).toMatch(/: all \d+ interactions passed/);
      expect(run.code).toBe(0);
    } finally {
      await own.stop();
    }
  });
});
