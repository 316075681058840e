/**
 * The login API's world and state: `accounts.json` validated at load, `GET /__mock/accounts`,
 * `POST /__mock/reset`, and the login slice in `GET/PUT /__mock/state`.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadAuthWorld } from '../../../src/auth-server/index.js';
import { loadPersonas } from '../../../src/core/world.js';
import { DEFAULT_WORLD_DIR } from '../../../src/runtime/config.js';
import { get, postJson, useIdmock } from '../../support/idmock.js';
import {
  ACCOUNTS,
  API_KEYS,
  codeLogin,
  expectInvalidUnionCode,
  freshTn,
  LOGIN_APP,
  listAccounts,
  loginApi,
  outbox,
  resetWorld,
  sendSms,
  tokenOf,
  unionIdOf,
  unionPairFor,
  wechatCode,
} from './support.js';

const idmock = useIdmock({ services: ['wechat', 'qq', 'auth'] });
const authUrl = (): string => idmock.current.urls.auth!;
const api = () => loginApi(authUrl());

beforeEach(async () => {
  await resetWorld(idmock.current);
});

function put(url: string, body: unknown) {
  return get(url, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('GET /__mock/accounts', () => {
  it('lists the API keys, the login app and the seeded accounts, zhang-wei bound, li-na not', async () => {
    const body = (await get(`${authUrl()}/__mock/accounts`)).json();
    expect(body.apiKeys.map((key: { key: string }) => key.key)).toEqual([
      API_KEYS.web,
      API_KEYS.partner,
    ]);
    expect(body.wechat).toMatchObject({ appid: LOGIN_APP.appid, secret: LOGIN_APP.secret });
    expect(body.loginUrl).toBe(`${authUrl()}/v1/auth/login`);
    const accounts = await listAccounts(authUrl());
    expect(accounts.map((account) => account.id)).toEqual([
      ACCOUNTS.zhangWei.id,
      ACCOUNTS.wangFang.id,
      ACCOUNTS.bob.id,
    ]);
    expect(accounts[0]).toMatchObject({
      tn: ACCOUNTS.zhangWei.tn,
      unionId: await unionIdOf(idmock.current, 'zhang-wei'),
      pendingSeedBinding: null,
    });
    const liNa = await unionIdOf(idmock.current, 'li-na');
    expect(accounts.some((account) => account.unionId === liNa)).toBe(false);
    expect(JSON.stringify(body)).not.toMatch(/unionCode"/);
  });
});

describe('POST /__mock/reset', () => {
  it('drops created accounts, tokens, SMS messages and outstanding unionCodes', async () => {
    const pair = await unionPairFor(idmock.current, 'li-na');
    const tn = freshTn();
    const token = tokenOf(await api().login({ tn, code: await sendSms(authUrl(), tn) }));
    const pending = await unionPairFor(idmock.current, 'wang-fang');
    expect(await listAccounts(authUrl())).toHaveLength(4);
    await postJson(`${authUrl()}/__mock/reset`, {});
    expect(await listAccounts(authUrl())).toHaveLength(3);
    expect((await api().me(token)).status).toBe(401);
    expect(await outbox(authUrl())).toEqual([]);
    const other = freshTn();
    expectInvalidUnionCode(
      await api().login({ tn: other, code: await sendSms(authUrl(), other), ...pending }),
    );
    expect(pair.unionId).not.toBe(pending.unionId);
  });
});

describe('GET and PUT /__mock/state', () => {
  it('exports the login slice and imports it back: accounts, tokens, live unionCodes', async () => {
    const liNa = await unionPairFor(idmock.current, 'li-na');
    const tn = freshTn();
    const token = tokenOf(await api().login({ tn, code: await sendSms(authUrl(), tn), ...liNa }));
    const outstanding = await unionPairFor(idmock.current, 'wang-fang');
    const exported = (await get(`${authUrl()}/__mock/state`)).json();
    expect(Object.keys(exported.services.auth)).toEqual(['connect', 'login']);
    expect(JSON.stringify(exported)).not.toContain(outstanding.unionCode);

    await postJson(`${authUrl()}/__mock/reset`, {});
    expect((await put(`${authUrl()}/__mock/state`, exported)).status).toBe(200);
    expect((await api().me(token)).json()).toMatchObject({ tn, unionId: liNa.unionId });
    const other = freshTn();
    const bound = await api().login({
      tn: other,
      code: await sendSms(authUrl(), other),
      ...outstanding,
    });
    expect((await api().me(tokenOf(bound))).json()).toMatchObject({
      unionId: outstanding.unionId,
    });
  });

  it('rejects a document that binds one unionId twice, listing connect problems too, and changes nothing', async () => {
    const exported = (await get(`${authUrl()}/__mock/state`)).json();
    const login = exported.services.auth.login;
    login.accounts[1].unionId = login.accounts[0].unionId;
    exported.services.auth.connect.players[0].id = exported.services.auth.connect.players[1].id;
    const response = await put(`${authUrl()}/__mock/state`, exported);
    expect(response.status).toBe(400);
    expect(response.text).toMatch(/login\.accounts: unionId .* bound to two accounts/);
    expect(response.text).toMatch(/connect\.players: duplicate id/);
    expect((await listAccounts(authUrl()))[1]?.unionId).toBeNull();
  });

  it('restores the seeded accounts from a document without a login part', async () => {
    const tn = freshTn();
    tokenOf(await api().login({ tn, code: await sendSms(authUrl(), tn) }));
    const exported = (await get(`${authUrl()}/__mock/state`)).json();
    delete exported.services.auth.login;
    expect((await put(`${authUrl()}/__mock/state`, exported)).status).toBe(200);
    expect(await listAccounts(authUrl())).toHaveLength(3);
    // The seeded binding still logs zhang-wei in.
    tokenOf(await api().login(codeLogin(await wechatCode(idmock.current, 'zhang-wei'))));
  });
});

async function worldWithAccounts(accounts: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'idmock-login-'));
  await mkdir(join(dir, 'auth-server'));
  for (const file of ['credentials.json', 'players.json']) {
    await writeFile(
      join(dir, 'auth-server', file),
      JSON.stringify(
        file === 'players.json'
          ? { players: [] }
          : { apiKey: 'key123', credentials: [{ name: 'device', secret: 'abcdefghijklmnop' }] },
      ),
    );
  }
  if (accounts !== undefined) {
    await writeFile(join(dir, 'auth-server', 'accounts.json'), JSON.stringify(accounts));
  }
  return dir;
}

describe('loadAuthWorld with accounts.json', () => {
  it('loads the bundled keys and accounts', async () => {
    const personas = await loadPersonas(DEFAULT_WORLD_DIR, 'idmock');
    const { login } = await loadAuthWorld(DEFAULT_WORLD_DIR, personas);
    expect(login.apiKeys.map((key) => key.name)).toEqual(['web', 'partner']);
    expect(login.accounts.find((account) => account.wechat !== undefined)?.wechat).toEqual({
      persona: 'zhang-wei',
    });
  });

  it('treats a missing accounts.json as a world without keys or accounts', async () => {
    const personas = await loadPersonas(DEFAULT_WORLD_DIR, 'idmock');
    const { login } = await loadAuthWorld(await worldWithAccounts(undefined), personas);
    expect(login).toEqual({ apiKeys: [], accounts: [] });
  });

  it('lists every problem at once', async () => {
    const personas = await loadPersonas(DEFAULT_WORLD_DIR, 'idmock');
    const key = { name: 'web', key: 'k'.repeat(16) };
    const dir = await worldWithAccounts({
      apiKeys: [key, key],
      accounts: [
        { id: '000000000000000000000001', tn: '13500000001', wechat: { persona: 'chen-jie' } },
        { id: '000000000000000000000001', tn: '13500000001', username: 'x' },
        { id: '000000000000000000000002', wechat: { persona: 'nobody' } },
        { id: '000000000000000000000003', tn: '13500000003', wechat: { persona: 'nobody' } },
      ],
    });
    const message = await loadAuthWorld(dir, personas).catch((e: unknown) => (e as Error).message);
    for (const problem of [
      'apiKeys.1.key: duplicate key',
      'apiKeys.1.name: duplicate "web"',
      'accounts.1.id: duplicate',
      'accounts.1.tn: duplicate',
      'accounts.1: username and password go together',
      'accounts.2: needs a tn or a username',
      'accounts.3.wechat: bound to two accounts',
      'persona "chen-jie" has no WeChat account',
      'unknown persona "nobody"',
    ]) {
      expect(message).toContain(problem);
    }
    const schema = await worldWithAccounts({
      apiKeys: [{ name: 'a b', key: 'short' }],
      accounts: [{ id: 'x', tn: 'phone' }],
    });
    const schemaMessage = await loadAuthWorld(schema, personas).catch(
      (e: unknown) => (e as Error).message,
    );
    expect(schemaMessage).toContain('apiKeys.0.key');
    expect(schemaMessage).toContain('apiKeys.0.name');
    expect(schemaMessage).toContain('accounts.0.id');
    expect(schemaMessage).toContain('accounts.0.tn');
  });
});
