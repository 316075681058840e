/**
 * unionCodes (`auth-server.md` §5, §7 item 9): opaque one-time codes that let a client register an
 * unbound WeChat user. Each is 192 random bits from the CSPRNG, bound to (unionId, appId, API key),
 * and lives `unionCodeTtlSeconds` on the shared clock. Every unbound login issues a new one, so
 * several may be outstanding; binding the unionId revokes them all ({@link bindUnionId}).
 *
 * A code is looked up by its unionId (not secret) and compared as a SHA-256 digest in constant
 * time; unknown, expired, revoked and mismatched codes are one indistinguishable "no".
 */
import { createHash } from 'node:crypto';
import type { Ids } from '../../core/ids.js';
import { safeEqual } from '../../core/ids.js';
import { LOGIN_LIMITS, UNION_CODE_CHARS } from './constants.js';
import type { LoginState, UnionCodeRecord } from './state.js';

/** The stored form of a code. */
export function hashUnionCode(code: string): string {
  return createHash('sha256').update(code, 'utf8').digest('base64url');
}

/** What a code is bound to. */
export interface UnionCodeBinding {
  readonly unionId: string;
  readonly appId: string;
  /** The API key's name. */
  readonly apiKey: string;
}

function live(records: readonly UnionCodeRecord[], now: number): UnionCodeRecord[] {
  return records.filter((record) => record.expiresAt > now);
}

/** Drops expired codes everywhere, then the oldest unionIds while there are too many. */
function sweep(state: LoginState, now: number): void {
  for (const [unionId, records] of state.unionCodes) {
    const kept = live(records, now);
    if (kept.length === 0) state.unionCodes.delete(unionId);
    else state.unionCodes.set(unionId, kept);
  }
  while (state.unionCodes.size > LOGIN_LIMITS.unionIds) {
    const oldest = state.unionCodes.keys().next();
    if (oldest.done === true) break;
    state.unionCodes.delete(oldest.value);
  }
}

/** Issues a fresh code; the caller answers it once and never stores it in plain text. */
export function issueUnionCode(
  state: LoginState,
  ids: Ids,
  binding: UnionCodeBinding,
  now: number,
  ttlSeconds: number,
): string {
  const code = ids.base64url(UNION_CODE_CHARS);
  const record: UnionCodeRecord = {
    hash: hashUnionCode(code),
    ...binding,
    issuedAt: now,
    expiresAt: now + ttlSeconds * 1000,
  };
  const outstanding = live(state.unionCodes.get(binding.unionId) ?? [], now);
  outstanding.push(record);
  state.unionCodes.delete(binding.unionId);
  state.unionCodes.set(binding.unionId, outstanding.slice(-LOGIN_LIMITS.unionCodesPerUnionId));
  if (state.unionCodes.size > LOGIN_LIMITS.unionIds) sweep(state, now);
  return code;
}

/**
 * The live code matching `code` for this unionId, API key and app, or undefined. Reads only: the
 * code is consumed by the bind that commits with it. Every outstanding code of the unionId is
 * compared, each in constant time, so the answer time does not depend on which one matched.
 */
export function findUnionCode(
  state: LoginState,
  code: string,
  binding: UnionCodeBinding,
  now: number,
): UnionCodeRecord | undefined {
  const digest = hashUnionCode(code);
  let found: UnionCodeRecord | undefined;
  for (const record of state.unionCodes.get(binding.unionId) ?? []) {
    const same = safeEqual(digest, record.hash);
    if (
      same &&
      record.expiresAt > now &&
      record.apiKey === binding.apiKey &&
      record.appId === binding.appId
    ) {
      found = record;
    }
  }
  return found;
}

/** How many live codes a unionId has (for `/__mock/accounts` and tests). */
export function outstandingUnionCodes(state: LoginState, unionId: string, now: number): number {
  return live(state.unionCodes.get(unionId) ?? [], now).length;
}
