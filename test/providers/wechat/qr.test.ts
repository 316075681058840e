/**
 * The QR session state machine on its own: every (state, event) pair, and the long-poll code each
 * state shows the desktop page. The HTTP tests in `long-poll.test.ts` drive the same moves through
 * the phone page and the mock-only endpoints.
 */
import { describe, expect, it } from 'vitest';
import {
  pollCode,
  transition,
  type QrEvent,
  type QrState,
} from '../../../src/providers/wechat/qr.js';

const waiting: QrState = { status: 'waiting' };
const scannedBy: QrState = { status: 'scanned', personaId: 'zhang-wei' };
const scannedAnon: QrState = { status: 'scanned', personaId: null };
const cancelled: QrState = { status: 'cancelled' };
const confirmed: QrState = { status: 'confirmed', personaId: 'zhang-wei', code: '0abc' };
const delivered: QrState = { status: 'delivered', personaId: 'zhang-wei', code: '0abc' };
const expired: QrState = { status: 'expired' };

const scanLi: QrEvent = { type: 'scan', personaId: 'li-na' };
const scanAnon: QrEvent = { type: 'scan', personaId: null };
const confirmLi: QrEvent = { type: 'confirm', personaId: 'li-na', code: '0xyz' };
const cancel: QrEvent = { type: 'cancel' };
const deliver: QrEvent = { type: 'deliver' };
const expire: QrEvent = { type: 'expire' };

type Row = [string, QrState, string, QrEvent, QrState | 'rejected'];

const TABLE: Row[] = [
  ['waiting', waiting, 'scan as li-na', scanLi, { status: 'scanned', personaId: 'li-na' }],
  ['waiting', waiting, 'anonymous scan', scanAnon, scannedAnon],
  ['waiting', waiting, 'confirm', confirmLi, 'rejected'],
  ['waiting', waiting, 'cancel', cancel, 'rejected'],
  ['waiting', waiting, 'deliver', deliver, 'rejected'],
  ['waiting', waiting, 'expire', expire, expired],
  ['scanned', scannedBy, 'scan as li-na', scanLi, { status: 'scanned', personaId: 'li-na' }],
  ['scanned', scannedBy, 'anonymous scan', scanAnon, scannedBy],
  [
    'scanned',
    scannedAnon,
    'confirm',
    confirmLi,
    { ...confirmed, personaId: 'li-na', code: '0xyz' },
  ],
  ['scanned', scannedBy, 'cancel', cancel, cancelled],
  ['scanned', scannedBy, 'deliver', deliver, 'rejected'],
  ['scanned', scannedBy, 'expire', expire, expired],
  ['cancelled', cancelled, 'scan as li-na', scanLi, { status: 'scanned', personaId: 'li-na' }],
  ['cancelled', cancelled, 'anonymous scan', scanAnon, scannedAnon],
  ['cancelled', cancelled, 'confirm', confirmLi, 'rejected'],
  ['cancelled', cancelled, 'cancel', cancel, 'rejected'],
  ['cancelled', cancelled, 'deliver', deliver, 'rejected'],
  ['cancelled', cancelled, 'expire', expire, expired],
  ['confirmed', confirmed, 'scan as li-na', scanLi, 'rejected'],
  ['confirmed', confirmed, 'confirm', confirmLi, 'rejected'],
  ['confirmed', confirmed, 'cancel', cancel, 'rejected'],
  ['confirmed', confirmed, 'deliver', deliver, delivered],
  ['confirmed', confirmed, 'expire', expire, 'rejected'],
  ['delivered', delivered, 'scan as li-na', scanLi, 'rejected'],
  ['delivered', delivered, 'confirm', confirmLi, 'rejected'],
  ['delivered', delivered, 'cancel', cancel, 'rejected'],
  ['delivered', delivered, 'deliver', deliver, 'rejected'],
  ['delivered', delivered, 'expire', expire, 'rejected'],
  ['expired', expired, 'scan as li-na', scanLi, 'rejected'],
  ['expired', expired, 'confirm', confirmLi, 'rejected'],
  ['expired', expired, 'cancel', cancel, 'rejected'],
  ['expired', expired, 'deliver', deliver, 'rejected'],
  ['expired', expired, 'expire', expire, 'rejected'],
];

describe('transition()', () => {
  it.each(TABLE)('%s + %s', (_from, state, _label, event, expected) => {
    const result = transition(state, event);
    if (expected === 'rejected') {
      expect(result).toEqual({
        ok: false,
        reason: `cannot ${event.type} a QR session that is ${state.status}`,
      });
    } else {
      expect(result).toEqual({ ok: true, state: expected });
    }
  });

  it('covers every state with every event', () => {
    const pairs = new Set(TABLE.map(([from, , , event]) => `${from}:${event.type}`));
    const states = ['waiting', 'scanned', 'cancelled', 'confirmed', 'delivered', 'expired'];
    const events = ['scan', 'confirm', 'cancel', 'deliver', 'expire'];
    for (const state of states)
      for (const event of events) expect(pairs).toContain(`${state}:${event}`);
  });

  it('leaves the given state untouched', () => {
    const state: QrState = { status: 'scanned', personaId: 'zhang-wei' };
    transition(state, confirmLi);
    expect(state).toEqual({ status: 'scanned', personaId: 'zhang-wei' });
  });
});

describe('pollCode()', () => {
  it.each([
    [waiting, 408],
    [scannedBy, 404],
    [scannedAnon, 404],
    [cancelled, 403],
    [confirmed, 405],
    [delivered, 402],
    [expired, 402],
  ] as const)('answers %o with wx_errcode %i', (state, code) => {
    expect(pollCode(state)).toBe(code);
  });
});
