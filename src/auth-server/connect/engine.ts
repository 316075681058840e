/**
 * The transport-free core of the connect API: one message in, one response body out, the same for
 * REST and WebSocket. Validation runs in §1's order (REQUIRED → COPPA → provider → decision table);
 * each commit reads state, decides and writes with no `await` in between (§4).
 */
import { safeEqual } from '../../core/ids.js';
import type { AuthContext, BeforeCommitEvent } from '../context.js';
import type { Credential } from '../world.js';
import type { ProviderCheck } from '../clients/provider-http.js';
import {
  CODE_INVALID,
  DEVICE_OS_VALUES,
  ERR_ACCOUNT_ALREADY_LINKED,
  ERR_COPPA,
  ERR_DETAILS_LOCKED,
  ERR_DETAILS_UNRECOGNISED,
  ERR_NO_CREATE,
  ERR_NOT_AUTHENTICATED,
  ERR_NOT_JSON,
  ERR_PROVIDER_UNAVAILABLE,
  ERR_SWITCH_PREVENTED,
  ERR_UNKNOWN_REQUEST,
  ERR_USERNAME_TAKEN,
  GS_CODES,
  GS_REQUESTS,
  GS_SYSTEMS,
  type ErrorMap,
  type GsRequestClass,
  type SocialSystem,
} from './constants.js';
import {
  authError,
  authSuccess,
  responseClassOf,
  type GsBody,
  type RequestId,
  type SwitchSummary,
} from './envelope.js';
import { decideLink, type LinkDecision } from './linking.js';
import { isRequestClass, parseFields, type RequestFields } from './requests.js';
import { ensureSeedLinks } from './seed.js';
import { claimExternalId, createPlayer, mintToken, ownerOf, type PlayerRecord } from './state.js';

/** Who is asking: the credential, and the current player as the transport knows it. */
export interface GsCaller {
  readonly credential: Credential;
  /** The current player's id, read inside the critical section; null when unauthenticated. */
  currentPlayerId(): string | null;
}

/** The answer, and on success the player the caller is now authenticated as. */
export interface GsOutcome {
  readonly body: GsBody;
  readonly playerId?: string;
}

/** A validated external identity. */
interface Identity {
  readonly system: SocialSystem;
  readonly externalId: string;
  readonly nickname: string;
}

type ConnectFields =
  RequestFields<typeof GS_REQUESTS.wechat> | RequestFields<typeof GS_REQUESTS.qq>;

/** Most pruned login-failure records kept (the map is keyed by any user name tried). */
const MAX_TRACKED_LOGIN_FAILURES = 10_000;

/** The requestId to echo, or `{invalid: true}` when present but neither string nor number. */
export function readRequestId(
  message: Readonly<Record<string, unknown>>,
): { readonly invalid: false; readonly requestId: RequestId } | { readonly invalid: true } {
  const value = message['requestId'];
  if (value === undefined || value === null) return { invalid: false, requestId: undefined };
  if (typeof value === 'string' && value.length <= 256) return { invalid: false, requestId: value };
  if (typeof value === 'number' && Number.isFinite(value)) {
    return { invalid: false, requestId: value };
  }
  return { invalid: true };
}

function fail(requestClass: string | undefined, error: ErrorMap, requestId: RequestId): GsOutcome {
  return { body: authError(responseClassOf(requestClass), error, requestId) };
}

function succeed(
  ctx: AuthContext,
  requestClass: GsRequestClass,
  player: PlayerRecord,
  newPlayer: boolean,
  requestId: RequestId,
): GsOutcome {
  const authToken = mintToken(ctx.connect.state, ctx.ids, player.id);
  return {
    body: authSuccess(
      responseClassOf(requestClass),
      { authToken, displayName: player.displayName, newPlayer, userId: player.id },
      requestId,
    ),
    playerId: player.id,
  };
}

function currentPlayer(ctx: AuthContext, caller: GsCaller): PlayerRecord | undefined {
  const id = caller.currentPlayerId();
  // A binding to a player that no longer exists (after /__mock/reset) counts as unauthenticated.
  return id === null ? undefined : ctx.connect.state.players.get(id);
}

