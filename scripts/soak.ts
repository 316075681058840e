/**
 * A bounded soak test: one idmock on loopback, several workers running whole login flows against
 * it while a fault worker injects provider errors, delays and dropped connections, for a fixed
 * time (default 3 minutes), then a report: requests served, flows completed, errors by kind,
 * every 5xx, and heap and RSS over time.
 *
 *   npm run soak                         # 3 minutes
 *   npm run soak -- --duration 60s --out docs/soak.md
 *   npm run soak -- --duration 10s --concurrency 4 --sample 2s
 *
 * Exit code 1 when any answer was 5xx, any flow met an answer it did not expect, or the heap
 * (measured after a full GC) grew by more than {@link FLAT_HEAP_BYTES} between the first and the
 * last third of the run. `runTraffic` is exported so tests can put the same load on an instance
 * of their own (test/reliability/races-under-load.test.ts).
 *
 * Faults are scoped to the apps only the soak's own clients use (`SHOP`, `OA`, `QQ_WEB`): the
 * auth server's upstream apps are never faulted, because its answer to a failing provider is a
 * deliberate 502 (PROVIDER_UNAVAILABLE), which would hide a real 5xx among expected ones.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { writeFileSync } from 'node:fs';
import { parseDuration } from '../src/core/duration.js';
import { startIdmock } from '../src/runtime/start.js';
import WebSocket from 'ws';
import { createHmac } from 'node:crypto';

/** Largest heap growth (after GC) between the first and last third that still counts as flat. */
export const FLAT_HEAP_BYTES = 16 * 1024 * 1024;

/** WeChat website app for the QR flow (faulted). */
const SHOP = {
  appid: 'wx2b3c4d5e6f708192',
  secret: '1e2d3c4b5a69788796a5b4c3d2e1f00f',
  redirect: 'https://shop.example.test/wechat/callback',
};
/** WeChat official account for the headless flow (faulted). */
const OA = {
  appid: 'wx4d5e6f708192a3b4',
  secret: '3c4b5a69788796a5b4c3d2e1f00f1e2d',
  redirect: 'http://localhost/oa/callback',
};
/** The auth server's WeChat connect app (never faulted). */
const GAME = { appid: 'wx3c4d5e6f708192a3', secret: '2d3c4b5a69788796a5b4c3d2e1f00f1e' };
/** The auth server's login app (never faulted). */
const LOGIN = { appid: 'wx1a2b3c4d5e6f7081', secret: '0f1e2d3c4b5a69788796a5b4c3d2e1f0' };
/** QQ website app (faulted). */
const QQ_WEB = {
  client_id: '101364207',
  client_secret: '556c5099bf889b17f0706c1c99ba7356',
  redirect_uri: 'http://localhost:3000/auth/qq/callback',
};
/** The auth server's QQ app (never faulted). */
const QQ_GAME = {
  client_id: '101364208',
  redirect_uri: 'http://localhost:3000/auth/qq/game/callback',
};
const DEVICE = { name: 'device', secret: 'dEv1ceS3cretF0rL0calTest1ngOnly0' };
const API_KEY = 'idmock0game1';
const LOGIN_KEY = { 'api-key': 'idmock-web-4f1c2a9e7b3d5081' };

/** Personas each kind of flow uses. */
export interface Personas {
  /** WeChat personas of the QR, headless and WeChat connect flows. */
  readonly wechat: readonly string[];
  /** QQ personas of the QQ and QQ connect flows. */
  readonly qq: readonly string[];
  /** WeChat personas of the login API (unbound ones go through the unionCode registration). */
  readonly login: readonly string[];
}

/** Every persona of the default world. */
export const ALL_PERSONAS: Personas = {
  wechat: ['zhang-wei', 'li-na', 'wang-fang', ...generated()],
  qq: ['zhang-wei', 'li-na', 'chen-jie', ...generated()],
  login: ['zhang-wei', 'li-na', 'wang-fang', ...generated()],
};

function generated(): string[] {
  return Array.from({ length: 6 }, (_, i) => `persona-0${i + 1}`);
}

