/**
 * The WeChat route table. Logical hosts: `open` (open.weixin.qq.com), `lp`
 * (lp.open.weixin.qq.com, and the older long.open.weixin.qq.com) and `api` (api.weixin.qq.com).
 */
import { commonMockRoutes } from '../../core/mock-api.js';
import { route, type Route } from '../../core/router.js';
import type { WechatContext } from './context.js';
import * as mock from './handlers/mock.js';
import { showOaAuthorize, submitOaAuthorize } from './handlers/oauth2-authorize.js';
import {
  getQrImage,
  pollQrStatus,
  showConfirmPage,
  showQrConnectPage,
  submitConfirm,
} from './handlers/qrconnect.js';
import {
  checkAccessTokenEndpoint,
  exchangeCode,
  getUserInfo,
  refreshAccessToken,
} from './handlers/sns.js';

/** Real hostnames and the logical host each one maps to. */
export const WECHAT_HOSTS = {
  'open.weixin.qq.com': 'open',
  'lp.open.weixin.qq.com': 'lp',
  'long.open.weixin.qq.com': 'lp',
  'api.weixin.qq.com': 'api',
} as const;

// django-allauth POSTs the code exchange as a form, so the /sns endpoints answer POST too.
const sns = (path: string, name: string, handler: Route<WechatContext>['handler']) => [
  route<WechatContext>('api', 'GET', path, name, handler),
  route<WechatContext>('api', 'POST', path, name, handler),
];

/** Every WeChat endpoint, real and mock-only. */
export const WECHAT_ROUTES: readonly Route<WechatContext>[] = Object.freeze([
  route<WechatContext>('open', 'GET', '/connect/qrconnect', 'wechat.qrconnect', showQrConnectPage),
  route<WechatContext>('open', 'GET', '/connect/qrcode/:uuid', 'wechat.qrImage', getQrImage),
  route<WechatContext>('lp', 'GET', '/connect/l/qrconnect', 'wechat.qrPoll', pollQrStatus),
  route<WechatContext>(
    'open',
    'GET',
    '/connect/confirm',
    'wechat.phoneConfirmPage',
    showConfirmPage,
  ),
  route<WechatContext>('open', 'POST', '/connect/confirm', 'wechat.phoneConfirm', submitConfirm),
  route<WechatContext>(
    'open',
    'GET',
    '/connect/oauth2/authorize',
    'wechat.oaAuthorize',
    showOaAuthorize,
  ),
  route<WechatContext>(
    'open',
    'POST',
    '/connect/oauth2/authorize',
    'wechat.oaConsent',
    submitOaAuthorize,
  ),
  ...sns('/sns/oauth2/access_token', 'wechat.exchangeCode', exchangeCode),
  ...sns('/sns/oauth2/refresh_token', 'wechat.refreshAccessToken', refreshAccessToken),
  ...sns('/sns/auth', 'wechat.checkAccessToken', checkAccessTokenEndpoint),
  ...sns('/sns/userinfo', 'wechat.getUserInfo', getUserInfo),
  ...commonMockRoutes<WechatContext>(),
  route<WechatContext>('*', 'GET', '/__mock/apps', 'mock.apps', mock.listApps),
  route<WechatContext>('*', 'GET', '/__mock/users', 'mock.users', mock.listUsers),
  route<WechatContext>('*', 'POST', '/__mock/authorize', 'mock.authorize', mock.authorizeHeadless),
  route<WechatContext>('*', 'GET', '/__mock/grants', 'mock.grants', mock.listGrants),
  route<WechatContext>('*', 'GET', '/__mock/qr', 'mock.qrList', mock.listQrSessions),
  route<WechatContext>('*', 'GET', '/__mock/qr/:uuid', 'mock.qrGet', mock.getQrSession),
  route<WechatContext>('*', 'POST', '/__mock/qr/:uuid/scan', 'mock.qrScan', mock.scanQr),
  route<WechatContext>(
    '*',
    'POST',
    '/__mock/qr/:uuid/confirm',
    'mock.qrConfirm',
    mock.confirmQrSession,
  ),
  route<WechatContext>('*', 'POST', '/__mock/qr/:uuid/cancel', 'mock.qrCancel', mock.cancelQr),
  route<WechatContext>('*', 'POST', '/__mock/qr/:uuid/expire', 'mock.qrExpire', mock.expireQr),
  route<WechatContext>(
    '*',
    'GET',
    '/__mock/auto-approve',
    'mock.autoApproveGet',
    mock.getAutoApprove,
  ),
  route<WechatContext>(
    '*',
    'POST',
    '/__mock/auto-approve',
    'mock.autoApproveSet',
    mock.setAutoApprove,
  ),
]);
