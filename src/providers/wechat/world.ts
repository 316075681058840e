/**
 * The WeChat side of the mocked world: open-platform accounts, apps and the persona ids they see.
 * openid is derived per (persona, appid); unionid per (persona, open-platform account).
 */
import * as z from 'zod';
import { memoizeDerivation, type Ids } from '../../core/ids.js';
import { IDMOCK_INVALID_WORLD, IdmockError } from '../../core/errors.js';
import type { Persona } from '../../core/world.js';

const appSchema = z.strictObject({
  appid: z.string().regex(/^wx[0-9a-f]{16}$/, 'must be "wx" followed by 16 lower-case hex digits'),
  secret: z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 lower-case hex digits'),
  name: z.string().min(1),
  kind: z.enum(['website', 'mobile', 'official-account']),
  callbackDomain: z
    .string()
    .regex(
      /^[A-Za-z0-9.-]+(:\d+)?$/,
      'must be a host name (with an optional port), no scheme or path',
    )
    .optional(),
  openPlatformAccount: z.string().nullable(),
  scopes: z.array(z.enum(['snsapi_login', 'snsapi_base', 'snsapi_userinfo'])).optional(),
});

/** Schema of `mock-providers/wechat/seed.json`. */
export const wechatSeedSchema = z.strictObject({
  $comment: z.string().optional(),
  openPlatformAccounts: z.array(z.strictObject({ id: z.string().min(1), name: z.string().min(1) })),
  apps: z.array(appSchema).min(1),
});

/** A WeChat app of the mocked world. */
export type WechatApp = z.output<typeof appSchema>;

/** A persona as WeChat knows it. */
export interface WechatUser {
  readonly persona: Persona;
  readonly headimgurl: string;
}

/** The loaded WeChat world with its id derivations. */
export interface WechatWorld {
  readonly apps: readonly WechatApp[];
  readonly accounts: readonly { id: string; name: string }[];
  readonly users: readonly WechatUser[];
  app(appid: string): WechatApp | undefined;
  /** Finds a persona by persona id, or by an openid/unionid it holds. */
  user(idOrOpenid: string): WechatUser | undefined;
  openid(personaId: string, appid: string): string;
  /** undefined when the app has no open-platform account. */
  unionid(personaId: string, app: WechatApp): string | undefined;
  /** The unionid of a persona under one open-platform account. */
  unionidForAccount(personaId: string, accountId: string): string;
  /** Resolves an openid back to persona and app. */
  resolveOpenid(openid: string): { user: WechatUser; app: WechatApp } | undefined;
}

/** Builds the WeChat world; cross-file problems (unknown accounts, missing callbacks) are listed. */
export function buildWechatWorld(
  seed: z.output<typeof wechatSeedSchema>,
  personas: readonly Persona[],
  ids: Ids,
): WechatWorld {
  const problems: string[] = [];
  const accountIds = new Set(seed.openPlatformAccounts.map((account) => account.id));
  const seen = new Set<string>();
  seed.apps.forEach((app, index) => {
    if (seen.has(app.appid)) problems.push(`apps.${index}.appid: duplicate appid ${app.appid}`);
    seen.add(app.appid);
    if (app.openPlatformAccount !== null && !accountIds.has(app.openPlatformAccount)) {
      problems.push(
        `apps.${index}.openPlatformAccount: unknown account "${app.openPlatformAccount}"`,
      );
    }
    if (app.kind !== 'mobile' && app.callbackDomain === undefined) {
      problems.push(`apps.${index}.callbackDomain: required for ${app.kind} apps`);
    }
  });
  if (problems.length > 0) {
    throw new IdmockError(
      IDMOCK_INVALID_WORLD,
      `wechat/seed.json is invalid (${problems.length} problems):\n  ${problems.join('\n  ')}`,
    );
  }
  const derive28 = memoizeDerivation(
    (label, ...parts) =>
      `o${ids
        .derive(label, ...parts)
        .toString('base64url')
        .slice(0, 27)}`,
  );
  const users = personas
    .filter((persona) => persona.wechat)
    .map((persona) => ({
      persona,
      headimgurl: persona.hasAvatar
        ? `https://thirdwx.qlogo.cn/mmopen/vi_32/${ids
            .derive('wechat-avatar', persona.id)
            .toString('base64url')
            .slice(0, 40)}/132`
        : '',
    }));
  const appsById = new Map(seed.apps.map((app) => [app.appid, app]));
  const usersById = new Map(users.map((user) => [user.persona.id, user]));
  const byOpenid = new Map<string, { user: WechatUser; app: WechatApp }>();
  const byUnionid = new Map<string, WechatUser>();
  const world: WechatWorld = {
    apps: seed.apps,
    accounts: seed.openPlatformAccounts,
    users,
    app: (appid) => appsById.get(appid),
    user: (id) => usersById.get(id) ?? byOpenid.get(id)?.user ?? byUnionid.get(id),
    openid: (personaId, appid) => derive28('wechat-openid', personaId, appid),
    unionid: (personaId, app) =>
      app.openPlatformAccount === null
        ? undefined
        : world.unionidForAccount(personaId, app.openPlatformAccount),
    unionidForAccount: (personaId, accountId) => derive28('wechat-unionid', personaId, accountId),
    resolveOpenid: (openid) => byOpenid.get(openid),
  };
  for (const user of users) {
    for (const app of seed.apps) {
      byOpenid.set(world.openid(user.persona.id, app.appid), { user, app });
      const unionid = world.unionid(user.persona.id, app);
      if (unionid !== undefined) byUnionid.set(unionid, user);
    }
  }
  return world;
}
