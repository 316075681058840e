/**
 * Test support for the WeChat QR login API: a client of `/v1/*` with an API key, WeChat codes from
 * the mock (headless, or through the whole desktop-page/phone/long-poll flow), the SMS outbox, and
 * world lookups.
 */
import { expect } from 'vitest';
import type { RunningIdmock } from '../../../src/runtime/start.js';
import { get, postForm, postJson, type Fetched } from '../../support/idmock.js';

/** The login app (`auth.login.wechat` default: the seeded website app "Acme 官网登录"). */
export const LOGIN_APP = {
  appid: 'wx1a2b3c4d5e6f7081',
  secret: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  redirectUri: 'http://localhost/auth/wechat/callback',
  openPlatformAccount: 'acme-games',
} as const;

/** API keys of `mock-providers/auth-server/accounts.json`. */
export const API_KEYS = {
  web: 'idmock-web-4f1c2a9e7b3d5081',
  partner: 'idmock-partner-8e2b6d0a1c4f7395',
} as const;

/** Seeded accounts. */
export const ACCOUNTS = {
  zhangWei: { id: '6a1d0b000000000000000001', tn: '13800138000', persona: 'zhang-wei' },
  wangFang: { id: '6a1d0b000000000000000002', tn: '13900139000' },
  bob: {
    id: '6a1d0b000000000000000003',
    tn: '13700137000',
    username: 'bob',
    password: 'bob-password',
  },
} as const;

/** An error body of the login API. */
export interface LoginErrorBody {
  code: number;
  title: string;
  detail: string;
  errors: {
    code: number;
    title: string;
    detail: string;
    source: string;
    meta?: { unionCode: string; unionId: string };
  }[];
}

/** The unionId/unionCode pair of an unbound user's 401. */
export interface UnionPair {
  unionId: string;
  unionCode: string;
}

/** A client of the login API. */
export interface LoginApi {
  login(body: unknown, apiKey?: string | null): Promise<Fetched>;
  sms(tn: string, apiKey?: string | null): Promise<Fetched>;
  me(token: string): Promise<Fetched>;
}

/** POSTs JSON with an optional Api-Key header. */
export function postWithKey(url: string, body: unknown, apiKey: string | null): Promise<Fetched> {
  return get(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(apiKey === null ? {} : { 'api-key': apiKey }),
    },
    body: JSON.stringify(body),
  });
}

/** A login API client of an auth server, with the `web` key unless told otherwise. */
export function loginApi(authUrl: string, defaultKey: string = API_KEYS.web): LoginApi {
  return {
    login: (body, apiKey = defaultKey) => postWithKey(`${authUrl}/v1/auth/login`, body, apiKey),
    sms: (tn, apiKey = defaultKey) => postWithKey(`${authUrl}/v1/auth/sms`, { tn }, apiKey),
    me: (token) => get(`${authUrl}/v1/me`, { headers: { authorization: `Bearer ${token}` } }),
  };
}

/** A real single-use WeChat code for a persona, through the mock's headless consent. */
export async function wechatCode(idmock: RunningIdmock, persona: string): Promise<string> {
  const consent = await postJson(`${idmock.urls.wechat!}/__mock/authorize`, {
    appid: LOGIN_APP.appid,
    redirect_uri: LOGIN_APP.redirectUri,
    scope: 'snsapi_login',
    state: 'test',
    user: persona,
  });
  expect(consent.status).toBe(200);
  return consent.json<{ code: string }>().code;
}

/** Form (a)'s body for a code. */
export function codeLogin(code: string): Record<string, string> {
  return { appId: LOGIN_APP.appid, secret: LOGIN_APP.secret, code };
}

/**
 * The whole desktop flow as a browser and a phone run it: the qrconnect page, the phone opening the
 * QR link and agreeing as `persona`, the page's long-poll until 405, and the redirect the page's
 * script builds. Answers the redirect URL.
 */
