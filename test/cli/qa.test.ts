/**
 * The QA subcommands, run as a user runs them: a separate `idmock` process talking over HTTP to a
 * running instance.
 */
import { execFile, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useIdmock } from '../support/idmock.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const APP = {
  appid: 'wx1a2b3c4d5e6f7081',
  secret: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  redirect: 'http://localhost/cb',
};

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function idmockCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      { cwd: ROOT, env: { ...process.env, ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

// Each command is a fresh process, so give the longer scripts room on a busy machine.
describe('idmock QA subcommands', { timeout: 60_000 }, () => {
  const running = useIdmock({ services: ['wechat'] });
  const cli = (...args: string[]) =>
    idmockCli([...args, '--url', running.current.urls.wechat ?? '']);

  async function exchange(code: string): Promise<Record<string, unknown>> {
    const response = await fetch(
      `${running.current.urls.wechat ?? ''}/sns/oauth2/access_token?appid=${APP.appid}&secret=${APP.secret}&code=${code}&grant_type=authorization_code`,
    );
    return (await response.json()) as Record<string, unknown>;
  }

  async function authorize(user = 'zhang-wei'): Promise<string> {
    const run = await cli(
      'authorize',
      APP.appid,
      '--as',
      user,
      '--scope',
      'snsapi_login',
      '--redirect-uri',
      APP.redirect,
    );
    expect(run).toMatchObject({ code: 0, stderr: '' });
    return run.stdout.trim();
  }

  it('shows, advances and resets the clock', async () => {
    const shown = await cli('clock');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^\d{4}-\d\d-\d\dT.*\(offset 0s\)\n$/);
    const advanced = await cli('clock', 'advance', '2h', '--json');
    expect(advanced.code).toBe(0);
    expect(JSON.parse(advanced.stdout)).toMatchObject({ offsetMs: 7_200_000 });
    expect(running.current.clock.offset()).toBe(7_200_000);
    const reset = await cli('clock', 'reset');
    expect(reset.stdout).toMatch(/\(offset 0s\)/);
    expect(running.current.clock.offset()).toBe(0);
  });

  it('adds an error fault with a count, and lists and clears faults', async () => {
    const added = await cli(
      'fault',
      'add',
      'wechat.exchangeCode',
      '--error',
      'minuteQuota',
      '--times',
      '2',
    );
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(
      /^added f\d+\s+wechat\.exchangeCode\s+error minuteQuota\s+2\/2 left/,
    );
    expect(await exchange(await authorize())).toMatchObject({ errcode: 45011 });
    const listed = await cli('fault', 'list', '--json');
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ route: 'wechat.exchangeCode', remaining: 1, hits: 1 }),
    ]);
    const cleared = await cli('fault', 'clear');
    expect(cleared.stdout).toBe('cleared 1 fault on wechat\n');
    expect(await exchange(await authorize())).toHaveProperty('access_token');
  });

  it('adds status, delay and drop faults, scoped to an app or persona', async () => {
    const base = running.current.urls.wechat ?? '';
    expect(
      (await cli('fault', 'add', 'wechat.checkAccessToken', '--status', '503', '--always')).code,
    ).toBe(0);
    expect((await fetch(`${base}/sns/auth`)).status).toBe(503);
    expect((await fetch(`${base}/sns/auth`)).status).toBe(503);
    expect((await cli('fault', 'clear')).code).toBe(0);

    expect((await cli('fault', 'add', 'wechat.checkAccessToken', '--delay', '300ms')).code).toBe(0);
    const started = Date.now();
    await fetch(`${base}/sns/auth`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);

    expect(
      (await cli('fault', 'add', 'wechat.exchangeCode', '--drop', '--persona', 'li-na')).code,
    ).toBe(0);
    expect(await exchange(await authorize('zhang-wei'))).toHaveProperty('access_token');
    await expect(exchange(await authorize('li-na'))).rejects.toThrow();

    expect(
      (
        await cli(
          'fault',
          'add',
          'wechat.exchangeCode',
          '--status',
          '500',
          '--appid',
          'wx2b3c4d5e6f708192',
        )
      ).code,
    ).toBe(0);
    expect(await exchange(await authorize())).toHaveProperty('access_token');
    const listed = await cli('fault', 'list');
    expect(listed.stdout).toMatch(/status 500\s+1\/1 left {2}\[appid=wx2b3c4d5e6f708192\]/);
    const id = /^(f\d+)/.exec(listed.stdout)?.[1] ?? '';
    expect((await cli('fault', 'clear', id)).stdout).toBe(`cleared ${id} on wechat\n`);
    expect((await cli('fault', 'list')).stdout).toBe('no faults on wechat\n');
  });

  it('exits 2 with the problems of a bad fault, and for bad usage', async () => {
    const bad = await cli('fault', 'add', 'wechat.nothing', '--error', 'nope');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/route: "wechat.nothing" matches no wechat endpoint/);
    expect(bad.stderr).toMatch(/error: "nope" is not a wechat catalogue key/);
    const both = await cli(
      'fault',
      'add',
      'wechat.exchangeCode',
      '--drop',
      '--times',
      '2',
      '--always',
    );
    expect(both.code).toBe(2);
    expect((await cli('clock', 'advance', 'soon')).code).toBe(2);
    expect((await cli('clock', 'sideways')).code).toBe(2);
    expect((await idmockCli(['fault', 'add'])).code).toBe(2);
    expect((await idmockCli(['scan', 'abc'])).code).toBe(2);
  });

  it('exits 1 when the service cannot be reached or refuses', async () => {
    const unreachable = await idmockCli(['clock', '--url', 'http://127.0.0.1:9']);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(
      /^\[idmock\] cannot reach the wechat service at http:\/\/127\.0\.0\.1:9/,
    );
    const unknown = await cli('scan', 'no-such-session', '--as', 'zhang-wei');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/answered 404/);
  });

  it('lists users with the openid each app sees', async () => {
    const run = await cli('users');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^zhang-wei\s+张伟\n\s+wx1a2b3c4d5e6f7081\s+o[\w-]{27}\n/);
    expect(JSON.parse((await cli('users', '--json')).stdout).users.length).toBeGreaterThan(3);
  });

  it('scans a QR code as a persona and confirms or cancels', async () => {
    const base = running.current.urls.wechat ?? '';
    const newSession = async () =>
      /CDATA\[([^\]]+)\]/.exec(
        await (
          await fetch(
            `${base}/connect/qrconnect?appid=${APP.appid}&redirect_uri=${encodeURIComponent(APP.redirect)}&scope=snsapi_login&f=xml`,
          )
        ).text(),
      )?.[1] ?? '';
    const first = await newSession();
    const scanned = await cli('scan', first, '--as', 'zhang-wei');
    expect(scanned.stdout).toBe(`${first} scanned (zhang-wei)\n`);
    const confirmed = await cli('scan', first, '--as', 'zhang-wei', '--confirm');
    expect(confirmed.stdout).toBe(`${first} confirmed (zhang-wei)\n`);
    const poll = await (await fetch(`${base}/connect/l/qrconnect?uuid=${first}&last=404`)).text();
    expect(poll).toMatch(/window\.wx_errcode=405;window\.wx_code='0\w{31}';/);
    const second = await newSession();
    const cancelled = await cli('scan', second, '--as', 'li-na', '--cancel', '--json');
    expect(JSON.parse(cancelled.stdout)).toMatchObject({ uuid: second, status: 'cancelled' });
  });

  it('applies a scenario, reads the journal and exports state', async () => {
    const applied = await cli('scenario', 'apply', 'wechat-system-error');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(
      /^applied wechat-system-error\n {2}fault wechat\.exchangeCode -> systemError \(1x\)/,
    );
    expect(await exchange(await authorize())).toMatchObject({ errcode: -1 });
    const journal = await cli('journal', '--route', 'wechat.exchangeCode', '--limit', '1');
    expect(journal.stdout).toMatch(
      /GET\s+200\s+wechat\.exchangeCode\s+\/sns\/oauth2\/access_token {2}faults: f\d+\n$/,
    );
    const listed = await cli('scenario', 'list');
    expect(listed.stdout).toMatch(/wechat-rate-limit\s+WeChat's per-minute API quota is spent/);
    const exported = JSON.parse((await cli('state', 'export')).stdout);
    expect(exported).toMatchObject({ format: 'idmock-state', services: { wechat: {} } });
    expect((await cli('fault', 'clear')).code).toBe(0);
  });

  it.each([
    ['clock', ['advance', '--url', '--json']],
    ['fault', ['add', 'list', 'clear']],
    ['fault add', ['--error', '--status', '--delay', '--drop', '--times', '--always', '--persona']],
    ['fault list', ['--service']],
    ['fault clear', ['[id]']],
    ['users', ['--service', '--url']],
    ['scan', ['--as', '--confirm', '--cancel']],
    ['authorize', ['--as', '--redirect-uri', '--scope', '--state']],
    ['journal', ['--route', '--status', '--limit', '--clear']],
    ['scenario', ['apply']],
    ['state', ['export', 'import', 'reset']],
    ['start', ['--state-file', '--scenario', '--journal-limit']],
  ])('documents `idmock %s` in --help', async (command, words) => {
    const run = await idmockCli([...command.split(' '), '--help']);
    expect(run.code).toBe(0);
    for (const word of words) expect(run.stdout).toContain(word);
  });
});

