/**
 * The dispatch-level fuzz of one service: every endpoint of its route table and of the shared
 * control routes gets {@link CASES_PER_ENDPOINT} generated requests with a fixed seed, and paths no
 * route serves get as many again. New endpoints are covered by being in the table.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CASES_PER_ENDPOINT,
  createFuzzWorld,
  endpointsOf,
  injectedTemplates,
  requestArb,
  runCase,
  seedFor,
  unroutedArb,
  type FuzzWorld,
  type ServiceName,
} from './support.js';

/** Budget of one endpoint's cases (they take a second or two; CI machines are slower). */
const ENDPOINT_TIMEOUT_MS = 120_000;

/** Declares the fuzz tests of one service. */
export function fuzzService(name: ServiceName): void {
  let world: FuzzWorld;
  beforeAll(async () => {
    world = await createFuzzWorld();
  });

  // The route table is read before the world exists, from a throwaway world's service.
  describe(`${name}: generated requests through dispatch (${CASES_PER_ENDPOINT} per endpoint)`, async () => {
    const probe = await createFuzzWorld();
    const endpoints = endpointsOf(probe.services[name]);
    it.each(endpoints.map((route) => ({ label: `${route.method} ${route.path}`, route })))(
      'answers $label in its own format, never 5xx, and rejected requests change nothing',
      async ({ label, route }) => {
        const service = world.services[name];
        await fc.assert(
          fc.asyncProperty(
            requestArb(route, service, world.known, world.templates.get(label)),
            (input) => runCase(world, name, input),
          ),
          { numRuns: CASES_PER_ENDPOINT, seed: seedFor(`${name} ${label}`) },
        );
      },
      ENDPOINT_TIMEOUT_MS,
    );

    it('answers every valid request with each injection in each of its values', async () => {
      const labels = new Set(endpoints.map((route) => `${route.method} ${route.path}`));
      const templates = [...world.templates]
        .filter(([label]) => labels.has(label))
        .flatMap(([, list]) => list);
      const inputs = injectedTemplates(templates);
      expect(inputs.length).toBeGreaterThan(100);
      for (const input of inputs) await runCase(world, name, input);
    });

    it(
      'answers paths no route serves with its own not-found or method errors',
      async () => {
        const service = world.services[name];
        await fc.assert(
          fc.asyncProperty(unroutedArb(service, world.known), (input) =>
            runCase(world, name, input),
          ),
          { numRuns: CASES_PER_ENDPOINT, seed: seedFor(`${name} unrouted`) },
        );
      },
      ENDPOINT_TIMEOUT_MS,
    );
  });
}
