/**
 * The connect API's state slice: players, the external-id index, user names, device ids, auth
 * tokens and login locks. Plain records in maps, one instance per auth server, never module-level.
 *
 * Invariants (`auth-server.md` §4): **I1** an external id belongs to at most one player (the
 * `owners` index); **I2** a player holds at most one id per system (one `links` slot per system).
 * Every write here is synchronous and conditional, and callers run read-decide-write without an
 * `await` in between, which makes each commit one critical section in a single Node process.
 */
import { setBounded } from '../../core/bounded.js';
import type { Clock } from '../../core/clock.js';
import type { Ids } from '../../core/ids.js';
import { GS_SYSTEMS, type SocialSystem } from './constants.js';
import type { SeedPlayer } from '../world.js';

/** A player's profile of one provider. */
export interface PlayerLink {
  readonly externalId: string;
  /** Whether requests keep displayName in sync with the nickname (the last request that says wins). */
  syncDisplayName: boolean;
}

/** A player. */
export interface PlayerRecord {
  readonly id: string;
  displayName: string;
  readonly userName: string | null;
  readonly password: string | null;
  readonly deviceIds: string[];
  readonly links: Partial<Record<SocialSystem, PlayerLink>>;
  readonly segments: Readonly<Record<string, string>>;
  readonly createdAt: number;
}

/** A seeded persona link still waiting for its openid. */
export interface PendingSeedLink {
  readonly playerId: string;
  readonly system: SocialSystem;
  readonly persona: string;
}

/** Consecutive wrong passwords of one user name. */
export interface LoginFailures {
  count: number;
  lockedUntil: number;
}

/** All mutable connect state. */
export interface ConnectState {
  readonly players: Map<string, PlayerRecord>;
  /** I1: `system:externalId` → player id. */
  readonly owners: Map<string, string>;
  readonly userNames: Map<string, string>;
  readonly devices: Map<string, string>;
  /** authToken → player id. Every success mints one; earlier ones stay valid (multi-device). */
  readonly tokens: Map<string, string>;
  readonly failedLogins: Map<string, LoginFailures>;
  readonly pendingSeedLinks: PendingSeedLink[];
}

/** Creates empty state. */
export function createConnectState(): ConnectState {
  return {
    players: new Map(),
    owners: new Map(),
    userNames: new Map(),
    devices: new Map(),
    tokens: new Map(),
    failedLogins: new Map(),
    pendingSeedLinks: [],
  };
}

function ownerKey(system: SocialSystem, externalId: string): string {
  return `${system}:${externalId}`;
}

/** Own(X): the player linked to an external id. */
export function ownerOf(
  state: ConnectState,
  system: SocialSystem,
  externalId: string,
): string | null {
  return state.owners.get(ownerKey(system, externalId)) ?? null;
}

/**
 * Links X to a player if and only if nobody owns X (I1) and the player's slot is empty (I2): the
 * insert-if-absent of §4. Returns false, writing nothing, on a conflict.
 */
export function claimExternalId(
  state: ConnectState,
  player: PlayerRecord,
  system: SocialSystem,
  externalId: string,
  syncDisplayName: boolean,
): boolean {
  const key = ownerKey(system, externalId);
  if (state.owners.has(key) || player.links[system] !== undefined) return false;
  state.owners.set(key, player.id);
  player.links[system] = { externalId, syncDisplayName };
  return true;
}

/** A GameSparks-like player id: 8 hex digits of creation time, then 16 random hex digits. */
function newPlayerId(clock: Clock, ids: Ids, state: ConnectState): string {
  for (;;) {
    const id = `${Math.floor(clock.now() / 1000)
      .toString(16)
      .padStart(8, '0')
      .slice(-8)}${ids.hex(16)}`;
    if (!state.players.has(id)) return id;
  }
}

/** What a new player starts with. */
export interface NewPlayer {
  readonly displayName: string;
  readonly segments?: Readonly<Record<string, string>>;
  readonly userName?: string;
  readonly password?: string;
  readonly deviceId?: string;
}

