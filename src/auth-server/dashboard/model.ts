/**
 * The dashboard's model: one JSON-safe picture of the mocked world at one instant, built from the
 * auth server's own state (players, accounts, SMS outbox, its tokens and unionCodes) and from what
 * the providers answer over HTTP (apps, personas, QR sessions, codes and tokens, journals). It is
 * what `GET /__mock/dashboard.json` answers and what the page renders.
 */
import { GS_SYSTEMS, type SocialSystem } from '../connect/constants.js';
import { ensureSeedLinks } from '../connect/seed.js';
import type { AuthContext } from '../context.js';
import { ensureSeedBindings } from '../login/seed.js';
import { listOutbox, type SmsMessageView } from '../login/sms.js';
import {
  GRANT_LINES,
  type JournalRead,
  type ProviderPersona,
  type ProviderReader,
  type QqRead,
  type Read,
  type WechatRead,
} from './providers.js';

/** The three services. */
export type ServiceName = 'auth' | 'wechat' | 'qq';

/** Whether a service answered, and its mock clock. */
export interface ServiceView {
  readonly name: ServiceName;
  /** Where the auth server reaches it (null for the auth server itself). */
  readonly baseUrl: string | null;
  readonly status: 'ok' | 'unavailable';
  /** Why it is unavailable. */
  readonly reason: string | null;
  /** Its mock time (services in separate processes keep separate clocks). */
  readonly now: string | null;
}

/** Which auth-server API uses an app. */
export type AppUse = 'connect' | 'login';

/** A WeChat app. */
export interface WechatAppView {
  readonly appid: string;
  readonly name: string;
  readonly kind: string;
  readonly callbackDomain: string | null;
  readonly openPlatformAccount: string | null;
  readonly usedBy: readonly AppUse[];
}

/** A QQ Connect app. */
export interface QqAppView {
  readonly clientId: string;
  readonly name: string;
  readonly callbacks: readonly string[];
  readonly developerAccount: string;
  readonly unionidPermission: boolean;
  readonly usedBy: readonly AppUse[];
}

/** A persona's ids at one provider: the connect app's openid, its unionid, every app's openid. */
export interface PersonaIds {
  readonly openid: string | null;
  readonly unionid: string | null;
  readonly openids: Readonly<Record<string, string | null>>;
}

/** A persona with its ids at each provider it holds an account with. */
export interface PersonaView {
  readonly id: string;
  readonly nickname: string;
  readonly wechat: PersonaIds | null;
  readonly qq: PersonaIds | null;
}

/** A linked identity of a player. */
export interface IdentityView {
  readonly system: SocialSystem;
  readonly externalId: string;
  /** The persona the provider says owns the id, when it answered. */
  readonly persona: string | null;
  readonly nickname: string | null;
}

/** A player of the connect API. */
export interface PlayerView {
  readonly id: string;
  readonly displayName: string;
  readonly userName: string | null;
  readonly devices: number;
  readonly identities: readonly IdentityView[];
  /** Seeded persona links still waiting for the provider. */
  readonly pending: readonly { readonly system: SocialSystem; readonly persona: string }[];
  readonly authTokens: number;
  readonly online: boolean;
  readonly createdAt: string;
}

/** An account of the QR login API. */
export interface AccountView {
  readonly id: string;
  readonly displayName: string;
  readonly tn: string | null;
  readonly username: string | null;
  readonly unionId: string | null;
  readonly persona: string | null;
  readonly nickname: string | null;
  readonly pendingPersona: string | null;
  readonly tokens: number;
  readonly createdAt: string;
}

/** A WeChat website QR session. */
export interface QrSessionView {
  readonly uuid: string;
  readonly appid: string;
  readonly appName: string | null;
  readonly status: string;
  readonly persona: string | null;
  readonly nickname: string | null;
  readonly state: string;
  readonly redirectUri: string;
  readonly expiresInSeconds: number;
}

/** What kind of secret an outstanding grant is. */
export type GrantKind = 'code' | 'access_token' | 'refresh_token' | 'bearer' | 'unionCode';

/** A code or token still usable on its service's mock clock. */
export interface GrantView {
  readonly service: ServiceName;
  readonly kind: GrantKind;
  /**
   * The first characters only: the grant lists never show a whole code or token (the journal
   * shows requests as they were received).
   */
  readonly hint: string | null;
  /** The app (appid, client_id) or, for the auth server, the API key's name. */
  readonly app: string;
  readonly appName: string | null;
  /** The persona, or for the auth server the account (bearer) or unionId (unionCode). */
  readonly subject: string;
  readonly subjectName: string | null;
  readonly scope: string | null;
  readonly expiresAt: string;
  readonly expiresInSeconds: number;
}

