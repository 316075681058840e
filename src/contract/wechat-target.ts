/**
 * The `wechat` target: an implementation of `api.weixin.qq.com`'s `/sns/*` API, checked against
 * the contract the auth server wrote as WeChat's consumer. On an idmock-compatible WeChat mock the
 * states are reached the way a user would reach them, only headless: consent through
 * `POST /__mock/authorize`, the code exchanged at the real `/sns/oauth2/access_token`, and time
 * moved with `POST /__mock/clock/advance` (reset again on teardown).
 */
import { CONTRACT_PARTIES, contractFileName } from './contracts.js';
import { fieldOf, parseProviderJson, stringParam, targetHttp, type TargetHttp } from './http.js';
import { TARGET_DESCRIPTIONS } from './target-names.js';
import type { ContractTarget, InjectedValues, StateParams, StateTable } from './types.js';

/**
 * The provider states of the WeChat contract. Parameters in braces are filled from the contract;
 * the values named after "→" are what the set-up must answer (they are injected into requests).
 */
export const WECHAT_STATES = {
  /** → `secret` */
  appExists: 'WeChat app {appid} exists',
  /** → `secret`, `code` (fresh, single use) */
  unusedCode: 'WeChat user {persona} has approved app {appid} and holds an unused code',
  /** → `secret`, `code` (already exchanged once) */
  usedCode: 'WeChat user {persona} has approved app {appid} and the code was already exchanged',
  /** → `accessToken`, `openid` */
  authorised: 'WeChat user {persona} has authorised app {appid} with scope {scope}',
  /** → `accessToken`, `openid` (past its `expires_in`) */
  tokenExpired: 'WeChat user {persona} has authorised app {appid} and the access token has expired',
} as const;

/** How far the clock is moved to expire an access token (WeChat's are 7200 s). */
const EXPIRE_TOKEN_BY = '1d';

/** A WeChat app as the mock lists it at `GET /__mock/apps`. */
export interface WechatAppView {
  readonly appid: string;
  readonly secret: string;
  readonly kind: string;
  readonly callbackDomain: string | null;
}

/** Finds an app (and its secret) through the mock's `GET /__mock/apps`. */
export async function findWechatApp(http: TargetHttp, appid: string): Promise<WechatAppView> {
  const apps = fieldOf(await http.getMock('/__mock/apps'), 'apps');
  const app = Array.isArray(apps)
    ? (apps as unknown[]).find((entry) => fieldOf(entry, 'appid') === appid)
    : undefined;
  const secret = fieldOf(app, 'secret');
  if (typeof secret !== 'string') {
    throw new Error(`the WeChat mock at ${http.baseUrl} has no app ${appid} (GET /__mock/apps)`);
  }
  const kind = fieldOf(app, 'kind');
  const domain = fieldOf(app, 'callbackDomain');
  return {
    appid,
    secret,
    kind: typeof kind === 'string' ? kind : 'website',
    callbackDomain: typeof domain === 'string' ? domain : null,
  };
}

/** The scope a user grants each kind of app when the contract names none. */
function defaultScope(kind: string): string {
  return kind === 'website' ? 'snsapi_login' : 'snsapi_userinfo';
}

/** Headless consent: a real, single-use code for the persona. */
export async function approveWechatApp(
  http: TargetHttp,
  app: WechatAppView,
  persona: string,
  scope: string | undefined,
): Promise<string> {
  const answer = await http.postMock('/__mock/authorize', {
    appid: app.appid,
    user: persona,
    scope: scope ?? defaultScope(app.kind),
    state: 'pact',
    // Mobile apps get their code through the SDK callback and take no redirect_uri.
    ...(app.kind === 'mobile' || app.callbackDomain === null
      ? {}
      : { redirect_uri: `http://${app.callbackDomain}/idmock-verify/callback` }),
  });
  const code = fieldOf(answer, 'code');
  if (typeof code !== 'string') throw new Error('POST /__mock/authorize answered no code');
  return code;
}

/** Exchanges a code at the real endpoint, as the auth server would. */
export async function exchangeWechatCode(
  http: TargetHttp,
  app: WechatAppView,
  code: string,
): Promise<{ accessToken: string; openid: string }> {
  const answer = await http.request('GET', '/sns/oauth2/access_token', {
    query: { appid: app.appid, secret: app.secret, code, grant_type: 'authorization_code' },
  });
  const body = parseProviderJson(answer.text);
  const accessToken = fieldOf(body, 'access_token');
  const openid = fieldOf(body, 'openid');
  if (typeof accessToken !== 'string' || typeof openid !== 'string') {
    throw new Error(`GET /sns/oauth2/access_token did not issue a token: ${answer.text}`);
  }
  return { accessToken, openid };
}

function optionalString(params: StateParams, name: string): string | undefined {
  const value = params[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The WeChat states reached through an idmock-compatible WeChat mock. */
export function wechatMockStates(http: TargetHttp): StateTable {
  const authorise = async (params: StateParams): Promise<InjectedValues> => {
    const app = await findWechatApp(http, stringParam(params, 'appid'));
    const code = await approveWechatApp(
      http,
      app,
      stringParam(params, 'persona'),
      optionalString(params, 'scope'),
    );
    return exchangeWechatCode(http, app, code);
  };
  return {
    [WECHAT_STATES.appExists]: {
      async setup(params) {
        const app = await findWechatApp(http, stringParam(params, 'appid'));
        return { appid: app.appid, secret: app.secret };
      },
    },
    [WECHAT_STATES.unusedCode]: {
      async setup(params) {
        const app = await findWechatApp(http, stringParam(params, 'appid'));
        const code = await approveWechatApp(http, app, stringParam(params, 'persona'), undefined);
        return { appid: app.appid, secret: app.secret, code };
      },
    },
    [WECHAT_STATES.usedCode]: {
      async setup(params) {
        const app = await findWechatApp(http, stringParam(params, 'appid'));
        const code = await approveWechatApp(http, app, stringParam(params, 'persona'), undefined);
        await exchangeWechatCode(http, app, code);
        return { appid: app.appid, secret: app.secret, code };
      },
    },
    [WECHAT_STATES.authorised]: { setup: authorise },
    [WECHAT_STATES.tokenExpired]: {
      async setup(params) {
        const values = await authorise(params);
        await http.postMock('/__mock/clock/advance', { by: EXPIRE_TOKEN_BY });
        return values;
      },
      async teardown() {
        await http.postMock('/__mock/clock/reset', {});
      },
    },
  };
}

/** `idmock verify --target wechat`. */
export const WECHAT_TARGET: ContractTarget = {
  name: 'wechat',
  description: TARGET_DESCRIPTIONS.wechat,
  provider: CONTRACT_PARTIES.wechat,
  contracts: [contractFileName(CONTRACT_PARTIES.authServer, CONTRACT_PARTIES.wechat)],
  prepare(context) {
    const http = targetHttp(context.baseUrl, {
      timeoutMs: context.timeoutMs,
      ...(context.adminToken === undefined ? {} : { adminToken: context.adminToken }),
    });
    return Promise.resolve({ states: wechatMockStates(http) });
  },
};
