/**
 * The thin `node:http` transport used by `idmock start`: bytes in, {@link MockRequest} to the
 * service's dispatcher, {@link MockResponse} bytes out. No routing or provider logic lives here.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { IDMOCK_LISTEN_FAILED, IDMOCK_PORT_IN_USE, IdmockError } from '../../core/errors.js';
import {
  parseBody,
  type MockRequest,
  type MockResponse,
  type RequestBody,
} from '../../core/http.js';
import { isDroppedConnection } from '../../core/faults.js';
import { dispatch, dispatchNow, type Service } from '../../core/router.js';

/** Largest accepted request body, in bytes. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** Largest request line plus headers, in bytes (Node's default, pinned); larger ones get 431. */
export const MAX_HEADER_BYTES = 16 * 1024;

/** Socket timeouts of {@link listen}, in milliseconds. */
export interface ServerTimeouts {
  /** Time to receive the request line and headers (slow-header clients are cut off). */
  readonly headersMs: number;
  /** Time to receive the whole request, body included (not the time to answer it). */
  readonly requestMs: number;
  /** How long an idle keep-alive connection stays open. */
  readonly keepAliveMs: number;
  /** How long `close()` lets in-flight requests finish before cutting their connections. */
  readonly drainMs: number;
}

/**
 * The timeouts every server gets. Answers may take longer than `requestMs` (held long-polls,
 * delay faults): only receiving the request is bounded.
 */
export const DEFAULT_TIMEOUTS: ServerTimeouts = Object.freeze({
  headersMs: 10_000,
  requestMs: 30_000,
  keepAliveMs: 5000,
  drainMs: 10_000,
});

/** Options for {@link createNodeHandler}. */
export interface NodeHandlerOptions {
  bodyLimit?: number;
}

/**
 * One request the server is answering. Its abort signal is made only when something asks for it
 * (a held long-poll or a delay fault listens to it; ordinary requests never do and so never pay for
 * a controller). It ends when its response closes, whether answered or abandoned by the client.
 */
export class RequestLifetime {
  #controller: AbortController | undefined;
  #aborted = false;

  /** Aborted once the client went away before its answer was written, or the server drains. */
  get signal(): AbortSignal {
    this.#controller ??= new AbortController();
    if (this.#aborted) this.#controller.abort();
    return this.#controller.signal;
  }

  abort(): void {
    this.#aborted = true;
    this.#controller?.abort();
  }
}

/**
 * The requests a server is answering. Closing the server drains them: each request's signal is
 * aborted, which releases held long-polls (they answer 408 at once) and cuts delay faults short,
 * while ordinary requests simply run to their answer.
 */
interface InFlight {
  /** Registers a request; its lifetime is already aborted when the server is draining. */
  begin(res: ServerResponse): RequestLifetime;
  /** Aborts every request and resolves once all have ended, or after `graceMs`. */
  drain(graceMs: number): Promise<void>;
}

/** Where a response finds its place in the in-flight list when it closes (one shared listener). */
const TRACKED = Symbol('idmock.inFlight');

/**
 * A request's place in its server's in-flight list, kept on its response. The list is linked
 * through these entries rather than held in a `Set`: a set that grows and shrinks with every
 * request reallocates its table each time, and V8 makes the tables of a long-lived set in the old
 * generation, where they pile up until a full collection.
 */
interface InFlightEntry {
  readonly lifetime: RequestLifetime;
  readonly remove: (entry: InFlightEntry) => void;
  prev: InFlightEntry | undefined;
  next: InFlightEntry | undefined;
  removed: boolean;
}

interface Tracked {
  [TRACKED]?: InFlightEntry;
}

function onResponseClose(this: ServerResponse & Tracked): void {
  const entry = this[TRACKED];
  if (entry === undefined) return;
  if (!this.writableFinished) entry.lifetime.abort();
  entry.remove(entry);
}

function createInFlight(): InFlight {
  let head: InFlightEntry | undefined;
  let size = 0;
  let draining = false;
  let idle: (() => void) | undefined;
  const remove = (entry: InFlightEntry): void => {
    if (entry.removed) return;
    entry.removed = true;
    if (entry.prev) entry.prev.next = entry.next;
    else head = entry.next;
    if (entry.next) entry.next.prev = entry.prev;
    entry.prev = undefined;
    entry.next = undefined;
    size--;
    if (size === 0) idle?.();
  };
  return {
    begin(res) {
      const lifetime = new RequestLifetime();
      const entry: InFlightEntry = {
        lifetime,
        remove,
        prev: undefined,
        next: head,
        removed: false,
      };
      if (head) head.prev = entry;
      head = entry;
      size++;
      (res as ServerResponse & Tracked)[TRACKED] = entry;
      res.on('close', onResponseClose);
      if (draining) {
        // Keep-alive clients must not send another request to a server that is going away.
        res.setHeader('connection', 'close');
        lifetime.abort();
      }
      return lifetime;
    },
    drain(graceMs) {
      draining = true;
      // Collected first: an abort may end a request, and so unlink it, before the walk moves on.
      const active: RequestLifetime[] = [];
      for (let entry = head; entry !== undefined; entry = entry.next) active.push(entry.lifetime);
      for (const lifetime of active) lifetime.abort();
      if (size === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, graceMs);
        idle = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    },
  };
}

/**
 * Whether a request carries a body. HTTP/1.1 frames a request body only by Content-Length or
 * Transfer-Encoding; without either (or with a zero length) the request ended with its headers.
 */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/**
 * Reads a body up to a limit; resolves `undefined` when the limit is exceeded, and `null` when the
 * client went away (or was cut off by a timeout) before the body ended: such a request is never
 * dispatched, since acting on half a request the client abandoned could change state for nobody.
 */
export function readBody(
  req: IncomingMessage,
  limit: number,
): Promise<Uint8Array | undefined | null> {
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
      if (!done) resolve(null);
      done = true;
    });
    req.on('close', () => {
      if (!done) resolve(req.complete ? Buffer.concat(chunks) : null);
      done = true;
    });
  });
}

