/**
 * The `idmock verify` targets by name, with what each one verifies: all the command line needs to
 * parse `--target` and print its help, without loading the harness (`targets.ts`) at start.
 */

/** What each target verifies, keyed by its `--target` name, in help order. */
export const TARGET_DESCRIPTIONS = {
  wechat: 'a WeChat API implementation (the paths of api.weixin.qq.com)',
  qq: 'a QQ Connect implementation (the paths of graph.qq.com)',
  'auth-server':
    'an auth server (GameSparks-style connect API and WeChat QR login API); starts or takes the WeChat and QQ mocks it calls',
} as const;

/** A `--target` name. */
export type TargetName = keyof typeof TARGET_DESCRIPTIONS;

/** The `--target` names, in help order. */
export const TARGET_NAMES = Object.keys(TARGET_DESCRIPTIONS) as TargetName[];

/** Whether a string names a target. */
export function isTargetName(value: string): value is TargetName {
  return Object.hasOwn(TARGET_DESCRIPTIONS, value);
}
