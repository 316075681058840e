/**
 * Consumer contract: the reference SDK (consumer `idmock-sdk`) -> the auth server's connect API
 * (provider `idmock-auth-server`) over REST. Writes `contracts/idmock-sdk-idmock-auth-server.json`.
 *
 * Every test drives the real REST client of `src/sdk/` against Pact's mock server, so each
 * interaction is a request the SDK really sends and a response it really reads. Together they pin
 * the GameSparks envelope (`auth-server.md` §1) and every row of the decision table (§3) that a
 * client can tell apart:
 *
 * - `@class`, the keys and values of the `error` map, and `newPlayer` are exact: they are what a
 *   client branches on (`newPlayer: true` is how it knows a player was created, rows 1 and 4);
 * - `requestId` is echoed exactly: the verifier sends the example id, so the response must carry
 *   that same value back;
 * - tokens, ids and names vary and are matched by shape only;
 * - `switchSummary` comes only with `SWITCH_PREVENTED`, with its `Player` fields and types.
 *
 * Provider states are named with labels (`player {player}`: P0 is the caller, P1 a profile's
 * owner; `WeChat user {user}`: X is the profile in the request, Y the caller's other profile).
 * Every label is a fresh identity, set up through the server's public API and the WeChat/QQ mocks
 * the harness controls, so the states hold on any implementation. The tokens and ids those set-ups
 * create reach the requests as provider-state injected values (`fromProviderState`); the values
 * below are examples for this test only.
 *
 * Credentials, secrets and app ids are fixed in the requests; `contracts/README.md` lists what an
 * implementation must accept.
 */
import '../support/pact-env.js';
import { MatchersV3, PactV4 } from '@pact-foundation/pact';
import { describe, expect, it } from 'vitest';
import { CONTRACT_PARTIES } from '../../../src/contract/contracts.js';
import { CONNECT_STATES } from '../../../src/contract/auth-server/states.js';
import {
  CONTRACT_CONNECT_QQ_CLIENT_ID,
  CONTRACT_CONNECT_WECHAT_APPID,
  CONTRACT_CREDENTIALS,
} from '../../../src/contract/auth-server/world.js';
import {
  createConnectClient,
  type AuthenticationResponse,
  type ConnectClient,
} from '../../../src/sdk/index.js';
import { contractOutput } from '../support/contract-file.js';
import { settled } from '../support/mock-server-settled.js';

const { boolean, fromProviderState, like, regex, string } = MatchersV3;

const pact = new PactV4({
  consumer: CONTRACT_PARTIES.sdk,
  provider: CONTRACT_PARTIES.authServer,
  dir: contractOutput(CONTRACT_PARTIES.sdk, CONTRACT_PARTIES.authServer),
  logLevel: 'warn',
});

// Example values, in the formats the real systems use.
const EXAMPLE = {
  wechatToken:
    '86_gsjgowyUS61Zh2gaI2KGecCVzFbbxeAoj9b7PKmKXMEaCI8aEYLbNwjNT1DzkV0tbIp9zXslHNy_RoUe76KCUHDyUPVl9l',
  wechatOpenId: 'o2cuG60rc3BOAk5lb0ZdjdIc9Le-',
  qqToken: 'A7D3C1B2E4F5061728394A5B6C7D8E9F',
  qqOpenId: '18FB0CBA9E5F3B1D2C4A6E8F0A1B2C3D',
  callerToken: 'c450ed6c-3c1d-4f3e-9b2a-1e5f7a9c0d11',
  issuedToken: '7b1e3f9a-55c2-4d0e-8a61-2f9c4b7d0e33',
  callerId: '5f1d0a0000000000000000a0',
  ownerId: '5f1d0a0000000000000000b1',
  newPlayerId: '5f1d0a0000000000000000c2',
  deviceId: 'contract-device-0001',
  userName: 'contract-user-0001',
  password: 'contract-password-0001',
} as const;

/** A WeChat token the mock never issued, and an openId to go with it (fixed, not injected). */
const NEVER_ISSUED_WECHAT_TOKEN = '86_NeverIssuedNeverIssuedNeverIssuedNeverIssued';
const NEVER_ISSUED_QQ_TOKEN = '00000000000000000000000000000000';

const WECHAT_APP = { appid: CONTRACT_CONNECT_WECHAT_APPID };
const QQ_APP = { clientId: CONTRACT_CONNECT_QQ_CLIENT_ID };

