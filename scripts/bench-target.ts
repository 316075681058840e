/**
 * A comparison server for `scripts/bench.ts`, run in its own process so it never shares an event
 * loop with the load generator. `bare` is plain `node:http`, `express` a minimal Express 5 app;
 * both answer every request with one static JSON body per method, padded to the size of idmock's
 * answer for the endpoint being compared.
 *
 * Usage: `node --import tsx scripts/bench-target.ts <bare|express> [GET=<bytes>] [POST=<bytes>]`.
 * Listens on 127.0.0.1 (a free port) and prints `bench-target ready <url>`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const JSON_TYPE = 'application/json; charset=utf-8';

/** A JSON document of exactly `bytes` bytes (at least the 10 of `{"pad":""}`). */
function paddedJson(bytes: number): Buffer {
  return Buffer.from(`{"pad":"${'x'.repeat(Math.max(0, bytes - 10))}"}`);
}

function bodiesFrom(args: readonly string[]): ReadonlyMap<string, Buffer> {
  const bodies = new Map<string, Buffer>();
  for (const arg of args) {
    const match = /^([A-Z]+)=(\d+)$/.exec(arg);
    if (!match) throw new Error(`bench-target: "${arg}" is not METHOD=<bytes>`);
    bodies.set(match[1] ?? 'GET', paddedJson(Number(match[2])));
  }
  if (!bodies.has('GET')) bodies.set('GET', paddedJson(64));
  return bodies;
}

function createBare(bodies: ReadonlyMap<string, Buffer>): Promise<Server> {
  const fallback = bodies.get('GET') ?? paddedJson(64);
  const server = createServer((req, res) => {
    const body = bodies.get(req.method ?? 'GET') ?? fallback;
    res.writeHead(200, { 'content-type': JSON_TYPE, 'content-length': body.byteLength });
    res.end(body);
  });
  return Promise.resolve(server);
}

async function createExpress(bodies: ReadonlyMap<string, Buffer>): Promise<Server> {
  // Loaded only here, so the bare server's start time does not include Express.
  const { default: express } = await import('express');
  const app = express();
  const texts = new Map([...bodies].map(([method, body]) => [method, body.toString()]));
  const fallback = texts.get('GET') ?? '{}';
  app.use((req, res) => {
    res.type('json').send(texts.get(req.method) ?? fallback);
  });
  return createServer(app);
}

const [kind = '', ...sizes] = process.argv.slice(2);
const factories: Record<string, (bodies: ReadonlyMap<string, Buffer>) => Promise<Server>> = {
  bare: createBare,
  express: createExpress,
};
const factory = factories[kind];
if (factory === undefined) {
  process.stderr.write('usage: bench-target.ts <bare|express> [GET=<bytes>] [POST=<bytes>]\n');
  process.exit(2);
}
const server = await factory(bodiesFrom(sizes));
server.keepAliveTimeout = 5000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`bench-target ready http://127.0.0.1:${port}\n`);
});
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
