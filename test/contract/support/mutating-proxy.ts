/**
 * A deliberately broken provider: a proxy on a free port in front of a real mock that rewrites
 * chosen responses. Mock-only endpoints (`/__mock/…`) pass through untouched, so the verifier's
 * state handlers still work, and the state handlers' own calls to the real endpoints see the
 * broken answers too, as they would on a broken implementation.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A response as the proxy hands it to a mutation. */
export interface ProxiedResponse {
  readonly path: string;
  readonly query: URLSearchParams;
  status: number;
  contentType: string;
  body: string;
}

/** Rewrites a response in place. */
export type Mutation = (response: ProxiedResponse) => void;

/** A running proxy. */
export interface MutatingProxy {
  readonly url: string;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Starts a proxy to `upstream` that applies `mutate` to every response off `/__mock/`. */
export async function startMutatingProxy(
  upstream: string,
  mutate: Mutation,
): Promise<MutatingProxy> {
  const server = createServer((req, res) => {
    void (async () => {
      try {
        const url = new URL(req.url ?? '/', upstream);
        const body = await readBody(req);
        const headers: Record<string, string> = {};
        for (const name of ['content-type', 'authorization']) {
          const value = req.headers[name];
          if (typeof value === 'string') headers[name] = value;
        }
        const answer = await fetch(url, {
          method: req.method ?? 'GET',
          headers,
          redirect: 'manual',
          ...(body.length > 0 ? { body } : {}),
        });
        const response: ProxiedResponse = {
          path: url.pathname,
          query: url.searchParams,
          status: answer.status,
          contentType: answer.headers.get('content-type') ?? '',
          body: await answer.text(),
        };
        if (!url.pathname.startsWith('/__mock/')) mutate(response);
        res.writeHead(response.status, { 'content-type': response.contentType });
        res.end(response.body);
      } catch (error) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`proxy error: ${String(error)}`);
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
      }),
  };
}