/** Any requestId the SDK makes: a non-empty string of at most 256 characters. */
const REQUEST_ID = '^[^\\s]{1,256}$';
/** A value that varies but is never empty. */
const PRESENT = '^\\S+$';

function restPath(
  request: string,
  credential: { readonly name: string; readonly secret: string } = CONTRACT_CREDENTIALS.device,
): string {
  return `/rs/${credential.name}/${credential.secret}/${request}`;
}

/** The SDK, pointed at Pact's mock server, sending `requestId` (and acting for `authToken`). */
function sdk(
  url: string,
  requestId: string,
  options: { authToken?: string; credential?: { name: string; secret: string } } = {},
): ConnectClient {
  const credential = options.credential ?? CONTRACT_CREDENTIALS.device;
  return createConnectClient({
    baseUrl: url,
    credential: credential.name,
    secret: credential.secret,
    requestIds: () => requestId,
    ...(options.authToken === undefined ? {} : { authToken: options.authToken }),
  });
}

/** The caller's authToken in a request body: the token the state set up for player P0. */
const callerToken = { authToken: fromProviderState('${P0AuthToken}', EXAMPLE.callerToken) };

const wechatProfile = {
  accessToken: fromProviderState('${accessToken}', EXAMPLE.wechatToken),
  openId: fromProviderState('${openId}', EXAMPLE.wechatOpenId),
};
const qqProfile = { accessToken: fromProviderState('${accessToken}', EXAMPLE.qqToken) };

/** A request body: its class, fields, and the requestId the SDK made (matched by shape). */
function message(requestClass: string, fields: object, requestId: string): object {
  return { '@class': requestClass, ...fields, requestId: regex(REQUEST_ID, requestId) };
}

/** A success: a fresh authToken, `newPlayer` exact, the requestId echoed exactly. */
function success(
  requestId: string,
  newPlayer: boolean,
  options: { displayName?: unknown; responseClass?: string; userId?: string } = {},
): object {
  return {
    '@class': options.responseClass ?? '.AuthenticationResponse',
    authToken: regex(PRESENT, EXAMPLE.issuedToken),
    // Exact when the request named it; a provider nickname or stored name otherwise.
    displayName: options.displayName ?? string('张伟'),
    newPlayer,
    requestId,
    userId: regex(PRESENT, options.userId ?? (newPlayer ? EXAMPLE.newPlayerId : EXAMPLE.ownerId)),
  };
}

/** A failure: the `error` map exact, `newPlayer: false`, the requestId echoed exactly. */
function failure(
  requestId: string,
  error: Record<string, string>,
  options: { responseClass?: string; switchSummary?: object } = {},
): object {
  return {
    '@class': options.responseClass ?? '.AuthenticationResponse',
    error,
    newPlayer: false,
    requestId,
    ...(options.switchSummary === undefined ? {} : { switchSummary: options.switchSummary }),
  };
}

/** P1 as the `Player` type describes it, with the profile under its system id. */
function playerSummary(system: 'WC' | 'QQ', externalId: string): object {
  return {
    id: regex(PRESENT, EXAMPLE.ownerId),
    displayName: string('张伟'),
    externalIds: { [system]: regex(PRESENT, externalId) },
    achievements: like([]),
    virtualGoods: like([]),
    online: boolean(false),
    scriptData: like({}),
  };
}

function expectSuccess(response: AuthenticationResponse, newPlayer: boolean): void {
  expect(response.error).toBeUndefined();
  expect(response.newPlayer).toBe(newPlayer);
  expect(response.authToken).toBe(EXAMPLE.issuedToken);
}

