/**
 * What the auth-server contracts take as given: the credentials, API key and provider apps an
 * implementation must accept to be verified. They are the values of the bundled world
 * (`mock-providers/`), fixed in the contracts' requests; `contracts/README.md` lists them for
 * implementers, and a test checks them against the bundled files so the two never drift.
 */

/** The connect API's credentials (`mock-providers/auth-server/credentials.json`). */
export const CONTRACT_CREDENTIALS = {
  /** The client credential SDKs use. */
  device: { name: 'device', secret: 'dEv1ceS3cretF0rL0calTest1ngOnly0' },
  /** A COPPA-compliant credential: every `*ConnectRequest` on it answers `COPPA restricted`. */
  kids: { name: 'kids', secret: 'k1dsS3cretF0rL0calTest1ngOnly000' },
} as const;

/** The game's API key (WebSocket path), for the SDK's socket tests. */
export const CONTRACT_GAME_API_KEY = 'idmock0game1';

/** The WeChat app whose access tokens `WeChatConnectRequest` carries (the mobile app "Acme 手游"). */
export const CONTRACT_CONNECT_WECHAT_APPID = 'wx3c4d5e6f708192a3';

/** The QQ app whose access tokens `QQConnectRequest` carries ("Acme 手游"). */
export const CONTRACT_CONNECT_QQ_CLIENT_ID = '101364208';

/** The login API (`mock-providers/auth-server/accounts.json`, `mock-providers/wechat/seed.json`). */
export const CONTRACT_LOGIN = {
  /** The `Api-Key` header of every login request. */
  apiKey: 'idmock-web-4f1c2a9e7b3d5081',
  /** The WeChat website app of the QR login ("Acme 官网登录"), form (a)'s `appId`/`secret`. */
  wechat: { appid: 'wx1a2b3c4d5e6f7081', secret: '0f1e2d3c4b5a69788796a5b4c3d2e1f0' },
} as const;
