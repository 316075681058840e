/**
 * The reference SDK of the auth server: typed clients of the connect API (REST and WebSocket) and
 * of the WeChat QR login API. It is also the Pact consumer whose contracts any auth server
 * implementation is verified against (`contracts/idmock-sdk-idmock-auth-server.json`,
 * `contracts/idmock-login-client-idmock-auth-server.json`).
 *
 * Re-exported from the package root (`import { createConnectClient } from 'idmock'`) rather than
 * a `./sdk` subpath: it needs nothing beyond the package's own dependencies (`fetch`, and `ws` for
 * the socket), and it is what idmock's users test against the mocks with. This barrel is
 * self-contained, so a subpath can map to it later without moving code.
 */
export {
  createConnectClient,
  type ConnectClient,
  type ConnectClientOptions,
  type SdkFetch,
} from './connect-client.js';
export {
  connectSocketUrl,
  createConnectSocket,
  handshakeHmac,
  type ConnectSocket,
  type ConnectSocketOptions,
} from './connect-socket.js';
export {
  CONNECT_ERRORS,
  CONNECT_HANDSHAKE_REQUEST,
  CONNECT_REQUESTS,
  CONNECT_RESPONSES,
  EXTERNAL_SYSTEMS,
  isAuthenticationFailure,
  type AuthenticationFailure,
  type AuthenticationParams,
  type AuthenticationResponse,
  type AuthenticationSuccess,
  type ConnectApi,
  type ConnectCallOptions,
  type ConnectErrorMap,
  type ConnectFlags,
  type ConnectRequestClass,
  type DeviceAuthenticationParams,
  type PlayerSummary,
  type QQConnectParams,
  type RegistrationParams,
  type RequestId,
  type Segments,
  type WeChatConnectParams,
} from './connect-wire.js';
export {
  IDMOCK_SDK_CLOSED,
  IDMOCK_SDK_HANDSHAKE,
  IDMOCK_SDK_PROTOCOL,
  IDMOCK_SDK_TIMEOUT,
  IDMOCK_SDK_UNREACHABLE,
  IdmockSdkError,
  type IdmockSdkErrorCode,
} from './errors.js';
export { createLoginClient, type LoginClient, type LoginClientOptions } from './login-client.js';
export {
  errorTitles,
  LOGIN_ERROR_TITLES,
  LOGIN_OUTER_TITLES,
  LOGIN_SEED_CODES,
  unionPairOf,
  type Account,
  type LoginErrorBody,
  type LoginInnerError,
  type LoginResult,
  type PasswordLogin,
  type SmsLogin,
  type SmsSent,
  type TokenBody,
  type UnionPair,
  type WechatCodeLogin,
} from './login-wire.js';
