/**
 * Consumer contract: the reference login client (consumer `idmock-login-client`) -> the auth
 * server's WeChat QR login API (provider `idmock-auth-server`). Writes
 * `contracts/idmock-login-client-idmock-auth-server.json`.
 *
 * Every test drives the real client of `src/sdk/` against Pact's mock server. The interactions pin
 * the seed's flow (`auth-server.md` §5): a registered WeChat user logs in with the QR code; an
 * unregistered one gets a 401 carrying a fresh `unionCode` in `errors[0].meta`, and registers by
 * sending it with a phone number and SMS code. Then the 4xx catalogue, in the seed's envelope
 * `{code, title, detail, errors: [{code, title, detail, source, meta?}]}`:
 *
 * - titles and `source` are exact: they are the contract;
 * - the outer `401906` and the inner `401102` are exact (the seed gives them); every other number
 *   is the reference server's placeholder, so only its type is pinned;
 * - `detail` is human text, pinned by type; tokens, unionCodes and ids vary and are pinned by shape.
 *
 * Provider states use labels (`WeChat user {user}`, `phone number {phone}`) for fresh identities the
 * harness sets up through the public API (QR login, SMS, registration) and the WeChat mock; codes,
 * unionCodes, phone numbers and tokens reach the requests with `fromProviderState`.
 */
import '../support/pact-env.js';
import { MatchersV3, PactV4 } from '@pact-foundation/pact';
import { describe, expect, it } from 'vitest';
import { CONTRACT_PARTIES } from '../../../src/contract/contracts.js';
import { LOGIN_STATES } from '../../../src/contract/auth-server/states.js';
import { CONTRACT_LOGIN } from '../../../src/contract/auth-server/world.js';
import { createLoginClient, unionPairOf, type LoginClient } from '../../../src/sdk/index.js';
import { contractOutput } from '../support/contract-file.js';
import { settled } from '../support/mock-server-settled.js';

const { fromProviderState, integer, regex, string } = MatchersV3;

const pact = new PactV4({
  consumer: CONTRACT_PARTIES.loginClient,
  provider: CONTRACT_PARTIES.authServer,
  dir: contractOutput(CONTRACT_PARTIES.loginClient, CONTRACT_PARTIES.authServer),
  logLevel: 'warn',
});

const APP = CONTRACT_LOGIN.wechat;
const USER_X = { user: 'X', appid: APP.appid };

// Example values, in the formats the reference server and WeChat use.
const EXAMPLE = {
  code: '071P9jx62sdEZR07rMv62IMix62P9jxk',
  token: 'q8Jf2kLmN4pR6sT8vX0zB2dF4hJ6kM8nP0rT2vX4z6A',
  unionId: 'oqYychvJYmctYo29R5MPvIMDyERe',
  unionCode: 'u7Kp2Qx9Lm4Rt6Vw8Yz0Ab2Cd4Ef6Gh8',
  tn: '13912345678',
  smsCode: '482915',
  wrongSmsCode: '482916',
  accountId: '6a1d0b0000000000000000f1',
} as const;

const NEVER_ISSUED_CODE = '011NeverIssuedNeverIssued0000000';
const NEVER_ISSUED_UNION_CODE = 'NeverIssuedNeverIssuedNeverIssu0';
const PRESENT = '^\\S+$';

/** The client with the API key the contract requires. */
function client(url: string, apiKey: string | null = CONTRACT_LOGIN.apiKey): LoginClient {
  return createLoginClient({ baseUrl: url, ...(apiKey === null ? {} : { apiKey }) });
}

const withApiKey = { 'Api-Key': CONTRACT_LOGIN.apiKey, 'Content-Type': 'application/json' };

const TOKEN_BODY = {
  token: regex(PRESENT, EXAMPLE.token),
  tokenType: 'Bearer',
  expiresIn: integer(3600),
};

/** An inner error: title and source exact, the number exact only when the seed gives it. */
function inner(
  title: string,
  source: string,
  options: { code?: number; meta?: object } = {},
): object {
  return {
    code: options.code ?? integer(400801),
    title,
    detail: string('Login failed'),
    source,
    ...(options.meta === undefined ? {} : { meta: options.meta }),
  };
}

