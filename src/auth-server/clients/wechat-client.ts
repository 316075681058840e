/**
 * The auth server's WeChat client: validates an `(access_token, openid)` pair with `/sns/auth`, then
 * reads the nickname with `/sns/userinfo` (`wechat.md` §4.4–4.5). It speaks only HTTP, so the base
 * URL can point at the mock or at the real `https://api.weixin.qq.com`.
 */
import {
  asObject,
  getJson,
  providerUrl,
  type ProviderCheck,
  type ProviderClientOptions,
} from './provider-http.js';

/** A validated WeChat identity. */
export interface WechatIdentity {
  /** The per-app openid: the external id stored as `WC`. */
  readonly openid: string;
  /** The nickname from `/sns/userinfo` ("" when the token may not read it). */
  readonly nickname: string;
}

/** What the auth server asks WeChat. */
export interface WechatClient {
  readonly baseUrl: string;
  /** `/sns/auth` then `/sns/userinfo`. */
  validate(accessToken: string, openid: string): Promise<ProviderCheck<WechatIdentity>>;
  /** Mock-only (`GET /__mock/users`): persona id → openid under one appid. */
  personaOpenids(appid: string): Promise<ProviderCheck<ReadonlyMap<string, string>>>;
}

/** errcodes that say WeChat could not answer rather than that the token is bad. */
const UNAVAILABLE_ERRCODES: ReadonlySet<number> = new Set([-1, 45009, 45011]);
/** `api unauthorized`: a `snsapi_base` token cannot read userinfo, yet it is a valid token. */
const ERRCODE_API_UNAUTHORIZED = 48001;

function errcodeOf(body: Readonly<Record<string, unknown>>): number | undefined {
  const errcode = body['errcode'];
  return typeof errcode === 'number' ? errcode : undefined;
}

function describe(body: Readonly<Record<string, unknown>>): string {
  return `errcode ${String(body['errcode'])} ${typeof body['errmsg'] === 'string' ? body['errmsg'] : ''}`.trim();
}

/** Creates the WeChat client. */
export function createWechatClient(options: ProviderClientOptions): WechatClient {
  const call = async (
    path: string,
    query: Record<string, string>,
  ): Promise<ProviderCheck<Readonly<Record<string, unknown>>>> => {
    const answer = await getJson(providerUrl(options.baseUrl, path, query), options);
    if (answer.kind !== 'ok') return answer;
    const body = asObject(answer.value);
    if (!body) return { kind: 'unavailable', reason: `${path} answered a non-object` };
    const errcode = errcodeOf(body);
    if (errcode !== undefined && errcode !== 0) {
      return UNAVAILABLE_ERRCODES.has(errcode)
        ? { kind: 'unavailable', reason: `${path}: ${describe(body)}` }
        : { kind: 'rejected', reason: `${path}: ${describe(body)}`, code: errcode };
    }
    return { kind: 'ok', value: body };
  };
  return {
    baseUrl: options.baseUrl,
    async validate(accessToken, openid) {
      const auth = await call('/sns/auth', { access_token: accessToken, openid });
      if (auth.kind !== 'ok') return auth;
      if (errcodeOf(auth.value) !== 0) {
        return { kind: 'unavailable', reason: '/sns/auth answered without errcode 0' };
      }
      const info = await call('/sns/userinfo', {
        access_token: accessToken,
        openid,
        lang: 'zh_CN',
      });
      if (info.kind === 'rejected' && info.code === ERRCODE_API_UNAUTHORIZED) {
        return { kind: 'ok', value: { openid, nickname: '' } };
      }
      if (info.kind !== 'ok') return info;
      if (info.value['openid'] !== openid) {
        return { kind: 'rejected', reason: '/sns/userinfo answered another openid' };
      }
      const nickname = info.value['nickname'];
      return {
        kind: 'ok',
        value: { openid, nickname: typeof nickname === 'string' ? nickname : '' },
      };
    },
    async personaOpenids(appid) {
      const answer = await getJson(providerUrl(options.baseUrl, '/__mock/users', {}), options);
      if (answer.kind !== 'ok') return answer;
      const users = asObject(answer.value)?.['users'];
      if (!Array.isArray(users))
        return { kind: 'unavailable', reason: 'no users in /__mock/users' };
      const map = new Map<string, string>();
      for (const user of users as unknown[]) {
        const entry = asObject(user);
        const id = entry?.['id'];
        const openid = asObject(entry?.['openids'])?.[appid];
        if (typeof id === 'string' && typeof openid === 'string') map.set(id, openid);
      }
      return { kind: 'ok', value: map };
    },
  };
}
