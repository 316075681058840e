/**
 * `idmock verify` as a reader uses it on their own implementation: as a command with exit codes,
 * against an implementation without idmock's mock-only endpoints (states through Pact's
 * state-change URL), and with the errors a wrong set-up produces.
 */
import './support/pact-env.js';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACT_PARTIES, contractFileName, contractPath } from '../../src/contract/contracts.js';
import { targetHttp } from '../../src/contract/http.js';
import type { StateChangeRequest } from '../../src/contract/state-change.js';
import { verifyTarget } from '../../src/contract/verify.js';
import { wechatMockStates } from '../../src/contract/wechat-target.js';
import { startIdmock, type RunningIdmock } from '../../src/runtime/start.js';
import { startMutatingProxy } from './support/mutating-proxy.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const WECHAT_CONTRACT = contractPath(
  contractFileName(CONTRACT_PARTIES.authServer, CONTRACT_PARTIES.wechat),
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
      { cwd: ROOT, env: { ...process.env, PACT_DO_NOT_TRACK: 'true' }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
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

describe('idmock verify', { timeout: 90_000 }, () => {
  let idmock: RunningIdmock;
  let wechat: string;

  beforeAll(async () => {
    idmock = await startIdmock({ services: ['wechat'] });
    wechat = idmock.urls.wechat ?? '';
  });

  afterAll(async () => {
    await idmock.stop();
  });

  it('exits 0 when every interaction passes', async () => {
    const run = await idmockCli(['verify', '--target', 'wechat', '--base-url', wechat]);
    expect(run.stdout).toContain(`[idmock] verify wechat at ${wechat}: all 10 interactions passed`);
    expect(run.code).toBe(0);
  });

  it('exits 1 and names each failing interaction with its diff', async () => {
    const proxy = await startMutatingProxy(wechat, (r) => {
      if (r.path === '/sns/auth') r.contentType = 'application/json';
    });
    try {
      const run = await idmockCli(['verify', '--target', 'wechat', '--base-url', proxy.url]);
      expect(run.stdout).toMatch(/: 5 of 10 interactions failed/);
      expect(run.stdout).toContain('✗ a token check for a valid token');
      expect(run.stdout).toContain(
        'header Content-Type: expected "text/plain", got "application/json"',
      );
      expect(run.code).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  it.each([
    [['verify', '--target', 'nope', '--base-url', 'http://127.0.0.1:1'], /--target.*choose one of/],
    [['verify', '--target', 'wechat'], /--base-url/],
    [['verify', '--target', 'qq', '--base-url', 'ftp://x'], /must be an http\(s\) URL/],
    [
      ['verify', '--target', 'qq', '--base-url', 'http://127.0.0.1:1', '--pact', WECHAT_CONTRACT],
      /is a contract for provider "idmock-wechat", but --target qq verifies "idmock-qq"/,
    ],
  ])('exits 2 on bad usage: %j', async (args, message) => {
    const run = await idmockCli(args);
    expect(run.stderr).toMatch(message);
    expect(run.code).toBe(2);
  });

  it('exits 1 when the implementation cannot be reached', async () => {
    const run = await idmockCli(['verify', '--target', 'qq', '--base-url', 'http://127.0.0.1:9']);
    expect(run.stdout).toContain('cannot reach http://127.0.0.1:9');
    expect(run.code).toBe(1);
  });

  describe('an implementation without /__mock/ endpoints', () => {
    // A stand-in for someone else's WeChat implementation: the mock's real endpoints, but no
    // mock-only ones, plus a state-change endpoint of its own, as Pact's protocol describes.
    let foreign: Server;
    let foreignUrl: string;
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
          const answer = await fetch(new URL(req.url ?? '/', wechat));
          res.writeHead(answer.status, {
            'content-type': answer.headers.get('content-type') ?? '',
          });
          res.end(await answer.text());
        })();
      });
      foreignUrl = await listen(foreign);
      const states = wechatMockStates(targetHttp(wechat, { timeoutMs: 10_000 }));
      stateChange = createServer((req, res) => {
        void (async () => {
          const body = (await readJson(req)) as StateChangeRequest;
          received.push(body);
          const handler = states[body.state];
          if (!handler) {
            res.writeHead(400).end(`unknown state ${body.state}`);
            return;
          }
          if (body.action === 'teardown') {
            await handler.teardown?.(body.params);
            res.writeHead(200).end();
            return;
          }
          const values = await handler.setup(body.params);
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(values ?? {}));
        })();
      });
      stateChangeUrl = `${await listen(stateChange)}/pact/states`;
    });

    afterAll(async () => {
      await close(foreign);
      await close(stateChange);
    });

    it('refuses to guess when no state-change URL is given', async () => {
      await expect(verifyTarget({ target: 'wechat', baseUrl: foreignUrl })).rejects.toThrow(
        /has no idmock mock-only endpoints .* give --state-change-url/,
      );
    });

    it('reaches every state through the state-change URL and passes', async () => {
      const result = await verifyTarget({
        target: 'wechat',
        baseUrl: foreignUrl,
        stateChangeUrl,
        print: () => undefined,
      });
      expect(result.report).toContain('all 10 interactions passed');
      expect(result.states).toBe('state-change-url');
      expect(received).toContainEqual({
        state: 'WeChat user {persona} has approved app {appid} and holds an unused code',
        params: { appid: 'wx1a2b3c4d5e6f7081', persona: 'zhang-wei' },
        action: 'setup',
      });
      expect(received.filter((r) => r.action === 'teardown')).toHaveLength(
        received.filter((r) => r.action === 'setup').length,
      );
    });
  });

  it('names a provider state the implementation cannot reach', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'idmock-verify-'));
    try {
      const file = join(dir, 'renamed-state.json');
      const contract = readFileSync(WECHAT_CONTRACT, 'utf8').replaceAll(
        'WeChat app {appid} exists',
        'WeChat app {appid} is on holiday',
      );
      writeFileSync(file, contract);
      const result = await verifyTarget({
        target: 'wechat',
        baseUrl: wechat,
        pactFiles: [file],
        print: () => undefined,
      });
      const failure = result.failures.find(
        (f) => f.description === 'a code exchange for an unknown code',
      );
      expect(failure?.problems.join('\n')).toContain(
        'no way to reach the state "WeChat app {appid} is on holiday" through the /__mock/ endpoints',
      );
      expect(failure?.states).toEqual(['WeChat app wx1a2b3c4d5e6f7081 is on holiday']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says how to install Pact when it is missing', async () => {
    const missing = Object.assign(new Error("Cannot find package '@pact-foundation/pact'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    await expect(
      verifyTarget({ target: 'wechat', baseUrl: wechat, loadPact: () => Promise.reject(missing) }),
    ).rejects.toThrow(
      '[idmock] idmock verify needs @pact-foundation/pact (an optional peer dependency)',
    );
  });
});