/**
 * Node's headers as plain strings. Node already lower-cases names and joins repeated headers
 * (dropping repeats of single-valued ones); only `set-cookie` stays a list, and is joined here.
 */
function headersOf(req: IncomingMessage): Readonly<Record<string, string>> {
  const raw = req.headers;
  for (const key in raw) {
    if (typeof raw[key] !== 'string') {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(raw)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      return headers;
    }
  }
  return raw as Readonly<Record<string, string>>;
}

let lastHost: string | undefined;
let lastBase = 'http://localhost';

/** The base URL for a Host header (the same one on nearly every request, so the last is kept). */
function baseFor(host: string | undefined): string {
  if (host !== lastHost) {
    lastBase = `http://${sanitizeHost(host)}`;
    lastHost = host;
  }
  return lastBase;
}

/**
 * Converts a Node request (already read body) into a {@link MockRequest}. `signal` may be a
 * {@link RequestLifetime}, whose controller is then made only if the handler reads the signal.
 */
export function toMockRequest(
  req: IncomingMessage,
  body: RequestBody,
  signal: AbortSignal | RequestLifetime,
  base?: string,
): MockRequest {
  const headers = headersOf(req);
  const host = base ?? baseFor(headers['host']);
  const target = req.url ?? '/';
  let url: URL;
  try {
    // An origin-form target ("/path?query") is parsed once, joined to the base, rather than as a
    // reference resolved against a separately parsed base; anything else takes the general way.
    url = isOriginForm(target) ? new URL(host + target) : new URL(target, host);
  } catch {
    url = new URL('/', host);
  }
  const method = req.method ?? 'GET';
  const remoteAddress = req.socket.remoteAddress;
  if (signal instanceof RequestLifetime) {
    return new NodeRequest(method, url, headers, body, remoteAddress, signal);
  }
  const query = url.searchParams;
  return remoteAddress === undefined
    ? { method, url, headers, query, body, signal }
    : { method, url, headers, query, body, signal, remoteAddress };
}

/** A request whose abort signal is made on first read (see {@link RequestLifetime}). */
class NodeRequest implements MockRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly body: RequestBody;
  readonly remoteAddress?: string;
  readonly #lifetime: RequestLifetime;

  constructor(
    method: string,
    url: URL,
    headers: Readonly<Record<string, string>>,
    body: RequestBody,
    remoteAddress: string | undefined,
    lifetime: RequestLifetime,
  ) {
    this.method = method;
    this.url = url;
    this.headers = headers;
    this.query = url.searchParams;
    this.body = body;
    if (remoteAddress !== undefined) this.remoteAddress = remoteAddress;
    this.#lifetime = lifetime;
  }

  get signal(): AbortSignal {
    return this.#lifetime.signal;
  }
}

/**
 * "/path?query", where joining to the base means the same as resolving against it: not "//host"
 * or "/\\host" (tabs and line breaks, which a URL parser drops, skipped), which it reads as an
 * authority.
 */
function isOriginForm(target: string): boolean {
  if (target.charCodeAt(0) !== 0x2f) return false;
  let i = 1;
  let c = target.charCodeAt(i);
  while (c === 0x09 || c === 0x0a || c === 0x0d) c = target.charCodeAt(++i);
  return c !== 0x2f && c !== 0x5c;
}

function sanitizeHost(host: string | undefined): string {
  if (host !== undefined && /^[A-Za-z0-9.:[\]-]{1,255}$/.test(host)) return host;
  return 'localhost';
}

/**
 * Writes a {@link MockResponse} to a Node response. A text body goes out as a string, so Node sends
 * the head and the body in one write.
 */
export function writeResponse(res: ServerResponse, response: MockResponse, head = false): void {
  if (res.headersSent || res.destroyed) return;
  // A dropped-connection fault: close the socket without a status line, as a crashed upstream does.
  if (isDroppedConnection(response) || response.headers['connection'] === 'close') {
    res.destroy();
    return;
  }
  const body = response.body;
  // Copied key by key: on Node 20 a spread copy that then gains a key is promoted to the old
  // generation at once (docs/decisions/0009), and this runs for every response.
  const headers: Record<string, string | number> = {};
  for (const key in response.headers) {
    const value = response.headers[key];
    if (value !== undefined) headers[key] = value;
  }
  headers['content-length'] = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  res.writeHead(response.status, headers);
  if (head) res.end();
  else res.end(body);
}

