/**
 * The connect decision table (`auth-server.md` §3) as one pure function. It reads the facts of one
 * validated connect and returns what to do; it never throws for an expected outcome and never
 * touches state, so it is unit-tested row by row and re-run against fresh state on a conflict.
 */

/** The flags of a `*ConnectRequest` that the table distinguishes (all default false). */
export interface LinkFlags {
  readonly doNotLinkToCurrentPlayer: boolean;
  readonly doNotCreateNewPlayer: boolean;
  readonly errorOnSwitch: boolean;
  readonly switchIfPossible: boolean;
}

/** The facts one decision is made from, read in the critical section. */
export interface LinkFacts {
  /** P0 and its profile of this provider (`slot`), or null when the caller is unauthenticated. */
  readonly current: { readonly playerId: string; readonly slot: string | null } | null;
  /** The validated external id X. */
  readonly externalId: string;
  /** Own(X): the player linked to X, if any. */
  readonly owner: string | null;
  readonly flags: LinkFlags;
}

/** A row of the table, for tests and logs. */
export type LinkRow = '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8a' | '8b' | '9';

/** What to do. Success kinds say where the session goes; error kinds say which error to answer. */
export type LinkDecision =
  /** Create P_new holding X; the session moves to it (not a switch). */
  | { readonly kind: 'create'; readonly row: '1' | '4' }
  /** Log in as X's owner from an unauthenticated session, or stay on P0 who already holds X. */
  | { readonly kind: 'login'; readonly row: '2' | '6'; readonly playerId: string }
  /** Link X to P0 and stay. */
  | { readonly kind: 'link'; readonly row: '3'; readonly playerId: string }
  /** Switch the session from P0 to X's pre-existing owner P1. */
  | { readonly kind: 'switch'; readonly row: '7' | '8b' | '9'; readonly playerId: string }
  /** `errorOnSwitch` stopped that switch; answer SWITCH_PREVENTED with P1's summary. */
  | { readonly kind: 'switch-prevented'; readonly row: '7' | '8b' | '9'; readonly playerId: string }
  /** P0 already has another profile of this provider. */
  | { readonly kind: 'already-linked'; readonly row: '5' | '8a' }
  /** `doNotCreateNewPlayer` stopped a create. */
  | { readonly kind: 'no-create'; readonly row: '1' | '4' };

function createOrRefuse(row: '1' | '4', flags: LinkFlags): LinkDecision {
  return flags.doNotCreateNewPlayer ? { kind: 'no-create', row } : { kind: 'create', row };
}

function switchOrPrevent(row: '7' | '8b' | '9', playerId: string, flags: LinkFlags): LinkDecision {
  return flags.errorOnSwitch
    ? { kind: 'switch-prevented', row, playerId }
    : { kind: 'switch', row, playerId };
}

/**
 * Picks the row of the decision table for one connect.
 * @example
 * decideLink({ current: null, externalId: 'oX', owner: null, flags }); // { kind: 'create', row: '1' }
 */
export function decideLink(facts: LinkFacts): LinkDecision {
  const { current, owner, flags } = facts;
  if (current === null) {
    // Logging in from an unauthenticated session is never a switch (§7.3).
    return owner === null
      ? createOrRefuse('1', flags)
      : { kind: 'login', row: '2', playerId: owner };
  }
  if (owner === current.playerId) return { kind: 'login', row: '6', playerId: owner };
  if (owner === null) {
    if (flags.doNotLinkToCurrentPlayer) return createOrRefuse('4', flags);
    return current.slot === null
      ? { kind: 'link', row: '3', playerId: current.playerId }
      : { kind: 'already-linked', row: '5' };
  }
  // X belongs to another player P1.
  if (current.slot === null) return switchOrPrevent('7', owner, flags);
  if (flags.doNotLinkToCurrentPlayer) return switchOrPrevent('9', owner, flags);
  return flags.switchIfPossible
    ? switchOrPrevent('8b', owner, flags)
    : { kind: 'already-linked', row: '8a' };
}