/** Options of {@link runTraffic}. */
export interface TrafficOptions {
  readonly urls: { readonly wechat: string; readonly qq: string; readonly auth: string };
  /** Stops the workers (they finish the flow they are in). */
  readonly signal: AbortSignal;
  readonly concurrency?: number;
  readonly personas?: Personas;
  /** Inject faults on the soak's own apps (default true). */
  readonly faults?: boolean;
  /**
   * This often, in a window where no flow runs, let 100 days pass on the mock clock and reset the
   * auth server's world, so records expire and registrations keep happening (0: never; tests
   * that race on the same world say 0).
   */
  readonly resetEveryMs?: number;
  /** Where to count (default: a fresh {@link createStats}), readable while the traffic runs. */
  readonly stats?: TrafficStats;
}

/** What the traffic saw. */
export interface TrafficStats {
  requests: number;
  readonly byStatus: Map<number, number>;
  /** Flows by name: completed, ended by an injected fault. */
  readonly flows: Map<string, { completed: number; faulted: number }>;
  /** Expected errors met, by kind: injected faults, and login races lost to another worker. */
  readonly injected: Map<string, number>;
  /** Answers no flow expected, by kind, with a sample each. */
  readonly unexpected: Map<string, { count: number; sample: string }>;
  /** Every 5xx answer. */
  readonly serverErrors: string[];
  faultsAdded: number;
  resets: number;
}

/** Empty counters. */
export function createStats(): TrafficStats {
  return {
    requests: 0,
    byStatus: new Map(),
    flows: new Map(),
    injected: new Map(),
    unexpected: new Map(),
    serverErrors: [],
    faultsAdded: 0,
    resets: 0,
  };
}

/** An answer the flow cannot go on from. */
class FlowEnd extends Error {
  readonly kind: 'injected' | 'unexpected';
  readonly label: string;
  readonly sample: string;

  constructor(kind: 'injected' | 'unexpected', label: string, sample: string) {
    super(`${kind}: ${label}`);
    this.kind = kind;
    this.label = label;
    this.sample = sample;
  }
}

interface Answer {
  readonly status: number;
  readonly text: string;
  readonly headers: Headers;
}

/** The steps whose endpoints the fault worker drops connections of (see `FAULTS`). */
const DROPPED: ReadonlySet<string> = new Set(['wechat auth', 'qq get_user_info']);

/** A lock: flows share it, the world reset takes it alone. */
function createGate(): {
  shared<T>(fn: () => Promise<T>): Promise<T>;
  exclusive(fn: () => Promise<void>): Promise<void>;
} {
  let active = 0;
  let closing: Promise<void> | null = null;
  let drained: (() => void) | null = null;
  return {
    async shared(fn) {
      while (closing) await closing;
      active++;
      try {
        return await fn();
      } finally {
        active--;
        if (active === 0) drained?.();
      }
    },
    async exclusive(fn) {
      let open!: () => void;
      closing = new Promise((resolve) => {
        open = resolve;
      });
      if (active > 0) await new Promise<void>((resolve) => (drained = resolve));
      drained = null;
      try {
        await fn();
      } finally {
        closing = null;
        open();
      }
    },
  };
}

function pick<T>(items: readonly T[]): T {
  const item = items[Math.floor(Math.random() * items.length)];
  if (item === undefined) throw new Error('nothing to pick from');
  return item;
}

function qs(params: Record<string, string>): string {
  return new URLSearchParams(params).toString();
}