describe('DeviceAuthenticationRequest', () => {
  it('creates a player for a device never seen, with the displayName given', async () => {
    const id = '1700000001000_1';
    await pact
      .addInteraction()
      .given(CONNECT_STATES.newDevice)
      .uponReceiving('a device sign-in from a new device')
      .withRequest('POST', restPath('DeviceAuthenticationRequest'), (request) =>
        request.jsonBody(
          message(
            '.DeviceAuthenticationRequest',
            {
              deviceId: fromProviderState('${deviceId}', EXAMPLE.deviceId),
              deviceOS: 'IOS',
              displayName: 'Contract Device',
            },
            id,
          ),
        ),
      )
      .willRespondWith(200, (response) =>
        response.jsonBody(success(id, true, { displayName: 'Contract Device' })),
      )
      .executeTest(
        settled(async (mock) => {
          const client = sdk(mock.url, id);
          const response = await client.deviceAuthentication({
            deviceId: EXAMPLE.deviceId,
            deviceOS: 'IOS',
            displayName: 'Contract Device',
          });
          expectSuccess(response, true);
          expect(response.error === undefined ? response.displayName : '').toBe('Contract Device');
          expect(client.authToken).toBe(EXAMPLE.issuedToken);
        }),
      );
  });

  it('signs in the player of a device seen before, as no new player', async () => {
    const id = '1700000001000_2';
    await pact
      .addInteraction()
      .given(CONNECT_STATES.deviceSignedIn, { player: 'P0' })
      .uponReceiving('a device sign-in from a known device')
      .withRequest('POST', restPath('DeviceAuthenticationRequest'), (request) =>
        request.jsonBody(
          message(
            '.DeviceAuthenticationRequest',
            {
              deviceId: fromProviderState('${P0DeviceId}', EXAMPLE.deviceId),
              deviceOS: 'ANDROID',
            },
            id,
          ),
        ),
      )
      .willRespondWith(200, (response) =>
        response.jsonBody(
          success(id, false, { displayName: string(''), userId: EXAMPLE.callerId }),
        ),
      )
      .executeTest(
        settled(async (mock) => {
          const response = await sdk(mock.url, id).deviceAuthentication({
            deviceId: EXAMPLE.deviceId,
            deviceOS: 'ANDROID',
          });
          expectSuccess(response, false);
          expect(response.userId).toBe(EXAMPLE.callerId);
        }),
      );
  });

  it('reports both missing fields at once as REQUIRED', async () => {
    const id = '1700000001000_3';
    await pact
      .addInteraction()
      .uponReceiving('a device sign-in with no deviceId or deviceOS')
      .withRequest('POST', restPath('DeviceAuthenticationRequest'), (request) =>
        request.jsonBody(message('.DeviceAuthenticationRequest', {}, id)),
      )
      .willRespondWith(200, (response) =>
        response.jsonBody(failure(id, { deviceId: 'REQUIRED', deviceOS: 'REQUIRED' })),
      )
      .executeTest(
        settled(async (mock) => {
          const client = sdk(mock.url, id);
          const response = await client.send('.DeviceAuthenticationRequest', {});
          expect(response.error).toEqual({ deviceId: 'REQUIRED', deviceOS: 'REQUIRED' });
          expect(client.authToken).toBeUndefined();
        }),
      );
  });

  it('names the accepted operating systems for an unknown deviceOS', async () => {
    const id = '1700000001000_4';
    await pact
      .addInteraction()
      .given(CONNECT_STATES.newDevice)
      .uponReceiving('a device sign-in from an unknown operating system')
      .withRequest('POST', restPath('DeviceAuthenticationRequest'), (request) =>
        request.jsonBody(
          message(
            '.DeviceAuthenticationRequest',
            { deviceId: fromProviderState('${deviceId}', EXAMPLE.deviceId), deviceOS: 'BEOS' },
            id,
          ),
        ),
      )
      .willRespondWith(200, (response) =>
        response.jsonBody(failure(id, { deviceOS: 'IOS|ANDROID|WP8' })),
      )
      .executeTest(
        settled(async (mock) => {
          const response = await sdk(mock.url, id).deviceAuthentication({
            deviceId: EXAMPLE.deviceId,
            deviceOS: 'BEOS',
          });
          expect(response.error).toEqual({ deviceOS: 'IOS|ANDROID|WP8' });
        }),
      );
  });
});

