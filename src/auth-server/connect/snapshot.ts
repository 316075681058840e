/**
 * The connect slice as a JSON-safe snapshot (maps become arrays, indexes are rebuilt) and back,
 * validated in full — schema, then I1, I2 and uniqueness — before anything is replaced.
 */
import * as z from 'zod';
import { formatIssues } from '../../core/validation.js';
import { GS_SYSTEMS, type SocialSystem } from './constants.js';
import { claimExternalId, type ConnectState, type PlayerRecord } from './state.js';

const text = z.string().max(4096);
const link = z.strictObject({ externalId: text.min(1), syncDisplayName: z.boolean() });
const system = z.enum([GS_SYSTEMS.wechat, GS_SYSTEMS.qq]);

/** Schema of the connect part of a state document. */
export const connectSnapshotSchema = z.strictObject({
  players: z.array(
    z.strictObject({
      id: text.min(1),
      displayName: text,
      userName: text.min(1).nullable(),
      password: text.min(1).nullable(),
      deviceIds: z.array(text.min(1)),
      links: z.strictObject({ WC: link.optional(), QQ: link.optional() }),
      segments: z.record(text, text),
      createdAt: z.number().int().min(0),
    }),
  ),
  tokens: z.array(z.strictObject({ token: text.min(1), playerId: text.min(1) })),
  failedLogins: z.array(
    z.strictObject({
      userName: text,
      count: z.number().int().min(0),
      lockedUntil: z.number().int().min(0),
    }),
  ),
  pendingSeedLinks: z.array(
    z.strictObject({ playerId: text.min(1), system, persona: text.min(1) }),
  ),
});

/** The connect part of a state document. */
export type ConnectSnapshot = z.output<typeof connectSnapshotSchema>;

/** Copies the state into plain arrays (insertion order kept). */
export function snapshotConnectState(state: ConnectState): ConnectSnapshot {
  return {
    players: [...state.players.values()].map((player) => ({
      id: player.id,
      displayName: player.displayName,
      userName: player.userName,
      password: player.password,
      deviceIds: [...player.deviceIds],
      links: Object.fromEntries(
        Object.entries(player.links).map(([key, value]) => [key, { ...value }]),
      ),
      segments: { ...player.segments },
      createdAt: player.createdAt,
    })),
    tokens: [...state.tokens].map(([token, playerId]) => ({ token, playerId })),
    failedLogins: [...state.failedLogins].map(([userName, entry]) => ({ userName, ...entry })),
    pendingSeedLinks: state.pendingSeedLinks.map((pending) => ({ ...pending })),
  };
}

function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const value of values) (seen.has(value) ? twice : seen).add(value);
  return [...twice];
}

function crossCheck(snapshot: ConnectSnapshot): string[] {
  const problems: string[] = [];
  const ids = new Set(snapshot.players.map((player) => player.id));
  for (const id of duplicates(snapshot.players.map((player) => player.id))) {
    problems.push(`players: duplicate id "${id}"`);
  }
  const userNames = snapshot.players.flatMap((player) => player.userName ?? []);
  for (const name of duplicates(userNames)) problems.push(`players: duplicate userName "${name}"`);
  for (const device of duplicates(snapshot.players.flatMap((player) => player.deviceIds))) {
    problems.push(`players: device "${device}" belongs to two players`);
  }
  for (const key of Object.values(GS_SYSTEMS)) {
    const externalIds = snapshot.players.flatMap((player) => player.links[key]?.externalId ?? []);
    for (const externalId of duplicates(externalIds)) {
      problems.push(`players: ${key} id "${externalId}" is linked to two players (I1)`);
    }
  }
  snapshot.tokens.forEach((token, index) => {
    if (!ids.has(token.playerId)) problems.push(`tokens.${index}.playerId: unknown player`);
  });
  snapshot.pendingSeedLinks.forEach((pending, index) => {
    if (!ids.has(pending.playerId))
      problems.push(`pendingSeedLinks.${index}.playerId: unknown player`);
  });
  return problems;
}

/**
 * Replaces the state with a snapshot after validating all of it; answers the problems, and
 * changes nothing, when there are any.
 */
export function restoreConnectState(state: ConnectState, data: unknown): string[] {
  const parsed = connectSnapshotSchema.safeParse(data);
  if (!parsed.success) return formatIssues(parsed.error);
  const snapshot = parsed.data;
  const problems = crossCheck(snapshot);
  if (problems.length > 0) return problems;
  state.players.clear();
  state.owners.clear();
  state.userNames.clear();
  state.devices.clear();
  state.tokens.clear();
  state.failedLogins.clear();
  state.pendingSeedLinks.length = 0;
  for (const saved of snapshot.players) {
    const player: PlayerRecord = {
      id: saved.id,
      displayName: saved.displayName,
      userName: saved.userName,
      password: saved.password,
      deviceIds: [...saved.deviceIds],
      links: {},
      segments: { ...saved.segments },
      createdAt: saved.createdAt,
    };
    state.players.set(player.id, player);
    if (player.userName !== null) state.userNames.set(player.userName, player.id);
    for (const device of player.deviceIds) state.devices.set(device, player.id);
    for (const key of Object.values(GS_SYSTEMS) as SocialSystem[]) {
      const saveLink = saved.links[key];
      if (saveLink) {
        claimExternalId(state, player, key, saveLink.externalId, saveLink.syncDisplayName);
      }
    }
  }
  for (const { token, playerId } of snapshot.tokens) state.tokens.set(token, playerId);
  for (const { userName, count, lockedUntil } of snapshot.failedLogins) {
    state.failedLogins.set(userName, { count, lockedUntil });
  }
  state.pendingSeedLinks.push(...snapshot.pendingSeedLinks);
  return [];
}
