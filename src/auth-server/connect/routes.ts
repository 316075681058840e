/**
 * The connect API's route table. The auth server concatenates it with the other APIs' tables.
 */
import { json } from '../../core/http.js';
import { route, type Route } from '../../core/router.js';
import type { AuthContext } from '../context.js';
import { ERR_UPGRADE_REQUIRED, GS_RESPONSES } from './constants.js';
import { authError } from './envelope.js';
import { listCredentials, listPlayers, listSessions } from './mock.js';
import { handleRest } from './rest.js';

/** Every connect endpoint, real and mock-only. */
export const CONNECT_ROUTES: readonly Route<AuthContext>[] = Object.freeze([
  route<AuthContext>('*', 'POST', '/rs/:credential/:secret/:request', 'auth.rest', handleRest),
  // The socket path answers a plain GET with 426; upgrades never reach the router.
  route<AuthContext>('*', 'GET', '/ws/:credential/:apiKey', 'auth.socketWithoutUpgrade', () =>
    json(authError(GS_RESPONSES.connect, ERR_UPGRADE_REQUIRED, undefined), {
      status: 426,
      headers: { upgrade: 'websocket' },
    }),
  ),
  route<AuthContext>('*', 'GET', '/__mock/players', 'mock.players', listPlayers),
  route<AuthContext>('*', 'GET', '/__mock/credentials', 'mock.credentials', listCredentials),
  route<AuthContext>('*', 'GET', '/__mock/sessions', 'mock.sessions', listSessions),
]);
