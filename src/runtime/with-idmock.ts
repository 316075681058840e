/**
 * `withIdmock`: a scoped idmock that is always stopped, whatever the callback does.
 */
import { startIdmock, type RunningIdmock, type StartOptions } from './start.js';

/**
 * Starts idmock, runs `fn` with it, and stops it afterwards, also when `fn` throws.
 * @example
 * const code = await withIdmock(async (idmock) => {
 *   const consent = await idmock.admin.wechat.authorize({ appid, user: 'zhang-wei', scope: 'snsapi_login', redirect_uri });
 *   return consent.code;
 * }, { services: ['wechat'] });
 */
export async function withIdmock<T>(
  fn: (idmock: RunningIdmock) => T | Promise<T>,
  options: StartOptions = {},
): Promise<T> {
  const idmock = await startIdmock(options);
  try {
    return await fn(idmock);
  } finally {
    await idmock.stop();
  }
}