/** The seed's 401: `401906 GENERIC_UNAUTHORIZED` around one inner error. */
function unauthorized(error: object): object {
  return {
    code: 401906,
    title: 'GENERIC_UNAUTHORIZED',
    detail: string('Login failed'),
    errors: [error],
  };
}

/** A 400 or 409 envelope: the title exact, its placeholder number by type. */
function outer(title: string, error: object): object {
  return {
    code: integer(400800),
    title,
    detail: string('The request is invalid'),
    errors: [error],
  };
}

function expectToken(result: Awaited<ReturnType<LoginClient['loginWithSms']>>): void {
  expect(result).toEqual({
    ok: true,
    status: 200,
    body: { token: EXAMPLE.token, tokenType: 'Bearer', expiresIn: 3600 },
  });
}

describe('POST /v1/auth/login, form (a): the WeChat QR code', () => {
  const codeBody = <T>(code: T) => ({ appId: APP.appid, secret: APP.secret, code });

  it('answers a registered WeChat user with a bearer token', async () => {
    await pact
      .addInteraction()
      .given(LOGIN_STATES.registeredCode, USER_X)
      .uponReceiving('a QR login of a registered WeChat user')
      .withRequest('POST', '/v1/auth/login', (request) =>
        request.headers(withApiKey).jsonBody(codeBody(fromProviderState('${code}', EXAMPLE.code))),
      )
      .willRespondWith(200, (response) => response.jsonBody(TOKEN_BODY))
      .executeTest(
        settled(async (mock) => {
          expectToken(await client(mock.url).loginWithWechatCode(codeBody(EXAMPLE.code)));
        }),
      );
  });

  it('answers an unregistered WeChat user with 401 401102 and a unionCode in meta', async () => {
    await pact
      .addInteraction()
      .given(LOGIN_STATES.unregisteredCode, USER_X)
      .uponReceiving('a QR login of an unregistered WeChat user')
      .withRequest('POST', '/v1/auth/login', (request) =>
        request.headers(withApiKey).jsonBody(codeBody(fromProviderState('${code}', EXAMPLE.code))),
      )
      .willRespondWith(401, (response) =>
        response.jsonBody(
          unauthorized(
            inner('INVALID_USERNAME_OR_PASSWORD', 'unionId', {
              code: 401102,
              meta: {
                unionCode: regex(PRESENT, EXAMPLE.unionCode),
                unionId: regex(PRESENT, EXAMPLE.unionId),
              },
            }),
          ),
        ),
      )
      .executeTest(
        settled(async (mock) => {
          const result = await client(mock.url).loginWithWechatCode(codeBody(EXAMPLE.code));
          expect(result.status).toBe(401);
          expect(unionPairOf(result)).toEqual({
            unionId: EXAMPLE.unionId,
            unionCode: EXAMPLE.unionCode,
          });
        }),
      );
  });

  it.each([
    {
      it: 'refuses a code WeChat never issued with INVALID_AUTH_CODE',
      description: 'a QR login with a code WeChat never issued',
      state: undefined,
      code: NEVER_ISSUED_CODE,
    },
    {
      it: 'refuses a code WeChat already exchanged with INVALID_AUTH_CODE',
      description: 'a QR login with a code already exchanged',
      state: LOGIN_STATES.exchangedCode,
      code: fromProviderState('${code}', EXAMPLE.code),
    },
  ])('$it', async ({ description, state, code }) => {
    const interaction =
      state === undefined ? pact.addInteraction() : pact.addInteraction().given(state, USER_X);
    await interaction
      .uponReceiving(description)
      .withRequest('POST', '/v1/auth/login', (request) =>
        request.headers(withApiKey).jsonBody(codeBody(code)),
      )
      .willRespondWith(401, (response) =>
        response.jsonBody(unauthorized(inner('INVALID_AUTH_CODE', 'code'))),
      )
      .executeTest(
        settled(async (mock) => {
          const plain = typeof code === 'string' ? code : EXAMPLE.code;
          const result = await client(mock.url).loginWithWechatCode(codeBody(plain));
          expect(result.ok).toBe(false);
          expect(result.ok ? undefined : result.body.errors[0]?.title).toBe('INVALID_AUTH_CODE');
        }),
      );
  });

  it('refuses a wrong app secret with INVALID_APP_CREDENTIALS', async () => {
    const body = { appId: APP.appid, secret: 'not-the-app-secret', code: NEVER_ISSUED_CODE };
    await pact
      .addInteraction()
      .uponReceiving('a QR login with a wrong app secret')
      .withRequest('POST', '/v1/auth/login', (request) =>
        request.headers(withApiKey).jsonBody(body),
      )
      .willRespondWith(401, (response) =>
        response.jsonBody(unauthorized(inner('INVALID_APP_CREDENTIALS', 'appId'))),
      )
      .executeTest(
        settled(async (mock) => {
          const result = await client(mock.url).loginWithWechatCode(body);
          expect(result.ok ? undefined : result.body.errors[0]?.source).toBe('appId');
        }),
      );
  });

  it.each([
    { it: 'refuses a login without an Api-Key', description: 'a login without an Api-Key' },
    {
      it: 'refuses a login with an unknown Api-Key',
      description: 'a login with an unknown Api-Key',
      apiKey: 'idmock-nobody-0000000000000000',
    },
  ])('$it with INVALID_API_KEY', async ({ description, apiKey }) => {
    const body = { appId: APP.appid, secret: APP.secret, code: NEVER_ISSUED_CODE };
    await pact
      .addInteraction()
      .uponReceiving(description)
      .withRequest('POST', '/v1/auth/login', (request) =>
        request
          .headers({
            'Content-Type': 'application/json',
            ...(apiKey === undefined ? {} : { 'Api-Key': apiKey }),
          })
          .jsonBody(body),
      )
      .willRespondWith(401, (response) =>
        response.jsonBody(unauthorized(inner('INVALID_API_KEY', 'Api-Key'))),
      )
      .executeTest(
        settled(async (mock) => {
          const result = await client(mock.url, apiKey ?? null).loginWithWechatCode(body);
          expect(result.ok ? undefined : result.body.errors[0]?.title).toBe('INVALID_API_KEY');
        }),
      );
  });

  it('reports a missing code as 400 VALIDATION_ERROR, REQUIRED', async () => {
    await pact
      .addInteraction()
      .uponReceiving('a QR login with no code')
      .withRequest('POST', '/v1/auth/login', (request) =>
        request.headers(withApiKey).jsonBody({ appId: APP.appid, secret: APP.secret, code: '' }),
      )
      .willRespondWith(400, (response) =>
        response.jsonBody(outer('VALIDATION_ERROR', inner('REQUIRED', 'code'))),
      )
      .executeTest(
        settled(async (mock) => {
          const result = await client(mock.url).loginWithWechatCode({
            appId: APP.appid,
            secret: APP.secret,
            code: '',
          });
          expect(result.status).toBe(400);
        }),
      );
  });
});

