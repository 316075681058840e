/**
 * Every target `idmock verify` knows, keyed by its `--target` name.
 */
import { AUTH_SERVER_TARGET } from './auth-server/index.js';
import { QQ_TARGET } from './qq-target.js';
import type { ContractTarget } from './types.js';
import { WECHAT_TARGET } from './wechat-target.js';

/** The targets, keyed by their `--target` name. */
export const CONTRACT_TARGETS = {
  wechat: WECHAT_TARGET,
  qq: QQ_TARGET,
  'auth-server': AUTH_SERVER_TARGET,
} as const satisfies Readonly<Record<string, ContractTarget>>;

/** A `--target` name. */
export type TargetName = keyof typeof CONTRACT_TARGETS;

/** The `--target` names, in help order. */
export const TARGET_NAMES = Object.keys(CONTRACT_TARGETS) as TargetName[];

/** Whether a string names a target. */
export function isTargetName(value: string): value is TargetName {
  return Object.hasOwn(CONTRACT_TARGETS, value);
}
