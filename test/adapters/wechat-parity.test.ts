/**
 * Transport parity: one table of WeChat requests runs through the node:http server that
 * `idmock start` uses and through the Express adapter (`createServiceRouter`), bare and behind an
 * app that parses bodies itself with `express.json()`/`express.urlencoded()`. Status,
 * content-type, Location and body must be identical once the random parts (rid suffixes, tokens,
 * codes, QR uuids, the origin) are masked. Bodies too long to spell out are compared with what the
 * node:http transport answers to the same request.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createServiceRouter } from '../../src/adapters/express/index.js';
import { startIdmock, type RunningIdmock } from '../../src/runtime/start.js';
import { get, postForm, postJson } from '../support/idmock.js';
import {
  authorize,
  codeParams,
  decodeQrPng,
  mask as maskVolatile,
  OA,
  obtainTokens,
  openQrSession,
  parseForm,
  poll,
  qrconnectQuery,
  qrControl,
  url,
  wechatContext,
  WEBSITE,
} from '../providers/wechat/support.js';

const TRANSPORTS = ['node:http', 'express', 'express with body parsers'] as const;
type TransportName = (typeof TRANSPORTS)[number];

interface Transport {
  readonly base: string;
  readonly running: RunningIdmock;
  close(): Promise<void>;
}

function listenExpress(app: express.Express): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', (error?: Error) => {
      if (error) reject(error);
      else resolve(server);
    });
  });
}

async function startTransport(name: TransportName): Promise<Transport> {
  const running = await startIdmock({ services: ['wechat'], wechat: { longPollHoldSeconds: 30 } });
  if (name === 'node:http') {
    return { base: running.urls.wechat ?? '', running, close: () => running.stop() };
  }
  const service = running.services.wechat;
  if (!service) throw new Error('the WeChat service is not running');
  const app = express();
  if (name === 'express with body parsers') {
    app.use(express.json());
    app.use(express.urlencoded());
  }
  app.use(createServiceRouter(service));
  const server = await listenExpress(app);
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    running,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
      await running.stop();
    },
  };
}

/** What a case compares. */
interface Answer {
  readonly status: number;
  readonly contentType: string | null;
  readonly location?: string | null;
  readonly body: string;
}

function maskAll(text: string, base: string, uuid?: string): string {
  let out = maskVolatile(text.replaceAll(base, '<origin>'));
  if (uuid !== undefined && uuid !== '') out = out.replaceAll(uuid, '<uuid>');
  return out.replace(/"o[A-Za-z0-9_-]{27}"/g, '"<id>"');
}

async function answer(
  base: string,
  request: Promise<{ status: number; headers: Headers; text: string }>,
  uuid?: string,
): Promise<Answer> {
  const res = await request;
  const location = res.headers.get('location');
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    ...(location === null ? {} : { location: maskAll(location, base, uuid) }),
    body: maskAll(res.text, base, uuid),
  };
}

const INVALID_UTF8 = new Uint8Array([0x61, 0x70, 0x70, 0x69, 0x64, 0x3d, 0xff, 0xfe]);
const JS = 'text/javascript';
const PLAIN = 'text/plain';
const HTML = 'text/html; charset=utf-8';
const JSON_TYPE = 'application/json';

interface Case {
  readonly name: string;
  readonly run: (base: string) => Promise<Answer>;
  /** The expected answer; `body: null` compares the body with the node:http transport's. */
  readonly expected: Omit<Answer, 'body'> & { readonly body: string | null };
  /** Transports this case does not apply to, and why. */
  readonly skip?: Partial<Record<TransportName, string>>;
}

const PARSERS_OWN_BODY =
  'express.json()/urlencoded() answer this body themselves through the host app’s error handler';

