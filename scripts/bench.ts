/**
 * `npm run bench`: how fast and how lean the servers of `idmock start` are, next to the machine's
 * limit (a bare `node:http` server answering a static JSON body of the same size) and a minimal
 * Express 5 app answering the same. Loopback only and bounded in time.
 *
 * Every server runs in its own child process; autocannon runs here, so the load generator never
 * shares an event loop with the server it measures. Prints markdown tables: throughput and p99
 * latency per endpoint with ratios, start time to the ready line, and the idmock process's RSS and
 * live heap idle and after a short, a middle and a long run, beside the bare server's RSS after the
 * same requests. Rows are the `SCENARIOS` table below.
 *
 * Options (flag or environment variable), e.g. `npm run bench -- --parts=start --starts=9`:
 *   --duration=<s>     BENCH_DURATION     seconds per measured run (5)
 *   --warmup=<s>       BENCH_WARMUP       seconds of discarded warm-up per server (1)
 *   --rounds=<n>       BENCH_ROUNDS       alternating runs per server, best one reported (1)
 *   --connections=<n>  BENCH_CONNECTIONS  concurrent connections (32)
 *   --short=<n>        BENCH_SHORT        requests before the first memory reading (10000)
 *   --long=<n>         BENCH_LONG         requests before the last memory reading (1000000)
 *   --memory-cap=<s>   BENCH_MEMORY_CAP   longest time the long run may take (120)
 *   --budget=<s>       BENCH_BUDGET       whole-script target; the long run is cut to fit (360)
 *   --starts=<n>       BENCH_STARTS       start-time samples per server, median reported (5)
 *   --only=<a,b>       BENCH_ONLY         throughput rows to run, by name (all)
 *   --parts=<a,b>      BENCH_PARTS        throughput,start,memory (all three)
 *   --no-build         BENCH_BUILD=0      skip building; use dist/bin/ if present, else tsx only
 *   --json=<file>      BENCH_JSON         also write the raw figures as JSON
 */
import autocannon from 'autocannon';
import WebSocket from 'ws';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { SERVICE_NAMES, type ServiceName } from '../src/runtime/config.js';
import { SERVICE_BUILDERS } from '../src/runtime/services.js';
import { AUTH_DEFAULTS } from '../src/auth-server/defaults.js';
import { bundleCli } from './bundle-cli.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// ---------------------------------------------------------------------------------------------
// Options

interface BenchOptions {
  readonly duration: number;
  readonly warmup: number;
  readonly rounds: number;
  readonly connections: number;
  readonly shortN: number;
  readonly longN: number;
  readonly memoryCap: number;
  readonly budget: number;
  readonly starts: number;
  readonly only: readonly string[] | null;
  readonly parts: readonly string[];
  readonly build: boolean;
  readonly json: string | null;
}

const PARTS: readonly string[] = ['throughput', 'start', 'memory'];

function readOptions(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match?.[1]) throw new Error(`bench: unknown argument "${arg}"`);
    flags.set(match[1], match[2] ?? 'true');
  }
  const pick = (flag: string, variable: string): string | undefined =>
    flags.get(flag) ?? env[variable];
  const number = (flag: string, variable: string, fallback: number): number => {
    const raw = pick(flag, variable);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) {
      throw new Error(`bench: --${flag} / ${variable} must be a positive number, not "${raw}"`);
    }
    return value;
  };
  const only = pick('only', 'BENCH_ONLY');
  const parts = (pick('parts', 'BENCH_PARTS') ?? PARTS.join(',')).split(',');
  const unknownParts = parts.filter((part) => !PARTS.includes(part));
  if (unknownParts.length > 0) {
    throw new Error(`bench: unknown --parts ${unknownParts.join(', ')} (use ${PARTS.join(',')})`);
  }
  return {
    duration: number('duration', 'BENCH_DURATION', 5),
    warmup: number('warmup', 'BENCH_WARMUP', 1),
    rounds: Math.round(number('rounds', 'BENCH_ROUNDS', 1)),
    connections: Math.round(number('connections', 'BENCH_CONNECTIONS', 32)),
    shortN: Math.round(number('short', 'BENCH_SHORT', 10_000)),
    longN: Math.round(number('long', 'BENCH_LONG', 1_000_000)),
    memoryCap: number('memory-cap', 'BENCH_MEMORY_CAP', 120),
    budget: number('budget', 'BENCH_BUDGET', 360),
    starts: Math.round(number('starts', 'BENCH_STARTS', 5)),
    only: only === undefined ? null : only.split(',').map((name) => name.trim()),
    parts,
    build: !flags.has('no-build') && env['BENCH_BUILD'] !== '0',
    json: pick('json', 'BENCH_JSON') ?? null,
  };
}

// ---------------------------------------------------------------------------------------------
// Child processes

