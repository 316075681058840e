/**
 * Provider verification: the QQ mock (provider `idmock-qq`) against the contract the auth server
 * wrote as its consumer, `contracts/idmock-auth-server-idmock-qq.json`.
 *
 * The mock runs on a free port. Before each interaction a state handler brings its provider state
 * about through the mock's own endpoints: consent with `POST /__mock/authorize`, the code
 * exchanged at the real `/oauth2.0/token`, and, for an expired token, the clock moved with
 * `POST /__mock/clock/advance` (and reset on teardown). Each handler answers the values the
 * contract injects into the request (`${accessToken}`, `${openid}`, `${clientId}`).
 */
import '../support/pact-env.js';
import { Verifier } from '@pact-foundation/pact';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONTRACT_PARTIES,
  contractFileName,
  contractPath,
} from '../../../src/contract/contracts.js';
import { readContract } from '../../../src/contract/pact-file.js';
import { QQ_STATES } from '../../../src/contract/qq-target.js';
import { pactStateHandlers } from '../../../src/contract/state-handlers.js';
import { startIdmock, type RunningIdmock } from '../../../src/runtime/start.js';

const CONTRACT = contractPath(contractFileName(CONTRACT_PARTIES.authServer, CONTRACT_PARTIES.qq));

describe('QQ mock as provider of idmock-auth-server -> idmock-qq', () => {
  let idmock: RunningIdmock;
  let baseUrl: string;

  beforeAll(async () => {
    idmock = await startIdmock({ services: ['qq'] });
    baseUrl = idmock.urls.qq ?? '';
  });

  afterAll(async () => {
    await idmock.stop();
  });

  it('has a state handler for every provider state in the contract', async () => {
    const contract = await readContract(CONTRACT);
    const used = new Set(contract.interactions.flatMap((i) => i.states.map((s) => s.name)));
    expect([...used].sort()).toEqual(Object.values(QQ_STATES).sort());
  });

  it('honours every interaction', async () => {
    const verifier = new Verifier({
      providerBaseUrl: baseUrl,
      pactUrls: [CONTRACT],
      stateHandlers: await pactStateHandlers('qq', { baseUrl }),
      logLevel: 'warn',
    });
    await expect(verifier.verifyProvider()).resolves.toContain('"result":true');
  }, 60_000);
});