/** How many grants of each kind a service holds (the list shows the newest ones). */
export type GrantTotals = Readonly<Partial<Record<GrantKind | 'authToken', number>>>;

/** A message of the SMS outbox. */
export interface SmsView extends SmsMessageView {
  /** Remaining life of a usable code (0 once used, replaced, locked or expired). */
  readonly expiresInSeconds: number;
}

/** One journalled request, as the dashboard lists it. */
export interface JournalLine {
  readonly service: ServiceName;
  readonly seq: number;
  readonly time: string;
  readonly mockTime: string | null;
  readonly method: string;
  /** Path and query string. */
  readonly target: string;
  readonly status: number;
  readonly route: string | null;
  readonly durationMs: number;
  readonly faults: readonly string[];
  /** A provider error carried at HTTP 200 (`errcode 40163`, `error 100016`, `ret 1002`). */
  readonly note: string | null;
}

/** The whole dashboard. */
export interface DashboardModel {
  /** Real time of the snapshot. */
  readonly generatedAt: string;
  /** The auth server's mock clock. */
  readonly clock: { readonly now: string; readonly epochMs: number; readonly offsetMs: number };
  readonly services: Readonly<Record<ServiceName, ServiceView>>;
  readonly apps: {
    readonly wechat: readonly WechatAppView[] | null;
    readonly qq: readonly QqAppView[] | null;
  };
  readonly personas: readonly PersonaView[];
  readonly players: readonly PlayerView[];
  readonly accounts: readonly AccountView[];
  /** Newest first; null when WeChat is unavailable. */
  readonly qrSessions: readonly QrSessionView[] | null;
  /** Newest first within each service and kind. */
  readonly grants: readonly GrantView[];
  readonly grantTotals: Readonly<Record<ServiceName, GrantTotals | null>>;
  /** Newest first. */
  readonly sms: readonly SmsView[];
  /**
   * The providers' API requests, newest first. The auth server's own journal is read by the page
   * from `GET /__mock/journal` of the same origin.
   */
  readonly journals: {
    readonly wechat: readonly JournalLine[] | null;
    readonly qq: readonly JournalLine[] | null;
  };
}

/** QR sessions and SMS messages listed at most. */
const RECENT_LINES = 30;

const iso = (ms: number): string => new Date(ms).toISOString();
const secondsLeft = (expiresAt: number, now: number): number =>
  Math.max(0, Math.ceil((expiresAt - now) / 1000));

/** The start of a secret, enough to tell two apart. */
export function hintOf(secret: string): string {
  return secret.length <= 10 ? secret : `${secret.slice(0, 8)}…`;
}

/** Persona lookups by any id a provider hands out. */
interface PersonaIndex {
  readonly byId: ReadonlyMap<string, ProviderPersona>;
  readonly byExternalId: ReadonlyMap<string, ProviderPersona>;
}

function indexPersonas(users: readonly ProviderPersona[] | undefined): PersonaIndex {
  const byId = new Map<string, ProviderPersona>();
  const byExternalId = new Map<string, ProviderPersona>();
  for (const user of users ?? []) {
    byId.set(user.id, user);
    for (const id of [...Object.values(user.openids), ...Object.values(user.unionids)]) {
      if (id !== null) byExternalId.set(id, user);
    }
  }
  return { byId, byExternalId };
}

function providerView(
  name: 'wechat' | 'qq',
  baseUrl: string,
  read: Read<WechatRead | QqRead>,
): ServiceView {
  return read.ok
    ? { name, baseUrl, status: 'ok', reason: null, now: read.value.grants.now }
    : { name, baseUrl, status: 'unavailable', reason: read.reason, now: null };
}

const ERROR_NOTES: readonly { readonly pattern: RegExp; readonly label: string }[] = [
  { pattern: /"errcode":\s*(-?\d+)/, label: 'errcode' },
  { pattern: /"error":\s*(\d+)/, label: 'error' },
  { pattern: /"ret":\s*(-?\d+)/, label: 'ret' },
];

/** The provider error inside a 200 answer, if there is one. */
function errorNote(body: string | null): string | null {
  if (body === null) return null;
  for (const { pattern, label } of ERROR_NOTES) {
    const code = pattern.exec(body)?.[1];
    if (code !== undefined && code !== '0') return `${label} ${code}`;
  }
  return null;
}