/** How a server is started: `node <args>` for idmock's CLI and for the comparison servers. */
interface Launcher {
  /** `tsx` (transpiled on load, as `npm start` runs) or `compiled` (the bundle `npx idmock` runs). */
  readonly label: string;
  readonly idmock: readonly string[];
  readonly target: readonly string[];
}

const TSX_LAUNCHER: Launcher = {
  label: 'tsx',
  idmock: ['--import', 'tsx', join(ROOT, 'src/cli/main.ts')],
  target: ['--import', 'tsx', join(ROOT, 'scripts/bench-target.ts')],
};

interface Server {
  readonly child: ChildProcess;
  /** Service URLs from the ready line (`{ server }` for the comparison servers). */
  readonly urls: Readonly<Record<string, string>>;
  /** Milliseconds from spawning the process to its ready line. */
  readonly readyMs: number;
  /** What the process wrote to stderr so far. */
  stderr(): string;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
const cleanups: (() => Promise<void>)[] = [];

/** Spawns `node <args>` and resolves once stdout shows a line matching `ready`. */
function startServer(args: readonly string[], ready: RegExp): Promise<Server> {
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  running.add(child);
  const exited = new Promise<void>((done) => {
    child.once('exit', () => {
      done();
    });
  });
  void exited.then(() => running.delete(child));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolveServer, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`bench: no ready line within 30 s from node ${args.join(' ')}\n${stderr}`));
    }, 30_000);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      if (stdout.length > 4096) return;
      stdout += chunk.toString();
      const line = stdout.split('\n').find((candidate) => ready.test(candidate));
      if (line === undefined) return;
      const readyMs = performance.now() - started;
      clearTimeout(timer);
      const urls: Record<string, string> = {};
      for (const [, name, url] of line.matchAll(/(?:(\w+)=)?(http:\/\/\S+)/g)) {
        if (url !== undefined) urls[name ?? 'server'] = url;
      }
      resolveServer({ child, urls, readyMs, stderr: () => stderr, stop });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bench: node ${args.join(' ')} exited with ${code}\n${stderr}`));
    });
  });
}

const IDMOCK_READY = /^idmock ready /;
const TARGET_READY = /^bench-target ready /;

/** `idmock start <services>` on free loopback ports, with optional flags for node itself. */
function startIdmockCli(
  launcher: Launcher,
  services: readonly ServiceName[],
  nodeFlags: readonly string[] = [],
): Promise<Server> {
  const ports = services.flatMap((name) => [`--${name}-port`, '0']);
  return startServer(
    [...nodeFlags, ...launcher.idmock, 'start', ...services, '--host', '127.0.0.1', ...ports],
    IDMOCK_READY,
  );
}

type TargetKind = 'bare' | 'express';

/** A comparison server answering `sizes[method]` bytes of static JSON. */
function startTarget(
  launcher: Launcher,
  kind: TargetKind,
  sizes: Readonly<Record<string, number>> = {},
): Promise<Server> {
  const sizeArgs = Object.entries(sizes).map(([method, bytes]) => `${method}=${bytes}`);
  return startServer([...launcher.target, kind, ...sizeArgs], TARGET_READY);
}

/** Resident set size of a process in bytes (Linux `/proc`, else `ps`). */
async function rssOf(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
    if (kb !== undefined) return Number(kb) * 1024;
  } catch {
    // Not Linux: fall through to ps.
  }
  const ps = spawnSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' });
  return Number(ps.stdout.trim()) * 1024;
}

/**
 * The live JS heap of a process started with `--inspect`, after a full garbage collection, read
 * over the inspector protocol. RSS also counts heap V8 has not given back yet; this does not, so
 * it tells growth that no collection can undo (a leak) from a heap that is merely large.
 */
async function heapAfterGc(server: Server): Promise<number> {
  const url = /Debugger listening on (ws:\/\/\S+)/.exec(server.stderr())?.[1];
  if (url === undefined) throw new Error('bench: the idmock process has no inspector URL');
  const socket = new WebSocket(url);
  await new Promise<void>((done, fail) => {
    socket.once('open', () => {
      done();
    });
    socket.once('error', fail);
  });
  let nextId = 0;
  const call = (method: string): Promise<Record<string, unknown>> =>
    new Promise((done) => {
      const id = ++nextId;
      const onMessage = (data: Buffer): void => {
        const message = JSON.parse(data.toString()) as { id?: number; result?: object };
        if (message.id !== id) return;
        socket.off('message', onMessage);
        done((message.result ?? {}) as Record<string, unknown>);
      };
      socket.on('message', onMessage);
      socket.send(JSON.stringify({ id, method }));
    });
  try {
    await call('HeapProfiler.collectGarbage');
    const usage = await call('Runtime.getHeapUsage');
    return Number(usage['usedSize']);
  } finally {
    socket.close();
  }
}

/**
 * Builds, in a temporary directory (never touching the working tree's `dist/`), what `npx idmock`
 * runs: the command bundled by `scripts/bundle-cli.ts` exactly as `npm run build` bundles it, and
 * the comparison server compiled to plain JS, so start time and memory are read as users see them.
 */
async function compiledLauncher(options: BenchOptions): Promise<Launcher | null> {
  const dist = join(ROOT, 'dist/bin/idmock.js');
  if (!options.build) {
    if (!existsSync(dist)) return null;
    return { ...TSX_LAUNCHER, label: 'compiled (dist/)', idmock: [dist] };
  }
  const dir = await mkdtemp(join(tmpdir(), 'idmock-bench-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  let bundled: string;
  try {
    // The same function and options as `npm run build`: only the directory differs.
    bundled = (await bundleCli({ outDir: join(dir, 'dist/bin') })).entry;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    process.stderr.write(`bench: bundling failed (${reason}); measuring with tsx only\n`);
    return null;
  }
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  // Type checking is `npm run typecheck`'s job; --noCheck keeps this step to a few seconds.
  const result = spawnSync(
    process.execPath,
    [
      tsc,
      join(ROOT, 'scripts/bench-target.ts'),
      ...['--outDir', join(dir, 'scripts'), '--rootDir', join(ROOT, 'scripts')],
      ...['--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2023'],
      ...['--types', 'node', '--skipLibCheck', '--declaration', 'false', '--sourceMap', 'false'],
      ...['--noEmitOnError', 'false', '--noCheck'],
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (result.status !== 0) {
    process.stderr.write(`bench: tsc reported problems (emitting anyway):\n${result.stdout}\n`);
  }
  if (!existsSync(join(dir, 'scripts/bench-target.js'))) {
    process.stderr.write(
      'bench: compiling the comparison server failed; measuring with tsx only\n',
    );
    return null;
  }
  // The bundle finds its world at ../../mock-providers and its external packages up the tree.
  await writeFile(join(dir, 'package.json'), '{"type":"module"}\n');
  await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  await symlink(join(ROOT, 'mock-providers'), join(dir, 'mock-providers'), 'dir');
  await symlink(join(ROOT, 'contracts'), join(dir, 'contracts'), 'dir');
  return {
    label: 'compiled',
    idmock: [bundled],
    target: [join(dir, 'scripts/bench-target.js')],
  };
}

// ---------------------------------------------------------------------------------------------
// Scenarios

/** Per-connection state of a request sequence (what earlier steps answered). */
type StepContext = Record<string, string>;

/** One request of a scenario's sequence, which each connection repeats in order. */
interface Step {
  readonly method: 'GET' | 'POST';
  /** Path and query; may use what earlier steps of the same sequence stored in the context. */
  readonly path: string | ((context: StepContext) => string);
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Reads idmock's answer into the context and says whether it was right. It runs for the
   * comparison servers too (their answers are ignored), so the load generator does the same work.
   */
  readonly read?: (body: string, context: StepContext) => boolean;
  /** Checks a sampled answer before and after the run (for steps without `read`). */
  readonly check?: (body: string) => boolean;
}

/** What a scenario measures, built from live fixtures once idmock is up. */
interface Plan {
  readonly steps: readonly Step[];
}

/** A row of the throughput table. */
interface Scenario {
  readonly name: string;
  /** The `idmock start` service that answers it. */
  readonly service: ServiceName;
  /** Obtains fixtures (apps, tokens) over HTTP from the running service; absent while pending. */
  readonly prepare?: (baseUrl: string, urls: Readonly<Record<string, string>>) => Promise<Plan>;
}

async function fetchJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  const text = await response.text();
  if (!response.ok) throw new Error(`bench: ${url} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

