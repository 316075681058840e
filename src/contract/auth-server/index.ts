/**
 * The `auth-server` target: an implementation of the auth server's connect API and WeChat QR login
 * API, checked against the contracts the reference SDK and login client wrote as its consumers.
 *
 * Unlike the WeChat and QQ targets, every state is reached from outside: players through the
 * server's own public API (the reference SDK), WeChat and QQ users through the mocks the server
 * calls, which the harness drives (see `providers.ts`). The only exception is reading an SMS code,
 * which comes from idmock's `GET /__mock/sms` or, on other servers, from Pact's state-change URL.
 */
import { CONTRACT_PARTIES, contractFileName } from '../contracts.js';
import { TARGET_DESCRIPTIONS } from '../target-names.js';
import type { ContractTarget } from '../types.js';
import { connectStates } from './connect-states.js';
import { createIdentities } from './identities.js';
import { loginStates } from './login-states.js';
import { resolveHarnessProviders } from './providers.js';
import { createScope } from './scope.js';
import { serverUnderTest } from './server.js';

export { CONNECT_STATES, LOGIN_STATES, SMS_CODE_REQUEST } from './states.js';
export {
  HARNESS_PERSONAS,
  startHarnessProviders,
  writeHarnessWorld,
  type HarnessProviders,
  type StartHarnessProvidersOptions,
} from './providers.js';
export {
  CONTRACT_CONNECT_QQ_CLIENT_ID,
  CONTRACT_CONNECT_WECHAT_APPID,
  CONTRACT_CREDENTIALS,
  CONTRACT_GAME_API_KEY,
  CONTRACT_LOGIN,
} from './world.js';

/** `idmock verify --target auth-server`. */
export const AUTH_SERVER_TARGET: ContractTarget = {
  name: 'auth-server',
  description: TARGET_DESCRIPTIONS['auth-server'],
  provider: CONTRACT_PARTIES.authServer,
  contracts: [
    contractFileName(CONTRACT_PARTIES.sdk, CONTRACT_PARTIES.authServer),
    contractFileName(CONTRACT_PARTIES.loginClient, CONTRACT_PARTIES.authServer),
  ],
  stateChangeUrlUse: 'fallback',
  requiresMockEndpoints: false,
  async prepare(context) {
    const server = serverUnderTest(context);
    const reported = context.providers === undefined ? await server.reportedProviders() : undefined;
    const providers = await resolveHarnessProviders(reported ?? context.providers);
    if (reported) {
      context.note?.(
        `[idmock] using the WeChat mock at ${providers.wechatUrl} and the QQ mock at ${providers.qqUrl} that ${context.baseUrl} calls (GET /__mock/credentials)\n`,
      );
    } else if (providers.started) {
      context.note?.(
        `[idmock] started the WeChat mock at ${providers.wechatUrl} and the QQ mock at ${providers.qqUrl} for the server under test to call\n`,
      );
    }
    try {
      const identities = createIdentities(providers, {
        timeoutMs: context.timeoutMs,
        ...(context.adminToken === undefined ? {} : { adminToken: context.adminToken }),
      });
      // An idmock-compatible server starts from its seeded world and returns to it after every
      // interaction, so a few personas serve a whole run and repeated runs meet no user twice.
      // Any other server gets a new user for every label of every interaction instead.
      await server.reset();
      const scope = createScope(identities, async () => {
        if (context.mockEndpoints !== true) return;
        await server.reset();
        identities.restart();
      });
      return {
        states: {
          ...connectStates(server, identities, scope),
          ...loginStates(server, identities, scope),
        },
        close: () => providers.close(),
      };
    } catch (error) {
      await providers.close();
      throw error;
    }
  },
};
