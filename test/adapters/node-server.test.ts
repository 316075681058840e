import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { listen, type ListeningServer } from '../../src/adapters/node-server/index.js';
import { json } from '../../src/core/http.js';
import { route, type Service } from '../../src/core/router.js';

const running: ListeningServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

/** A service whose every route answers the URL, host and query its handler saw. */
function echoService(): Service {
  const echo = route<null>('*', 'GET', '/:rest', 'echo.any', (req) =>
    json({ href: req.url.href, hostname: req.url.hostname, q: req.query.get('q') }),
  );
  const root = route<null>('*', 'GET', '/', 'echo.root', (req) =>
    json({ href: req.url.href, hostname: req.url.hostname, q: req.query.get('q') }),
  );
  const service: Service<null> = {
    name: 'echo',
    routes: [root, echo],
    context: null,
    hosts: {},
    renderError: () => json({ error: 'provider' }, { status: 400 }),
    renderRouterError: (kind) => json({ error: kind }, { status: 404 }),
  };
  return service as unknown as Service;
}

/** Sends one raw request line and answers the response body (or the status line on an error). */
function rawGet(port: number, target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.end(`GET ${target} HTTP/1.1\r\nHost: mock.test:7701\r\nConnection: close\r\n\r\n`);
    });
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
    socket.on('end', () => {
      resolve(text.split('\r\n\r\n')[1] ?? text.split('\r\n')[0] ?? '');
    });
    socket.on('error', reject);
  });
}

describe('the node:http transport', () => {
  it.each([
    ['/x?q=1', 'http://mock.test:7701/x?q=1'],
    ['/a/../x?q=%20', 'http://mock.test:7701/x?q=%20'],
    ['/%2e%2e/x', 'http://mock.test:7701/x'],
    ['/?q=r', 'http://mock.test:7701/?q=r'],
  ])('reads the target %s against the Host header as a URL parser would', async (target, href) => {
    const server = await listen(echoService(), { host: '127.0.0.1', port: 0 });
    running.push(server);
    const seen = JSON.parse(await rawGet(server.port, target)) as Record<string, unknown>;
    expect(seen['href']).toBe(href);
    expect(seen['hostname']).toBe('mock.test');
    expect(seen['href']).toBe(new URL(target, 'http://mock.test:7701').href);
  });

  it('never lets a target that reads as an authority change the host', async () => {
    const server = await listen(echoService(), { host: '127.0.0.1', port: 0 });
    running.push(server);
    for (const target of ['//evil.test/x', '/\\evil.test/x']) {
      const answer = await rawGet(server.port, target);
      // Whatever Node makes of it, the request is answered as the URL parser resolves it.
      if (answer.startsWith('{')) {
        const seen = JSON.parse(answer) as Record<string, unknown>;
        expect(seen['href']).toBe(new URL(target, 'http://mock.test:7701').href);
      } else {
        expect(answer).toMatch(/^HTTP\/1\.1 400/);
      }
    }
  });
});