const CASES: Case[] = [
  {
    name: 'GET /__mock/healthz',
    run: (base) => answer(base, get(`${base}/__mock/healthz`)),
    expected: { status: 200, contentType: JSON_TYPE, body: '{"status":"ok"}' },
  },
  {
    name: 'HEAD /__mock/healthz',
    run: (base) => answer(base, get(`${base}/__mock/healthz`, { method: 'HEAD' })),
    expected: { status: 200, contentType: JSON_TYPE, body: '' },
  },
  {
    name: 'GET /sns/auth without parameters',
    run: (base) => answer(base, get(`${base}/sns/auth`)),
    expected: {
      status: 200,
      contentType: PLAIN,
      body: '{"errcode":41001,"errmsg":"access_token missing, rid: <rid>"}',
    },
  },
  {
    name: 'GET /sns/oauth2/access_token with a code',
    run: async (base) => {
      const { code } = await authorize(base);
      return answer(base, get(url(base, '/sns/oauth2/access_token', codeParams(WEBSITE, code))));
    },
    expected: {
      status: 200,
      contentType: PLAIN,
      body: '{"access_token":"<token>","expires_in":7200,"refresh_token":"<token>","openid":"<id>","scope":"snsapi_login","unionid":"<id>"}',
    },
  },
  {
    name: 'POST /sns/oauth2/access_token as a form',
    run: async (base) => {
      const { code } = await authorize(base);
      return answer(base, postForm(`${base}/sns/oauth2/access_token`, codeParams(WEBSITE, code)));
    },
    expected: {
      status: 200,
      contentType: PLAIN,
      body: '{"access_token":"<token>","expires_in":7200,"refresh_token":"<token>","openid":"<id>","scope":"snsapi_login","unionid":"<id>"}',
    },
  },
  {
    name: 'POST /sns/oauth2/access_token as JSON',
    run: async (base) => {
      const { code } = await authorize(base);
      return answer(base, postJson(`${base}/sns/oauth2/access_token`, codeParams(WEBSITE, code)));
    },
    expected: {
      status: 200,
      contentType: PLAIN,
      body: '{"access_token":"<token>","expires_in":7200,"refresh_token":"<token>","openid":"<id>","scope":"snsapi_login","unionid":"<id>"}',
    },
  },
  {
    name: 'GET /sns/oauth2/access_token with a reused code',
    run: async (base) => {
      const { code } = await authorize(base);
      await get(url(base, '/sns/oauth2/access_token', codeParams(WEBSITE, code)));
      return answer(base, get(url(base, '/sns/oauth2/access_token', codeParams(WEBSITE, code))));
    },
    expected: {
      status: 200,
      contentType: PLAIN,
      body: '{"errcode":40163,"errmsg":"code been used, rid: <rid>"}',
    },
  },
  {
    name: 'GET /sns/userinfo',
    run: async (base) => {
      const tokens = await obtainTokens(base);
      return answer(
        base,
        get(
          url(base, '/sns/userinfo', { access_token: tokens.access_token, openid: tokens.openid }),
        ),
      );
    },
    expected: { status: 200, contentType: PLAIN, body: null },
  },
  {
    name: 'POST /sns/auth as a form',
    run: async (base) => {
      const tokens = await obtainTokens(base);
      return answer(
        base,
        postForm(`${base}/sns/auth`, { access_token: tokens.access_token, openid: tokens.openid }),
      );
    },
    expected: { status: 200, contentType: PLAIN, body: '{"errcode":0,"errmsg":"ok"}' },
  },
  {
    name: 'GET /sns/oauth2/refresh_token',
    run: async (base) => {
      const tokens = await obtainTokens(base);
      return answer(
        base,
        get(
          url(base, '/sns/oauth2/refresh_token', {
            appid: WEBSITE.appid,
            grant_type: 'refresh_token',
            refresh_token: tokens.refresh_token,
          }),
        ),
      );
    },
    expected: {
      status: 200,
      contentType: PLAIN,
      body: '{"access_token":"<token>","expires_in":7200,"refresh_token":"<token>","openid":"<id>","scope":"snsapi_login"}',
    },
  },
  {
    name: 'PUT /sns/userinfo',
    run: (base) => answer(base, get(`${base}/sns/userinfo`, { method: 'PUT' })),
    expected: {
      status: 405,
      contentType: PLAIN,
      body: '{"errcode":43001,"errmsg":"require GET method, rid: <rid>"}',
    },
  },
  {
    name: 'GET an unknown path',
    run: (base) => answer(base, get(`${base}/sns/nothing`)),
    expected: {
      status: 404,
      contentType: PLAIN,
      body: '{"errcode":40066,"errmsg":"invalid url, rid: <rid>"}',
    },
  },
  {
    name: 'POST a form in invalid UTF-8 to /sns/oauth2/access_token',
    run: (base) =>
      answer(
        base,
        get(`${base}/sns/oauth2/access_token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: INVALID_UTF8,
        }),
      ),
    expected: {
      status: 200,
      contentType: PLAIN,
      body: '{"errcode":41002,"errmsg":"appid missing, rid: <rid>"}',
    },
    skip: {
      'express with body parsers':
        'express.urlencoded() decodes invalid UTF-8 with replacement characters before the router sees it',
    },
  },
  {
    name: 'POST a 2 MB form to /sns/oauth2/access_token',
    run: (base) =>
      answer(
        base,
        postForm(`${base}/sns/oauth2/access_token`, { appid: 'x'.repeat(2 * 1024 * 1024) }),
      ),
    expected: {
      status: 413,
      contentType: PLAIN,
      body: '{"errcode":45002,"errmsg":"content size out of limit, rid: <rid>"}',
    },
    skip: { 'express with body parsers': PARSERS_OWN_BODY },
  },
  {
    name: 'GET /connect/qrconnect',
    run: async (base) => {
      const res = await get(url(base, '/connect/qrconnect', qrconnectQuery()));
      const uuid = /\/connect\/qrcode\/([A-Za-z0-9_-]{16})/.exec(res.text)?.[1];
      return answer(base, Promise.resolve(res), uuid);
    },
    expected: { status: 200, contentType: HTML, body: null },
  },
  {
    name: 'GET /connect/qrconnect?f=xml',
    run: async (base) => {
      const res = await get(url(base, '/connect/qrconnect', qrconnectQuery(WEBSITE, { f: 'xml' })));
      const uuid = /CDATA\[([A-Za-z0-9_-]{16})\]/.exec(res.text)?.[1];
      return answer(base, Promise.resolve(res), uuid);
    },
    expected: {
      status: 200,
      contentType: 'text/xml; charset=utf-8',
      body: '<xml><uuid><![CDATA[<uuid>]]></uuid><ret>0</ret></xml>',
    },
  },
  {
    name: 'GET /connect/qrconnect with an unknown appid',
    run: (base) =>
      answer(
        base,
        get(url(base, '/connect/qrconnect', { ...qrconnectQuery(), appid: 'wx0000000000000000' })),
      ),
    expected: { status: 200, contentType: HTML, body: null },
  },
  {
    name: 'GET /connect/qrcode/:uuid',
    run: async (base) => {
      const uuid = await openQrSession(base);
      const res = await fetch(`${base}/connect/qrcode/${uuid}`);
      const decoded = decodeQrPng(new Uint8Array(await res.arrayBuffer()));
      return {
        status: res.status,
        contentType: res.headers.get('content-type'),
        body: maskAll(decoded, base, uuid),
      };
    },
    expected: {
      status: 200,
      contentType: 'image/png',
      body: '<origin>/connect/confirm?uuid=<uuid>',
    },
  },
  {
    name: 'GET /connect/confirm (the scan) and the long-poll after it',
    run: async (base) => {
      const uuid = await openQrSession(base);
      const page = await get(`${base}/connect/confirm?uuid=${uuid}`);
      const polled = await poll(base, uuid);
      return answer(
        base,
        Promise.resolve({ ...page, text: `${page.text}\n---\n${polled.text}` }),
        uuid,
      );
    },
    expected: { status: 200, contentType: HTML, body: null },
  },
  {
    name: 'POST /connect/confirm (agree) and the long-poll after it',
    run: async (base) => {
      const uuid = await openQrSession(base);
      const form = parseForm((await get(`${base}/connect/confirm?uuid=${uuid}`)).text);
      const res = await postForm(`${base}${form.action}`, form.fieldsFor('agree'));
      const polled = await poll(base, uuid, '404');
      return answer(
        base,
        Promise.resolve({ ...res, text: `${res.text}\n---\n${polled.text}` }),
        uuid,
      );
    },
    expected: { status: 200, contentType: HTML, body: null },
  },
  {
    name: 'GET /connect/l/qrconnect for an unknown uuid',
    run: (base) => answer(base, poll(base, 'AAAAAAAAAAAAAAAA')),
    expected: { status: 200, contentType: JS, body: "window.wx_errcode=402;window.wx_code='';" },
  },
  {
    name: 'POST /connect/oauth2/authorize (consent)',
    run: (base) =>
      answer(
        base,
        postForm(`${base}/connect/oauth2/authorize`, {
          appid: OA.appid,
          redirect_uri: `${OA.redirectUri}?x=1`,
          scope: 'snsapi_base',
          state: 'keep_me',
          user: 'li-na',
        }),
      ),
    expected: {
      status: 302,
      contentType: HTML,
      location: `${OA.redirectUri}?x=1&code=<code>&state=keep_me`,
      body: '',
    },
  },
  {
    name: 'GET /connect/oauth2/authorize with an empty scope',
    run: (base) =>
      answer(
        base,
        get(
          url(base, '/connect/oauth2/authorize', { appid: OA.appid, redirect_uri: OA.redirectUri }),
        ),
      ),
    expected: { status: 200, contentType: HTML, body: null },
  },
  {
    name: 'POST /__mock/authorize without a user',
    run: (base) => answer(base, postJson(`${base}/__mock/authorize`, { appid: WEBSITE.appid })),
    expected: {
      status: 400,
      contentType: JSON_TYPE,
      body: '{"error":"invalid_body","message":"user: Invalid input: expected string, received undefined"}',
    },
  },
  {
    name: 'POST /__mock/authorize with malformed JSON',
    run: (base) =>
      answer(
        base,
        get(`${base}/__mock/authorize`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"appid":',
        }),
      ),
    expected: {
      status: 400,
      contentType: JSON_TYPE,
      body: '{"error":"invalid_body","message":"body is not valid JSON"}',
    },
    skip: { 'express with body parsers': PARSERS_OWN_BODY },
  },
  {
    name: 'POST /__mock/qr/:uuid/cancel on a waiting session',
    run: async (base) => answer(base, qrControl(base, await openQrSession(base), 'cancel')),
    expected: {
      status: 409,
      contentType: JSON_TYPE,
      body: '{"error":"invalid_transition","message":"cannot cancel a QR session that is waiting"}',
    },
  },
  {
    name: 'POST /__mock/clock/advance with a bad duration',
    run: (base) => answer(base, postJson(`${base}/__mock/clock/advance`, { by: 'soon' })),
    expected: {
      status: 400,
      contentType: JSON_TYPE,
      body: '{"error":"invalid_body","message":"\\"soon\\" is not a duration (try \\"90s\\", \\"10m\\", \\"2h\\")"}',
    },
  },
];

// The node:http transport's answers, for the cases whose bodies are not spelled out.
let reference: Transport | undefined;
const referenceAnswers = new Map<string, Promise<Answer>>();

function referenceAnswer(testCase: Case): Promise<Answer> {
  let cached = referenceAnswers.get(testCase.name);
  if (!cached) {
    if (!reference) throw new Error('the reference transport is not started');
    cached = testCase.run(reference.base);
    referenceAnswers.set(testCase.name, cached);
  }
  return cached;
}

beforeAll(async () => {
  reference = await startTransport('node:http');
});

afterAll(async () => {
  await reference?.close();
});

describe.each(TRANSPORTS)('WeChat over %s', (transportName) => {
  let transport: Transport;

  beforeAll(async () => {
    transport = await startTransport(transportName);
  });

  afterAll(async () => {
    await transport.close();
  });

  const rows = CASES.filter((testCase) => testCase.skip?.[transportName] === undefined);

  it.each(rows.map((testCase) => [testCase.name, testCase] as const))(
    '%s',
    async (_name, testCase) => {
      const got = await testCase.run(transport.base);
      const { body, ...head } = testCase.expected;
      expect({ ...got, body: undefined }).toEqual({ ...head, body: undefined });
      if (body === null) {
        const expected = await referenceAnswer(testCase);
        expect(got).toEqual(expected);
        expect(got.body.length).toBeGreaterThan(0);
      } else {
        expect(got.body).toBe(body);
      }
    },
  );

  it('releases a held poll when the client goes away', async () => {
    const held = (): number => wechatContext(transport.running).signals.held();
    const uuid = await openQrSession(transport.base);
    const controller = new AbortController();
    const pending = poll(transport.base, uuid, undefined, controller.signal);
    await vi.waitFor(() => {
      expect(held()).toBe(1);
    });
    controller.abort();
    await expect(pending).rejects.toThrow();
    await vi.waitFor(() => {
      expect(held()).toBe(0);
    });
  });
});
