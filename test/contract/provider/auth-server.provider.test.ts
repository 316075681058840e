/**
 * Provider verification: the reference auth server (provider `idmock-auth-server`) against the
 * contracts its two consumers wrote, `contracts/idmock-sdk-idmock-auth-server.json` (connect API)
 * and `contracts/idmock-login-client-idmock-auth-server.json` (login API).
 *
 * All three services run in this process on free ports, the auth server calling its sibling WeChat
 * and QQ mocks, as `idmock start` runs them. The harness (`verifyTarget`) finds those mocks from the
 * server's `GET /__mock/credentials` and drives them to make real tokens and codes for fresh users,
 * and brings every state about through the server's public API with the reference SDK: device
 * sign-ins, registrations, a connect that links a profile, a QR login that answers a unionCode, SMS
 * codes read from the server's `/__mock/sms`. Between interactions it resets the server
 * (`POST /__mock/reset`), so the bundled world's few generated personas are enough.
 */
import '../support/pact-env.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECT_STATES, LOGIN_STATES } from '../../../src/contract/auth-server/index.js';
import {
  CONTRACT_PARTIES,
  contractFileName,
  contractPath,
} from '../../../src/contract/contracts.js';
import { readContract } from '../../../src/contract/pact-file.js';
import { verifyTarget } from '../../../src/contract/verify.js';
import { startIdmock, type RunningIdmock } from '../../../src/runtime/start.js';

const CONTRACTS = {
  connect: contractPath(contractFileName(CONTRACT_PARTIES.sdk, CONTRACT_PARTIES.authServer)),
  login: contractPath(contractFileName(CONTRACT_PARTIES.loginClient, CONTRACT_PARTIES.authServer)),
};

describe('auth server as provider of idmock-sdk and idmock-login-client', () => {
  let idmock: RunningIdmock;

  beforeAll(async () => {
    idmock = await startIdmock();
  });

  afterAll(async () => {
    await idmock.stop();
  });

  it.each([
    { contract: CONTRACTS.connect, states: CONNECT_STATES },
    { contract: CONTRACTS.login, states: LOGIN_STATES },
  ])('has a state handler for every provider state in $contract', async ({ contract, states }) => {
    const parsed = await readContract(contract);
    const used = new Set(parsed.interactions.flatMap((i) => i.states.map((s) => s.name)));
    expect([...used].sort()).toEqual(Object.values(states).sort());
  });

  it('honours every interaction of both contracts', async () => {
    const notes: string[] = [];
    const result = await verifyTarget({
      target: 'auth-server',
      baseUrl: idmock.urls.auth ?? '',
      print: (text) => notes.push(text),
    });
    expect(notes[0]).toContain(
      `using the WeChat mock at ${idmock.urls.wechat ?? ''} and the QQ mock at ${idmock.urls.qq ?? ''}`,
    );
    expect(result.failures, result.report).toEqual([]);
    expect(result.errors).toEqual([]);
    expect(result.states).toBe('harness');
    expect(result.report).toMatch(/: all \d+ interactions passed/);
    expect(result.passed).toBe(true);
  }, 180_000);
});
