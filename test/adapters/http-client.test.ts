import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createKeepAliveFetch, MAX_ANSWER_BYTES } from '../../src/adapters/http-client/index.js';
import { getJson } from '../../src/auth-server/clients/provider-http.js';

const servers: Server[] = [];
const fetches: { close(): void }[] = [];

afterEach(async () => {
  for (const fetch of fetches.splice(0)) fetch.close();
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => {
            resolve();
          });
        }),
    ),
  );
});

async function serve(
  handler: Parameters<typeof createServer>[1],
): Promise<{ url: string; connections: () => number }> {
  const server = createServer(handler);
  let connections = 0;
  server.on('connection', () => connections++);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, connections: () => connections };
}

function keepAlive() {
  const fetch = createKeepAliveFetch();
  fetches.push(fetch);
  return fetch;
}

describe('the keep-alive provider transport', () => {
  it('answers status and text, and sends every call over one kept connection', async () => {
    const target = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`{"path":"${req.url ?? ''}","auth":"${req.headers.authorization ?? ''}"}`);
    });
    const fetch = keepAlive();
    for (let i = 0; i < 5; i++) {
      const answer = await fetch(`${target.url}/sns/auth?i=${i}`, {
        signal: AbortSignal.timeout(1000),
        headers: { authorization: 'Bearer t' },
      });
      expect(answer.status).toBe(200);
      expect(JSON.parse(await answer.text())).toEqual({
        path: `/sns/auth?i=${i}`,
        auth: 'Bearer t',
      });
    }
    expect(target.connections()).toBe(1);
  });

  it('closes its idle connections on close, and lets a call in flight finish', async () => {
    let release = (): void => undefined;
    const closed: string[] = [];
    const target = await serve((req, res) => {
      req.socket.once('close', () => closed.push(req.url ?? ''));
      if (req.url === '/slow') {
        release = () => res.end('slow');
      } else {
        res.end('fast');
      }
    });
    const fetch = keepAlive();
    const signal = AbortSignal.timeout(2000);
    // The slow call holds one connection, so the fast one opens a second and leaves it idle.
    const slow = fetch(`${target.url}/slow`, { signal });
    await vi.waitFor(() => {
      expect(target.connections()).toBe(1);
    });
    expect(await (await fetch(`${target.url}/fast`, { signal })).text()).toBe('fast');
    expect(target.connections()).toBe(2);
    fetch.close();
    await vi.waitFor(() => {
      expect(closed).toEqual(['/fast']);
    });
    release();
    expect(await (await slow).text()).toBe('slow');
  });

  it('rejects with the socket error when the connection is refused', async () => {
    const target = await serve((_req, res) => res.end());
    const url = target.url;
    await new Promise<void>((resolve) =>
      servers.pop()?.close(() => {
        resolve();
      }),
    );
    const check = await getJson(`${url}/sns/auth`, {
      baseUrl: url,
      timeoutMs: 500,
      fetch: keepAlive(),
    });
    expect(check).toEqual({
      kind: 'unavailable',
      reason: expect.stringMatching(/^request failed: ECONNREFUSED /) as unknown,
    });
  });

  it('gives up at the timeout of the call', async () => {
    const target = await serve(() => {
      // Never answers.
    });
    const check = await getJson(`${target.url}/sns/auth`, {
      baseUrl: target.url,
      timeoutMs: 200,
      fetch: keepAlive(),
    });
    expect(check).toEqual({ kind: 'unavailable', reason: 'no answer within 200 ms' });
  });

  it('refuses an answer longer than its limit', async () => {
    const target = await serve((_req, res) => {
      res.end('x'.repeat(MAX_ANSWER_BYTES + 1));
    });
    const check = await getJson(`${target.url}/sns/auth`, {
      baseUrl: target.url,
      timeoutMs: 2000,
      fetch: keepAlive(),
    });
    expect(check).toMatchObject({
      kind: 'unavailable',
      reason: expect.stringMatching(/^request failed: /) as unknown,
    });
  });

  it('reads JSONP and non-2xx answers like the fetch it replaces', async () => {
    const target = await serve((req, res) => {
      if (req.url === '/me') res.end('callback( {"openid":"A"} );\n');
      else {
        res.statusCode = 503;
        res.end('busy');
      }
    });
    const options = { baseUrl: target.url, timeoutMs: 1000, fetch: keepAlive() };
    expect(await getJson(`${target.url}/me`, options)).toEqual({
      kind: 'ok',
      value: { openid: 'A' },
    });
    expect(await getJson(`${target.url}/down`, options)).toEqual({
      kind: 'unavailable',
      reason: 'HTTP 503',
    });
  });
});
