/**
 * The body forms of `POST /v1/auth/login` (`auth-server.md` §5) and the one parser that reads them:
 *
 * - (a) `{appId, secret, code}`: WeChat code login;
 * - (b) `{tn, code, unionId, unionCode}`: SMS login that registers the WeChat user;
 * - (c) `{tn, code}`: plain SMS login;
 * - optionally `{username, password[, unionId, unionCode]}`.
 *
 * The form is told by its key fields: `username`/`password` → password form; `tn`, `unionId` or
 * `unionCode` → SMS form; otherwise the WeChat form. Every missing field (`REQUIRED`), every field
 * of the wrong type or format, and every field of another form (`INVALID`) is reported in one
 * answer. Unknown extra fields are ignored, as clients send extras.
 */
import type { MockRequest } from '../../core/http.js';
import { LOGIN_INNER, LOGIN_SOURCES, MAX_FIELD_LENGTH, TN_PATTERN } from './constants.js';
import { innerError, type LoginInnerError } from './envelope.js';

/** The unionId/unionCode pair of a registering login. */
export interface UnionPair {
  readonly unionId: string;
  readonly unionCode: string;
}

/** A parsed login body. */
export type LoginForm =
  | {
      readonly form: 'wechat';
      readonly appId: string;
      readonly secret: string;
      readonly code: string;
    }
  | {
      readonly form: 'sms';
      readonly tn: string;
      readonly code: string;
      readonly union: UnionPair | null;
    }
  | {
      readonly form: 'password';
      readonly username: string;
      readonly password: string;
      readonly union: UnionPair | null;
    };

/** The outcome of parsing: a value, or every problem. */
export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errors: readonly LoginInnerError[] };

type Body = Readonly<Record<string, unknown>>;

/** The body as a JSON object, or undefined (absent, not JSON, or not an object). */
export function readJsonObject(req: MockRequest): Body | undefined {
  let value: unknown;
  switch (req.body.kind) {
    case 'json':
      value = req.body.value;
      break;
    case 'text':
      // A client that forgot the content type still sent JSON.
      try {
        value = JSON.parse(req.body.text);
      } catch {
        return undefined;
      }
      break;
    case 'none':
    case 'form':
    case 'invalid':
      return undefined;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Body)
    : undefined;
}

/** The error for a body that is not a JSON object. */
export const BODY_REQUIRED: LoginInnerError = innerError(
  LOGIN_INNER.required,
  LOGIN_SOURCES.body,
  'A JSON object body is required (Content-Type: application/json)',
);

/** Absent, `null` and `""` all count as missing. */
function isMissing(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

class FieldReader {
  readonly errors: LoginInnerError[] = [];
  private readonly body: Body;

  constructor(body: Body) {
    this.body = body;
  }

  has(name: string): boolean {
    return Object.hasOwn(this.body, name) && !isMissing(this.body[name]);
  }

  /** A string field; records REQUIRED or INVALID and answers "" when it is not usable. */
  required(name: string, format?: { pattern: RegExp; hint: string }): string {
    const value = Object.hasOwn(this.body, name) ? this.body[name] : undefined;
    if (isMissing(value)) {
      this.errors.push(innerError(LOGIN_INNER.required, name, `${name} is required`));
      return '';
    }
    if (typeof value !== 'string' || value.length > MAX_FIELD_LENGTH) {
      this.errors.push(
        innerError(
          LOGIN_INNER.invalid,
          name,
          `${name} must be a string of at most ${MAX_FIELD_LENGTH} characters`,
        ),
      );
      return '';
    }
    if (format && !format.pattern.test(value)) {
      this.errors.push(innerError(LOGIN_INNER.invalid, name, `${name} ${format.hint}`));
      return '';
    }
    return value;
  }

  /** Fields of another form may not appear. */
  forbid(names: readonly string[], form: string): void {
    for (const name of names) {
      if (this.has(name)) {
        this.errors.push(
          innerError(LOGIN_INNER.invalid, name, `${name} is not part of the ${form} login`),
        );
      }
    }
  }

  /** unionId and unionCode: both or neither. */
  union(): UnionPair | null {
    if (!this.has('unionId') && !this.has('unionCode')) return null;
    const unionId = this.required('unionId');
    const unionCode = this.required('unionCode');
    return { unionId, unionCode };
  }
}

const TN_FORMAT = {
  pattern: TN_PATTERN,
  hint: 'must be a phone number: digits, optionally after "+"',
};

/** Parses the login body into one of its forms, or every problem. */
export function parseLoginBody(body: Body): Parsed<LoginForm> {
  const read = new FieldReader(body);
  let value: LoginForm;
  if (read.has('username') || read.has('password')) {
    read.forbid(['appId', 'secret', 'tn', 'code'], 'username/password');
    const username = read.required('username');
    const password = read.required('password');
    value = { form: 'password', username, password, union: read.union() };
  } else if (read.has('tn') || read.has('unionId') || read.has('unionCode')) {
    read.forbid(['appId', 'secret'], 'SMS');
    const tn = read.required('tn', TN_FORMAT);
    const code = read.required('code');
    value = { form: 'sms', tn, code, union: read.union() };
  } else {
    const appId = read.required('appId');
    const secret = read.required('secret');
    const code = read.required('code');
    value = { form: 'wechat', appId, secret, code };
  }
  return read.errors.length > 0 ? { ok: false, errors: read.errors } : { ok: true, value };
}

/** Parses `POST /v1/auth/sms`'s `{tn}`. */
export function parseSmsBody(body: Body): Parsed<{ readonly tn: string }> {
  const read = new FieldReader(body);
  const tn = read.required('tn', TN_FORMAT);
  return read.errors.length > 0 ? { ok: false, errors: read.errors } : { ok: true, value: { tn } };
}
