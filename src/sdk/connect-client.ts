/**
 * The connect API over REST: `POST /rs/{credential}/{secret}/{Request}` (S11). REST has no
 * session, so the client does what GameSparks SDKs do on a socket: it keeps the authToken of the
 * last success and sends it with every request, which makes its owner the current player.
 */
import {
  CONNECT_REQUESTS,
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
  failureReason,
  IDMOCK_SDK_PROTOCOL,
  IDMOCK_SDK_TIMEOUT,
  IDMOCK_SDK_UNREACHABLE,
  IdmockSdkError,
} from './errors.js';

/** The `fetch` the clients use (the global one by default). */
export type SdkFetch = (input: string, init: RequestInit) => Promise<Response>;

/** Options of {@link createConnectClient}. */
export interface ConnectClientOptions {
  /** Where the auth server listens, e.g. `http://127.0.0.1:7700`. */
  readonly baseUrl: string;
  /** The credential's name (`device`, `server`, …). */
  readonly credential: string;
  /** The credential's secret. */
  readonly secret: string;
  /** An authToken to start with (a player signed in earlier). */
  readonly authToken?: string;
  /** Makes requestIds (default: the JS SDK's `Date.now()_counter`). */
  readonly requestIds?: () => RequestId;
  /** Longest one request may take (default 30 s). */
  readonly timeoutMs?: number;
  /** Replaces the global `fetch`. */
  readonly fetch?: SdkFetch;
}

/** A REST client of the connect API. */
export interface ConnectClient extends ConnectApi {
  /** The authToken sent with requests: the last one a success returned (or the initial one). */
  readonly authToken: string | undefined;
  /** The player of the last success. */
  readonly userId: string | undefined;
  /** Forgets the authToken: later requests are unauthenticated until the next success. */
  signOut(): void;
  /** Sends any request class with a raw message (for fields this SDK does not model). */
  send(
    requestClass: ConnectRequestClass,
    params: object,
    options?: ConnectCallOptions,
  ): Promise<AuthenticationResponse>;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Creates a REST client of the connect API.
 * @example
 * const client = createConnectClient({ baseUrl, credential: 'device', secret });
 * const device = await client.deviceAuthentication({ deviceId: 'd-1', deviceOS: 'IOS' });
 * const linked = await client.weChatConnect({ accessToken, openId }); // as device's player
 * if (linked.error) console.log(linked.error.accessToken); // e.g. "ACCOUNT_ALREADY_LINKED"
 */
export function createConnectClient(options: ConnectClientOptions): ConnectClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const root = `${base}/rs/${encodeURIComponent(options.credential)}/${encodeURIComponent(options.secret)}`;
  const nextRequestId = options.requestIds ?? defaultRequestIds();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const doFetch: SdkFetch = options.fetch ?? ((input, init) => fetch(input, init));
  let authToken = options.authToken;
  let userId: string | undefined;

  const send = async (
    requestClass: ConnectRequestClass,
    params: object,
    call: ConnectCallOptions = {},
  ): Promise<AuthenticationResponse> => {
    const callerToken = call.authToken === null ? undefined : (call.authToken ?? authToken);
    const message = connectMessage(
      requestClass,
      params,
      {
        ...(call.playerId === undefined ? {} : { playerId: call.playerId }),
        ...(callerToken === undefined ? {} : { authToken: callerToken }),
      },
      call.requestId ?? nextRequestId(),
    );
    const url = `${root}/${requestClass.slice(1)}`;
    let response: Response;
    try {
      response = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(message),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const reason = failureReason(error);
      throw new IdmockSdkError(
        reason === 'no answer in time' ? IDMOCK_SDK_TIMEOUT : IDMOCK_SDK_UNREACHABLE,
        `${requestClass} to ${base}: ${reason}`,
        { cause: error },
      );
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const body = readAuthenticationResponse(json);
    if (!body) {
      throw new IdmockSdkError(
        IDMOCK_SDK_PROTOCOL,
        `${requestClass} to ${base} answered HTTP ${response.status} with something other than a connect response: ${text.slice(0, 200)}`,
        { status: response.status },
      );
    }
    if (body.error === undefined) {
      authToken = body.authToken;
      userId = body.userId;
    }
    return body;
  };

  return {
    get authToken() {
      return authToken;
    },
    get userId() {
      return userId;
    },
    signOut() {
      authToken = undefined;
      userId = undefined;
    },
    send,
    deviceAuthentication: (params, call) =>
      send(CONNECT_REQUESTS.deviceAuthentication, params, call),
    registration: (params, call) => send(CONNECT_REQUESTS.registration, params, call),
    authentication: (params, call) => send(CONNECT_REQUESTS.authentication, params, call),
    weChatConnect: (params, call) => send(CONNECT_REQUESTS.weChatConnect, params, call),
    qqConnect: (params, call) => send(CONNECT_REQUESTS.qqConnect, params, call),
  };
}
