/**
 * Provider verification: the WeChat mock (provider `idmock-wechat`) against the contract the auth
 * server wrote as its consumer, `contracts/idmock-auth-server-idmock-wechat.json`.
 *
 * The mock runs on a free port, as it would for any user. Pact replays every interaction against
 * it; before each one, a state handler brings the interaction's provider state about the way a
 * user would, only headless: consent through `POST /__mock/authorize`, the code exchanged at the
 * real `/sns/oauth2/access_token`, the clock moved with `POST /__mock/clock/advance`. Each handler
 * answers the values the contract injects into the request (`${accessToken}`, `${openid}`,
 * `${code}`, `${secret}`, `${appid}`).
 */
import '../support/pact-env.js';
import { Verifier } from '@pact-foundation/pact';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONTRACT_PARTIES,
  contractFileName,
  contractPath,
} from '../../../src/contract/contracts.js';
import { pactStateHandlers } from '../../../src/contract/state-handlers.js';
import { WECHAT_STATES } from '../../../src/contract/wechat-target.js';
import { startIdmock, type RunningIdmock } from '../../../src/runtime/start.js';
import { readContract } from '../../../src/contract/pact-file.js';

const CONTRACT = contractPath(
  contractFileName(CONTRACT_PARTIES.authServer, CONTRACT_PARTIES.wechat),
);

describe('WeChat mock as provider of idmock-auth-server -> idmock-wechat', () => {
  let idmock: RunningIdmock;
  let baseUrl: string;

  beforeAll(async () => {
    idmock = await startIdmock({ services: ['wechat'] });
    baseUrl = idmock.urls.wechat ?? '';
  });

  afterAll(async () => {
    await idmock.stop();
  });

  it('has a state handler for every provider state in the contract', async () => {
    const contract = await readContract(CONTRACT);
    const used = new Set(contract.interactions.flatMap((i) => i.states.map((s) => s.name)));
    expect([...used].sort()).toEqual(Object.values(WECHAT_STATES).sort());
  });

  it('honours every interaction', async () => {
    const verifier = new Verifier({
      providerBaseUrl: baseUrl,
      pactUrls: [CONTRACT],
      stateHandlers: await pactStateHandlers('wechat', { baseUrl }),
      logLevel: 'warn',
    });
    await expect(verifier.verifyProvider()).resolves.toContain('"result":true');
  }, 60_000);
});
