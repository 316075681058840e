/**
 * Every wire word of the GameSparks-style connect API in one place: request and response classes,
 * external system ids, and the error map entries. Entries marked *invented* are not documented by
 * GameSparks (see `auth-server.md` §3 and §7); they live here so they can be changed in one edit when
 * real traffic is found.
 */

/** Request classes this server answers. */
export const GS_REQUESTS = {
  device: '.DeviceAuthenticationRequest',
  registration: '.RegistrationRequest',
  authentication: '.AuthenticationRequest',
  wechat: '.WeChatConnectRequest',
  qq: '.QQConnectRequest',
} as const;

/** One request class. */
export type GsRequestClass = (typeof GS_REQUESTS)[keyof typeof GS_REQUESTS];

/** Response classes. The AS3/Java SDKs call the registration response `.RegistrationResponse`. */
export const GS_RESPONSES = {
  authentication: '.AuthenticationResponse',
  registration: '.RegistrationResponse',
  connect: '.AuthenticatedConnectResponse',
} as const;

/** The WebSocket handshake request class. */
export const GS_CONNECT_REQUEST = '.AuthenticatedConnectRequest';

/** External system ids as `getExternalIds` keys them (S7): one id per system per player. */
export const GS_SYSTEMS = { wechat: 'WC', qq: 'QQ' } as const;

/** One external system id. */
export type SocialSystem = (typeof GS_SYSTEMS)[keyof typeof GS_SYSTEMS];

/** An `error` map: field or subject key → code string. */
export type ErrorMap = Readonly<Record<string, string>>;

/** Documented values of the `error` map (S1, S3, S4). */
export const GS_CODES = {
  required: 'REQUIRED',
  notAuthenticated: 'NOTAUTHENTICATED',
  accountAlreadyLinked: 'ACCOUNT_ALREADY_LINKED',
  /** The value contains a space, as documented. */
  coppaRestricted: 'COPPA restricted',
  taken: 'TAKEN',
  unrecognised: 'UNRECOGNISED',
  locked: 'LOCKED',
  /** The documented value for a deviceOS outside the accepted range. */
  deviceOsRange: 'IOS|ANDROID|WP8',
} as const;

/** `{"accessToken":"ACCOUNT_ALREADY_LINKED"}` (rows 5 and 8a). */
export const ERR_ACCOUNT_ALREADY_LINKED: ErrorMap = { accessToken: GS_CODES.accountAlreadyLinked };

/** `{"accessToken":"NOTAUTHENTICATED"}`: the provider rejected the token. */
export const ERR_NOT_AUTHENTICATED: ErrorMap = { accessToken: GS_CODES.notAuthenticated };

/** `{"authentication":"COPPA restricted"}`: social connect on a COPPA-compliant credential. */
export const ERR_COPPA: ErrorMap = { authentication: GS_CODES.coppaRestricted };

/** `{"USERNAME":"TAKEN"}` from `RegistrationRequest`. */
export const ERR_USERNAME_TAKEN: ErrorMap = { USERNAME: GS_CODES.taken };

/** `{"DETAILS":"UNRECOGNISED"}` from `AuthenticationRequest`. */
export const ERR_DETAILS_UNRECOGNISED: ErrorMap = { DETAILS: GS_CODES.unrecognised };

/** `{"DETAILS":"LOCKED"}`: too many wrong passwords, temporarily. */
export const ERR_DETAILS_LOCKED: ErrorMap = { DETAILS: GS_CODES.locked };

/** *Invented.* `errorOnSwitch` stopped a switch; the response also carries `switchSummary`. */
export const ERR_SWITCH_PREVENTED: ErrorMap = { authentication: 'SWITCH_PREVENTED' };

/** *Invented.* `doNotCreateNewPlayer` stopped a create (reuses GameSparks' "no match" word). */
export const ERR_NO_CREATE: ErrorMap = { accessToken: GS_CODES.unrecognised };

/** *Invented.* The provider could not be asked (timeout, refused, `-1 system error`, garbage). */
export const ERR_PROVIDER_UNAVAILABLE: ErrorMap = { accessToken: 'PROVIDER_UNAVAILABLE' };

/** *Invented.* The value of a field of the wrong type or size. */
export const CODE_INVALID = 'INVALID';

/** *Invented.* The REST body or WebSocket message is not a JSON object. */
export const ERR_NOT_JSON: ErrorMap = { request: 'INVALID_JSON' };

/** *Invented.* The REST body or WebSocket message is larger than allowed. */
export const ERR_TOO_LARGE: ErrorMap = { request: 'TOO_LARGE' };

/** *Invented.* The `@class` names no request this server knows. */
export const ERR_UNKNOWN_REQUEST: ErrorMap = { '@class': GS_CODES.unrecognised };

/** *Invented.* REST: unknown credential in the path (HTTP 403). */
export const ERR_UNKNOWN_CREDENTIAL: ErrorMap = { credential: GS_CODES.unrecognised };

/** *Invented.* REST: wrong secret in the path (HTTP 403). */
export const ERR_WRONG_SECRET: ErrorMap = { secret: GS_CODES.unrecognised };

/** *Invented.* WebSocket: unknown apiKey in the path (HTTP 403 on the upgrade). */
export const ERR_UNKNOWN_API_KEY: ErrorMap = { apiKey: GS_CODES.unrecognised };

/** *Invented.* WebSocket: the handshake HMAC does not match (the socket is then closed). */
export const ERR_BAD_HMAC: ErrorMap = { hmac: CODE_INVALID };

/** *Invented.* WebSocket: a request before the handshake completed. */
export const ERR_NOT_CONNECTED: ErrorMap = { authentication: 'NOT_CONNECTED' };

/**
 * *Invented* (after GameSparks' `NOTAUTHORIZED`). REST: the `authToken` in the body belongs to no
 * player, so the caller's identity is unknown.
 */
export const ERR_AUTH_TOKEN_UNKNOWN: ErrorMap = { authToken: 'NOTAUTHORIZED' };

/** *Invented.* REST: `playerId` given on a credential that may not act for players. */
export const ERR_PLAYER_ID_FORBIDDEN: ErrorMap = { playerId: 'NOT_PERMITTED' };

/** *Invented.* REST: `playerId` names no player. */
export const ERR_PLAYER_ID_UNKNOWN: ErrorMap = { playerId: GS_CODES.unrecognised };

/** *Invented.* No such path (HTTP 404). */
export const ERR_NOT_FOUND: ErrorMap = { request: 'NOT_FOUND' };

/** *Invented.* Wrong HTTP method on a known path (HTTP 405). */
export const ERR_METHOD_NOT_ALLOWED: ErrorMap = { request: 'METHOD_NOT_ALLOWED' };

/** *Invented.* A plain GET on a WebSocket path (HTTP 426). */
export const ERR_UPGRADE_REQUIRED: ErrorMap = { request: 'UPGRADE_REQUIRED' };

/** *Invented.* An unexpected fault of the server itself; details go to the log only. */
export const ERR_INTERNAL: ErrorMap = { request: 'INTERNAL_ERROR' };

/** Accepted `deviceOS` values (compared case-insensitively); S1 lists the first four. */
export const DEVICE_OS_VALUES: readonly string[] = Object.freeze([
  'IOS',
  'ANDROID',
  'WP8',
  'W8',
  'WINDOWS',
  'WSA',
  'OSX',
  'LINUX',
  'WEBGL',
  'PS4',
  'XBOXONE',
  'SWITCH',
]);
