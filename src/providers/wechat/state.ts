/**
 * Mutable state of one WeChat mock instance: codes, tokens and QR sessions, as plain records so
 * the whole state can be exported and imported. Never module-level: each instance owns one.
 */
import type { QrState } from './qr.js';

/** Who granted what to which app. */
export interface WechatGrant {
  readonly appid: string;
  readonly personaId: string;
  readonly scope: string;
}

/** An authorization code. */
export interface CodeRecord extends WechatGrant {
  readonly code: string;
  readonly expiresAt: number;
  used: boolean;
}

/** An access token. */
export interface AccessTokenRecord extends WechatGrant {
  readonly token: string;
  expiresAt: number;
  readonly refreshToken: string;
}

/** A refresh token; its life counts from the original grant and is never extended. */
export interface RefreshTokenRecord extends WechatGrant {
  readonly refreshToken: string;
  readonly expiresAt: number;
  accessToken: string;
}

/** A website QR login session. */
export interface QrSession {
  readonly uuid: string;
  readonly appid: string;
  readonly redirectUri: string;
  readonly state: string;
  readonly scope: string;
  readonly selfRedirect: string;
  readonly lang: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  qr: QrState;
}

/** All mutable WeChat state. */
export interface WechatState {
  readonly codes: Map<string, CodeRecord>;
  readonly accessTokens: Map<string, AccessTokenRecord>;
  readonly refreshTokens: Map<string, RefreshTokenRecord>;
  readonly qrSessions: Map<string, QrSession>;
  /** Persona answering authorize requests at once, or null for interactive consent. */
  autoApprove: string | null;
}

/** Creates empty state. */
export function createWechatState(autoApprove: string | null): WechatState {
  return {
    codes: new Map(),
    accessTokens: new Map(),
    refreshTokens: new Map(),
    qrSessions: new Map(),
    autoApprove,
  };
}

/** Drops records whose lifetime ended long enough ago that no answer depends on them any more. */
export function pruneWechatState(state: WechatState, now: number, graceMs: number): void {
  for (const [key, record] of state.codes)
    if (record.expiresAt + graceMs < now) state.codes.delete(key);
  for (const [key, record] of state.refreshTokens) {
    if (record.expiresAt + graceMs < now) state.refreshTokens.delete(key);
  }
  for (const [key, record] of state.accessTokens) {
    if (record.expiresAt + graceMs < now && !state.refreshTokens.has(record.refreshToken)) {
      state.accessTokens.delete(key);
    }
  }
  for (const [key, record] of state.qrSessions) {
    if (record.expiresAt + graceMs < now) state.qrSessions.delete(key);
  }
}
