/**
 * What the dashboard reads from the WeChat and QQ mocks, over HTTP only, through their mock-only
 * endpoints: the same way the auth server reaches them for everything else, so the dashboard also
 * works when each service runs in its own process or container. Every answer is checked against a
 * lenient schema; a provider that does not answer, or answers something else, is `unavailable`.
 */
import * as z from 'zod';
import { getJson, providerUrl, type ProviderClientOptions } from '../clients/provider-http.js';

/** A value read from a provider, or why it could not be read. */
export type Read<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

/** Journal entries asked of each service (its newest API requests). */
export const JOURNAL_LINES = 30;

/** Codes and tokens asked of each provider per kind (the newest ones). */
export const GRANT_LINES = 50;

/** How long the world (apps and personas, fixed while a provider runs) is reused. */
const WORLD_TTL_MS = 30_000;

/** Longest the dashboard waits for one provider call. */
const DASHBOARD_TIMEOUT_MS = 2000;

const idMap = z.record(z.string(), z.string().nullable());

const personaSchema = z.object({
  id: z.string(),
  nickname: z.string(),
  openids: idMap,
  unionids: idMap,
});

const wechatWorldSchema = z.object({
  apps: z.object({
    apps: z.array(
      z.object({
        appid: z.string(),
        name: z.string(),
        kind: z.string(),
        callbackDomain: z.string().nullable(),
        openPlatformAccount: z.string().nullable(),
      }),
    ),
  }),
  users: z.object({ users: z.array(personaSchema) }),
});

const qqWorldSchema = z.object({
  apps: z.object({
    apps: z.array(
      z.object({
        client_id: z.string(),
        name: z.string(),
        callbacks: z.array(z.string()),
        developerAccount: z.string(),
        unionidPermission: z.boolean(),
      }),
    ),
  }),
  users: z.object({ users: z.array(personaSchema) }),
});

const grantItem = z.object({
  personaId: z.string(),
  openid: z.string(),
  scope: z.string(),
  expiresAt: z.string(),
  expiresInSeconds: z.number(),
});

const grantList = <T extends z.ZodRawShape>(shape: T) =>
  z.object({ total: z.number(), items: z.array(grantItem.extend(shape)) });

const wechatGrantsSchema = z.object({
  now: z.string(),
  epochMs: z.number(),
  codes: grantList({ code: z.string(), appid: z.string() }),
  accessTokens: grantList({ token: z.string(), appid: z.string() }),
  refreshTokens: grantList({ refreshToken: z.string(), appid: z.string() }),
});

const qqGrantsSchema = z.object({
  now: z.string(),
  epochMs: z.number(),
  codes: grantList({ code: z.string(), clientId: z.string() }),
  accessTokens: grantList({ token: z.string(), clientId: z.string() }),
  refreshTokens: grantList({ refreshToken: z.string(), clientId: z.string() }),
});

const qrSessionsSchema = z.object({
  sessions: z.array(
    z.object({
      uuid: z.string(),
      appid: z.string(),
      status: z.string(),
      personaId: z.string().nullable(),
      redirectUri: z.string(),
      state: z.string(),
      expiresInSeconds: z.number(),
    }),
  ),
});

const journalSchema = z.object({
  entries: z.array(
    z.object({
      seq: z.number(),
      service: z.string(),
      time: z.string(),
      mockTime: z.string().nullable(),
      route: z.string().nullable(),
      method: z.string(),
      url: z.string(),
      response: z.object({
        status: z.number(),
        body: z.object({ text: z.string().nullable() }),
      }),
      durationMs: z.number(),
      faults: z.array(z.string()),
    }),
  ),
});

/** A persona as one provider knows it: the openid per app and the unionid per account. */
export type ProviderPersona = z.output<typeof personaSchema>;
/** The WeChat world: apps and personas. */
export type WechatWorldRead = z.output<typeof wechatWorldSchema>;
/** The QQ world: apps and personas. */
export type QqWorldRead = z.output<typeof qqWorldSchema>;
/** WeChat's outstanding codes and tokens. */
export type WechatGrantsRead = z.output<typeof wechatGrantsSchema>;
/** QQ's outstanding codes and tokens. */
export type QqGrantsRead = z.output<typeof qqGrantsSchema>;
/** WeChat's QR sessions. */
export type QrSessionRead = z.output<typeof qrSessionsSchema>['sessions'][number];
/** One journal entry as the dashboard reads it. */
export type JournalRead = z.output<typeof journalSchema>['entries'][number];

/** Everything read from WeChat in one poll. */
export interface WechatRead {
  readonly world: WechatWorldRead;
  readonly grants: WechatGrantsRead;
  readonly qrSessions: readonly QrSessionRead[];
  readonly journal: readonly JournalRead[];
}

/** Everything read from QQ in one poll. */
export interface QqRead {
  readonly world: QqWorldRead;
  readonly grants: QqGrantsRead;
  readonly journal: readonly JournalRead[];
}

