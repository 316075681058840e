/**
 * The contract harness: verify an implementation of WeChat's or QQ's API, or of the auth server,
 * against the committed Pact contracts. `@pact-foundation/pact` is loaded on first use.
 */
export {
  AUTH_SERVER_TARGET,
  CONNECT_STATES,
  CONTRACT_CONNECT_QQ_CLIENT_ID,
  CONTRACT_CONNECT_WECHAT_APPID,
  CONTRACT_CREDENTIALS,
  CONTRACT_GAME_API_KEY,
  CONTRACT_LOGIN,
  HARNESS_PERSONAS,
  LOGIN_STATES,
  SMS_CODE_REQUEST,
  startHarnessProviders,
  writeHarnessWorld,
  type HarnessProviders,
  type StartHarnessProvidersOptions,
} from './auth-server/index.js';
export { CONTRACT_PARTIES, CONTRACTS_DIR, contractFileName, contractPath } from './contracts.js';
export { QQ_STATES, QQ_TARGET } from './qq-target.js';
export { CONTRACT_TARGETS, TARGET_NAMES, isTargetName, type TargetName } from './targets.js';
export type {
  ContractTarget,
  InjectedValues,
  PreparedTarget,
  ProviderMocksOptions,
  StateHandler,
  StateParams,
  StateTable,
  TargetContext,
} from './types.js';
export { pactStateHandlers, type PactStateHandlers } from './state-handlers.js';
export { verifyTarget, type VerifyOptions, type VerifyResult } from './verify.js';
export type { InteractionOutcome } from './report.js';
export { WECHAT_STATES, WECHAT_TARGET } from './wechat-target.js';