function journalLines(
  service: 'wechat' | 'qq',
  entries: readonly JournalRead[] | undefined,
): JournalLine[] | null {
  if (!entries) return null;
  return entries
    .map((entry): JournalLine => {
      let target = entry.url;
      try {
        const url = new URL(entry.url);
        target = `${url.pathname}${url.search}`;
      } catch {
        // Journals keep the URL as received; an unparsable one is shown as it is.
      }
      return {
        service,
        seq: entry.seq,
        time: entry.time,
        mockTime: entry.mockTime,
        method: entry.method,
        target,
        status: entry.response.status,
        route: entry.route,
        durationMs: entry.durationMs,
        faults: entry.faults,
        note: errorNote(entry.response.body.text),
      };
    })
    .reverse();
}

function personasOf(
  ctx: AuthContext,
  wechat: WechatRead | undefined,
  qq: QqRead | undefined,
  qqClientId: string | undefined,
): PersonaView[] {
  const wechatAccount = wechat?.world.apps.apps.find(
    (app) => app.appid === ctx.settings.wechat.appid,
  )?.openPlatformAccount;
  const qqApp = qq?.world.apps.apps.find((app) => app.client_id === qqClientId);
  const ids = (
    user: ProviderPersona | undefined,
    app: string | undefined,
    account: string | null | undefined,
  ): PersonaIds | null =>
    user
      ? {
          openid: app === undefined ? null : (user.openids[app] ?? null),
          unionid:
            account === undefined || account === null ? null : (user.unionids[account] ?? null),
          openids: user.openids,
        }
      : null;
  const wechatUsers = indexPersonas(wechat?.world.users.users);
  const qqUsers = indexPersonas(qq?.world.users.users);
  const order = [...new Set([...wechatUsers.byId.keys(), ...qqUsers.byId.keys()])];
  return order.map((id) => {
    const onWechat = wechatUsers.byId.get(id);
    const onQq = qqUsers.byId.get(id);
    return {
      id,
      nickname: onWechat?.nickname ?? onQq?.nickname ?? id,
      wechat: ids(onWechat, ctx.settings.wechat.appid, wechatAccount),
      qq: ids(onQq, qqClientId, qqApp?.unionidPermission === true ? qqApp.developerAccount : null),
    };
  });
}

function playersOf(ctx: AuthContext, wechat: PersonaIndex, qq: PersonaIndex): PlayerView[] {
  const { state, sessions } = ctx.connect;
  const tokens = new Map<string, number>();
  for (const playerId of state.tokens.values()) {
    tokens.set(playerId, (tokens.get(playerId) ?? 0) + 1);
  }
  const online = new Set([...sessions.values()].map((session) => session.playerId));
  const index: Record<SocialSystem, PersonaIndex> = {
    [GS_SYSTEMS.wechat]: wechat,
    [GS_SYSTEMS.qq]: qq,
  };
  return [...state.players.values()].map((player) => ({
    id: player.id,
    displayName: player.displayName,
    userName: player.userName,
    devices: player.deviceIds.length,
    identities: Object.values(GS_SYSTEMS).flatMap((system): IdentityView[] => {
      const link = player.links[system];
      if (!link) return [];
      const owner = index[system].byExternalId.get(link.externalId);
      return [
        {
          system,
          externalId: link.externalId,
          persona: owner?.id ?? null,
          nickname: owner?.nickname ?? null,
        },
      ];
    }),
    pending: state.pendingSeedLinks
      .filter((pending) => pending.playerId === player.id)
      .map((pending) => ({ system: pending.system, persona: pending.persona })),
    authTokens: tokens.get(player.id) ?? 0,
    online: online.has(player.id),
    createdAt: iso(player.createdAt),
  }));
}

function accountsOf(ctx: AuthContext, wechat: PersonaIndex, now: number): AccountView[] {
  const { state } = ctx.login;
  const tokens = new Map<string, number>();
  for (const record of state.tokens.values()) {
    if (record.expiresAt > now) {
      tokens.set(record.accountId, (tokens.get(record.accountId) ?? 0) + 1);
    }
  }
  return [...state.accounts.values()].map((account) => {
    const owner = account.unionId === null ? undefined : wechat.byExternalId.get(account.unionId);
    return {
      id: account.id,
      displayName: account.displayName,
      tn: account.tn,
      username: account.username,
      unionId: account.unionId,
      persona: owner?.id ?? null,
      nickname: owner?.nickname ?? null,
      pendingPersona:
        state.pendingSeedBindings.find((pending) => pending.accountId === account.id)?.persona ??
        null,
      tokens: tokens.get(account.id) ?? 0,
      createdAt: iso(account.createdAt),
    };
  });
}

