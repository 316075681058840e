/**
 * Provider failures become `{"accessToken":"PROVIDER_UNAVAILABLE"}` in the envelope, never a crash:
 * a provider that hangs past the timeout, answers `-1 system error`, answers garbage or HTTP 500,
 * resets the connection, or refuses it. The auth server is pointed at a scripted fake provider
 * through its `auth.*.baseUrl` configuration, as it would be pointed at the real hosts.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/runtime/config.js';
import { startIdmock, type RunningIdmock } from '../../src/runtime/start.js';
import { get, postJson } from '../support/idmock.js';
import { CREDENTIALS } from './support.js';

type Mode =
  | 'ok'
  | 'hang'
  | 'system-error'
  | 'userinfo-system-error'
  | 'rejected'
  | 'garbage'
  | 'http-500'
  | 'reset';

let mode: Mode = 'ok';
let fake: Server;
let fakeUrl: string;
let closedUrl: string;
let idmock: RunningIdmock;
const logged: unknown[] = [];

function reply(res: ServerResponse, body: unknown, status = 200): void {
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** What the fake provider answers in the current mode. */
function answerFor(path: string): 'hang' | 'reset' | { body: unknown; status?: number } {
  if (path === '/__mock/users') return { body: { users: [] } };
  const ok = { errcode: 0, errmsg: 'ok' };
  const systemError = { errcode: -1, errmsg: 'system error' };
  switch (mode) {
    case 'hang':
    case 'reset':
      return mode;
    case 'http-500':
      return { body: 'oops', status: 500 };
    case 'garbage':
      return { body: '<html>gateway</html>' };
    case 'system-error':
      return { body: systemError };
    case 'rejected':
      return { body: { errcode: 40001, errmsg: 'invalid credential' } };
    case 'userinfo-system-error':
      return { body: path === '/sns/auth' ? ok : systemError };
    case 'ok':
      return {
        body:
          path === '/sns/auth' ? ok : { openid: 'oFAKE', nickname: '假', sex: 0, privilege: [] },
      };
  }
}

beforeAll(async () => {
  fake = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const answer = answerFor(path);
    if (answer === 'hang') return;
    if (answer === 'reset') {
      req.socket.destroy();
      return;
    }
    reply(res, answer.body, answer.status);
  });
  await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
  fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  await new Promise<void>((resolve) =>
    closed.close(() => {
      resolve();
    }),
  );
  idmock = await startIdmock({
    services: ['auth'],
    config: resolveConfig({
      ports: { auth: 0, wechat: 0, qq: 0 },
      auth: { wechat: { baseUrl: fakeUrl }, qq: { baseUrl: closedUrl }, providerTimeoutMs: 300 },
    }),
    logError: (error) => logged.push(error),
  });
});

afterAll(async () => {
  await idmock.stop();
  fake.closeAllConnections();
  await new Promise<void>((resolve) =>
    fake.close(() => {
      resolve();
    }),
  );
});

async function wechatConnect(): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await postJson(
    `${idmock.urls.auth!}/rs/device/${CREDENTIALS.device.secret}/WeChatConnectRequest`,
    { requestId: 'p', accessToken: '86_token', openId: 'oFAKE' },
  );
  return { status: response.status, body: response.json() };
}

describe('provider failures', () => {
  it('links through a healthy fake provider (the control case)', async () => {
    mode = 'ok';
    const { body } = await wechatConnect();
    expect(body).toMatchObject({ newPlayer: true, displayName: '假' });
  });

  it.each([
    'hang',
    'system-error',
    'userinfo-system-error',
    'garbage',
    'http-500',
    'reset',
  ] as const)('answers PROVIDER_UNAVAILABLE when WeChat is %s', async (failure) => {
    mode = failure;
    const players = (await get(`${idmock.urls.auth!}/__mock/players`)).json().players.length;
    const started = Date.now();
    const { status, body } = await wechatConnect();
    expect(status).toBe(200);
    expect(body).toEqual({
      '@class': '.AuthenticationResponse',
      error: { accessToken: 'PROVIDER_UNAVAILABLE' },
      newPlayer: false,
      requestId: 'p',
    });
    expect(Date.now() - started).toBeLessThan(5000);
    expect((await get(`${idmock.urls.auth!}/__mock/players`)).json().players.length).toBe(players);
  });

  it('answers NOTAUTHENTICATED, not PROVIDER_UNAVAILABLE, when WeChat rejects the token', async () => {
    mode = 'rejected';
    expect((await wechatConnect()).body['error']).toEqual({ accessToken: 'NOTAUTHENTICATED' });
  });

  it('answers PROVIDER_UNAVAILABLE when QQ refuses the connection', async () => {
    const response = await postJson(
      `${idmock.urls.auth!}/rs/device/${CREDENTIALS.device.secret}/QQConnectRequest`,
      { accessToken: 'A'.repeat(32) },
    );
    expect(response.json().error).toEqual({ accessToken: 'PROVIDER_UNAVAILABLE' });
  });

  it('keeps serving and logs the reasons', async () => {
    expect((await get(`${idmock.urls.auth!}/__mock/healthz`)).status).toBe(200);
    expect(logged.map(String).join('\n')).toMatch(/no answer within 300 ms/);
    expect(logged.map(String).join('\n')).toMatch(/ECONNREFUSED/);
  });
});
