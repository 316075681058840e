/**
 * Test support: start real services on port 0 and talk to them over HTTP.
 */
import { afterAll, beforeAll } from 'vitest';
import { startIdmock, type RunningIdmock, type StartOptions } from '../../src/runtime/start.js';

/** Starts idmock on free ports for the enclosing describe block and stops it afterwards. */
export function useIdmock(options: StartOptions = {}): { readonly current: RunningIdmock } {
  const holder: { current?: RunningIdmock } = {};
  beforeAll(async () => {
    holder.current = await startIdmock({ services: ['wechat'], ...options });
  });
  afterAll(async () => {
    await holder.current?.stop();
  });
  return {
    get current(): RunningIdmock {
      if (!holder.current) throw new Error('idmock is not started yet');
      return holder.current;
    },
  };
}

/** A fetch response read once: status, headers and raw text. */
export interface Fetched {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body parsed as JSON, typed as the test expects it (unchecked, on purpose). */
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters, @typescript-eslint/no-explicit-any
  json<T = any>(): T;
}

/** Fetches without following redirects and reads the body as text. */
export async function get(url: string, init: RequestInit = {}): Promise<Fetched> {
  const response = await fetch(url, { redirect: 'manual', ...init });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
    json: <T>() => JSON.parse(text) as T,
  };
}

/** POSTs JSON. */
export function postJson(url: string, body: unknown): Promise<Fetched> {
  return get(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** POSTs a url-encoded form. */
export function postForm(url: string, form: Record<string, string>): Promise<Fetched> {
  return get(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
}
