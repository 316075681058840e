/**
 * The socket-level pass, through the node:http adapter with raw `net` writes: broken HTTP,
 * generated garbage, oversized headers and bodies, slow (slowloris) headers and bodies, and
 * clients that vanish mid-request. Every answer is a complete HTTP response below 500 whose body
 * is in the service's own error format (or, for a client that vanished, nothing), slow clients are
 * cut off by the timeouts, and the server keeps serving throughout.
 */
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type ListeningServer } from '../../src/adapters/node-server/index.js';
import { controlsOf } from '../../src/core/controls.js';
import { FUZZ_SEED } from './support.js';
import { createInProcessWorld, type InProcessWorld, type ServiceName } from './world.js';

/** Generated raw requests per service. */
const RAW_CASES = 150;

/** Short timeouts, so slow clients are cut off within the test's time. */
const TIMEOUTS = { headersMs: 800, requestMs: 1500, keepAliveMs: 1000, drainMs: 2000 };

const NAMES: readonly ServiceName[] = ['wechat', 'qq', 'auth'];

/** A real path of each service, for the requests that need one. */
const PATHS: Readonly<Record<ServiceName, string>> = {
  wechat: '/sns/oauth2/access_token',
  qq: '/oauth2.0/token',
  auth: '/v1/auth/login',
};

let world: InProcessWorld;
const servers = {} as Record<ServiceName, ListeningServer>;

beforeAll(async () => {
  world = await createInProcessWorld();
  for (const name of NAMES) {
    servers[name] = await listen(world.services[name], {
      host: '127.0.0.1',
      port: 0,
      timeouts: TIMEOUTS,
    });
  }
});

afterAll(async () => {
  for (const name of NAMES) await servers[name].close();
});

/** What came back on a raw connection. */
interface RawAnswer {
  readonly status: number | null;
  readonly head: string;
  readonly body: string;
  /** Milliseconds until the server closed the connection. */
  readonly closedAfter: number;
}

/**
 * Writes bytes (in timed chunks when given several) and reads until the server closes the
 * connection; fails the test if it stays open longer than `waitMs`.
 */
