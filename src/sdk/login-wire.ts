/**
 * The WeChat QR login API as a client sees it (`auth-server.md` §5): the login body forms, the
 * token, and the seed's error envelope `{code, title, detail, errors: [{code, title, detail,
 * source, meta?}]}`. Titles are the contract; only `401906` and `401102` come from the seed, every
 * other number is the reference server's placeholder.
 */

/** Outer titles of the error envelope. */
export const LOGIN_OUTER_TITLES = {
  unauthorized: 'GENERIC_UNAUTHORIZED',
  validation: 'VALIDATION_ERROR',
  conflict: 'CONFLICT',
} as const;

/** Inner titles (`errors[].title`). */
export const LOGIN_ERROR_TITLES = {
  invalidUsernameOrPassword: 'INVALID_USERNAME_OR_PASSWORD',
  required: 'REQUIRED',
  invalidApiKey: 'INVALID_API_KEY',
  invalidAppCredentials: 'INVALID_APP_CREDENTIALS',
  invalidAuthCode: 'INVALID_AUTH_CODE',
  invalidUnionCode: 'INVALID_UNION_CODE',
  invalidToken: 'INVALID_TOKEN',
  accountAlreadyLinked: 'ACCOUNT_ALREADY_LINKED',
} as const;

/** The two numbers the seed gives: every 401's outer code, and an unbound unionId's inner code. */
export const LOGIN_SEED_CODES = {
  unauthorized: 401906,
  invalidUsernameOrPassword: 401102,
} as const;

/** Form (a): a WeChat code from the QR login, with the website app's credentials. */
export interface WechatCodeLogin {
  readonly appId: string;
  readonly secret: string;
  readonly code: string;
}

/** The pair an unbound WeChat user's 401 hands out, to register with. */
export interface UnionPair {
  readonly unionId: string;
  readonly unionCode: string;
}

/** Forms (c) and, with `union`, (b): a phone number and its SMS code. */
export interface SmsLogin {
  readonly tn: string;
  readonly code: string;
  /** Registers the WeChat user of this pair to the phone's account. */
  readonly union?: UnionPair;
}

/** The optional user name form, registering a WeChat user with `union`. */
export interface PasswordLogin {
  readonly username: string;
  readonly password: string;
  readonly union?: UnionPair;
}

/** A successful login. */
export interface TokenBody {
  readonly token: string;
  readonly tokenType: string;
  readonly expiresIn: number;
}

/** One entry of `errors`. */
export interface LoginInnerError {
  readonly code: number;
  readonly title: string;
  readonly detail: string;
  /** The field or header at fault (`code`, `unionCode`, `Api-Key`, …). */
  readonly source: string;
  /** An unbound unionId's 401 carries `{unionCode, unionId}`. */
  readonly meta?: Readonly<Record<string, string>>;
}

/** An error body. */
export interface LoginErrorBody {
  readonly code: number;
  readonly title: string;
  readonly detail: string;
  readonly errors: readonly LoginInnerError[];
}

/** `POST /v1/auth/sms`'s 202. */
export interface SmsSent {
  readonly tn: string;
  readonly expiresIn: number;
}

/** `GET /v1/me`: the account and its bound unionId. */
export interface Account {
  readonly id: string;
  readonly tn: string | null;
  readonly username?: string | null;
  readonly displayName: string;
  readonly unionId: string | null;
  readonly createdAt: string;
}

/** An answer of the login API: the success body, or the error envelope with its status. */
export type LoginResult<T> =
  | { readonly ok: true; readonly status: number; readonly body: T }
  | { readonly ok: false; readonly status: number; readonly body: LoginErrorBody };

/** The unionId/unionCode of an unbound WeChat user's 401, if this is one. */
export function unionPairOf(result: LoginResult<unknown>): UnionPair | undefined {
  if (result.ok) return undefined;
  for (const error of result.body.errors) {
    const unionCode = error.meta?.['unionCode'];
    const unionId = error.meta?.['unionId'];
    if (unionCode !== undefined && unionId !== undefined) return { unionId, unionCode };
  }
  return undefined;
}

/** The inner titles of a failure (empty for a success). */
export function errorTitles(result: LoginResult<unknown>): string[] {
  return result.ok ? [] : result.body.errors.map((error) => error.title);
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether a value is the error envelope (its discriminating fields only). */
export function isLoginErrorBody(value: unknown): value is LoginErrorBody {
  return (
    isRecord(value) &&
    typeof value['code'] === 'number' &&
    typeof value['title'] === 'string' &&
    Array.isArray(value['errors']) &&
    (value['errors'] as unknown[]).every(
      (entry) => isRecord(entry) && typeof entry['title'] === 'string',
    )
  );
}
