/**
 * The auth server's own secrets, over real sockets: the REST credential secret in the path, the
 * WebSocket apiKey, and the HMAC of the handshake nonce. A wrong one is refused before anything is
 * read or written (no player appears); the right one is accepted, so the checks are not simply
 * refusing everything.
 */
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startIdmock, type RunningIdmock } from '../../src/runtime/start.js';

const DEVICE = { name: 'device', secret: 'dEv1ceS3cretF0rL0calTest1ngOnly0' };
const API_KEY = 'idmock0game1';

let idmock: RunningIdmock;
const auth = (): string => idmock.urls.auth ?? '';

beforeAll(async () => {
  idmock = await startIdmock({ services: ['wechat', 'qq', 'auth'] });
});
afterAll(async () => {
  await idmock.stop();
});

async function players(): Promise<number> {
  const res = await fetch(`${auth()}/__mock/players`);
  return ((await res.json()) as { players: unknown[] }).players.length;
}

function signIn(secret: string, deviceId: string): Promise<Response> {
  return fetch(`${auth()}/rs/${DEVICE.name}/${secret}/DeviceAuthenticationRequest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ deviceId, deviceOS: 'IOS' }),
  });
}

describe('POST /rs/{credential}/{secret}/{request}', () => {
  it.each([
    ['a wrong secret', 'dEv1ceS3cretF0rL0calTest1ngOnly1'],
    ['a prefix of the secret', DEVICE.secret.slice(0, 16)],
    ['the secret and more', `${DEVICE.secret}x`],
    ['another credential’s secret', 's3rverS3cretF0rL0calTest1ngOnly0'],
    ['an empty secret', '%20'],
  ])('refuses %s with 403 and creates nobody', async (_label, secret) => {
    const before = await players();
    const res = await signIn(secret, `device-${secret}`);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { secret: 'UNRECOGNISED' } });
    expect(await players()).toBe(before);
  });

  it('accepts the right secret', async () => {
    const res = await signIn(DEVICE.secret, 'device-right-secret');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ newPlayer: true });
  });
});

interface Socket {
  readonly ws: WebSocket;
  next(): Promise<Record<string, unknown>>;
  readonly closed: Promise<number>;
}

async function open(apiKey = API_KEY): Promise<Socket> {
  const ws = new WebSocket(`${auth().replace(/^http/, 'ws')}/ws/${DEVICE.name}/${apiKey}`);
  const queue: Record<string, unknown>[] = [];
  const waiting: ((message: Record<string, unknown>) => void)[] = [];
  ws.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as Record<string, unknown>;
    const waiter = waiting.shift();
    if (waiter) waiter(message);
    else queue.push(message);
  });
  const closed = once(ws, 'close').then(([code]) => Number(code));
  await once(ws, 'open');
  return {
    ws,
    closed,
    next: () =>
      new Promise((resolve) => {
        const queued = queue.shift();
        if (queued) resolve(queued);
        else waiting.push(resolve);
      }),
  };
}

describe('the WebSocket handshake', () => {
  it('refuses an unknown apiKey at the upgrade', async () => {
    const ws = new WebSocket(`${auth().replace(/^http/, 'ws')}/ws/${DEVICE.name}/wrong-key`);
    ws.on('error', () => undefined);
    const [, res] = (await once(ws, 'unexpected-response')) as [unknown, { statusCode: number }];
    expect(res.statusCode).toBe(403);
    ws.terminate();
  });

  it.each([
    ['an HMAC keyed with another secret', (nonce: string) => hmac(nonce, 'not-the-secret')],
    ['the HMAC of another nonce', () => hmac('another nonce', DEVICE.secret)],
    ['the nonce itself', (nonce: string) => nonce],
    ['no HMAC', () => undefined],
  ])('closes the socket on %s', async (_label, answer) => {
    const socket = await open();
    const { nonce } = (await socket.next()) as { nonce: string };
    socket.ws.send(
      JSON.stringify({ '@class': '.AuthenticatedConnectRequest', hmac: answer(nonce) }),
    );
    expect(await socket.next()).toMatchObject({ error: { hmac: expect.any(String) } });
    expect(await socket.closed).toBe(1008);
  });

  it('accepts the HMAC of the nonce keyed with the credential secret', async () => {
    const socket = await open();
    const { nonce } = (await socket.next()) as { nonce: string };
    socket.ws.send(
      JSON.stringify({
        '@class': '.AuthenticatedConnectRequest',
        hmac: hmac(nonce, DEVICE.secret),
      }),
    );
    expect(await socket.next()).toMatchObject({ sessionId: expect.any(String) });
    socket.ws.close();
    await socket.closed;
  });
});

function hmac(nonce: string, secret: string): string {
  return createHmac('sha256', secret).update(nonce).digest('base64');
}
