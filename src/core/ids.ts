/**
 * Identifier sources. Generated world values (openids, unionids) are derived from the seed with
 * HMAC so they are identical from run to run; codes and tokens come from the CSPRNG.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const BASE64URL = /[+/=]/g;

/** Injected id source: deterministic derivations plus random secrets. */
export interface Ids {
  /** Deterministic bytes for a label and parts, from the world seed. */
  derive(label: string, ...parts: string[]): Buffer;
  /** `n` random bytes from the CSPRNG (or from the test override). */
  random(n: number): Buffer;
  /** Random upper- or lower-case hex of `chars` characters. */
  hex(chars: number, upper?: boolean): string;
  /** Random base64url text of `chars` characters. */
  base64url(chars: number): string;
}

/** Options for {@link createIds}. */
export interface IdsOptions {
  /** World seed; every derived id depends on it. */
  seed: string;
  /** Replaces the CSPRNG, for tests that need reproducible codes. */
  random?: (n: number) => Buffer;
}

/** Creates an id source for one mock instance. */
export function createIds(options: IdsOptions): Ids {
  const random = options.random ?? ((n: number) => randomBytes(n));
  return {
    derive(label, ...parts) {
      const mac = createHmac('sha256', options.seed);
      mac.update(label);
      for (const part of parts) mac.update(`\u0000${part}`);
      return mac.digest();
    },
    random,
    hex(chars, upper = false) {
      const value = random(Math.ceil(chars / 2))
        .toString('hex')
        .slice(0, chars);
      return upper ? value.toUpperCase() : value;
    },
    base64url(chars) {
      return random(Math.ceil((chars * 3) / 4) + 1)
        .toString('base64')
        .replace(BASE64URL, (c) => (c === '+' ? '-' : c === '/' ? '_' : ''))
        .slice(0, chars);
    },
  };
}

/** Bytes to base64url without padding. */
export function toBase64url(bytes: Buffer): string {
  return bytes.toString('base64url');
}

/** Compares two secrets in constant time (length differences answer false without early exit). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  if (left.length !== right.length) {
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}
