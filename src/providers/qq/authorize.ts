/**
 * Validation of the authorize step, shared by the login page, its consent POST and the headless
 * `POST /__mock/authorize`, so every way of getting a code fails the same way; and the callback
 * URLs the browser is sent to.
 */
import { catalogueThrower } from '../../core/errors.js';
import { encodeUrlUnsafe } from '../../core/http.js';
import type { QqContext } from './context.js';
import { QQ_PAGE_ERRORS } from './errors.js';
import { issueAccessToken, issueCode } from './grants.js';
import type { AccessTokenRecord, CodeRecord } from './state.js';
import type { QqApp } from './world.js';

const failPage = catalogueThrower(QQ_PAGE_ERRORS);

/** The two flows of the authorize step. */
export type ResponseType = 'code' | 'token';

/** What an authorize request asks for. */
export interface AuthorizeParams {
  readonly responseType: string | undefined;
  readonly clientId: string | undefined;
  readonly redirectUri: string | undefined;
}

/** A validated authorize request. */
export interface ValidAuthorize {
  readonly app: QqApp;
  readonly responseType: ResponseType;
  readonly redirectUri: string;
}

/**
 * Checks response_type (100000), client_id (100001, 100008) and redirect_uri (100010) in that
 * order. redirect_uri must equal a registered callback exactly: current practice is full-URL
 * matching, and even a trailing-slash difference fails (spec/qq.md §1).
 */
export function validateAuthorize(ctx: QqContext, params: AuthorizeParams): ValidAuthorize {
  const responseType = params.responseType;
  if (responseType !== 'code' && responseType !== 'token') return failPage('responseTypeInvalid');
  if (params.clientId === undefined || params.clientId === '') return failPage('clientIdMissing');
  const app = ctx.world.app(params.clientId);
  if (!app) return failPage('clientIdUnknown', { appid: params.clientId });
  const redirectUri = params.redirectUri;
  if (redirectUri === undefined || !app.callbacks.includes(redirectUri)) {
    return failPage('redirectUriInvalid', { appid: app.clientId });
  }
  return { app, responseType, redirectUri };
}

/** Splits comma-separated scopes; `get_user_info` is the documented default. */
export function normaliseScope(scope: string | undefined): string {
  const scopes = (scope ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  return scopes.length === 0 ? 'get_user_info' : scopes.join(',');
}

/** state is echoed as received; only characters that cannot stand in a URL are percent-encoded. */
function urlSafe(value: string): string {
  return encodeUrlUnsafe(value);
}

/**
 * Code flow: `redirect_uri?code=…&state=…`, joined with `&` when redirect_uri already has a query.
 * Without a state parameter there is no `state` in the callback either.
 */
export function codeCallbackUrl(redirectUri: string, code: string, state?: string): string {
  const joiner = redirectUri.includes('?') ? '&' : '?';
  const statePart = state === undefined ? '' : `&state=${urlSafe(state)}`;
  return `${redirectUri}${joiner}code=${code}${statePart}`;
}

/**
 * Implicit flow: `redirect_uri#access_token=…&expires_in=…&state=…`, appended with `&` when
 * redirect_uri already has a fragment. No refresh_token and no openid (wiki Implicit_Grant page).
 */
export function tokenCallbackUrl(
  redirectUri: string,
  accessToken: string,
  expiresIn: number,
  state?: string,
): string {
  const joiner = redirectUri.includes('#') ? '&' : '#';
  const statePart = state === undefined ? '' : `&state=${urlSafe(state)}`;
  return `${redirectUri}${joiner}access_token=${accessToken}&expires_in=${expiresIn}${statePart}`;
}

/** What a persona's consent produced: a code or (implicit flow) an access token, and where to go. */
export type Consent =
  | { readonly kind: 'code'; readonly code: CodeRecord; readonly location: string }
  | {
      readonly kind: 'token';
      readonly access: AccessTokenRecord;
      readonly expiresIn: number;
      readonly location: string;
    };

/** Records a persona's consent to a validated request and builds the callback URL. */
export function grantConsent(
  ctx: QqContext,
  request: ValidAuthorize,
  personaId: string,
  scope: string | undefined,
  state: string | undefined,
): Consent {
  const grant = { clientId: request.app.clientId, personaId, scope: normaliseScope(scope) };
  if (request.responseType === 'token') {
    const access = issueAccessToken(ctx, grant);
    const expiresIn = ctx.settings.accessTokenTtlSeconds;
    const location = tokenCallbackUrl(request.redirectUri, access.token, expiresIn, state);
    return { kind: 'token', access, expiresIn, location };
  }
  const code = issueCode(ctx, grant, request.redirectUri);
  return { kind: 'code', code, location: codeCallbackUrl(request.redirectUri, code.code, state) };
}
