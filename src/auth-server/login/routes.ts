/**
 * The WeChat QR login API's route table. The auth server concatenates it with the other APIs'.
 */
import { route, type Route } from '../../core/router.js';
import type { AuthContext } from '../context.js';
import { getMe, login, sendSms } from './handlers.js';
import { listAccounts, listSms } from './mock.js';

/** Every login endpoint, real and mock-only. */
export const LOGIN_ROUTES: readonly Route<AuthContext>[] = Object.freeze([
  route<AuthContext>('*', 'POST', '/v1/auth/login', 'auth.login', login),
  route<AuthContext>('*', 'POST', '/v1/auth/sms', 'auth.sms', sendSms),
  route<AuthContext>('*', 'GET', '/v1/me', 'auth.me', getMe),
  route<AuthContext>('*', 'GET', '/__mock/accounts', 'mock.accounts', listAccounts),
  route<AuthContext>('*', 'GET', '/__mock/sms', 'mock.sms', listSms),
]);
