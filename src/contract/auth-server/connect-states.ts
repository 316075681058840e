/**
 * How the connect contract's states are reached on any auth server: players are made with the
 * server's own requests (a device sign-in, a registration, a `WeChatConnectRequest` that links a
 * profile, row 3), and profiles are real tokens of fresh users from the WeChat and QQ mocks.
 * Nothing here needs the server's cooperation beyond its public API.
 */
import type { AuthenticationResponse } from '../../sdk/connect-wire.js';
import { stringParam } from '../http.js';
import type { InjectedValues, StateHandler, StateParams, StateTable } from '../types.js';
import type { Identities, ProviderToken } from './identities.js';
import type { InteractionScope, PlayerHandle } from './scope.js';
import { freshId, type ServerUnderTest } from './server.js';
import { CONNECT_STATES } from './states.js';
import { CONTRACT_CONNECT_QQ_CLIENT_ID, CONTRACT_CONNECT_WECHAT_APPID } from './world.js';

/** Most wrong passwords tried before giving up on a lock-out. */
const MAX_WRONG_PASSWORDS = 50;

type Provider = 'WeChat' | 'QQ';

function show(response: AuthenticationResponse): string {
  return JSON.stringify(response).slice(0, 300);
}

function playerValues(label: string, player: PlayerHandle): InjectedValues {
  return {
    [`${label}AuthToken`]: player.authToken,
    [`${label}Id`]: player.id,
    ...(player.deviceId === undefined ? {} : { [`${label}DeviceId`]: player.deviceId }),
    ...(player.userName === undefined ? {} : { [`${label}UserName`]: player.userName }),
    ...(player.password === undefined ? {} : { [`${label}Password`]: player.password }),
  };
}

/** The connect states, reached through `server` and `identities`. */
export function connectStates(
  server: ServerUnderTest,
  identities: Identities,
  scope: InteractionScope,
): StateTable {
  const client = server.connect();

  const signInDevice = async (label: string): Promise<PlayerHandle> => {
    const deviceId = freshId('idmock-verify-device');
    const response = await client.deviceAuthentication(
      { deviceId, deviceOS: 'IOS' },
      { authToken: null },
    );
    if (response.error !== undefined) {
      throw new Error(`a device sign-in for player ${label} was refused: ${show(response)}`);
    }
    return { id: response.userId, authToken: response.authToken, deviceId };
  };

  /** The player of a label: the one made earlier in this interaction, or a new device player. */
  const player = async (label: string): Promise<PlayerHandle> => {
    const known = scope.players.get(label);
    if (known) return known;
    const made = await signInDevice(label);
    scope.players.set(label, made);
    return made;
  };

  const token = async (provider: Provider, label: string, app: string): Promise<ProviderToken> => {
    const persona = await scope.persona(provider, label);
    return provider === 'WeChat'
      ? identities.wechatToken(persona, app)
      : identities.qqToken(persona, app);
  };

  const link = async (provider: Provider, params: StateParams): Promise<InjectedValues> => {
    const playerLabel = stringParam(params, 'player');
    const userLabel = stringParam(params, 'user');
    const holder = await player(playerLabel);
    const profile =
      provider === 'WeChat'
        ? await token(provider, userLabel, CONTRACT_CONNECT_WECHAT_APPID)
        : await token(provider, userLabel, CONTRACT_CONNECT_QQ_CLIENT_ID);
    const call = { authToken: holder.authToken };
    const response =
      provider === 'WeChat'
        ? await client.weChatConnect(profile, call)
        : await client.qqConnect({ accessToken: profile.accessToken }, call);
    if (response.error !== undefined || response.userId !== holder.id) {
      throw new Error(
        `linking ${provider} user ${userLabel} to player ${playerLabel} (a ${provider}ConnectRequest ` +
          `as that player, row 3) did not answer that player: ${show(response)}`,
      );
    }
    holder.authToken = response.authToken;
    return playerValues(playerLabel, holder);
  };

  const register = async (label: string): Promise<PlayerHandle> => {
    const userName = freshId('idmock-verify-user');
    const password = freshId('pw');
    const response = await client.registration(
      { userName, password, displayName: 'idmock verify' },
      { authToken: null },
    );
    if (response.error !== undefined) {
      throw new Error(`registering player ${label} was refused: ${show(response)}`);
    }
    const made = { id: response.userId, authToken: response.authToken, userName, password };
    scope.players.set(label, made);
    return made;
  };

  const state = (setup: StateHandler['setup']): StateHandler => ({
    setup: (params) => {
      scope.begin();
      return setup(params);
    },
    teardown: () => scope.end(),
  });

  return {
    [CONNECT_STATES.wechatToken]: state(async (params) => {
      const profile = await token(
        'WeChat',
        stringParam(params, 'user'),
        stringParam(params, 'appid'),
      );
      return { accessToken: profile.accessToken, openId: profile.openId };
    }),
    [CONNECT_STATES.qqToken]: state(async (params) => {
      const profile = await token(
        'QQ',
        stringParam(params, 'user'),
        stringParam(params, 'clientId'),
      );
      return { accessToken: profile.accessToken, openId: profile.openId };
    }),
    [CONNECT_STATES.deviceSignedIn]: state(async (params) => {
      const label = stringParam(params, 'player');
      return playerValues(label, await player(label));
    }),
    [CONNECT_STATES.registered]: state(async (params) => {
      const label = stringParam(params, 'player');
      return playerValues(label, await register(label));
    }),
    [CONNECT_STATES.lockedOut]: state(async (params) => {
      const label = stringParam(params, 'player');
      const made = await register(label);
      for (let attempt = 0; attempt < MAX_WRONG_PASSWORDS; attempt++) {
        const response = await client.authentication(
          { userName: made.userName ?? '', password: 'idmock-verify-wrong-password' },
          { authToken: null },
        );
        if (response.error?.['DETAILS'] === 'LOCKED') return playerValues(label, made);
      }
      throw new Error(
        `${MAX_WRONG_PASSWORDS} wrong passwords did not lock the user name of player ${label}`,
      );
    }),
    [CONNECT_STATES.wechatLinked]: state((params) => link('WeChat', params)),
    [CONNECT_STATES.qqLinked]: state((params) => link('QQ', params)),
    [CONNECT_STATES.newDevice]: state(() =>
      Promise.resolve({ deviceId: freshId('idmock-verify-device') }),
    ),
    [CONNECT_STATES.newUserName]: state(() =>
      Promise.resolve({ userName: freshId('idmock-verify-user') }),
    ),
  };
}
