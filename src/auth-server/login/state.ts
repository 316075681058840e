/**
 * The login API's state: accounts and their indexes, outstanding unionCodes, SMS codes and the
 * outbox, bearer tokens, and seeded bindings still waiting for their unionid. Plain records in
 * maps, one instance per auth server.
 *
 * Invariants: **L1** a unionId is bound to at most one account (`byUnionId`); **L2** an account holds
 * at most one unionId. Every function here is synchronous; the handlers call check-then-commit
 * sequences with no `await` in between, which makes each one a critical section in one Node
 * process (`auth-server.md` §5 "Concurrency").
 */
import type { Clock } from '../../core/clock.js';
import type { Ids } from '../../core/ids.js';
import type { SeedAccount } from './world.js';

/** An account of the identity API. */
export interface AccountRecord {
  readonly id: string;
  readonly tn: string | null;
  readonly username: string | null;
  readonly password: string | null;
  readonly displayName: string;
  /** The bound WeChat unionid (L2: one at most). */
  unionId: string | null;
  readonly createdAt: number;
}

/**
 * An outstanding unionCode. Only a SHA-256 of the code is kept, so neither a state export nor a
 * glance at memory hands out live codes.
 */
export interface UnionCodeRecord {
  readonly hash: string;
  readonly unionId: string;
  /** The WeChat app whose code exchange issued it. */
  readonly appId: string;
  /** The name of the API key it was issued to. */
  readonly apiKey: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

/** The live SMS code of one phone number. */
export interface SmsCodeRecord {
  readonly tn: string;
  readonly code: string;
  readonly messageId: number;
  readonly expiresAt: number;
  failures: number;
}

/** What became of a sent code; `expired` is computed when listed. */
export type SmsStatus = 'sent' | 'used' | 'locked' | 'replaced';

/** One message of the SMS outbox. */
export interface SmsMessage {
  readonly id: number;
  readonly tn: string;
  readonly code: string;
  readonly text: string;
  readonly sentAt: number;
  readonly expiresAt: number;
  status: SmsStatus;
}

/** A bearer token. */
export interface TokenRecord {
  readonly accountId: string;
  readonly apiKey: string;
  readonly expiresAt: number;
}

/** A seeded persona binding still waiting for its unionid. */
export interface PendingSeedBinding {
  readonly accountId: string;
  readonly persona: string;
}

/** All mutable login state. */
export interface LoginState {
  readonly accounts: Map<string, AccountRecord>;
  readonly byTn: Map<string, string>;
  readonly byUsername: Map<string, string>;
  /** L1: unionId → account id. */
  readonly byUnionId: Map<string, string>;
  /** unionId → its outstanding codes (oldest first). */
  readonly unionCodes: Map<string, UnionCodeRecord[]>;
  /** tn → its live SMS code. */
  readonly smsCodes: Map<string, SmsCodeRecord>;
  readonly outbox: SmsMessage[];
  readonly tokens: Map<string, TokenRecord>;
  readonly pendingSeedBindings: PendingSeedBinding[];
  /** The next outbox message id (never reused within a run, even across resets). */
  nextMessageId: number;
}

/** Creates empty state. */
export function createLoginState(): LoginState {
  return {
    accounts: new Map(),
    byTn: new Map(),
    byUsername: new Map(),
    byUnionId: new Map(),
    unionCodes: new Map(),
    smsCodes: new Map(),
    outbox: [],
    tokens: new Map(),
    pendingSeedBindings: [],
    nextMessageId: 1,
  };
}

/** Empties every map (the message counter keeps counting). */
export function clearLoginState(state: LoginState): void {
  state.accounts.clear();
  state.byTn.clear();
  state.byUsername.clear();
  state.byUnionId.clear();
  state.unionCodes.clear();
  state.smsCodes.clear();
  state.outbox.length = 0;
  state.tokens.clear();
  state.pendingSeedBindings.length = 0;
}

/** A new account id: 8 hex digits of creation time, then 16 random hex digits. */
function newAccountId(clock: Clock, ids: Ids, state: LoginState): string {
  for (;;) {
    const seconds = Math.floor(clock.now() / 1000)
      .toString(16)
      .padStart(8, '0')
      .slice(-8);
    const id = `${seconds}${ids.hex(16)}`;
    if (!state.accounts.has(id)) return id;
  }
}

/** What a new account starts with. */
export interface NewAccount {
  readonly id?: string;
  readonly tn?: string;
  readonly username?: string;
  readonly password?: string;
  readonly displayName?: string;
  readonly createdAt?: number;
}

/** Adds an account (its tn and username must already be known to be free). */
export function addAccount(
  state: LoginState,
  clock: Clock,
  ids: Ids,
  init: NewAccount,
): AccountRecord {
  const account: AccountRecord = {
    id: init.id ?? newAccountId(clock, ids, state),
    tn: init.tn ?? null,
    username: init.username ?? null,
    password: init.password ?? null,
    displayName: init.displayName ?? '',
    unionId: null,
    createdAt: init.createdAt ?? clock.now(),
  };
  state.accounts.set(account.id, account);
  if (account.tn !== null) state.byTn.set(account.tn, account.id);
  if (account.username !== null) state.byUsername.set(account.username, account.id);
  return account;
}

/** The account a unionId is bound to. */
export function accountOfUnionId(state: LoginState, unionId: string): AccountRecord | undefined {
  const id = state.byUnionId.get(unionId);
  return id === undefined ? undefined : state.accounts.get(id);
}

/**
 * Binds a unionId to an account if and only if neither is bound yet (L1, L2), and revokes every
 * outstanding unionCode of that unionId. Returns false, writing nothing, on a conflict.
 */
export function bindUnionId(state: LoginState, account: AccountRecord, unionId: string): boolean {
  if (state.byUnionId.has(unionId) || account.unionId !== null) return false;
  state.byUnionId.set(unionId, account.id);
  account.unionId = unionId;
  state.unionCodes.delete(unionId);
  return true;
}

/**
 * Replaces the state with the seeded accounts. Persona bindings whose unionid is known from
 * `resolved` (persona → unionid) are bound at once; the others wait in `pendingSeedBindings`.
 */
export function seedLoginState(
  state: LoginState,
  accounts: readonly SeedAccount[],
  resolved: ReadonlyMap<string, string> | null,
  clock: Clock,
  ids: Ids,
): void {
  clearLoginState(state);
  for (const seed of accounts) {
    const account = addAccount(state, clock, ids, {
      id: seed.id,
      displayName: seed.displayName,
      ...(seed.tn === undefined ? {} : { tn: seed.tn }),
      ...(seed.username === undefined ? {} : { username: seed.username }),
      ...(seed.password === undefined ? {} : { password: seed.password }),
    });
    const ref = seed.wechat;
    if (ref === undefined) continue;
    const unionId = 'unionId' in ref ? ref.unionId : resolved?.get(ref.persona);
    if (unionId !== undefined) bindUnionId(state, account, unionId);
    else if ('persona' in ref) {
      state.pendingSeedBindings.push({ accountId: account.id, persona: ref.persona });
    }
  }
}

/**
 * Binds pending seeded personas now that their unionids are known. A persona the provider does not
 * know, or whose unionid someone bound meanwhile, stays unbound (L1 wins over the seed); returns
 * those.
 */
export function applySeedBindings(
  state: LoginState,
  unionIds: ReadonlyMap<string, string>,
): PendingSeedBinding[] {
  const skipped: PendingSeedBinding[] = [];
  for (const pending of state.pendingSeedBindings) {
    const unionId = unionIds.get(pending.persona);
    const account = state.accounts.get(pending.accountId);
    if (unionId === undefined || !account || !bindUnionId(state, account, unionId)) {
      skipped.push(pending);
    }
  }
  state.pendingSeedBindings.length = 0;
  return skipped;
}
