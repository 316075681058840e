/**
 * The thin `node:http` transport used by `idmock start`: bytes in, {@link MockRequest} to the
 * service's dispatcher, {@link MockResponse} bytes out. No routing or provider logic lives here.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IDMOCK_LISTEN_FAILED, IDMOCK_PORT_IN_USE, IdmockError } from '../../core/errors.js';
import {
  parseBody,
  type MockRequest,
  type MockResponse,
  type RequestBody,
} from '../../core/http.js';
import { isDroppedConnection } from '../../core/faults.js';
import { dispatch, type Service } from '../../core/router.js';

/** Largest accepted request body, in bytes. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** Options for {@link createNodeHandler}. */
export interface NodeHandlerOptions {
  bodyLimit?: number;
}

/** Reads a body up to a limit; resolves `undefined` when the limit is exceeded. */
export function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks));
      done = true;
    });
    req.on('error', () => {
      if (!done) resolve(new Uint8Array());
      done = true;
    });
  });
}

/** Converts a Node request (already read body) into a {@link MockRequest}. */
export function toMockRequest(
  req: IncomingMessage,
  body: RequestBody,
  signal: AbortSignal,
  base?: string,
): MockRequest {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  const host = base ?? `http://${sanitizeHost(headers['host'])}`;
  let url: URL;
  try {
    url = new URL(req.url ?? '/', host);
  } catch {
    url = new URL('/', host);
  }
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    url,
    headers,
    query: url.searchParams,
    body,
    ...(req.socket.remoteAddress === undefined ? {} : { remoteAddress: req.socket.remoteAddress }),
    signal,
  };
}

function sanitizeHost(host: string | undefined): string {
  if (host !== undefined && /^[A-Za-z0-9.:[\]-]{1,255}$/.test(host)) return host;
  return 'localhost';
}

/** Writes a {@link MockResponse} to a Node response. */
export function writeResponse(res: ServerResponse, response: MockResponse, head = false): void {
  if (res.headersSent || res.destroyed) return;
  const body = typeof response.body === 'string' ? Buffer.from(response.body) : response.body;
  const headers: Record<string, string | number> = { ...response.headers };
  // A dropped-connection fault: close the socket without a status line, as a crashed upstream does.
  if (isDroppedConnection(response) || response.headers['connection'] === 'close') {
    res.destroy();
    return;
  }
  headers['content-length'] = body.byteLength;
  res.writeHead(response.status, headers);
  res.end(head ? undefined : body);
}

/** Creates a Node request listener serving one service. */
export function createNodeHandler(
  service: Service,
  options: NodeHandlerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const limit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  return (req, res) => {
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    void (async () => {
      const raw = await readBody(req, limit);
      const head = req.method === 'HEAD';
      if (raw === undefined) {
        const mock = toMockRequest(req, { kind: 'none' }, controller.signal);
        const response = service.renderRouterError('payload-too-large', mock);
        res.setHeader('connection', 'close');
        writeResponse(res, response, head);
        return;
      }
      const mock = toMockRequest(
        req,
        parseBody(raw, req.headers['content-type']),
        controller.signal,
      );
      const response = await dispatch(service, mock);
      writeResponse(res, response, head);
    })().catch((error: unknown) => {
      service.logError?.(error, toMockRequest(req, { kind: 'none' }, controller.signal));
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('internal error');
      }
    });
  };
}

/** A listening server. */
export interface ListeningServer {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  close(): Promise<void>;
}

/**
 * Optional hook of a service that also serves non-HTTP traffic (e.g. WebSocket upgrades) on the
 * same server. Called once the server listens; the returned function is awaited on close.
 */
export interface ServerAttachable {
  attachServer?(server: Server): () => Promise<void>;
}

/** Starts a Node HTTP server for one service; port 0 picks a free port. */
export async function listen(
  service: Service & ServerAttachable,
  options: { host: string; port: number } & NodeHandlerOptions,
): Promise<ListeningServer> {
  const server = createServer(createNodeHandler(service, options));
  server.keepAliveTimeout = 5000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 120_000;
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') {
        reject(
          new IdmockError(
            IDMOCK_PORT_IN_USE,
            `port ${options.port} on ${options.host} is already in use (${service.name}); choose another with the port flags or 0 for a free one`,
            { cause: error },
          ),
        );
      } else {
        reject(
          new IdmockError(
            IDMOCK_LISTEN_FAILED,
            `cannot listen on ${options.host}:${options.port} for ${service.name}: ${error.message}`,
            { cause: error },
          ),
        );
      }
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(options.port, options.host);
  });
  const detach = service.attachServer?.(server);
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${hostForUrl}:${address.port}`,
    port: address.port,
    server,
    close: async () => {
      await detach?.();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
    },
  };
}
