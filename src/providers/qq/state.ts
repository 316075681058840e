/**
 * Mutable state of one QQ mock instance: codes and tokens as plain records, so the whole state can
 * be exported and imported. Never module-level: each instance owns one.
 */

/** Who granted what to which app. */
export interface QqGrant {
  readonly clientId: string;
  readonly personaId: string;
  /** Comma-separated API names as requested, e.g. `get_user_info,list_album`. */
  readonly scope: string;
}

/** An authorization code (single use, 10 minutes). */
export interface CodeRecord extends QqGrant {
  readonly code: string;
  readonly redirectUri: string;
  readonly expiresAt: number;
  used: boolean;
}

/** An access token. */
export interface AccessTokenRecord extends QqGrant {
  readonly token: string;
  readonly expiresAt: number;
}

/** A refresh token: usable once, and never beyond the end of its chain. */
export interface RefreshTokenRecord extends QqGrant {
  readonly refreshToken: string;
  /** End of the whole refresh chain, fixed at the code exchange. */
  readonly expiresAt: number;
  used: boolean;
}

/** All mutable QQ state. */
export interface QqState {
  readonly codes: Map<string, CodeRecord>;
  readonly accessTokens: Map<string, AccessTokenRecord>;
  readonly refreshTokens: Map<string, RefreshTokenRecord>;
  /** Persona answering authorize requests at once, or null for the interactive login page. */
  autoApprove: string | null;
}

/** Creates empty state. */
export function createQqState(autoApprove: string | null): QqState {
  return {
    codes: new Map(),
    accessTokens: new Map(),
    refreshTokens: new Map(),
    autoApprove,
  };
}

/** Drops records whose lifetime ended long enough ago that no answer depends on them any more. */
export function pruneQqState(state: QqState, now: number, graceMs: number): void {
  for (const map of [state.codes, state.accessTokens, state.refreshTokens]) {
    for (const [key, record] of map) if (record.expiresAt + graceMs < now) map.delete(key);
  }
}