interface WechatFixture {
  readonly appid: string;
  readonly secret: string;
  readonly user: string;
  readonly authorizeBody: string;
}

/** Fixtures for a WeChat app: the given one, else the seeded website app on `localhost`. */
async function wechatFixture(base: string, wanted?: { appid: string }): Promise<WechatFixture> {
  const { apps } = await fetchJson<{
    apps: { appid: string; secret: string; kind: string; callbackDomain: string | null }[];
  }>(`${base}/__mock/apps`);
  const app = apps.find((a) =>
    wanted === undefined
      ? a.kind === 'website' && a.callbackDomain === 'localhost'
      : a.appid === wanted.appid,
  );
  const { users } = await fetchJson<{ users: { id: string }[] }>(`${base}/__mock/users`);
  const user = users[0]?.id;
  if (!app || user === undefined) throw new Error('bench: the WeChat world has no website app');
  const authorizeBody = JSON.stringify(
    app.kind === 'mobile'
      ? { appid: app.appid, scope: 'snsapi_userinfo', state: 'bench', user }
      : {
          appid: app.appid,
          redirect_uri: 'http://localhost/callback',
          scope: 'snsapi_login',
          state: 'bench',
          user,
        },
  );
  return { appid: app.appid, secret: app.secret, user, authorizeBody };
}

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

