/**
 * Every target `idmock verify` knows, keyed by its `--target` name.
 */
import { AUTH_SERVER_TARGET } from './auth-server/index.js';
import { QQ_TARGET } from './qq-target.js';
import type { TargetName } from './target-names.js';
import type { ContractTarget } from './types.js';
import { WECHAT_TARGET } from './wechat-target.js';

export { isTargetName, TARGET_NAMES, type TargetName } from './target-names.js';

/** The targets, keyed by their `--target` name. */
export const CONTRACT_TARGETS = {
  wechat: WECHAT_TARGET,
  qq: QQ_TARGET,
  'auth-server': AUTH_SERVER_TARGET,
} as const satisfies Readonly<Record<TargetName, ContractTarget>>;
