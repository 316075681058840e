/**
 * What the states of one interaction share. Labels (`P0`, `X`, `T`) name identities within one
 * interaction: `player P1 is linked to WeChat user X` and `WeChat user X holds a fresh access
 * token` must mean the same X, whichever set-up runs first. Every teardown clears the scope, so
 * the next interaction's labels are fresh identities again.
 */
import type { Identities } from './identities.js';

/** A player a set-up created. */
export interface PlayerHandle {
  readonly id: string;
  authToken: string;
  readonly deviceId?: string;
  readonly userName?: string;
  readonly password?: string;
}

/** The labels of one interaction. */
export interface InteractionScope {
  /** The persona behind a user label of a provider (a fresh one the first time). */
  persona(provider: string, label: string): Promise<string>;
  /** Players by label. */
  readonly players: Map<string, PlayerHandle>;
  /** Anything else a state keeps for another state of the same interaction, by key. */
  readonly memo: Map<string, unknown>;
  clear(): void;
}

/** Creates the scope; personas come from `identities`. */
export function createScope(identities: Identities): InteractionScope {
  const personas = new Map<string, Promise<string>>();
  const players = new Map<string, PlayerHandle>();
  const memo = new Map<string, unknown>();
  return {
    persona(provider, label) {
      const key = `${provider}\u0000${label}`;
      let persona = personas.get(key);
      if (!persona) {
        persona = identities.freshPersona();
        personas.set(key, persona);
      }
      return persona;
    },
    players,
    memo,
    clear() {
      personas.clear();
      players.clear();
      memo.clear();
    },
  };
}