/** Adds a player (user name and device id must already be known to be free). */
export function createPlayer(
  state: ConnectState,
  clock: Clock,
  ids: Ids,
  init: NewPlayer,
  id?: string,
): PlayerRecord {
  const player: PlayerRecord = {
    id: id ?? newPlayerId(clock, ids, state),
    displayName: init.displayName,
    userName: init.userName ?? null,
    password: init.password ?? null,
    deviceIds: init.deviceId === undefined ? [] : [init.deviceId],
    links: {},
    segments: { ...init.segments },
    createdAt: clock.now(),
  };
  state.players.set(player.id, player);
  if (player.userName !== null) state.userNames.set(player.userName, player.id);
  for (const device of player.deviceIds) state.devices.set(device, player.id);
  return player;
}

/**
 * Mints a fresh opaque authToken for a player: 128 random bits written in the 8-4-4-4-12 hex layout
 * of GameSparks' tokens. Every bit is random (a UUID v4 fixes six of them, leaving 122), so the
 * token meets the 128-bit floor for bearer secrets and still fits a `uuid` column. Tokens never
 * expire; the oldest go once the store is full (`setBounded`).
 */
export function mintToken(state: ConnectState, ids: Ids, playerId: string): string {
  const hex = ids.random(16).toString('hex');
  const token = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
  setBounded(state.tokens, token, playerId);
  return token;
}

/** The player an authToken belongs to, if it still exists. */
export function playerByToken(state: ConnectState, token: string): PlayerRecord | undefined {
  const id = state.tokens.get(token);
  return id === undefined ? undefined : state.players.get(id);
}

/**
 * Replaces the state's contents with the seeded players. Persona links whose openid is known from
 * `resolved` (system → persona → external id) are linked at once; the others wait in
 * `pendingSeedLinks`.
 */
export function seedConnectState(
  state: ConnectState,
  players: readonly SeedPlayer[],
  resolved: ReadonlyMap<SocialSystem, ReadonlyMap<string, string>>,
  clock: Clock,
  ids: Ids,
): void {
  state.players.clear();
  state.owners.clear();
  state.userNames.clear();
  state.devices.clear();
  state.tokens.clear();
  state.failedLogins.clear();
  state.pendingSeedLinks.length = 0;
  for (const seed of players) {
    const player = createPlayer(
      state,
      clock,
      ids,
      {
        displayName: seed.displayName,
        segments: seed.segments,
        ...(seed.userName === undefined ? {} : { userName: seed.userName }),
        ...(seed.password === undefined ? {} : { password: seed.password }),
      },
      seed.id,
    );
    for (const device of seed.deviceIds) {
      player.deviceIds.push(device);
      state.devices.set(device, player.id);
    }
    for (const system of Object.values(GS_SYSTEMS)) {
      const ref = seed.externalIds[system];
      if (ref === undefined) continue;
      const externalId = 'id' in ref ? ref.id : resolved.get(system)?.get(ref.persona);
      if (externalId === undefined && 'persona' in ref) {
        state.pendingSeedLinks.push({ playerId: player.id, system, persona: ref.persona });
      } else if (externalId !== undefined) {
        claimExternalId(state, player, system, externalId, false);
      }
    }
  }
}

/**
 * Links pending seeded personas of one system now that their openids are known. A persona whose
 * openid someone claimed meanwhile stays unlinked (I1 wins over the seed); returns those.
 */
export function applySeedResolution(
  state: ConnectState,
  system: SocialSystem,
  openids: ReadonlyMap<string, string>,
): PendingSeedLink[] {
  const skipped: PendingSeedLink[] = [];
  const still: PendingSeedLink[] = [];
  for (const pending of state.pendingSeedLinks) {
    if (pending.system !== system) {
      still.push(pending);
      continue;
    }
    const externalId = openids.get(pending.persona);
    const player = state.players.get(pending.playerId);
    if (externalId === undefined || !player) {
      skipped.push(pending);
      continue;
    }
    if (!claimExternalId(state, player, system, externalId, false)) skipped.push(pending);
  }
  state.pendingSeedLinks.length = 0;
  state.pendingSeedLinks.push(...still);
  return skipped;
}