describe('POST /v1/auth/login, forms (b) and (c): phone number and SMS code', () => {
  const sms = {
    tn: fromProviderState('${tn}', EXAMPLE.tn),
    code: fromProviderState('${smsCode}', EXAMPLE.smsCode),
  };
  const union = {
    unionId: fromProviderState('${unionId}', EXAMPLE.unionId),
    unionCode: fromProviderState('${unionCode}', EXAMPLE.unionCode),
  };
  const registration = {
    tn: EXAMPLE.tn,
    code: EXAMPLE.smsCode,
    union: { unionId: EXAMPLE.unionId, unionCode: EXAMPLE.unionCode },
  };

  it('registers an unregistered WeChat user with their unionCode and an SMS code', async () => {
    await pact
      .addInteraction()
      .given(LOGIN_STATES.unionCode, { user: 'X' })
      .given(LOGIN_STATES.smsSent, { phone: 'T' })
      .uponReceiving('a registration by SMS code with a unionCode')
      .withRequest('POST', '/v1/auth/login', (request) =>
        request.headers(withApiKey).jsonBody({ ...sms, ...union }),
      )
      .willRespondWith(200, (response) => response.jsonBody(TOKEN_BODY))
      .executeTest(
        settled(async (mock) => {
          expectToken(await client(mock.url).loginWithSms(registration));
        }),
      );
  });

  it('logs a new phone number in with its SMS code', async () => {
    await pact
      .addInteraction()
      .given(LOGIN_STATES.smsSent, { phone: 'T' })
      .uponReceiving('an SMS login of a new phone number')
      .withRequest('POST', '/v1/auth/login', (request) => request.headers(withApiKey).jsonBody(sms))
      .willRespondWith(200, (response) => response.jsonBody(TOKEN_BODY))
      .executeTest(
        settled(async (mock) => {
          expectToken(
            await client(mock.url).loginWithSms({ tn: EXAMPLE.tn, code: EXAMPLE.smsCode }),
          );
        }),
      );
  });

  it('refuses a wrong SMS code with INVALID_USERNAME_OR_PASSWORD on code', async () => {
    await pact
      .addInteraction()
      .given(LOGIN_STATES.smsSent, { phone: 'T' })
      .uponReceiving('an SMS login with a wrong code')
      .withRequest('POST', '/v1/auth/login', (request) =>
        request
          .headers(withApiKey)
          .jsonBody({ ...sms, code: fromProviderState('${wrongSmsCode}', EXAMPLE.wrongSmsCode) }),
      )
      .willRespondWith(401, (response) =>
        response.jsonBody(
          unauthorized(inner('INVALID_USERNAME_OR_PASSWORD', 'code', { code: 401102 })),
        ),
      )
      .executeTest(
        settled(async (mock) => {
          const result = await client(mock.url).loginWithSms({
            tn: EXAMPLE.tn,
            code: EXAMPLE.wrongSmsCode,
          });
          expect(result.status).toBe(401);
          expect(unionPairOf(result)).toBeUndefined();
        }),
      );
  });

  it.each([
    {
      it: 'refuses a unionCode that already registered someone',
      description: 'a registration with a unionCode already used',
      state: LOGIN_STATES.usedUnionCode,
      unionCode: union.unionCode,
    },
    {
      it: 'refuses a unionCode the server never issued',
      description: 'a registration with a unionCode never issued',
      state: LOGIN_STATES.unionCode,
      unionCode: NEVER_ISSUED_UNION_CODE,
    },
  ])('$it with INVALID_UNION_CODE', async ({ description, state, unionCode }) => {
    await pact
      .addInteraction()
      .given(state, { user: 'X' })
      .given(LOGIN_STATES.smsSent, { phone: 'T' })
      .uponReceiving(description)
      .withRequest('POST', '/v1/auth/login', (request) =>
        request.headers(withApiKey).jsonBody({ ...sms, unionId: union.unionId, unionCode }),
      )
      .willRespondWith(401, (response) =>
        response.jsonBody(unauthorized(inner('INVALID_UNION_CODE', 'unionCode'))),
      )
      .executeTest(
        settled(async (mock) => {
          const plain = typeof unionCode === 'string' ? unionCode : EXAMPLE.unionCode;
          const result = await client(mock.url).loginWithSms({
            ...registration,
            union: { unionId: EXAMPLE.unionId, unionCode: plain },
          });
          expect(result.ok ? undefined : result.body.errors[0]?.title).toBe('INVALID_UNION_CODE');
        }),
      );
  });

  it('refuses to bind a phone already bound to another WeChat user, 409 ACCOUNT_ALREADY_LINKED', async () => {
    await pact
      .addInteraction()
      .given(LOGIN_STATES.unionCode, { user: 'X' })
      .given(LOGIN_STATES.phoneTaken, { phone: 'T' })
      .uponReceiving('a registration of a phone bound to another WeChat user')
      .withRequest('POST', '/v1/auth/login', (request) =>
        request.headers(withApiKey).jsonBody({ ...sms, ...union }),
      )
      .willRespondWith(409, (response) =>
        response.jsonBody(outer('CONFLICT', inner('ACCOUNT_ALREADY_LINKED', 'tn'))),
      )
      .executeTest(
        settled(async (mock) => {
          const result = await client(mock.url).loginWithSms(registration);
          expect(result.status).toBe(409);
        }),
      );
  });

  it('reports a unionId without its unionCode as 400 VALIDATION_ERROR, REQUIRED', async () => {
    const body = { tn: EXAMPLE.tn, code: EXAMPLE.smsCode, unionId: EXAMPLE.unionId };
    await pact
      .addInteraction()
      .uponReceiving('a registration with a unionId but no unionCode')
      .withRequest('POST', '/v1/auth/login', (request) =>
        request.headers(withApiKey).jsonBody({ ...body, unionCode: '' }),
      )
      .willRespondWith(400, (response) =>
        response.jsonBody(outer('VALIDATION_ERROR', inner('REQUIRED', 'unionCode'))),
      )
      .executeTest(
        settled(async (mock) => {
          const result = await client(mock.url).loginWithSms({
            tn: EXAMPLE.tn,
            code: EXAMPLE.smsCode,
            union: { unionId: EXAMPLE.unionId, unionCode: '' },
          });
          expect(result.ok ? undefined : result.body.errors[0]?.source).toBe('unionCode');
        }),
      );
  });
});

