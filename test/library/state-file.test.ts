import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { STATE_FORMAT, STATE_VERSION, type StateDocument } from '../../src/core/state.js';
import { startIdmock } from '../../src/runtime/start.js';
import { createStateFile, readStateFile } from '../../src/runtime/state-file.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const APP = {
  appid: 'wx1a2b3c4d5e6f7081',
  secret: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  redirect: 'http://localhost/cb',
};

const dirs: string[] = [];
const children: ChildProcess[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'idmock-state-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

function doc(services: Record<string, unknown>): StateDocument {
  return { format: STATE_FORMAT, version: STATE_VERSION, clock: { offsetMs: 0 }, services };
}

describe('createStateFile', () => {
  it('writes only on change, coalesces a burst, and leaves no temporary file', async () => {
    const dir = await tempDir();
    const path = join(dir, 'state.json');
    let counter = 0;
    const file = await createStateFile(path, () => doc({ demo: { counter } }));
    await file.persist();
    const first = await readFile(path, 'utf8');
    await file.persist();
    expect(await readFile(path, 'utf8')).toBe(first);
    const writes: Promise<void>[] = [];
    for (counter = 1; counter <= 20; counter++) writes.push(file.persist());
    counter = 20;
    await Promise.all(writes);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(doc({ demo: { counter: 20 } }));
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('reads back what it wrote, treats a missing or empty file as no state, and rejects a bad one', async () => {
    const dir = await tempDir();
    const path = join(dir, 'state.json');
    expect(await readStateFile(path)).toBeNull();
    await writeFile(path, '');
    expect(await readStateFile(path)).toBeNull();
    await writeFile(path, '{"format":"other"}');
    await expect(readStateFile(path)).rejects.toThrow(/state file .* is invalid:\n {2}format:/);
    await writeFile(path, '{');
    await expect(readStateFile(path)).rejects.toThrow(/is not valid JSON/);
  });
});

describe('the state file of startIdmock', () => {
  it('survives a restart with codes, tokens, auto-approve and the clock offset', async () => {
    const stateFile = join(await tempDir(), 'world', 'state.json');
    const first = await startIdmock({ services: ['wechat'], stateFile });
    const consent = (user: string) =>
      first.admin.wechat.authorize({
        appid: APP.appid,
        redirect_uri: APP.redirect,
        scope: 'snsapi_login',
        user,
      });
    const used = await consent('zhang-wei');
    const token = (await (
      await fetch(
        `${first.urls.wechat ?? ''}/sns/oauth2/access_token?appid=${APP.appid}&secret=${APP.secret}&code=${used.code}&grant_type=authorization_code`,
      )
    ).json()) as { access_token: string; openid: string };
    const spare = await consent('li-na');
    await first.admin.wechat.autoApprove('wang-fang');
    await first.admin.clock.advance('5m');
    await first.stop();

    const second = await startIdmock({ services: ['wechat'], stateFile });
    try {
      expect(second.clock.offset()).toBe(300_000);
      const base = second.urls.wechat ?? '';
      const check = (await (
        await fetch(`${base}/sns/auth?access_token=${token.access_token}&openid=${token.openid}`)
      ).json()) as { errcode: number };
      expect(check.errcode).toBe(0);
      const exchange = async (code: string) =>
        (await (
          await fetch(
            `${base}/sns/oauth2/access_token?appid=${APP.appid}&secret=${APP.secret}&code=${code}&grant_type=authorization_code`,
          )
        ).json()) as Record<string, unknown>;
      expect(await exchange(used.code)).toMatchObject({ errcode: 40163 });
      expect(await exchange(spare.code)).toHaveProperty('access_token');
      expect(await second.admin.request('wechat', 'GET', '/__mock/auto-approve')).toEqual({
        user: 'wang-fang',
      });
    } finally {
      await second.stop();
    }
  });

  it('refuses to start from a state file that does not fit the world, naming every problem', async () => {
    const stateFile = join(await tempDir(), 'state.json');
    await writeFile(
      stateFile,
      JSON.stringify(
        doc({
          wechat: {
            codes: [
              {
                appid: 'wx0000000000000000',
                personaId: 'ghost',
                scope: 'snsapi_login',
                code: 'c',
                expiresAt: 1,
                used: false,
              },
            ],
            accessTokens: [],
            refreshTokens: [],
            qrSessions: [],
            autoApprove: null,
          },
        }),
      ),
    );
    await expect(startIdmock({ services: ['wechat'], stateFile })).rejects.toThrow(
      /services\.wechat\.codes\.0\.appid: unknown app "wx0000000000000000"\n {2}services\.wechat\.codes\.0\.personaId: unknown WeChat persona "ghost"/,
    );
  });

  it('keeps the parts of services that do not run in this process', async () => {
    const stateFile = join(await tempDir(), 'state.json');
    const foreign = { format: 'whatever the qq service keeps' };
    await writeFile(stateFile, JSON.stringify(doc({ qq: foreign })));
    const idmock = await startIdmock({ services: ['wechat'], stateFile });
    await idmock.admin.clock.advance('1m');
    await idmock.stop();
    const saved = JSON.parse(await readFile(stateFile, 'utf8')) as StateDocument;
    expect(saved.services['qq']).toEqual(foreign);
    expect(saved.clock).toEqual({ offsetMs: 60_000 });
  });
});

interface Started {
  readonly child: ChildProcess;
  readonly url: string;
}

function startCli(stateFile: string): Promise<Started> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'start',
      'wechat',
      '--port',
      '0',
      '--state-file',
      stateFile,
      '--json',
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  return new Promise((resolveStart, reject) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line !== undefined) {
        const ready = JSON.parse(line) as { urls: { wechat: string } };
        resolveStart({ child, url: ready.urls.wechat });
      }
    });
    child.on('exit', (code) => {
      reject(new Error(`idmock exited with ${String(code)} before ready: ${err}`));
    });
  });
}

