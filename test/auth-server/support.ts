/**
 * Test support for the auth server: a GameSparks client over REST or WebSocket with one interface,
 * real provider tokens from the WeChat and QQ mocks' HTTP endpoints, and world lookups.
 */
import { createHmac } from 'node:crypto';
import { afterEach } from 'vitest';
import WebSocket from 'ws';
import type { AuthContext, BeforeCommitEvent } from '../../src/auth-server/index.js';
import type { RunningIdmock } from '../../src/runtime/start.js';
import { get, postJson } from '../support/idmock.js';

/**
 * A response body of the connect API, read loosely by assertions: the success fields are typed as
 * present (an error body simply lacks them, which the assertions check).
 */
export interface GsBody {
  readonly '@class': string;
  readonly authToken: string;
  readonly userId: string;
  readonly displayName: string;
  readonly newPlayer: boolean;
  readonly requestId?: string | number;
  readonly error?: Record<string, string>;
  readonly switchSummary?: { readonly id: string; readonly online: boolean } & Record<
    string,
    unknown
  >;
  readonly [key: string]: unknown;
}

/** The seeded WeChat app the auth server validates for, and the seeded QQ app. */
export const WECHAT_APP = {
  appid: 'wx3c4d5e6f708192a3',
  secret: '2d3c4b5a69788796a5b4c3d2e1f00f1e',
};
export const QQ_APP = {
  clientId: '101364208',
  redirectUri: 'http://localhost:3000/auth/qq/game/callback',
};

/** Seeded players (mock-providers/auth-server/players.json). */
export const SEEDED = {
  alice: { id: '5f1d0a000000000000000001', userName: 'alice', password: 'alice-password' },
  wechatLinked: { id: '5f1d0a000000000000000002', persona: 'zhang-wei', displayName: '张伟' },
  qqLinked: { id: '5f1d0a000000000000000003', persona: 'chen-jie', displayName: '陈杰' },
} as const;

/** Credentials of the seeded world. */
export const CREDENTIALS = {
  device: { name: 'device', secret: 'dEv1ceS3cretF0rL0calTest1ngOnly0' },
  server: { name: 'server', secret: 's3rverS3cretF0rL0calTest1ngOnly0' },
  kids: { name: 'kids', secret: 'k1dsS3cretF0rL0calTest1ngOnly000' },
} as const;
export const API_KEY = 'idmock0game1';

/** The credential names. */
export type CredentialName = keyof typeof CREDENTIALS;

/** A connected GameSparks client. */
export interface GsClient {
  /** Sends one request (a requestId is added when absent) and resolves its response body. */
  send(body: Record<string, unknown>): Promise<GsBody>;
  /** The player the server holds this client to be (REST: owner of the stored authToken). */
  boundPlayer(): Promise<string | null>;
  /** The last authToken received, as SDKs keep it. */
  readonly authToken: string | undefined;
  close(): Promise<void>;
}

/** A way to talk to the auth server. */
export interface GsTransport {
  readonly name: string;
  connect(
    authUrl: string,
    options?: { credential?: CredentialName; authToken?: string },
  ): Promise<GsClient>;
}

let counter = 0;
function nextRequestId(): string {
  counter += 1;
  return `${Date.now()}_${counter}`;
}

const openClients = new Set<GsClient>();

/** Closes every client opened by the current test. */
export function closeClientsAfterEach(): void {
  afterEach(async () => {
    await Promise.all([...openClients].map((client) => client.close()));
    openClients.clear();
  });
}

/**
 * REST: the client keeps the last authToken (like an SDK) and sends it in every body, which makes
 * its owner the current player.
 */