describe('RegistrationRequest', () => {
  it('creates a player for a new user name, answering .RegistrationResponse', async () => {
    const id = '1700000002000_1';
    await pact
      .addInteraction()
      .given(CONNECT_STATES.newUserName)
      .uponReceiving('a registration with a new user name')
      .withRequest('POST', restPath('RegistrationRequest'), (request) =>
        request.jsonBody(
          message(
            '.RegistrationRequest',
            {
              userName: fromProviderState('${userName}', EXAMPLE.userName),
              password: EXAMPLE.password,
              displayName: 'Contract Player',
            },
            id,
          ),
        ),
      )
      .willRespondWith(200, (response) =>
        response.jsonBody(
          success(id, true, {
            displayName: 'Contract Player',
            responseClass: '.RegistrationResponse',
          }),
        ),
      )
      .executeTest(
        settled(async (mock) => {
          const response = await sdk(mock.url, id).registration({
            userName: EXAMPLE.userName,
            password: EXAMPLE.password,
            displayName: 'Contract Player',
          });
          expectSuccess(response, true);
          expect(response['@class']).toBe('.RegistrationResponse');
        }),
      );
  });

  it('refuses a user name already taken with USERNAME: TAKEN', async () => {
    const id = '1700000002000_2';
    await pact
      .addInteraction()
      .given(CONNECT_STATES.registered, { player: 'P0' })
      .uponReceiving('a registration with a user name already taken')
      .withRequest('POST', restPath('RegistrationRequest'), (request) =>
        request.jsonBody(
          message(
            '.RegistrationRequest',
            {
              userName: fromProviderState('${P0UserName}', EXAMPLE.userName),
              password: 'another-password',
              displayName: 'Someone Else',
            },
            id,
          ),
        ),
      )
      .willRespondWith(200, (response) =>
        response.jsonBody(
          failure(id, { USERNAME: 'TAKEN' }, { responseClass: '.RegistrationResponse' }),
        ),
      )
      .executeTest(
        settled(async (mock) => {
          const response = await sdk(mock.url, id).registration({
            userName: EXAMPLE.userName,
            password: 'another-password',
            displayName: 'Someone Else',
          });
          expect(response.error).toEqual({ USERNAME: 'TAKEN' });
        }),
      );
  });

  it('reports every missing field as REQUIRED', async () => {
    const id = '1700000002000_3';
    await pact
      .addInteraction()
      .uponReceiving('a registration with no fields')
      .withRequest('POST', restPath('RegistrationRequest'), (request) =>
        request.jsonBody(message('.RegistrationRequest', {}, id)),
      )
      .willRespondWith(200, (response) =>
        response.jsonBody(
          failure(
            id,
            { userName: 'REQUIRED', password: 'REQUIRED', displayName: 'REQUIRED' },
            { responseClass: '.RegistrationResponse' },
          ),
        ),
      )
      .executeTest(
        settled(async (mock) => {
          const response = await sdk(mock.url, id).send('.RegistrationRequest', {});
          expect(response.error).toEqual({
            userName: 'REQUIRED',
            password: 'REQUIRED',
            displayName: 'REQUIRED',
          });
        }),
      );
  });
});

