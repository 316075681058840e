/**
 * A third-party style WeChat website-login client on `fetch`, with the real hosts hard-coded. It
 * starts at the QR login URL, follows the authorize redirect to its callback (a headless browser
 * with auto-approve on), then redeems the code and reads the profile.
 */
const OPEN = 'https://open.weixin.qq.com';
const API = 'https://api.weixin.qq.com';

/** What the site knows after the login. */
export interface FetchLogin {
  readonly state: string;
  readonly openid: string;
  readonly nickname: string;
  readonly unionid: string | undefined;
}

async function json(url: string): Promise<Record<string, unknown>> {
  const response = await fetch(url);
  const body = (await response.json()) as Record<string, unknown>;
  if (typeof body['errcode'] === 'number' && body['errcode'] !== 0) {
    throw new Error(`WeChat error ${String(body['errcode'])}: ${String(body['errmsg'])}`);
  }
  return body;
}

/** Runs the whole website login as a site would. */
export async function websiteLogin(
  appid: string,
  secret: string,
  redirectUri: string,
): Promise<FetchLogin> {
  const state = Math.random().toString(36).slice(2);
  const authorize = `${OPEN}/connect/qrconnect?appid=${appid}&redirect_uri=${encodeURIComponent(redirectUri)}&response_type=code&scope=snsapi_login&state=${state}#wechat_redirect`;
  const consent = await fetch(authorize, { redirect: 'manual' });
  const location = consent.headers.get('location');
  if (consent.status !== 302 || location === null) {
    throw new Error(`expected the authorize redirect, got ${consent.status}`);
  }
  const callback = new URL(location);
  if (callback.searchParams.get('state') !== state) throw new Error('state mismatch');
  const code = callback.searchParams.get('code') ?? '';
  const token = await json(
    `${API}/sns/oauth2/access_token?appid=${appid}&secret=${secret}&code=${code}&grant_type=authorization_code`,
  );
  const info = await json(
    `${API}/sns/userinfo?access_token=${String(token['access_token'])}&openid=${String(token['openid'])}`,
  );
  return {
    state,
    openid: String(info['openid']),
    nickname: String(info['nickname']),
    unionid: typeof info['unionid'] === 'string' ? info['unionid'] : undefined,
  };
}