export async function qrLogin(idmock: RunningIdmock, persona: string, state: string): Promise<URL> {
  const wechat = idmock.urls.wechat!;
  const query = new URLSearchParams({
    appid: LOGIN_APP.appid,
    redirect_uri: LOGIN_APP.redirectUri,
    response_type: 'code',
    scope: 'snsapi_login',
    state,
  });
  const page = await get(`${wechat}/connect/qrconnect?${query.toString()}#wechat_redirect`);
  expect(page.status).toBe(200);
  const uuid = /src="\/connect\/qrcode\/([A-Za-z0-9_-]+)"/.exec(page.text)?.[1];
  const cfgText = /var cfg = (\{[^\n]*\});/.exec(page.text)?.[1];
  expect(uuid).toBeDefined();
  expect(cfgText).toBeDefined();
  const cfg = JSON.parse(cfgText!) as { uuid: string; redirectUri: string; state: string };
  expect(cfg.uuid).toBe(uuid);

  // The phone: the QR code encodes /connect/confirm?uuid=…; opening it is the scan.
  const confirm = await get(`${wechat}/connect/confirm?uuid=${encodeURIComponent(uuid!)}`);
  expect(confirm.status).toBe(200);
  const hidden = Object.fromEntries(
    [...confirm.text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map(
      (match) => [match[1]!, match[2]!],
    ),
  );
  expect(hidden['uuid']).toBe(uuid);
  expect(confirm.text).toContain(`value="${persona}"`);
  const agreed = await postForm(`${wechat}/connect/confirm`, {
    ...hidden,
    user: persona,
    action: 'agree',
  });
  expect(agreed.status).toBe(200);
  expect(agreed.text).toContain('id="result"');

  // The desktop page's long-poll, as its script runs it, until 405 hands out the code.
  let last: string | undefined;
  for (let attempt = 0; attempt < 20; attempt++) {
    const poll = await get(
      `${wechat}/connect/l/qrconnect?uuid=${encodeURIComponent(cfg.uuid)}${last === undefined ? '' : `&last=${last}`}&_=${Date.now()}`,
    );
    const errcode = /window\.wx_errcode=(\d+);/.exec(poll.text)?.[1];
    const wxCode = /window\.wx_code='([^']*)';/.exec(poll.text)?.[1] ?? '';
    if (errcode === '405') {
      // The page script's go(code).
      let href = cfg.redirectUri;
      href += `${href.includes('?') ? '&' : '?'}code=${wxCode}&state=${cfg.state}`;
      return new URL(href);
    }
    expect(['404', '408']).toContain(errcode);
    last = errcode === '408' ? undefined : errcode;
  }
  throw new Error('the long-poll never answered 405');
}

/** The unionid WeChat gives a persona under the login app's open-platform account. */
export async function unionIdOf(idmock: RunningIdmock, persona: string): Promise<string> {
  const { users } = (await get(`${idmock.urls.wechat!}/__mock/users`)).json<{
    users: { id: string; unionids: Record<string, string> }[];
  }>();
  const unionId = users.find((user) => user.id === persona)?.unionids[
    LOGIN_APP.openPlatformAccount
  ];
  if (unionId === undefined) throw new Error(`no unionid for ${persona}`);
  return unionId;
}

/** Form (a) for an unbound persona: asserts the seed's 401 and answers its pair. */
export async function unionPairFor(
  idmock: RunningIdmock,
  persona: string,
  apiKey: string = API_KEYS.web,
): Promise<UnionPair> {
  const response = await loginApi(idmock.urls.auth!).login(
    codeLogin(await wechatCode(idmock, persona)),
    apiKey,
  );
  expect(response.status).toBe(401);
  const meta = response.json<LoginErrorBody>().errors[0]?.meta;
  expect(meta).toBeDefined();
  return { unionId: meta!.unionId, unionCode: meta!.unionCode };
}

/** A message of the SMS outbox. */
export interface OutboxMessage {
  id: number;
  tn: string;
  code: string;
  text: string;
  sentAt: string;
  expiresAt: string;
  status: string;
}

/** The outbox, optionally for one phone number. */
export async function outbox(authUrl: string, tn?: string): Promise<OutboxMessage[]> {
  const query = tn === undefined ? '' : `?tn=${encodeURIComponent(tn)}`;
  return (await get(`${authUrl}/__mock/sms${query}`)).json<{ messages: OutboxMessage[] }>()
    .messages;
}