describe('POST /v1/auth/sms', () => {
  it('sends a code to a phone number, 202', async () => {
    const tn = '13812345678';
    await pact
      .addInteraction()
      .uponReceiving('a request for an SMS code')
      .withRequest('POST', '/v1/auth/sms', (request) =>
        request.headers(withApiKey).jsonBody({ tn }),
      )
      .willRespondWith(202, (response) => response.jsonBody({ tn, expiresIn: integer(300) }))
      .executeTest(
        settled(async (mock) => {
          expect(await client(mock.url).sendSms(tn)).toEqual({
            ok: true,
            status: 202,
            body: { tn, expiresIn: 300 },
          });
        }),
      );
  });
});

describe('GET /v1/me', () => {
  it('answers the account of a bearer token, with its bound unionId', async () => {
    await pact
      .addInteraction()
      .given(LOGIN_STATES.signedIn, { user: 'X' })
      .uponReceiving('the account of a bearer token')
      .withRequest('GET', '/v1/me', (request) =>
        request.headers({
          Authorization: fromProviderState('Bearer ${token}', `Bearer ${EXAMPLE.token}`),
        }),
      )
      .willRespondWith(200, (response) =>
        response.jsonBody({
          id: regex(PRESENT, EXAMPLE.accountId),
          tn: regex('^\\+?[0-9]{5,20}$', EXAMPLE.tn),
          displayName: string('张伟'),
          unionId: regex(PRESENT, EXAMPLE.unionId),
          createdAt: regex(
            '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$',
            '2024-05-01T08:00:00.000Z',
          ),
        }),
      )
      .executeTest(
        settled(async (mock) => {
          const result = await client(mock.url).me(EXAMPLE.token);
          expect(result.ok ? result.body.unionId : undefined).toBe(EXAMPLE.unionId);
        }),
      );
  });

  it('refuses an unknown bearer token with 401 INVALID_TOKEN', async () => {
    await pact
      .addInteraction()
      .uponReceiving('the account of an unknown bearer token')
      .withRequest('GET', '/v1/me', (request) =>
        request.headers({ Authorization: 'Bearer not-a-token-the-server-issued' }),
      )
      .willRespondWith(401, (response) =>
        response.jsonBody(unauthorized(inner('INVALID_TOKEN', 'Authorization'))),
      )
      .executeTest(
        settled(async (mock) => {
          const result = await client(mock.url).me('not-a-token-the-server-issued');
          expect(result.ok ? undefined : result.body.errors[0]?.title).toBe('INVALID_TOKEN');
        }),
      );
  });
});
