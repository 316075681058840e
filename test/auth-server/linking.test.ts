/**
 * `decideLink` against every row of the decision table (`auth-server.md` §3), with the flag
 * combinations each row distinguishes. Pure: no server, no state.
 */
import { describe, expect, it } from 'vitest';
import {
  decideLink,
  type LinkDecision,
  type LinkFacts,
  type LinkFlags,
} from '../../src/auth-server/connect/linking.js';

const X = 'oX';
const Y = 'oY';
const P0 = 'p0';
const P1 = 'p1';

const NO_FLAGS: LinkFlags = {
  doNotLinkToCurrentPlayer: false,
  doNotCreateNewPlayer: false,
  errorOnSwitch: false,
  switchIfPossible: false,
};

function facts(
  current: LinkFacts['current'],
  owner: string | null,
  flags: Partial<LinkFlags> = {},
): LinkFacts {
  return { current, externalId: X, owner, flags: { ...NO_FLAGS, ...flags } };
}

const unauth = null;
const noSlot = { playerId: P0, slot: null };
const slotX = { playerId: P0, slot: X };
const slotY = { playerId: P0, slot: Y };

const ROWS: readonly [string, LinkFacts, LinkDecision][] = [
  ['1', facts(unauth, null), { kind: 'create', row: '1' }],
  [
    '1 with every other flag',
    facts(unauth, null, {
      doNotLinkToCurrentPlayer: true,
      errorOnSwitch: true,
      switchIfPossible: true,
    }),
    { kind: 'create', row: '1' },
  ],
  [
    '1 doNotCreateNewPlayer',
    facts(unauth, null, { doNotCreateNewPlayer: true }),
    { kind: 'no-create', row: '1' },
  ],
  ['2', facts(unauth, P1), { kind: 'login', row: '2', playerId: P1 }],
  [
    '2 errorOnSwitch',
    facts(unauth, P1, { errorOnSwitch: true }),
    { kind: 'login', row: '2', playerId: P1 },
  ],
  [
    '2 doNotCreateNewPlayer',
    facts(unauth, P1, { doNotCreateNewPlayer: true }),
    { kind: 'login', row: '2', playerId: P1 },
  ],
  ['3', facts(noSlot, null), { kind: 'link', row: '3', playerId: P0 }],
  [
    '3 switchIfPossible',
    facts(noSlot, null, { switchIfPossible: true }),
    { kind: 'link', row: '3', playerId: P0 },
  ],
  [
    '3 doNotCreateNewPlayer',
    facts(noSlot, null, { doNotCreateNewPlayer: true }),
    { kind: 'link', row: '3', playerId: P0 },
  ],
  [
    '4 no slot',
    facts(noSlot, null, { doNotLinkToCurrentPlayer: true }),
    { kind: 'create', row: '4' },
  ],
  [
    '4 slot Y',
    facts(slotY, null, { doNotLinkToCurrentPlayer: true }),
    { kind: 'create', row: '4' },
  ],
  [
    '4 errorOnSwitch (a new player is not a switch)',
    facts(noSlot, null, { doNotLinkToCurrentPlayer: true, errorOnSwitch: true }),
    { kind: 'create', row: '4' },
  ],
  [
    '4 doNotCreateNewPlayer',
    facts(slotY, null, { doNotLinkToCurrentPlayer: true, doNotCreateNewPlayer: true }),
    { kind: 'no-create', row: '4' },
  ],
  ['5', facts(slotY, null), { kind: 'already-linked', row: '5' }],
  [
    '5 switchIfPossible',
    facts(slotY, null, { switchIfPossible: true }),
    { kind: 'already-linked', row: '5' },
  ],
  ['6', facts(slotX, P0), { kind: 'login', row: '6', playerId: P0 }],
  [
    '6 every flag',
    facts(slotX, P0, {
      doNotLinkToCurrentPlayer: true,
      doNotCreateNewPlayer: true,
      errorOnSwitch: true,
      switchIfPossible: true,
    }),
    { kind: 'login', row: '6', playerId: P0 },
  ],
  ['7', facts(noSlot, P1), { kind: 'switch', row: '7', playerId: P1 }],
  [
    '7 doNotLinkToCurrentPlayer',
    facts(noSlot, P1, { doNotLinkToCurrentPlayer: true }),
    { kind: 'switch', row: '7', playerId: P1 },
  ],
  [
    '7 errorOnSwitch',
    facts(noSlot, P1, { errorOnSwitch: true }),
    { kind: 'switch-prevented', row: '7', playerId: P1 },
  ],
  ['8a', facts(slotY, P1), { kind: 'already-linked', row: '8a' }],
  [
    '8a errorOnSwitch',
    facts(slotY, P1, { errorOnSwitch: true }),
    { kind: 'already-linked', row: '8a' },
  ],
  ['8b', facts(slotY, P1, { switchIfPossible: true }), { kind: 'switch', row: '8b', playerId: P1 }],
  [
    '8b errorOnSwitch',
    facts(slotY, P1, { switchIfPossible: true, errorOnSwitch: true }),
    { kind: 'switch-prevented', row: '8b', playerId: P1 },
  ],
  [
    '9',
    facts(slotY, P1, { doNotLinkToCurrentPlayer: true }),
    { kind: 'switch', row: '9', playerId: P1 },
  ],
  [
    '9 switchIfPossible',
    facts(slotY, P1, { doNotLinkToCurrentPlayer: true, switchIfPossible: true }),
    { kind: 'switch', row: '9', playerId: P1 },
  ],
  [
    '9 errorOnSwitch',
    facts(slotY, P1, { doNotLinkToCurrentPlayer: true, errorOnSwitch: true }),
    { kind: 'switch-prevented', row: '9', playerId: P1 },
  ],
];

