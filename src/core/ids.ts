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

/**
 * CSPRNG bytes served from a pool refilled 4 KiB at a time: the same source as `randomBytes(n)`,
 * without a call into OpenSSL for every token, code and rid.
 */
function pooledRandom(): (n: number) => Buffer {
  const POOL = 4096;
  let pool = randomBytes(POOL);
  let offset = 0;
  return (n) => {
    if (n > POOL) return randomBytes(n);
    if (offset + n > POOL) {
      pool = randomBytes(POOL);
      offset = 0;
    }
    const out = Buffer.from(pool.subarray(offset, offset + n));
    // Served bytes are wiped from the pool so no copy of a secret outlives its use there.
    pool.fill(0, offset, offset + n);
    offset += n;
    return out;
  };
}

/** Creates an id source for one mock instance. */
export function createIds(options: IdsOptions): Ids {
  const random = options.random ?? pooledRandom();
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

/**
 * Memoises a derivation of world ids. Only for inputs drawn from the loaded world (persona ids,
 * appids), whose count is bounded: it spares an HMAC on every request that names an openid.
 */
export function memoizeDerivation(
  derive: (label: string, ...parts: string[]) => string,
): (label: string, ...parts: string[]) => string {
  // A trie of maps, one level per argument: a lookup builds no key string.
  interface Node {
    value?: string;
    readonly next: Map<string, Node>;
  }
  const root: Node = { next: new Map() };
  const step = (node: Node, key: string): Node => {
    let child = node.next.get(key);
    if (child === undefined) {
      child = { next: new Map() };
      node.next.set(key, child);
    }
    return child;
  };
  return (label, ...parts) => {
    let node = step(root, label);
    for (const part of parts) node = step(node, part);
    node.value ??= derive(label, ...parts);
    return node.value;
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
