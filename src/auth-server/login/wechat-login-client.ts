/**
 * What the login API asks WeChat, over HTTP only (so the base URL can be the mock or the real
 * `https://api.weixin.qq.com`): the code exchange `GET /sns/oauth2/access_token` (`wechat.md`
 * §4.1), and, mock-only, the personas' unionids for resolving seeded bindings.
 */
import {
  asObject,
  getJson,
  providerUrl,
  type ProviderCheck,
  type ProviderClientOptions,
} from '../clients/provider-http.js';

/** The outcome of a code exchange. */
export type CodeExchange =
  | { readonly kind: 'ok'; readonly unionId: string; readonly openid: string }
  /** 40029 invalid, 40163 used, 42003 expired, 41008 missing: INVALID_AUTH_CODE. */
  | { readonly kind: 'invalid-code'; readonly reason: string }
  /** 40013 / 40125 / 41002 / 41004: WeChat refused the appid or secret. */
  | { readonly kind: 'invalid-app'; readonly reason: string }
  /** No usable answer (timeout, refused, non-2xx, not JSON, -1, quota, no unionid). */
  | { readonly kind: 'unavailable'; readonly reason: string };

/** The login API's WeChat client. */
export interface WechatLoginClient {
  readonly baseUrl: string;
  /** Exchanges a code of the app; the answer must carry a unionid. */
  exchangeCode(app: { appid: string; secret: string }, code: string): Promise<CodeExchange>;
  /**
   * Mock-only (`GET /__mock/apps`, `GET /__mock/users`): persona id → unionid under the
   * open-platform account of `appid`.
   */
  personaUnionIds(appid: string): Promise<ProviderCheck<ReadonlyMap<string, string>>>;
}

const INVALID_CODE: ReadonlySet<number> = new Set([40029, 40163, 42003, 41008]);
const INVALID_APP: ReadonlySet<number> = new Set([40013, 40125, 41002, 41004]);

function describe(body: Readonly<Record<string, unknown>>): string {
  const errmsg = typeof body['errmsg'] === 'string' ? body['errmsg'] : '';
  return `errcode ${String(body['errcode'])} ${errmsg}`.trim();
}

/** Creates the client. */
export function createWechatLoginClient(options: ProviderClientOptions): WechatLoginClient {
  const getObject = async (
    path: string,
    query: Record<string, string>,
  ): Promise<ProviderCheck<Readonly<Record<string, unknown>>>> => {
    const answer = await getJson(providerUrl(options.baseUrl, path, query), options);
    if (answer.kind !== 'ok') return answer;
    const body = asObject(answer.value);
    return body
      ? { kind: 'ok', value: body }
      : { kind: 'unavailable', reason: `${path} answered a non-object` };
  };
  return {
    baseUrl: options.baseUrl,
    async exchangeCode(app, code) {
      const path = '/sns/oauth2/access_token';
      const answer = await getObject(path, {
        appid: app.appid,
        secret: app.secret,
        code,
        grant_type: 'authorization_code',
      });
      if (answer.kind !== 'ok') return { kind: 'unavailable', reason: answer.reason };
      const body = answer.value;
      const errcode = body['errcode'];
      if (typeof errcode === 'number' && errcode !== 0) {
        const reason = `${path}: ${describe(body)}`;
        if (INVALID_CODE.has(errcode)) return { kind: 'invalid-code', reason };
        if (INVALID_APP.has(errcode)) return { kind: 'invalid-app', reason };
        return { kind: 'unavailable', reason };
      }
      const { unionid, openid } = body;
      if (typeof openid !== 'string' || openid === '') {
        return { kind: 'unavailable', reason: `${path}: no openid in the answer` };
      }
      if (typeof unionid !== 'string' || unionid === '') {
        return {
          kind: 'unavailable',
          reason: `${path}: no unionid in the answer (is app ${app.appid} bound to an open-platform account?)`,
        };
      }
      return { kind: 'ok', unionId: unionid, openid };
    },
    async personaUnionIds(appid) {
      const apps = await getObject('/__mock/apps', {});
      if (apps.kind !== 'ok') return apps;
      const list = apps.value['apps'];
      const app = Array.isArray(list)
        ? (list as unknown[]).map(asObject).find((entry) => entry?.['appid'] === appid)
        : undefined;
      if (!app) return { kind: 'unavailable', reason: `app ${appid} is not in /__mock/apps` };
      const account = app['openPlatformAccount'];
      if (typeof account !== 'string') {
        return { kind: 'unavailable', reason: `app ${appid} has no open-platform account` };
      }
      const users = await getObject('/__mock/users', {});
      if (users.kind !== 'ok') return users;
      const entries = users.value['users'];
      if (!Array.isArray(entries)) {
        return { kind: 'unavailable', reason: 'no users in /__mock/users' };
      }
      const map = new Map<string, string>();
      for (const entry of entries as unknown[]) {
        const user = asObject(entry);
        const id = user?.['id'];
        const unionId = asObject(user?.['unionids'])?.[account];
        if (typeof id === 'string' && typeof unionId === 'string') map.set(id, unionId);
      }
      return { kind: 'ok', value: map };
    },
  };
}