export const restTransport: GsTransport = {
  name: 'REST',
  connect(authUrl, options = {}) {
    const credential = CREDENTIALS[options.credential ?? 'device'];
    let authToken = options.authToken;
    let userId: string | null = null;
    const client: GsClient = {
      async send(body) {
        const requestClass = String(body['@class']).slice(1);
        const response = await postJson(
          `${authUrl}/rs/${credential.name}/${credential.secret}/${requestClass}`,
          {
            requestId: nextRequestId(),
            ...(authToken === undefined ? {} : { authToken }),
            ...body,
          },
        );
        const parsed = response.json<GsBody>();
        if (typeof parsed.authToken === 'string') {
          authToken = parsed.authToken;
          userId = parsed.userId;
        }
        return parsed;
      },
      boundPlayer: () => Promise.resolve(userId),
      get authToken() {
        return authToken;
      },
      close: () => Promise.resolve(),
    };
    openClients.add(client);
    return Promise.resolve(client);
  },
};

function textOf(data: WebSocket.RawData): string {
  return Array.isArray(data)
    ? Buffer.concat(data).toString('utf8')
    : Buffer.from(data as ArrayBuffer).toString('utf8');
}

/** A raw socket with a queue of parsed incoming messages. */
export interface RawSocket {
  readonly ws: WebSocket;
  /** Resolves the next message (in arrival order). */
  next(timeoutMs?: number): Promise<GsBody>;
  /** Messages received and not yet taken. */
  readonly buffered: GsBody[];
  send(value: unknown): void;
  closed: Promise<{ code: number; reason: string }>;
}

/** Opens a socket and queues its messages; rejects on a refused upgrade with its status. */
export function openRawSocket(url: string): Promise<RawSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const buffered: GsBody[] = [];
    const waiters: ((message: GsBody) => void)[] = [];
    ws.on('message', (data) => {
      const message = JSON.parse(textOf(data)) as GsBody;
      const waiter = waiters.shift();
      if (waiter) waiter(message);
      else buffered.push(message);
    });
    const closed = new Promise<{ code: number; reason: string }>((done) => {
      ws.on('close', (code, reason) => {
        done({ code, reason: String(reason) });
      });
    });
    ws.on('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += String(chunk)));
      res.on('end', () => {
        reject(
          Object.assign(new Error(`upgrade refused ${res.statusCode}`), {
            status: res.statusCode,
            body: text,
          }),
        );
      });
    });
    ws.on('error', (error) => {
      reject(error);
    });
    ws.on('open', () => {
      resolve({
        ws,
        buffered,
        closed,
        next(timeoutMs = 5000) {
          const ready = buffered.shift();
          if (ready) return Promise.resolve(ready);
          return new Promise((done, fail) => {
            const timer = setTimeout(() => {
              fail(new Error('no message'));
            }, timeoutMs);
            waiters.push((message) => {
              clearTimeout(timer);
              done(message);
            });
          });
        },
        send(value) {
          ws.send(typeof value === 'string' ? value : JSON.stringify(value));
        },
      });
    });
  });
}

/** Completes the nonce/HMAC handshake on a raw socket; resolves the final connect response. */
export async function handshake(
  socket: RawSocket,
  secret: string,
  extra: Record<string, unknown> = {},
): Promise<GsBody> {
  const hello = await socket.next();
  const hmac = createHmac('sha256', secret).update(String(hello['nonce'])).digest('base64');
  socket.send({
    '@class': '.AuthenticatedConnectRequest',
    hmac,
    os: 'test',
    platform: 'vitest',
    ...extra,
  });
  return socket.next();
}

/** The socket URL of a credential. */
export function socketUrl(authUrl: string, credential: CredentialName = 'device'): string {
  return `${authUrl.replace(/^http/, 'ws')}/ws/${credential}/${API_KEY}`;
}

/**
 * WebSocket: one socket per client, handshake done, requests correlated by requestId. A presented
 * authToken resumes that player's session.
 */
