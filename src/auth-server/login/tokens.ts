/**
 * Bearer tokens of the login API: opaque random strings that name an account until they expire on
 * the shared clock. Every login mints a new one; earlier ones stay valid (multi-device).
 */
import type { Ids } from '../../core/ids.js';
import { LOGIN_LIMITS, TOKEN_CHARS } from './constants.js';
import type { AccountRecord, LoginState } from './state.js';

function sweep(state: LoginState, now: number): void {
  for (const [token, record] of state.tokens) {
    if (record.expiresAt <= now) state.tokens.delete(token);
  }
  while (state.tokens.size > LOGIN_LIMITS.tokens) {
    const oldest = state.tokens.keys().next();
    if (oldest.done === true) break;
    state.tokens.delete(oldest.value);
  }
}

/** Mints a token for an account, issued to an API key (by name). */
export function mintToken(
  state: LoginState,
  ids: Ids,
  account: AccountRecord,
  apiKey: string,
  now: number,
  ttlSeconds: number,
): string {
  if (state.tokens.size >= LOGIN_LIMITS.tokens) sweep(state, now);
  const token = ids.base64url(TOKEN_CHARS);
  state.tokens.set(token, { accountId: account.id, apiKey, expiresAt: now + ttlSeconds * 1000 });
  return token;
}

/** The account a live token names. */
export function accountOfToken(
  state: LoginState,
  token: string,
  now: number,
): AccountRecord | undefined {
  const record = state.tokens.get(token);
  if (!record) return undefined;
  if (record.expiresAt <= now) {
    state.tokens.delete(token);
    return undefined;
  }
  return state.accounts.get(record.accountId);
}
