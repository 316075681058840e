/**
 * `idmock`: mock WeChat and QQ login providers and a reference auth server, in-process or as
 * servers. Re-exports only; `idmock/express` and `idmock/nock` hold the transports.
 */
export { startIdmock, type RunningIdmock, type StartOptions } from './runtime/start.js';
export { withIdmock } from './runtime/with-idmock.js';
export {
  createAdminClient,
  httpAdminTransport,
  inProcessAdminTransport,
  IdmockAdminError,
  type AdminAnswer,
  type AdminFaultInput,
  type AdminTransport,
  type ClockView,
  type HeadlessConsent,
  type IdmockAdmin,
  type ProviderAdmin,
  type QqAuthorizeInput,
  type ServiceFault,
  type WechatAdmin,
  type WechatAuthorizeInput,
  type WechatQrSessionView,
  type WechatUserView,
} from './runtime/admin-client.js';
export {
  DEFAULT_CONFIG,
  resolveConfig,
  SERVICE_NAMES,
  type ConfigInput,
  type ResolvedConfig,
  type ServiceName,
} from './runtime/config.js';
export {
  IDMOCK_INVALID_ARGUMENT,
  IDMOCK_INVALID_CONFIG,
  IDMOCK_INVALID_WORLD,
  IDMOCK_LISTEN_FAILED,
  IDMOCK_PORT_IN_USE,
  IdmockError,
  type IdmockErrorCode,
} from './core/errors.js';
export type { Clock } from './core/clock.js';
export {
  FAULT_KINDS,
  type Fault,
  type FaultEffect,
  type FaultInput,
  type FaultKind,
} from './core/faults.js';
export type { JournalBody, JournalEntry, JournalQuery } from './core/journal.js';
export type {
  ScenarioFile,
  ScenarioResult,
  ScenarioStep,
  ScenarioSummary,
} from './core/scenarios.js';
export { STATE_FORMAT, STATE_VERSION, type StateDocument } from './core/state.js';
export { WECHAT_API_ERRORS, type WechatApiErrorKey } from './providers/wechat/errors.js';
// The reference SDK: connect API clients (REST, WebSocket) and the WeChat QR login client.
export * from './sdk/index.js';
