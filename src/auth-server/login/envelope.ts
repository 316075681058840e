/**
 * The login API's envelope (the seed's): `{code, title, detail, errors: [{code, title, detail,
 * source, meta?}]}` for every error, with keys in the seed's order, and the token body for every
 * success. Handlers throw a {@link LoginFailure}; {@link loginRoute} renders it, so each handler
 * reads as a straight line of checks.
 */
import { json, type MockRequest, type MockResponse } from '../../core/http.js';
import type { Handler, PathParams, RouterErrorKind } from '../../core/router.js';
import type { AuthContext } from '../context.js';
import {
  LOGIN_INNER,
  LOGIN_OUTER,
  LOGIN_SOURCES,
  TOKEN_TYPE,
  type LoginErrorSpec,
  type LoginOuterSpec,
} from './constants.js';

/** One entry of `errors`. */
export interface LoginInnerError {
  readonly code: number;
  readonly title: string;
  readonly detail: string;
  readonly source: string;
  readonly meta?: Readonly<Record<string, string>>;
}

/** An error body. */
export interface LoginErrorBody {
  readonly code: number;
  readonly title: string;
  readonly detail: string;
  readonly errors: readonly LoginInnerError[];
}

/** Every answer of the API forbids caching: tokens and unionCodes are secrets. */
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' } as const;

/** An inner error at a source, with the spec's detail unless given. */
export function innerError(
  spec: LoginErrorSpec,
  source: string,
  detail: string = spec.detail,
  meta?: Readonly<Record<string, string>>,
): LoginInnerError {
  return {
    code: spec.code,
    title: spec.title,
    detail,
    source,
    ...(meta === undefined ? {} : { meta }),
  };
}

/** A failure a handler throws; {@link loginRoute} answers it. */
export class LoginFailure extends Error {
  readonly status: number;
  readonly body: LoginErrorBody;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    outer: LoginOuterSpec,
    errors: readonly LoginInnerError[],
    headers: Readonly<Record<string, string>> = {},
  ) {
    super(`login failure ${outer.title}: ${errors.map((error) => error.title).join(', ')}`);
    this.name = 'LoginFailure';
    this.status = outer.status;
    this.body = { code: outer.code, title: outer.title, detail: outer.detail, errors };
    this.headers = headers;
  }
}

/** Throws a failure; typed `never` so checks read linearly. */
export function fail(
  outer: LoginOuterSpec,
  errors: readonly LoginInnerError[],
  headers?: Readonly<Record<string, string>>,
): never {
  throw new LoginFailure(outer, errors, headers);
}

/** Throws a 401 GENERIC_UNAUTHORIZED with one inner error. */
export function unauthorized(
  spec: LoginErrorSpec,
  source: string,
  meta?: Readonly<Record<string, string>>,
): never {
  return fail(LOGIN_OUTER.unauthorized, [innerError(spec, source, spec.detail, meta)]);
}

/** Renders a failure. */
export function renderFailure(failure: LoginFailure): MockResponse {
  return json(failure.body, {
    status: failure.status,
    headers: Object.assign({}, NO_STORE, failure.headers),
  });
}

/** A JSON success of this API (never cached). */
export function loginJson(value: unknown, status = 200): MockResponse {
  return json(value, { status, headers: { ...NO_STORE } });
}

/** The success body of a login (`auth-server.md` §5). */
export interface TokenBody {
  readonly token: string;
  readonly tokenType: typeof TOKEN_TYPE;
  readonly expiresIn: number;
}

/** A 200 with a bearer token. */
export function tokenResponse(token: string, expiresIn: number): MockResponse {
  const body: TokenBody = { token, tokenType: TOKEN_TYPE, expiresIn };
  return loginJson(body);
}

/** Wraps a handler so that a thrown {@link LoginFailure} becomes its envelope response. */
export function loginRoute(
  handler: (
    req: MockRequest,
    ctx: AuthContext,
    params: PathParams,
  ) => MockResponse | Promise<MockResponse>,
): Handler<AuthContext> {
  return async (req, ctx, params) => {
    try {
      return await handler(req, ctx, params);
    } catch (error) {
      if (error instanceof LoginFailure) return renderFailure(error);
      throw error;
    }
  };
}

const ROUTER_ERRORS: Record<RouterErrorKind, { outer: LoginOuterSpec; inner: LoginErrorSpec }> = {
  'not-found': { outer: LOGIN_OUTER.notFound, inner: LOGIN_INNER.notFound },
  'method-not-allowed': {
    outer: LOGIN_OUTER.methodNotAllowed,
    inner: LOGIN_INNER.methodNotAllowed,
  },
  'payload-too-large': { outer: LOGIN_OUTER.tooLarge, inner: LOGIN_INNER.tooLarge },
  'bad-request': { outer: LOGIN_OUTER.validation, inner: LOGIN_INNER.required },
  internal: { outer: LOGIN_OUTER.internal, inner: LOGIN_INNER.internal },
};

/** A router error (404, 405, 413, 400, 500) under `/v1/`, in this API's envelope. */
export function renderLoginRouterError(kind: RouterErrorKind): MockResponse {
  const { outer, inner } = ROUTER_ERRORS[kind];
  const source =
    kind === 'payload-too-large' || kind === 'bad-request'
      ? LOGIN_SOURCES.body
      : LOGIN_SOURCES.path;
  return renderFailure(new LoginFailure(outer, [innerError(inner, source)]));
}
