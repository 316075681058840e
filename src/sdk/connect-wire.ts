/**
 * The GameSparks-style connect API as a client sees it (`auth-server.md` §1, §3): request classes
 * and their parameters, the response bodies, and the words of the `error` map. The SDK keeps its
 * own copy of these wire words rather than importing the server's, so that the contract tests
 * compare two independent spellings.
 */

/** The request classes, keyed by the SDK method that sends them. */
export const CONNECT_REQUESTS = {
  deviceAuthentication: '.DeviceAuthenticationRequest',
  registration: '.RegistrationRequest',
  authentication: '.AuthenticationRequest',
  weChatConnect: '.WeChatConnectRequest',
  qqConnect: '.QQConnectRequest',
} as const;

/** One request class. */
export type ConnectRequestClass = (typeof CONNECT_REQUESTS)[keyof typeof CONNECT_REQUESTS];

/** Response classes: registrations answer `.RegistrationResponse`, every other request `.AuthenticationResponse`. */
export const CONNECT_RESPONSES = {
  authentication: '.AuthenticationResponse',
  registration: '.RegistrationResponse',
  /** The WebSocket handshake's messages. */
  connect: '.AuthenticatedConnectResponse',
} as const;

/** The WebSocket handshake request class. */
export const CONNECT_HANDSHAKE_REQUEST = '.AuthenticatedConnectRequest';

/**
 * Values of the `error` map. The first six are documented by GameSparks (S1, S3, S4);
 * `SWITCH_PREVENTED` (with `switchSummary`) and `UNRECOGNISED` under `accessToken` for
 * `doNotCreateNewPlayer` are the reference server's decisions (`auth-server.md` §3, §7).
 */
export const CONNECT_ERRORS = {
  required: 'REQUIRED',
  notAuthenticated: 'NOTAUTHENTICATED',
  accountAlreadyLinked: 'ACCOUNT_ALREADY_LINKED',
  /** The value contains a space, as documented. */
  coppaRestricted: 'COPPA restricted',
  taken: 'TAKEN',
  unrecognised: 'UNRECOGNISED',
  locked: 'LOCKED',
  switchPrevented: 'SWITCH_PREVENTED',
} as const;

/** External system ids as `switchSummary.externalIds` keys them: `WC` WeChat, `QQ` QQ (S7). */
export const EXTERNAL_SYSTEMS = { wechat: 'WC', qq: 'QQ' } as const;

/** Segment type → value, applied to new players only. */
export type Segments = Readonly<Record<string, string>>;

/** `DeviceAuthenticationRequest`: finds or creates the anonymous player of a device. */
export interface DeviceAuthenticationParams {
  readonly deviceId: string;
  /** `IOS`, `ANDROID`, `WP8`, … (anything else: `{"deviceOS": "IOS|ANDROID|WP8"}`). */
  readonly deviceOS: string;
  readonly deviceModel?: string;
  readonly deviceName?: string;
  readonly deviceType?: string;
  readonly displayName?: string;
  readonly operatingSystem?: string;
  readonly segments?: Segments;
}

/** `RegistrationRequest`: creates a player with a user name and password. */
export interface RegistrationParams {
  readonly userName: string;
  readonly password: string;
  readonly displayName: string;
  readonly segments?: Segments;
}

/** `AuthenticationRequest`: signs in with a user name and password. */
export interface AuthenticationParams {
  readonly userName: string;
  readonly password: string;
}

/** The flags of both connect requests (all default to false on the server). */
export interface ConnectFlags {
  /** Create a new player for an unknown profile instead of linking it to the current one. */
  readonly doNotLinkToCurrentPlayer?: boolean;
  /** Answer `{"accessToken": "UNRECOGNISED"}` instead of creating a player. */
  readonly doNotCreateNewPlayer?: boolean;
  /** Answer `SWITCH_PREVENTED` with a `switchSummary` instead of switching players. */
  readonly errorOnSwitch?: boolean;
  /** Switch to the profile's owner even when the current player has another profile. */
  readonly switchIfPossible?: boolean;
  /** Overwrite the player's displayName with the provider's nickname. */
  readonly syncDisplayName?: boolean;
  /** Segments of a player this request creates. */
  readonly segments?: Segments;
}

/** `WeChatConnectRequest`: a WeChat access token and the openid it was issued for. */
export interface WeChatConnectParams extends ConnectFlags {
  readonly accessToken: string;
  readonly openId: string;
}

/** `QQConnectRequest`: a QQ access token (the openid is looked up). */
export interface QQConnectParams extends ConnectFlags {
  readonly accessToken: string;
}

/** A requestId as the server echoes it. */
export type RequestId = string | number;

/** The `error` map: field or subject → code, e.g. `{"accessToken": "ACCOUNT_ALREADY_LINKED"}`. */
export type ConnectErrorMap = Readonly<Record<string, string>>;

