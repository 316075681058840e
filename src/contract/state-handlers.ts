/**
 * Provider-state handlers in the form Pact's `Verifier` takes, built from a target's state table.
 * `pactStateHandlers` is the public way to verify idmock's contracts in your own Pact set-up.
 */
import { IDMOCK_INVALID_ARGUMENT, IdmockError } from '../core/errors.js';
import { CONTRACT_TARGETS, isTargetName, TARGET_NAMES, type TargetName } from './targets.js';
import type { ContractTarget, InjectedValues, StateParams, StateTable } from './types.js';

/**
 * One handler as Pact's `Verifier` takes it. Pact's option type intersects HTTP state handlers
 * (`{setup, teardown}`) with message state handlers (plain functions), so each handler is a
 * function carrying `setup` and `teardown`; for HTTP interactions Pact calls `setup`/`teardown`.
 */
export type PactStateHandler = ((state?: unknown, params?: unknown) => Promise<undefined>) & {
  setup(params?: unknown): Promise<Record<string, string | number | boolean> | undefined>;
  teardown(params?: unknown): Promise<undefined>;
};

/** Handlers keyed by state name, ready for `new Verifier({ stateHandlers })`. */
export type PactStateHandlers = Record<string, PactStateHandler>;

/** Told about every failed set-up or teardown (Pact itself only logs them). */
export type StateFailureListener = (state: string, params: StateParams, error: Error) => void;

/** Told about every set-up, in call order, with its error when it failed. */
export type StateSetupListener = (
  state: string,
  params: StateParams,
  error: Error | undefined,
) => void;

/**
 * Adapts a state table for Pact. `stateNames` adds handlers for states the table lacks, which
 * fail with `missingHint` in their message instead of being silently skipped by Pact.
 */
export function toPactStateHandlers(
  table: StateTable,
  options: {
    readonly stateNames?: readonly string[];
    readonly missingHint?: string;
    readonly onFailure?: StateFailureListener;
    readonly onSetup?: StateSetupListener;
  } = {},
): PactStateHandlers {
  const handlers: PactStateHandlers = {};
  const names = new Set([...Object.keys(table), ...(options.stateNames ?? [])]);
  for (const name of names) {
    const handler = table[name];
    const fail = (params: StateParams, error: unknown): never => {
      const failure = error instanceof Error ? error : new Error(String(error));
      options.onFailure?.(name, params, failure);
      throw failure;
    };
    const setup = async (params?: unknown): Promise<InjectedValues | undefined> => {
      const given = (params ?? {}) as StateParams;
      try {
        if (!handler) {
          throw new Error(`no way to reach the state "${name}"${options.missingHint ?? ''}`);
        }
        const values = await handler.setup(given);
        options.onSetup?.(name, given, undefined);
        return values;
      } catch (error) {
        options.onSetup?.(name, given, error instanceof Error ? error : new Error(String(error)));
        return fail(given, error);
      }
    };
    const teardown = async (params?: unknown): Promise<undefined> => {
      const given = (params ?? {}) as StateParams;
      try {
        await handler?.teardown?.(given);
      } catch (error) {
        return fail(given, error);
      }
      return undefined;
    };
    handlers[name] = Object.assign(() => Promise.resolve(undefined), {
      setup: async (params?: unknown) => {
        const values = await setup(params);
        return values === undefined ? undefined : { ...values };
      },
      teardown,
    });
  }
  return handlers;
}

/**
 * State handlers for verifying an idmock-compatible WeChat or QQ implementation with your own
 * `Verifier`: they reach each state through the implementation's `/__mock/` endpoints. (The
 * `auth-server` target starts the provider mocks its server calls, so it needs `verifyTarget`,
 * which stops them.)
 * @example
 * const stateHandlers = await pactStateHandlers('wechat', { baseUrl: idmock.urls.wechat });
 * await new Verifier({ providerBaseUrl: idmock.urls.wechat, pactUrls, stateHandlers }).verifyProvider();
 */
export async function pactStateHandlers(
  target: TargetName,
  options: { readonly baseUrl: string; readonly adminToken?: string; readonly timeoutMs?: number },
): Promise<PactStateHandlers> {
  if (!isTargetName(target)) {
    throw new IdmockError(
      IDMOCK_INVALID_ARGUMENT,
      `unknown target "${String(target)}" (choose from ${TARGET_NAMES.join(', ')})`,
    );
  }
  const chosen: ContractTarget = CONTRACT_TARGETS[target];
  if (chosen.stateChangeUrlUse === 'fallback') {
    throw new IdmockError(
      IDMOCK_INVALID_ARGUMENT,
      `the ${target} target starts the provider mocks its server calls and must stop them; use verifyTarget({ target: '${target}', … })`,
    );
  }
  const prepared = await chosen.prepare({
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs ?? 10_000,
    ...(options.adminToken === undefined ? {} : { adminToken: options.adminToken }),
  });
  return toPactStateHandlers(prepared.states);
}