describe('AuthenticationRequest', () => {
  const signIn = (userName: unknown, password: unknown) => ({ userName, password });

  it('signs in with the right password, as no new player', async () => {
    const id = '1700000003000_1';
    await pact
      .addInteraction()
      .given(CONNECT_STATES.registered, { player: 'P0' })
      .uponReceiving('a sign-in with the right password')
      .withRequest('POST', restPath('AuthenticationRequest'), (request) =>
        request.jsonBody(
          message(
            '.AuthenticationRequest',
            signIn(
              fromProviderState('${P0UserName}', EXAMPLE.userName),
              fromProviderState('${P0Password}', EXAMPLE.password),
            ),
            id,
          ),
        ),
      )
      .willRespondWith(200, (response) =>
        response.jsonBody(success(id, false, { userId: EXAMPLE.callerId })),
      )
      .executeTest(
        settled(async (mock) => {
          const response = await sdk(mock.url, id).authentication({
            userName: EXAMPLE.userName,
            password: EXAMPLE.password,
          });
          expectSuccess(response, false);
        }),
      );
  });

  it('answers a wrong password with DETAILS: UNRECOGNISED', async () => {
    const id = '1700000003000_2';
    await pact
      .addInteraction()
      .given(CONNECT_STATES.registered, { player: 'P0' })
      .uponReceiving('a sign-in with a wrong password')
      .withRequest('POST', restPath('AuthenticationRequest'), (request) =>
        request.jsonBody(
          message(
            '.AuthenticationRequest',
            signIn(fromProviderState('${P0UserName}', EXAMPLE.userName), 'not-the-password'),
            id,
          ),
        ),
      )
      .willRespondWith(200, (response) =>
        response.jsonBody(failure(id, { DETAILS: 'UNRECOGNISED' })),
      )
      .executeTest(
        settled(async (mock) => {
          const response = await sdk(mock.url, id).authentication({
            userName: EXAMPLE.userName,
            password: 'not-the-password',
          });
          expect(response.error).toEqual({ DETAILS: 'UNRECOGNISED' });
        }),
      );
  });

  it('answers an unknown user name with DETAILS: UNRECOGNISED, as for a wrong password', async () => {
    const id = '1700000003000_3';
    await pact
      .addInteraction()
      .given(CONNECT_STATES.newUserName)
      .uponReceiving('a sign-in with an unknown user name')
      .withRequest('POST', restPath('AuthenticationRequest'), (request) =>
        request.jsonBody(
          message(
            '.AuthenticationRequest',
            signIn(fromProviderState('${userName}', EXAMPLE.userName), 'any-password'),
            id,
          ),
        ),
      )
      .willRespondWith(200, (response) =>
        response.jsonBody(failure(id, { DETAILS: 'UNRECOGNISED' })),
      )
      .executeTest(
        settled(async (mock) => {
          const response = await sdk(mock.url, id).authentication({
            userName: EXAMPLE.userName,
            password: 'any-password',
          });
          expect(response.error).toEqual({ DETAILS: 'UNRECOGNISED' });
        }),
      );
  });

  it('answers even the right password with DETAILS: LOCKED while locked out', async () => {
    const id = '1700000003000_4';
    await pact
      .addInteraction()
      .given(CONNECT_STATES.lockedOut, { player: 'P0' })
      .uponReceiving('a sign-in while the user name is locked out')
      .withRequest('POST', restPath('AuthenticationRequest'), (request) =>
        request.jsonBody(
          message(
            '.AuthenticationRequest',
            signIn(
              fromProviderState('${P0UserName}', EXAMPLE.userName),
              fromProviderState('${P0Password}', EXAMPLE.password),
            ),
            id,
          ),
        ),
      )
      .willRespondWith(200, (response) => response.jsonBody(failure(id, { DETAILS: 'LOCKED' })))
      .executeTest(
        settled(async (mock) => {
          const response = await sdk(mock.url, id).authentication({
            userName: EXAMPLE.userName,
            password: EXAMPLE.password,
          });
          expect(response.error).toEqual({ DETAILS: 'LOCKED' });
        }),
      );
  });

  it('reports both missing fields at once as REQUIRED', async () => {
    const id = '1700000003000_5';
    await pact
      .addInteraction()
      .uponReceiving('a sign-in with no fields')
      .withRequest('POST', restPath('AuthenticationRequest'), (request) =>
        request.jsonBody(message('.AuthenticationRequest', {}, id)),
      )
      .willRespondWith(200, (response) =>
        response.jsonBody(failure(id, { userName: 'REQUIRED', password: 'REQUIRED' })),
      )
      .executeTest(
        settled(async (mock) => {
          const response = await sdk(mock.url, id).send('.AuthenticationRequest', {});
          expect(response.error).toEqual({ userName: 'REQUIRED', password: 'REQUIRED' });
        }),
      );
  });
});

/**
 * One row of the decision table (`auth-server.md` §3) for a provider: its states, flags, whether
 * the caller is signed in, and the response a client sees.
 */
interface Row {
  readonly it: string;
  readonly description: string;
  readonly states: readonly (readonly [string, Record<string, string>?])[];
  readonly caller: boolean;
  readonly flags: Record<string, unknown>;
  readonly expected:
    | { readonly newPlayer: boolean; readonly userId: string }
    | { readonly error: Record<string, string>; readonly switchSummary?: boolean };
}

const X = { user: 'X' };
const Y = { user: 'Y' };