/** Sends an SMS code to a phone number and reads it from the outbox. */
export async function sendSms(authUrl: string, tn: string): Promise<string> {
  const sent = await loginApi(authUrl).sms(tn);
  expect(sent.status).toBe(202);
  const messages = await outbox(authUrl, tn);
  const code = messages.at(-1)?.code;
  if (code === undefined) throw new Error(`no SMS for ${tn}`);
  return code;
}

/** A wrong SMS code for a right one. */
export function wrongCode(code: string): string {
  return code === '000000' ? '000001' : '000000';
}

let phoneCounter = 0;

/** A phone number no test used before (unknown to the seed). */
export function freshTn(): string {
  phoneCounter += 1;
  return `135${String(process.pid % 10_000).padStart(4, '0')}${String(phoneCounter).padStart(4, '0')}`;
}

/** An account as `GET /__mock/accounts` lists it. */
export interface ListedAccount {
  id: string;
  tn: string | null;
  username: string | null;
  displayName: string;
  unionId: string | null;
  pendingSeedBinding: string | null;
  tokens: number;
}

/** Every account of the auth server. */
export async function listAccounts(authUrl: string): Promise<ListedAccount[]> {
  return (await get(`${authUrl}/__mock/accounts`)).json<{ accounts: ListedAccount[] }>().accounts;
}

/** The accounts bound to a unionId (L1: at most one). */
export async function accountsBoundTo(authUrl: string, unionId: string): Promise<ListedAccount[]> {
  return (await listAccounts(authUrl)).filter((account) => account.unionId === unionId);
}

/** Seeded accounts, seeded clock: every test starts from the same world. */
export async function resetWorld(idmock: RunningIdmock): Promise<void> {
  for (const url of [idmock.urls.auth!, idmock.urls.wechat!]) {
    await postJson(`${url}/__mock/reset`, {});
  }
  await postJson(`${idmock.urls.auth!}/__mock/clock/reset`, {});
}

/** Moves the shared clock forward. */
export async function advanceClock(idmock: RunningIdmock, by: string): Promise<void> {
  const moved = await postJson(`${idmock.urls.auth!}/__mock/clock/advance`, { by });
  expect(moved.status).toBe(200);
}

/** Asserts a login API error: status, outer title and code, and one inner title at a source. */
export function expectLoginError(
  response: Fetched,
  status: number,
  outer: { code: number; title: string },
  inner: { title: string; source: string; code?: number },
): LoginErrorBody {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = response.json<LoginErrorBody>();
  expect(Object.keys(body)).toEqual(['code', 'title', 'detail', 'errors']);
  expect(body).toMatchObject({ code: outer.code, title: outer.title });
  expect(typeof body.detail).toBe('string');
  expect(body.errors).toContainEqual(
    expect.objectContaining({
      title: inner.title,
      source: inner.source,
      ...(inner.code === undefined ? {} : { code: inner.code }),
    }),
  );
  for (const error of body.errors) {
    expect(Object.keys(error).slice(0, 4)).toEqual(['code', 'title', 'detail', 'source']);
    expect(typeof error.code).toBe('number');
  }
  return body;
}

/** Outer errors as the tests expect them (numbers from the one constants file). */
export const OUTER = {
  unauthorized: { code: 401906, title: 'GENERIC_UNAUTHORIZED' },
  validation: { code: 400800, title: 'VALIDATION_ERROR' },
  conflict: { code: 409800, title: 'CONFLICT' },
  providerUnavailable: { code: 502800, title: 'PROVIDER_UNAVAILABLE' },
} as const;

/** The one answer for every bad unionCode. */
export function expectInvalidUnionCode(response: Fetched): void {
  expectLoginError(response, 401, OUTER.unauthorized, {
    title: 'INVALID_UNION_CODE',
    source: 'unionCode',
  });
}

/** A bearer token from a 200. */
export function tokenOf(response: Fetched): string {
  expect(response.status).toBe(200);
  const body = response.json<{ token: string; tokenType: string; expiresIn: number }>();
  expect(body.tokenType).toBe('Bearer');
  expect(body.token.length).toBeGreaterThan(0);
  return body.token;
}
