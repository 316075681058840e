/**
 * Bounded stores. Lifetimes alone do not keep a long-running mock's memory flat: QQ tokens live 60
 * days, WeChat refresh tokens 30, GameSparks authTokens never expire. Every map that grows with
 * traffic (codes, tokens, SMS codes) is filled through {@link setBounded}, so load can only ever
 * cost a fixed amount of memory.
 */

/** Most records one store keeps (codes, access tokens, refresh tokens, authTokens, SMS codes). */
export const MAX_STORE_RECORDS = 100_000;

/** Options of {@link setBounded}. */
export interface BoundOptions<V> {
  /** Most entries kept (default {@link MAX_STORE_RECORDS}). */
  readonly limit?: number;
  /** Whether an entry is over; over entries go first when room is needed. */
  readonly isOver?: (value: V) => boolean;
}

/**
 * Sets a key in a map that never holds more than `limit` entries. When a new key finds the map
 * full, entries `isOver` calls over are dropped first, then the oldest insertions, down to 90% of
 * the limit, so the sweep runs once per tenth of the limit rather than on every insert.
 * @example
 * setBounded(state.codes, record.code, record, { isOver: (code) => code.expiresAt <= now });
 */
export function setBounded<K, V>(
  map: Map<K, V>,
  key: K,
  value: V,
  options: BoundOptions<V> = {},
): void {
  const limit = Math.max(1, options.limit ?? MAX_STORE_RECORDS);
  if (map.size >= limit && !map.has(key)) {
    const isOver = options.isOver;
    if (isOver) {
      for (const [candidate, stored] of map) if (isOver(stored)) map.delete(candidate);
    }
    if (map.size >= limit) {
      const target = Math.floor(limit * 0.9);
      for (const candidate of map.keys()) {
        if (map.size <= target) break;
        map.delete(candidate);
      }
    }
  }
  map.set(key, value);
}

/**
 * The newest `limit` records that pass `matches`, newest first, and how many pass in all; one pass
 * with a ring buffer, so a full store (100 000 records) costs no large copy.
 */
export function newestMatching<T>(
  records: Iterable<T>,
  matches: (record: T) => boolean,
  limit: number,
): { total: number; items: T[] } {
  const ring: T[] = [];
  let total = 0;
  for (const record of records) {
    if (!matches(record)) continue;
    ring[total % limit] = record;
    total++;
  }
  const items: T[] = [];
  for (let i = total - 1; i >= Math.max(0, total - limit); i--) {
    const record = ring[i % limit];
    if (record !== undefined) items.push(record);
  }
  return { total, items };
}