function rows(
  provider: 'WeChat' | 'QQ',
  tokenState: readonly [string, Record<string, string>],
  linkedState: string,
): Row[] {
  const token = tokenState;
  const p0Device = [CONNECT_STATES.deviceSignedIn, { player: 'P0' }] as const;
  const p0HasY = [linkedState, { player: 'P0', ...Y }] as const;
  const p0HasX = [linkedState, { player: 'P0', ...X }] as const;
  const p1HasX = [linkedState, { player: 'P1', ...X }] as const;
  const created = { newPlayer: true, userId: EXAMPLE.newPlayerId };
  const asCaller = { newPlayer: false, userId: EXAMPLE.callerId };
  const asOwner = { newPlayer: false, userId: EXAMPLE.ownerId };
  const alreadyLinked = { error: { accessToken: 'ACCOUNT_ALREADY_LINKED' } };
  const prevented = { error: { authentication: 'SWITCH_PREVENTED' }, switchSummary: true };
  const noCreate = { error: { accessToken: 'UNRECOGNISED' } };
  const name = `a ${provider} connect`;
  return [
    {
      it: 'row 1: creates a player for an unknown profile of an unauthenticated caller',
      description: `${name} from an unauthenticated caller with an unknown profile (row 1)`,
      states: [token],
      caller: false,
      flags: { segments: { faction: 'Viking' } },
      expected: created,
    },
    {
      it: 'row 1 with doNotCreateNewPlayer: creates nothing, accessToken UNRECOGNISED',
      description: `${name} with doNotCreateNewPlayer from an unauthenticated caller with an unknown profile (row 1)`,
      states: [token],
      caller: false,
      flags: { doNotCreateNewPlayer: true },
      expected: noCreate,
    },
    {
      it: "row 2: logs an unauthenticated caller into the profile's owner, errorOnSwitch ignored",
      description: `${name} with errorOnSwitch from an unauthenticated caller with a profile linked to a player (row 2)`,
      states: [p1HasX, token],
      caller: false,
      flags: { errorOnSwitch: true },
      expected: asOwner,
    },
    {
      it: 'row 3: links an unknown profile to the caller',
      description: `${name} linking an unknown profile to a caller with no ${provider} profile (row 3)`,
      states: [p0Device, token],
      caller: true,
      flags: {},
      expected: asCaller,
    },
    {
      it: 'row 4: doNotLinkToCurrentPlayer creates a new player for an unknown profile',
      description: `${name} with doNotLinkToCurrentPlayer from a caller with no ${provider} profile and an unknown profile (row 4)`,
      states: [p0Device, token],
      caller: true,
      flags: { doNotLinkToCurrentPlayer: true },
      expected: created,
    },
    {
      it: 'row 4: doNotLinkToCurrentPlayer creates a new player even when the caller has a profile',
      description: `${name} with doNotLinkToCurrentPlayer from a caller with another ${provider} profile and an unknown profile (row 4)`,
      states: [p0HasY, token],
      caller: true,
      flags: { doNotLinkToCurrentPlayer: true },
      expected: created,
    },
    {
      it: 'row 4 with doNotCreateNewPlayer: creates nothing, accessToken UNRECOGNISED',
      description: `${name} with doNotLinkToCurrentPlayer and doNotCreateNewPlayer from a caller with no ${provider} profile (row 4)`,
      states: [p0Device, token],
      caller: true,
      flags: { doNotLinkToCurrentPlayer: true, doNotCreateNewPlayer: true },
      expected: noCreate,
    },
    {
      it: 'row 5: refuses an unknown profile when the caller has another, ACCOUNT_ALREADY_LINKED',
      description: `${name} from a caller with another ${provider} profile and an unknown profile (row 5)`,
      states: [p0HasY, token],
      caller: true,
      flags: {},
      expected: alreadyLinked,
    },
    {
      it: 'row 6: keeps the caller who already holds the profile',
      description: `${name} from the caller who holds the profile (row 6)`,
      states: [p0HasX, token],
      caller: true,
      flags: {},
      expected: asCaller,
    },
    {
      it: "row 7: switches a caller with no profile of this provider to the profile's owner",
      description: `${name} from a caller with no ${provider} profile with a profile linked to another player (row 7)`,
      states: [p0Device, p1HasX, token],
      caller: true,
      flags: {},
      expected: asOwner,
    },
    {
      it: 'row 7 with errorOnSwitch: SWITCH_PREVENTED with the owner in switchSummary',
      description: `${name} with errorOnSwitch from a caller with no ${provider} profile with a profile linked to another player (row 7)`,
      states: [p0Device, p1HasX, token],
      caller: true,
      flags: { errorOnSwitch: true },
      expected: prevented,
    },
    {
      it: 'row 8a: refuses an owned profile when the caller has another, ACCOUNT_ALREADY_LINKED',
      description: `${name} from a caller with another ${provider} profile with a profile linked to another player (row 8a)`,
      states: [p0HasY, p1HasX, token],
      caller: true,
      flags: {},
      expected: alreadyLinked,
    },
    {
      it: "row 8b: switchIfPossible switches to the profile's owner",
      description: `${name} with switchIfPossible from a caller with another ${provider} profile with a profile linked to another player (row 8b)`,
      states: [p0HasY, p1HasX, token],
      caller: true,
      flags: { switchIfPossible: true },
      expected: asOwner,
    },
    {
      it: 'row 8b with errorOnSwitch: SWITCH_PREVENTED with the owner in switchSummary',
      description: `${name} with switchIfPossible and errorOnSwitch from a caller with another ${provider} profile with a profile linked to another player (row 8b)`,
      states: [p0HasY, p1HasX, token],
      caller: true,
      flags: { switchIfPossible: true, errorOnSwitch: true },
      expected: prevented,
    },
    {
      it: "row 9: doNotLinkToCurrentPlayer switches to the profile's owner",
      description: `${name} with doNotLinkToCurrentPlayer from a caller with another ${provider} profile with a profile linked to another player (row 9)`,
      states: [p0HasY, p1HasX, token],
      caller: true,
      flags: { doNotLinkToCurrentPlayer: true },
      expected: asOwner,
    },
    {
      it: 'row 9 with errorOnSwitch: SWITCH_PREVENTED with the owner in switchSummary',
      description: `${name} with doNotLinkToCurrentPlayer and errorOnSwitch from a caller with another ${provider} profile with a profile linked to another player (row 9)`,
      states: [p0HasY, p1HasX, token],
      caller: true,
      flags: { doNotLinkToCurrentPlayer: true, errorOnSwitch: true },
      expected: prevented,
    },
  ];
}

