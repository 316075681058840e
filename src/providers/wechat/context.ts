/**
 * Everything a WeChat handler may touch, injected per instance: settings, the shared clock, the id
 * source, the world and this instance's state.
 */
import type { Clock } from '../../core/clock.js';
import type { Ids } from '../../core/ids.js';
import type { WechatSettings } from './defaults.js';
import type { WechatState } from './state.js';
import type { WechatWorld } from './world.js';

/** Notifies long-polls waiting on QR sessions. */
export interface QrSignals {
  /** Resolves on the next change of the session (or any clock advance), or when `signal` aborts. */
  wait(uuid: string, timeoutMs: number, signal: AbortSignal): Promise<void>;
  /** Wakes everyone waiting on this session. */
  notify(uuid: string): void;
  /** Wakes every waiter (the clock moved). */
  notifyAll(): void;
  /** Number of polls held right now. */
  held(): number;
}

/** The WeChat handler context. */
export interface WechatContext {
  readonly settings: WechatSettings;
  readonly clock: Clock;
  readonly ids: Ids;
  readonly world: WechatWorld;
  readonly state: WechatState;
  readonly signals: QrSignals;
}

/** Creates the long-poll signal hub. */
export function createQrSignals(): QrSignals {
  const waiters = new Map<string, Set<() => void>>();
  let count = 0;
  const wakeSet = (set: Set<() => void> | undefined): void => {
    if (!set) return;
    for (const wake of [...set]) wake();
  };
  return {
    wait(uuid, timeoutMs, signal) {
      return new Promise<void>((resolve) => {
        let set = waiters.get(uuid);
        if (!set) {
          set = new Set();
          waiters.set(uuid, set);
        }
        const mine = set;
        count++;
        const finish = (): void => {
          if (!mine.delete(finish)) return;
          count--;
          if (mine.size === 0 && waiters.get(uuid) === mine) waiters.delete(uuid);
          clearTimeout(timer);
          signal.removeEventListener('abort', finish);
          resolve();
        };
        const timer = setTimeout(finish, Math.max(0, timeoutMs));
        mine.add(finish);
        if (signal.aborted) finish();
        else signal.addEventListener('abort', finish, { once: true });
      });
    },
    notify: (uuid) => {
      wakeSet(waiters.get(uuid));
    },
    notifyAll: () => {
      for (const set of [...waiters.values()]) wakeSet(set);
    },
    held: () => count,
  };
}
