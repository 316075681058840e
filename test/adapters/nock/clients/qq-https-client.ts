/**
 * A third-party style QQ Connect client on `node:https`, in the manner of JustAuth: the default
 * (form-encoded) token answer, the default JSONP `/oauth2.0/me`, then `get_user_info`. The real
 * host is hard-coded.
 */
import https from 'node:https';

const GRAPH = 'https://graph.qq.com';

function getText(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    https
      .get(url, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          resolve(Buffer.concat(chunks).toString('utf8'));
        });
      })
      .on('error', reject);
  });
}

/** Strips QQ's `callback( … );` wrapper and parses the JSON inside. */
function unwrapJsonp(text: string): Record<string, unknown> {
  const json = text.replace(/^\s*callback\(\s*/, '').replace(/\s*\);\s*$/, '');
  return JSON.parse(json) as Record<string, unknown>;
}

/** The profile a site keeps after a QQ login. */
export interface QqProfile {
  readonly openid: string;
  readonly unionid: string | undefined;
  readonly nickname: string;
}

/** Redeems the callback's code, resolves the openid, then reads the profile. */
export async function qqLoginWithCode(
  clientId: string,
  appkey: string,
  redirectUri: string,
  code: string,
): Promise<QqProfile> {
  const token = await getText(
    `${GRAPH}/oauth2.0/token?grant_type=authorization_code&client_id=${clientId}&client_secret=${appkey}&code=${code}&redirect_uri=${encodeURIComponent(redirectUri)}`,
  );
  if (!token.includes('access_token=')) throw new Error(`QQ token error: ${token.trim()}`);
  const accessToken = new URLSearchParams(token).get('access_token') ?? '';
  const me = unwrapJsonp(
    await getText(`${GRAPH}/oauth2.0/me?access_token=${accessToken}&unionid=1`),
  );
  if (me['error'] !== undefined) throw new Error(`QQ me error ${JSON.stringify(me['error'])}`);
  const openid = String(me['openid']);
  const info = JSON.parse(
    await getText(
      `${GRAPH}/user/get_user_info?access_token=${accessToken}&oauth_consumer_key=${clientId}&openid=${openid}`,
    ),
  ) as Record<string, unknown>;
  if (info['ret'] !== 0) throw new Error(`QQ get_user_info error ${String(info['ret'])}`);
  return {
    openid,
    unionid: typeof me['unionid'] === 'string' ? me['unionid'] : undefined,
    nickname: String(info['nickname']),
  };
}