describe('SIGKILL during a burst of writes', () => {
  it('loses no code or token whose answer was received', async () => {
    const stateFile = join(await tempDir(), 'state.json');
    const { child, url } = await startCli(stateFile);

    interface Grant {
      code: string;
      exchange: 'none' | 'sent' | 'acknowledged';
      token?: string;
      openid?: string;
    }
    const grants: Grant[] = [];
    let acknowledged = 0;
    let killed = false;
    const worker = async (): Promise<void> => {
      while (!killed) {
        try {
          const consent = await fetch(`${url}/__mock/authorize`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              appid: APP.appid,
              redirect_uri: APP.redirect,
              scope: 'snsapi_login',
              user: 'zhang-wei',
            }),
          });
          const grant: Grant = {
            code: ((await consent.json()) as { code: string }).code,
            exchange: 'none',
          };
          grants.push(grant);
          acknowledged++;
          // Leave every third code unexchanged, to check codes survive as well as tokens.
          if (grants.length % 3 === 0) continue;
          grant.exchange = 'sent';
          const token = (await (
            await fetch(
              `${url}/sns/oauth2/access_token?appid=${APP.appid}&secret=${APP.secret}&code=${grant.code}&grant_type=authorization_code`,
            )
          ).json()) as { access_token: string; openid: string };
          grant.exchange = 'acknowledged';
          grant.token = token.access_token;
          grant.openid = token.openid;
          acknowledged++;
        } catch {
          return; // The process is gone: whatever was in flight was never acknowledged.
        }
      }
    };
    const workers = Array.from({ length: 8 }, () => worker());
    while (acknowledged < 120) await new Promise((r) => setTimeout(r, 5));
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    killed = true;
    await exited;
    await Promise.all(workers);

    const restarted = await startCli(stateFile);
    const tokens = grants.filter((g) => g.exchange === 'acknowledged');
    const codes = grants.filter((g) => g.exchange === 'none');
    expect(tokens.length).toBeGreaterThan(20);
    expect(codes.length).toBeGreaterThan(10);
    for (const grant of tokens) {
      const check = (await (
        await fetch(
          `${restarted.url}/sns/auth?access_token=${grant.token ?? ''}&openid=${grant.openid ?? ''}`,
        )
      ).json()) as { errcode: number };
      expect(check.errcode, `token of code ${grant.code}`).toBe(0);
    }
    for (const grant of codes) {
      const answer = (await (
        await fetch(
          `${restarted.url}/sns/oauth2/access_token?appid=${APP.appid}&secret=${APP.secret}&code=${grant.code}&grant_type=authorization_code`,
        )
      ).json()) as Record<string, unknown>;
      expect(answer, `code ${grant.code}`).toHaveProperty('access_token');
    }
    restarted.child.kill('SIGTERM');
  }, 60_000);
});
