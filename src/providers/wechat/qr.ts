/**
 * The website QR session state machine. One `transition()` with an exhaustive switch decides every
 * move; the long-poll and the phone page only read the resulting state.
 */

/** The states of a QR login session. */
export type QrState =
  | { readonly status: 'waiting' }
  | { readonly status: 'scanned'; readonly personaId: string | null }
  | { readonly status: 'cancelled' }
  | { readonly status: 'confirmed'; readonly personaId: string; readonly code: string }
  /** The code was handed to the desktop page (405 is sent exactly once). */
  | { readonly status: 'delivered'; readonly personaId: string; readonly code: string }
  | { readonly status: 'expired' };

/** Events that move a QR session. */
export type QrEvent =
  | { readonly type: 'scan'; readonly personaId: string | null }
  | { readonly type: 'confirm'; readonly personaId: string; readonly code: string }
  | { readonly type: 'cancel' }
  | { readonly type: 'deliver' }
  | { readonly type: 'expire' };

/** Result of a transition: the next state, or why the event does not apply. */
export type QrTransition =
  { readonly ok: true; readonly state: QrState } | { readonly ok: false; readonly reason: string };

const reject = (state: QrState, event: QrEvent): QrTransition => ({
  ok: false,
  reason: `cannot ${event.type} a QR session that is ${state.status}`,
});

/** The one place that decides how a QR session moves. */
export function transition(state: QrState, event: QrEvent): QrTransition {
  switch (state.status) {
    case 'waiting':
    case 'cancelled':
      // A cancelled code may be scanned again: the real page keeps polling with last=403.
      if (event.type === 'scan')
        return { ok: true, state: { status: 'scanned', personaId: event.personaId } };
      if (event.type === 'expire') return { ok: true, state: { status: 'expired' } };
      return reject(state, event);
    case 'scanned':
      switch (event.type) {
        case 'scan':
          return {
            ok: true,
            state: { status: 'scanned', personaId: event.personaId ?? state.personaId },
          };
        case 'confirm':
          return {
            ok: true,
            state: { status: 'confirmed', personaId: event.personaId, code: event.code },
          };
        case 'cancel':
          return { ok: true, state: { status: 'cancelled' } };
        case 'expire':
          return { ok: true, state: { status: 'expired' } };
        case 'deliver':
          return reject(state, event);
      }
      break;
    case 'confirmed':
      if (event.type === 'deliver') {
        return {
          ok: true,
          state: { status: 'delivered', personaId: state.personaId, code: state.code },
        };
      }
      return reject(state, event);
    case 'delivered':
    case 'expired':
      return reject(state, event);
  }
  return reject(state, event);
}

/** The long-poll `wx_errcode` a desktop page sees for a state. */
export function pollCode(state: QrState): 402 | 403 | 404 | 405 | 408 {
  switch (state.status) {
    case 'waiting':
      return 408;
    case 'scanned':
      return 404;
    case 'cancelled':
      return 403;
    case 'confirmed':
      return 405;
    case 'delivered':
    case 'expired':
      return 402;
  }
}
