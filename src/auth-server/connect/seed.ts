/**
 * First-use resolution of seeded persona links: asks the provider's mock-only `GET /__mock/users`
 * for the openids of the configured app, once per system, shared by concurrent first requests.
 */
import type { AuthContext } from '../context.js';
import { GS_SYSTEMS, type SocialSystem } from './constants.js';
import { applySeedResolution } from './state.js';

function hasPending(ctx: AuthContext, system: SocialSystem): boolean {
  return ctx.connect.state.pendingSeedLinks.some((link) => link.system === system);
}

async function lookUp(ctx: AuthContext, system: SocialSystem): Promise<void> {
  const answer =
    system === GS_SYSTEMS.wechat
      ? await ctx.wechat.personaOpenids(ctx.settings.wechat.appid)
      : await (async () => {
          const clientId = await ctx.qqClientId();
          return clientId === undefined
            ? {
                kind: 'unavailable' as const,
                reason: 'no QQ client_id is configured or discoverable',
              }
            : ctx.qq.personaOpenids(clientId);
        })();
  if (answer.kind !== 'ok') {
    ctx.log(`cannot resolve seeded ${system} personas yet: ${answer.reason}`);
    return;
  }
  ctx.connect.seedIds.set(system, answer.value);
  for (const skipped of applySeedResolution(ctx.connect.state, system, answer.value)) {
    ctx.log(
      `seeded player ${skipped.playerId} stays without ${system}: persona "${skipped.persona}" is unknown to the provider or its openid is already linked`,
    );
  }
}

/**
 * Resolves the system's pending seeded links if there are any. Resolves true when none is left
 * pending (false: the provider could not be asked; the caller answers PROVIDER_UNAVAILABLE).
 */
export async function ensureSeedLinks(ctx: AuthContext, system: SocialSystem): Promise<boolean> {
  if (!hasPending(ctx, system)) return true;
  let inflight = ctx.connect.seedLookups.get(system);
  if (!inflight) {
    inflight = lookUp(ctx, system).finally(() => ctx.connect.seedLookups.delete(system));
    ctx.connect.seedLookups.set(system, inflight);
  }
  await inflight;
  return !hasPending(ctx, system);
}
