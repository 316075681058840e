/**
 * The shared mock clock. Every lifetime (codes, tokens, QR sessions, unionCodes, SMS codes) is
 * measured on it, so tests and QA scripts travel in time instead of sleeping. It follows real time
 * plus an offset that {@link Clock.advance} grows.
 */

/** Listener called after the clock moves forward. */
export type ClockListener = (now: number) => void;

/** A monotonic-enough wall clock in milliseconds since the epoch, with time travel. */
export interface Clock {
  /** Current mock time in epoch milliseconds. */
  now(): number;
  /** Moves mock time forward by `ms` (must be non-negative) and notifies listeners. */
  advance(ms: number): number;
  /** Drops every advance, returning to real time. */
  reset(): void;
  /** Total time travelled so far, in milliseconds. */
  offset(): number;
  /** Subscribes to advances; returns an unsubscribe function. */
  onAdvance(listener: ClockListener): () => void;
}

/** Options for {@link createClock}. */
export interface ClockOptions {
  /** Source of real time (defaults to `Date.now`). Tests may freeze it. */
  realNow?: () => number;
}

/**
 * Creates a clock.
 * @example
 * const clock = createClock();
 * clock.advance(2 * 3600_000); // two hours later for every service sharing it
 */
export function createClock(options: ClockOptions = {}): Clock {
  const realNow = options.realNow ?? Date.now;
  let offset = 0;
  const listeners = new Set<ClockListener>();
  const notify = (): void => {
    const now = realNow() + offset;
    for (const listener of listeners) listener(now);
  };
  return {
    now: () => realNow() + offset,
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError('clock can only move forward');
      offset += ms;
      notify();
      return realNow() + offset;
    },
    reset() {
      offset = 0;
      notify();
    },
    offset: () => offset,
    onAdvance(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
