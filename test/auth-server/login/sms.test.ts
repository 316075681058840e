/**
 * SMS codes: `POST /v1/auth/sms` "sends" 6 digits to the outbox (`GET /__mock/sms`, `idmock sms`);
 * a code lives 5 minutes on the shared clock, works once, and is invalidated after 5 wrong tries.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { get, useIdmock } from '../../support/idmock.js';
import {
  ACCOUNTS,
  advanceClock,
  expectLoginError,
  freshTn,
  loginApi,
  OUTER,
  outbox,
  resetWorld,
  sendSms,
  tokenOf,
  unionPairFor,
  wrongCode,
} from './support.js';

const idmock = useIdmock({ services: ['wechat', 'qq', 'auth'] });
const authUrl = (): string => idmock.current.urls.auth!;
const api = () => loginApi(authUrl());

beforeEach(async () => {
  await resetWorld(idmock.current);
});

function expectWrongCode(response: Awaited<ReturnType<ReturnType<typeof api>['login']>>): void {
  expectLoginError(response, 401, OUTER.unauthorized, {
    title: 'INVALID_USERNAME_OR_PASSWORD',
    source: 'code',
    code: 401102,
  });
}

describe('POST /v1/auth/sms', () => {
  it('answers 202 and puts a 6-digit code in the outbox, filtered by tn', async () => {
    const tn = freshTn();
    const other = freshTn();
    expect((await api().sms(tn)).status).toBe(202);
    expect((await api().sms(other)).status).toBe(202);
    const mine = await outbox(authUrl(), tn);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ tn, status: 'sent', code: expect.stringMatching(/^\d{6}$/) });
    const all = await outbox(authUrl());
    expect(all.map((message) => message.tn)).toEqual([tn, other]);
    expect(Date.parse(mine[0]!.expiresAt) - Date.parse(mine[0]!.sentAt)).toBe(300_000);
  });

  it('replaces the live code of a phone number with a new one', async () => {
    const tn = ACCOUNTS.wangFang.tn;
    const first = await sendSms(authUrl(), tn);
    const second = await sendSms(authUrl(), tn);
    if (first !== second) expectWrongCode(await api().login({ tn, code: first }));
    tokenOf(await api().login({ tn, code: second }));
    expect((await outbox(authUrl(), tn)).map((message) => message.status)).toEqual([
      'replaced',
      'used',
    ]);
  });
});

describe('POST /v1/auth/login {tn, code}', () => {
  it('logs an existing phone account in, once per code', async () => {
    const tn = ACCOUNTS.wangFang.tn;
    const code = await sendSms(authUrl(), tn);
    const me = await api().me(tokenOf(await api().login({ tn, code })));
    expect(me.json()).toMatchObject({ id: ACCOUNTS.wangFang.id, unionId: null });
    expectWrongCode(await api().login({ tn, code }));
  });

  it('locks the code after 5 wrong tries; a new code works', async () => {
    const tn = ACCOUNTS.wangFang.tn;
    const code = await sendSms(authUrl(), tn);
    for (let attempt = 0; attempt < 5; attempt++) {
      expectWrongCode(await api().login({ tn, code: wrongCode(code) }));
    }
    expectWrongCode(await api().login({ tn, code }));
    expect((await outbox(authUrl(), tn))[0]?.status).toBe('locked');
    tokenOf(await api().login({ tn, code: await sendSms(authUrl(), tn) }));
  });

  it('still accepts the right code after 4 wrong tries', async () => {
    const tn = ACCOUNTS.wangFang.tn;
    const code = await sendSms(authUrl(), tn);
    for (let attempt = 0; attempt < 4; attempt++) {
      expectWrongCode(await api().login({ tn, code: wrongCode(code) }));
    }
    tokenOf(await api().login({ tn, code }));
  });

  it('counts wrong tries of a registering login too, and the lock keeps the unionCode', async () => {
    const pair = await unionPairFor(idmock.current, 'li-na');
    const tn = freshTn();
    const code = await sendSms(authUrl(), tn);
    for (let attempt = 0; attempt < 5; attempt++) {
      expectWrongCode(await api().login({ tn, code: wrongCode(code), ...pair }));
    }
    expectWrongCode(await api().login({ tn, code, ...pair }));
    const fresh = await sendSms(authUrl(), tn);
    tokenOf(await api().login({ tn, code: fresh, ...pair }));
  });

  it('rejects a code after its 5 minutes on the shared clock, and accepts it just before', async () => {
    const early = ACCOUNTS.wangFang.tn;
    const late = ACCOUNTS.bob.tn;
    const earlyCode = await sendSms(authUrl(), early);
    const lateCode = await sendSms(authUrl(), late);
    await advanceClock(idmock.current, '4m59s');
    tokenOf(await api().login({ tn: early, code: earlyCode }));
    await advanceClock(idmock.current, '1s');
    expectWrongCode(await api().login({ tn: late, code: lateCode }));
    expect((await outbox(authUrl(), late))[0]?.status).toBe('expired');
  });

  it('creates an account for an unknown tn', async () => {
    const tn = freshTn();
    const me = await api().me(
      tokenOf(await api().login({ tn, code: await sendSms(authUrl(), tn) })),
    );
    expect(me.json()).toMatchObject({ tn, unionId: null });
  });
});

describe('GET /__mock/sms', () => {
  it('refuses a tn that is not a phone number', async () => {
    const response = await get(`${authUrl()}/__mock/sms?tn=abc`);
    expect(response.status).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid_query' });
  });
});

const ROOT = resolve(import.meta.dirname, '..', '..', '..');

function idmockCli(
  args: readonly string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      { cwd: ROOT, timeout: 30_000 },
      (error, stdout, stderr) => {
        done({
          code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
          stdout,
          stderr,
        });
      },
    );
  });
}

describe('idmock sms', { timeout: 60_000 }, () => {
  it('prints the outbox, one phone number, the latest live code, or JSON', async () => {
    const tn = freshTn();
    const other = freshTn();
    await sendSms(authUrl(), other);
    const code = await sendSms(authUrl(), tn);
    const url = ['--url', authUrl()];
    const [all, mine, latest, json] = await Promise.all([
      idmockCli(['sms', ...url]),
      idmockCli(['sms', '--tn', tn, ...url]),
      idmockCli(['sms', '--tn', tn, '--latest', ...url]),
      idmockCli(['sms', '--tn', tn, '--json', ...url]),
    ]);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain(other);
    expect(all.stdout).toContain(tn);
    expect(mine.stdout).not.toContain(other);
    expect(mine.stdout).toMatch(new RegExp(`${tn}\\s+${code}\\s+sent`));
    expect(latest).toMatchObject({ code: 0, stdout: `${code}\n` });
    expect(JSON.parse(json.stdout)).toMatchObject({ messages: [{ tn, code, status: 'sent' }] });
  });

  it('exits 1 when no live code exists, and 2 on a bad phone number', async () => {
    const [none, bad] = await Promise.all([
      idmockCli(['sms', '--tn', freshTn(), '--latest', '--url', authUrl()]),
      idmockCli(['sms', '--tn', 'abc', '--url', authUrl()]),
    ]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no live SMS code');
    expect(bad.code).toBe(2);
  });

  it('documents itself in --help', async () => {
    const help = await idmockCli(['sms', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--tn <phone>');
    expect(help.stdout).toContain('--latest');
  });
});
