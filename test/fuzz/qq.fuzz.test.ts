/**
 * Fuzz of the qq service through `dispatch`: see `support.ts` for what every answer must
 * satisfy, and `endpoints.ts` for how the cases are generated.
 */
import { fuzzService } from './endpoints.js';

fuzzService('qq');
