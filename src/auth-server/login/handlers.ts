/**
 * The WeChat QR login API (`auth-server.md` §5, §7 items 9–10): `POST /v1/auth/login`,
 * `POST /v1/auth/sms`, `GET /v1/me`.
 *
 * Order of checks: `Api-Key` → body (every problem at once) → app credentials (form (a)) → seeded
 * bindings resolved → the WeChat exchange (form (a), the only outbound call) → test barrier → one
 * synchronous critical section that reads, decides and commits with no `await` in between. A
 * registering login checks its unionCode before the SMS code, so that of N concurrent requests
 * with one code exactly one wins and every other sees `INVALID_UNION_CODE`; nothing is consumed
 * unless the bind commits.
 */
import type { MockRequest, MockResponse } from '../../core/http.js';
import { safeEqual } from '../../core/ids.js';
import type { AuthContext } from '../context.js';
import { API_KEY_HEADER, LOGIN_INNER, LOGIN_OUTER, LOGIN_SOURCES } from './constants.js';
import {
  fail,
  innerError,
  loginJson,
  loginRoute,
  tokenResponse,
  unauthorized,
} from './envelope.js';
import {
  BODY_REQUIRED,
  parseLoginBody,
  parseSmsBody,
  readJsonObject,
  type LoginForm,
} from './requests.js';
import { ensureSeedBindings } from './seed.js';
import type { LoginCommitEvent } from './slice.js';
import { checkSmsCode, consumeSmsCode, sendSmsCode } from './sms.js';
import { accountOfUnionId, addAccount, bindUnionId, type AccountRecord } from './state.js';
import { accountOfToken, mintToken } from './tokens.js';
import { findUnionCode, issueUnionCode } from './union-codes.js';
import type { ApiKey } from './world.js';

/** The API key of the request; every key is compared, each in constant time. */
function requireApiKey(ctx: AuthContext, req: MockRequest): ApiKey {
  const presented = req.headers[API_KEY_HEADER] ?? '';
  let found: ApiKey | undefined;
  for (const key of ctx.login.world.apiKeys) {
    if (safeEqual(presented, key.key)) found = key;
  }
  if (presented === '' || !found) unauthorized(LOGIN_INNER.invalidApiKey, LOGIN_SOURCES.apiKey);
  return found;
}

function requireBody(req: MockRequest): Readonly<Record<string, unknown>> {
  const body = readJsonObject(req);
  if (!body) fail(LOGIN_OUTER.validation, [BODY_REQUIRED]);
  return body;
}

function providerUnavailable(ctx: AuthContext, reason: string): never {
  ctx.log(`WeChat login: provider unavailable: ${reason}`);
  return fail(LOGIN_OUTER.providerUnavailable, [innerError(LOGIN_INNER.wechatUnavailable, 'code')]);
}

async function barrier(ctx: AuthContext, event: LoginCommitEvent): Promise<void> {
  const hook = ctx.hooks.beforeLoginCommit;
  if (hook) await hook(event);
}

function issueToken(
  ctx: AuthContext,
  account: AccountRecord,
  apiKey: ApiKey,
  now: number,
): MockResponse {
  const ttl = ctx.settings.login.tokenTtlSeconds;
  return tokenResponse(mintToken(ctx.login.state, ctx.ids, account, apiKey.name, now, ttl), ttl);
}

type WechatForm = Extract<LoginForm, { form: 'wechat' }>;
type CredentialForm = Extract<LoginForm, { form: 'sms' | 'password' }>;

/** Form (a): exchange the code; a bound unionId logs in, an unbound one gets a fresh unionCode. */
async function loginWithWechat(
  ctx: AuthContext,
  apiKey: ApiKey,
  form: WechatForm,
): Promise<MockResponse> {
  const app = ctx.settings.login.wechat;
  // Both compared, so the answer time does not tell which one was wrong.
  const appIdMatches = safeEqual(form.appId, app.appid);
  const secretMatches = safeEqual(form.secret, app.secret);
  if (!appIdMatches || !secretMatches) {
    unauthorized(LOGIN_INNER.invalidAppCredentials, 'appId');
  }
  if (!(await ensureSeedBindings(ctx))) {
    providerUnavailable(ctx, 'the seeded accounts could not be resolved');
  }
  const exchange = await ctx.login.wechat.exchangeCode(app, form.code);
  switch (exchange.kind) {
    case 'invalid-code':
      return unauthorized(LOGIN_INNER.invalidAuthCode, 'code');
    case 'invalid-app':
      ctx.log(`WeChat login: WeChat refused the configured app: ${exchange.reason}`);
      return unauthorized(LOGIN_INNER.invalidAppCredentials, 'appId');
    case 'unavailable':
      return providerUnavailable(ctx, exchange.reason);
    case 'ok':
      break;
  }
  const { unionId } = exchange;
  await barrier(ctx, { form: 'wechat', apiKey: apiKey.name, unionId });

  // Critical section: no await from here on.
  const { state } = ctx.login;
  const now = ctx.clock.now();
  const account = accountOfUnionId(state, unionId);
  if (account) return issueToken(ctx, account, apiKey, now);
  const unionCode = issueUnionCode(
    state,
    ctx.ids,
    { unionId, appId: app.appid, apiKey: apiKey.name },
    now,
    ctx.settings.login.unionCodeTtlSeconds,
  );
  return unauthorized(LOGIN_INNER.invalidUsernameOrPassword, 'unionId', { unionCode, unionId });
}

