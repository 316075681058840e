/**
 * WeChat state as a JSON-safe snapshot (Maps become arrays of records) and back, validated against
 * the world before anything is replaced; plus the persona and app behind a request, for fault
 * scopes.
 */
import * as z from 'zod';
import { param, type MockRequest } from '../../core/http.js';
import { formatIssues } from '../../core/validation.js';
import type { WechatContext } from './context.js';
import type { QrSession, WechatState } from './state.js';

const text = z.string().max(4096);
const time = z.number().int().min(0);
const grant = { appid: text, personaId: text, scope: text };

const qrStateSchema = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('waiting') }),
  z.strictObject({ status: z.literal('scanned'), personaId: text.nullable() }),
  z.strictObject({ status: z.literal('cancelled') }),
  z.strictObject({ status: z.literal('confirmed'), personaId: text, code: text }),
  z.strictObject({ status: z.literal('delivered'), personaId: text, code: text }),
  z.strictObject({ status: z.literal('expired') }),
]);

/** Schema of the WeChat part of a state document. */
export const wechatSnapshotSchema = z.strictObject({
  codes: z.array(
    z.strictObject({ ...grant, code: text.min(1), expiresAt: time, used: z.boolean() }),
  ),
  accessTokens: z.array(
    z.strictObject({ ...grant, token: text.min(1), refreshToken: text.min(1), expiresAt: time }),
  ),
  refreshTokens: z.array(
    z.strictObject({ ...grant, refreshToken: text.min(1), accessToken: text, expiresAt: time }),
  ),
  qrSessions: z.array(
    z.strictObject({
      uuid: text.min(1),
      appid: text,
      redirectUri: text,
      state: text,
      scope: text,
      selfRedirect: text,
      lang: text,
      createdAt: time,
      expiresAt: time,
      qr: qrStateSchema,
    }),
  ),
  autoApprove: text.nullable(),
});

/** The WeChat part of a state document. */
export type WechatSnapshot = z.output<typeof wechatSnapshotSchema>;

/** Copies the state into plain arrays (insertion order kept, so equal states serialise equally). */
export function snapshotWechatState(state: WechatState): WechatSnapshot {
  return {
    codes: [...state.codes.values()].map((record) => ({ ...record })),
    accessTokens: [...state.accessTokens.values()].map((record) => ({ ...record })),
    refreshTokens: [...state.refreshTokens.values()].map((record) => ({ ...record })),
    qrSessions: [...state.qrSessions.values()].map((session) => ({
      ...session,
      qr: { ...session.qr },
    })),
    autoApprove: state.autoApprove,
  };
}

function crossCheck(ctx: WechatContext, snapshot: WechatSnapshot): string[] {
  const problems: string[] = [];
  const checkGrant = (where: string, appid: string, personaId: string | null): void => {
    if (!ctx.world.app(appid)) problems.push(`${where}.appid: unknown app "${appid}"`);
    if (personaId !== null && ctx.world.user(personaId)?.persona.id !== personaId) {
      problems.push(`${where}.personaId: unknown WeChat persona "${personaId}"`);
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
    checkGrant(`codes.${i}`, r.appid, r.personaId);
  });
  snapshot.accessTokens.forEach((r, i) => {
    checkGrant(`accessTokens.${i}`, r.appid, r.personaId);
  });
  snapshot.refreshTokens.forEach((r, i) => {
    checkGrant(`refreshTokens.${i}`, r.appid, r.personaId);
  });
  snapshot.qrSessions.forEach((s, i) => {
    checkGrant(`qrSessions.${i}`, s.appid, 'personaId' in s.qr ? s.qr.personaId : null);
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
  unique(
    'qrSessions',
    snapshot.qrSessions.map((s) => s.uuid),
  );
  if (snapshot.autoApprove !== null && !ctx.world.user(snapshot.autoApprove)) {
    problems.push(`autoApprove: unknown WeChat persona "${snapshot.autoApprove}"`);
  }
  return problems;
}

/**
 * Replaces the state with a snapshot after validating all of it; answers the problems, and
 * changes nothing, when there are any.
 */
export function restoreWechatState(ctx: WechatContext, data: unknown): string[] {
  const parsed = wechatSnapshotSchema.safeParse(data);
  if (!parsed.success) return formatIssues(parsed.error);
  const snapshot = parsed.data;
  const problems = crossCheck(ctx, snapshot);
  if (problems.length > 0) return problems;
  const state = ctx.state;
  state.codes.clear();
  state.accessTokens.clear();
  state.refreshTokens.clear();
  state.qrSessions.clear();
  for (const record of snapshot.codes) state.codes.set(record.code, { ...record });
  for (const record of snapshot.accessTokens) state.accessTokens.set(record.token, { ...record });
  for (const record of snapshot.refreshTokens) {
    state.refreshTokens.set(record.refreshToken, { ...record });
  }
  for (const session of snapshot.qrSessions) {
    const restored: QrSession = { ...session, qr: { ...session.qr } };
    state.qrSessions.set(session.uuid, restored);
  }
  state.autoApprove = snapshot.autoApprove;
  // Held long-polls re-read their session.
  ctx.signals.notifyAll();
  return [];
}

/** Empties codes, tokens and QR sessions and puts auto-approve back to its configured value. */
export function resetWechatState(ctx: WechatContext, autoApprove: string | null): void {
  ctx.state.codes.clear();
  ctx.state.accessTokens.clear();
  ctx.state.refreshTokens.clear();
  ctx.state.qrSessions.clear();
  ctx.state.autoApprove = autoApprove;
  ctx.signals.notifyAll();
}

/** The grant behind a request's code, access token, refresh token or QR session, if any. */
function grantOf(
  ctx: WechatContext,
  req: MockRequest,
): { appid: string; personaId: string | null } | undefined {
  const code = ctx.state.codes.get(param(req, 'code') ?? '');
  if (code) return code;
  const access = ctx.state.accessTokens.get(param(req, 'access_token') ?? '');
  if (access) return access;
  const refresh = ctx.state.refreshTokens.get(param(req, 'refresh_token') ?? '');
  if (refresh) return refresh;
  const session = ctx.state.qrSessions.get(param(req, 'uuid') ?? '');
  if (session) {
    const personaId = 'personaId' in session.qr ? session.qr.personaId : null;
    return { appid: session.appid, personaId };
  }
  return undefined;
}

/**
 * A fault-scope value for a request: `persona` from its code, token, QR session, openid or user;
 * `appid` from its code, token, QR session or openid.
 */
export function wechatScopeOf(
  ctx: WechatContext,
  req: MockRequest,
  key: string,
): string | undefined {
  const grant = grantOf(ctx, req);
  const openid = param(req, 'openid');
  const byOpenid = openid === undefined ? undefined : ctx.world.resolveOpenid(openid);
  if (key === 'appid') return grant?.appid ?? byOpenid?.app.appid;
  if (key !== 'persona') return undefined;
  if (grant?.personaId) return grant.personaId;
  if (byOpenid) return byOpenid.user.persona.id;
  const user = param(req, 'user');
  return user === undefined ? undefined : ctx.world.user(user)?.persona.id;
}