describe('idmock start with QA flags', { timeout: 60_000 }, () => {
  function start(args: readonly string[]): Promise<{ url: string; stop: () => void } | Run> {
    return new Promise((done) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'src/cli/main.ts', 'start', 'wechat', '--port', '0', '--json', ...args],
        { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const line = stdout.split('\n')[0];
        if (stdout.includes('\n') && line !== undefined) {
          const ready = JSON.parse(line) as { urls: { wechat: string } };
          done({ url: ready.urls.wechat, stop: () => child.kill('SIGTERM') });
        }
      });
      child.on('exit', (code) => {
        done({ code: code ?? 1, stdout, stderr });
      });
    });
  }

  it('applies --scenario presets and takes --journal-limit', async () => {
    const started = await start(['--scenario', 'wechat-rate-limit', '--journal-limit', '5']);
    if (!('url' in started)) throw new Error(`did not start: ${started.stderr}`);
    try {
      const faults = (await (await fetch(`${started.url}/__mock/faults`)).json()) as {
        faults: unknown[];
      };
      expect(faults.faults).toHaveLength(4);
      const journal = (await (await fetch(`${started.url}/__mock/journal`)).json()) as {
        limit: number;
      };
      expect(journal.limit).toBe(5);
    } finally {
      started.stop();
    }
  });

  it('exits 2 naming an unknown scenario', async () => {
    const failed = await start(['--scenario', 'no-such-preset']);
    expect(failed).toMatchObject({ code: 2 });
    expect('stderr' in failed ? failed.stderr : '').toMatch(
      /--scenario no-such-preset: no scenario "no-such-preset" \(known: .*wechat-rate-limit/,
    );
  });
});
