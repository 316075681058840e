/**
 * Codes, tokens, unionCodes and authTokens come from the CSPRNG and carry at least 128 random
 * bits. Three checks, each failing if its protection goes:
 * - the default id source is `node:crypto`'s `randomBytes`: with it replaced, the services mint
 *   exactly what the replacement yields;
 * - every secret is a function of the id source alone: two worlds fed the same bytes mint the
 *   same secrets, so nothing (`Math.random`, the time, a counter) sneaks in beside it;
 * - a few hundred secrets of each kind are distinct, and their format carries ≥ 128 bits.
 */
import * as crypto from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createIds } from '../../src/core/ids.js';
import { seededRandom } from '../fuzz/support.js';
import { createInProcessWorld, type InProcessWorld } from '../fuzz/world.js';
import { mintAll, observedBits, SECRET_KINDS, type SecretKind } from './tokens.js';

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, randomBytes: vi.fn(actual.randomBytes) };
});

const SAMPLES = 300;

describe('the id source', () => {
  const randomBytes = vi.mocked(crypto.randomBytes);
  const real = randomBytes.getMockImplementation()!;
  afterEach(() => {
    randomBytes.mockImplementation(real);
  });

  it('draws random bytes from node:crypto by default', () => {
    randomBytes.mockImplementation((n: number) => Buffer.alloc(n, 0xab));
    const ids = createIds({ seed: 'any' });
    expect(ids.hex(8)).toBe('abababab');
    expect(ids.random(5000)).toEqual(Buffer.alloc(5000, 0xab));
    expect(randomBytes).toHaveBeenCalled();
  });

  it('is what the services mint from when no test overrides it', async () => {
    const mintWith = async (seed: number) => {
      randomBytes.mockImplementation(seededRandom(seed));
      return mintAll(await createInProcessWorld());
    };
    const first = await mintWith(7);
    expect(await mintWith(7)).toEqual(first);
    const other = await mintWith(8);
    for (const kind of SECRET_KINDS) expect(other[kind]).not.toBe(first[kind]);
  });
});

describe('every secret', () => {
  it('is a function of the id source alone', async () => {
    const first = await mintAll(await createInProcessWorld({ random: seededRandom(7) }));
    const second = await mintAll(await createInProcessWorld({ random: seededRandom(7) }));
    const other = await mintAll(await createInProcessWorld({ random: seededRandom(8) }));
    expect(second).toEqual(first);
    for (const kind of SECRET_KINDS) expect(other[kind]).not.toBe(first[kind]);
  });
});

describe('secrets from the CSPRNG', () => {
  let world: InProcessWorld;
  const samples = new Map<SecretKind, string[]>(SECRET_KINDS.map((kind) => [kind, []]));

  beforeAll(async () => {
    world = await createInProcessWorld();
    for (let i = 0; i < SAMPLES; i++) {
      const minted = await mintAll(world);
      for (const kind of SECRET_KINDS) samples.get(kind)?.push(minted[kind]);
    }
  }, 120_000);

  it.each(SECRET_KINDS)('never repeat a %s', (kind) => {
    const values = samples.get(kind) ?? [];
    expect(values).toHaveLength(SAMPLES);
    expect(new Set(values).size).toBe(SAMPLES);
  });

  it.each(SECRET_KINDS)('carry at least 128 random bits in a %s', (kind) => {
    expect(observedBits(samples.get(kind) ?? [])).toBeGreaterThanOrEqual(128);
  });
});