async function barrier(ctx: AuthContext, event: BeforeCommitEvent): Promise<void> {
  const hook = ctx.hooks.beforeCommit;
  if (hook) await hook(event);
}

/**
 * Answers one GameSparks message. Never throws for bad input: a non-object, an unknown `@class`,
 * missing or mistyped fields all become envelope errors.
 */
export async function handleGsRequest(
  ctx: AuthContext,
  caller: GsCaller,
  message: unknown,
): Promise<GsOutcome> {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return fail(undefined, ERR_NOT_JSON, undefined);
  }
  const body = message as Readonly<Record<string, unknown>>;
  const read = readRequestId(body);
  if (read.invalid) return fail(undefined, { requestId: CODE_INVALID }, undefined);
  const { requestId } = read;
  const requestClass = body['@class'];
  if (!isRequestClass(requestClass)) return fail(undefined, ERR_UNKNOWN_REQUEST, requestId);
  const base = { requestClass, requestId, credential: caller.credential.name } as const;
  switch (requestClass) {
    case GS_REQUESTS.device: {
      const parsed = parseFields(requestClass, body);
      if (!parsed.ok) return fail(requestClass, parsed.error, requestId);
      return authenticateDevice(ctx, parsed.fields, base);
    }
    case GS_REQUESTS.registration: {
      const parsed = parseFields(requestClass, body);
      if (!parsed.ok) return fail(requestClass, parsed.error, requestId);
      return register(ctx, parsed.fields, base);
    }
    case GS_REQUESTS.authentication: {
      const parsed = parseFields(requestClass, body);
      if (!parsed.ok) return fail(requestClass, parsed.error, requestId);
      return authenticate(ctx, parsed.fields, base);
    }
    case GS_REQUESTS.wechat: {
      const parsed = parseFields(requestClass, body);
      if (!parsed.ok) return fail(requestClass, parsed.error, requestId);
      const { accessToken, openId } = parsed.fields;
      return connectSocial(ctx, caller, parsed.fields, base, GS_SYSTEMS.wechat, async () => {
        const answer = await ctx.wechat.validate(accessToken, openId);
        return mapIdentity(answer, GS_SYSTEMS.wechat);
      });
    }
    case GS_REQUESTS.qq: {
      const parsed = parseFields(requestClass, body);
      if (!parsed.ok) return fail(requestClass, parsed.error, requestId);
      const { accessToken } = parsed.fields;
      return connectSocial(ctx, caller, parsed.fields, base, GS_SYSTEMS.qq, async () => {
        const clientId = await ctx.qqClientId();
        if (clientId === undefined) {
          return { kind: 'unavailable', reason: 'no QQ client_id is configured or discoverable' };
        }
        return mapIdentity(await ctx.qq.validate(accessToken, clientId), GS_SYSTEMS.qq);
      });
    }
  }
}

function mapIdentity(
  answer: ProviderCheck<{ openid: string; nickname: string }>,
  system: SocialSystem,
): ProviderCheck<Identity> {
  return answer.kind === 'ok'
    ? {
        kind: 'ok',
        value: { system, externalId: answer.value.openid, nickname: answer.value.nickname },
      }
    : answer;
}

type Base = Pick<BeforeCommitEvent, 'requestClass' | 'requestId' | 'credential'>;

async function connectSocial(
  ctx: AuthContext,
  caller: GsCaller,
  fields: ConnectFields,
  base: Base,
  system: SocialSystem,
  validate: () => Promise<ProviderCheck<Identity>>,
): Promise<GsOutcome> {
  const { requestClass, requestId } = base;
  // COPPA is decided from the credential alone: no provider is asked.
  if (caller.credential.coppa) return fail(requestClass, ERR_COPPA, requestId);
  if (!(await ensureSeedLinks(ctx, system))) {
    return fail(requestClass, ERR_PROVIDER_UNAVAILABLE, requestId);
  }
  const identity = await validate();
  if (identity.kind === 'rejected') return fail(requestClass, ERR_NOT_AUTHENTICATED, requestId);
  if (identity.kind === 'unavailable') {
    ctx.log(`${requestClass}: provider unavailable: ${identity.reason}`);
    return fail(requestClass, ERR_PROVIDER_UNAVAILABLE, requestId);
  }
  await barrier(ctx, {
    requestClass: base.requestClass,
    requestId: base.requestId,
    credential: base.credential,
    system,
    externalId: identity.value.externalId,
  });
  return commitConnect(ctx, caller, fields, base, identity.value);
}

