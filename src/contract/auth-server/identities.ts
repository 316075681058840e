/**
 * The harness's side of the WeChat and QQ world: fresh users, and real tokens and codes for them,
 * made the way a user makes them, only headless (`POST /__mock/authorize`, then the real code
 * exchange). Each fresh user is a generated persona (`persona-NN`) not used before in this run;
 * named personas (`zhang-wei`, …) are left alone, since the reference server's seed links them.
 */
import { fieldOf, targetHttp, type TargetHttp } from '../http.js';
import { authoriseQq } from '../qq-target.js';
import { approveWechatApp, exchangeWechatCode, findWechatApp } from '../wechat-target.js';

/** A token of the connect app, and the openid it is for. */
export interface ProviderToken {
  readonly accessToken: string;
  readonly openId: string;
}

/** The harness's driver of the WeChat and QQ mocks. */
export interface Identities {
  /** A user of both providers that no earlier state of this run used (since `restart`). */
  freshPersona(): Promise<string>;
  /** Makes every persona fresh again (after the server under test forgot them all). */
  restart(): void;
  /** A WeChat access token of an app for a persona (scope `snsapi_userinfo`). */
  wechatToken(persona: string, appid: string): Promise<ProviderToken>;
  /** A fresh, single-use WeChat code of an app for a persona. */
  wechatCode(persona: string, appid: string): Promise<string>;
  /** Exchanges a WeChat code at the mock, so that it is used. */
  exchangeWechatCode(appid: string, code: string): Promise<void>;
  /** A QQ access token of an app for a persona. */
  qqToken(persona: string, clientId: string): Promise<ProviderToken>;
}

/** Generated personas: `<prefix>-<digits>`; named ones have no trailing number. */
const GENERATED = /-\d+$/;

async function listUserIds(http: TargetHttp, provider: string): Promise<Set<string>> {
  const users = fieldOf(await http.getMock('/__mock/users'), 'users');
  if (!Array.isArray(users)) {
    throw new Error(`the ${provider} mock at ${http.baseUrl} lists no users (GET /__mock/users)`);
  }
  return new Set(
    (users as unknown[])
      .map((user) => fieldOf(user, 'id'))
      .filter((id): id is string => typeof id === 'string'),
  );
}

/** Creates the driver for the mocks at these URLs. */
export function createIdentities(
  urls: { readonly wechatUrl: string; readonly qqUrl: string },
  options: { readonly timeoutMs: number; readonly adminToken?: string },
): Identities {
  const http = {
    timeoutMs: options.timeoutMs,
    ...(options.adminToken === undefined ? {} : { adminToken: options.adminToken }),
  };
  const wechat = targetHttp(urls.wechatUrl, http);
  const qq = targetHttp(urls.qqUrl, http);
  let pool: Promise<string[]> | undefined;
  let used = 0;

  const loadPool = async (): Promise<string[]> => {
    const [wechatIds, qqIds] = await Promise.all([
      listUserIds(wechat, 'WeChat'),
      listUserIds(qq, 'QQ'),
    ]);
    return [...wechatIds]
      .filter((id) => GENERATED.test(id) && qqIds.has(id))
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  };

  return {
    restart() {
      used = 0;
    },
    async freshPersona() {
      pool ??= loadPool();
      const personas = await pool;
      const persona = personas[used];
      if (persona === undefined) {
        throw new Error(
          `the WeChat/QQ mocks have only ${personas.length} generated personas and this run needs more ` +
            '(every user a state names is a new one); let `idmock verify` start the mocks, whose ' +
            'world has enough, or start them with a world of more generated personas',
        );
      }
      used += 1;
      return persona;
    },
    async wechatToken(persona, appid) {
      const app = await findWechatApp(wechat, appid);
      const code = await approveWechatApp(wechat, app, persona, 'snsapi_userinfo');
      const token = await exchangeWechatCode(wechat, app, code);
      return { accessToken: token.accessToken, openId: token.openid };
    },
    async wechatCode(persona, appid) {
      const app = await findWechatApp(wechat, appid);
      return approveWechatApp(wechat, app, persona, undefined);
    },
    async exchangeWechatCode(appid, code) {
      const app = await findWechatApp(wechat, appid);
      await exchangeWechatCode(wechat, app, code);
    },
    async qqToken(persona, clientId) {
      const values = await authoriseQq(qq, { clientId, persona });
      const accessToken = values['accessToken'];
      const openId = values['openid'];
      if (typeof accessToken !== 'string' || typeof openId !== 'string') {
        throw new Error(`the QQ mock at ${qq.baseUrl} issued no token for ${persona}`);
      }
      return { accessToken, openId };
    },
  };
}
