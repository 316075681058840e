/**
 * What the states of one interaction share. Labels (`P0`, `X`, `T`) name identities within one
 * interaction: `player P1 is linked to WeChat user X` and `WeChat user X holds a fresh access
 * token` must mean the same X, whichever set-up runs first. The first teardown after a set-up ends
 * the interaction: the labels are forgotten, so the next interaction's are fresh identities again.
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
  /** Called by every set-up: the interaction has begun. */
  begin(): void;
  /** Called by every teardown: ends the interaction once, then runs `onEnd`. */
  end(): Promise<void>;
}

/**
 * Creates the scope; personas come from `identities`. `onEnd` runs once after each interaction
 * that set something up (e.g. to reset a server that can be reset).
 */
export function createScope(
  identities: Identities,
  onEnd: () => Promise<void> = () => Promise.resolve(),
): InteractionScope {
  const personas = new Map<string, Promise<string>>();
  const players = new Map<string, PlayerHandle>();
  const memo = new Map<string, unknown>();
  let begun = false;
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
    begin() {
      begun = true;
    },
    async end() {
      if (!begun) return;
      begun = false;
      personas.clear();
      players.clear();
      memo.clear();
      await onEnd();
    },
  };
}
