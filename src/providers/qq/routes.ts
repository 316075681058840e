/**
 * The QQ route table. One logical host, `graph` (graph.qq.com), plus the mock-only endpoints.
 */
import { commonMockRoutes } from '../../core/mock-api.js';
import { route, type Route } from '../../core/router.js';
import type { QqContext } from './context.js';
import { showAuthorize, showLogin, submitAuthorize, submitLogin } from './handlers/authorize.js';
import { getOpenid } from './handlers/me.js';
import * as mock from './handlers/mock.js';
import { exchangeToken } from './handlers/token.js';
import { getUserInfo } from './handlers/user-info.js';

/** Real hostnames and the logical host each one maps to. */
export const QQ_HOSTS = { 'graph.qq.com': 'graph' } as const;

// The token endpoint is documented as GET, but POST forms work too (social-core, nezha#938); /me
// and get_user_info are plain CGI-style endpoints, so they answer a POST form the same way.
const getOrPost = (path: string, name: string, handler: Route<QqContext>['handler']) => [
  route<QqContext>('graph', 'GET', path, name, handler),
  route<QqContext>('graph', 'POST', path, name, handler),
];

/** Every QQ endpoint, real and mock-only. */
export const QQ_ROUTES: readonly Route<QqContext>[] = Object.freeze([
  route<QqContext>('graph', 'GET', '/oauth2.0/authorize', 'qq.authorize', showAuthorize),
  route<QqContext>('graph', 'POST', '/oauth2.0/authorize', 'qq.consent', submitAuthorize),
  route<QqContext>('graph', 'GET', '/oauth2.0/show', 'qq.showLogin', showLogin),
  route<QqContext>('graph', 'POST', '/oauth2.0/show', 'qq.showLoginConsent', submitLogin),
  ...getOrPost('/oauth2.0/token', 'qq.token', exchangeToken),
  ...getOrPost('/oauth2.0/me', 'qq.me', getOpenid),
  ...getOrPost('/user/get_user_info', 'qq.getUserInfo', getUserInfo),
  ...commonMockRoutes<QqContext>(),
  route<QqContext>('*', 'GET', '/__mock/apps', 'mock.apps', mock.listApps),
  route<QqContext>('*', 'GET', '/__mock/users', 'mock.users', mock.listUsers),
  route<QqContext>('*', 'POST', '/__mock/authorize', 'mock.authorize', mock.authorizeHeadless),
  route<QqContext>('*', 'GET', '/__mock/grants', 'mock.grants', mock.listGrants),
  route<QqContext>('*', 'GET', '/__mock/auto-approve', 'mock.autoApproveGet', mock.getAutoApprove),
  route<QqContext>('*', 'POST', '/__mock/auto-approve', 'mock.autoApproveSet', mock.setAutoApprove),
]);
