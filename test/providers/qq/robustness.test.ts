/**
 * Bad input of every kind gets a QQ-shaped answer: never a 500, never a stack trace.
 */
import { describe, expect, it } from 'vitest';
import { createClock } from '../../../src/core/clock.js';
import { createRequest } from '../../../src/core/http.js';
import { createIds } from '../../../src/core/ids.js';
import { dispatch } from '../../../src/core/router.js';
import { loadJsonFile, loadPersonas } from '../../../src/core/world.js';
import { createQqService, qqSeedSchema } from '../../../src/providers/qq/index.js';
import { get, postForm, useIdmock, type Fetched } from '../../support/idmock.js';
import {
  BUNDLED_WORLD,
  codeParams,
  jsonpError,
  obtainCode,
  unwrapJsonp,
  url,
  WEB,
} from './support.js';

const idmock = useIdmock({ services: ['qq'] });
const base = (): string => idmock.current.urls.qq ?? '';

const ROUTER_JSONP = jsonpError(100029, 'http request is illegal');
const ROUTER_OPENAPI = JSON.stringify({ ret: -1, msg: "client request's parameters are invalid" });

/** The answer is in one of QQ's formats and shows nothing of the implementation. */
function expectQqShaped(res: Fetched): void {
  expect(res.status).toBeLessThan(500);
  expect(res.text).not.toMatch(/at .+\.(ts|js):\d+|Error:|stack/);
  const qqShaped =
    /^callback\( \{"error":\d+,"error_description":"[^"]*"\} \);\n$/.test(res.text) ||
    /^\{"error":\d+,"error_description":"[^"]*"\}$/.test(res.text) ||
    /^\{"(ret|msg)":/.test(res.text) ||
    res.text.includes('id="error_msg"') ||
    res.text.includes('id="login"') ||
    res.text.startsWith('access_token=') ||
    res.text.startsWith('callback( {"client_id"') ||
    res.status === 302;
  expect(qqShaped, `${res.status} ${res.text.slice(0, 200)}`).toBe(true);
}

describe('router errors', () => {
  it.each([
    ['GET', '/oauth2.0/nothing', 404, ROUTER_JSONP],
    ['GET', '/', 404, ROUTER_JSONP],
    ['GET', '/__mock/nothing', 404, ROUTER_JSONP],
    ['DELETE', '/oauth2.0/token', 405, ROUTER_JSONP],
    ['PUT', '/oauth2.0/me', 405, ROUTER_JSONP],
    ['GET', '/user/get_nothing', 404, ROUTER_OPENAPI],
    ['PATCH', '/user/get_user_info', 405, ROUTER_OPENAPI],
  ])('answers %s %s with %i in the QQ format of the path', async (method, path, status, body) => {
    const res = await get(`${base()}${path}`, { method });
    expect(res.status).toBe(status);
    expect(res.text).toBe(body);
  });

  it('answers a wrong method on the browser step with an error page', async () => {
    const res = await get(`${base()}/oauth2.0/show?which=Login`, { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.text).toContain('http request is illegal (100029)');
  });

  it('honours fmt=json on an unknown OAuth path', async () => {
    const res = await get(`${base()}/oauth2.0/nothing?fmt=json`);
    expect(res.json()).toEqual({ error: 100029, error_description: 'http request is illegal' });
  });

  it('answers an oversized body with 413 in QQ format', async () => {
    const res = await postForm(`${base()}/oauth2.0/token`, { junk: 'x'.repeat(2 * 1024 * 1024) });
    expect(res.status).toBe(413);
    expect(res.text).toBe(ROUTER_JSONP);
  });

  it('answers HEAD with headers only', async () => {
    const res = await get(`${base()}/oauth2.0/me`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html');
    expect(res.text).toBe('');
  });
});

describe('malformed and unusual input', () => {
  const raw = (path: string, contentType: string, body: Uint8Array | string) =>
    get(`${base()}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });

  it('treats a body that is not UTF-8 as carrying no parameters', async () => {
    const res = await raw(
      '/oauth2.0/token',
      'application/x-www-form-urlencoded',
      new Uint8Array([0xff, 0xfe, 0x3d]),
    );
    expect(res.text).toBe(jsonpError(100004, 'param grant_type is wrong or lost '));
  });

  it.each([
    ['application/json', '{"access_token":'],
    ['application/json', '[1,2,3]'],
    [
      'multipart/form-data; boundary=x',
      '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--',
    ],
    ['text/plain', 'access_token=ABC'],
    ['application/x-www-form-urlencoded', '%%%&&&==='],
  ])('answers a %s body on /me with 100007', async (type, body) => {
    const res = await raw('/oauth2.0/me', type, body);
    expect(res.text).toBe(jsonpError(100007, 'param access token is wrong or lost '));
  });

  it('answers broken percent-encoding without failing', async () => {
    const res = await get(`${base()}/oauth2.0/me?access_token=%E0%A4%A&fmt=json`);
    expect(res.json()).toEqual({ error: 100013, error_description: 'access token is illegal' });
  });

  it('uses the first of repeated parameters on /me', async () => {
    const code = await obtainCode(base());
    const { access_token } = (
      await get(url(base(), '/oauth2.0/token', { ...codeParams(WEB, code), fmt: 'json' }))
    ).json<{ access_token: string }>();
    const res = await get(`${base()}/oauth2.0/me?access_token=${access_token}&access_token=X`);
    expect(unwrapJsonp(res)).toMatchObject({ client_id: WEB.clientId });
  });

  it('uses the first of repeated parameters on the authorize page', async () => {
    const res = await get(
      `${url(base(), '/oauth2.0/authorize', {
        response_type: 'code',
        client_id: WEB.clientId,
        redirect_uri: WEB.callback,
      })}&client_id=100000001`,
    );
    expect(res.text).toContain('id="login"');
  });

  it.each([
    ['/oauth2.0/token', { grant_type: 'authorization_code', client_id: '9'.repeat(6000) }],
    ['/oauth2.0/me', { access_token: 'A'.repeat(8000) }],
    [
      '/oauth2.0/authorize',
      { response_type: 'code', client_id: WEB.clientId, state: 's'.repeat(8000) },
    ],
    [
      '/user/get_user_info',
      { access_token: 'A', oauth_consumer_key: '9'.repeat(5000), openid: 'B' },
    ],
  ])('answers oversized parameters on %s in QQ format', async (path, query) => {
    expectQqShaped(await get(url(base(), path, query)));
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'treats grant_type=%s as an unknown grant',
    async (grantType) => {
      const res = await get(
        url(base(), '/oauth2.0/token', { ...codeParams(WEB, 'X'), grant_type: grantType }),
      );
      expect(res.text).toBe(jsonpError(100004, 'param grant_type is wrong or lost '));
    },
  );

  it.each(['__proto__', 'constructor', 'toString'])(
    'treats client_id=%s as unknown',
    async (id) => {
      const res = await get(
        url(base(), '/oauth2.0/token', { ...codeParams(WEB, 'X'), client_id: id }),
      );
      expect(res.text).toBe(jsonpError(100008, 'client id is illegal, not exist'));
      const page = await get(
        url(base(), '/oauth2.0/authorize', { response_type: 'code', client_id: id }),
      );
      expect(page.text).toContain(`[appid: ${id}] (100008)`);
    },
  );

  const PATHS = [
    '/oauth2.0/authorize',
    '/oauth2.0/show',
    '/oauth2.0/token',
    '/oauth2.0/me',
    '/user/get_user_info',
  ];
  const INPUTS: Record<string, string>[] = [
    {},
    { fmt: 'json' },
    { which: 'Login', response_type: 'token', client_id: 'abc', redirect_uri: '::' },
    {
      grant_type: 'refresh_token',
      client_id: WEB.clientId,
      client_secret: WEB.appkey,
      refresh_token: '\u0000',
    },
    { access_token: '\u202e<svg>', unionid: '1', oauth_consumer_key: '0', openid: '"' },
  ];

  it.each(
    PATHS.flatMap((path) =>
      INPUTS.flatMap(
        (input) =>
          [
            ['GET', path, input],
            ['POST', path, input],
          ] as const,
      ),
    ),
  )('never fails on %s %s %j', async (method, path, input) => {
    const res =
      method === 'GET'
        ? await get(url(base(), path, input))
        : await postForm(`${base()}${path}`, input);
    expectQqShaped(res);
  });
});

describe('unexpected exceptions', () => {
  it('become a QQ error at HTTP 200 with details only in the log', async () => {
    const logged: unknown[] = [];
    const service = createQqService({
      clock: createClock(),
      ids: createIds({ seed: 'idmock' }),
      personas: await loadPersonas(BUNDLED_WORLD, 'idmock'),
      seed: await loadJsonFile(`${BUNDLED_WORLD}/qq/seed.json`, qqSeedSchema),
      log: (error) => logged.push(error),
    });
    const boom = (): never => {
      throw new Error('boom at secret.ts:1');
    };
    Object.assign(service.context.world, { app: boom });
    Object.assign(service.context.state.accessTokens, { get: boom });
    const token = await dispatch(
      service,
      createRequest(
        'https://graph.qq.com/oauth2.0/token?grant_type=authorization_code&client_id=1',
      ),
    );
    expect(token.status).toBe(200);
    expect(token.body).toBe(ROUTER_JSONP);
    const user = await dispatch(
      service,
      createRequest(
        `https://graph.qq.com/user/get_user_info?access_token=${'A'.repeat(32)}&oauth_consumer_key=1&openid=B`,
      ),
    );
    expect(user.body).toBe(ROUTER_OPENAPI);
    const page = await dispatch(
      service,
      createRequest('https://graph.qq.com/oauth2.0/authorize?response_type=code&client_id=1'),
    );
    expect(String(page.body)).toContain('http request is illegal (100029)');
    expect(logged).toHaveLength(3);
  });

  it('serves graph.qq.com through dispatch without a socket', async () => {
    const service = createQqService({
      clock: createClock(),
      ids: createIds({ seed: 'idmock' }),
      personas: await loadPersonas(BUNDLED_WORLD, 'idmock'),
      seed: await loadJsonFile(`${BUNDLED_WORLD}/qq/seed.json`, qqSeedSchema),
    });
    const res = await dispatch(service, createRequest('https://graph.qq.com/oauth2.0/me'));
    expect(res.body).toBe(jsonpError(100007, 'param access token is wrong or lost '));
  });
});