/** Reads the providers; one per auth server (it caches the providers' worlds). */
export interface ProviderReader {
  readonly wechatUrl: string;
  readonly qqUrl: string;
  wechat(): Promise<Read<WechatRead>>;
  qq(): Promise<Read<QqRead>>;
}

async function read<Schema extends z.ZodType>(
  options: ProviderClientOptions,
  path: string,
  query: Readonly<Record<string, string>>,
  schema: Schema,
): Promise<Read<z.output<Schema>>> {
  const answer = await getJson(providerUrl(options.baseUrl, path, query), options);
  if (answer.kind !== 'ok') {
    return { ok: false, reason: answer.kind === 'unavailable' ? answer.reason : 'rejected' };
  }
  const parsed = schema.safeParse(answer.value);
  if (!parsed.success) return { ok: false, reason: `${path} answered an unexpected shape` };
  return { ok: true, value: parsed.data };
}

/**
 * A world read reused for {@link WORLD_TTL_MS}: apps and personas do not change while a provider
 * runs, and every request the dashboard spares is one the provider's journal keeps for real
 * traffic. A failed read is never cached, so a restarted provider is read afresh.
 */
function cachedWorld<T>(load: () => Promise<Read<T>>): () => Promise<Read<T>> {
  let cached: { readonly at: number; readonly value: T } | undefined;
  return async () => {
    if (cached && Date.now() - cached.at < WORLD_TTL_MS) return { ok: true, value: cached.value };
    const answer = await load();
    cached = answer.ok ? { at: Date.now(), value: answer.value } : undefined;
    return answer;
  };
}

/** Only the API traffic of a service: its own routes are named `<service>.<endpoint>`. */
function journalQuery(service: string): Record<string, string> {
  return { route: `${service}.*`, limit: String(JOURNAL_LINES) };
}

/**
 * Creates the reader. `wechat` and `qq` are the options of the auth server's own provider clients
 * (base URL, admin token, injected fetch); the dashboard keeps its own, shorter timeout so a hung
 * provider cannot stall the page for the whole provider timeout.
 */
export function createProviderReader(sources: {
  readonly wechat: ProviderClientOptions;
  readonly qq: ProviderClientOptions;
}): ProviderReader {
  const wechat = {
    ...sources.wechat,
    timeoutMs: Math.min(sources.wechat.timeoutMs, DASHBOARD_TIMEOUT_MS),
  };
  const qq = { ...sources.qq, timeoutMs: Math.min(sources.qq.timeoutMs, DASHBOARD_TIMEOUT_MS) };
  const wechatWorld = cachedWorld(async (): Promise<Read<WechatWorldRead>> => {
    const [apps, users] = await Promise.all([
      read(wechat, '/__mock/apps', {}, wechatWorldSchema.shape.apps),
      read(wechat, '/__mock/users', {}, wechatWorldSchema.shape.users),
    ]);
    if (!apps.ok) return apps;
    if (!users.ok) return users;
    return { ok: true, value: { apps: apps.value, users: users.value } };
  });
  const qqWorld = cachedWorld(async (): Promise<Read<QqWorldRead>> => {
    const [apps, users] = await Promise.all([
      read(qq, '/__mock/apps', {}, qqWorldSchema.shape.apps),
      read(qq, '/__mock/users', {}, qqWorldSchema.shape.users),
    ]);
    if (!apps.ok) return apps;
    if (!users.ok) return users;
    return { ok: true, value: { apps: apps.value, users: users.value } };
  });
  return {
    wechatUrl: sources.wechat.baseUrl,
    qqUrl: sources.qq.baseUrl,
    async wechat() {
      const limit = { limit: String(GRANT_LINES) };
      const [world, grants, qr, journal] = await Promise.all([
        wechatWorld(),
        read(wechat, '/__mock/grants', limit, wechatGrantsSchema),
        read(wechat, '/__mock/qr', {}, qrSessionsSchema),
        read(wechat, '/__mock/journal', journalQuery('wechat'), journalSchema),
      ]);
      if (!world.ok) return world;
      if (!grants.ok) return grants;
      if (!qr.ok) return qr;
      if (!journal.ok) return journal;
      return {
        ok: true,
        value: {
          world: world.value,
          grants: grants.value,
          qrSessions: qr.value.sessions,
          journal: journal.value.entries,
        },
      };
    },
    async qq() {
      const [world, grants, journal] = await Promise.all([
        qqWorld(),
        read(qq, '/__mock/grants', { limit: String(GRANT_LINES) }, qqGrantsSchema),
        read(qq, '/__mock/journal', journalQuery('qq'), journalSchema),
      ]);
      if (!world.ok) return world;
      if (!grants.ok) return grants;
      if (!journal.ok) return journal;
      return {
        ok: true,
        value: { world: world.value, grants: grants.value, journal: journal.value.entries },
      };
    },
  };
}
