import { describe, expect, it } from 'vitest';
import {
  IdmockAdminError,
  IdmockError,
  startIdmock,
  withIdmock,
  type RunningIdmock,
} from '../../src/index.js';
import { useIdmock } from '../support/idmock.js';

const APP = {
  appid: 'wx1a2b3c4d5e6f7081',
  secret: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  redirect: 'http://localhost/cb',
};

async function exchange(idmock: RunningIdmock, code: string): Promise<Record<string, unknown>> {
  const response = await fetch(
    `${idmock.urls.wechat ?? ''}/sns/oauth2/access_token?appid=${APP.appid}&secret=${APP.secret}&code=${code}&grant_type=authorization_code`,
  );
  return (await response.json()) as Record<string, unknown>;
}

async function consent(idmock: RunningIdmock, user = 'zhang-wei'): Promise<string> {
  const answer = await idmock.admin.wechat.authorize({
    appid: APP.appid,
    redirect_uri: APP.redirect,
    scope: 'snsapi_login',
    state: 'st',
    user,
  });
  return answer.code;
}

describe('the admin client of startIdmock', () => {
  const running = useIdmock({ services: ['wechat'] });

  it('travels in time and back', async () => {
    const { admin } = running.current;
    const before = await admin.clock.get();
    const after = await admin.clock.advance('2h');
    expect(after.offsetMs).toBe(before.offsetMs + 7_200_000);
    expect(after.epochMs - before.epochMs).toBeGreaterThanOrEqual(7_200_000);
    expect(running.current.clock.offset()).toBe(after.offsetMs);
    expect((await admin.clock.advance(30)).offsetMs).toBe(after.offsetMs + 30_000);
    expect((await admin.clock.reset()).offsetMs).toBe(0);
  });

  it('expires a token when the clock passes its lifetime', async () => {
    const idmock = running.current;
    const token = await exchange(idmock, await consent(idmock));
    const check = async () =>
      (await (
        await fetch(
          `${idmock.urls.wechat ?? ''}/sns/auth?access_token=${String(token['access_token'])}&openid=${String(token['openid'])}`,
        )
      ).json()) as { errcode: number };
    expect((await check()).errcode).toBe(0);
    await idmock.admin.clock.advance('2h1s');
    expect((await check()).errcode).toBe(42001);
    await idmock.admin.clock.reset();
    expect((await check()).errcode).toBe(0);
  });

  it('adds, lists and clears faults, inferring the service from the route', async () => {
    const idmock = running.current;
    const fault = await idmock.admin.faults.add({
      route: 'wechat.exchangeCode',
      error: 'minuteQuota',
      times: 2,
    });
    expect(fault).toMatchObject({ service: 'wechat', remaining: 2 });
    expect(await exchange(idmock, await consent(idmock))).toMatchObject({ errcode: 45011 });
    expect(await idmock.admin.faults.list()).toEqual([{ ...fault, remaining: 1, hits: 1 }]);
    expect(await idmock.admin.faults.clear()).toBe(1);
    expect(await idmock.admin.faults.list('wechat')).toEqual([]);
  });

  it('raises IdmockAdminError with the problems of a refused request', async () => {
    const error = await running.current.admin.faults
      .add({ route: 'wechat.exchangeCode', error: 'bogus' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdmockAdminError);
    expect(error).toBeInstanceOf(IdmockError);
    expect(error).toMatchObject({
      status: 400,
      service: 'wechat',
      code: 'IDMOCK_INVALID_ARGUMENT',
    });
    expect((error as Error).message).toMatch(
      /^\[idmock\] wechat POST \/__mock\/faults answered 400/,
    );
    expect((error as Error).message).toMatch(/"bogus" is not a wechat catalogue key/);
  });

  it('queries and clears the journal', async () => {
    const idmock = running.current;
    await idmock.admin.journal.clear();
    await exchange(idmock, 'not-a-code');
    const entries = await idmock.admin.journal.query('wechat', { route: 'wechat.exchangeCode' });
    expect(entries).toHaveLength(1);
    expect(entries[0]?.response.body.text).toMatch(/"errcode":40029/);
    expect(await idmock.admin.journal.query('wechat', { status: 500 })).toEqual([]);
  });

  it('exports, resets and imports the whole state', async () => {
    const idmock = running.current;
    const token = await exchange(idmock, await consent(idmock));
    const document = await idmock.admin.state.export();
    await idmock.admin.state.reset();
    const userinfo = async () =>
      (await (
        await fetch(
          `${idmock.urls.wechat ?? ''}/sns/userinfo?access_token=${String(token['access_token'])}&openid=${String(token['openid'])}`,
        )
      ).json()) as Record<string, unknown>;
    expect(await userinfo()).toMatchObject({ errcode: 40001 });
    await idmock.admin.state.import(document);
    expect(await userinfo()).toMatchObject({ nickname: '张伟' });
  });

  it('plays the phone through a QR login', async () => {
    const idmock = running.current;
    const base = idmock.urls.wechat ?? '';
    const xml = await (
      await fetch(
        `${base}/connect/qrconnect?appid=${APP.appid}&redirect_uri=${encodeURIComponent(APP.redirect)}&scope=snsapi_login&state=qr&f=xml`,
      )
    ).text();
    const uuid = /CDATA\[([^\]]+)\]/.exec(xml)?.[1] ?? '';
    expect((await idmock.admin.wechat.qr.get(uuid)).status).toBe('waiting');
    expect(await idmock.admin.wechat.qr.scan(uuid, 'li-na')).toMatchObject({
      status: 'scanned',
      personaId: 'li-na',
    });
    expect((await idmock.admin.wechat.qr.confirm(uuid)).status).toBe('confirmed');
    const poll = await (await fetch(`${base}/connect/l/qrconnect?uuid=${uuid}&last=404`)).text();
    const code = /wx_code='([^']+)'/.exec(poll)?.[1] ?? '';
    expect(poll).toContain('window.wx_errcode=405');
    expect(await exchange(idmock, code)).toHaveProperty('access_token');
    const other = /CDATA\[([^\]]+)\]/.exec(
      await (
        await fetch(
          `${base}/connect/qrconnect?appid=${APP.appid}&redirect_uri=${encodeURIComponent(APP.redirect)}&scope=snsapi_login&f=xml`,
        )
      ).text(),
    )?.[1];
    await idmock.admin.wechat.qr.scan(other ?? '', 'zhang-wei');
    expect((await idmock.admin.wechat.qr.cancel(other ?? '')).status).toBe('cancelled');
    expect((await idmock.admin.wechat.qr.expire(other ?? '')).status).toBe('expired');
    expect((await idmock.admin.wechat.qr.list()).map((s) => s.uuid)).toEqual(
      expect.arrayContaining([uuid, other]),
    );
  });

  it('lists users and apps, and applies scenarios', async () => {
    const idmock = running.current;
    const users = await idmock.admin.wechat.users();
    expect(users.map((u) => u.id)).toEqual(expect.arrayContaining(['zhang-wei', 'li-na']));
    expect(await idmock.admin.wechat.apps()).toHaveProperty('apps');
    const scenarios = await idmock.admin.scenarios.list();
    expect(scenarios.map((s) => s.name)).toContain('wechat-system-error');
    const result = await idmock.admin.scenarios.apply('wechat-system-error');
    expect(result.applied).toHaveLength(2);
    expect(await exchange(idmock, await consent(idmock))).toMatchObject({ errcode: -1 });
    await idmock.admin.faults.clear();
  });
});

describe('withIdmock', () => {
  it('hands over a running idmock and stops it afterwards', async () => {
    let url = '';
    const result = await withIdmock(
      async (idmock) => {
        url = idmock.urls.wechat ?? '';
        return (await fetch(`${url}/__mock/healthz`)).status;
      },
      { services: ['wechat'] },
    );
    expect(result).toBe(200);
    await expect(fetch(`${url}/__mock/healthz`)).rejects.toThrow();
  });

  it('stops even when the callback throws', async () => {
    let url = '';
    await expect(
      withIdmock(
        (idmock) => {
          url = idmock.urls.wechat ?? '';
          throw new Error('test failed');
        },
        { services: ['wechat'] },
      ),
    ).rejects.toThrow('test failed');
    await expect(fetch(`${url}/__mock/healthz`)).rejects.toThrow();
  });

  it('starts with scenarios from the options', async () => {
    await withIdmock(
      async (idmock) => {
        expect(await idmock.admin.faults.list()).toHaveLength(4);
      },
      { services: ['wechat'], scenarios: ['wechat-rate-limit'] },
    );
    await expect(startIdmock({ services: ['wechat'], scenarios: ['nope'] })).rejects.toThrow(
      /--scenario nope: no scenario "nope"/,
    );
  });
});
