/**
 * A client of the WeChat QR login API: `POST /v1/auth/login` in its three forms, `POST
 * /v1/auth/sms` and `GET /v1/me`. Every answer of the API is a typed {@link LoginResult}; only a
 * transport failure or a body that is not the API's JSON throws.
 */
import type { SdkFetch } from './connect-client.js';
import {
  failureReason,
  IDMOCK_SDK_PROTOCOL,
  IDMOCK_SDK_TIMEOUT,
  IDMOCK_SDK_UNREACHABLE,
  IdmockSdkError,
} from './errors.js';
import {
  isLoginErrorBody,
  type Account,
  type LoginResult,
  type PasswordLogin,
  type SmsLogin,
  type SmsSent,
  type TokenBody,
  type WechatCodeLogin,
} from './login-wire.js';

/** Options of {@link createLoginClient}. */
export interface LoginClientOptions {
  /** Where the auth server listens, e.g. `http://127.0.0.1:7700`. */
  readonly baseUrl: string;
  /** The `Api-Key` header sent with logins and SMS requests (none when absent). */
  readonly apiKey?: string;
  /** Longest one request may take (default 30 s). */
  readonly timeoutMs?: number;
  /** Replaces the global `fetch`. */
  readonly fetch?: SdkFetch;
}

/** A client of the login API. */
export interface LoginClient {
  /** Form (a): a 200 token, or for an unbound WeChat user a 401 whose meta has a unionCode. */
  loginWithWechatCode(body: WechatCodeLogin): Promise<LoginResult<TokenBody>>;
  /** Forms (c) and, with `union`, (b): log in (and register the WeChat user) by SMS code. */
  loginWithSms(body: SmsLogin): Promise<LoginResult<TokenBody>>;
  /** The optional user name form (with `union`, it registers the WeChat user). */
  loginWithPassword(body: PasswordLogin): Promise<LoginResult<TokenBody>>;
  /** Sends an SMS code to a phone number (202). */
  sendSms(tn: string): Promise<LoginResult<SmsSent>>;
  /** The account of a bearer token. */
  me(token: string): Promise<LoginResult<Account>>;
}

const DEFAULT_TIMEOUT_MS = 30_000;

function unionFields(union: SmsLogin['union']): Record<string, string> {
  return union === undefined ? {} : { unionId: union.unionId, unionCode: union.unionCode };
}

/**
 * Creates a client of the login API.
 * @example
 * const login = createLoginClient({ baseUrl, apiKey });
 * const first = await login.loginWithWechatCode({ appId, secret, code });
 * const pair = unionPairOf(first); // an unbound WeChat user: register by SMS
 * if (pair) await login.loginWithSms({ tn, code: smsCode, union: pair });
 */
export function createLoginClient(options: LoginClientOptions): LoginClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const doFetch: SdkFetch = options.fetch ?? ((input, init) => fetch(input, init));

  async function call<T>(
    method: 'GET' | 'POST',
    path: string,
    headers: Record<string, string>,
    body: unknown,
  ): Promise<LoginResult<T>> {
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const reason = failureReason(error);
      throw new IdmockSdkError(
        reason === 'no answer in time' ? IDMOCK_SDK_TIMEOUT : IDMOCK_SDK_UNREACHABLE,
        `${method} ${path} to ${base}: ${reason}`,
        { cause: error },
      );
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (response.ok && typeof json === 'object' && json !== null) {
      return { ok: true, status: response.status, body: json as T };
    }
    if (!response.ok && isLoginErrorBody(json)) {
      return { ok: false, status: response.status, body: json };
    }
    throw new IdmockSdkError(
      IDMOCK_SDK_PROTOCOL,
      `${method} ${path} to ${base} answered HTTP ${response.status} with something other than the login API's JSON: ${text.slice(0, 200)}`,
      { status: response.status },
    );
  }

  const withKey: Record<string, string> =
    options.apiKey === undefined ? {} : { 'api-key': options.apiKey };
  return {
    loginWithWechatCode: ({ appId, secret, code }) =>
      call('POST', '/v1/auth/login', withKey, { appId, secret, code }),
    loginWithSms: ({ tn, code, union }) =>
      call('POST', '/v1/auth/login', withKey, { tn, code, ...unionFields(union) }),
    loginWithPassword: ({ username, password, union }) =>
      call('POST', '/v1/auth/login', withKey, { username, password, ...unionFields(union) }),
    sendSms: (tn) => call('POST', '/v1/auth/sms', withKey, { tn }),
    me: (token) => call('GET', '/v1/me', { authorization: `Bearer ${token}` }, undefined),
  };
}
