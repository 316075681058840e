/**
 * The connect API over WebSocket (S9): `/ws/{credential}/{apiKey}`, then the nonce/HMAC handshake,
 * then requests answered by `requestId`. The session is the socket: a success binds it to the
 * resulting player, so requests carry no authToken. Requests may overlap; the server answers them
 * in arrival order and each answer is matched to its request by `requestId`.
 *
 * Uses the `ws` package (a dependency), so it runs on every supported Node version.
 */
import { createHmac } from 'node:crypto';
import WebSocket from 'ws';
import {
  CONNECT_HANDSHAKE_REQUEST,
  CONNECT_REQUESTS,
  CONNECT_RESPONSES,
  connectMessage,
  defaultRequestIds,
  readAuthenticationResponse,
  type AuthenticationResponse,
  type ConnectApi,
  type ConnectCallOptions,
  type ConnectRequestClass,
  type RequestId,
} from './connect-wire.js';
import {
  IDMOCK_SDK_CLOSED,
  IDMOCK_SDK_HANDSHAKE,
  IDMOCK_SDK_PROTOCOL,
  IDMOCK_SDK_TIMEOUT,
  IDMOCK_SDK_UNREACHABLE,
  IdmockSdkError,
} from './errors.js';

/** Options of {@link createConnectSocket}. */
export interface ConnectSocketOptions {
  /** The auth server, as `http(s)://` or `ws(s)://` (its origin is used). */
  readonly baseUrl: string;
  /** The credential's name (default `device`). */
  readonly credential?: string;
  /** The credential's secret, which keys the handshake HMAC. */
  readonly secret: string;
  /** The game's API key (last path segment). */
  readonly apiKey: string;
  /** Resumes that player's session with no login request, when the token is valid. */
  readonly authToken?: string;
  /** Sent in the handshake, as SDKs do. */
  readonly os?: string;
  readonly platform?: string;
  readonly deviceId?: string;
  /** Makes requestIds (default: the JS SDK's `Date.now()_counter`). */
  readonly requestIds?: () => RequestId;
  /** How long to wait for a response (the JS SDK gives up after 32 s). */
  readonly responseTimeoutMs?: number;
  /** How long the connection and handshake may take (default 10 s). */
  readonly handshakeTimeoutMs?: number;
}

/** A handshaken connect session. */
export interface ConnectSocket extends ConnectApi {
  /** The session id the server gave the handshake. */
  readonly sessionId: string;
  /** The last authToken of any message (the resumed one, then each success's). */
  readonly authToken: string | undefined;
  /** The player the session is bound to, as far as responses told. */
  readonly userId: string | undefined;
  /** Sends any request class; `options.authToken`/`playerId` do not apply on a socket. */
  send(
    requestClass: ConnectRequestClass,
    params: object,
    options?: ConnectCallOptions,
  ): Promise<AuthenticationResponse>;
  /** Closes the socket; pending requests reject with `IDMOCK_SDK_CLOSED`. */
  close(): Promise<void>;
}

const DEFAULT_RESPONSE_TIMEOUT_MS = 32_000;
const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;

/** The HMAC answering a handshake nonce: base64(HMAC-SHA256 of the nonce, keyed by the secret). */
export function handshakeHmac(nonce: string, secret: string): string {
  return createHmac('sha256', secret).update(nonce).digest('base64');
}

/** The socket URL of a credential: `ws(s)://host/ws/{credential}/{apiKey}`. */
export function connectSocketUrl(baseUrl: string, credential: string, apiKey: string): string {
  const origin = new URL(baseUrl).origin.replace(/^http/, 'ws');
  return `${origin}/ws/${encodeURIComponent(credential)}/${encodeURIComponent(apiKey)}`;
}

function textOf(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

interface Pending {
  resolve(body: AuthenticationResponse): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** Opens the socket; resolves once the server accepted the HMAC. */
function handshake(
  url: string,
  options: ConnectSocketOptions,
): Promise<{ ws: WebSocket; hello: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    let settled = false;
    const fail = (error: IdmockSdkError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws.removeAllListeners();
      ws.on('error', () => undefined);
      ws.terminate();
      reject(error);
    };
    const timer = setTimeout(() => {
      fail(new IdmockSdkError(IDMOCK_SDK_TIMEOUT, `no handshake from ${url} in time`));
    }, options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS);
    ws.on('unexpected-response', (_request, response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      response.on('end', () => {
        fail(
          new IdmockSdkError(
            IDMOCK_SDK_HANDSHAKE,
            `${url} refused the upgrade with HTTP ${response.statusCode ?? 0}: ${text.slice(0, 200)}`,
            { status: response.statusCode ?? 0 },
          ),
        );
      });
    });
    ws.on('error', (error) => {
      fail(
        new IdmockSdkError(IDMOCK_SDK_UNREACHABLE, `${url}: ${error.message}`, { cause: error }),
      );
    });
    ws.on('close', (code, reason) => {
      fail(
        new IdmockSdkError(
          IDMOCK_SDK_HANDSHAKE,
          `${url} closed during the handshake (${code} ${reason.toString('utf8')})`,
        ),
      );
    });
    let nonce: string | undefined;
    ws.on('message', (data) => {
      const message = parseObject(textOf(data));
      if (message?.['@class'] !== CONNECT_RESPONSES.connect) {
        fail(new IdmockSdkError(IDMOCK_SDK_PROTOCOL, `unexpected handshake message from ${url}`));
        return;
      }
      if (message['error'] !== undefined) {
        fail(
          new IdmockSdkError(
            IDMOCK_SDK_HANDSHAKE,
            `${url} refused the handshake: ${JSON.stringify(message['error'])}`,
          ),
        );
        return;
      }
      if (nonce === undefined) {
        if (typeof message['nonce'] !== 'string') {
          fail(new IdmockSdkError(IDMOCK_SDK_PROTOCOL, `${url} sent no nonce`));
          return;
        }
        nonce = message['nonce'];
        ws.send(
          JSON.stringify({
            '@class': CONNECT_HANDSHAKE_REQUEST,
            hmac: handshakeHmac(nonce, options.secret),
            ...(options.authToken === undefined ? {} : { authToken: options.authToken }),
            os: options.os ?? 'node',
            platform: options.platform ?? 'idmock-sdk',
            ...(options.deviceId === undefined ? {} : { deviceId: options.deviceId }),
          }),
        );
        return;
      }
      if (typeof message['sessionId'] !== 'string') {
        fail(new IdmockSdkError(IDMOCK_SDK_PROTOCOL, `${url} sent no sessionId`));
        return;
      }
      settled = true;
      clearTimeout(timer);
      ws.removeAllListeners();
      resolve({ ws, hello: message });
    });
  });
}