/**
 * Forms (b), (c) and username/password: check the credentials, and with a unionId/unionCode pair
 * bind the WeChat user to the account, consuming the unionCode in the same critical section.
 */
async function loginWithCredentials(
  ctx: AuthContext,
  apiKey: ApiKey,
  form: CredentialForm,
): Promise<MockResponse> {
  const { union } = form;
  // A seeded binding not yet resolved could be the very unionId about to be bound (L1).
  if (union && !(await ensureSeedBindings(ctx))) {
    providerUnavailable(ctx, 'the seeded accounts could not be resolved');
  }
  await barrier(ctx, {
    form: form.form,
    apiKey: apiKey.name,
    ...(union ? { unionId: union.unionId } : {}),
    ...(form.form === 'sms' ? { tn: form.tn } : { username: form.username }),
  });

  // Critical section: no await from here on.
  const { state } = ctx.login;
  const settings = ctx.settings.login;
  const now = ctx.clock.now();
  if (union) {
    const live = findUnionCode(
      state,
      union.unionCode,
      { unionId: union.unionId, appId: settings.wechat.appid, apiKey: apiKey.name },
      now,
    );
    if (!live || state.byUnionId.has(union.unionId)) {
      unauthorized(LOGIN_INNER.invalidUnionCode, 'unionCode');
    }
  }

  let target: { readonly account: AccountRecord } | { readonly createTn: string };
  if (form.form === 'sms') {
    if (!checkSmsCode(state, form.tn, form.code, now, settings.smsMaxFailures)) {
      unauthorized(LOGIN_INNER.invalidUsernameOrPassword, 'code');
    }
    const id = state.byTn.get(form.tn);
    const known = id === undefined ? undefined : state.accounts.get(id);
    if (known) target = { account: known };
    else if (settings.createAccountOnUnknownTn) target = { createTn: form.tn };
    else unauthorized(LOGIN_INNER.invalidUsernameOrPassword, 'tn');
  } else {
    const id = state.byUsername.get(form.username);
    const known = id === undefined ? undefined : state.accounts.get(id);
    const password = known?.password ?? null;
    // The same answer for an unknown user name and a wrong password.
    if (!known || password === null || !safeEqual(form.password, password)) {
      unauthorized(LOGIN_INNER.invalidUsernameOrPassword, 'password');
    }
    target = { account: known };
  }
  if (union && 'account' in target && target.account.unionId !== null) {
    fail(LOGIN_OUTER.conflict, [
      innerError(LOGIN_INNER.accountAlreadyLinked, form.form === 'sms' ? 'tn' : 'username'),
    ]);
  }

  // Commit.
  const account =
    'account' in target
      ? target.account
      : addAccount(state, ctx.clock, ctx.ids, { tn: target.createTn });
  if (form.form === 'sms') consumeSmsCode(state, form.tn);
  // Cannot fail after the checks above; it also revokes every outstanding code of the unionId.
  if (union) bindUnionId(state, account, union.unionId);
  return issueToken(ctx, account, apiKey, now);
}

/** `POST /v1/auth/login` */
export const login = loginRoute(async (req, ctx) => {
  const apiKey = requireApiKey(ctx, req);
  const parsed = parseLoginBody(requireBody(req));
  if (!parsed.ok) fail(LOGIN_OUTER.validation, parsed.errors);
  const form = parsed.value;
  switch (form.form) {
    case 'wechat':
      return loginWithWechat(ctx, apiKey, form);
    case 'sms':
    case 'password':
      return loginWithCredentials(ctx, apiKey, form);
  }
});

/** `POST /v1/auth/sms {tn}` → 202: a new code in the outbox, replacing the live one. */
export const sendSms = loginRoute((req, ctx) => {
  requireApiKey(ctx, req);
  const parsed = parseSmsBody(requireBody(req));
  if (!parsed.ok) fail(LOGIN_OUTER.validation, parsed.errors);
  const ttl = ctx.settings.login.smsCodeTtlSeconds;
  sendSmsCode(ctx.login.state, ctx.ids, parsed.value.tn, ctx.clock.now(), ttl);
  return loginJson({ tn: parsed.value.tn, expiresIn: ttl }, 202);
});

/** An account as `GET /v1/me` shows it. */
export interface AccountView {
  readonly id: string;
  readonly tn: string | null;
  readonly username: string | null;
  readonly displayName: string;
  readonly unionId: string | null;
  readonly createdAt: string;
}

/** The public view of an account. */
export function accountView(account: AccountRecord): AccountView {
  return {
    id: account.id,
    tn: account.tn,
    username: account.username,
    displayName: account.displayName,
    unionId: account.unionId,
    createdAt: new Date(account.createdAt).toISOString(),
  };
}

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

/** `GET /v1/me` with `Authorization: Bearer <token>`: the account and its bound unionId. */
export const getMe = loginRoute((req, ctx) => {
  const token = BEARER.exec(req.headers['authorization'] ?? '')?.[1];
  const account =
    token === undefined ? undefined : accountOfToken(ctx.login.state, token, ctx.clock.now());
  if (!account) {
    fail(
      LOGIN_OUTER.unauthorized,
      [innerError(LOGIN_INNER.invalidToken, LOGIN_SOURCES.authorization)],
      { 'www-authenticate': 'Bearer error="invalid_token"' },
    );
  }
  return loginJson(accountView(account));
});