function qrSessionsOf(wechat: WechatRead | undefined, users: PersonaIndex): QrSessionView[] | null {
  if (!wechat) return null;
  const names = new Map(wechat.world.apps.apps.map((app) => [app.appid, app.name]));
  return wechat.qrSessions
    .slice(-RECENT_LINES)
    .reverse()
    .map((session) => ({
      uuid: session.uuid,
      appid: session.appid,
      appName: names.get(session.appid) ?? null,
      status: session.status,
      persona: session.personaId,
      nickname:
        session.personaId === null ? null : (users.byId.get(session.personaId)?.nickname ?? null),
      state: session.state,
      redirectUri: session.redirectUri,
      expiresInSeconds: session.expiresInSeconds,
    }));
}

/** A provider grant as the dashboard lists it. */
interface ProviderGrant {
  readonly personaId: string;
  readonly scope: string;
  readonly expiresAt: string;
  readonly expiresInSeconds: number;
}

function providerGrants(
  service: 'wechat' | 'qq',
  lists: readonly {
    readonly kind: GrantKind;
    readonly items: readonly (ProviderGrant & { readonly secret: string; readonly app: string })[];
  }[],
  appNames: ReadonlyMap<string, string>,
  users: PersonaIndex,
): GrantView[] {
  return lists.flatMap(({ kind, items }) =>
    items.map((item) => ({
      service,
      kind,
      hint: hintOf(item.secret),
      app: item.app,
      appName: appNames.get(item.app) ?? null,
      subject: item.personaId,
      subjectName: users.byId.get(item.personaId)?.nickname ?? null,
      scope: item.scope,
      expiresAt: item.expiresAt,
      expiresInSeconds: item.expiresInSeconds,
    })),
  );
}

function wechatGrants(wechat: WechatRead, users: PersonaIndex): GrantView[] {
  const { codes, accessTokens, refreshTokens } = wechat.grants;
  return providerGrants(
    'wechat',
    [
      {
        kind: 'code',
        items: codes.items.map((item) => ({ ...item, secret: item.code, app: item.appid })),
      },
      {
        kind: 'access_token',
        items: accessTokens.items.map((item) => ({ ...item, secret: item.token, app: item.appid })),
      },
      {
        kind: 'refresh_token',
        items: refreshTokens.items.map((item) => ({
          ...item,
          secret: item.refreshToken,
          app: item.appid,
        })),
      },
    ],
    new Map(wechat.world.apps.apps.map((app) => [app.appid, app.name])),
    users,
  );
}

function qqGrants(qq: QqRead, users: PersonaIndex): GrantView[] {
  const { codes, accessTokens, refreshTokens } = qq.grants;
  return providerGrants(
    'qq',
    [
      {
        kind: 'code',
        items: codes.items.map((item) => ({ ...item, secret: item.code, app: item.clientId })),
      },
      {
        kind: 'access_token',
        items: accessTokens.items.map((item) => ({
          ...item,
          secret: item.token,
          app: item.clientId,
        })),
      },
      {
        kind: 'refresh_token',
        items: refreshTokens.items.map((item) => ({
          ...item,
          secret: item.refreshToken,
          app: item.clientId,
        })),
      },
    ],
    new Map(qq.world.apps.apps.map((app) => [app.client_id, app.name])),
    users,
  );
}

/** The auth server's own outstanding bearer tokens and unionCodes (newest first). */
function authGrants(
  ctx: AuthContext,
  wechat: PersonaIndex,
  now: number,
): { grants: GrantView[]; totals: GrantTotals } {
  const { state } = ctx.login;
  const bearers: GrantView[] = [];
  for (const [token, record] of state.tokens) {
    if (record.expiresAt <= now) continue;
    bearers.push({
      service: 'auth',
      kind: 'bearer',
      hint: hintOf(token),
      app: record.apiKey,
      appName: null,
      subject: record.accountId,
      subjectName: state.accounts.get(record.accountId)?.displayName ?? null,
      scope: null,
      expiresAt: iso(record.expiresAt),
      expiresInSeconds: secondsLeft(record.expiresAt, now),
    });
  }
  const unionCodes: GrantView[] = [];
  for (const records of state.unionCodes.values()) {
    for (const record of records) {
      if (record.expiresAt <= now) continue;
      // Only a hash of a unionCode is kept, so there is nothing to hint at.
      unionCodes.push({
        service: 'auth',
        kind: 'unionCode',
        hint: null,
        app: record.apiKey,
        appName: null,
        subject: record.unionId,
        subjectName: wechat.byExternalId.get(record.unionId)?.nickname ?? null,
        scope: null,
        expiresAt: iso(record.expiresAt),
        expiresInSeconds: secondsLeft(record.expiresAt, now),
      });
    }
  }
  return {
    grants: [
      ...bearers.reverse().slice(0, GRANT_LINES),
      ...unionCodes.sort((a, b) => b.expiresInSeconds - a.expiresInSeconds).slice(0, GRANT_LINES),
    ],
    totals: {
      bearer: bearers.length,
      unionCode: unionCodes.length,
      authToken: ctx.connect.state.tokens.size,
    },
  };
}

