/**
 * The connect API's mock-only endpoints: the players, credentials and live sessions as JSON, for
 * scripts to discover ids and secrets, and the reseeding behind `POST /__mock/reset`.
 */
import { json, type MockRequest, type MockResponse } from '../../core/http.js';
import type { AuthContext } from '../context.js';
import { GS_SYSTEMS } from './constants.js';
import { ensureSeedLinks } from './seed.js';
import { seedConnectState } from './state.js';

/** `GET /__mock/players`: every player with its links, tokens count and online status. */
export async function listPlayers(_req: MockRequest, ctx: AuthContext): Promise<MockResponse> {
  // Best effort: show seeded links resolved when the providers answer.
  await Promise.all(Object.values(GS_SYSTEMS).map((system) => ensureSeedLinks(ctx, system)));
  const { state, sessions } = ctx.connect;
  const tokens = new Map<string, number>();
  for (const playerId of state.tokens.values())
    tokens.set(playerId, (tokens.get(playerId) ?? 0) + 1);
  const online = new Set([...sessions.values()].map((session) => session.playerId));
  return json({
    players: [...state.players.values()].map((player) => ({
      id: player.id,
      displayName: player.displayName,
      userName: player.userName,
      password: player.password,
      deviceIds: player.deviceIds,
      externalIds: Object.fromEntries(
        Object.entries(player.links).map(([system, link]) => [system, link.externalId]),
      ),
      syncDisplayName: Object.fromEntries(
        Object.entries(player.links).map(([system, link]) => [system, link.syncDisplayName]),
      ),
      pendingSeedLinks: state.pendingSeedLinks
        .filter((pending) => pending.playerId === player.id)
        .map((pending) => ({ system: pending.system, persona: pending.persona })),
      segments: player.segments,
      authTokens: tokens.get(player.id) ?? 0,
      online: online.has(player.id),
      createdAt: new Date(player.createdAt).toISOString(),
    })),
  });
}

/** `GET /__mock/credentials`: the API key, each credential, and ready-made REST/socket URLs. */
export function listCredentials(req: MockRequest, ctx: AuthContext): MockResponse {
  const { world } = ctx.connect;
  const origin = req.url.origin;
  const wsOrigin = origin.replace(/^http/, 'ws');
  return json({
    apiKey: world.apiKey,
    credentials: world.credentials.map((credential) => ({
      name: credential.name,
      secret: credential.secret,
      description: credential.description ?? '',
      coppa: credential.coppa,
      actAsPlayer: credential.actAsPlayer,
      restUrl: `${origin}/rs/${credential.name}/${credential.secret}/`,
      socketUrl: `${wsOrigin}/ws/${credential.name}/${world.apiKey}`,
    })),
    wechat: { appid: ctx.settings.wechat.appid, baseUrl: ctx.settings.wechat.baseUrl },
    qq: { clientId: ctx.settings.qq.clientId, baseUrl: ctx.settings.qq.baseUrl },
  });
}

/** `GET /__mock/sessions`: live WebSocket sessions and the player each is bound to. */
export function listSessions(_req: MockRequest, ctx: AuthContext): MockResponse {
  return json({
    sessions: [...ctx.connect.sessions.values()].map((session) => ({
      sessionId: session.sessionId,
      playerId: session.playerId,
    })),
  });
}

/** Returns the connect state to the seeded world (live sockets stay open; see the ADR). */
export function resetConnect(ctx: AuthContext): void {
  seedConnectState(
    ctx.connect.state,
    ctx.connect.world.players,
    ctx.connect.seedIds,
    ctx.clock,
    ctx.ids,
  );
}
