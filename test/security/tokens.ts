/**
 * Mints every kind of bearer secret the mock hands out, through the real endpoints: WeChat codes,
 * access and refresh tokens; QQ codes, access and refresh tokens; the auth server's unionCodes,
 * login tokens and GameSparks authTokens.
 */
import type { InProcessWorld } from '../fuzz/world.js';
import { call } from '../fuzz/world.js';

/** The kinds of secret. */
export const SECRET_KINDS = [
  'wechat code',
  'wechat access token',
  'wechat refresh token',
  'qq code',
  'qq access token',
  'qq refresh token',
  'unionCode',
  'login token',
  'authToken',
] as const;

/** One kind. */
export type SecretKind = (typeof SECRET_KINDS)[number];

const WEB = { appid: 'wx1a2b3c4d5e6f7081', secret: '0f1e2d3c4b5a69788796a5b4c3d2e1f0' };
const QQ = {
  client_id: '101364207',
  client_secret: '556c5099bf889b17f0706c1c99ba7356',
  redirect_uri: 'http://localhost:3000/auth/qq/callback',
};
const API_KEY = { 'api-key': 'idmock-web-4f1c2a9e7b3d5081' };
const DEVICE = '/rs/device/dEv1ceS3cretF0rL0calTest1ngOnly0/DeviceAuthenticationRequest';

async function wechatCode(world: InProcessWorld, user: string): Promise<string> {
  const res = await call(world.services.wechat, 'POST', '/__mock/authorize', {
    json: { ...WEB, redirect_uri: 'http://localhost/cb', scope: 'snsapi_login', user },
  });
  return res.json<{ code: string }>().code;
}

async function qqCode(world: InProcessWorld): Promise<string> {
  const res = await call(world.services.qq, 'POST', '/__mock/authorize', {
    json: { client_id: QQ.client_id, redirect_uri: QQ.redirect_uri, user: 'chen-jie' },
  });
  return res.json<{ code: string }>().code;
}

/** Mints one of each kind (several kinds come from one flow) and answers them by kind. */
export async function mintAll(world: InProcessWorld): Promise<Record<SecretKind, string>> {
  const { wechat, qq, auth } = world.services;
  const code = await wechatCode(world, 'zhang-wei');
  const exchanged = (
    await call(
      wechat,
      'GET',
      `/sns/oauth2/access_token?appid=${WEB.appid}&secret=${WEB.secret}&code=${await wechatCode(world, 'zhang-wei')}&grant_type=authorization_code`,
    )
  ).json<{ access_token: string; refresh_token: string }>();
  const qCode = await qqCode(world);
  const tokens = new URLSearchParams(
    (
      await call(
        qq,
        'GET',
        `/oauth2.0/token?${new URLSearchParams({ ...QQ, grant_type: 'authorization_code', code: await qqCode(world) }).toString()}`,
      )
    ).text,
  );
  const unbound = await call(auth, 'POST', '/v1/auth/login', {
    json: { appId: WEB.appid, secret: WEB.secret, code: await wechatCode(world, 'li-na') },
    headers: API_KEY,
  });
  const unionCode = unbound.json<{ errors: { meta?: { unionCode?: string } }[] }>().errors[0]?.meta
    ?.unionCode;
  const login = await call(auth, 'POST', '/v1/auth/login', {
    json: { username: 'bob', password: 'bob-password' },
    headers: API_KEY,
  });
  const device = await call(auth, 'POST', DEVICE, {
    json: { deviceId: 'csprng-device', deviceOS: 'IOS' },
  });
  const minted: Record<SecretKind, string | undefined> = {
    'wechat code': code,
    'wechat access token': exchanged.access_token,
    'wechat refresh token': exchanged.refresh_token,
    'qq code': qCode,
    'qq access token': tokens.get('access_token') ?? undefined,
    'qq refresh token': tokens.get('refresh_token') ?? undefined,
    unionCode,
    'login token': login.json<{ token?: string }>().token,
    authToken: device.json<{ authToken?: string }>().authToken,
  };
  for (const [kind, value] of Object.entries(minted)) {
    if (typeof value !== 'string' || value === '') throw new Error(`could not mint a ${kind}`);
  }
  return minted as Record<SecretKind, string>;
}

/**
 * The bits a sample of values of one format can carry: for each position, log2 of the number of
 * distinct characters seen there. A fixed position counts 0; with a few hundred samples a random
 * position shows (nearly) its whole alphabet, so the sum is the format's capacity.
 */
export function observedBits(samples: readonly string[]): number {
  const length = Math.max(...samples.map((sample) => sample.length));
  let bits = 0;
  for (let i = 0; i < length; i++) {
    const seen = new Set(samples.map((sample) => sample[i] ?? ''));
    bits += Math.log2(seen.size);
  }
  return bits;
}