const CONFLICT = Symbol('conflict');

/** The critical section of a connect: fresh read, decision, conditional write. No `await`. */
function commitConnect(
  ctx: AuthContext,
  caller: GsCaller,
  fields: ConnectFields,
  base: Base,
  identity: Identity,
): GsOutcome {
  const { state } = ctx.connect;
  const flags = {
    doNotLinkToCurrentPlayer: fields.doNotLinkToCurrentPlayer ?? false,
    doNotCreateNewPlayer: fields.doNotCreateNewPlayer ?? false,
    errorOnSwitch: fields.errorOnSwitch ?? false,
    switchIfPossible: fields.switchIfPossible ?? false,
  };
  // In one process the conditional writes cannot fail after a fresh read; the retry is the §4
  // "evaluate once more" step, kept so the structure survives a store with real concurrency.
  for (let attempt = 0; attempt < 2; attempt++) {
    const current = currentPlayer(ctx, caller);
    const decision = decideLink({
      current: current
        ? { playerId: current.id, slot: current.links[identity.system]?.externalId ?? null }
        : null,
      externalId: identity.externalId,
      owner: ownerOf(state, identity.system, identity.externalId),
      flags,
    });
    const outcome = applyDecision(ctx, decision, current, fields, base, identity);
    if (outcome !== CONFLICT) return outcome;
  }
  throw new Error(`connect for ${identity.system}:${identity.externalId} kept conflicting`);
}

/** Applies `syncDisplayName` (the request's value, else the one stored on the link). */
function syncDisplayName(
  player: PlayerRecord,
  identity: Identity,
  requested: boolean | undefined,
): void {
  const link = player.links[identity.system];
  if (!link) return;
  if (requested !== undefined) link.syncDisplayName = requested;
  if (link.syncDisplayName && identity.nickname !== '') player.displayName = identity.nickname;
}

function applyDecision(
  ctx: AuthContext,
  decision: LinkDecision,
  current: PlayerRecord | undefined,
  fields: ConnectFields,
  base: Base,
  identity: Identity,
): GsOutcome | typeof CONFLICT {
  const { state } = ctx.connect;
  const { requestClass, requestId } = base;
  switch (decision.kind) {
    case 'create': {
      const player = createPlayer(state, ctx.clock, ctx.ids, {
        displayName: identity.nickname,
        segments: fields.segments ?? {},
      });
      const sync = fields.syncDisplayName ?? false;
      if (!claimExternalId(state, player, identity.system, identity.externalId, sync)) {
        state.players.delete(player.id);
        return CONFLICT;
      }
      return succeed(ctx, requestClass, player, true, requestId);
    }
    case 'link': {
      if (!current) return CONFLICT;
      const sync = fields.syncDisplayName ?? false;
      if (!claimExternalId(state, current, identity.system, identity.externalId, sync)) {
        return CONFLICT;
      }
      // Linking fills an empty displayName only (Nakama's COALESCE); sync then overwrites.
      if (current.displayName === '') current.displayName = identity.nickname;
      syncDisplayName(current, identity, undefined);
      return succeed(ctx, requestClass, current, false, requestId);
    }
    case 'login':
    case 'switch': {
      const player = state.players.get(decision.playerId);
      if (!player) return CONFLICT;
      syncDisplayName(player, identity, fields.syncDisplayName);
      return succeed(ctx, requestClass, player, false, requestId);
    }
    case 'switch-prevented': {
      const player = state.players.get(decision.playerId);
      if (!player) return CONFLICT;
      return {
        body: authError(
          responseClassOf(requestClass),
          ERR_SWITCH_PREVENTED,
          requestId,
          switchSummary(ctx, player),
        ),
      };
    }
    case 'already-linked':
      return fail(requestClass, ERR_ACCOUNT_ALREADY_LINKED, requestId);
    case 'no-create':
      return fail(requestClass, ERR_NO_CREATE, requestId);
  }
}

