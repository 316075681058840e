/**
 * `idmock/nock`: intercept the providers' real hosts in-process with the caller's own nock
 * (an optional peer dependency). Re-exports only.
 */
export {
  interceptWithNock,
  type InterceptOptions,
  type NockInterception,
} from './adapters/nock/index.js';
