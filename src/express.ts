/**
 * `idmock/express`: mount a simulated service in an existing Express app. Re-exports only.
 */
export { createServiceRouter } from './adapters/express/index.js';
