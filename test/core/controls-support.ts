/**
 * Support for the controls tests: a WeChat service built the way the runtime builds it, and a
 * socket-free client that sends requests through `dispatch`.
 */
import { createRequest, type CreateRequestInit } from '../../src/core/http.js';
import { dispatch, type Service } from '../../src/core/router.js';
import { resolveConfig, type ConfigInput } from '../../src/runtime/config.js';
import { createInstance, type Instance } from '../../src/runtime/instance.js';

/** A WeChat website app of the seeded world. */
export interface App {
  readonly appid: string;
  readonly secret: string;
  readonly redirect: string;
}

export const WEBSITE_APP: App = {
  appid: 'wx1a2b3c4d5e6f7081',
  secret: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  redirect: 'http://localhost/cb',
};

export const SHOP_APP: App = {
  appid: 'wx2b3c4d5e6f708192',
  secret: '1e2d3c4b5a69788796a5b4c3d2e1f00f',
  redirect: 'http://shop.example.test/cb',
};

/** A dispatched answer. */
export interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
  readonly dropped: boolean;
  /** The body as JSON, loosely typed for assertions. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions read into it freely
  json(): any;
}

/** Sends one request through `dispatch`, no socket. */
export async function send(
  service: Service,
  url: string,
  init: CreateRequestInit & { json?: unknown } = {},
): Promise<Answer> {
  const { json: body, ...rest } = init;
  const req = createRequest(url.startsWith('/') ? `http://127.0.0.1${url}` : url, {
    ...rest,
    ...(body === undefined
      ? {}
      : {
          headers: { 'content-type': 'application/json', ...rest.headers },
          body: { kind: 'json', value: body },
        }),
  });
  const response = await dispatch(service, req);
  const text =
    typeof response.body === 'string' ? response.body : Buffer.from(response.body).toString();
  return {
    status: response.status,
    headers: response.headers,
    text,
    dropped: (response as { dropConnection?: boolean }).dropConnection === true,
    json: () => JSON.parse(text) as unknown,
  };
}

/** A world with the WeChat service built (no socket). */
export async function wechatWorld(
  input: ConfigInput = {},
): Promise<{ instance: Instance; wechat: Service }> {
  const instance = await createInstance(resolveConfig(input));
  const wechat = await instance.build('wechat', {});
  return { instance, wechat };
}

/** Headless consent for the website app; answers the code. */
export async function codeFor(
  service: Service,
  user = 'zhang-wei',
  app = WEBSITE_APP,
): Promise<string> {
  const answer = await send(service, '/__mock/authorize', {
    method: 'POST',
    json: { appid: app.appid, redirect_uri: app.redirect, scope: 'snsapi_login', user },
  });
  if (answer.status !== 200) throw new Error(`authorize answered ${answer.status}: ${answer.text}`);
  return (answer.json() as { code: string }).code;
}

/** The token-exchange path for a code. */
export function exchangePath(code: string, app = WEBSITE_APP): string {
  return `/sns/oauth2/access_token?appid=${app.appid}&secret=${app.secret}&code=${code}&grant_type=authorization_code`;
}

/** Exchanges a code; answers the token body. */
export async function tokensFor(
  service: Service,
  user = 'zhang-wei',
  app = WEBSITE_APP,
): Promise<{ access_token: string; openid: string; refresh_token: string }> {
  const answer = await send(service, exchangePath(await codeFor(service, user, app), app));
  return answer.json() as { access_token: string; openid: string; refresh_token: string };
}
