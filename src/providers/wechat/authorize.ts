/**
 * Validation of the authorize step, shared by the QR page, the OA authorize page and the headless
 * `POST /__mock/authorize`, so every way of getting a code fails the same way.
 */
import { catalogueThrower } from '../../core/errors.js';
import { encodeUrlUnsafe } from '../../core/http.js';
import type { WechatContext } from './context.js';
import { WECHAT_PAGE_ERRORS } from './errors.js';
import type { WechatApp } from './world.js';

const failPage = catalogueThrower(WECHAT_PAGE_ERRORS);

/** What an authorize request asks for. */
export interface AuthorizeParams {
  readonly appid: string | undefined;
  readonly redirectUri: string | undefined;
  readonly scope: string | undefined;
}

function scopesOf(scope: string | undefined): string[] {
  return (scope ?? '')
    .split(/[,\s]+/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/**
 * What may not appear in a redirect_uri: control characters and whitespace anywhere (the URL parser
 * drops tabs and newlines that a Location header would carry, or refuse), and in the authority
 * `@`, `\` and `%`, which parsers disagree on (WHATWG reads `https://a.test\@b.test` as host
 * a.test, RFC 3986 clients as b.test). The value is redirected to as given, so every parser must
 * read the host we checked.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const UNSAFE_ANYWHERE = /[\u0000-\u0020\u007f-\u00a0]/;
const AUTHORITY = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/;

/** Whether redirect_uri's host is the app's registered callback domain (any path is allowed). */
export function redirectMatches(app: WechatApp, redirectUri: string | undefined): boolean {
  if (redirectUri === undefined || app.callbackDomain === undefined) return false;
  if (UNSAFE_ANYWHERE.test(redirectUri)) return false;
  const authority = AUTHORITY.exec(redirectUri)?.[1];
  if (authority === undefined || /[@\\%]/.test(authority)) return false;
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const registered = app.callbackDomain.toLowerCase();
  return registered.includes(':') ? url.host === registered : url.hostname === registered;
}

/** Website QR login: appid, then scope, then redirect domain, as the real page checks them. */
export function validateWebsiteAuthorize(ctx: WechatContext, params: AuthorizeParams): WechatApp {
  const app = params.appid === undefined ? undefined : ctx.world.app(params.appid);
  if (!app) return failPage('appidInvalid');
  if (app.kind !== 'website' || !scopesOf(params.scope).includes('snsapi_login')) {
    return failPage('scopeInvalid');
  }
  if (!redirectMatches(app, params.redirectUri)) return failPage('redirectUriInvalid');
  return app;
}

/** Official Account authorize inside WeChat, with the in-app error numbers. */
export function validateOaAuthorize(
  ctx: WechatContext,
  params: AuthorizeParams,
): { app: WechatApp; scope: 'snsapi_base' | 'snsapi_userinfo' } {
  if (params.appid === undefined || params.appid === '') return failPage('oaAppidEmpty');
  if (params.redirectUri === undefined || params.redirectUri === '')
    return failPage('oaRedirectEmpty');
  if (params.scope === undefined || params.scope === '') return failPage('oaScopeEmpty');
  const app = ctx.world.app(params.appid);
  if (!app) return failPage('appidInvalid');
  if (app.kind !== 'official-account') return failPage('oaOpenPlatformAppid');
  const scopes = scopesOf(params.scope);
  const scope = scopes.includes('snsapi_userinfo')
    ? 'snsapi_userinfo'
    : scopes.includes('snsapi_base')
      ? 'snsapi_base'
      : undefined;
  if (scope === undefined || scopes.some((s) => s !== 'snsapi_base' && s !== 'snsapi_userinfo')) {
    return failPage('oaScopeNotAllowed');
  }
  if (!redirectMatches(app, params.redirectUri)) return failPage('oaRedirectDomain');
  return { app, scope };
}

/** Mobile apps get codes from the WeChat app (SendAuth); only `snsapi_userinfo` is granted. */
export function validateMobileAuthorize(ctx: WechatContext, params: AuthorizeParams): WechatApp {
  const app = params.appid === undefined ? undefined : ctx.world.app(params.appid);
  if (!app) return failPage('appidInvalid');
  const scopes = scopesOf(params.scope ?? 'snsapi_userinfo');
  if (app.kind !== 'mobile' || !scopes.includes('snsapi_userinfo')) return failPage('scopeInvalid');
  return app;
}

/**
 * The URL the browser lands on: `redirect_uri` plus `code` and `state`, joined with `&` when the
 * redirect_uri already has a query, and `state` inserted as received (only characters that cannot
 * stand in a URL are percent-encoded).
 */
export function callbackUrl(redirectUri: string, code: string | null, state: string): string {
  const safeState = encodeUrlUnsafe(state);
  const joiner = redirectUri.includes('?') ? '&' : '?';
  const codePart = code === null ? '' : `code=${code}&`;
  return `${redirectUri}${joiner}${codePart}state=${safeState}`;
}