interface ProviderCase {
  readonly provider: 'WeChat' | 'QQ';
  readonly request: 'WeChatConnectRequest' | 'QQConnectRequest';
  readonly requestClass: '.WeChatConnectRequest' | '.QQConnectRequest';
  readonly system: 'WC' | 'QQ';
  readonly externalId: string;
  readonly profile: object;
  readonly rows: readonly Row[];
  connect(client: ConnectClient, flags: Record<string, unknown>): Promise<AuthenticationResponse>;
}

const WECHAT: ProviderCase = {
  provider: 'WeChat',
  request: 'WeChatConnectRequest',
  requestClass: '.WeChatConnectRequest',
  system: 'WC',
  externalId: EXAMPLE.wechatOpenId,
  profile: wechatProfile,
  rows: rows(
    'WeChat',
    [CONNECT_STATES.wechatToken, { ...X, ...WECHAT_APP }],
    CONNECT_STATES.wechatLinked,
  ),
  connect: (client, flags) =>
    client.weChatConnect({
      accessToken: EXAMPLE.wechatToken,
      openId: EXAMPLE.wechatOpenId,
      ...flags,
    }),
};

const QQ: ProviderCase = {
  provider: 'QQ',
  request: 'QQConnectRequest',
  requestClass: '.QQConnectRequest',
  system: 'QQ',
  externalId: EXAMPLE.qqOpenId,
  profile: qqProfile,
  rows: rows('QQ', [CONNECT_STATES.qqToken, { ...X, ...QQ_APP }], CONNECT_STATES.qqLinked),
  connect: (client, flags) => client.qqConnect({ accessToken: EXAMPLE.qqToken, ...flags }),
};

describe.each([
  { ...WECHAT, block: 1 },
  { ...QQ, block: 2 },
])('$request: the decision table', (provider) => {
  it.each(provider.rows.map((row, index) => ({ ...row, index })))('$it', async (row) => {
    const id = `170000001${provider.block}000_${row.index + 1}`;
    let interaction = pact.addInteraction();
    for (const [state, params] of row.states) interaction = interaction.given(state, params);
    const body = message(
      provider.requestClass,
      { ...provider.profile, ...row.flags, ...(row.caller ? callerToken : {}) },
      id,
    );
    const expected = row.expected;
    await interaction
      .uponReceiving(row.description)
      .withRequest('POST', restPath(provider.request), (request) => request.jsonBody(body))
      .willRespondWith(200, (response) =>
        response.jsonBody(
          'error' in expected
            ? failure(id, expected.error, {
                ...(expected.switchSummary === true
                  ? { switchSummary: playerSummary(provider.system, provider.externalId) }
                  : {}),
              })
            : success(id, expected.newPlayer, { userId: expected.userId }),
        ),
      )
      .executeTest(
        settled(async (mock) => {
          const client = sdk(mock.url, id, row.caller ? { authToken: EXAMPLE.callerToken } : {});
          const response = await provider.connect(client, row.flags);
          if ('error' in expected) {
            expect(response.error).toEqual(expected.error);
            // A failure never moves the caller: the SDK keeps acting as P0.
            expect(client.authToken).toBe(row.caller ? EXAMPLE.callerToken : undefined);
            if (expected.switchSummary === true) {
              expect(response.switchSummary?.externalIds[provider.system]).toBe(
                provider.externalId,
              );
            } else {
              expect(response.switchSummary).toBeUndefined();
            }
          } else {
            expectSuccess(response, expected.newPlayer);
            expect(response.userId).toBe(expected.userId);
            // The SDK now acts as the resulting player, as GameSparks SDKs do.
            expect(client.authToken).toBe(EXAMPLE.issuedToken);
          }
        }),
      );
  });
});

