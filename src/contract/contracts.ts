/**
 * Where the committed contracts live and what their parties are called. Consumer tests write the
 * files under these names; `idmock verify` reads them by default.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Pact participant names. A contract file is named `<consumer>-<provider>.json`. */
export const CONTRACT_PARTIES = {
  /** The reference auth server, as a consumer of WeChat and QQ and as a provider. */
  authServer: 'idmock-auth-server',
  /** The WeChat mock (paths of `api.weixin.qq.com`). */
  wechat: 'idmock-wechat',
  /** The QQ mock (paths of `graph.qq.com`). */
  qq: 'idmock-qq',
  /** The reference SDK (`src/sdk/`), as a consumer of the auth server's connect API. */
  sdk: 'idmock-sdk',
  /** The reference login client (`src/sdk/`), as a consumer of the auth server's login API. */
  loginClient: 'idmock-login-client',
} as const;

/** The file name Pact gives a contract between two parties. */
export function contractFileName(consumer: string, provider: string): string {
  return `${consumer}-${provider}.json`;
}

/** `contracts/` of this package (shipped beside `dist/`, and at the repository root). */
export const CONTRACTS_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'contracts',
);

/** Absolute path of a committed contract file. */
export function contractPath(fileName: string): string {
  return join(CONTRACTS_DIR, fileName);
}
