/**
 * A third-party style QQ Connect client on `fetch` that asks for JSON everywhere (`fmt=json`), with
 * the real host hard-coded. It starts at the authorize URL and follows the redirect to its
 * callback (a headless browser with auto-approve on).
 */
const GRAPH = 'https://graph.qq.com';

/** What the site knows after the login. */
export interface QqFetchLogin {
  readonly openid: string;
  readonly nickname: string;
}

async function json(url: string): Promise<Record<string, unknown>> {
  const body = (await (await fetch(url)).json()) as Record<string, unknown>;
  if (body['error'] !== undefined) throw new Error(`QQ error ${JSON.stringify(body['error'])}`);
  return body;
}

/** Runs the whole website login as a site would. */
export async function qqWebsiteLogin(
  clientId: string,
  appkey: string,
  redirectUri: string,
): Promise<QqFetchLogin> {
  const state = Math.random().toString(36).slice(2);
  const consent = await fetch(
    `${GRAPH}/oauth2.0/authorize?response_type=code&client_id=${clientId}&redirect_uri=${encodeURIComponent(redirectUri)}&state=${state}&scope=get_user_info`,
    { redirect: 'manual' },
  );
  const location = consent.headers.get('location');
  if (consent.status !== 302 || location === null) {
    throw new Error(`expected the authorize redirect, got ${consent.status}`);
  }
  const callback = new URL(location);
  if (callback.searchParams.get('state') !== state) throw new Error('state mismatch');
  const token = await json(
    `${GRAPH}/oauth2.0/token?grant_type=authorization_code&client_id=${clientId}&client_secret=${appkey}&code=${callback.searchParams.get('code') ?? ''}&redirect_uri=${encodeURIComponent(redirectUri)}&fmt=json`,
  );
  const accessToken = String(token['access_token']);
  const me = await json(`${GRAPH}/oauth2.0/me?access_token=${accessToken}&fmt=json`);
  const openid = String(me['openid']);
  const info = await json(
    `${GRAPH}/user/get_user_info?access_token=${accessToken}&oauth_consumer_key=${clientId}&openid=${openid}`,
  );
  return { openid, nickname: String(info['nickname']) };
}