describe.each([
  {
    ...WECHAT,
    block: 3,
    neverIssued: { accessToken: NEVER_ISSUED_WECHAT_TOKEN, openId: EXAMPLE.wechatOpenId },
    required: [
      { missing: 'accessToken and openId', fields: {} },
      { missing: 'accessToken', fields: { openId: EXAMPLE.wechatOpenId } },
      { missing: 'openId', fields: { accessToken: NEVER_ISSUED_WECHAT_TOKEN } },
    ],
  },
  {
    ...QQ,
    block: 4,
    neverIssued: { accessToken: NEVER_ISSUED_QQ_TOKEN },
    required: [{ missing: 'accessToken', fields: {} }],
  },
])('$request: errors before the decision table', (provider) => {
  const requiredCases = provider.required.map((entry, index) => ({ ...entry, index }));

  it.each(requiredCases)(
    'reports $missing as REQUIRED, every missing field at once',
    async ({ missing, fields, index }) => {
      const id = `170000002${provider.block}000_${index + 1}`;
      const error = Object.fromEntries(
        ['accessToken', 'openId']
          .filter((field) => !(field in fields))
          .filter((field) => provider.system === 'WC' || field === 'accessToken')
          .map((field) => [field, 'REQUIRED']),
      );
      await pact
        .addInteraction()
        .uponReceiving(`a ${provider.provider} connect with no ${missing}`)
        .withRequest('POST', restPath(provider.request), (request) =>
          request.jsonBody(message(provider.requestClass, fields, id)),
        )
        .willRespondWith(200, (response) => response.jsonBody(failure(id, error)))
        .executeTest(
          settled(async (mock) => {
            const response = await sdk(mock.url, id).send(provider.requestClass, fields);
            expect(response.error).toEqual(error);
          }),
        );
    },
  );

  it('answers a token the provider never issued with accessToken NOTAUTHENTICATED', async () => {
    const id = `170000002${provider.block}000_8`;
    await pact
      .addInteraction()
      .uponReceiving(`a ${provider.provider} connect with a token the provider never issued`)
      .withRequest('POST', restPath(provider.request), (request) =>
        request.jsonBody(message(provider.requestClass, provider.neverIssued, id)),
      )
      .willRespondWith(200, (response) =>
        response.jsonBody(failure(id, { accessToken: 'NOTAUTHENTICATED' })),
      )
      .executeTest(
        settled(async (mock) => {
          const response = await sdk(mock.url, id).send(
            provider.requestClass,
            provider.neverIssued,
          );
          expect(response.error).toEqual({ accessToken: 'NOTAUTHENTICATED' });
        }),
      );
  });

  // The token is one the provider would reject: a server that asked the provider before checking
  // the credential would answer NOTAUTHENTICATED, so COPPA must be decided without calling it.
  it('refuses any connect on a COPPA-compliant credential without asking the provider', async () => {
    const id = `170000002${provider.block}000_9`;
    await pact
      .addInteraction()
      .uponReceiving(`a ${provider.provider} connect on a COPPA-compliant credential`)
      .withRequest('POST', restPath(provider.request, CONTRACT_CREDENTIALS.kids), (request) =>
        request.jsonBody(message(provider.requestClass, provider.neverIssued, id)),
      )
      .willRespondWith(200, (response) =>
        response.jsonBody(failure(id, { authentication: 'COPPA restricted' })),
      )
      .executeTest(
        settled(async (mock) => {
          const client = sdk(mock.url, id, { credential: CONTRACT_CREDENTIALS.kids });
          const response = await client.send(provider.requestClass, provider.neverIssued);
          expect(response.error).toEqual({ authentication: 'COPPA restricted' });
        }),
      );
  });
});
