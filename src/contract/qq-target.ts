/**
 * The `qq` target: an implementation of `graph.qq.com`, checked against the contract the auth
 * server wrote as QQ's consumer. On an idmock-compatible QQ mock the states are reached through
 * headless consent (`POST /__mock/authorize`), the real `/oauth2.0/token` exchange, and
 * `POST /__mock/clock/advance` (reset again on teardown).
 */
import { CONTRACT_PARTIES, contractFileName } from './contracts.js';
import { fieldOf, parseProviderJson, stringParam, targetHttp, type TargetHttp } from './http.js';
import { TARGET_DESCRIPTIONS } from './target-names.js';
import type { ContractTarget, InjectedValues, StateParams, StateTable } from './types.js';

/**
 * The provider states of the QQ contract. Parameters in braces are filled from the contract; the
 * values named after "→" are what the set-up must answer (they are injected into requests).
 */
export const QQ_STATES = {
  /** → `clientId`, `accessToken`, `openid` */
  authorised: 'QQ user {persona} has authorised app {clientId}',
  /** → `clientId`, `accessToken`, `openid` (past its lifetime) */
  tokenExpired: 'QQ user {persona} has authorised app {clientId} and the access token has expired',
} as const;

/** Longer than any QQ token lifetime seen (60 days now, 90 days in older docs). */
const EXPIRE_TOKEN_BY = '91d';

interface AppView {
  readonly clientId: string;
  readonly appkey: string;
  readonly callback: string;
}

async function findApp(http: TargetHttp, clientId: string): Promise<AppView> {
  const apps = fieldOf(await http.getMock('/__mock/apps'), 'apps');
  const app = Array.isArray(apps)
    ? (apps as unknown[]).find((entry) => String(fieldOf(entry, 'client_id')) === clientId)
    : undefined;
  const appkey = fieldOf(app, 'appkey');
  const callbacks = fieldOf(app, 'callbacks');
  const callback = Array.isArray(callbacks) ? (callbacks as unknown[])[0] : undefined;
  if (typeof appkey !== 'string' || typeof callback !== 'string') {
    throw new Error(`the QQ mock at ${http.baseUrl} has no app ${clientId} (GET /__mock/apps)`);
  }
  return { clientId, appkey, callback };
}

/**
 * Consent, then the code exchanged at the real token endpoint: a QQ user's access token for an app
 * (`params`: `clientId`, `persona`). Answers `clientId`, `accessToken`, `openid`.
 */
export async function authoriseQq(http: TargetHttp, params: StateParams): Promise<InjectedValues> {
  const app = await findApp(http, stringParam(params, 'clientId'));
  const consent = await http.postMock('/__mock/authorize', {
    client_id: app.clientId,
    redirect_uri: app.callback,
    scope: 'get_user_info',
    state: 'pact',
    user: stringParam(params, 'persona'),
  });
  const code = fieldOf(consent, 'code');
  if (typeof code !== 'string') throw new Error('POST /__mock/authorize answered no code');
  const answer = await http.request('GET', '/oauth2.0/token', {
    query: {
      grant_type: 'authorization_code',
      client_id: app.clientId,
      client_secret: app.appkey,
      code,
      redirect_uri: app.callback,
      fmt: 'json',
      need_openid: '1',
    },
  });
  const body = parseProviderJson(answer.text);
  const accessToken = fieldOf(body, 'access_token');
  const openid = fieldOf(body, 'openid') ?? fieldOf(consent, 'openid');
  if (typeof accessToken !== 'string' || typeof openid !== 'string') {
    throw new Error(`GET /oauth2.0/token did not issue a token: ${answer.text}`);
  }
  return { clientId: app.clientId, accessToken, openid };
}

/** The QQ states reached through an idmock-compatible QQ mock. */
export function qqMockStates(http: TargetHttp): StateTable {
  return {
    [QQ_STATES.authorised]: { setup: (params) => authoriseQq(http, params) },
    [QQ_STATES.tokenExpired]: {
      async setup(params) {
        const values = await authoriseQq(http, params);
        await http.postMock('/__mock/clock/advance', { by: EXPIRE_TOKEN_BY });
        return values;
      },
      async teardown() {
        await http.postMock('/__mock/clock/reset', {});
      },
    },
  };
}

/** `idmock verify --target qq`. */
export const QQ_TARGET: ContractTarget = {
  name: 'qq',
  description: TARGET_DESCRIPTIONS.qq,
  provider: CONTRACT_PARTIES.qq,
  contracts: [contractFileName(CONTRACT_PARTIES.authServer, CONTRACT_PARTIES.qq)],
  prepare(context) {
    const http = targetHttp(context.baseUrl, {
      timeoutMs: context.timeoutMs,
      ...(context.adminToken === undefined ? {} : { adminToken: context.adminToken }),
    });
    return Promise.resolve({ states: qqMockStates(http) });
  },
};
