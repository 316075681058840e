import { describe, expect, it } from 'vitest';
import { startIdmock } from '../../../src/runtime/start.js';
import { get, postJson, useIdmock } from '../../support/idmock.js';
import { codeParams, GAME, NO_UNIONID, url, WEB } from './support.js';

const idmock = useIdmock({ services: ['qq'] });
const base = (): string => idmock.current.urls.qq ?? '';

describe('GET /__mock/healthz and the clock', () => {
  it('reports ok', async () => {
    const res = await get(`${base()}/__mock/healthz`);
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('advances and resets the clock', async () => {
    const advanced = (await postJson(`${base()}/__mock/clock/advance`, { by: '2h' })).json<{
      offsetMs: number;
    }>();
    expect(advanced.offsetMs).toBe(2 * 3600_000);
    const reset = (await postJson(`${base()}/__mock/clock/reset`, {})).json<{ offsetMs: number }>();
    expect(reset.offsetMs).toBe(0);
  });
});

describe('GET /__mock/apps', () => {
  it('lists every app with client_id, appkey, callbacks and unionid permission', async () => {
    const body = (await get(`${base()}/__mock/apps`)).json<{
      developerAccounts: { id: string }[];
      apps: Record<string, unknown>[];
    }>();
    expect(body.developerAccounts.map((account) => account.id)).toEqual(['acme-games']);
    expect(body.apps).toContainEqual({
      client_id: WEB.clientId,
      appkey: WEB.appkey,
      name: 'Acme 官网登录',
      callbacks: [WEB.callback],
      developerAccount: 'acme-games',
      unionidPermission: true,
    });
    expect(body.apps.find((app) => app['client_id'] === NO_UNIONID.clientId)).toMatchObject({
      unionidPermission: false,
    });
    for (const app of body.apps) {
      expect(app['client_id']).toMatch(/^\d+$/);
      expect(app['appkey']).toMatch(/^[0-9a-f]{32}$/);
    }
  });
});

describe('GET /__mock/users', () => {
  interface User {
    id: string;
    nickname: string;
    gender: string;
    year: string;
    openids: Record<string, string>;
    unionids: Record<string, string>;
  }
  const users = async (): Promise<User[]> =>
    (await get(`${base()}/__mock/users`)).json<{ users: User[] }>().users;

  it('lists QQ personas only, with the openid each app sees and the unionid', async () => {
    const list = await users();
    const ids = list.map((user) => user.id);
    expect(ids).toEqual(expect.arrayContaining(['zhang-wei', 'li-na', 'chen-jie', 'persona-01']));
    expect(ids).not.toContain('wang-fang');
    const zhang = list.find((user) => user.id === 'zhang-wei');
    expect(zhang).toMatchObject({ nickname: '张伟', gender: '男', year: '1990' });
    const openids = Object.values(zhang?.openids ?? {});
    expect(openids).toHaveLength(3);
    expect(new Set(openids).size).toBe(3);
    for (const openid of openids) expect(openid).toMatch(/^[0-9A-F]{32}$/);
    expect(zhang?.unionids['acme-games']).toMatch(/^UID_[0-9A-F]{32}$/);
  });

  it('derives the same ids on every start with the same seed', async () => {
    const again = await startIdmock({ services: ['qq'] });
    try {
      const other = (await get(`${again.urls.qq ?? ''}/__mock/users`)).json<{ users: User[] }>();
      expect(other.users).toEqual(await users());
    } finally {
      await again.stop();
    }
  });

  it('derives different ids for a different seed', async () => {
    const other = await startIdmock({ services: ['qq'], seed: 'another' });
    try {
      const list = (await get(`${other.urls.qq ?? ''}/__mock/users`)).json<{ users: User[] }>();
      const mine = await users();
      expect(list.users.find((u) => u.id === 'zhang-wei')?.openids).not.toEqual(
        mine.find((u) => u.id === 'zhang-wei')?.openids,
      );
    } finally {
      await other.stop();
    }
  });
});

describe('POST /__mock/authorize', () => {
  const body = (extra: Record<string, unknown> = {}) => ({
    client_id: WEB.clientId,
    redirect_uri: WEB.callback,
    scope: 'get_user_info',
    state: 'abc',
    user: 'zhang-wei',
    ...extra,
  });

  it('answers a real single-use code and the callback location', async () => {
    const res = await postJson(`${base()}/__mock/authorize`, body());
    expect(res.status).toBe(200);
    const { code, location, openid } = res.json<{
      code: string;
      location: string;
      openid: string;
    }>();
    expect(code).toMatch(/^[0-9A-F]{32}$/);
    expect(location).toBe(`${WEB.callback}?code=${code}&state=abc`);
    const token = await get(
      url(base(), '/oauth2.0/token', { ...codeParams(WEB, code), need_openid: '1' }),
    );
    expect(token.text).toMatch(new RegExp(`&openid=${openid}$`));
    const again = await get(url(base(), '/oauth2.0/token', codeParams(WEB, code)));
    expect(again.text).toContain('"error":100020');
  });

  it('accepts the persona by openid and omits state when not given', async () => {
    const first = (await postJson(`${base()}/__mock/authorize`, body())).json<{ openid: string }>();
    const res = await postJson(`${base()}/__mock/authorize`, {
      ...body({ user: first.openid }),
      state: undefined,
    });
    const { location, openid } = res.json<{ location: string; openid: string }>();
    expect(openid).toBe(first.openid);
    expect(location).toMatch(/\?code=[0-9A-F]{32}$/);
  });

  it('answers an access token and the fragment location for response_type=token', async () => {
    const res = await postJson(`${base()}/__mock/authorize`, body({ response_type: 'token' }));
    const parsed = res.json<{ access_token: string; expires_in: number; location: string }>();
    expect(parsed.expires_in).toBe(5_184_000);
    expect(parsed.location).toBe(
      `${WEB.callback}#access_token=${parsed.access_token}&expires_in=5184000&state=abc`,
    );
  });

  it.each([
    [
      { response_type: 'id_token' },
      'responseTypeInvalid',
      'param response_type is wrong or lost (100000)',
    ],
    [{ client_id: '' }, 'clientIdMissing', 'param client_id is wrong or lost (100001)'],
    [
      { client_id: '100000001' },
      'clientIdUnknown',
      'client id is illegal, not exist [appid: 100000001] (100008)',
    ],
    [
      { redirect_uri: GAME.callback },
      'redirectUriInvalid',
      `redirect uri is illegal [appid: ${WEB.clientId}] (100010)`,
    ],
    [
      { redirect_uri: undefined },
      'redirectUriInvalid',
      `redirect uri is illegal [appid: ${WEB.clientId}] (100010)`,
    ],
  ])('validates like the real step: %j is 400 %s', async (extra, error, message) => {
    const res = await postJson(`${base()}/__mock/authorize`, body(extra));
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({ error, message });
  });

  it.each(['wang-fang', 'nobody'])('answers 404 for %s, who has no QQ account', async (user) => {
    const res = await postJson(`${base()}/__mock/authorize`, body({ user }));
    expect(res.status).toBe(404);
    expect(res.json()).toMatchObject({ error: 'unknown_user' });
  });

  it.each([
    ['a missing user', { client_id: WEB.clientId }],
    ['a numeric client_id', { client_id: 101364207, user: 'li-na' }],
    ['an unknown field', { ...body(), extra: true }],
  ])('answers 400 listing the problem for %s', async (_label, payload) => {
    const res = await postJson(`${base()}/__mock/authorize`, payload);
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid_body' });
  });

  it('answers 400 for a body that is not JSON', async () => {
    const res = await get(`${base()}/__mock/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"client_id":',
    });
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({ error: 'invalid_body', message: 'body is not valid JSON' });
  });
});

describe('/__mock/auto-approve', () => {
  it('starts off, then takes a persona id or openid and reports the persona id', async () => {
    expect((await get(`${base()}/__mock/auto-approve`)).json()).toEqual({ user: null });
    const users = (await get(`${base()}/__mock/users`)).json<{
      users: { id: string; openids: Record<string, string> }[];
    }>();
    const lina = users.users.find((user) => user.id === 'li-na');
    const set = await postJson(`${base()}/__mock/auto-approve`, {
      user: lina?.openids[GAME.clientId],
    });
    expect(set.json()).toEqual({ user: 'li-na' });
    expect((await postJson(`${base()}/__mock/auto-approve`, { user: null })).json()).toEqual({
      user: null,
    });
  });

  it('answers 404 for a persona without QQ and 400 for a bad body', async () => {
    expect((await postJson(`${base()}/__mock/auto-approve`, { user: 'wang-fang' })).status).toBe(
      404,
    );
    expect((await postJson(`${base()}/__mock/auto-approve`, { user: 7 })).status).toBe(400);
    expect((await get(`${base()}/__mock/auto-approve`)).json()).toEqual({ user: null });
  });
});
