/**
 * A `fetch` that opens a new connection for every request, for the SDK in consumer tests.
 *
 * Pact starts a mock server per interaction on a free port and lets the previous one finish its
 * open connections. When the new server gets a port the old one had, the global `fetch` can reuse
 * its kept-alive connection to the old server, which may even answer (two rows of the decision
 * table share a request shape), and the new server never sees the request. One connection per
 * request rules that out.
 */
import { request } from 'node:http';
import type { SdkFetch } from '../../../src/sdk/index.js';

export const freshConnectionFetch: SdkFetch = (input, init) =>
  new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, key) => {
      headers[key] = value;
    });
    const outgoing = request(
      input,
      { method: init.method ?? 'GET', headers, agent: false },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', reject);
        incoming.on('end', () => {
          const responseHeaders = new Headers();
          for (const [key, value] of Object.entries(incoming.headers)) {
            if (typeof value === 'string') responseHeaders.set(key, value);
            else if (Array.isArray(value))
              for (const item of value) responseHeaders.append(key, item);
          }
          resolve(
            new Response(Buffer.concat(chunks), {
              status: incoming.statusCode ?? 500,
              headers: responseHeaders,
            }),
          );
        });
      },
    );
    outgoing.on('error', reject);
    if (typeof init.body === 'string') outgoing.write(init.body);
    outgoing.end();
  });
