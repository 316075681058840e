/**
 * The auth server's QQ client: resolves an access token with `/oauth2.0/me?fmt=json` (the answer's
 * `client_id` must be the configured app), then reads the nickname with `/user/get_user_info`
 * (`qq.md` §3–4). HTTP only, so the base URL can point at the mock or at `https://graph.qq.com`.
 */
import {
  asObject,
  getJson,
  providerUrl,
  type ProviderCheck,
  type ProviderClientOptions,
} from './provider-http.js';

/** A validated QQ identity. */
export interface QqIdentity {
  /** The per-app openid: the external id stored as `QQ`. */
  readonly openid: string;
  readonly nickname: string;
}

/** What the auth server asks QQ. */
export interface QqClient {
  readonly baseUrl: string;
  /** `/oauth2.0/me` (checking `client_id`), then `/user/get_user_info`. */
  validate(accessToken: string, clientId: string): Promise<ProviderCheck<QqIdentity>>;
  /** Mock-only (`GET /__mock/users`): persona id → openid under one client_id. */
  personaOpenids(clientId: string): Promise<ProviderCheck<ReadonlyMap<string, string>>>;
  /** Mock-only (`GET /__mock/apps`): the client_id of the first QQ app, to default to it. */
  firstClientId(): Promise<ProviderCheck<string>>;
}

/** 100017–100027 are QQ's internal failures (`qq.md` §5): the token may well be fine. */
function isInternalFailure(code: number): boolean {
  return code >= 100017 && code <= 100027;
}

function textOf(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

function asId(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return undefined;
}

/** Creates the QQ client. */
export function createQqClient(options: ProviderClientOptions): QqClient {
  const get = async (
    path: string,
    query: Record<string, string>,
  ): Promise<ProviderCheck<Readonly<Record<string, unknown>>>> => {
    const answer = await getJson(providerUrl(options.baseUrl, path, query), options);
    if (answer.kind !== 'ok') return answer;
    const body = asObject(answer.value);
    return body
      ? { kind: 'ok', value: body }
      : { kind: 'unavailable', reason: `${path}: not an object` };
  };
  return {
    baseUrl: options.baseUrl,
    async validate(accessToken, clientId) {
      const me = await get('/oauth2.0/me', { access_token: accessToken, fmt: 'json' });
      if (me.kind !== 'ok') return me;
      const error = me.value['error'];
      if (typeof error === 'number' && error !== 0) {
        const reason = `/oauth2.0/me: error ${error} ${textOf(me.value['error_description'])}`;
        return isInternalFailure(error)
          ? { kind: 'unavailable', reason }
          : { kind: 'rejected', reason, code: error };
      }
      const openid = asId(me.value['openid']);
      if (openid === undefined) return { kind: 'unavailable', reason: '/oauth2.0/me: no openid' };
      if (asId(me.value['client_id']) !== clientId) {
        return { kind: 'rejected', reason: '/oauth2.0/me: the token belongs to another app' };
      }
      const info = await get('/user/get_user_info', {
        access_token: accessToken,
        oauth_consumer_key: clientId,
        openid,
      });
      if (info.kind !== 'ok') return info;
      const ret = info.value['ret'];
      if (ret !== 0) {
        return {
          kind: 'rejected',
          reason: `/user/get_user_info: ret ${String(ret)} ${textOf(info.value['msg'])}`,
          ...(typeof ret === 'number' ? { code: ret } : {}),
        };
      }
      const nickname = info.value['nickname'];
      return {
        kind: 'ok',
        value: { openid, nickname: typeof nickname === 'string' ? nickname : '' },
      };
    },
    async personaOpenids(clientId) {
      const answer = await get('/__mock/users', {});
      if (answer.kind !== 'ok') return answer;
      const users = answer.value['users'];
      if (!Array.isArray(users))
        return { kind: 'unavailable', reason: 'no users in /__mock/users' };
      const map = new Map<string, string>();
      for (const user of users as unknown[]) {
        const entry = asObject(user);
        const id = entry?.['id'];
        const openid = asObject(entry?.['openids'])?.[clientId];
        if (typeof id === 'string' && typeof openid === 'string') map.set(id, openid);
      }
      return { kind: 'ok', value: map };
    },
    async firstClientId() {
      const answer = await get('/__mock/apps', {});
      if (answer.kind !== 'ok') return answer;
      const apps = answer.value['apps'];
      const first = Array.isArray(apps) ? asObject(apps[0] as unknown) : undefined;
      const id = asId(first?.['client_id']) ?? asId(first?.['clientId']);
      return id === undefined
        ? { kind: 'unavailable', reason: 'no app in /__mock/apps' }
        : { kind: 'ok', value: id };
    },
  };
}
