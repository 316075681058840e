/**
 * First-use resolution of seeded persona bindings: asks the WeChat mock's `GET /__mock/apps` and
 * `GET /__mock/users` for the personas' unionids under the login app's open-platform account, once,
 * shared by concurrent first requests, and cached across resets.
 */
import type { AuthContext } from '../context.js';
import { applySeedBindings } from './state.js';

async function lookUp(ctx: AuthContext): Promise<void> {
  const { login } = ctx;
  const answer = await login.wechat.personaUnionIds(ctx.settings.login.wechat.appid);
  if (answer.kind !== 'ok') {
    ctx.log(`cannot resolve seeded WeChat login accounts yet: ${answer.reason}`);
    return;
  }
  login.seedUnionIds = answer.value;
  for (const skipped of applySeedBindings(login.state, answer.value)) {
    ctx.log(
      `seeded account ${skipped.accountId} stays without WeChat: persona "${skipped.persona}" is unknown to the provider or its unionid is already bound`,
    );
  }
}

/**
 * Resolves pending seeded bindings if there are any. Resolves true when none is left pending
 * (false: WeChat could not be asked; the caller answers PROVIDER_UNAVAILABLE rather than risk a
 * second account for a seeded unionid).
 */
export async function ensureSeedBindings(ctx: AuthContext): Promise<boolean> {
  const { login } = ctx;
  if (login.state.pendingSeedBindings.length === 0) return true;
  login.seedLookup ??= lookUp(ctx).finally(() => {
    login.seedLookup = null;
  });
  await login.seedLookup;
  return login.state.pendingSeedBindings.length === 0;
}
