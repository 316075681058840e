/**
 * The login slice as a JSON-safe snapshot (maps become arrays, indexes are rebuilt) and back. A
 * restore is prepared in full (schema, then L1, L2 and uniqueness) before anything is replaced, so
 * the service can check every slice first and apply them together.
 */
import * as z from 'zod';
import { formatIssues } from '../../core/validation.js';
import { TN_PATTERN } from './constants.js';
import { clearLoginState, type LoginState } from './state.js';

const text = z.string().max(4096);
const time = z.number().int().min(0);

/** Schema of the login part of a state document. */
export const loginSnapshotSchema = z.strictObject({
  accounts: z.array(
    z.strictObject({
      id: text.min(1),
      tn: z.string().regex(TN_PATTERN).nullable(),
      username: text.min(1).nullable(),
      password: text.min(1).nullable(),
      displayName: text,
      unionId: text.min(1).nullable(),
      createdAt: time,
    }),
  ),
  unionCodes: z.array(
    z.strictObject({
      hash: text.min(1),
      unionId: text.min(1),
      appId: text.min(1),
      apiKey: text.min(1),
      issuedAt: time,
      expiresAt: time,
    }),
  ),
  smsCodes: z.array(
    z.strictObject({
      tn: z.string().regex(TN_PATTERN),
      code: text.min(1),
      messageId: z.number().int().min(1),
      expiresAt: time,
      failures: z.number().int().min(0),
    }),
  ),
  outbox: z.array(
    z.strictObject({
      id: z.number().int().min(1),
      tn: z.string().regex(TN_PATTERN),
      code: text.min(1),
      text,
      sentAt: time,
      expiresAt: time,
      status: z.enum(['sent', 'used', 'locked', 'replaced']),
    }),
  ),
  tokens: z.array(
    z.strictObject({
      token: text.min(1),
      accountId: text.min(1),
      apiKey: text.min(1),
      expiresAt: time,
    }),
  ),
  pendingSeedBindings: z.array(z.strictObject({ accountId: text.min(1), persona: text.min(1) })),
  nextMessageId: z.number().int().min(1),
});

/** The login part of a state document. */
export type LoginSnapshot = z.output<typeof loginSnapshotSchema>;

/** Copies the state into plain arrays (insertion order kept). */
export function snapshotLoginState(state: LoginState): LoginSnapshot {
  return {
    accounts: [...state.accounts.values()].map((account) => ({ ...account })),
    unionCodes: [...state.unionCodes.values()].flat().map((record) => ({ ...record })),
    smsCodes: [...state.smsCodes.values()].map((record) => ({ ...record })),
    outbox: state.outbox.map((message) => ({ ...message })),
    tokens: [...state.tokens].map(([token, record]) => ({ token, ...record })),
    pendingSeedBindings: state.pendingSeedBindings.map((pending) => ({ ...pending })),
    nextMessageId: state.nextMessageId,
  };
}

function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const value of values) (seen.has(value) ? twice : seen).add(value);
  return [...twice];
}

function crossCheck(snapshot: LoginSnapshot): string[] {
  const problems: string[] = [];
  const { accounts } = snapshot;
  const ids = new Set(accounts.map((account) => account.id));
  for (const id of duplicates(accounts.map((account) => account.id))) {
    problems.push(`accounts: duplicate id "${id}"`);
  }
  for (const tn of duplicates(accounts.flatMap((account) => account.tn ?? []))) {
    problems.push(`accounts: duplicate tn "${tn}"`);
  }
  for (const name of duplicates(accounts.flatMap((account) => account.username ?? []))) {
    problems.push(`accounts: duplicate username "${name}"`);
  }
  for (const unionId of duplicates(accounts.flatMap((account) => account.unionId ?? []))) {
    problems.push(`accounts: unionId "${unionId}" is bound to two accounts (L1)`);
  }
  accounts.forEach((account, index) => {
    if ((account.username === null) !== (account.password === null)) {
      problems.push(`accounts.${index}: username and password go together`);
    }
  });
  for (const tn of duplicates(snapshot.smsCodes.map((code) => code.tn))) {
    problems.push(`smsCodes: two live codes for tn "${tn}"`);
  }
  snapshot.tokens.forEach((token, index) => {
    if (!ids.has(token.accountId)) problems.push(`tokens.${index}.accountId: unknown account`);
  });
  snapshot.pendingSeedBindings.forEach((pending, index) => {
    if (!ids.has(pending.accountId)) {
      problems.push(`pendingSeedBindings.${index}.accountId: unknown account`);
    }
  });
  const maxId = Math.max(0, ...snapshot.outbox.map((message) => message.id));
  if (snapshot.nextMessageId <= maxId) {
    problems.push(`nextMessageId: must be greater than every outbox id (${maxId})`);
  }
  return problems;
}

/** A validated restore, or its problems. */
export type PreparedLoginRestore =
  | { readonly ok: true; apply(state: LoginState): void }
  | { readonly ok: false; readonly problems: readonly string[] };

/** Validates a snapshot in full; `apply` then replaces the state with it. */
export function prepareLoginRestore(data: unknown): PreparedLoginRestore {
  const parsed = loginSnapshotSchema.safeParse(data);
  if (!parsed.success) return { ok: false, problems: formatIssues(parsed.error) };
  const snapshot = parsed.data;
  const problems = crossCheck(snapshot);
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    apply(state) {
      clearLoginState(state);
      for (const saved of snapshot.accounts) {
        state.accounts.set(saved.id, { ...saved });
        if (saved.tn !== null) state.byTn.set(saved.tn, saved.id);
        if (saved.username !== null) state.byUsername.set(saved.username, saved.id);
        if (saved.unionId !== null) state.byUnionId.set(saved.unionId, saved.id);
      }
      for (const record of snapshot.unionCodes) {
        // Codes of a bound unionId were revoked by the bind; never bring them back.
        if (state.byUnionId.has(record.unionId)) continue;
        const list = state.unionCodes.get(record.unionId) ?? [];
        list.push({ ...record });
        state.unionCodes.set(record.unionId, list);
      }
      for (const record of snapshot.smsCodes) state.smsCodes.set(record.tn, { ...record });
      state.outbox.push(...snapshot.outbox.map((message) => ({ ...message })));
      for (const { token, ...record } of snapshot.tokens) state.tokens.set(token, record);
      state.pendingSeedBindings.push(...snapshot.pendingSeedBindings);
      state.nextMessageId = snapshot.nextMessageId;
    },
  };
}