export const socketTransport: GsTransport = {
  name: 'WebSocket',
  async connect(authUrl, options = {}) {
    const credential = options.credential ?? 'device';
    const socket = await openRawSocket(socketUrl(authUrl, credential));
    const connected = await handshake(
      socket,
      CREDENTIALS[credential].secret,
      options.authToken === undefined ? {} : { authToken: options.authToken },
    );
    const sessionId = String(connected['sessionId']);
    let authToken = connected.authToken as string | undefined;
    const pending = new Map<string, (body: GsBody) => void>();
    socket.ws.removeAllListeners('message');
    socket.ws.on('message', (data) => {
      const body = JSON.parse(textOf(data)) as GsBody;
      if (typeof body.authToken === 'string') authToken = body.authToken;
      const resolve = pending.get(String(body.requestId));
      pending.delete(String(body.requestId));
      resolve?.(body);
    });
    const client: GsClient = {
      send(body) {
        const requestId = (body['requestId'] as string | number | undefined) ?? nextRequestId();
        return new Promise((resolve, reject) => {
          const timer = setTimeout(() => {
            reject(new Error(`no response to ${requestId}`));
          }, 15_000);
          pending.set(String(requestId), (response) => {
            clearTimeout(timer);
            resolve(response);
          });
          socket.send({ ...body, requestId });
        });
      },
      async boundPlayer() {
        const { sessions } = (await get(`${authUrl}/__mock/sessions`)).json<{
          sessions: { sessionId: string; playerId: string | null }[];
        }>();
        return sessions.find((session) => session.sessionId === sessionId)?.playerId ?? null;
      },
      get authToken() {
        return authToken;
      },
      async close() {
        if (socket.ws.readyState === WebSocket.CLOSED) return;
        socket.ws.close();
        await socket.closed;
      },
    };
    openClients.add(client);
    return client;
  },
};

/** Both transports, for `describe.each`. */
export const TRANSPORTS: readonly GsTransport[] = [restTransport, socketTransport];

/** A WeChat token for a persona, through headless consent and the real code exchange. */
export async function wechatLogin(
  idmock: RunningIdmock,
  persona: string,
  appid: string = WECHAT_APP.appid,
  secret: string = WECHAT_APP.secret,
): Promise<{ accessToken: string; openId: string }> {
  const wechat = idmock.urls.wechat!;
  const consent = await postJson(`${wechat}/__mock/authorize`, { appid, user: persona });
  const { code } = consent.json<{ code: string }>();
  const exchange = await get(
    `${wechat}/sns/oauth2/access_token?appid=${appid}&secret=${secret}&code=${code}&grant_type=authorization_code`,
  );
  const token = exchange.json<{ access_token: string; openid: string }>();
  return { accessToken: token.access_token, openId: token.openid };
}

/** A QQ token for a persona, through headless consent (implicit grant) and `/oauth2.0/me`. */
export async function qqLogin(
  idmock: RunningIdmock,
  persona: string,
  clientId: string = QQ_APP.clientId,
  redirectUri: string = QQ_APP.redirectUri,
): Promise<{ accessToken: string; openId: string }> {
  const qq = idmock.urls.qq!;
  const consent = await postJson(`${qq}/__mock/authorize`, {
    client_id: clientId,
    redirect_uri: redirectUri,
    user: persona,
    response_type: 'token',
  });
  const body = consent.json<{ access_token: string; openid: string }>();
  return { accessToken: body.access_token, openId: body.openid };
}

/** A provider as the decision table sees it. */
export interface ProviderFixture {
  readonly name: string;
  readonly requestClass: '.WeChatConnectRequest' | '.QQConnectRequest';
  readonly system: 'WC' | 'QQ';
  /** The seeded player linked to a persona of this provider. */
  readonly owned: { readonly persona: string; readonly playerId: string };
  /** Personas of this provider that no player is linked to in the seed. */
  readonly unknown: readonly [string, string, string];
  /** The connect fields for a persona, and the external id they prove. */
  connectFields(
    idmock: RunningIdmock,
    persona: string,
  ): Promise<{ fields: Record<string, unknown>; externalId: string }>;
}

