/**
 * Size limits on what a request may carry into a handler, checked by `dispatch` on every real
 * endpoint and answered in the service's own format (`renderRouterError('bad-request')`). The body
 * as a whole is limited by the transports (`DEFAULT_BODY_LIMIT`, 413) and JSON nesting by
 * `parseBody` (`MAX_JSON_DEPTH`).
 */
import type { MockRequest } from './http.js';

/**
 * Longest value of one query or form parameter, in characters. The real providers sit behind
 * front ends that refuse request lines over 8 KB, so no longer value ever reached them; here it
 * would only be echoed into pages, Location headers and the journal.
 */
export const MAX_PARAM_LENGTH = 8192;

/** Most query and form parameters one request may carry (repeats included). */
export const MAX_PARAM_COUNT = 256;

/** Why a request's parameters break the limits, or undefined when they do not. */
export function paramLimitProblem(req: MockRequest): string | undefined {
  let count = 0;
  const lists = req.body.kind === 'form' ? [req.query, req.body.params] : [req.query];
  for (const params of lists) {
    for (const [name, value] of params) {
      if (++count > MAX_PARAM_COUNT) return `more than ${MAX_PARAM_COUNT} parameters`;
      if (name.length > MAX_PARAM_LENGTH || value.length > MAX_PARAM_LENGTH) {
        return `a parameter is longer than ${MAX_PARAM_LENGTH} characters`;
      }
    }
  }
  return undefined;
}
