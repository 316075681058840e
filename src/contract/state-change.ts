/**
 * Pact's standard state-change protocol, for implementations without idmock's mock-only endpoints.
 * Before each interaction the harness POSTs `{"state", "params", "action": "setup"}` as JSON to the
 * implementation's state-change URL, and afterwards the same with `"action": "teardown"`. A JSON
 * object in the set-up answer supplies the values injected into the request (e.g.
 * `{"accessToken": "…", "openid": "…"}`); an empty answer injects nothing.
 */
import { reasonOf } from './http.js';
import type { InjectedValues, StateHandler, StateParams, StateTable } from './types.js';

/** The body POSTed to a state-change URL. */
export interface StateChangeRequest {
  readonly state: string;
  readonly params: StateParams;
  readonly action: 'setup' | 'teardown';
}

async function post(url: string, body: StateChangeRequest, timeoutMs: number): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new Error(`state-change URL ${url} could not be reached: ${reasonOf(error)}`, {
      cause: error,
    });
  }
  const text = await response.text();
  if (!response.ok) {
    throw new Error(
      `state-change URL answered ${response.status} to ${body.action} of "${body.state}": ${text.slice(0, 300)}`,
    );
  }
  return text;
}

function injectedValues(text: string, state: string): InjectedValues | undefined {
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`state-change URL answered "${state}" with something other than JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`state-change URL answered "${state}" with JSON that is not an object`);
  }
  const values: Record<string, string | number | boolean> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry === 'string' || typeof entry === 'number' || typeof entry === 'boolean') {
      values[key] = entry;
    }
  }
  return values;
}

/** Handlers that forward every state to a state-change URL. */
export function stateChangeStates(
  url: string,
  states: Iterable<string>,
  timeoutMs: number,
): StateTable {
  const table: Record<string, StateHandler> = {};
  for (const state of states) {
    table[state] = {
      setup: async (params) =>
        injectedValues(await post(url, { state, params, action: 'setup' }, timeoutMs), state),
      teardown: async (params) => {
        await post(url, { state, params, action: 'teardown' }, timeoutMs);
      },
    };
  }
  return table;
}
