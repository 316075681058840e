/**
 * The thin WebSocket transport: attaches to a `node:http` server's `upgrade` event, asks a protocol
 * whether to accept the path, and shuttles text frames between the `ws` socket and the protocol's
 * plain functions. No protocol logic lives here.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RawData, WebSocketServer } from 'ws';

/** The transport's side of one socket, handed to the protocol. */
export interface SocketPeer {
  send(text: string): void;
  close(code: number, reason: string): void;
}

/** The protocol's side of one socket. */
export interface SocketConnection {
  receive(text: string): void;
  closed(): void;
}

/** A protocol's answer to an upgrade request. */
export type UpgradeDecision =
  | { readonly accept: true; open(peer: SocketPeer): SocketConnection }
  | {
      readonly accept: false;
      readonly status: number;
      readonly headers: Readonly<Record<string, string>>;
      readonly body: string;
    };

/** Options for {@link attachWebSocket}. */
export interface WebSocketOptions {
  /** Frames larger than this close the socket (1009); keep it above the protocol's own limit. */
  readonly maxPayload?: number;
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
};

function refuse(
  socket: Duplex,
  status: number,
  headers: Readonly<Record<string, string>>,
  body: string,
): void {
  const bytes = Buffer.from(body);
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}`,
    ...Object.entries(headers).map(([key, value]) => `${key}: ${value}`),
    `content-length: ${bytes.byteLength}`,
    'connection: close',
    '',
    '',
  ];
  socket.end(Buffer.concat([Buffer.from(lines.join('\r\n')), bytes]));
}

// `ws` is loaded on the first accepted upgrade, not at start: most runs never open a socket, and
// loading it is a noticeable part of `idmock start`'s start time (docs/decisions/0007).
let wsLibrary: Promise<typeof import('ws')> | undefined;
const loadWs = (): Promise<typeof import('ws')> => (wsLibrary ??= import('ws'));

function textOf(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

/**
 * Serves WebSocket upgrades on an HTTP server. Returns a function that closes every socket.
 * @example
 * const detach = attachWebSocket(server, (url) => auth.acceptSocket(url));
 */
export function attachWebSocket(
  server: Server,
  decide: (url: URL, req: IncomingMessage) => UpgradeDecision,
  options: WebSocketOptions = {},
): () => Promise<void> {
  let wss: WebSocketServer | undefined;
  let detached = false;
  const accept = async (
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    decision: Extract<UpgradeDecision, { accept: true }>,
  ): Promise<void> => {
    const { WebSocketServer } = await loadWs();
    // Detached while `ws` loaded: the socket is not served (nor kept open).
    if (detached) {
      socket.destroy();
      return;
    }
    wss ??= new WebSocketServer({ noServer: true, maxPayload: options.maxPayload ?? 1024 * 1024 });
    wss.handleUpgrade(req, socket, head, (ws) => {
      const connection = decision.open({
        send(text) {
          if (ws.readyState === ws.OPEN) ws.send(text);
        },
        close(code, reason) {
          ws.close(code, reason);
        },
      });
      ws.on('message', (data) => {
        connection.receive(textOf(data));
      });
      ws.on('close', () => {
        connection.closed();
      });
      ws.on('error', () => undefined);
    });
  };
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => undefined);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      refuse(socket, 400, {}, '');
      return;
    }
    const decision = decide(url, req);
    if (!decision.accept) {
      refuse(socket, decision.status, decision.headers, decision.body);
      return;
    }
    accept(req, socket, head, decision).catch(() => {
      socket.destroy();
    });
  };
  server.on('upgrade', onUpgrade);
  return () =>
    new Promise<void>((resolve) => {
      detached = true;
      server.off('upgrade', onUpgrade);
      if (wss === undefined) {
        resolve();
        return;
      }
      for (const client of wss.clients) client.terminate();
      wss.close(() => {
        resolve();
      });
    });
}
