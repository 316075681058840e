/**
 * The harness's side of the auth server under test: the reference SDK pointed at it (its public
 * API is how states are reached), plus the one thing no public API gives, the SMS code a phone
 * received. That comes from idmock's `GET /__mock/sms` when the server has it, and otherwise from
 * Pact's state-change URL (see {@link SMS_CODE_REQUEST}).
 */
import { randomBytes, randomInt } from 'node:crypto';
import { createConnectClient, type ConnectClient } from '../../sdk/connect-client.js';
import { createLoginClient, type LoginClient } from '../../sdk/login-client.js';
import { fieldOf, targetHttp, type TargetHttp } from '../http.js';
import { stateChangeStates } from '../state-change.js';
import type { TargetContext } from '../types.js';
import { SMS_CODE_REQUEST } from './states.js';
import { CONTRACT_CREDENTIALS, CONTRACT_LOGIN } from './world.js';

/** The server under test, as the state handlers use it. */
export interface ServerUnderTest {
  /** A REST client on the `device` credential, signed in as nobody. */
  connect(): ConnectClient;
  /** A login client with the contract's API key. */
  readonly login: LoginClient;
  /** The live SMS code last sent to a phone number. */
  smsCode(tn: string): Promise<string>;
  /** Returns an idmock-compatible server to its seeded world (no-op otherwise). */
  reset(): Promise<void>;
  /**
   * The WeChat and QQ mocks an idmock-compatible server says it calls (`GET /__mock/credentials`),
   * when both answer as idmock mocks; otherwise undefined.
   */
  reportedProviders(): Promise<{ wechatUrl: string; qqUrl: string } | undefined>;
}

async function isMock(url: string, timeoutMs: number): Promise<boolean> {
  try {
    const response = await fetch(`${url.replace(/\/+$/, '')}/__mock/healthz`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/** A value no earlier set-up used: `<prefix>-<16 hex>`. */
export function freshId(prefix: string): string {
  return `${prefix}-${randomBytes(8).toString('hex')}`;
}

/** A mainland mobile number no earlier set-up used (an 11-digit `1[3-9]…`). */
export function freshPhoneNumber(): string {
  return `1${String(randomInt(3, 10))}${String(randomInt(0, 1e9)).padStart(9, '0')}`;
}

async function smsFromOutbox(http: TargetHttp, tn: string): Promise<string> {
  const messages = fieldOf(
    await http.getMock(`/__mock/sms?tn=${encodeURIComponent(tn)}`),
    'messages',
  );
  const live = Array.isArray(messages)
    ? (messages as unknown[]).filter(
        (message) => fieldOf(message, 'tn') === tn && fieldOf(message, 'status') === 'sent',
      )
    : [];
  const code = fieldOf(live.at(-1), 'code');
  if (typeof code !== 'string') {
    throw new Error(`GET /__mock/sms lists no live SMS code for ${tn}`);
  }
  return code;
}

/** Creates the driver. */
export function serverUnderTest(context: TargetContext): ServerUnderTest {
  const http = targetHttp(context.baseUrl, {
    timeoutMs: context.timeoutMs,
    ...(context.adminToken === undefined ? {} : { adminToken: context.adminToken }),
  });
  const fromStateChange =
    context.stateChangeUrl === undefined
      ? undefined
      : stateChangeStates(context.stateChangeUrl, [SMS_CODE_REQUEST], context.timeoutMs)[
          SMS_CODE_REQUEST
        ];
  const device = CONTRACT_CREDENTIALS.device;
  return {
    connect: () =>
      createConnectClient({
        baseUrl: context.baseUrl,
        credential: device.name,
        secret: device.secret,
        timeoutMs: context.timeoutMs,
      }),
    login: createLoginClient({
      baseUrl: context.baseUrl,
      apiKey: CONTRACT_LOGIN.apiKey,
      timeoutMs: context.timeoutMs,
    }),
    async smsCode(tn) {
      if (context.mockEndpoints === true) return smsFromOutbox(http, tn);
      if (fromStateChange) {
        const code = (await fromStateChange.setup({ tn }))?.['code'];
        if (typeof code !== 'string' || code === '') {
          throw new Error(
            `the state-change URL answered "${SMS_CODE_REQUEST}" for ${tn} without a "code"`,
          );
        }
        return code;
      }
      throw new Error(
        `reading the SMS code sent to ${tn} needs the server's GET /__mock/sms (idmock-compatible) ` +
          `or --state-change-url, which is then asked {"state": "${SMS_CODE_REQUEST}", "params": ` +
          '{"tn": …}, "action": "setup"} and answers {"code": …} (see contracts/README.md)',
      );
    },
    async reset() {
      if (context.mockEndpoints === true) await http.postMock('/__mock/reset', {});
    },
    async reportedProviders() {
      if (context.mockEndpoints !== true) return undefined;
      let credentials: unknown;
      try {
        credentials = await http.getMock('/__mock/credentials');
      } catch {
        return undefined;
      }
      const wechatUrl = fieldOf(fieldOf(credentials, 'wechat'), 'baseUrl');
      const qqUrl = fieldOf(fieldOf(credentials, 'qq'), 'baseUrl');
      if (typeof wechatUrl !== 'string' || typeof qqUrl !== 'string') return undefined;
      const [wechat, qq] = await Promise.all([
        isMock(wechatUrl, context.timeoutMs),
        isMock(qqUrl, context.timeoutMs),
      ]);
      return wechat && qq ? { wechatUrl, qqUrl } : undefined;
    },
  };
}
