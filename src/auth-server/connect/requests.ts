/**
 * The requests this server answers, as a table of fields, and the one parser that reads a message
 * against it: every missing required field and every field of the wrong type is reported in one
 * `error` map (`{"accessToken":"REQUIRED","openId":"REQUIRED"}`). Unknown fields are ignored, as SDKs
 * send extras (`scriptData`, `os`, `platform`).
 */
import {
  CODE_INVALID,
  GS_CODES,
  GS_REQUESTS,
  type ErrorMap,
  type GsRequestClass,
} from './constants.js';

/** The type of one field. `segments` is a JSON map of segment type → string value. */
export type FieldType = 'string' | 'boolean' | 'segments';

/** How one field is read. */
export interface FieldSpec {
  readonly type: FieldType;
  readonly required?: true;
}

type Spec = Readonly<Record<string, FieldSpec>>;

type ValueOf<T extends FieldType> = T extends 'string'
  ? string
  : T extends 'boolean'
    ? boolean
    : Readonly<Record<string, string>>;

/** The parsed fields: required ones are present, optional ones may be undefined. */
export type Fields<S extends Spec> = {
  readonly [K in keyof S]: S[K]['required'] extends true
    ? ValueOf<S[K]['type']>
    : ValueOf<S[K]['type']> | undefined;
};

const connectFlags = {
  doNotLinkToCurrentPlayer: { type: 'boolean' },
  doNotCreateNewPlayer: { type: 'boolean' },
  errorOnSwitch: { type: 'boolean' },
  switchIfPossible: { type: 'boolean' },
  syncDisplayName: { type: 'boolean' },
  segments: { type: 'segments' },
} as const;

/** Fields of every request class (S1, S8). */
export const REQUEST_FIELDS = {
  [GS_REQUESTS.device]: {
    deviceId: { type: 'string', required: true },
    deviceOS: { type: 'string', required: true },
    deviceModel: { type: 'string' },
    deviceName: { type: 'string' },
    deviceType: { type: 'string' },
    displayName: { type: 'string' },
    operatingSystem: { type: 'string' },
    segments: { type: 'segments' },
  },
  [GS_REQUESTS.registration]: {
    userName: { type: 'string', required: true },
    password: { type: 'string', required: true },
    displayName: { type: 'string', required: true },
    segments: { type: 'segments' },
  },
  [GS_REQUESTS.authentication]: {
    userName: { type: 'string', required: true },
    password: { type: 'string', required: true },
  },
  [GS_REQUESTS.wechat]: {
    accessToken: { type: 'string', required: true },
    openId: { type: 'string', required: true },
    ...connectFlags,
  },
  [GS_REQUESTS.qq]: {
    accessToken: { type: 'string', required: true },
    ...connectFlags,
  },
} as const satisfies Record<GsRequestClass, Spec>;

/** The field table of one request class. */
export type RequestFields<C extends GsRequestClass> = Fields<(typeof REQUEST_FIELDS)[C]>;

/** Longest accepted string field; longer values are `INVALID`. */
export const MAX_FIELD_LENGTH = 4096;
const MAX_SEGMENTS = 64;

/** Whether a string is a request class this server answers. */
export function isRequestClass(value: unknown): value is GsRequestClass {
  return typeof value === 'string' && Object.hasOwn(REQUEST_FIELDS, value);
}

function readField(spec: FieldSpec, value: unknown): { ok: true; value: unknown } | { ok: false } {
  switch (spec.type) {
    case 'string':
      return typeof value === 'string' && value.length <= MAX_FIELD_LENGTH
        ? { ok: true, value }
        : { ok: false };
    case 'boolean':
      return typeof value === 'boolean' ? { ok: true, value } : { ok: false };
    case 'segments': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false };
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.length > MAX_SEGMENTS) return { ok: false };
      const valid = entries.every(
        ([key, v]) => key.length <= 256 && typeof v === 'string' && v.length <= 256,
      );
      return valid ? { ok: true, value: Object.fromEntries(entries) } : { ok: false };
    }
  }
}

/**
 * Reads a message's fields. Absent, `null` and `""` count as missing; a required missing field is
 * `REQUIRED`, a present field of the wrong type or size `INVALID`, all reported together.
 */
export function parseFields<C extends GsRequestClass>(
  requestClass: C,
  message: Readonly<Record<string, unknown>>,
):
  | { readonly ok: true; readonly fields: RequestFields<C> }
  | { readonly ok: false; readonly error: ErrorMap } {
  const spec: Spec = REQUEST_FIELDS[requestClass];
  const fields: Record<string, unknown> = {};
  const error: Record<string, string> = {};
  for (const [name, field] of Object.entries(spec)) {
    const raw = Object.hasOwn(message, name) ? message[name] : undefined;
    if (raw === undefined || raw === null || raw === '') {
      if (field.required) error[name] = GS_CODES.required;
      continue;
    }
    const read = readField(field, raw);
    if (read.ok) fields[name] = read.value;
    else error[name] = CODE_INVALID;
  }
  return Object.keys(error).length > 0
    ? { ok: false, error }
    : { ok: true, fields: fields as RequestFields<C> };
}
