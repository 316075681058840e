/**
 * REST transport of the connect API: `POST /rs/{credential}/{secret}/{Request}` (S11) with the same
 * JSON as the socket. There is no session: the current player is the owner of `authToken` in the
 * body, or (credentials with `actAsPlayer`, i.e. Server) the `playerId` in the body.
 */
import { json, type MockRequest, type MockResponse } from '../../core/http.js';
import { safeEqual } from '../../core/ids.js';
import type { PathParams } from '../../core/router.js';
import type { AuthContext } from '../context.js';
import type { Credential } from '../world.js';
import {
  CODE_INVALID,
  ERR_AUTH_TOKEN_UNKNOWN,
  ERR_NOT_JSON,
  ERR_PLAYER_ID_FORBIDDEN,
  ERR_PLAYER_ID_UNKNOWN,
  ERR_UNKNOWN_CREDENTIAL,
  ERR_WRONG_SECRET,
  type ErrorMap,
} from './constants.js';
import { handleGsRequest, readRequestId } from './engine.js';
import { authError, responseClassOf, type GsBody } from './envelope.js';
import { playerByToken } from './state.js';

/** A GameSparks body as an HTTP response. */
export function gsJson(body: GsBody, status = 200): MockResponse {
  return json(body, { status });
}

/** The credential named in a path, if it exists. */
export function findCredential(ctx: AuthContext, name: string): Credential | undefined {
  return ctx.connect.world.credentials.find((credential) => credential.name === name);
}

function bodyObject(req: MockRequest): Record<string, unknown> | undefined {
  let value: unknown;
  switch (req.body.kind) {
    case 'none':
      return {};
    case 'json':
      value = req.body.value;
      break;
    case 'text':
      try {
        value = JSON.parse(req.body.text);
      } catch {
        return undefined;
      }
      break;
    case 'form':
    case 'invalid':
      return undefined;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** `POST /rs/:credential/:secret/:request` */
export async function handleRest(
  req: MockRequest,
  ctx: AuthContext,
  params: PathParams,
): Promise<MockResponse> {
  const requestClass = `.${params['request'] ?? ''}`;
  const responseClass = responseClassOf(requestClass);
  const credential = findCredential(ctx, params['credential'] ?? '');
  if (!credential) return gsJson(authError(responseClass, ERR_UNKNOWN_CREDENTIAL, undefined), 403);
  if (!safeEqual(params['secret'] ?? '', credential.secret)) {
    return gsJson(authError(responseClass, ERR_WRONG_SECRET, undefined), 403);
  }
  const message = bodyObject(req);
  if (!message) return gsJson(authError(responseClass, ERR_NOT_JSON, undefined), 400);
  const read = readRequestId(message);
  const requestId = read.invalid ? undefined : read.requestId;
  const refuse = (error: ErrorMap): MockResponse =>
    gsJson(authError(responseClass, error, requestId));
  const named = message['@class'];
  if (named !== undefined && named !== requestClass) return refuse({ '@class': CODE_INVALID });

  const { state } = ctx.connect;
  let currentPlayerId: string | null = null;
  const playerId = message['playerId'];
  const authToken = message['authToken'];
  if (playerId !== undefined && playerId !== null) {
    if (!credential.actAsPlayer) return refuse(ERR_PLAYER_ID_FORBIDDEN);
    if (typeof playerId !== 'string' || !state.players.has(playerId)) {
      return refuse(ERR_PLAYER_ID_UNKNOWN);
    }
    currentPlayerId = playerId;
  } else if (authToken !== undefined && authToken !== null && authToken !== '') {
    const owner = typeof authToken === 'string' ? playerByToken(state, authToken) : undefined;
    if (!owner) return refuse(ERR_AUTH_TOKEN_UNKNOWN);
    currentPlayerId = owner.id;
  }
  const outcome = await handleGsRequest(
    ctx,
    { credential, currentPlayerId: () => currentPlayerId },
    Object.assign({}, message, { '@class': requestClass }),
  );
  return gsJson(outcome.body);
}
