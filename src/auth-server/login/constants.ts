/**
 * Every wire word and number of the WeChat QR login API (`auth-server.md` §5) in one place.
 *
 * Only two numbers come from the seed: the outer `401906 GENERIC_UNAUTHORIZED` and the inner
 * `401102 INVALID_USERNAME_OR_PASSWORD`. Everywhere else the **title** is the contract and the
 * number is a *placeholder* from the reserved range `<status>8xx` (e.g. `400801`), kept here so
 * that one edit replaces them when real traffic is found.
 */

/** One error of the envelope: a number and a title, plus the default human text. */
export interface LoginErrorSpec {
  readonly code: number;
  readonly title: string;
  readonly detail: string;
}

/** An outer error: the HTTP status it is answered with, and its code/title/detail. */
export interface LoginOuterSpec extends LoginErrorSpec {
  readonly status: number;
}

/** Outer errors (`{code, title, detail, errors}`). */
export const LOGIN_OUTER = {
  /** Seed. Every 401 of the API. */
  unauthorized: {
    status: 401,
    code: 401906,
    title: 'GENERIC_UNAUTHORIZED',
    detail: 'Login failed',
  },
  /** *Placeholder number.* Malformed body, missing or mistyped fields. */
  validation: {
    status: 400,
    code: 400800,
    title: 'VALIDATION_ERROR',
    detail: 'The request is invalid',
  },
  /** *Placeholder number.* The `tn` account is bound to another unionId. */
  conflict: {
    status: 409,
    code: 409800,
    title: 'CONFLICT',
    detail: 'The request conflicts with the account',
  },
  /** *Invented.* WeChat could not be asked, or answered something unusable. */
  providerUnavailable: {
    status: 502,
    code: 502800,
    title: 'PROVIDER_UNAVAILABLE',
    detail: 'The identity provider could not be reached',
  },
  /** *Invented.* No such path under `/v1/`. */
  notFound: { status: 404, code: 404800, title: 'NOT_FOUND', detail: 'No such endpoint' },
  /** *Invented.* Wrong method on a known path. */
  methodNotAllowed: {
    status: 405,
    code: 405800,
    title: 'METHOD_NOT_ALLOWED',
    detail: 'The endpoint does not take this method',
  },
  /** *Invented.* Body larger than the server accepts. */
  tooLarge: {
    status: 413,
    code: 413800,
    title: 'PAYLOAD_TOO_LARGE',
    detail: 'The body is too large',
  },
  /** *Invented.* An unexpected fault of the server itself; details go to the log only. */
  internal: { status: 500, code: 500800, title: 'INTERNAL_ERROR', detail: 'Internal error' },
} as const satisfies Record<string, LoginOuterSpec>;

/** Inner errors (`errors[]` entries; `source` and `meta` are added per case). */
export const LOGIN_INNER = {
  /** Seed. Unbound unionId (with `meta`), wrong SMS code or password, unknown `tn` when off. */
  invalidUsernameOrPassword: {
    code: 401102,
    title: 'INVALID_USERNAME_OR_PASSWORD',
    detail: 'Incorrect username or password',
  },
  /** *Placeholder number.* A field is missing (or the body is not a JSON object). */
  required: { code: 400801, title: 'REQUIRED', detail: 'This field is required' },
  /** *Invented.* A field has the wrong type or format, or belongs to another body form. */
  invalid: { code: 400802, title: 'INVALID', detail: 'This field is not valid' },
  /** *Placeholder number.* Missing or unknown `Api-Key` header. */
  invalidApiKey: {
    code: 401801,
    title: 'INVALID_API_KEY',
    detail: 'The Api-Key header is missing or not valid',
  },
  /** *Placeholder number.* appId/secret are not the configured WeChat app, or WeChat refused them. */
  invalidAppCredentials: {
    code: 401802,
    title: 'INVALID_APP_CREDENTIALS',
    detail: 'The appId or secret is not valid',
  },
  /** *Placeholder number.* WeChat said the code is invalid, expired or used (40029/40163/42003). */
  invalidAuthCode: {
    code: 401803,
    title: 'INVALID_AUTH_CODE',
    detail: 'The WeChat code is invalid, expired or already used',
  },
  /**
   * *Placeholder number.* One answer for an unknown, expired, used, revoked or mismatched unionCode:
   * the cases are never told apart (no oracle).
   */
  invalidUnionCode: {
    code: 401804,
    title: 'INVALID_UNION_CODE',
    detail: 'The unionCode is not valid',
  },
  /** *Invented.* `GET /v1/me` without a live bearer token. */
  invalidToken: {
    code: 401805,
    title: 'INVALID_TOKEN',
    detail: 'The bearer token is missing, unknown or expired',
  },
  /** *Placeholder number.* The `tn` (or username) account is bound to another unionId. */
  accountAlreadyLinked: {
    code: 409801,
    title: 'ACCOUNT_ALREADY_LINKED',
    detail: 'The account is already bound to another WeChat user',
  },
  /** *Invented.* See {@link LOGIN_OUTER.providerUnavailable}. */
  wechatUnavailable: {
    code: 502801,
    title: 'WECHAT_UNAVAILABLE',
    detail: 'WeChat could not be asked to exchange the code',
  },
  /** *Invented.* Router errors under `/v1/`. */
  notFound: { code: 404801, title: 'NOT_FOUND', detail: 'No such endpoint' },
  methodNotAllowed: {
    code: 405801,
    title: 'METHOD_NOT_ALLOWED',
    detail: 'The endpoint does not take this method',
  },
  tooLarge: { code: 413801, title: 'PAYLOAD_TOO_LARGE', detail: 'The body is too large' },
  internal: { code: 500801, title: 'INTERNAL_ERROR', detail: 'Internal error' },
} as const satisfies Record<string, LoginErrorSpec>;

/** Where an inner error points: a body field, a header, or the body as a whole. */
export const LOGIN_SOURCES = {
  apiKey: 'Api-Key',
  authorization: 'Authorization',
  body: 'body',
  path: 'path',
} as const;

/** The success body's token type. */
export const TOKEN_TYPE = 'Bearer';

/** Path prefix of the login API; router errors under it use this API's envelope. */
export const LOGIN_PATH_PREFIX = '/v1/';

/** The request header carrying the API key (header names arrive lower-cased). */
export const API_KEY_HEADER = 'api-key';

/** A phone number as `tn` takes it: digits, optionally after a `+`. */
export const TN_PATTERN = /^\+?[0-9]{5,20}$/;

/** Longest accepted string field; longer values are `INVALID`. */
export const MAX_FIELD_LENGTH = 1024;

/** Digits of an SMS code. */
export const SMS_CODE_DIGITS = 6;

/** Characters of a unionCode: base64url, 6 bits each, so 192 random bits (≥128 required). */
export const UNION_CODE_CHARS = 32;

/** Characters of a bearer token (base64url, 258 bits). */
export const TOKEN_CHARS = 43;

/** Bounds that keep a long-running mock's memory flat. */
export const LOGIN_LIMITS = {
  /** Outstanding unionCodes kept per unionId (the oldest is dropped beyond this). */
  unionCodesPerUnionId: 16,
  /** unionIds with outstanding codes (expired codes are swept first, then the oldest dropped). */
  unionIds: 10_000,
  /** SMS messages kept in the outbox (oldest dropped). */
  outbox: 1000,
  /** Live bearer tokens (expired ones are swept first, then the oldest dropped). */
  tokens: 100_000,
} as const;