function parse(text: string): Record<string, unknown> {
  const jsonp = /^callback\( (.*) \);\n$/s.exec(text);
  try {
    return JSON.parse(jsonp?.[1] ?? text) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/**
 * Runs mixed login flows until `signal` aborts, and resolves with what they saw once every worker
 * has finished its current flow.
 */
export async function runTraffic(options: TrafficOptions): Promise<TrafficStats> {
  const { urls, signal } = options;
  const personas = options.personas ?? ALL_PERSONAS;
  const stats = options.stats ?? createStats();
  const gate = createGate();

  /** One request; `faultable` steps may meet injected faults (errors, drops, delays). */
  async function send(
    label: string,
    url: string,
    init: {
      method?: string;
      json?: unknown;
      form?: Record<string, string>;
      headers?: Record<string, string>;
    } = {},
    faultable = false,
  ): Promise<Answer> {
    const headers: Record<string, string> = { ...init.headers };
    let body: string | undefined;
    if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    } else if (init.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = qs(init.form);
    }
    stats.requests++;
    let response: Response;
    try {
      response = await fetch(url, {
        method: init.method ?? (body === undefined ? 'GET' : 'POST'),
        headers,
        ...(body === undefined ? {} : { body }),
        redirect: 'manual',
        signal: AbortSignal.timeout(15_000),
      });
    } catch (error) {
      const reason = error instanceof Error ? error.name : 'error';
      if (faultable && DROPPED.has(label)) {
        throw new FlowEnd('injected', `injected drop (${label})`, reason);
      }
      throw new FlowEnd('unexpected', `${label}: no answer (${reason})`, url);
    }
    const text = await response.text();
    stats.byStatus.set(response.status, (stats.byStatus.get(response.status) ?? 0) + 1);
    if (response.status >= 500)
      stats.serverErrors.push(`${response.status} ${label} ${url} ${text.slice(0, 200)}`);
    return { status: response.status, text, headers: response.headers };
  }

  /** Ends the flow unless the answer is what it expects; injected provider errors end it quietly. */
  function expect(label: string, answer: Answer, ok: boolean, faultable = false): void {
    if (ok) return;
    const body = parse(answer.text);
    const injected =
      faultable &&
      answer.status === 200 &&
      (typeof body['errcode'] === 'number' ||
        typeof body['error'] === 'number' ||
        typeof body['ret'] === 'number');
    throw new FlowEnd(
      injected ? 'injected' : 'unexpected',
      injected ? `injected provider error (${label})` : `${label}: HTTP ${answer.status}`,
      answer.text.slice(0, 200),
    );
  }

  const wechat = (path: string): string => `${urls.wechat}${path}`;
  const qq = (path: string): string => `${urls.qq}${path}`;
  const auth = (path: string): string => `${urls.auth}${path}`;

  async function wechatTokens(
    app: { appid: string; secret: string },
    code: string,
    faultable: boolean,
  ) {
    const res = await send(
      'wechat exchange',
      wechat(
        `/sns/oauth2/access_token?${qs({ appid: app.appid, secret: app.secret, code, grant_type: 'authorization_code' })}`,
      ),
      {},
      faultable,
    );
    const body = parse(res.text);
    expect('wechat exchange', res, typeof body['access_token'] === 'string', faultable);
    return body as { access_token: string; refresh_token: string; openid: string };
  }

  const flows: Record<string, { weight: number; run: () => Promise<void> }> = {
    /** Website QR login, the phone played through the mock-only scan and confirm. */
    'wechat qr': {
      weight: 3,
      async run() {
        const user = pick(personas.wechat);
        const page = await send(
          'qrconnect',
          wechat(
            `/connect/qrconnect?${qs({ appid: SHOP.appid, redirect_uri: SHOP.redirect, scope: 'snsapi_login', state: 'soak', f: 'xml' })}`,
          ),
        );
        const uuid = /CDATA\[([^\]]+)\]/.exec(page.text)?.[1];
        expect('qrconnect', page, uuid !== undefined);
        const poll = (last?: string) =>
          send(
            'qr poll',
            wechat(`/connect/l/qrconnect?${qs({ uuid: uuid ?? '', ...(last ? { last } : {}) })}`),
            {},
            true,
          );
        const scan = await send('qr scan', wechat(`/__mock/qr/${uuid ?? ''}/scan`), {
          json: { user },
        });
        expect('qr scan', scan, scan.status === 200);
        const scanned = await poll();
        expect('qr poll', scanned, scanned.text.startsWith('window.wx_errcode=404;'), true);
        const confirm = await send('qr confirm', wechat(`/__mock/qr/${uuid ?? ''}/confirm`), {
          json: {},
        });
        expect('qr confirm', confirm, confirm.status === 200);
        const delivered = await poll('404');
        const code = /wx_code='(\w+)'/.exec(delivered.text)?.[1];
        expect(
          'qr poll',
          delivered,
          delivered.text.startsWith('window.wx_errcode=405;') && code !== undefined,
          true,
        );
        const tokens = await wechatTokens(SHOP, code ?? '', true);
        const info = await send(
          'wechat userinfo',
          wechat(
            `/sns/userinfo?${qs({ access_token: tokens.access_token, openid: tokens.openid })}`,
          ),
          {},
          true,
        );
        expect('wechat userinfo', info, parse(info.text)['openid'] === tokens.openid, true);
      },
    },
    /** Headless consent, then everything an OA backend does with the code. */
    'wechat headless': {
      weight: 3,
      async run() {
        const consent = await send('wechat authorize', wechat('/__mock/authorize'), {
          json: {
            appid: OA.appid,
            redirect_uri: OA.redirect,
            scope: 'snsapi_userinfo',
            state: 's',
            user: pick(personas.wechat),
          },
        });
        const code = parse(consent.text)['code'];
        expect('wechat authorize', consent, typeof code === 'string');
        const tokens = await wechatTokens(OA, String(code), true);
        const query = qs({ access_token: tokens.access_token, openid: tokens.openid });
        const check = await send('wechat auth', wechat(`/sns/auth?${query}`), {}, true);
        expect('wechat auth', check, parse(check.text)['errcode'] === 0, true);
        const info = await send('wechat userinfo', wechat(`/sns/userinfo?${query}`), {}, true);
        expect('wechat userinfo', info, parse(info.text)['openid'] === tokens.openid, true);
        const refreshed = await send(
          'wechat refresh',
          wechat(
            `/sns/oauth2/refresh_token?${qs({ appid: OA.appid, grant_type: 'refresh_token', refresh_token: tokens.refresh_token })}`,
          ),
          {},
          true,
        );
        expect(
          'wechat refresh',
          refreshed,
          typeof parse(refreshed.text)['access_token'] === 'string',
          true,
        );
      },
    },
    /** QQ: authorize, token, /me, get_user_info, refresh. */
    qq: {
      weight: 3,
      async run() {
        const consent = await send('qq authorize', qq('/__mock/authorize'), {
          json: {
            client_id: QQ_WEB.client_id,
            redirect_uri: QQ_WEB.redirect_uri,
            user: pick(personas.qq),
          },
        });
        const code = parse(consent.text)['code'];
        expect('qq authorize', consent, typeof code === 'string');
        const token = await send(
          'qq token',
          qq(
            `/oauth2.0/token?${qs({ ...QQ_WEB, grant_type: 'authorization_code', code: String(code), fmt: 'json' })}`,
          ),
          {},
          true,
        );
        const tokens = parse(token.text) as { access_token?: string; refresh_token?: string };
        expect('qq token', token, typeof tokens.access_token === 'string', true);
        const me = await send(
          'qq me',
          qq(`/oauth2.0/me?${qs({ access_token: tokens.access_token ?? '' })}`),
          {},
          true,
        );
        const openid = parse(me.text)['openid'];
        expect('qq me', me, typeof openid === 'string', true);
        const info = await send(
          'qq get_user_info',
          qq(
            `/user/get_user_info?${qs({ access_token: tokens.access_token ?? '', oauth_consumer_key: QQ_WEB.client_id, openid: String(openid) })}`,
          ),
          {},
          true,
        );
        expect('qq get_user_info', info, parse(info.text)['ret'] === 0, true);
        const refreshed = await send(
          'qq refresh',
          qq(
            `/oauth2.0/token?${qs({ ...QQ_WEB, grant_type: 'refresh_token', refresh_token: tokens.refresh_token ?? '', fmt: 'json' })}`,
          ),
          {},
          true,
        );
        expect(
          'qq refresh',
          refreshed,
          typeof parse(refreshed.text)['access_token'] === 'string',
          true,
        );
      },
    },
    /** The game: a WeChat token, then WeChatConnectRequest over REST (or now and then a socket). */
    'connect wechat': {
      weight: 2,
      async run() {
        const consent = await send('wechat authorize', wechat('/__mock/authorize'), {
          json: { appid: GAME.appid, user: pick(personas.wechat) },
        });
        const tokens = await wechatTokens(GAME, String(parse(consent.text)['code']), false);
        const body = {
          '@class': '.WeChatConnectRequest',
          accessToken: tokens.access_token,
          openId: tokens.openid,
        };
        const answer =
          Math.random() < 0.2
            ? await overSocket(body)
            : await overRest('WeChatConnectRequest', body);
        if (typeof answer['authToken'] !== 'string') {
          throw new FlowEnd(
            'unexpected',
            'wechat connect: no authToken',
            JSON.stringify(answer).slice(0, 200),
          );
        }
      },
    },
    /** The game: a QQ token (implicit grant), then QQConnectRequest over REST. */
    'connect qq': {
      weight: 2,
      async run() {
        const consent = await send('qq authorize', qq('/__mock/authorize'), {
          json: { ...QQ_GAME, user: pick(personas.qq), response_type: 'token' },
        });
        const token = parse(consent.text)['access_token'];
        expect('qq authorize', consent, typeof token === 'string');
        const answer = await overRest('QQConnectRequest', {
          '@class': '.QQConnectRequest',
          accessToken: token,
        });
        if (typeof answer['authToken'] !== 'string') {
          throw new FlowEnd(
            'unexpected',
            'qq connect: no authToken',
            JSON.stringify(answer).slice(0, 200),
          );
        }
      },
    },
    /** The login API: a WeChat code; an unbound user registers with an SMS code and its unionCode. */
    'login api': {
      weight: 2,
      async run() {
        const persona = pick(personas.login);
        const consent = await send('wechat authorize', wechat('/__mock/authorize'), {
          json: {
            ...LOGIN,
            redirect_uri: 'http://localhost/login',
            scope: 'snsapi_login',
            user: persona,
          },
        });
        const code = String(parse(consent.text)['code']);
        const first = await send('login (a)', auth('/v1/auth/login'), {
          json: { appId: LOGIN.appid, secret: LOGIN.secret, code },
          headers: LOGIN_KEY,
        });
        let token = parse(first.text)['token'];
        if (first.status === 401) {
          const meta = (
            parse(first.text)['errors'] as
              { meta?: { unionId: string; unionCode: string } }[] | undefined
          )?.[0]?.meta;
          expect('login (a)', first, meta !== undefined);
          const tn = `1380000${String(personas.login.indexOf(persona)).padStart(4, '0')}`;
          const sent = await send('login sms', auth('/v1/auth/sms'), {
            json: { tn },
            headers: LOGIN_KEY,
          });
          expect('login sms', sent, sent.status === 202);
          const outbox = await send('sms outbox', auth(`/__mock/sms?${qs({ tn })}`));
          const smsCode = (parse(outbox.text)['messages'] as { code: string; status: string }[])
            .filter((m) => m.status === 'sent')
            .at(-1)?.code;
          const second = await send('login (b)', auth('/v1/auth/login'), {
            json: { tn, code: smsCode, unionId: meta?.unionId, unionCode: meta?.unionCode },
            headers: LOGIN_KEY,
          });
          // Another worker may have bound this WeChat user (or replaced this SMS code) first.
          const raced = second.status === 401 || second.status === 409;
          if (raced) {
            const label = 'race lost: another worker registered this WeChat user first';
            stats.injected.set(label, (stats.injected.get(label) ?? 0) + 1);
            return;
          }
          expect('login (b)', second, second.status === 200);
          token = parse(second.text)['token'];
        } else {
          expect('login (a)', first, first.status === 200);
        }
        const me = await send('login me', auth('/v1/me'), {
          headers: { authorization: `Bearer ${String(token)}` },
        });
        expect('login me', me, me.status === 200);
      },
    },
  };

  async function overRest(
    request: string,
    body: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const res = await send(
      `connect ${request}`,
      auth(`/rs/${DEVICE.name}/${DEVICE.secret}/${request}`),
      { json: body },
    );
    expect(`connect ${request}`, res, res.status === 200);
    return parse(res.text);
  }

  async function overSocket(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    stats.requests += 2;
    const ws = new WebSocket(`${urls.auth.replace(/^http/, 'ws')}/ws/${DEVICE.name}/${API_KEY}`);
    try {
      const messages: Record<string, unknown>[] = [];
      let wake: (() => void) | null = null;
      // A refused or reset socket is a flow that met no answer, like a fetch that failed.
      let failure: Error | null = null;
      ws.on('error', (error: Error) => {
        failure = error;
        wake?.();
      });
      ws.on('message', (data: Buffer) => {
        messages.push(JSON.parse(data.toString()) as Record<string, unknown>);
        wake?.();
      });
      const next = async (): Promise<Record<string, unknown>> => {
        const deadline = Date.now() + 10_000;
        while (messages.length === 0) {
          if (failure !== null) {
            throw new FlowEnd('unexpected', `socket: no answer (${failure.name})`, '');
          }
          if (Date.now() > deadline || ws.readyState > WebSocket.OPEN)
            throw new FlowEnd('unexpected', 'socket: no answer', '');
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, 100);
          });
        }
        return messages.shift() ?? {};
      };
      const { nonce } = (await next()) as { nonce: string };
      ws.send(
        JSON.stringify({
          '@class': '.AuthenticatedConnectRequest',
          hmac: createHmac('sha256', DEVICE.secret).update(nonce).digest('base64'),
        }),
      );
      await next();
      ws.send(JSON.stringify({ ...body, requestId: 'soak' }));
      return await next();
    } finally {
      ws.close();
    }
  }

  const table = Object.entries(flows);
  const totalWeight = table.reduce((sum, [, flow]) => sum + flow.weight, 0);
  function pickFlow(): [string, () => Promise<void>] {
    let roll = Math.random() * totalWeight;
    for (const [name, flow] of table) {
      roll -= flow.weight;
      if (roll < 0) return [name, flow.run];
    }
    const [name, flow] = table[0] ?? ['none', { run: () => Promise.resolve() }];
    return [name, flow.run];
  }

  async function worker(): Promise<void> {
    while (!signal.aborted) {
      const [name, run] = pickFlow();
      const counts = stats.flows.get(name) ?? { completed: 0, faulted: 0 };
      stats.flows.set(name, counts);
      try {
        await gate.shared(run);
        counts.completed++;
      } catch (error) {
        if (!(error instanceof FlowEnd)) throw error;
        if (error.kind === 'injected') {
          counts.faulted++;
          stats.injected.set(error.label, (stats.injected.get(error.label) ?? 0) + 1);
        } else {
          const seen = stats.unexpected.get(error.label) ?? { count: 0, sample: error.sample };
          seen.count++;
          stats.unexpected.set(error.label, seen);
        }
      }
    }
  }

  const FAULTS = [
    {
      at: 'wechat',
      body: {
        route: 'wechat.exchangeCode',
        error: 'systemError',
        times: 3,
        scope: { appid: SHOP.appid },
      },
    },
    {
      at: 'wechat',
      body: {
        route: 'wechat.exchangeCode',
        error: 'minuteQuota',
        times: 2,
        scope: { appid: OA.appid },
      },
    },
    {
      at: 'wechat',
      body: { route: 'wechat.getUserInfo', delay: 300, times: 5, scope: { appid: OA.appid } },
    },
    {
      at: 'wechat',
      body: { route: 'wechat.checkAccessToken', drop: true, times: 2, scope: { appid: OA.appid } },
    },
    {
      at: 'wechat',
      body: { route: 'wechat.qrPoll', delay: 200, times: 3, scope: { appid: SHOP.appid } },
    },
    {
      at: 'qq',
      body: {
        route: 'qq.token',
        error: 'codeInvalid',
        times: 2,
        scope: { client_id: QQ_WEB.client_id },
      },
    },
    {
      at: 'qq',
      body: { route: 'qq.me', delay: 250, times: 4, scope: { client_id: QQ_WEB.client_id } },
    },
    {
      at: 'qq',
      body: {
        route: 'qq.getUserInfo',
        drop: true,
        times: 2,
        scope: { client_id: QQ_WEB.client_id },
      },
    },
  ] as const;

  async function faulter(): Promise<void> {
    let round = 0;
    for (;;) {
      await sleep(1500, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) break;
      const fault = pick(FAULTS);
      const base = fault.at === 'wechat' ? urls.wechat : urls.qq;
      const res = await send('add fault', `${base}/__mock/faults`, { json: fault.body });
      if (res.status === 201) stats.faultsAdded++;
      else
        stats.unexpected.set(`add fault: HTTP ${res.status}`, {
          count: 1,
          sample: res.text.slice(0, 200),
        });
      if (++round % 8 === 0) {
        await send('clear faults', `${urls.wechat}/__mock/faults`, { method: 'DELETE' });
        await send('clear faults', `${urls.qq}/__mock/faults`, { method: 'DELETE' });
      }
    }
  }

  /**
   * Between flows: time passes (100 days, past every lifetime, so expired records are pruned as
   * they would be over weeks of real traffic) and the auth world is reset (so WeChat users are
   * unbound again and registration keeps happening).
   */
  async function resetter(every: number): Promise<void> {
    for (;;) {
      await sleep(every, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) break;
      await gate.exclusive(async () => {
        const travel = await send('advance clock', wechat('/__mock/clock/advance'), {
          json: { by: '100d' },
        });
        const reset = await send('reset auth', auth('/__mock/reset'), { method: 'POST' });
        if (travel.status === 200 && reset.status === 200) stats.resets++;
        else stats.unexpected.set('reset', { count: 1, sample: `${travel.text} ${reset.text}` });
      });
    }
  }

  const tasks: Promise<void>[] = Array.from({ length: options.concurrency ?? 8 }, () => worker());
  if (options.faults !== false) tasks.push(faulter());
  if ((options.resetEveryMs ?? 0) > 0) tasks.push(resetter(options.resetEveryMs ?? 0));
  await Promise.all(tasks);
  // Leave no fault behind for whoever uses the instance next.
  if (options.faults !== false) {
    await fetch(`${urls.wechat}/__mock/faults`, { method: 'DELETE' });
    await fetch(`${urls.qq}/__mock/faults`, { method: 'DELETE' });
  }
  return stats;
}

