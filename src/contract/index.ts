/**
 * The contract harness: verify an implementation of WeChat's or QQ's API (and, later, of the auth
 * server) against the committed Pact contracts. `@pact-foundation/pact` is loaded on first use.
 */
export { CONTRACT_PARTIES, CONTRACTS_DIR, contractFileName, contractPath } from './contracts.js';
export { QQ_STATES, QQ_TARGET } from './qq-target.js';
export { CONTRACT_TARGETS, TARGET_NAMES, isTargetName, type TargetName } from './targets.js';
export type {
  ContractTarget,
  InjectedValues,
  PreparedTarget,
  StateHandler,
  StateParams,
  StateTable,
  TargetContext,
} from './types.js';
export { pactStateHandlers, type PactStateHandlers } from './state-handlers.js';
export { verifyTarget, type VerifyOptions, type VerifyResult } from './verify.js';
export type { InteractionOutcome } from './report.js';
export { WECHAT_STATES, WECHAT_TARGET } from './wechat-target.js';
