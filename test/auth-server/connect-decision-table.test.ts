/**
 * The decision table of `auth-server.md` §3, one test per row and flag combination, for WeChat and
 * QQ, over REST and over WebSocket. Players and sessions are set up through the public API with
 * real provider tokens; each test starts from the seeded world.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { useIdmock } from '../support/idmock.js';
import {
  closeClientsAfterEach,
  deviceSignIn,
  findPlayer,
  listPlayers,
  PROVIDERS,
  resetAuth,
  SEEDED,
  TRANSPORTS,
  type GsClient,
} from './support.js';

const idmock = useIdmock({ services: ['wechat', 'qq', 'auth'] });
closeClientsAfterEach();

const CASES = TRANSPORTS.flatMap((transport) =>
  PROVIDERS.map((provider) => ({
    name: `${provider.name} over ${transport.name}`,
    transport,
    provider,
  })),
);

describe.each(CASES)('$name', ({ transport, provider }) => {
  const authUrl = (): string => idmock.current.urls.auth!;
  const connect = (): Promise<GsClient> => transport.connect(authUrl());
  /** Connect fields for a persona, plus flags. */
  const request = async (persona: string, flags: Record<string, unknown> = {}) => {
    const { fields, externalId } = await provider.connectFields(idmock.current, persona);
    return { body: { ...fields, ...flags }, externalId };
  };
  /** A session whose player holds profile Y of this provider (created by row 1). */
  const sessionWithSlot = async (): Promise<{ client: GsClient; playerId: string }> => {
    const client = await connect();
    const created = await client.send((await request(provider.unknown[1])).body);
    expect(created.newPlayer).toBe(true);
    return { client, playerId: created.userId };
  };
  /** A device session: a player with no profile of this provider. */
  const sessionWithoutSlot = async (): Promise<{ client: GsClient; playerId: string }> => {
    const client = await connect();
    const signedIn = await deviceSignIn(client);
    return { client, playerId: signedIn.userId };
  };

  beforeEach(async () => {
    await resetAuth(authUrl());
  });

  it('row 1: creates and links a player for an unknown profile from an unauthenticated session', async () => {
    const client = await connect();
    const before = (await listPlayers(authUrl())).length;
    const { body, externalId } = await request(provider.unknown[0], {
      segments: { faction: 'Viking' },
    });
    const response = await client.send(body);
    expect(response).toMatchObject({
      '@class': '.AuthenticationResponse',
      newPlayer: true,
      scriptData: null,
    });
    expect(response.displayName).toBe(
      provider.unknown[0] === 'li-na' ? '李娜' : expect.any(String),
    );
    const created = await findPlayer(authUrl(), response.userId);
    expect(created?.externalIds).toEqual({ [provider.system]: externalId });
    expect(created?.segments).toEqual({ faction: 'Viking' });
    expect(await listPlayers(authUrl())).toHaveLength(before + 1);
    expect(await client.boundPlayer()).toBe(response.userId);
  });

  it.each([
    { doNotLinkToCurrentPlayer: true },
    { switchIfPossible: true },
    { errorOnSwitch: true },
    { doNotLinkToCurrentPlayer: true, switchIfPossible: true, errorOnSwitch: true },
  ])('row 1: creates a player whatever the other flags say (%o)', async (flags) => {
    const client = await connect();
    const response = await client.send((await request(provider.unknown[0], flags)).body);
    expect(response.newPlayer).toBe(true);
    expect(response.error).toBeUndefined();
  });

  it('row 1: answers accessToken UNRECOGNISED with doNotCreateNewPlayer and writes nothing', async () => {
    const client = await connect();
    const before = await listPlayers(authUrl());
    const response = await client.send(
      (await request(provider.unknown[0], { doNotCreateNewPlayer: true })).body,
    );
    expect(response).toEqual({
      '@class': '.AuthenticationResponse',
      error: { accessToken: 'UNRECOGNISED' },
      newPlayer: false,
      requestId: expect.any(String),
    });
    expect(await listPlayers(authUrl())).toEqual(before);
    expect(await client.boundPlayer()).toBeNull();
  });

  it.each([
    {},
    { errorOnSwitch: true },
    { doNotCreateNewPlayer: true, doNotLinkToCurrentPlayer: true },
  ])('row 2: logs an unauthenticated session into the owner, not a switch (%o)', async (flags) => {
    const client = await connect();
    const response = await client.send((await request(provider.owned.persona, flags)).body);
    expect(response).toMatchObject({ newPlayer: false, userId: provider.owned.playerId });
    expect(response.error).toBeUndefined();
    expect(await client.boundPlayer()).toBe(provider.owned.playerId);
  });

  it('row 3: links an unknown profile to the current player and fills an empty displayName', async () => {
    const { client, playerId } = await sessionWithoutSlot();
    const { body, externalId } = await request(provider.unknown[0], {
      segments: { faction: 'Viking' },
    });
    const response = await client.send(body);
    expect(response).toMatchObject({ newPlayer: false, userId: playerId });
    expect(response.displayName).not.toBe('');
    const player = await findPlayer(authUrl(), playerId);
    expect(player?.externalIds).toEqual({ [provider.system]: externalId });
    expect(player?.segments).toEqual({});
    expect(await client.boundPlayer()).toBe(playerId);
  });

  it('row 3: keeps a non-empty displayName unless syncDisplayName is set', async () => {
    const client = await connect();
    const alice = await client.send({
      '@class': '.AuthenticationRequest',
      userName: SEEDED.alice.userName,
      password: SEEDED.alice.password,
    });
    expect(alice.displayName).toBe('Alice');
    const linked = await client.send((await request(provider.unknown[0])).body);
    expect(linked).toMatchObject({ userId: SEEDED.alice.id, displayName: 'Alice' });
    const synced = await client.send(
      (await request(provider.unknown[0], { syncDisplayName: true })).body,
    );
    expect(synced.userId).toBe(SEEDED.alice.id);
    expect(synced.displayName).not.toBe('Alice');
    expect((await findPlayer(authUrl(), SEEDED.alice.id))?.syncDisplayName).toEqual({
      [provider.system]: true,
    });
  });

  it('row 4: creates a new player instead of linking with doNotLinkToCurrentPlayer (no profile yet)', async () => {
    const { client, playerId } = await sessionWithoutSlot();
    const { body, externalId } = await request(provider.unknown[0], {
      doNotLinkToCurrentPlayer: true,
      errorOnSwitch: true,
      segments: { tier: 'gold' },
    });
    const response = await client.send(body);
    expect(response.newPlayer).toBe(true);
    expect(response.userId).not.toBe(playerId);
    expect((await findPlayer(authUrl(), response.userId))?.segments).toEqual({ tier: 'gold' });
    expect((await findPlayer(authUrl(), response.userId))?.externalIds).toEqual({
      [provider.system]: externalId,
    });
    expect((await findPlayer(authUrl(), playerId))?.externalIds).toEqual({});
    expect(await client.boundPlayer()).toBe(response.userId);
  });

  it('row 4: creates a new player with doNotLinkToCurrentPlayer when the current player holds another profile', async () => {
    const { client, playerId } = await sessionWithSlot();
    const response = await client.send(
      (await request(provider.unknown[0], { doNotLinkToCurrentPlayer: true })).body,
    );
    expect(response.newPlayer).toBe(true);
    expect(response.userId).not.toBe(playerId);
  });

  it('row 4: answers accessToken UNRECOGNISED with doNotCreateNewPlayer and keeps the session', async () => {
    const { client, playerId } = await sessionWithoutSlot();
    const before = await listPlayers(authUrl());
    const response = await client.send(
      (
        await request(provider.unknown[0], {
          doNotLinkToCurrentPlayer: true,
          doNotCreateNewPlayer: true,
        })
      ).body,
    );
    expect(response.error).toEqual({ accessToken: 'UNRECOGNISED' });
    expect(await listPlayers(authUrl())).toEqual(before);
    expect(await client.boundPlayer()).toBe(playerId);
  });

  it.each([{}, { switchIfPossible: true }, { errorOnSwitch: true }])(
    'row 5: answers ACCOUNT_ALREADY_LINKED when the current player holds another profile (%o)',
    async (flags) => {
      const { client, playerId } = await sessionWithSlot();
      const before = await listPlayers(authUrl());
      const response = await client.send((await request(provider.unknown[0], flags)).body);
      expect(response).toEqual({
        '@class': '.AuthenticationResponse',
        error: { accessToken: 'ACCOUNT_ALREADY_LINKED' },
        newPlayer: false,
        requestId: expect.any(String),
      });
      expect(await listPlayers(authUrl())).toEqual(before);
      expect(await client.boundPlayer()).toBe(playerId);
    },
  );

  it.each([
    {},
    { doNotLinkToCurrentPlayer: true },
    { errorOnSwitch: true, switchIfPossible: true },
  ])('row 6: keeps the current player who already holds the profile (%o)', async (flags) => {
    const client = await connect();
    await client.send((await request(provider.owned.persona)).body);
    const response = await client.send((await request(provider.owned.persona, flags)).body);
    expect(response).toMatchObject({ newPlayer: false, userId: provider.owned.playerId });
    expect(response.error).toBeUndefined();
    expect(await client.boundPlayer()).toBe(provider.owned.playerId);
  });

  it.each([{}, { doNotLinkToCurrentPlayer: true }, { switchIfPossible: true }])(
    'row 7: switches a player without this provider to the owner by default (%o)',
    async (flags) => {
      const { client, playerId } = await sessionWithoutSlot();
      const response = await client.send((await request(provider.owned.persona, flags)).body);
      expect(response).toMatchObject({ newPlayer: false, userId: provider.owned.playerId });
      expect(response.authToken).toEqual(expect.any(String));
      expect(await client.boundPlayer()).toBe(provider.owned.playerId);
      expect((await findPlayer(authUrl(), playerId))?.externalIds).toEqual({});
    },
  );

  it('row 7: answers SWITCH_PREVENTED with the switch summary under errorOnSwitch', async () => {
    const { client, playerId } = await sessionWithoutSlot();
    const { body, externalId } = await request(provider.owned.persona, { errorOnSwitch: true });
    const response = await client.send(body);
    expect(response).toEqual({
      '@class': '.AuthenticationResponse',
      error: { authentication: 'SWITCH_PREVENTED' },
      newPlayer: false,
      requestId: expect.any(String),
      switchSummary: {
        id: provider.owned.playerId,
        displayName: expect.any(String),
        externalIds: { [provider.system]: externalId },
        achievements: [],
        virtualGoods: [],
        online: false,
        scriptData: {},
      },
    });
    expect(await client.boundPlayer()).toBe(playerId);
  });

  it('row 8a: answers ACCOUNT_ALREADY_LINKED for a known profile when the slot is taken', async () => {
    const { client, playerId } = await sessionWithSlot();
    const response = await client.send((await request(provider.owned.persona)).body);
    expect(response.error).toEqual({ accessToken: 'ACCOUNT_ALREADY_LINKED' });
    expect(await client.boundPlayer()).toBe(playerId);
  });

  it('row 8b: switches to the owner with switchIfPossible when the slot is taken', async () => {
    const { client } = await sessionWithSlot();
    const response = await client.send(
      (await request(provider.owned.persona, { switchIfPossible: true })).body,
    );
    expect(response).toMatchObject({ newPlayer: false, userId: provider.owned.playerId });
    expect(await client.boundPlayer()).toBe(provider.owned.playerId);
  });

  it('row 8b: answers SWITCH_PREVENTED with switchIfPossible and errorOnSwitch', async () => {
    const { client, playerId } = await sessionWithSlot();
    const response = await client.send(
      (await request(provider.owned.persona, { switchIfPossible: true, errorOnSwitch: true })).body,
    );
    expect(response.error).toEqual({ authentication: 'SWITCH_PREVENTED' });
    expect(response.switchSummary?.id).toBe(provider.owned.playerId);
    expect(await client.boundPlayer()).toBe(playerId);
  });

  it.each([{}, { switchIfPossible: true }])(
    'row 9: switches to the owner with doNotLinkToCurrentPlayer when the slot is taken (%o)',
    async (flags) => {
      const { client } = await sessionWithSlot();
      const response = await client.send(
        (await request(provider.owned.persona, { doNotLinkToCurrentPlayer: true, ...flags })).body,
      );
      expect(response).toMatchObject({ newPlayer: false, userId: provider.owned.playerId });
      expect(await client.boundPlayer()).toBe(provider.owned.playerId);
    },
  );

  it('row 9: answers SWITCH_PREVENTED with doNotLinkToCurrentPlayer and errorOnSwitch', async () => {
    const { client, playerId } = await sessionWithSlot();
    const response = await client.send(
      (
        await request(provider.owned.persona, {
          doNotLinkToCurrentPlayer: true,
          errorOnSwitch: true,
        })
      ).body,
    );
    expect(response.error).toEqual({ authentication: 'SWITCH_PREVENTED' });
    expect(await client.boundPlayer()).toBe(playerId);
  });
});
