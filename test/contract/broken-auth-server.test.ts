/**
 * Contract strength, shown rather than assumed: the auth-server contracts must fail against
 * servers that are wrong in the ways a client notices. Each variant puts a proxy in front of the
 * reference server that breaks one thing (an error key, a JSON type, a switch made despite
 * `errorOnSwitch`, a status, a unionCode accepted twice, COPPA decided by asking the provider…),
 * runs `verifyTarget` (what `idmock verify --target auth-server` runs) against it, and expects the
 * interaction that pins that behaviour to fail with a report naming the defect.
 *
 * One reference server serves every variant (the harness resets it through the proxy, which passes
 * `/__mock/` untouched), and the variants of one contract run against that contract's file only.
 */
import './support/pact-env.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACT_CREDENTIALS } from '../../src/contract/auth-server/world.js';
import { CONTRACT_PARTIES, contractFileName, contractPath } from '../../src/contract/contracts.js';
import { verifyTarget } from '../../src/contract/verify.js';
import { startIdmock, type RunningIdmock } from '../../src/runtime/start.js';
import { startAuthProxy, type Breakage } from './support/auth-proxy.js';

interface Variant {
  /** What is broken. */
  readonly defect: string;
  readonly breakage: Breakage;
  /** An interaction that must fail. */
  readonly fails: string;
  /** Text its problems must contain: the defect, named. */
  readonly message: string;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isConnect = (path: string): boolean => path.startsWith('/rs/');
const isLogin = (path: string): boolean => path.startsWith('/v1/auth/login');
const errorOf = (body: unknown): Json | undefined =>
  isObject(body) && isObject(body['error']) ? body['error'] : undefined;
const innerErrors = (body: unknown): Json[] =>
  isObject(body) && Array.isArray(body['errors']) ? (body['errors'] as Json[]) : [];

const CONNECT_VARIANTS: readonly Variant[] = [
  {
    defect: 'renames the accessToken key of the error map',
    breakage: {
      response(request, answer) {
        const error = errorOf(answer.body);
        if (!isConnect(request.path) || error?.['accessToken'] === undefined) return;
        error['access_token'] = error['accessToken'];
        delete error['accessToken'];
      },
    },
    fails:
      'a WeChat connect from a caller with another WeChat profile and an unknown profile (row 5)',
    message: 'body $.error: missing key "accessToken" (it has access_token)',
  },
  {
    defect: 'leaves switchSummary out of SWITCH_PREVENTED',
    breakage: {
      response(_request, answer) {
        if (isObject(answer.body)) delete answer.body['switchSummary'];
      },
    },
    fails:
      'a WeChat connect with errorOnSwitch from a caller with no WeChat profile with a profile linked to another player (row 7)',
    message: 'body $: missing key "switchSummary"',
  },
  {
    defect: 'sends newPlayer as a string',
    breakage: {
      response(request, answer) {
        if (isConnect(request.path) && isObject(answer.body) && 'newPlayer' in answer.body) {
          answer.body['newPlayer'] = String(answer.body['newPlayer']);
        }
      },
    },
    fails: 'a device sign-in from a new device',
    message: 'body $.newPlayer: expected a boolean, got a string ("true")',
  },
  {
    defect: 'switches players despite errorOnSwitch',
    breakage: {
      async response(request, answer, upstream) {
        if (errorOf(answer.body)?.['authentication'] !== 'SWITCH_PREVENTED') return;
        const switched = await upstream({
          ...request,
          body: { ...(request.body as Json), errorOnSwitch: false },
        });
        Object.assign(answer, switched);
      },
    },
    fails:
      'a QQ connect with switchIfPossible and errorOnSwitch from a caller with another QQ profile with a profile linked to another player (row 8b)',
    message: 'body $: missing keys "error", "switchSummary"',
  },
  {
    defect: 'reports a login into an existing player as a new player',
    breakage: {
      response(request, answer) {
        if (
          request.path.endsWith('/WeChatConnectRequest') &&
          isObject(answer.body) &&
          typeof answer.body['authToken'] === 'string'
        ) {
          answer.body['newPlayer'] = true;
        }
      },
    },
    fails:
      'a WeChat connect with errorOnSwitch from an unauthenticated caller with a profile linked to a player (row 2)',
    message: 'body $.newPlayer: expected false, got true',
  },
  {
    defect: 'ignores doNotCreateNewPlayer',
    breakage: {
      request(request) {
        if (isConnect(request.path) && isObject(request.body)) {
          delete request.body['doNotCreateNewPlayer'];
        }
      },
    },
    fails:
      'a WeChat connect with doNotCreateNewPlayer from an unauthenticated caller with an unknown profile (row 1)',
    message: 'body $: missing key "error"',
  },
  {
    defect: 'answers with a wrong @class',
    breakage: {
      response(request, answer) {
        if (isConnect(request.path) && isObject(answer.body)) {
          answer.body['@class'] = '.AuthResponse';
        }
      },
    },
    fails: 'a sign-in with a wrong password',
    message: `expected ".AuthenticationResponse", got ".AuthResponse"`,
  },
  {
    defect: 'does not echo the requestId',
    breakage: {
      response(request, answer) {
        if (isConnect(request.path) && isObject(answer.body)) delete answer.body['requestId'];
      },
    },
    fails: 'a WeChat connect from an unauthenticated caller with an unknown profile (row 1)',
    message: 'body $: missing key "requestId"',
  },
  {
    defect: 'reports REQUIRED for only the first missing field',
    breakage: {
      response(_request, answer) {
        const error = errorOf(answer.body);
        if (!error || !isObject(answer.body)) return;
        const required = Object.keys(error).filter((key) => error[key] === 'REQUIRED');
        for (const key of required.slice(1)) Reflect.deleteProperty(error, key);
      },
    },
    fails: 'a WeChat connect with no accessToken and openId',
    message: 'body $.error: missing key "openId" (it has accessToken)',
  },
  {
    defect: 'asks the provider before refusing a COPPA-compliant credential',
    breakage: {
      request(request) {
        const { kids, device } = CONTRACT_CREDENTIALS;
        request.path = request.path.replace(
          `/rs/${kids.name}/${kids.secret}/`,
          `/rs/${device.name}/${device.secret}/`,
        );
      },
    },
    fails: 'a QQ connect on a COPPA-compliant credential',
    message: 'body $.error: missing key "authentication" (it has accessToken)',
  },
];

const LOGIN_VARIANTS: readonly Variant[] = [
  {
    defect: "answers 200 where the seed's unbound login answers 401",
    breakage: {
      response(request, answer) {
        if (isLogin(request.path) && innerErrors(answer.body)[0]?.['source'] === 'unionId') {
          answer.status = 200;
        }
      },
    },
    fails: 'a QR login of an unregistered WeChat user',
    message: 'status: expected 401, got 200',
  },
  {
    defect: 'leaves unionCode out of the 401 meta',
    breakage: {
      response(_request, answer) {
        for (const error of innerErrors(answer.body)) {
          if (isObject(error['meta'])) delete error['meta']['unionCode'];
        }
      },
    },
    fails: 'a QR login of an unregistered WeChat user',
    message: 'body $.errors[0].meta: missing key "unionCode" (it has unionId)',
  },
  {
    defect: 'accepts a unionCode twice',
    breakage: (() => {
      const used = new Set<string>();
      const unionCodeOf = (body: unknown): string | undefined =>
        isObject(body) && typeof body['unionCode'] === 'string' ? body['unionCode'] : undefined;
      return {
        response(request, answer) {
          const unionCode = unionCodeOf(request.body);
          if (!isLogin(request.path) || unionCode === undefined) return;
          if (answer.status === 200) used.add(unionCode);
          else if (used.has(unionCode)) {
            answer.status = 200;
            answer.body = { token: 'accepted-twice', tokenType: 'Bearer', expiresIn: 3600 };
          }
        },
      };
    })(),
    fails: 'a registration with a unionCode already used',
    message: 'status: expected 401, got 200',
  },
  {
    defect: 'answers 401s with another outer envelope code',
    breakage: {
      response(_request, answer) {
        if (isObject(answer.body) && answer.body['code'] === 401906) answer.body['code'] = 401000;
      },
    },
    fails: 'a QR login with a wrong app secret',
    message: 'body $.code: expected 401906, got 401000',
  },
  {
    defect: 'spells the token type in lower case',
    breakage: {
      response(_request, answer) {
        if (isObject(answer.body) && answer.body['tokenType'] === 'Bearer') {
          answer.body['tokenType'] = 'bearer';
        }
      },
    },
    fails: 'a QR login of a registered WeChat user',
    message: 'body $.tokenType: expected "Bearer", got "bearer"',
  },
  {
    defect: 'answers an SMS request with 200 instead of 202',
    breakage: {
      response(request, answer) {
        if (request.path === '/v1/auth/sms' && answer.status === 202) answer.status = 200;
      },
    },
    fails: 'a request for an SMS code',
    message: 'status: expected 202, got 200',
  },
];

describe.each([
  {
    api: 'connect API',
    contract: contractFileName(CONTRACT_PARTIES.sdk, CONTRACT_PARTIES.authServer),
    variants: CONNECT_VARIANTS,
  },
  {
    api: 'login API',
    contract: contractFileName(CONTRACT_PARTIES.loginClient, CONTRACT_PARTIES.authServer),
    variants: LOGIN_VARIANTS,
  },
])('idmock verify --target auth-server against broken servers: $api', ({ contract, variants }) => {
  let idmock: RunningIdmock;
  const verify = (baseUrl: string) =>
    verifyTarget({
      target: 'auth-server',
      baseUrl,
      pactFiles: [contractPath(contract)],
      print: () => undefined,
    });

  beforeAll(async () => {
    idmock = await startIdmock();
  });

  afterAll(async () => {
    await idmock.stop();
  });

  it('passes against the unbroken server, through a proxy that breaks nothing', async () => {
    const proxy = await startAuthProxy(idmock.urls.auth ?? '', {});
    try {
      const result = await verify(proxy.url);
      expect(result.failures, result.report).toEqual([]);
      expect(result.passed).toBe(true);
    } finally {
      await proxy.close();
    }
  }, 120_000);

  it.each(variants)(
    'fails a server that $defect',
    async ({ breakage, fails, message }) => {
      const proxy = await startAuthProxy(idmock.urls.auth ?? '', breakage);
      try {
        const result = await verify(proxy.url);
        expect(result.passed).toBe(false);
        const failure = result.failures.find((f) => f.description === fails);
        expect(failure, `"${fails}" should fail:\n${result.report}`).toBeDefined();
        expect(failure?.problems.join('\n'), result.report).toContain(message);
        expect(result.report).toContain(`✗ ${fails}`);
      } finally {
        await proxy.close();
      }
    },
    120_000,
  );
});