function exchangePath(fixture: WechatFixture, code: string): string {
  return `/sns/oauth2/access_token?${new URLSearchParams({
    appid: fixture.appid,
    secret: fixture.secret,
    code,
    grant_type: 'authorization_code',
  }).toString()}`;
}

/** A WeChat access token for the first persona, via headless consent and the code exchange. */
async function wechatToken(
  base: string,
  app?: { appid: string },
): Promise<{ accessToken: string; openid: string }> {
  const fixture = await wechatFixture(base, app);
  const { code } = await fetchJson<{ code: string }>(`${base}/__mock/authorize`, {
    method: 'POST',
    headers: JSON_HEADERS,
    body: fixture.authorizeBody,
  });
  const token = await fetchJson<{ access_token?: string; openid?: string; errmsg?: string }>(
    `${base}${exchangePath(fixture, code)}`,
  );
  if (token.access_token === undefined || token.openid === undefined) {
    throw new Error(`bench: code exchange failed: ${JSON.stringify(token)}`);
  }
  return { accessToken: token.access_token, openid: token.openid };
}

function tokenQuery(token: { accessToken: string; openid: string }): string {
  return new URLSearchParams({ access_token: token.accessToken, openid: token.openid }).toString();
}

/** A QQ access token (implicit grant) for the first QQ persona and the first app. */
async function qqToken(base: string): Promise<string> {
  const { apps } = await fetchJson<{ apps: { client_id: string; callbacks: string[] }[] }>(
    `${base}/__mock/apps`,
  );
  const { users } = await fetchJson<{ users: { id: string }[] }>(`${base}/__mock/users`);
  const app = apps[0];
  const user = users[0]?.id;
  if (app === undefined || user === undefined) throw new Error('bench: the QQ world is empty');
  const { access_token: accessToken } = await fetchJson<{ access_token: string }>(
    `${base}/__mock/authorize`,
    {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({
        client_id: app.client_id,
        redirect_uri: app.callbacks[0],
        scope: 'get_user_info',
        state: 'bench',
        user,
        response_type: 'token',
      }),
    },
  );
  return accessToken;
}

const CODE_IN_BODY = /"code":"([^"]+)"/;

/**
 * The rows measured. To add one, append a {@link Scenario}; a scenario whose service
 * `idmock start` does not serve yet is listed as pending instead of measured.
 */
const SCENARIOS: readonly Scenario[] = [
  {
    name: 'wechat /sns/userinfo',
    service: 'wechat',
    async prepare(base) {
      const query = tokenQuery(await wechatToken(base));
      const check = (body: string): boolean => body.includes('"nickname"');
      return { steps: [{ method: 'GET', path: `/sns/userinfo?${query}`, check }] };
    },
  },
  {
    name: 'wechat /sns/auth',
    service: 'wechat',
    async prepare(base) {
      const query = tokenQuery(await wechatToken(base));
      const check = (body: string): boolean => body === '{"errcode":0,"errmsg":"ok"}';
      return { steps: [{ method: 'GET', path: `/sns/auth?${query}`, check }] };
    },
  },
  {
    name: 'wechat consent + code exchange (2 req)',
    service: 'wechat',
    async prepare(base) {
      const fixture = await wechatFixture(base);
      return {
        steps: [
          {
            method: 'POST',
            path: '/__mock/authorize',
            headers: JSON_HEADERS,
            body: fixture.authorizeBody,
            read: (body, context) => {
              context['code'] = CODE_IN_BODY.exec(body)?.[1] ?? 'none';
              return context['code'] !== 'none';
            },
          },
          {
            method: 'GET',
            path: (context) => exchangePath(fixture, context['code'] ?? 'none'),
            read: (body) => body.includes('"access_token"'),
          },
        ],
      };
    },
  },
  {
    name: 'qq /oauth2.0/me',
    service: 'qq',
    async prepare(base) {
      const accessToken = await qqToken(base);
      const check = (body: string): boolean => body.startsWith('callback( {"client_id"');
      return {
        steps: [{ method: 'GET', path: `/oauth2.0/me?access_token=${accessToken}`, check }],
      };
    },
  },
  {
    // Each request makes the auth server check the token with the WeChat mock over HTTP.
    name: 'auth WeChatConnectRequest (REST)',
    service: 'auth',
    async prepare(base, urls) {
      const wechat = urls['wechat'];
      if (wechat === undefined) throw new Error('bench: the connect request needs the WeChat mock');
      const token = await wechatToken(wechat, AUTH_DEFAULTS.wechat);
      const { credentials } = await fetchJson<{ credentials: { name: string; restUrl: string }[] }>(
        `${base}/__mock/credentials`,
      );
      const rest = credentials.find((credential) => credential.name === 'device')?.restUrl;
      if (rest === undefined) throw new Error('bench: the auth server has no "device" credential');
      const body = JSON.stringify({
        '@class': '.WeChatConnectRequest',
        accessToken: token.accessToken,
        openId: token.openid,
      });
      const check = (answer: string): boolean =>
        answer.includes('"userId"') && !answer.includes('"error"');
      const path = `${new URL(rest).pathname}WeChatConnectRequest`;
      return { steps: [{ method: 'POST', path, headers: JSON_HEADERS, body, check }] };
    },
  },
  // Extension point: a row whose service `idmock start` does not serve, or without `prepare`, is
  // listed as pending, never with made-up numbers.
];