function raw(
  name: ServiceName,
  chunks: readonly (string | Buffer)[],
  options: { gapMs?: number; waitMs?: number; endAfterWrite?: boolean } = {},
): Promise<RawAnswer> {
  const { gapMs = 0, waitMs = 5000 } = options;
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(servers[name].port, '127.0.0.1');
    const received: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept the connection open for ${waitMs} ms`));
    }, waitMs);
    socket.on('data', (data: Buffer) => received.push(data));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(received).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const head = split < 0 ? text : text.slice(0, split);
      resolve({
        status: /^HTTP\/1\.1 (\d{3}) /.exec(head)
          ? Number(/^HTTP\/1\.1 (\d{3}) /.exec(head)?.[1])
          : null,
        head,
        body: split < 0 ? '' : Buffer.from(text.slice(split + 4), 'latin1').toString('utf8'),
        closedAfter: Date.now() - started,
      });
    });
    void (async () => {
      for (const chunk of chunks) {
        if (socket.destroyed) return;
        socket.write(chunk);
        if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
      }
      if (options.endAfterWrite === true && !socket.destroyed) socket.end();
    })();
  });
}

/** Checks an error body is in the service's own format. */
function expectOwnFormat(name: ServiceName, answer: RawAnswer): void {
  expect(answer.status, answer.head).not.toBeNull();
  expect(answer.status).toBeLessThan(500);
  const body = answer.body;
  switch (name) {
    case 'wechat':
      expect(JSON.parse(body)).toMatchObject({
        errcode: expect.any(Number),
        errmsg: expect.any(String),
      });
      break;
    case 'qq':
      expect(body).toMatch(/^callback\( \{"error":\d+,"error_description":"[^"]*"\} \);\n$/);
      break;
    case 'auth':
      expect(JSON.parse(body)).toMatchObject({
        '@class': expect.any(String),
        error: expect.any(Object),
      });
      break;
  }
}

async function expectHealthy(name: ServiceName): Promise<void> {
  const res = await fetch(`${servers[name].url}/__mock/healthz`);
  expect(res.status).toBe(200);
}

describe.each(NAMES)('%s over a raw socket', (name) => {
  it.each([
    ['a garbage request line', 'GARBAGE\r\n\r\n'],
    ['no HTTP version', 'GET /\r\n\r\n'],
    ['a bare LF request', 'GET / HTTP/1.1\nHost: x\n\n'],
    ['an invalid header name', 'GET / HTTP/1.1\r\nHo st: x\r\n\r\n'],
    ['a NUL in a header', 'GET / HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n'],
    [
      'two Content-Lengths',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello',
    ],
    [
      'Content-Length and chunked',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    ],
    ['a negative Content-Length', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n'],
    ['a bad chunk size', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
    [
      'raw non-ASCII in the target',
      Buffer.from('GET /\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n', 'latin1'),
    ],
    ['an absurd method', `${'A'.repeat(5000)} / HTTP/1.1\r\nHost: x\r\n\r\n`],
  ])('answers %s with a 4xx in its own format', async (_label, request) => {
    expectOwnFormat(name, await raw(name, [request]));
    await expectHealthy(name);
  });

  it('serves an HTTP/1.1 request without Host instead of a bare 400', async () => {
    const answer = await raw(name, ['GET /__mock/healthz HTTP/1.1\r\nConnection: close\r\n\r\n']);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ status: 'ok' });
  });

  it('answers a header block over 16 KB with 431 in its own format', async () => {
    const answer = await raw(name, [
      `GET ${PATHS[name]} HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    ]);
    expect(answer.status).toBe(431);
    expectOwnFormat(name, answer);
  });

  it.each([
    [
      'declared',
      (body: string) => [
        `POST ${PATHS[name]} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
        body,
      ],
    ],
    [
      'chunked',
      (body: string) => [
        `POST ${PATHS[name]} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
        `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
      ],
    ],
  ] as const)('answers a 2 MB %s body with 413 in its own format', async (_label, build) => {
    const answer = await raw(name, build(`"${'x'.repeat(2 * 1024 * 1024)}"`));
    expect(answer.status).toBe(413);
    if (name === 'auth') {
      // The login API's paths answer in the login envelope.
      expect(JSON.parse(answer.body)).toMatchObject({ title: 'PAYLOAD_TOO_LARGE' });
    } else {
      expectOwnFormat(name, answer);
    }
    await expectHealthy(name);
  });

  it('cuts off slow headers (slowloris) while serving everyone else', async () => {
    const lines = [
      `GET ${PATHS[name]} HTTP/1.1\r\n`,
      ...Array.from({ length: 40 }, (_, i) => `X-${i}: a\r\n`),
    ];
    const slow = Array.from({ length: 10 }, () => raw(name, lines, { gapMs: 200, waitMs: 6000 }));
    const started = Date.now();
    await expectHealthy(name);
    expect(Date.now() - started).toBeLessThan(500);
    for (const answer of await Promise.all(slow)) {
      expect(answer.closedAfter).toBeLessThan(TIMEOUTS.headersMs + 2500);
      expect(answer.status).toBe(408);
    }
  });

  it('cuts off a body that never finishes, without dispatching it', async () => {
    const before = controlsOf(world.services[name]).journal.query().length;
    const answer = await raw(
      name,
      [
        `POST ${PATHS[name]} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":`,
      ],
      { waitMs: 6000 },
    );
    expect(answer.closedAfter).toBeLessThan(TIMEOUTS.requestMs + 2500);
    expect(answer.status).toBe(408);
    expect(controlsOf(world.services[name]).journal.query()).toHaveLength(before);
  });

  it('drops a request whose client leaves mid-body, without dispatching it', async () => {
    const before = controlsOf(world.services[name]).journal.query().length;
    await raw(
      name,
      [`POST /__mock/clock/reset HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{"a":`],
      { endAfterWrite: true },
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(controlsOf(world.services[name]).journal.query()).toHaveLength(before);
    await expectHealthy(name);
  });

  it(`answers ${RAW_CASES} generated broken requests below 500 and stays up`, async () => {
    const line = fc.constantFrom(
      `GET ${PATHS[name]}?a=1 HTTP/1.1`,
      `POST ${PATHS[name]} HTTP/1.1`,
      'GET /__mock/healthz HTTP/1.1',
      'OPTIONS * HTTP/1.1',
      'GET http://evil.example/ HTTP/1.1',
      'CONNECT evil.example:443 HTTP/1.1',
      'GET / HTTP/1.0',
      'GET / HTTP/2.0',
      'PRI * HTTP/2.0',
    );
    const header = fc.oneof(
      fc.constantFrom(
        'Host: x',
        'Connection: close',
        'Content-Length: 3',
        'Content-Length: 99999999999',
        'Transfer-Encoding: chunked',
        'Transfer-Encoding: gzip, chunked',
        'Content-Type: application/json',
        'Expect: 100-continue',
        'Upgrade: websocket',
        'X-Forwarded-For: 10.0.0.5',
      ),
      fc
        .tuple(fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 24 }))
        .map(([k, v]) => `${k}: ${v}`),
    );
    const request = fc.record({
      line,
      headers: fc.array(header, { maxLength: 6 }),
      separator: fc.constantFrom('\r\n', '\n', '\r', '\r\n\r\n'),
      body: fc.oneof(
        fc.constant(''),
        fc.string({ unit: 'binary', maxLength: 64 }),
        fc.constant('0\r\n\r\n'),
      ),
    });
    await fc.assert(
      fc.asyncProperty(request, async ({ line: first, headers, separator, body }) => {
        const text = `${[first, ...headers].join(separator)}\r\nConnection: close\r\n\r\n${body}`;
        const answer = await raw(name, [Buffer.from(text, 'utf8')], { endAfterWrite: true });
        if (answer.status !== null) expect(answer.status).toBeLessThan(500);
      }),
      { numRuns: RAW_CASES, seed: FUZZ_SEED },
    );
    await expectHealthy(name);
  }, 60_000);
});

describe('a server closing with requests in flight', () => {
  it('lets them finish, releases held polls, and closes in bounded time', async () => {
    const local = await createInProcessWorld({ config: { wechat: { longPollHoldSeconds: 60 } } });
    const server = await listen(local.services.wechat, {
      host: '127.0.0.1',
      port: 0,
      timeouts: TIMEOUTS,
    });
    const xml = await fetch(
      `${server.url}/connect/qrconnect?appid=wx1a2b3c4d5e6f7081&redirect_uri=http://localhost/cb&scope=snsapi_login&f=xml`,
    );
    const uuid = /CDATA\[([^\]]+)\]/.exec(await xml.text())?.[1] ?? '';
    await fetch(`${server.url}/__mock/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ route: 'wechat.checkAccessToken', delay: 400, times: 'always' }),
    });
    const slow = Array.from({ length: 5 }, () =>
      fetch(`${server.url}/sns/auth`).then((r) => r.text()),
    );
    const poll = fetch(`${server.url}/connect/l/qrconnect?uuid=${uuid}`).then((r) => r.text());
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(TIMEOUTS.drainMs);
    for (const text of await Promise.all(slow))
      expect(JSON.parse(text)).toMatchObject({ errcode: 41001 });
    expect(await poll).toBe("window.wx_errcode=408;window.wx_code='';");
  });
});
