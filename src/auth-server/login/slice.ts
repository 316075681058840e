/**
 * The login API's slice of the auth server context (`AuthContext.login`), beside `connect`.
 */
import type { LoginForm } from './requests.js';
import { createLoginState, type LoginState } from './state.js';
import type { WechatLoginClient } from './wechat-login-client.js';
import type { LoginWorld } from './world.js';

/** What the test-only login barrier is told about the request it holds. */
export interface LoginCommitEvent {
  readonly form: LoginForm['form'];
  /** The API key's name. */
  readonly apiKey: string;
  /** The WeChat user (form (a): from the exchange; registering forms: from the body). */
  readonly unionId?: string;
  readonly tn?: string;
  readonly username?: string;
}

/** The login API's slice. */
export interface LoginSlice {
  readonly world: LoginWorld;
  readonly state: LoginState;
  readonly wechat: WechatLoginClient;
  /** Resolved seeded personas: persona id → unionid. Survives `/__mock/reset`. */
  seedUnionIds: ReadonlyMap<string, string> | null;
  /** The seed lookup in flight, so concurrent first uses share one provider call. */
  seedLookup: Promise<void> | null;
}

/** Creates the slice with empty state (the service seeds it). */
export function createLoginSlice(world: LoginWorld, wechat: WechatLoginClient): LoginSlice {
  return { world, state: createLoginState(), wechat, seedUnionIds: null, seedLookup: null };
}