/** Creates a Node request listener serving one service. */
export function createNodeHandler(
  service: Service,
  options: NodeHandlerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  return handlerWith(service, options, createInFlight());
}

const NO_BODY: RequestBody = Object.freeze({ kind: 'none' });

function handlerWith(
  service: Service,
  options: NodeHandlerOptions,
  inFlight: InFlight,
): (req: IncomingMessage, res: ServerResponse) => void {
  const limit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const fail = (error: unknown, req: IncomingMessage, res: ServerResponse): void => {
    service.logError?.(error, toMockRequest(req, NO_BODY, AbortSignal.abort()));
    if (!res.headersSent) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal error');
    }
  };
  return (req, res) => {
    const lifetime = inFlight.begin(res);
    const head = req.method === 'HEAD';
    if (!hasBody(req)) {
      // The request ended with its headers: answer without waiting for the stream's end event,
      // and in this very tick when the service answers synchronously.
      let result: MockResponse | Promise<MockResponse>;
      try {
        result = dispatchNow(service, toMockRequest(req, NO_BODY, lifetime));
      } catch (error) {
        fail(error, req, res);
        return;
      }
      if (!(result instanceof Promise)) {
        writeResponse(res, result, head);
        return;
      }
      result.then(
        (response) => {
          writeResponse(res, response, head);
        },
        (error: unknown) => {
          fail(error, req, res);
        },
      );
      return;
    }
    readBody(req, limit)
      .then((raw) => {
        if (raw === null) return;
        if (raw === undefined) {
          const mock = toMockRequest(req, NO_BODY, lifetime);
          res.setHeader('connection', 'close');
          writeResponse(res, service.renderRouterError('payload-too-large', mock), head);
          return;
        }
        const mock = toMockRequest(req, parseBody(raw, req.headers['content-type']), lifetime);
        return dispatch(service, mock).then((response) => {
          writeResponse(res, response, head);
        });
      })
      .catch((error: unknown) => {
        fail(error, req, res);
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

const CLIENT_ERROR_STATUS: Readonly<Record<string, number>> = {
  HPE_HEADER_OVERFLOW: 431,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
};

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

/**
 * Answers bytes Node could not parse as a request (or that came too slowly, or with too large a
 * header) with the service's own error body, instead of Node's bare status line. The status stays
 * the transport's (400, 408 or 431), and the connection is closed.
 */
function answerClientError(service: Service, error: Error, socket: Duplex): void {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  // Like Node's own handler: never write into a response that has already started.
  const current = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (code === 'ECONNRESET' || !socket.writable || current?.headersSent === true) {
    socket.destroy();
    return;
  }
  const status = CLIENT_ERROR_STATUS[code] ?? 400;
  let head = '';
  let body: Buffer = Buffer.alloc(0);
  try {
    const req: MockRequest = {
      method: 'GET',
      url: new URL('http://localhost/'),
      headers: {},
      query: new URLSearchParams(),
      body: { kind: 'none' },
      signal: AbortSignal.abort(),
    };
    const rendered = service.renderRouterError('bad-request', req);
    body = Buffer.from(rendered.body);
    for (const [key, value] of Object.entries(rendered.headers)) {
      if (key !== 'connection' && key !== 'content-length') head += `${key}: ${value}\r\n`;
    }
  } catch {
    head = '';
  }
  const statusLine = `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Bad Request'}`;
  const lines = `${statusLine}\r\n${head}content-length: ${body.byteLength}\r\nconnection: close\r\n\r\n`;
  socket.end(Buffer.concat([Buffer.from(lines), body]), () => {
    socket.destroy();
  });
}

/** Starts a Node HTTP server for one service; port 0 picks a free port. */
export async function listen(
  service: Service & ServerAttachable,
  options: { host: string; port: number; timeouts?: Partial<ServerTimeouts> } & NodeHandlerOptions,
): Promise<ListeningServer> {
  const timeouts: ServerTimeouts = Object.assign({}, DEFAULT_TIMEOUTS, options.timeouts);
  const inFlight = createInFlight();
  const server = createServer(
    {
      maxHeaderSize: MAX_HEADER_BYTES,
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      keepAliveTimeout: timeouts.keepAliveMs,
      // How often Node looks for requests past their timeouts (its default is every 30 s).
      connectionsCheckingInterval: Math.min(1000, timeouts.headersMs),
      // Node would answer a missing Host with its own bare 400; routing here never needs one.
      requireHostHeader: false,
    },
    handlerWith(service, options, inFlight),
  );
  server.on('clientError', (error, socket) => {
    answerClientError(service, error, socket);
  });
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
    // Stops accepting, lets in-flight requests finish (held polls answer at once), then cuts the
    // idle keep-alive connections; a request still running after `drainMs` is cut too.
    close: async () => {
      await detach?.();
      const closed = new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
      server.closeIdleConnections();
      await inFlight.drain(timeouts.drainMs);
      server.closeAllConnections();
      await closed;
    },
  };
}
