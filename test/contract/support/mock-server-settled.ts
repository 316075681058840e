/**
 * Works around a race in Pact's mock server (pact-foundation/pact-reference#535,
 * pact-core-mock-server#13, from @pact-foundation/pact 16.3.0): it answers a request before it has
 * recorded the match, so under CPU load `executeTest` can read "expected but not received" for a
 * request that was received, matched and answered. A consumer test awaits this after its last
 * request: it polls the mock server's own "all matched" flag, and gives up after `timeoutMs` (a
 * request really missing then fails as usual).
 */
import { getFfiLib } from '@pact-foundation/pact-core';

export async function mockServerSettled(
  mock: { readonly port: number },
  timeoutMs = 2000,
): Promise<void> {
  const ffi = getFfiLib();
  const deadline = Date.now() + timeoutMs;
  while (!ffi.pactffiMockServerMatched(mock.port) && Date.now() < deadline) {
    await new Promise((done) => setTimeout(done, 5));
  }
}

/** Wraps an `executeTest` function so that it returns only once the mock server has settled. */
export function settled<Mock extends { readonly port: number }>(
  test: (mock: Mock) => Promise<void>,
): (mock: Mock) => Promise<void> {
  return async (mock) => {
    try {
      await test(mock);
    } finally {
      await mockServerSettled(mock);
    }
  };
}