describe('decideLink', () => {
  it.each(ROWS)('row %s', (_row, given, expected) => {
    expect(decideLink(given)).toEqual(expected);
  });

  it('keeps the rules of the table for every consistent combination of facts and flags', () => {
    const sessions = [unauth, noSlot, slotX, slotY];
    const owners = [null, P0, P1];
    for (const current of sessions) {
      for (const owner of owners) {
        // Own(X) = P0 exactly when P0's slot is X (I1 and I2 hold).
        if ((owner === P0) !== (current?.slot === X)) continue;
        for (let bits = 0; bits < 16; bits++) {
          const flags: LinkFlags = {
            doNotLinkToCurrentPlayer: (bits & 1) !== 0,
            doNotCreateNewPlayer: (bits & 2) !== 0,
            errorOnSwitch: (bits & 4) !== 0,
            switchIfPossible: (bits & 8) !== 0,
          };
          const decision = decideLink(facts(current, owner, flags));
          switch (decision.kind) {
            case 'create':
            case 'no-create':
              expect(owner).toBeNull();
              expect(decision.kind === 'no-create').toBe(flags.doNotCreateNewPlayer);
              break;
            case 'login':
              expect(decision.playerId).toBe(owner);
              expect(current === null || current.playerId === owner).toBe(true);
              break;
            case 'link':
              expect([owner, current?.slot, flags.doNotLinkToCurrentPlayer]).toEqual([
                null,
                null,
                false,
              ]);
              break;
            case 'switch':
            case 'switch-prevented':
              // A switch moves an authenticated session to another, pre-existing player.
              expect(current).not.toBeNull();
              expect(decision.playerId).toBe(P1);
              expect(decision.kind === 'switch-prevented').toBe(flags.errorOnSwitch);
              break;
            case 'already-linked':
              expect(current?.slot).toBe(Y);
              expect(flags.doNotLinkToCurrentPlayer).toBe(false);
              break;
          }
        }
      }
    }
  });
});
