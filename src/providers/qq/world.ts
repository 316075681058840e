/**
 * The QQ side of the mocked world: developer accounts, their QQ Connect apps, and the ids each
 * persona has there. openid is 32 upper-case hex per (persona, client_id); unionid is `UID_` plus
 * 32 upper-case hex per (persona, developer account), both derived from the seed (spec/qq.md §6).
 */
import * as z from 'zod';
import { IDMOCK_INVALID_WORLD, IdmockError } from '../../core/errors.js';
import { memoizeDerivation, type Ids } from '../../core/ids.js';
import type { Persona, QqProfile } from '../../core/world.js';

function isCallbackUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

const appSchema = z.strictObject({
  clientId: z
    .string()
    .regex(/^[1-9]\d{0,18}$/, 'must be a decimal number in a string, like "101364207"'),
  appkey: z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 lower-case hex digits'),
  name: z.string().min(1),
  callbacks: z
    .array(z.string().refine(isCallbackUrl, 'must be an absolute http(s) URL').max(1024))
    .min(1),
  developerAccount: z.string().min(1),
  unionidPermission: z.boolean(),
});

/** Schema of `mock-providers/qq/seed.json`. */
export const qqSeedSchema = z.strictObject({
  $comment: z.string().optional(),
  developerAccounts: z
    .array(z.strictObject({ id: z.string().min(1), name: z.string().min(1) }))
    .min(1),
  apps: z.array(appSchema).min(1),
});

/** A QQ Connect app of the mocked world. */
export type QqApp = z.output<typeof appSchema>;

/** A developer account (the unit that shares a unionid). */
export interface QqDeveloperAccount {
  readonly id: string;
  readonly name: string;
}

/** A persona as QQ knows it. */
export interface QqUser {
  readonly persona: Persona;
  readonly profile: QqProfile;
}

/** The loaded QQ world with its id derivations. */
export interface QqWorld {
  readonly apps: readonly QqApp[];
  readonly accounts: readonly QqDeveloperAccount[];
  readonly users: readonly QqUser[];
  app(clientId: string): QqApp | undefined;
  /** Finds a persona by persona id, or by an openid or unionid it holds. */
  user(idOrOpenid: string): QqUser | undefined;
  openid(personaId: string, clientId: string): string;
  /** undefined when the app has no unionid permission. */
  unionid(personaId: string, app: QqApp): string | undefined;
  /** The unionid of a persona under one developer account. */
  unionidForAccount(personaId: string, accountId: string): string;
  /** The `k` and `t` of the persona's thirdqq.qlogo.cn avatar URLs as one app sees them. */
  avatar(personaId: string, clientId: string): { readonly k: string; readonly t: number };
}

/** Builds the QQ world; cross-entry problems (duplicates, unknown accounts) are all listed. */
export function buildQqWorld(
  seed: z.output<typeof qqSeedSchema>,
  personas: readonly Persona[],
  ids: Ids,
): QqWorld {
  const problems: string[] = [];
  const accountIds = new Set<string>();
  seed.developerAccounts.forEach((account, index) => {
    if (accountIds.has(account.id)) {
      problems.push(`developerAccounts.${index}.id: duplicate account id "${account.id}"`);
    }
    accountIds.add(account.id);
  });
  const seen = new Set<string>();
  seed.apps.forEach((app, index) => {
    if (seen.has(app.clientId)) {
      problems.push(`apps.${index}.clientId: duplicate client_id ${app.clientId}`);
    }
    seen.add(app.clientId);
    if (!accountIds.has(app.developerAccount)) {
      problems.push(`apps.${index}.developerAccount: unknown account "${app.developerAccount}"`);
    }
  });
  if (problems.length > 0) {
    throw new IdmockError(
      IDMOCK_INVALID_WORLD,
      `qq/seed.json is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  ${problems.join('\n  ')}`,
    );
  }
  const hex32 = memoizeDerivation((label, ...parts) =>
    ids
      .derive(label, ...parts)
      .toString('hex')
      .slice(0, 32)
      .toUpperCase(),
  );
  const users: QqUser[] = [];
  for (const persona of personas) {
    if (persona.qq !== null) users.push({ persona, profile: persona.qq });
  }
  const appsById = new Map(seed.apps.map((app) => [app.clientId, app]));
  const usersById = new Map(users.map((user) => [user.persona.id, user]));
  const byOpenid = new Map<string, QqUser>();
  const world: QqWorld = {
    apps: seed.apps,
    accounts: seed.developerAccounts,
    users,
    app: (clientId) => appsById.get(clientId),
    user: (id) => usersById.get(id) ?? byOpenid.get(id),
    openid: (personaId, clientId) => hex32('qq-openid', personaId, clientId),
    unionid: (personaId, app) =>
      app.unionidPermission ? world.unionidForAccount(personaId, app.developerAccount) : undefined,
    unionidForAccount: (personaId, accountId) => `UID_${hex32('qq-unionid', personaId, accountId)}`,
    avatar: (personaId, clientId) => {
      const k = ids
        .derive('qq-avatar', personaId, clientId)
        .toString('base64')
        .replace(/[^A-Za-z0-9]/g, '')
        .slice(0, 24);
      // A plausible upload time between 2017 and 2023, fixed per persona.
      const t = 1_500_000_000 + (ids.derive('qq-avatar-time', personaId).readUInt32BE(0) % 2e8);
      return { k, t };
    },
  };
  for (const user of users) {
    for (const app of seed.apps) byOpenid.set(world.openid(user.persona.id, app.clientId), user);
    for (const account of seed.developerAccounts) {
      byOpenid.set(world.unionidForAccount(user.persona.id, account.id), user);
    }
  }
  return world;
}