// ---------------------------------------------------------------------------------------------
// Measuring

interface RunFigures {
  readonly requestsPerSecond: number;
  readonly p99Ms: number;
  readonly requests: number;
  /** Transport errors, non-2xx answers and answers a step's `read` rejected. */
  readonly wrong: number;
  /** Whether an amount run was stopped at its time cap before reaching the amount. */
  readonly cut: boolean;
}

function toAutocannonRequests(
  plan: Plan,
  counters: { wrong: number },
  judge: boolean,
): autocannon.Request[] {
  return plan.steps.map((step): autocannon.Request => {
    const request: autocannon.Request = { method: step.method };
    if (typeof step.path === 'string') request.path = step.path;
    else {
      const path = step.path;
      request.setupRequest = (req, context) => ({ ...req, path: path(context as StepContext) });
    }
    if (step.body !== undefined) request.body = step.body;
    if (step.headers !== undefined) request.headers = { ...step.headers };
    const read = step.read;
    if (read !== undefined) {
      request.onResponse = (status, body, context) => {
        const right = read(body, context as StepContext);
        if (judge && (status !== 200 || !right)) counters.wrong++;
      };
    }
    return request;
  });
}

async function load(
  url: string,
  plan: Plan,
  options: { connections: number; judge: boolean } & (
    { duration: number } | { amount: number; cap: number }
  ),
): Promise<RunFigures> {
  const counters = { wrong: 0, cut: false };
  let cap: NodeJS.Timeout | undefined;
  const result = await new Promise<autocannon.Result>((done, fail) => {
    const instance = autocannon(
      {
        url,
        connections: options.connections,
        requests: toAutocannonRequests(plan, counters, options.judge),
        initialContext: {},
        ...('duration' in options ? { duration: options.duration } : { amount: options.amount }),
      },
      (error: Error | null, finished: autocannon.Result) => {
        if (error) fail(error);
        else done(finished);
      },
    );
    // The amount runs stop at the cap, so the script stays bounded in time on a slow machine.
    if ('cap' in options) {
      cap = setTimeout(() => {
        counters.cut = true;
        instance.stop();
      }, options.cap * 1000);
    }
  });
  clearTimeout(cap);
  return {
    requestsPerSecond: result.requests.average,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    // Stopping at the cap aborts the requests in flight; those are not wrong answers.
    wrong: counters.wrong + (counters.cut ? 0 : result.errors) + result.non2xx,
    cut: counters.cut,
  };
}

/** Fetches each step once, in order, and returns the byte size of each answer by method. */
async function answerSizes(base: string, plan: Plan): Promise<Record<string, number>> {
  const context: StepContext = {};
  const sizes: Record<string, number> = {};
  for (const step of plan.steps) {
    const path = typeof step.path === 'string' ? step.path : step.path(context);
    const response = await fetch(`${base}${path}`, {
      method: step.method,
      ...(step.headers === undefined ? {} : { headers: step.headers }),
      ...(step.body === undefined ? {} : { body: step.body }),
    });
    const body = await response.text();
    const right =
      response.status === 200 &&
      (step.read?.(body, context) ?? true) &&
      (step.check?.(body) ?? true);
    if (!right)
      throw new Error(`bench: ${step.method} ${path} answered ${response.status}: ${body}`);
    sizes[step.method] = Buffer.byteLength(body);
  }
  return sizes;
}

interface ScenarioFigures {
  readonly name: string;
  readonly sizes: Readonly<Record<string, number>>;
  readonly idmock: RunFigures;
  readonly bare: RunFigures;
  readonly express: RunFigures;
}

/** The better of two runs: noise from other work on the machine only ever slows a run down. */
function best(a: RunFigures | undefined, b: RunFigures): RunFigures {
  return a !== undefined && a.requestsPerSecond >= b.requestsPerSecond
    ? { ...a, wrong: a.wrong + b.wrong }
    : { ...b, wrong: b.wrong + (a?.wrong ?? 0) };
}

