/**
 * Stopping under load loses nothing: `idmock start` given SIGTERM while requests are in flight
 * lets them finish (each gets its real answer), answers held long-polls at once instead of
 * waiting out their hold, writes the state file with every acknowledged change, and exits 0 in
 * bounded time. `stop()` of the library does the same.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startIdmock } from '../../src/runtime/start.js';
import { createStats, runTraffic } from '../../scripts/soak.js';

const CWD = new URL('../../', import.meta.url);
const WEB = { appid: 'wx1a2b3c4d5e6f7081', secret: '0f1e2d3c4b5a69788796a5b4c3d2e1f0' };
const IN_FLIGHT = 20;
const POLLS = 5;
/** How long each in-flight exchange is held by a delay fault (shutdown cuts the wait short). */
const DELAY_MS = 3000;

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const step of cleanup) await step();
});

function qs(params: Record<string, string>): string {
  return new URLSearchParams(params).toString();
}

async function postJson(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function mintCode(wechat: string): Promise<string> {
  const res = await postJson(`${wechat}/__mock/authorize`, {
    ...WEB,
    redirect_uri: 'http://localhost/cb',
    scope: 'snsapi_login',
    user: 'zhang-wei',
  });
  return ((await res.json()) as { code: string }).code;
}

async function openQr(wechat: string): Promise<string> {
  const res = await fetch(
    `${wechat}/connect/qrconnect?${qs({ appid: WEB.appid, redirect_uri: 'http://localhost/cb', scope: 'snsapi_login', f: 'xml' })}`,
  );
  return /CDATA\[([^\]]+)\]/.exec(await res.text())?.[1] ?? '';
}

/** Holds the next exchanges in flight, and waits until all of them have reached the server. */
async function startHeldExchanges(wechat: string, codes: readonly string[]) {
  const fault = await postJson(`${wechat}/__mock/faults`, {
    route: 'wechat.exchangeCode',
    delay: DELAY_MS,
    times: codes.length,
  });
  expect(fault.status).toBe(201);
  const answers = codes.map((code) =>
    fetch(
      `${wechat}/sns/oauth2/access_token?${qs({ ...WEB, code, grant_type: 'authorization_code' })}`,
    ).then(async (res) => ({
      status: res.status,
      body: (await res.json()) as Record<string, unknown>,
    })),
  );
  // A delay fault counts a hit when its request is dispatched: then it is in flight.
  for (;;) {
    const listed = (await (await fetch(`${wechat}/__mock/faults`)).json()) as {
      faults: { hits: number }[];
    };
    if ((listed.faults[0]?.hits ?? codes.length) >= codes.length) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return answers;
}

describe('idmock start, sent SIGTERM under load', () => {
  it('drains in-flight requests, releases held polls and flushes the state file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'idmock-sigterm-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const stateFile = join(dir, 'state.json');
    const config = join(dir, 'config.json');
    await writeFile(config, JSON.stringify({ wechat: { longPollHoldSeconds: 120 } }));
    const child: ChildProcess = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'start',
        '--auth-port',
        '0',
        '--wechat-port',
        '0',
        '--qq-port',
        '0',
        '--config',
        config,
        '--state-file',
        stateFile,
      ],
      { cwd: CWD, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
    );
    cleanup.push(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
      return Promise.resolve();
    });
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    while (!stdout.includes('idmock ready')) {
      const raced = await Promise.race([
        once(child.stdout ?? child, 'data').then(() => 'data'),
        exited.then(() => 'exit'),
      ]);
      if (raced === 'exit') throw new Error(`idmock exited before it was ready:\n${stderr}`);
    }
    const urls = Object.fromEntries(
      [...(/idmock ready (.*)/.exec(stdout)?.[1] ?? '').matchAll(/(\w+)=(\S+)/g)].map((m) => [
        m[1],
        m[2],
      ]),
    ) as { wechat: string; qq: string; auth: string };

    // Background load on every service, without faults.
    const controller = new AbortController();
    const stats = createStats();
    const load = runTraffic({
      urls,
      signal: controller.signal,
      concurrency: 4,
      faults: false,
      stats,
    });
    const codes = await Promise.all(Array.from({ length: IN_FLIGHT }, () => mintCode(urls.wechat)));
    const uuids = await Promise.all(Array.from({ length: POLLS }, () => openQr(urls.wechat)));
    const polls = uuids.map((uuid) =>
      fetch(`${urls.wechat}/connect/l/qrconnect?uuid=${uuid}`).then((res) => res.text()),
    );
    const exchanges = await startHeldExchanges(urls.wechat, codes);

    const signalled = Date.now();
    child.kill('SIGTERM');
    const answers = await Promise.all(exchanges);
    const [code] = await exited;
    controller.abort();
    await load;

    expect(code).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(DELAY_MS + 5000);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.body).toHaveProperty('access_token');
    }
    for (const poll of await Promise.all(polls)) {
      expect(poll).toBe("window.wx_errcode=408;window.wx_code='';");
    }
    expect(stats.serverErrors).toEqual([]);

    const saved = JSON.parse(await readFile(stateFile, 'utf8')) as {
      services: {
        wechat: { codes: { code: string; used: boolean }[]; accessTokens: { token: string }[] };
      };
    };
    const used = new Set(saved.services.wechat.codes.filter((c) => c.used).map((c) => c.code));
    for (const minted of codes) expect(used.has(minted)).toBe(true);
    const tokens = new Set(saved.services.wechat.accessTokens.map((t) => t.token));
    for (const answer of answers)
      expect(tokens.has(String(answer.body['access_token']))).toBe(true);
  }, 60_000);
});

describe('stop() of a running idmock under load', () => {
  it('lets in-flight requests finish and returns in bounded time', async () => {
    const idmock = await startIdmock({ wechat: { longPollHoldSeconds: 120 } });
    const wechat = idmock.urls.wechat ?? '';
    const codes = await Promise.all(Array.from({ length: IN_FLIGHT }, () => mintCode(wechat)));
    const poll = fetch(`${wechat}/connect/l/qrconnect?uuid=${await openQr(wechat)}`).then((res) =>
      res.text(),
    );
    const exchanges = await startHeldExchanges(wechat, codes);
    const started = Date.now();
    await idmock.stop();
    expect(Date.now() - started).toBeLessThan(DELAY_MS);
    for (const answer of await Promise.all(exchanges)) {
      expect(answer.status).toBe(200);
      expect(answer.body).toHaveProperty('access_token');
    }
    expect(await poll).toBe("window.wx_errcode=408;window.wx_code='';");
  });
});
