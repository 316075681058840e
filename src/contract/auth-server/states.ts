/**
 * The provider states of the two auth-server contracts. Parameters in braces are **labels**, not
 * values: `player {player}` with `player: "P0"` names the current player of §3's decision table
 * and `P1` the owner of a profile; `WeChat user {user}` with `user: "X"` is the profile in the
 * request and `"Y"` the current player's other profile. Each label is a fresh identity for every
 * interaction: a WeChat/QQ user the server has never seen, a new device, a new phone number. So
 * the states hold on any server, however many times it was verified before, with no reset.
 *
 * What each set-up answers (injected into the request with `fromProviderState`) is named after
 * "→"; `<player>` stands for the label, e.g. `P0AuthToken`.
 */

/** States of `idmock-sdk` → `idmock-auth-server` (the connect API). */
export const CONNECT_STATES = {
  /** → `accessToken`, `openId`: a token of the connect app for a WeChat user. */
  wechatToken: 'WeChat user {user} holds a fresh access token for app {appid}',
  /** → `accessToken`, `openId`: a token of the connect app for a QQ user. */
  qqToken: 'QQ user {user} holds a fresh access token for app {clientId}',
  /** → `<player>AuthToken`, `<player>DeviceId`, `<player>Id`: an anonymous device player. */
  deviceSignedIn: 'player {player} has signed in with a device',
  /** → `<player>AuthToken`, `<player>UserName`, `<player>Password`, `<player>Id`. */
  registered: 'player {player} has registered with a user name and password',
  /** As `registered`, after enough wrong passwords to lock the user name. */
  lockedOut: 'player {player} has registered with a user name and password and is locked out',
  /** → `<player>AuthToken`, `<player>Id`: the player (a device player) holds the WeChat profile. */
  wechatLinked: 'player {player} is linked to WeChat user {user}',
  /** → `<player>AuthToken`, `<player>Id`: the player (a device player) holds the QQ profile. */
  qqLinked: 'player {player} is linked to QQ user {user}',
  /** → `deviceId`: a device id no player has. */
  newDevice: 'a device that has never signed in',
  /** → `userName`: a user name nobody has registered. */
  newUserName: 'a user name nobody has registered',
} as const;

/** States of `idmock-login-client` → `idmock-auth-server` (the WeChat QR login API). */
export const LOGIN_STATES = {
  /** → `code`: a fresh QR-login code of a WeChat user bound to an account. */
  registeredCode: 'WeChat user {user} is registered and holds an unused code for app {appid}',
  /** → `code`: a fresh QR-login code of a WeChat user bound to no account. */
  unregisteredCode: 'WeChat user {user} is not registered and holds an unused code for app {appid}',
  /** → `code`: a code WeChat has already exchanged once. */
  exchangedCode: 'WeChat user {user} holds a code for app {appid} that was already exchanged',
  /** → `unionId`, `unionCode`: the pair of an unbound WeChat user's 401, unused. */
  unionCode: 'an unregistered WeChat user {user} has a unionCode',
  /** → `unionId`, `unionCode`: the pair, after it registered the user to another phone. */
  usedUnionCode: 'WeChat user {user} has registered with their unionCode',
  /** → `tn`, `smsCode`, `wrongSmsCode`: a live SMS code of a phone number with no account. */
  smsSent: 'an SMS code has been sent to a new phone number {phone}',
  /** → `tn`, `smsCode`: a live SMS code of a phone whose account is bound to another WeChat user. */
  phoneTaken: 'phone number {phone} is registered to another WeChat user and has an SMS code',
  /** → `token`: a bearer token of the account a WeChat user registered (by SMS). */
  signedIn: 'WeChat user {user} is registered and signed in',
} as const;

/**
 * Not a contract state: what the harness asks a state-change URL when the server under test has
 * no `GET /__mock/sms` (the only thing it cannot do through the public API and the mocks). The
 * harness has just called `POST /v1/auth/sms {tn}`; answer `{"code": "<the code sent>"}`.
 */
export const SMS_CODE_REQUEST = 'the SMS code sent to phone number {tn}';
