/**
 * The auth server's part of the mocked world, as data in `mock-providers/auth-server/`:
 * `credentials.json` (API key and credentials, one of them COPPA compliant), `players.json`
 * (seeded players) and, for the WeChat QR login API, `accounts.json` (see `login/world.ts`). Both are validated with zod at load, every problem listed at once.
 *
 * Seeded social links name a **persona** (or give a literal external id). Persona links are
 * resolved to the per-app openid over the provider's HTTP `GET /__mock/users` at first use, not at
 * start, so the auth server also starts alone or before its providers (see ADR 0003).
 */
import { join } from 'node:path';
import * as z from 'zod';
import { IDMOCK_INVALID_WORLD, IdmockError } from '../core/errors.js';
import { loadJsonFile, type Persona } from '../core/world.js';
import { GS_SYSTEMS, type SocialSystem } from './connect/constants.js';
import { loadLoginWorld, type LoginWorld } from './login/world.js';

const credentialSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "_" or "-"'),
  secret: z.string().regex(/^[A-Za-z0-9]{16,128}$/, 'must be 16-128 letters or digits'),
  description: z.string().optional(),
  /** COPPA compliant: every `*ConnectRequest` answers `{"authentication":"COPPA restricted"}`. */
  coppa: z.boolean().default(false),
  /** May name the current player with `playerId` in REST bodies (the Server credential). */
  actAsPlayer: z.boolean().default(false),
});

/** Schema of `mock-providers/auth-server/credentials.json`. */
export const credentialsFileSchema = z.strictObject({
  $comment: z.string().optional(),
  /** The game's API key, the last segment of `/ws/{credential}/{apiKey}`. */
  apiKey: z.string().regex(/^[A-Za-z0-9]{6,64}$/, 'must be 6-64 letters or digits'),
  credentials: z.array(credentialSchema).min(1),
});

const externalRefSchema = z.union([
  z.strictObject({ persona: z.string().min(1).max(64) }),
  z.strictObject({ id: z.string().min(1).max(128) }),
]);

const playerSchema = z.strictObject({
  id: z.string().regex(/^[0-9a-f]{24}$/, 'must be 24 lower-case hex digits'),
  description: z.string().optional(),
  displayName: z.string().max(128).default(''),
  userName: z.string().min(1).max(128).optional(),
  password: z.string().min(1).max(128).optional(),
  deviceIds: z.array(z.string().min(1).max(256)).default([]),
  externalIds: z
    .strictObject({ WC: externalRefSchema.optional(), QQ: externalRefSchema.optional() })
    .default({}),
  segments: z.record(z.string(), z.string()).default({}),
});

/** Schema of `mock-providers/auth-server/players.json`. */
export const playersFileSchema = z.strictObject({
  $comment: z.string().optional(),
  players: z.array(playerSchema),
});

/** One credential. */
export type Credential = z.output<typeof credentialSchema>;

/** A seeded link: a persona to resolve, or a literal external id. */
export type SeedExternalRef = z.output<typeof externalRefSchema>;

/** A seeded player as the file gives it. */
export type SeedPlayer = z.output<typeof playerSchema>;

/** The auth server's world. */
export interface AuthWorld {
  readonly apiKey: string;
  readonly credentials: readonly Credential[];
  readonly players: readonly SeedPlayer[];
  /** The WeChat QR login API's keys and accounts (`accounts.json`, optional). */
  readonly login: LoginWorld;
}

const PERSONA_SYSTEM_FLAG: Record<SocialSystem, (persona: Persona) => boolean> = {
  [GS_SYSTEMS.wechat]: (persona) => persona.wechat,
  [GS_SYSTEMS.qq]: (persona) => persona.qq !== null,
};

/** Cross-record checks that zod cannot express; returns every problem. */
export function checkAuthWorld(world: AuthWorld, personas: readonly Persona[]): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  world.credentials.forEach((credential, index) => {
    if (names.has(credential.name)) {
      problems.push(`credentials.json credentials.${index}.name: duplicate "${credential.name}"`);
    }
    names.add(credential.name);
  });
  const personaById = new Map(personas.map((persona) => [persona.id, persona]));
  const ids = new Set<string>();
  const userNames = new Set<string>();
  const devices = new Set<string>();
  const refs = new Set<string>();
  world.players.forEach((player, index) => {
    const at = `players.json players.${index}`;
    if (ids.has(player.id)) problems.push(`${at}.id: duplicate "${player.id}"`);
    ids.add(player.id);
    if ((player.userName === undefined) !== (player.password === undefined)) {
      problems.push(`${at}: userName and password go together`);
    }
    if (player.userName !== undefined) {
      if (userNames.has(player.userName))
        problems.push(`${at}.userName: duplicate "${player.userName}"`);
      userNames.add(player.userName);
    }
    for (const device of player.deviceIds) {
      if (devices.has(device)) problems.push(`${at}.deviceIds: "${device}" is used twice`);
      devices.add(device);
    }
    for (const system of Object.values(GS_SYSTEMS)) {
      const ref = player.externalIds[system];
      if (ref === undefined) continue;
      const key = 'persona' in ref ? `${system}:persona:${ref.persona}` : `${system}:id:${ref.id}`;
      if (refs.has(key)) problems.push(`${at}.externalIds.${system}: linked to two players`);
      refs.add(key);
      if ('persona' in ref) {
        const persona = personaById.get(ref.persona);
        if (!persona)
          problems.push(`${at}.externalIds.${system}: unknown persona "${ref.persona}"`);
        else if (!PERSONA_SYSTEM_FLAG[system](persona)) {
          problems.push(
            `${at}.externalIds.${system}: persona "${ref.persona}" has no ${system} account`,
          );
        }
      }
    }
  });
  return problems;
}

/**
 * Loads and checks `credentials.json`, `players.json` and (optional) `accounts.json` from
 * `<worldDir>/auth-server/`.
 */
export async function loadAuthWorld(
  worldDir: string,
  personas: readonly Persona[],
): Promise<AuthWorld> {
  const dir = join(worldDir, 'auth-server');
  // Every file is read before failing, so one error names the problems of all.
  const [credentials, players, login] = await Promise.allSettled([
    loadJsonFile(join(dir, 'credentials.json'), credentialsFileSchema),
    loadJsonFile(join(dir, 'players.json'), playersFileSchema),
    loadLoginWorld(worldDir, personas),
  ]);
  if (
    credentials.status === 'rejected' ||
    players.status === 'rejected' ||
    login.status === 'rejected'
  ) {
    const failures = [credentials, players, login].flatMap((result): unknown[] =>
      result.status === 'rejected' ? [result.reason] : [],
    );
    if (failures.length === 1) throw failures[0];
    throw new IdmockError(
      IDMOCK_INVALID_WORLD,
      failures
        .map((failure) => (failure instanceof Error ? failure.message : String(failure)))
        .join('\n')
        .replaceAll('[idmock] ', ''),
      { cause: failures[0] },
    );
  }
  const world: AuthWorld = {
    apiKey: credentials.value.apiKey,
    credentials: credentials.value.credentials,
    players: players.value.players,
    login: login.value,
  };
  const problems = checkAuthWorld(world, personas);
  if (problems.length > 0) {
    throw new IdmockError(
      IDMOCK_INVALID_WORLD,
      `auth-server world is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  ${problems.join('\n  ')}`,
    );
  }
  return world;
}
