/**
 * QQ hooks for the core controls: the error catalogue faults answer from, the persona and app
 * behind a request (for scoped faults), and the state as a JSON-safe snapshot and back, validated
 * against the world before anything is replaced.
 */
import * as z from 'zod';
import { param, type MockRequest } from '../../core/http.js';
import { formatIssues } from '../../core/validation.js';
import type { QqContext } from './context.js';
import { QQ_OAUTH_ERRORS, QQ_OPENAPI_ERRORS, QQ_PAGE_ERRORS } from './errors.js';
import type { QqState } from './state.js';

function prefixed<T extends Record<string, unknown>>(
  prefix: string,
  catalogue: T,
): Record<string, T[keyof T]> {
  return Object.fromEntries(
    Object.entries(catalogue).map(([key, spec]) => [`${prefix}${key}`, spec as T[keyof T]]),
  );
}

/**
 * Keys a QQ fault may answer: the OAuth errors of `/oauth2.0/token` and `/oauth2.0/me` by their own
 * key (`accessTokenCheckFailed` is 100016), the OpenAPI errors of `/user/get_user_info` as
 * `openapi.<key>` and the browser-step pages as `page.<key>`; the families share some key names.
 */
export const QQ_FAULT_CATALOGUE: Readonly<Record<string, unknown>> = Object.freeze({
  ...QQ_OAUTH_ERRORS,
  ...prefixed('openapi.', QQ_OPENAPI_ERRORS),
  ...prefixed('page.', QQ_PAGE_ERRORS),
});

const text = z.string().max(4096);
const time = z.number().int().min(0);
const grant = { clientId: text, personaId: text, scope: text };

/** Schema of the QQ part of a state document. */
export const qqSnapshotSchema = z.strictObject({
  codes: z.array(
    z.strictObject({
      ...grant,
      code: text.min(1),
      redirectUri: text,
      expiresAt: time,
      used: z.boolean(),
    }),
  ),
  accessTokens: z.array(z.strictObject({ ...grant, token: text.min(1), expiresAt: time })),
  refreshTokens: z.array(
    z.strictObject({ ...grant, refreshToken: text.min(1), expiresAt: time, used: z.boolean() }),
  ),
  autoApprove: text.nullable(),
});

/** The QQ part of a state document. */
export type QqSnapshot = z.output<typeof qqSnapshotSchema>;

/** Copies the state into plain arrays (insertion order kept, so equal states serialise equally). */
export function snapshotQqState(state: QqState): QqSnapshot {
  return {
    codes: [...state.codes.values()].map((record) => ({ ...record })),
    accessTokens: [...state.accessTokens.values()].map((record) => ({ ...record })),
    refreshTokens: [...state.refreshTokens.values()].map((record) => ({ ...record })),
    autoApprove: state.autoApprove,
  };
}

function crossCheck(ctx: QqContext, snapshot: QqSnapshot): string[] {
  const problems: string[] = [];
  const check = (where: string, clientId: string, personaId: string): void => {
    if (!ctx.world.app(clientId)) problems.push(`${where}.clientId: unknown app "${clientId}"`);
    if (ctx.world.user(personaId)?.persona.id !== personaId) {
      problems.push(`${where}.personaId: unknown QQ persona "${personaId}"`);
    }
  };
  const unique = (where: string, keys: readonly string[]): void => {
    const seen = new Set<string>();
    keys.forEach((key, index) => {
      if (seen.has(key)) problems.push(`${where}.${index}: duplicate "${key}"`);
      seen.add(key);
    });
  };
  snapshot.codes.forEach((r, i) => {
    check(`codes.${i}`, r.clientId, r.personaId);
  });
  snapshot.accessTokens.forEach((r, i) => {
    check(`accessTokens.${i}`, r.clientId, r.personaId);
  });
  snapshot.refreshTokens.forEach((r, i) => {
    check(`refreshTokens.${i}`, r.clientId, r.personaId);
  });
  unique(
    'codes',
    snapshot.codes.map((r) => r.code),
  );
  unique(
    'accessTokens',
    snapshot.accessTokens.map((r) => r.token),
  );
  unique(
    'refreshTokens',
    snapshot.refreshTokens.map((r) => r.refreshToken),
  );
  if (snapshot.autoApprove !== null && !ctx.world.user(snapshot.autoApprove)) {
    problems.push(`autoApprove: unknown QQ persona "${snapshot.autoApprove}"`);
  }
  return problems;
}

/**
 * Replaces the state with a snapshot after validating all of it; answers the problems, and
 * changes nothing, when there are any.
 */
export function restoreQqState(ctx: QqContext, data: unknown): string[] {
  const parsed = qqSnapshotSchema.safeParse(data);
  if (!parsed.success) return formatIssues(parsed.error);
  const snapshot = parsed.data;
  const problems = crossCheck(ctx, snapshot);
  if (problems.length > 0) return problems;
  const state = ctx.state;
  state.codes.clear();
  state.accessTokens.clear();
  state.refreshTokens.clear();
  for (const record of snapshot.codes) state.codes.set(record.code, { ...record });
  for (const record of snapshot.accessTokens) state.accessTokens.set(record.token, { ...record });
  for (const record of snapshot.refreshTokens) {
    state.refreshTokens.set(record.refreshToken, { ...record });
  }
  state.autoApprove = snapshot.autoApprove;
  return [];
}

/** Empties codes and tokens and puts auto-approve back to its configured value. */
export function resetQqState(ctx: QqContext, autoApprove: string | null): void {
  ctx.state.codes.clear();
  ctx.state.accessTokens.clear();
  ctx.state.refreshTokens.clear();
  ctx.state.autoApprove = autoApprove;
}

/** The grant behind a request's code, access token or refresh token, if any. */
function grantOf(
  ctx: QqContext,
  req: MockRequest,
): { clientId: string; personaId: string } | undefined {
  return (
    ctx.state.codes.get(param(req, 'code') ?? '') ??
    ctx.state.accessTokens.get(param(req, 'access_token') ?? '') ??
    ctx.state.refreshTokens.get(param(req, 'refresh_token') ?? '')
  );
}

/**
 * A fault-scope value for a request: `persona` from its code, token, openid or user; `client_id`
 * from its code or token (so `/oauth2.0/me`, which takes only a token, can be scoped to an app).
 */
export function qqScopeOf(ctx: QqContext, req: MockRequest, key: string): string | undefined {
  const grant = grantOf(ctx, req);
  if (key === 'client_id') return grant?.clientId;
  if (key !== 'persona') return undefined;
  if (grant) return grant.personaId;
  for (const name of ['openid', 'user']) {
    const value = param(req, name);
    const found = value === undefined ? undefined : ctx.world.user(value);
    if (found) return found.persona.id;
  }
  return undefined;
}
