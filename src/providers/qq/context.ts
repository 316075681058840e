/**
 * Everything a QQ handler may touch, injected per instance: settings, the shared clock, the id
 * source, the world and this instance's state.
 */
import type { Clock } from '../../core/clock.js';
import type { Ids } from '../../core/ids.js';
import type { QqSettings } from './defaults.js';
import type { QqState } from './state.js';
import type { QqWorld } from './world.js';

/** The QQ handler context. */
export interface QqContext {
  readonly settings: QqSettings;
  readonly clock: Clock;
  readonly ids: Ids;
  readonly world: QqWorld;
  readonly state: QqState;
}