function smsOf(ctx: AuthContext, now: number): SmsView[] {
  return listOutbox(ctx.login.state, now)
    .slice(-RECENT_LINES)
    .reverse()
    .map((message) => ({
      ...message,
      expiresInSeconds:
        message.status === 'sent' ? secondsLeft(Date.parse(message.expiresAt), now) : 0,
    }));
}

/**
 * Seeded links and bindings are resolved on first use; the dashboard resolves them like
 * `GET /__mock/players` does, but only with a provider that just answered, so a provider that is
 * down costs no second wait and no log line per refresh.
 */
async function resolveSeeds(ctx: AuthContext, wechatUp: boolean, qqUp: boolean): Promise<void> {
  await Promise.all([
    wechatUp ? ensureSeedLinks(ctx, GS_SYSTEMS.wechat) : undefined,
    wechatUp ? ensureSeedBindings(ctx) : undefined,
    qqUp ? ensureSeedLinks(ctx, GS_SYSTEMS.qq) : undefined,
  ]);
}

/** Builds the dashboard model: providers over HTTP, the auth server from its own state. */
export async function buildDashboard(
  ctx: AuthContext,
  reader: ProviderReader,
): Promise<DashboardModel> {
  const [wechatRead, qqRead] = await Promise.all([reader.wechat(), reader.qq()]);
  const wechat = wechatRead.ok ? wechatRead.value : undefined;
  const qq = qqRead.ok ? qqRead.value : undefined;
  await resolveSeeds(ctx, wechat !== undefined, qq !== undefined);
  const qqClientId = qq === undefined ? undefined : await ctx.qqClientId();
  const now = ctx.clock.now();
  const wechatUsers = indexPersonas(wechat?.world.users.users);
  const qqUsers = indexPersonas(qq?.world.users.users);
  const auth = authGrants(ctx, wechatUsers, now);
  const loginAppid = ctx.settings.login.wechat.appid;
  return {
    generatedAt: new Date().toISOString(),
    clock: { now: iso(now), epochMs: now, offsetMs: ctx.clock.offset() },
    services: {
      auth: { name: 'auth', baseUrl: null, status: 'ok', reason: null, now: iso(now) },
      wechat: providerView('wechat', reader.wechatUrl, wechatRead),
      qq: providerView('qq', reader.qqUrl, qqRead),
    },
    apps: {
      wechat:
        wechat?.world.apps.apps.map((app) => ({
          ...app,
          usedBy: [
            ...(app.appid === ctx.settings.wechat.appid ? (['connect'] as const) : []),
            ...(app.appid === loginAppid ? (['login'] as const) : []),
          ],
        })) ?? null,
      qq:
        qq?.world.apps.apps.map((app) => ({
          clientId: app.client_id,
          name: app.name,
          callbacks: app.callbacks,
          developerAccount: app.developerAccount,
          unionidPermission: app.unionidPermission,
          usedBy: app.client_id === qqClientId ? (['connect'] as const) : [],
        })) ?? null,
    },
    personas: personasOf(ctx, wechat, qq, qqClientId),
    players: playersOf(ctx, wechatUsers, qqUsers),
    accounts: accountsOf(ctx, wechatUsers, now),
    qrSessions: qrSessionsOf(wechat, wechatUsers),
    grants: [
      ...(wechat ? wechatGrants(wechat, wechatUsers) : []),
      ...(qq ? qqGrants(qq, qqUsers) : []),
      ...auth.grants,
    ],
    grantTotals: {
      wechat: wechat
        ? {
            code: wechat.grants.codes.total,
            access_token: wechat.grants.accessTokens.total,
            refresh_token: wechat.grants.refreshTokens.total,
          }
        : null,
      qq: qq
        ? {
            code: qq.grants.codes.total,
            access_token: qq.grants.accessTokens.total,
            refresh_token: qq.grants.refreshTokens.total,
          }
        : null,
      auth: auth.totals,
    },
    sms: smsOf(ctx, now),
    journals: {
      wechat: journalLines('wechat', wechat?.journal),
      qq: journalLines('qq', qq?.journal),
    },
  };
}
