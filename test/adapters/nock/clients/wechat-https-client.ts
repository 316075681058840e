/**
 * A third-party style WeChat client on `node:https`, as many SDKs are written: the real API host is
 * hard-coded and there is no way to point it elsewhere. Under `idmock/nock` it works unchanged.
 */
import https from 'node:https';

const API = 'https://api.weixin.qq.com';

function getJson(url: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    https
      .get(url, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
      })
      .on('error', reject);
  });
}

/** The profile a site keeps after a WeChat login. */
export interface WechatProfile {
  readonly openid: string;
  readonly unionid: string | undefined;
  readonly nickname: string;
}

/** Redeems the code from the callback, then reads the user's profile. */
export async function loginWithCode(
  appid: string,
  secret: string,
  code: string,
): Promise<WechatProfile> {
  const token = await getJson(
    `${API}/sns/oauth2/access_token?appid=${appid}&secret=${secret}&code=${code}&grant_type=authorization_code`,
  );
  if (typeof token['errcode'] === 'number') {
    throw new Error(`WeChat error ${String(token['errcode'])}: ${String(token['errmsg'])}`);
  }
  const info = await getJson(
    `${API}/sns/userinfo?access_token=${String(token['access_token'])}&openid=${String(token['openid'])}&lang=zh_CN`,
  );
  if (typeof info['errcode'] === 'number') {
    throw new Error(`WeChat error ${String(info['errcode'])}: ${String(info['errmsg'])}`);
  }
  return {
    openid: String(info['openid']),
    unionid: typeof info['unionid'] === 'string' ? info['unionid'] : undefined,
    nickname: String(info['nickname']),
  };
}
