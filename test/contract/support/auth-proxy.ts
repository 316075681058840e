/**
 * A deliberately broken auth server: a proxy on a free port in front of the real one that can
 * rewrite a request before passing it on (a COPPA credential swapped for another, a flag dropped)
 * and rewrite the answer, even by asking the real server something else (a switch made despite
 * `errorOnSwitch`). Mock-only endpoints (`/__mock/…`) pass through untouched, so the harness can
 * still reset the server and read its SMS outbox, while its public-API set-ups see the broken
 * answers, as they would on a broken implementation.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the proxy passes it on. */
export interface ProxiedRequest {
  readonly method: string;
  path: string;
  /** The parsed JSON body (undefined when there is none or it is not JSON). */
  body: unknown;
}

/** An answer as the proxy hands it back; `body` is the parsed JSON (or the text). */
export interface ProxiedAnswer {
  status: number;
  contentType: string;
  body: unknown;
}

/** Asks the real server (the proxy's upstream) a request of one's own. */
export type Upstream = (request: ProxiedRequest) => Promise<ProxiedAnswer>;

/** How a variant breaks the server. */
export interface Breakage {
  /** Rewrites the request in place before it is passed on. */
  request?(request: ProxiedRequest): void;
  /** Rewrites the answer in place; `upstream` asks the real server something else. */
  response?(
    request: ProxiedRequest,
    answer: ProxiedAnswer,
    upstream: Upstream,
  ): Promise<void> | void;
}

/** A running proxy. */
export interface AuthProxy {
  readonly url: string;
  close(): Promise<void>;
}

const PASSED_HEADERS = ['content-type', 'authorization', 'api-key', 'accept'];

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text === '' ? undefined : text;
  }
}

/** Starts a proxy to `upstream` that breaks the server as `breakage` says. */
export async function startAuthProxy(upstream: string, breakage: Breakage): Promise<AuthProxy> {
  const server = createServer((req, res) => {
    void (async () => {
      try {
        const headers: Record<string, string> = {};
        for (const name of PASSED_HEADERS) {
          const value = req.headers[name];
          if (typeof value === 'string') headers[name] = value;
        }
        const raw = await readBody(req);
        const ask: Upstream = async (request) => {
          const answer = await fetch(new URL(request.path, upstream), {
            method: request.method,
            headers,
            ...(request.method === 'GET' || request.body === undefined
              ? {}
              : {
                  body:
                    typeof request.body === 'string' ? request.body : JSON.stringify(request.body),
                }),
          });
          return {
            status: answer.status,
            contentType: answer.headers.get('content-type') ?? '',
            body: parse(await answer.text()),
          };
        };
        const request: ProxiedRequest = {
          method: req.method ?? 'GET',
          path: req.url ?? '/',
          body: parse(raw),
        };
        const mockOnly = request.path.startsWith('/__mock/');
        if (!mockOnly) breakage.request?.(request);
        const answer = await ask(request);
        if (!mockOnly) await breakage.response?.(request, answer, ask);
        res.writeHead(answer.status, { 'content-type': answer.contentType });
        res.end(
          answer.body === undefined
            ? ''
            : typeof answer.body === 'string'
              ? answer.body
              : JSON.stringify(answer.body),
        );
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