async function benchScenario(
  scenario: Scenario,
  idmock: Server,
  launcher: Launcher,
  options: BenchOptions,
): Promise<ScenarioFigures> {
  const base = idmock.urls[scenario.service];
  if (base === undefined) throw new Error(`bench: idmock did not start ${scenario.service}`);
  if (scenario.prepare === undefined) throw new Error(`bench: ${scenario.name} is pending`);
  const plan = await scenario.prepare(base, idmock.urls);
  const sizes = await answerSizes(base, plan);
  const bare = await startTarget(launcher, 'bare', sizes);
  const express = await startTarget(launcher, 'express', sizes);
  try {
    const targets = [
      { key: 'idmock', url: base, judge: true },
      { key: 'bare', url: bare.urls['server'] ?? '', judge: false },
      { key: 'express', url: express.urls['server'] ?? '', judge: false },
    ] as const;
    const common = { connections: options.connections };
    for (const target of targets) {
      await load(target.url, plan, { ...common, judge: false, duration: options.warmup });
    }
    // Rounds alternate the three servers, so a burst of other work hits one round, not one server.
    const figures: Partial<Record<(typeof targets)[number]['key'], RunFigures>> = {};
    for (let round = 0; round < options.rounds; round++) {
      for (const target of targets) {
        const run = await load(target.url, plan, {
          ...common,
          judge: target.judge,
          duration: options.duration,
        });
        figures[target.key] = best(figures[target.key], run);
      }
    }
    await answerSizes(base, plan); // idmock still answers correctly after the runs
    if (!figures.idmock || !figures.bare || !figures.express) throw new Error('bench: no runs');
    return {
      name: scenario.name,
      sizes,
      idmock: figures.idmock,
      bare: figures.bare,
      express: figures.express,
    };
  } finally {
    await Promise.all([bare.stop(), express.stop()]);
  }
}

