/**
 * The login API's mock-only endpoints: the accounts and API keys as JSON (`GET /__mock/accounts`),
 * the SMS outbox (`GET /__mock/sms[?tn=]`), and the reseeding behind `POST /__mock/reset`.
 */
import { json, type MockRequest, type MockResponse } from '../../core/http.js';
import { MockApiError } from '../../core/mock-api.js';
import type { AuthContext } from '../context.js';
import { TN_PATTERN } from './constants.js';
import { accountView } from './handlers.js';
import { ensureSeedBindings } from './seed.js';
import { listOutbox } from './sms.js';
import { seedLoginState } from './state.js';
import { outstandingUnionCodes } from './union-codes.js';

/**
 * `GET /__mock/accounts`: the API keys, the login app, and every account with its bound unionId,
 * live token count and outstanding unionCodes (counts only: codes are never listed).
 */
export async function listAccounts(req: MockRequest, ctx: AuthContext): Promise<MockResponse> {
  // Best effort: show seeded bindings resolved when WeChat answers.
  await ensureSeedBindings(ctx);
  const { state, world } = ctx.login;
  const now = ctx.clock.now();
  const tokens = new Map<string, number>();
  for (const record of state.tokens.values()) {
    if (record.expiresAt > now)
      tokens.set(record.accountId, (tokens.get(record.accountId) ?? 0) + 1);
  }
  const origin = req.url.origin;
  return json({
    loginUrl: `${origin}/v1/auth/login`,
    apiKeys: world.apiKeys.map((key) => ({
      name: key.name,
      key: key.key,
      description: key.description ?? '',
    })),
    wechat: {
      appid: ctx.settings.login.wechat.appid,
      secret: ctx.settings.login.wechat.secret,
      baseUrl: ctx.settings.wechat.baseUrl,
    },
    accounts: [...state.accounts.values()].map((account) => ({
      ...accountView(account),
      password: account.password,
      pendingSeedBinding:
        state.pendingSeedBindings.find((pending) => pending.accountId === account.id)?.persona ??
        null,
      tokens: tokens.get(account.id) ?? 0,
    })),
    outstandingUnionCodes: Object.fromEntries(
      [...state.unionCodes.keys()]
        .map((unionId) => [unionId, outstandingUnionCodes(state, unionId, now)] as const)
        .filter(([, count]) => count > 0),
    ),
  });
}

/** `GET /__mock/sms[?tn=]`: the SMS outbox, oldest first. */
export function listSms(req: MockRequest, ctx: AuthContext): MockResponse {
  const tn = req.query.get('tn') ?? undefined;
  if (tn !== undefined && !TN_PATTERN.test(tn)) {
    throw new MockApiError(
      400,
      'invalid_query',
      'tn must be a phone number: digits, optionally after "+"',
    );
  }
  return json({ messages: listOutbox(ctx.login.state, ctx.clock.now(), tn) });
}

/** Returns the login state to the seeded accounts (outbox, codes and tokens are dropped). */
export function resetLogin(ctx: AuthContext): void {
  const { login } = ctx;
  seedLoginState(login.state, login.world.accounts, login.seedUnionIds, ctx.clock, ctx.ids);
}