// ---------------------------------------------------------------------------------------------
// The command
// ---------------------------------------------------------------------------------------------

interface Sample {
  readonly atSeconds: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly requests: number;
}

function arg(args: readonly string[], name: string, fallback: string): string {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? (args[index + 1] ?? fallback) : fallback;
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function measure(atSeconds: number, requests: number): Sample {
  (globalThis as { gc?: () => void }).gc?.();
  const memory = process.memoryUsage();
  return { atSeconds, rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, requests };
}

async function main(args: readonly string[]): Promise<number> {
  const durationMs = parseDuration(arg(args, 'duration', '3m')) ?? NaN;
  const sampleMs = parseDuration(arg(args, 'sample', '10s')) ?? NaN;
  const concurrency = Number(arg(args, 'concurrency', '8'));
  const out = arg(args, 'out', '');
  if (
    !(durationMs >= 1000 && durationMs <= 3_600_000) ||
    !(sampleMs >= 500) ||
    !(concurrency >= 1)
  ) {
    process.stderr.write(
      'usage: soak [--duration 3m (1s..1h)] [--sample 10s] [--concurrency 8] [--out FILE]\n',
    );
    return 2;
  }
  const gcAvailable = typeof (globalThis as { gc?: unknown }).gc === 'function';
  // Loopback only: the soak never listens where anything else could reach it.
  const idmock = await startIdmock({ host: '127.0.0.1', wechat: { longPollHoldSeconds: 5 } });
  const urls = {
    wechat: idmock.urls.wechat ?? '',
    qq: idmock.urls.qq ?? '',
    auth: idmock.urls.auth ?? '',
  };
  const started = Date.now();
  const controller = new AbortController();
  const samples: Sample[] = [measure(0, 0)];
  const stats = createStats();
  const trafficDone = runTraffic({
    urls,
    signal: controller.signal,
    concurrency,
    resetEveryMs: Math.max(5000, Math.round(durationMs / 9)),
    stats,
  });
  const sampler = setInterval(() => {
    samples.push(measure(Math.round((Date.now() - started) / 1000), stats.requests));
  }, sampleMs);
  const stopTimer = setTimeout(() => {
    controller.abort();
  }, durationMs);
  await trafficDone;
  clearInterval(sampler);
  clearTimeout(stopTimer);
  const elapsed = (Date.now() - started) / 1000;
  samples.push(measure(Math.round(elapsed), stats.requests));
  const sizes = Object.fromEntries(
    (['wechat', 'qq', 'auth'] as const).map((name) => {
      const snapshot = idmock.services[name]?.snapshot?.() as Record<string, unknown>;
      const counts: Record<string, number> = {};
      const walk = (prefix: string, value: unknown): void => {
        if (Array.isArray(value)) counts[prefix] = value.length;
        else if (typeof value === 'object' && value !== null) {
          for (const [key, inner] of Object.entries(value))
            walk(prefix === '' ? key : `${prefix}.${key}`, inner);
        }
      };
      walk('', snapshot);
      return [name, counts];
    }),
  );
  await idmock.stop();

  const third = Math.max(1, Math.floor(samples.length / 3));
  const early = median(samples.slice(0, third).map((s) => s.heapUsedBytes));
  const late = median(samples.slice(-third).map((s) => s.heapUsedBytes));
  const growth = late - early;
  const flat = growth <= FLAT_HEAP_BYTES;
  const unexpected = [...stats.unexpected.values()].reduce((sum, e) => sum + e.count, 0);
  const ok = stats.serverErrors.length === 0 && unexpected === 0 && flat;

  const lines = [
    `# Soak report`,
    '',
    `Run with \`npm run soak -- ${args.join(' ')}\` on ${new Date(started).toISOString().slice(0, 10)}: Node ${process.version}, ${concurrency} workers, one idmock (all three services) on loopback, faults injected every 1.5 s on the soak's own apps; ${stats.resets} times 100 days passed on the mock clock and the auth world was reset, between flows.`,
    '',
    `**Verdict: ${ok ? 'pass' : 'FAIL'}** — ${stats.serverErrors.length} answers were 5xx, ${unexpected} flows met an answer they did not expect, and the heap ${flat ? 'stayed flat' : 'grew'} (${growth >= 0 ? '+' : ''}${mb(growth)} MB between the first and last third, limit ${mb(FLAT_HEAP_BYTES)} MB${gcAvailable ? ', measured after a full GC' : ', measured without --expose-gc'}).`,
    '',
    '## Traffic',
    '',
    `| | |`,
    `| --- | --- |`,
    `| duration | ${elapsed.toFixed(1)} s |`,
    `| requests served | ${stats.requests} (${(stats.requests / elapsed).toFixed(0)}/s) |`,
    `| answers by status | ${[...stats.byStatus]
      .sort(([a], [b]) => a - b)
      .map(([status, count]) => `${status}: ${count}`)
      .join(', ')} |`,
    `| 5xx | ${stats.serverErrors.length} |`,
    `| faults added | ${stats.faultsAdded} |`,
    '',
    '| flow | completed | ended by an injected fault |',
    '| --- | ---: | ---: |',
    ...[...stats.flows]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, c]) => `| ${name} | ${c.completed} | ${c.faulted} |`),
    '',
    '## Errors by kind',
    '',
    '| kind | count |',
    '| --- | ---: |',
    ...[...stats.injected]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([kind, count]) => `| expected: ${kind} | ${count} |`),
    ...[...stats.unexpected].map(
      ([kind, e]) =>
        `| **unexpected: ${kind}** (e.g. \`${e.sample.replace(/[|\n]/g, ' ')}\`) | ${e.count} |`,
    ),
    ...(stats.serverErrors.length > 0
      ? ['', '5xx answers:', '', ...stats.serverErrors.slice(0, 20).map((e) => `- ${e}`)]
      : []),
    '',
    '## Memory',
    '',
    '| t (s) | requests | heap used (MB) | RSS (MB) |',
    '| ---: | ---: | ---: | ---: |',
    ...samples.map(
      (s) => `| ${s.atSeconds} | ${s.requests} | ${mb(s.heapUsedBytes)} | ${mb(s.rssBytes)} |`,
    ),
    '',
    '## Stored records at the end',
    '',
    '| service | records |',
    '| --- | --- |',
    ...Object.entries(sizes).map(
      ([name, counts]) =>
        `| ${name} | ${Object.entries(counts)
          .map(([k, v]) => `${k}: ${v}`)
          .join(', ')} |`,
    ),
    '',
  ];
  const report = lines.join('\n');
  process.stdout.write(`${report}\n`);
  if (out !== '') writeFileSync(out, report);
  return ok ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main(process.argv.slice(2));
}