/** P1 as the `Player` type describes it; `online` means P1 has a live socket. */
export function switchSummary(ctx: AuthContext, player: PlayerRecord): SwitchSummary {
  const externalIds: Partial<Record<SocialSystem, string>> = {};
  for (const system of Object.values(GS_SYSTEMS)) {
    const link = player.links[system];
    if (link) externalIds[system] = link.externalId;
  }
  let online = false;
  for (const session of ctx.connect.sessions.values()) {
    if (session.playerId === player.id) online = true;
  }
  return {
    id: player.id,
    displayName: player.displayName,
    externalIds,
    achievements: [],
    virtualGoods: [],
    online,
    scriptData: {},
  };
}

async function authenticateDevice(
  ctx: AuthContext,
  fields: RequestFields<typeof GS_REQUESTS.device>,
  base: Base,
): Promise<GsOutcome> {
  const { requestClass, requestId } = base;
  if (!DEVICE_OS_VALUES.includes(fields.deviceOS.toUpperCase())) {
    return fail(requestClass, { deviceOS: GS_CODES.deviceOsRange }, requestId);
  }
  await barrier(ctx, base);
  const { state } = ctx.connect;
  const ownerId = state.devices.get(fields.deviceId);
  const existing = ownerId === undefined ? undefined : state.players.get(ownerId);
  if (existing) return succeed(ctx, requestClass, existing, false, requestId);
  const player = createPlayer(state, ctx.clock, ctx.ids, {
    displayName: fields.displayName ?? '',
    segments: fields.segments ?? {},
    deviceId: fields.deviceId,
  });
  return succeed(ctx, requestClass, player, true, requestId);
}

async function register(
  ctx: AuthContext,
  fields: RequestFields<typeof GS_REQUESTS.registration>,
  base: Base,
): Promise<GsOutcome> {
  const { requestClass, requestId } = base;
  await barrier(ctx, base);
  const { state } = ctx.connect;
  if (state.userNames.has(fields.userName))
    return fail(requestClass, ERR_USERNAME_TAKEN, requestId);
  const player = createPlayer(state, ctx.clock, ctx.ids, {
    displayName: fields.displayName,
    segments: fields.segments ?? {},
    userName: fields.userName,
    password: fields.password,
  });
  return succeed(ctx, requestClass, player, true, requestId);
}

async function authenticate(
  ctx: AuthContext,
  fields: RequestFields<typeof GS_REQUESTS.authentication>,
  base: Base,
): Promise<GsOutcome> {
  const { requestClass, requestId } = base;
  await barrier(ctx, base);
  const { state } = ctx.connect;
  const now = ctx.clock.now();
  const failures = state.failedLogins.get(fields.userName);
  if (failures && failures.lockedUntil > now)
    return fail(requestClass, ERR_DETAILS_LOCKED, requestId);
  const playerId = state.userNames.get(fields.userName);
  const player = playerId === undefined ? undefined : state.players.get(playerId);
  const password = player?.password ?? null;
  if (!player || password === null || !safeEqual(fields.password, password)) {
    recordFailure(ctx, fields.userName, now);
    return fail(requestClass, ERR_DETAILS_UNRECOGNISED, requestId);
  }
  state.failedLogins.delete(fields.userName);
  return succeed(ctx, requestClass, player, false, requestId);
}

function recordFailure(ctx: AuthContext, userName: string, now: number): void {
  const { failedLogins } = ctx.connect.state;
  const entry = failedLogins.get(userName) ?? { count: 0, lockedUntil: 0 };
  entry.count += 1;
  if (entry.count >= ctx.settings.loginLockAfterFailures) {
    entry.count = 0;
    entry.lockedUntil = now + ctx.settings.loginLockSeconds * 1000;
  }
  failedLogins.delete(userName);
  failedLogins.set(userName, entry);
  if (failedLogins.size > MAX_TRACKED_LOGIN_FAILURES) {
    const oldest = failedLogins.keys().next();
    if (oldest.done !== true) failedLogins.delete(oldest.value);
  }
}
