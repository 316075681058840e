/**
 * How the login contract's states are reached on any auth server: WeChat codes come from the
 * WeChat mock (headless consent), and everything else goes through the login API itself, as the
 * seed's flow runs it: a QR login that answers 401 with a unionCode, an SMS code, a registration.
 * Only the SMS code a phone received needs help from outside the API (see `server.ts`).
 */
import { errorTitles, unionPairOf, type UnionPair } from '../../sdk/login-wire.js';
import type { LoginResult } from '../../sdk/login-wire.js';
import { stringParam } from '../http.js';
import type { InjectedValues, StateHandler, StateParams, StateTable } from '../types.js';
import type { Identities } from './identities.js';
import type { InteractionScope } from './scope.js';
import { freshPhoneNumber, type ServerUnderTest } from './server.js';
import { LOGIN_STATES } from './states.js';
import { CONTRACT_LOGIN } from './world.js';

const PROVIDER = 'WeChat (login)';

function show(result: LoginResult<unknown>): string {
  return `HTTP ${result.status} ${JSON.stringify(result.body).slice(0, 300)}`;
}

/** Another 6-digit code than the one given. */
function wrongCode(code: string): string {
  const next = (Number.parseInt(code, 10) + 1) % 10 ** code.length;
  return Number.isNaN(next) ? `${code}x` : String(next).padStart(code.length, '0');
}

/** The login states, reached through `server` and `identities`. */
export function loginStates(
  server: ServerUnderTest,
  identities: Identities,
  scope: InteractionScope,
): StateTable {
  const { login } = server;
  const app = CONTRACT_LOGIN.wechat;
  const appOf = (params: StateParams): string =>
    typeof params['appid'] === 'string' ? params['appid'] : app.appid;

  const freshCode = async (label: string, appid: string): Promise<string> =>
    identities.wechatCode(await scope.persona(PROVIDER, label), appid);

  /** The unionId/unionCode an unregistered user's QR login answers with. */
  const unionPair = async (label: string): Promise<UnionPair> => {
    const key = `pair:${label}`;
    const known = scope.memo.get(key) as UnionPair | undefined;
    if (known) return known;
    const result = await login.loginWithWechatCode({
      appId: app.appid,
      secret: app.secret,
      code: await freshCode(label, app.appid),
    });
    const pair = unionPairOf(result);
    if (!pair) {
      throw new Error(
        `a QR login of unregistered WeChat user ${label} answered no unionCode in errors[].meta: ${show(result)}`,
      );
    }
    scope.memo.set(key, pair);
    return pair;
  };

  /** Sends an SMS code to a phone number and reads it. */
  const smsCodeFor = async (tn: string): Promise<string> => {
    const sent = await login.sendSms(tn);
    if (!sent.ok) throw new Error(`POST /v1/auth/sms for ${tn} was refused: ${show(sent)}`);
    return server.smsCode(tn);
  };

  /** Registers a WeChat user to a new phone number (form (b)); answers the phone and the token. */
  const register = async (label: string): Promise<{ tn: string; token: string }> => {
    const pair = await unionPair(label);
    const tn = freshPhoneNumber();
    const result = await login.loginWithSms({ tn, code: await smsCodeFor(tn), union: pair });
    if (!result.ok) {
      throw new Error(
        `registering WeChat user ${label} by SMS with their unionCode was refused (${errorTitles(result).join(', ')}): ${show(result)}`,
      );
    }
    return { tn, token: result.body.token };
  };

  const state = (setup: (params: StateParams) => Promise<InjectedValues>): StateHandler => ({
    setup: (params) => {
      scope.begin();
      return setup(params);
    },
    teardown: () => scope.end(),
  });

  return {
    [LOGIN_STATES.registeredCode]: state(async (params) => {
      const label = stringParam(params, 'user');
      await register(label);
      return { code: await freshCode(label, appOf(params)) };
    }),
    [LOGIN_STATES.unregisteredCode]: state(async (params) => ({
      code: await freshCode(stringParam(params, 'user'), appOf(params)),
    })),
    [LOGIN_STATES.exchangedCode]: state(async (params) => {
      const appid = appOf(params);
      const code = await freshCode(stringParam(params, 'user'), appid);
      await identities.exchangeWechatCode(appid, code);
      return { code };
    }),
    [LOGIN_STATES.unionCode]: state(async (params) => {
      const pair = await unionPair(stringParam(params, 'user'));
      return { unionId: pair.unionId, unionCode: pair.unionCode };
    }),
    [LOGIN_STATES.usedUnionCode]: state(async (params) => {
      const label = stringParam(params, 'user');
      await register(label);
      const pair = await unionPair(label);
      return { unionId: pair.unionId, unionCode: pair.unionCode };
    }),
    [LOGIN_STATES.smsSent]: state(async () => {
      const tn = freshPhoneNumber();
      const smsCode = await smsCodeFor(tn);
      return { tn, smsCode, wrongSmsCode: wrongCode(smsCode) };
    }),
    [LOGIN_STATES.phoneTaken]: state(async (params) => {
      // Another WeChat user registers to the phone; then the phone gets a new code.
      const { tn } = await register(`owner of ${stringParam(params, 'phone')}`);
      return { tn, smsCode: await smsCodeFor(tn) };
    }),
    [LOGIN_STATES.signedIn]: state(async (params) => {
      const { token } = await register(stringParam(params, 'user'));
      return { token };
    }),
  };
}
