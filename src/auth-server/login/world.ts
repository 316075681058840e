/**
 * The login API's part of the mocked world: `mock-providers/auth-server/accounts.json`, holding the
 * API keys clients send as `Api-Key` and the seeded accounts. Validated with zod at load, every
 * problem listed at once.
 *
 * A seeded WeChat binding names a **persona** (`{"persona": "zhang-wei"}`): unionids depend on the
 * seed and on the login app's open-platform account, so it is resolved to the unionid through the
 * WeChat mock's `GET /__mock/apps` and `GET /__mock/users` at first use, as the connect API
 * resolves its seeded openids (ADR 0003, 0005). A literal `{"unionId": "…"}` is accepted for worlds
 * pointed at other providers.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { IDMOCK_INVALID_WORLD, IdmockError } from '../../core/errors.js';
import { loadJsonFile, type Persona } from '../../core/world.js';
import { TN_PATTERN } from './constants.js';

const apiKeySchema = z.strictObject({
  /** The value of the `Api-Key` header. */
  key: z.string().regex(/^[A-Za-z0-9_-]{16,128}$/, 'must be 16-128 letters, digits, "_" or "-"'),
  /** A stable name: unionCodes and tokens record it, never the key itself. */
  name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "_" or "-"'),
  description: z.string().optional(),
});

const wechatRefSchema = z.union([
  z.strictObject({ persona: z.string().min(1).max(64) }),
  z.strictObject({ unionId: z.string().min(1).max(128) }),
]);

const accountSchema = z.strictObject({
  id: z.string().regex(/^[0-9a-f]{24}$/, 'must be 24 lower-case hex digits'),
  description: z.string().optional(),
  displayName: z.string().max(128).default(''),
  tn: z
    .string()
    .regex(TN_PATTERN, 'must be a phone number: digits, optionally after "+"')
    .optional(),
  username: z.string().min(1).max(128).optional(),
  password: z.string().min(1).max(128).optional(),
  wechat: wechatRefSchema.optional(),
});

/** Schema of `mock-providers/auth-server/accounts.json`. */
export const accountsFileSchema = z.strictObject({
  $comment: z.string().optional(),
  apiKeys: z.array(apiKeySchema).min(1),
  accounts: z.array(accountSchema),
});

/** One API key. */
export type ApiKey = z.output<typeof apiKeySchema>;

/** A seeded WeChat binding: a persona to resolve, or a literal unionid. */
export type SeedWechatRef = z.output<typeof wechatRefSchema>;

/** A seeded account as the file gives it. */
export type SeedAccount = z.output<typeof accountSchema>;

/** The login API's world. */
export interface LoginWorld {
  readonly apiKeys: readonly ApiKey[];
  readonly accounts: readonly SeedAccount[];
}

/** The world of a directory without `accounts.json`: no key, so every login answers 401. */
export const EMPTY_LOGIN_WORLD: LoginWorld = Object.freeze({ apiKeys: [], accounts: [] });

function duplicatesOf<T>(
  items: readonly T[],
  keyOf: (item: T) => string | undefined,
  report: (index: number, key: string) => void,
): void {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    const key = keyOf(item);
    if (key === undefined) return;
    if (seen.has(key)) report(index, key);
    seen.add(key);
  });
}

/** Cross-record checks that zod cannot express; returns every problem. */
export function checkLoginWorld(world: LoginWorld, personas: readonly Persona[]): string[] {
  const problems: string[] = [];
  const at = (what: string, index: number): string => `accounts.json ${what}.${index}`;
  duplicatesOf(
    world.apiKeys,
    (key) => key.key,
    (i) => problems.push(`${at('apiKeys', i)}.key: duplicate key`),
  );
  duplicatesOf(
    world.apiKeys,
    (key) => key.name,
    (i, name) => problems.push(`${at('apiKeys', i)}.name: duplicate "${name}"`),
  );
  const accounts = world.accounts;
  duplicatesOf(
    accounts,
    (a) => a.id,
    (i, id) => problems.push(`${at('accounts', i)}.id: duplicate "${id}"`),
  );
  duplicatesOf(
    accounts,
    (a) => a.tn,
    (i, tn) => problems.push(`${at('accounts', i)}.tn: duplicate "${tn}"`),
  );
  duplicatesOf(
    accounts,
    (a) => a.username,
    (i, name) => problems.push(`${at('accounts', i)}.username: duplicate "${name}"`),
  );
  duplicatesOf(
    accounts,
    (a) =>
      a.wechat === undefined
        ? undefined
        : 'persona' in a.wechat
          ? `persona:${a.wechat.persona}`
          : `unionId:${a.wechat.unionId}`,
    (i) => problems.push(`${at('accounts', i)}.wechat: bound to two accounts`),
  );
  const personaById = new Map(personas.map((persona) => [persona.id, persona]));
  accounts.forEach((account, index) => {
    if ((account.username === undefined) !== (account.password === undefined)) {
      problems.push(`${at('accounts', index)}: username and password go together`);
    }
    if (account.tn === undefined && account.username === undefined) {
      problems.push(`${at('accounts', index)}: needs a tn or a username to log in with`);
    }
    if (account.wechat !== undefined && 'persona' in account.wechat) {
      const persona = personaById.get(account.wechat.persona);
      if (!persona) {
        problems.push(
          `${at('accounts', index)}.wechat: unknown persona "${account.wechat.persona}"`,
        );
      } else if (!persona.wechat) {
        problems.push(
          `${at('accounts', index)}.wechat: persona "${persona.id}" has no WeChat account`,
        );
      }
    }
  });
  return problems;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Loads and checks `<worldDir>/auth-server/accounts.json`. The file is optional: a world without it
 * gets {@link EMPTY_LOGIN_WORLD} (the connect API does not need it).
 */
export async function loadLoginWorld(
  worldDir: string,
  personas: readonly Persona[],
): Promise<LoginWorld> {
  const path = join(worldDir, 'auth-server', 'accounts.json');
  if (!(await exists(path))) return EMPTY_LOGIN_WORLD;
  const file = await loadJsonFile(path, accountsFileSchema);
  const world: LoginWorld = { apiKeys: file.apiKeys, accounts: file.accounts };
  const problems = checkLoginWorld(world, personas);
  if (problems.length > 0) {
    throw new IdmockError(
      IDMOCK_INVALID_WORLD,
      `auth-server accounts are invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  ${problems.join('\n  ')}`,
    );
  }
  return world;
}
