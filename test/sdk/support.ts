/**
 * Test support for the SDK: a throwaway server that answers what a test says, and provider tokens
 * and codes for personas (the auth-server tests' helpers).
 */
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';

export { qqLogin, wechatLogin } from '../auth-server/support.js';
export { wechatCode } from '../auth-server/login/support.js';

/** A server on a free port. */
export interface RawServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts a server on a free port that answers with `handler`. */
export async function startRawServer(handler: RequestListener): Promise<RawServer> {
  const server = createServer(handler);
  await new Promise<void>((done) => {
    server.listen(0, '127.0.0.1', done);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => {
          done();
        });
      }),
  };
}
