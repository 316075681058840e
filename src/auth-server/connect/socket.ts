/**
 * The WebSocket protocol of the connect API (S9), as plain functions over a {@link SocketPeer}; the
 * socket library lives in `src/adapters/ws/`. On `/ws/{credential}/{apiKey}`:
 *
 * 1. server → `.AuthenticatedConnectResponse{nonce}`
 * 2. client → `.AuthenticatedConnectRequest{hmac: base64(HMAC-SHA256(nonce, secret)), authToken?}`
 * 3. server → `.AuthenticatedConnectResponse{sessionId[, authToken, userId]}`: a valid authToken
 *    resumes that player's session with no login request.
 *
 * Then every message is a request answered with its `requestId`. Requests on one socket run one at
 * a time in arrival order (I3); a success rebinds the socket to the resulting player, a failure
 * leaves the binding alone. A lone space is the SDKs' keep-alive and is ignored.
 */
import { createHmac } from 'node:crypto';
import { safeEqual } from '../../core/ids.js';
import type { AuthContext, LiveSession } from '../context.js';
import type { Credential } from '../world.js';
import {
  ERR_BAD_HMAC,
  ERR_INTERNAL,
  ERR_NOT_FOUND,
  ERR_NOT_CONNECTED,
  ERR_NOT_JSON,
  ERR_TOO_LARGE,
  ERR_UNKNOWN_API_KEY,
  ERR_UNKNOWN_CREDENTIAL,
  GS_CONNECT_REQUEST,
  GS_RESPONSES,
  type ErrorMap,
} from './constants.js';
import { handleGsRequest, readRequestId } from './engine.js';
import { authError, responseClassOf, type GsBody } from './envelope.js';
import { findCredential } from './rest.js';
import { playerByToken } from './state.js';

/** The transport's side of one socket. */
export interface SocketPeer {
  send(text: string): void;
  close(code: number, reason: string): void;
}

/** The protocol's side of one socket: the transport calls these. */
export interface SocketConnection {
  receive(text: string): void;
  closed(): void;
}

/** Whether to accept an upgrade, and if so how to run the socket. */
export type UpgradeDecision =
  | { readonly accept: true; open(peer: SocketPeer): SocketConnection }
  | {
      readonly accept: false;
      readonly status: number;
      readonly headers: Readonly<Record<string, string>>;
      readonly body: string;
    };

/** Close code for a failed handshake (policy violation). */
export const CLOSE_BAD_HANDSHAKE = 1008;

const SOCKET_PATH = /^\/ws\/([^/]+)\/([^/]+)$/;

function reject(status: number, error: ErrorMap): UpgradeDecision {
  return {
    accept: false,
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(authError(GS_RESPONSES.connect, error, undefined)),
  };
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** The HMAC a client must answer for a nonce: base64(HMAC-SHA256 keyed by the secret). */
export function connectHmac(nonce: string, secret: string): string {
  return createHmac('sha256', secret).update(nonce).digest('base64');
}

/**
 * Decides an upgrade to `/ws/{credential}/{apiKey}`: 404 for other paths, 403 with an envelope
 * error for an unknown credential or apiKey.
 */
export function acceptSocket(ctx: AuthContext, url: URL): UpgradeDecision {
  const match = SOCKET_PATH.exec(url.pathname);
  const credentialName = match?.[1] === undefined ? undefined : decode(match[1]);
  const apiKey = match?.[2] === undefined ? undefined : decode(match[2]);
  if (credentialName === undefined || apiKey === undefined) {
    return reject(404, ERR_NOT_FOUND);
  }
  const credential = findCredential(ctx, credentialName);
  if (!credential) return reject(403, ERR_UNKNOWN_CREDENTIAL);
  if (!safeEqual(apiKey, ctx.connect.world.apiKey)) return reject(403, ERR_UNKNOWN_API_KEY);
  return { accept: true, open: (peer) => openSocket(ctx, credential, peer) };
}

type Phase =
  | { readonly name: 'handshake'; readonly nonce: string }
  | { readonly name: 'ready'; readonly session: LiveSession }
  | { readonly name: 'closed' };

function parse(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function openSocket(ctx: AuthContext, credential: Credential, peer: SocketPeer): SocketConnection {
  const nonce = ctx.ids.base64url(43);
  let phase: Phase = { name: 'handshake', nonce };
  let queue: Promise<void> = Promise.resolve();
  const send = (body: GsBody): void => {
    if (phase.name !== 'closed') peer.send(JSON.stringify(body));
  };

  const handshake = (nonce: string, message: Record<string, unknown>): void => {
    const hmac = message['hmac'];
    if (typeof hmac !== 'string' || !safeEqual(hmac, connectHmac(nonce, credential.secret))) {
      send(authError(GS_RESPONSES.connect, ERR_BAD_HMAC, undefined));
      phase = { name: 'closed' };
      peer.close(CLOSE_BAD_HANDSHAKE, 'bad hmac');
      return;
    }
    const authToken = message['authToken'];
    const resumed =
      typeof authToken === 'string' ? playerByToken(ctx.connect.state, authToken) : undefined;
    const session: LiveSession = {
      sessionId: ctx.ids.hex(32),
      playerId: resumed?.id ?? null,
    };
    ctx.connect.sessions.set(session.sessionId, session);
    phase = { name: 'ready', session };
    send({
      '@class': GS_RESPONSES.connect,
      ...(resumed && typeof authToken === 'string' ? { authToken } : {}),
      sessionId: session.sessionId,
      ...(resumed ? { userId: resumed.id } : {}),
    });
  };

  const process = async (text: string): Promise<void> => {
    if (phase.name === 'closed' || text.trim() === '') return;
    if (Buffer.byteLength(text, 'utf8') > ctx.settings.maxMessageBytes) {
      send(authError(GS_RESPONSES.authentication, ERR_TOO_LARGE, undefined));
      return;
    }
    const message = parse(text);
    if (!message) {
      send(authError(GS_RESPONSES.authentication, ERR_NOT_JSON, undefined));
      return;
    }
    if (phase.name === 'handshake') {
      if (message['@class'] === GS_CONNECT_REQUEST) {
        handshake(phase.nonce, message);
        return;
      }
      const read = readRequestId(message);
      const requestClass = typeof message['@class'] === 'string' ? message['@class'] : undefined;
      send(
        authError(
          responseClassOf(requestClass),
          ERR_NOT_CONNECTED,
          read.invalid ? undefined : read.requestId,
        ),
      );
      return;
    }
    const { session } = phase;
    const outcome = await handleGsRequest(
      ctx,
      { credential, currentPlayerId: () => session.playerId },
      message,
    );
    // I3: only a completed authentication moves the socket to another player.
    if (outcome.playerId !== undefined) session.playerId = outcome.playerId;
    send(outcome.body);
  };

  peer.send(JSON.stringify({ '@class': GS_RESPONSES.connect, nonce }));
  return {
    receive(text) {
      queue = queue
        .then(() => process(text))
        .catch((error: unknown) => {
          ctx.log('unexpected error on a connect socket', error);
          send(authError(GS_RESPONSES.authentication, ERR_INTERNAL, undefined));
        });
    },
    closed() {
      if (phase.name === 'ready') ctx.connect.sessions.delete(phase.session.sessionId);
      phase = { name: 'closed' };
    },
  };
}