/** WeChat: accessToken + openId. */
export const wechatFixture: ProviderFixture = {
  name: 'WeChat',
  requestClass: '.WeChatConnectRequest',
  system: 'WC',
  owned: { persona: SEEDED.wechatLinked.persona, playerId: SEEDED.wechatLinked.id },
  unknown: ['li-na', 'wang-fang', 'persona-01'],
  async connectFields(idmock, persona) {
    const token = await wechatLogin(idmock, persona);
    return {
      fields: { '@class': '.WeChatConnectRequest', ...token },
      externalId: token.openId,
    };
  },
};

/** QQ: accessToken only; the openid comes from `/oauth2.0/me`. */
export const qqFixture: ProviderFixture = {
  name: 'QQ',
  requestClass: '.QQConnectRequest',
  system: 'QQ',
  owned: { persona: SEEDED.qqLinked.persona, playerId: SEEDED.qqLinked.id },
  unknown: ['li-na', 'zhang-wei', 'persona-02'],
  async connectFields(idmock, persona) {
    const token = await qqLogin(idmock, persona);
    return {
      fields: { '@class': '.QQConnectRequest', accessToken: token.accessToken },
      externalId: token.openId,
    };
  },
};

/** Both providers. */
export const PROVIDERS: readonly ProviderFixture[] = [wechatFixture, qqFixture];

/** A player as `GET /__mock/players` lists it. */
export interface ListedPlayer {
  id: string;
  displayName: string;
  externalIds: Record<string, string>;
  segments: Record<string, string>;
  online: boolean;
  syncDisplayName: Record<string, boolean>;
}

/** Every player of the auth server. */
export async function listPlayers(authUrl: string): Promise<ListedPlayer[]> {
  return (await get(`${authUrl}/__mock/players`)).json<{ players: ListedPlayer[] }>().players;
}

/** One player of the auth server. */
export async function findPlayer(authUrl: string, id: string): Promise<ListedPlayer | undefined> {
  return (await listPlayers(authUrl)).find((player) => player.id === id);
}

/** Returns the auth server to its seeded world. */
export async function resetAuth(authUrl: string): Promise<void> {
  await postJson(`${authUrl}/__mock/reset`, {});
}

/** A device id no test used before. */
export function freshDeviceId(): string {
  counter += 1;
  return `device-${process.pid}-${counter}`;
}

/** Signs in anonymously with a fresh device: a player with no social profile. */
export async function deviceSignIn(client: GsClient, displayName?: string): Promise<GsBody> {
  return client.send({
    '@class': '.DeviceAuthenticationRequest',
    deviceId: freshDeviceId(),
    deviceOS: 'IOS',
    ...(displayName === undefined ? {} : { displayName }),
  });
}

/** A promise with its resolve function, for barriers. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** The auth server's context, for the test-only hooks. */
export function authContext(idmock: RunningIdmock): AuthContext {
  return idmock.services.auth!.context as AuthContext;
}

/**
 * Holds the first request matching `matches` at the barrier between validation and commit.
 * `reached` resolves when it is held; `release()` lets it commit.
 */
export function holdAtBarrier(
  idmock: RunningIdmock,
  matches: (event: BeforeCommitEvent) => boolean,
): { reached: Promise<void>; release: () => void } {
  const reached = deferred();
  const gate = deferred();
  let held = false;
  const hooks = authContext(idmock).hooks;
  const previous = hooks.beforeCommit;
  hooks.beforeCommit = async (event) => {
    if (!held && matches(event)) {
      held = true;
      reached.resolve();
      await gate.promise;
      return;
    }
    await previous?.(event);
  };
  return {
    reached: reached.promise,
    release: () => {
      gate.resolve();
    },
  };
}

/** Removes every barrier. */
export function clearBarriers(idmock: RunningIdmock): void {
  authContext(idmock).hooks.beforeCommit = null;
}