/** The player a switch would move to (`Player` type), sent only with `SWITCH_PREVENTED`. */
export interface PlayerSummary {
  readonly id: string;
  readonly displayName: string;
  /** `WC` and/or `QQ` → the external id. */
  readonly externalIds: Readonly<Partial<Record<'WC' | 'QQ', string>>>;
  readonly achievements: readonly unknown[];
  readonly virtualGoods: readonly unknown[];
  /** Whether the player has a live WebSocket session. */
  readonly online: boolean;
  readonly scriptData: Readonly<Record<string, unknown>>;
}

/** A success: a fresh authToken for the resulting player. */
export interface AuthenticationSuccess {
  readonly '@class': string;
  readonly authToken: string;
  readonly displayName: string;
  readonly newPlayer: boolean;
  readonly requestId?: RequestId;
  readonly scriptData?: Readonly<Record<string, unknown>> | null;
  readonly userId: string;
  readonly error?: undefined;
  readonly switchSummary?: undefined;
}

/** A failure: an `error` map, `newPlayer: false`, and no authToken or userId. */
export interface AuthenticationFailure {
  readonly '@class': string;
  readonly error: ConnectErrorMap;
  readonly newPlayer: boolean;
  readonly requestId?: RequestId;
  /** Only with `{"authentication": "SWITCH_PREVENTED"}`. */
  readonly switchSummary?: PlayerSummary;
  readonly authToken?: undefined;
  readonly userId?: undefined;
}

/** What every request of the connect API answers; test `response.error` to tell them apart. */
export type AuthenticationResponse = AuthenticationSuccess | AuthenticationFailure;

/** Whether a response is a failure (narrows the union). */
export function isAuthenticationFailure(
  response: AuthenticationResponse,
): response is AuthenticationFailure {
  return response.error !== undefined;
}

/** Per-call options of every request. */
export interface ConnectCallOptions {
  /**
   * The authToken to act with (REST): the owner of this token is the current player. Defaults to
   * the last authToken the client received; `null` sends none (an unauthenticated caller).
   */
  readonly authToken?: string | null;
  /** REST, credentials allowed to act for players (Server): the current player by id. */
  readonly playerId?: string;
  /** The requestId to send (default: the client's generator). */
  readonly requestId?: RequestId;
}

/** The five requests, as both the REST client and the WebSocket session send them. */
export interface ConnectApi {
  deviceAuthentication(
    params: DeviceAuthenticationParams,
    options?: ConnectCallOptions,
  ): Promise<AuthenticationResponse>;
  registration(
    params: RegistrationParams,
    options?: ConnectCallOptions,
  ): Promise<AuthenticationResponse>;
  authentication(
    params: AuthenticationParams,
    options?: ConnectCallOptions,
  ): Promise<AuthenticationResponse>;
  weChatConnect(
    params: WeChatConnectParams,
    options?: ConnectCallOptions,
  ): Promise<AuthenticationResponse>;
  qqConnect(params: QQConnectParams, options?: ConnectCallOptions): Promise<AuthenticationResponse>;
}

/**
 * The JS SDK's requestId: `Date.now() + "_" + counter` (S9). One generator per client, so ids of
 * one client never repeat.
 */
export function defaultRequestIds(): () => string {
  let counter = 0;
  return () => {
    counter += 1;
    return `${Date.now()}_${counter}`;
  };
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads a response body: an `error` map of strings makes a failure; a string `authToken` and
 * `userId` make a success. Anything else is not the API's answer (undefined). Only those
 * discriminating fields are checked; the rest are typed as the contract pins them.
 */
export function readAuthenticationResponse(value: unknown): AuthenticationResponse | undefined {
  if (!isRecord(value) || typeof value['@class'] !== 'string') return undefined;
  const error = value['error'];
  if (isRecord(error)) {
    return Object.values(error).every((code) => typeof code === 'string')
      ? (value as unknown as AuthenticationFailure)
      : undefined;
  }
  return typeof value['authToken'] === 'string' && typeof value['userId'] === 'string'
    ? (value as unknown as AuthenticationSuccess)
    : undefined;
}

/**
 * The JSON message of one request: the parameters that are set, the caller, and the requestId,
 * in that order. Unset optional parameters are left out, never sent as `null`.
 */
export function connectMessage(
  requestClass: ConnectRequestClass,
  params: object,
  caller: { readonly authToken?: string; readonly playerId?: string },
  requestId: RequestId | undefined,
): Record<string, unknown> {
  const message: Record<string, unknown> = { '@class': requestClass };
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) message[key] = value;
  }
  if (caller.playerId !== undefined) message['playerId'] = caller.playerId;
  else if (caller.authToken !== undefined) message['authToken'] = caller.authToken;
  if (requestId !== undefined) message['requestId'] = requestId;
  return message;
}