/**
 * Opens a connect session over WebSocket and completes the handshake.
 * @example
 * const socket = await createConnectSocket({ baseUrl, credential: 'device', secret, apiKey });
 * const device = await socket.deviceAuthentication({ deviceId: 'd-1', deviceOS: 'IOS' });
 * const linked = await socket.weChatConnect({ accessToken, openId }); // the socket's player
 * await socket.close();
 */
export async function createConnectSocket(options: ConnectSocketOptions): Promise<ConnectSocket> {
  const url = connectSocketUrl(options.baseUrl, options.credential ?? 'device', options.apiKey);
  const { ws, hello } = await handshake(url, options);
  const nextRequestId = options.requestIds ?? defaultRequestIds();
  const responseTimeoutMs = options.responseTimeoutMs ?? DEFAULT_RESPONSE_TIMEOUT_MS;
  const sessionId = hello['sessionId'] as string;
  let authToken = typeof hello['authToken'] === 'string' ? hello['authToken'] : undefined;
  let userId = typeof hello['userId'] === 'string' ? hello['userId'] : undefined;
  const pending = new Map<string, Pending>();
  let closed = false;

  const rejectAll = (error: IdmockSdkError): void => {
    for (const entry of pending.values()) {
      clearTimeout(entry.timer);
      entry.reject(error);
    }
    pending.clear();
  };

  ws.on('message', (data) => {
    const message = parseObject(textOf(data));
    if (!message) return;
    // SDKs keep the authToken of every message that has one (GS.cpp).
    if (typeof message['authToken'] === 'string') authToken = message['authToken'];
    const body = readAuthenticationResponse(message);
    const requestId = message['requestId'];
    const entry =
      typeof requestId === 'string' || typeof requestId === 'number'
        ? pending.get(String(requestId))
        : undefined;
    if (!entry) return;
    pending.delete(String(requestId));
    clearTimeout(entry.timer);
    if (!body) {
      entry.reject(
        new IdmockSdkError(
          IDMOCK_SDK_PROTOCOL,
          `request ${String(requestId)} was answered with something other than a connect response`,
        ),
      );
      return;
    }
    if (body.error === undefined) userId = body.userId;
    entry.resolve(body);
  });
  ws.on('error', () => undefined);
  ws.on('close', (code, reason) => {
    closed = true;
    rejectAll(
      new IdmockSdkError(
        IDMOCK_SDK_CLOSED,
        `the socket to ${url} closed (${code} ${reason.toString('utf8')})`,
      ),
    );
  });

  const send = (
    requestClass: ConnectRequestClass,
    params: object,
    call: ConnectCallOptions = {},
  ): Promise<AuthenticationResponse> => {
    if (closed || ws.readyState !== WebSocket.OPEN) {
      return Promise.reject(
        new IdmockSdkError(IDMOCK_SDK_CLOSED, `the socket to ${url} is closed`),
      );
    }
    const requestId = call.requestId ?? nextRequestId();
    const key = String(requestId);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(key);
        reject(
          new IdmockSdkError(IDMOCK_SDK_TIMEOUT, `no response to ${requestClass} ${key} in time`),
        );
      }, responseTimeoutMs);
      pending.set(key, { resolve, reject, timer });
      ws.send(JSON.stringify(connectMessage(requestClass, params, {}, requestId)));
    });
  };

  return {
    sessionId,
    get authToken() {
      return authToken;
    },
    get userId() {
      return userId;
    },
    send,
    deviceAuthentication: (params, call) =>
      send(CONNECT_REQUESTS.deviceAuthentication, params, call),
    registration: (params, call) => send(CONNECT_REQUESTS.registration, params, call),
    authentication: (params, call) => send(CONNECT_REQUESTS.authentication, params, call),
    weChatConnect: (params, call) => send(CONNECT_REQUESTS.weChatConnect, params, call),
    qqConnect: (params, call) => send(CONNECT_REQUESTS.qqConnect, params, call),
    close() {
      if (closed || ws.readyState === WebSocket.CLOSED) return Promise.resolve();
      return new Promise((resolve) => {
        ws.once('close', () => {
          resolve();
        });
        ws.close();
      });
    },
  };
}
