/**
 * An outbound transport for the auth server's provider clients: GET over `node:http(s)` with
 * keep-alive connections, shaped as the clients' {@link FetchLike}. The global `fetch` opens its
 * own pool and builds a full Response per call; the connect API calls a provider on every request,
 * so `idmock start` gives the auth server this one instead.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { FetchLike, ProviderResponse } from '../../auth-server/clients/provider-http.js';

/** Largest answer read, in bytes: a longer one is no provider's JSON, and the call fails. */
export const MAX_ANSWER_BYTES = 1024 * 1024;

/** A {@link FetchLike} that also releases its pooled connections. */
export interface KeepAliveFetch extends FetchLike {
  /**
   * Closes the idle pooled connections; calls in flight finish on theirs. Idle connections do not
   * keep a process alive in any case, and a provider closes them after its keep-alive timeout.
   */
  close(): void;
}

/**
 * Creates a keep-alive GET transport. Rejects like `fetch`: with the socket error on a refused or
 * dropped connection, and with an `AbortError` once `signal` aborts (a timeout).
 * @example
 * const fetch = createKeepAliveFetch();
 * const auth = createAuthService({ ...options, fetch });
 */
export function createKeepAliveFetch(): KeepAliveFetch {
  const http = new HttpAgent({ keepAlive: true });
  const https = new HttpsAgent({ keepAlive: true });
  const get: FetchLike = (url, init) => {
    const target = new URL(url);
    const secure = target.protocol === 'https:';
    return new Promise<ProviderResponse>((resolve, reject) => {
      const request = (secure ? httpsRequest : httpRequest)(
        target,
        {
          method: 'GET',
          headers: init.headers ?? {},
          agent: secure ? https : http,
          signal: init.signal,
        },
        (response: IncomingMessage) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_ANSWER_BYTES) {
              response.destroy(new Error(`answer longer than ${MAX_ANSWER_BYTES} bytes`));
            } else {
              chunks.push(chunk);
            }
          });
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({ status: response.statusCode ?? 0, text: () => Promise.resolve(text) });
          });
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end();
    });
  };
  return Object.assign(get, {
    close() {
      for (const agent of [http, https]) {
        for (const sockets of Object.values(agent.freeSockets)) {
          for (const socket of sockets ?? []) socket.destroy();
        }
      }
    },
  });
}
