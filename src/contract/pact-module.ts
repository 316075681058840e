/**
 * `@pact-foundation/pact` is an optional peer dependency: only `idmock verify` needs it, and it
 * brings a native library. It is loaded on first use, with a message saying how to install it.
 */
import type * as Pact from '@pact-foundation/pact';
import { IDMOCK_INVALID_CONFIG, IdmockError } from '../core/errors.js';

/** The loaded `@pact-foundation/pact` module. */
export type PactModule = typeof Pact;

const INSTALL_HINT =
  'idmock verify needs @pact-foundation/pact (an optional peer dependency). Install it next to ' +
  'idmock: npm install --save-dev @pact-foundation/pact@^16';

function isModuleNotFound(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

/**
 * Imports Pact. Sets `PACT_DO_NOT_TRACK=true` unless the caller chose otherwise: verification runs
 * offline in CI and on developer machines, and Pact would otherwise try to report usage.
 */
export async function loadPact(
  load: () => Promise<PactModule> = () => import('@pact-foundation/pact'),
): Promise<PactModule> {
  process.env['PACT_DO_NOT_TRACK'] ??= 'true';
  try {
    return await load();
  } catch (error) {
    if (isModuleNotFound(error)) {
      throw new IdmockError(IDMOCK_INVALID_CONFIG, INSTALL_HINT, { cause: error });
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new IdmockError(
      IDMOCK_INVALID_CONFIG,
      `@pact-foundation/pact is installed but could not be loaded (${reason}); its native core ` +
        'may be missing for this platform. Reinstall it: npm install --save-dev @pact-foundation/pact@^16',
      { cause: error },
    );
  }
}