interface StartFigures {
  readonly launcher: string;
  readonly bareMs: number;
  readonly idmockMs: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function benchStart(
  launcher: Launcher,
  services: readonly ServiceName[],
  options: BenchOptions,
): Promise<StartFigures> {
  const bare: number[] = [];
  const idmock: number[] = [];
  // One discarded round warms the file system cache, then the two alternate.
  for (let round = 0; round <= options.starts; round++) {
    const a = await startTarget(launcher, 'bare');
    await a.stop();
    const b = await startIdmockCli(launcher, services);
    await b.stop();
    if (round === 0) continue;
    bare.push(a.readyMs);
    idmock.push(b.readyMs);
  }
  return { launcher: launcher.label, bareMs: median(bare), idmockMs: median(idmock) };
}

/** One memory reading of the idmock process. */
interface MemoryPoint {
  readonly label: string;
  readonly requests: number;
  /** Resident set size as the process has it, read before any forced collection. */
  readonly rssBytes: number;
  /** Live JS heap after a full collection. */
  readonly heapBytes: number;
}

interface MemoryFigures {
  readonly launcher: string;
  readonly scenario: string;
  readonly points: readonly MemoryPoint[];
  /** The long run hit its time cap before its request count. */
  readonly cut: boolean;
  /**
   * The bare `node:http` server (the same static body) under the same requests: what Node and V8
   * alone do to RSS over such a run, the reference for idmock's growth.
   */
  readonly bare: readonly Omit<MemoryPoint, 'heapBytes'>[];
}

const settle = (ms: number): Promise<void> =>
  new Promise((done) => {
    setTimeout(done, ms);
  });

async function benchMemory(
  launcher: Launcher,
  services: readonly ServiceName[],
  options: BenchOptions,
  capSeconds: number,
): Promise<MemoryFigures> {
  const scenario = SCENARIOS[0];
  if (scenario?.prepare === undefined) throw new Error('bench: no scenario for the memory run');
  // The inspector only answers the heap readings; nothing is attached while the load runs.
  const idmock = await startIdmockCli(launcher, services, ['--inspect=127.0.0.1:0']);
  try {
    const pid = idmock.child.pid ?? 0;
    const base = idmock.urls[scenario.service] ?? '';
    const points: MemoryPoint[] = [];
    const read = async (label: string, requests: number): Promise<void> => {
      await settle(500);
      const rssBytes = await rssOf(pid);
      points.push({ label, requests, rssBytes, heapBytes: await heapAfterGc(idmock) });
    };
    await settle(500);
    await read('idle', 0);
    const plan = await scenario.prepare(base, idmock.urls);
    const sizes = await answerSizes(base, plan);
    const common = { connections: options.connections, judge: true };
    // A reading in between (ten times the short run) shows whether growth goes on or levels off.
    const mid = options.shortN * 10;
    const stages = [
      { label: 'short run', upTo: options.shortN, cap: 60 },
      ...(mid < options.longN ? [{ label: 'mid run', upTo: mid, cap: 60 }] : []),
      { label: 'long run', upTo: options.longN, cap: capSeconds },
    ];
    const amounts: number[] = [];
    let total = 0;
    let wrong = 0;
    let cut = false;
    for (const stage of stages) {
      const amount = stage.upTo - total;
      const run: Pick<RunFigures, 'requests' | 'wrong' | 'cut'> =
        amount > 0 && !cut
          ? await load(base, plan, { ...common, amount, cap: stage.cap })
          : { requests: 0, wrong: 0, cut };
      total += run.requests;
      wrong += run.wrong;
      cut = run.cut;
      amounts.push(run.requests);
      await read(stage.label, total);
    }
    if (wrong > 0) throw new Error(`bench: ${wrong} wrong answers in the memory run`);
    await idmock.stop();
    // The same numbers of requests, so the readings compare like for like.
    const bare = await bareMemory(
      launcher,
      plan,
      sizes,
      options,
      stages.map((stage, index) => ({ label: stage.label, amount: amounts[index] ?? 0 })),
    );
    return { launcher: launcher.label, scenario: scenario.name, points, cut, bare };
  } finally {
    await idmock.stop();
  }
}

/** RSS of the bare comparison server, idle and after the given runs of requests (in turn). */
async function bareMemory(
  launcher: Launcher,
  plan: Plan,
  sizes: Readonly<Record<string, number>>,
  options: BenchOptions,
  runs: readonly { readonly label: string; readonly amount: number }[],
): Promise<Omit<MemoryPoint, 'heapBytes'>[]> {
  const bare = await startTarget(launcher, 'bare', sizes);
  try {
    const pid = bare.child.pid ?? 0;
    const url = bare.urls['server'] ?? '';
    const points: Omit<MemoryPoint, 'heapBytes'>[] = [];
    await settle(500);
    points.push({ label: 'idle', requests: 0, rssBytes: await rssOf(pid) });
    let total = 0;
    for (const { label, amount } of runs) {
      const common = { connections: options.connections, judge: false };
      const run =
        amount > 0 ? await load(url, plan, { ...common, amount, cap: 60 }) : { requests: 0 };
      total += run.requests;
      await settle(500);
      points.push({ label, requests: total, rssBytes: await rssOf(pid) });
    }
    return points;
  } finally {
    await bare.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// Report

const int = (value: number): string => Math.round(value).toLocaleString('en-US');
const ms = (value: number): string =>
  value < 10 ? value.toFixed(1) : Math.round(value).toString();
const ratio = (value: number): string => (Number.isFinite(value) ? value.toFixed(2) : '—');
const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

function throughputTable(figures: readonly ScenarioFigures[], pending: readonly string[]): string {
  const rows = figures.map((f) => [
    f.name,
    int(f.idmock.requestsPerSecond),
    ratio(f.idmock.requestsPerSecond / f.bare.requestsPerSecond),
    ratio(f.idmock.requestsPerSecond / f.express.requestsPerSecond),
    ms(f.idmock.p99Ms),
    ratio(f.idmock.p99Ms / f.bare.p99Ms),
    ratio(f.idmock.p99Ms / f.express.p99Ms),
    `${int(f.bare.requestsPerSecond)} / ${ms(f.bare.p99Ms)}`,
    `${int(f.express.requestsPerSecond)} / ${ms(f.express.p99Ms)}`,
    ratio(f.express.requestsPerSecond / f.bare.requestsPerSecond),
    Object.entries(f.sizes)
      .map(([method, bytes]) => `${method} ${bytes}`)
      .join(', '),
    String(f.idmock.wrong),
  ]);
  for (const name of pending) rows.push([name, 'pending', ...Array<string>(10).fill('—')]);
  return table(
    [
      'endpoint',
      'idmock req/s',
      '÷ bare',
      '÷ express',
      'idmock p99 ms',
      '÷ bare',
      '÷ express',
      'bare req/s / p99',
      'express req/s / p99',
      'express ÷ bare',
      'body bytes',
      'wrong',
    ],
    rows,
  );
}

/** The 1-minute load average: other work on the machine skews every figure. */
function load1(): string {
  return (loadavg()[0] ?? 0).toFixed(2);
}

function growth<K extends 'rssBytes' | 'heapBytes'>(
  memory: { readonly points: readonly ({ readonly label: string } & Record<K, number>)[] },
  key: K,
  from = 'short run',
): number {
  const start = memory.points.find((point) => point.label === from);
  const long = memory.points.find((point) => point.label === 'long run');
  return start && long ? long[key] / start[key] : Number.NaN;
}

/** The bare server's RSS at the same reading, with its request count when it differs. */
function bareReading(memory: MemoryFigures, label: string): string {
  const bare = memory.bare.find((point) => point.label === label);
  const own = memory.points.find((point) => point.label === label);
  if (!bare) return '—';
  const count = bare.requests === own?.requests ? '' : ` (${int(bare.requests)} requests)`;
  return `${mb(bare.rssBytes)}${count}`;
}

function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `node ${process.version}, ${cpus().length} × ${cpu}, ${mb(totalmem())} MB RAM, ${process.platform}`;
}

// ---------------------------------------------------------------------------------------------
// Main

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2), process.env);
  const began = performance.now();
  const loadBefore = load1();
  const log = (message: string): void => {
    process.stderr.write(
      `[bench ${((performance.now() - began) / 1000).toFixed(0)}s] ${message}\n`,
    );
  };
  const served = SERVICE_NAMES.filter((name) => SERVICE_BUILDERS[name] !== undefined);
  const selected = SCENARIOS.filter((s) => options.only?.includes(s.name) ?? true);
  const measurable = selected.filter((s) => served.includes(s.service) && s.prepare);
  const pending = selected.filter((s) => !measurable.includes(s)).map((s) => s.name);

  if (options.build) log('building the command as `npm run build` does, in a temporary directory');
  const compiled = await compiledLauncher(options);
  const launcher = compiled ?? TSX_LAUNCHER;
  const sections = [
    `idmock benchmark — ${new Date().toISOString()}`,
    `machine: ${machine()}; load average ${loadBefore} at the start`,
    `servers: idmock start ${served.join(' ')} (${launcher.label}); autocannon ` +
      `${options.connections} connections, ${options.warmup} s warm-up per server, then ` +
      `${options.rounds} × ${options.duration} s per server (best kept); loopback only`,
  ];
  const raw: Record<string, unknown> = { machine: machine(), options, pending };

  if (options.parts.includes('throughput')) {
    const throughput: ScenarioFigures[] = [];
    const idmock = await startIdmockCli(launcher, served);
    try {
      for (const scenario of measurable) {
        log(`${scenario.name}: idmock, bare, express (${options.duration} s each)`);
        throughput.push(await benchScenario(scenario, idmock, launcher, options));
      }
    } finally {
      await idmock.stop();
    }
    raw['throughput'] = throughput;
    sections.push('', '### Throughput and p99 latency', '', throughputTable(throughput, pending));
  }

  if (options.parts.includes('start')) {
    const starts: StartFigures[] = [];
    for (const each of compiled ? [TSX_LAUNCHER, compiled] : [TSX_LAUNCHER]) {
      log(`start time (${each.label}), ${options.starts} samples each`);
      starts.push(await benchStart(each, served, options));
    }
    raw['starts'] = starts;
    sections.push(
      '',
      '### Start time to the ready line (median)',
      '',
      table(
        ['launcher', 'bare node:http ms', `idmock start ${served.join(' ')} ms`, '÷ bare'],
        starts.map((s) => [s.launcher, ms(s.bareMs), ms(s.idmockMs), ratio(s.idmockMs / s.bareMs)]),
      ),
    );
  }

  if (options.parts.includes('memory')) {
    log(`memory (${launcher.label}): idle, after ${int(options.shortN)} and ${int(options.longN)}`);
    // The long run gets what is left of the budget (at least 10 s), so the script stays bounded.
    const left = options.budget - (performance.now() - began) / 1000 - 5;
    const cap = Math.max(10, Math.min(options.memoryCap, left));
    const memory = await benchMemory(launcher, served, options, cap);
    raw['memory'] = memory;
    sections.push(
      '',
      `### Memory of the idmock process (requests: ${memory.scenario})`,
      '',
      table(
        ['reading', 'requests', 'RSS MB', 'live heap after GC MB', 'bare node:http RSS MB'],
        memory.points.map((point) => [
          point.label,
          `${int(point.requests)}${point.label === 'long run' && memory.cut ? ' (cut at the time cap)' : ''}`,
          mb(point.rssBytes),
          mb(point.heapBytes),
          bareReading(memory, point.label),
        ]),
      ),
      '',
      `long ÷ short: RSS ${ratio(growth(memory, 'rssBytes'))}, live heap ${ratio(growth(memory, 'heapBytes'))}; bare node:http RSS ${ratio(growth({ points: memory.bare }, 'rssBytes'))}`,
      '',
      `long ÷ mid: RSS ${ratio(growth(memory, 'rssBytes', 'mid run'))}; bare node:http RSS ${ratio(growth({ points: memory.bare }, 'rssBytes', 'mid run'))}`,
    );
  }

  sections.push('', `load average ${load1()} at the end`, '');
  process.stdout.write(sections.join('\n'));
  if (options.json !== null) {
    await writeFile(options.json, `${JSON.stringify(raw, null, 2)}\n`);
  }
  log('done');
}

async function cleanUp(): Promise<void> {
  for (const child of running) child.kill('SIGKILL');
  for (const cleanup of cleanups.splice(0)) await cleanup();
}

process.on('SIGINT', () => {
  void cleanUp().then(() => process.exit(130));
});
try {
  await main();
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
