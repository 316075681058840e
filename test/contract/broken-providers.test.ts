/**
 * Contract strength, shown rather than assumed: the WeChat and QQ contracts must fail against
 * providers that are wrong in the ways real clients notice. Each variant wraps the real mock in a
 * proxy that breaks one thing (a content type, a JSON type, a key, the JSONP spacing, an error
 * code), runs `verifyTarget` (what `idmock verify` runs) against it, and expects a failure whose
 * report names the defect and the interaction it broke.
 */
import './support/pact-env.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyTarget } from '../../src/contract/verify.js';
import { startIdmock, type RunningIdmock } from '../../src/runtime/start.js';
import { startMutatingProxy, type Mutation } from './support/mutating-proxy.js';

interface Variant {
  /** What is broken. */
  readonly defect: string;
  readonly mutate: Mutation;
  /** An interaction that must fail. */
  readonly fails: string;
  /** Text the report must contain: the defect, named. */
  readonly message: string;
}

const isSuccess = (body: string): boolean => !body.includes('"errcode"');
const escapeNonAscii = (text: string): string =>
  text.replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);

const WECHAT_VARIANTS: readonly Variant[] = [
  {
    defect: 'answers /sns/* as application/json',
    mutate: (r) => {
      if (r.path.startsWith('/sns/')) r.contentType = 'application/json';
    },
    fails: 'a token check for a valid token',
    message: 'header Content-Type: expected "text/plain", got "application/json"',
  },
  {
    defect: 'adds a charset to text/plain',
    mutate: (r) => {
      if (r.path.startsWith('/sns/')) r.contentType = 'text/plain; charset=utf-8';
    },
    fails: 'a profile request with a snsapi_userinfo token',
    message: 'header Content-Type: expected "text/plain", got "text/plain; charset=utf-8"',
  },
  {
    defect: 'sends expires_in as a string',
    mutate: (r) => {
      r.body = r.body.replace(/"expires_in":(\d+)/, '"expires_in":"$1"');
    },
    fails: 'a code exchange for an unused code',
    message: 'body: "expires_in": expected a number, got a string ("7200")',
  },
  {
    defect: 'puts errcode 0 on a userinfo success body',
    mutate: (r) => {
      if (r.path === '/sns/userinfo' && isSuccess(r.body))
        r.body = `{"errcode":0,${r.body.slice(1)}`;
    },
    fails: 'a profile request with a snsapi_userinfo token',
    message: 'body: unexpected key "errcode" (0)',
  },
  {
    defect: 'puts errcode 0 on a code exchange success body',
    mutate: (r) => {
      if (r.path === '/sns/oauth2/access_token' && isSuccess(r.body)) {
        r.body = r.body.replace(/\}$/, ',"errcode":0,"errmsg":"ok"}');
      }
    },
    fails: 'a code exchange for an unused code',
    message: 'body: unexpected key "errcode" (0)',
  },
  {
    defect: 'leaves the nickname out of userinfo',
    mutate: (r) => {
      r.body = r.body.replace(/"nickname":"[^"]*",/, '');
    },
    fails: 'a profile request with a snsapi_userinfo token',
    message: 'body: missing key "nickname"',
  },
  {
    defect: 'answers a reused code with 40029 instead of 40163',
    mutate: (r) => {
      r.body = r.body.replace('"errcode":40163', '"errcode":40029');
    },
    fails: 'a code exchange for a code already exchanged',
    message: 'body: "errcode": expected 40163, got 40029',
  },
  {
    defect: 'renames errmsg to errMsg',
    mutate: (r) => {
      r.body = r.body.replace('"errmsg":', '"errMsg":');
    },
    fails: 'a token check for an expired token',
    message: 'body: missing key "errmsg"',
  },
  {
    defect: 'writes the avatar URL without escaping "/"',
    mutate: (r) => {
      if (r.path === '/sns/userinfo') r.body = r.body.replaceAll('\\/', '/');
    },
    fails: 'a profile request with a snsapi_userinfo token',
    message: '("/" is not escaped as "\\/")',
  },
  {
    defect: 'escapes the Chinese nickname as \\uXXXX',
    mutate: (r) => {
      if (r.path === '/sns/userinfo') r.body = escapeNonAscii(r.body);
    },
    fails: 'a profile request with a snsapi_userinfo token',
    message: 'non-ASCII text is escaped as \\uXXXX instead of raw UTF-8',
  },
];

const QQ_VARIANTS: readonly Variant[] = [
  {
    defect: 'writes the JSONP without the spaces inside the parentheses',
    mutate: (r) => {
      r.body = r.body.replace(/^callback\( (.*) \);/, 'callback($1);');
    },
    fails: 'an openid lookup as JSONP',
    message:
      'body: the text around the JSON differs: expected "callback( "…" );\\n", got "callback("…");\\n"',
  },
  {
    defect: 'drops the newline after the JSONP',
    mutate: (r) => {
      r.body = r.body.replace(/\);\n$/, ');');
    },
    fails: 'an openid lookup as JSONP with an expired token',
    message:
      'body: the text around the JSON differs: expected "callback( "…" );\\n", got "callback( "…" );"',
  },
  {
    defect: 'answers /oauth2.0/me as application/json',
    mutate: (r) => {
      if (r.path === '/oauth2.0/me') r.contentType = 'application/json';
    },
    fails: 'an openid lookup as JSON',
    message: 'header Content-Type: expected "text/html", got "application/json"',
  },
  {
    defect: 'sends client_id as a number',
    mutate: (r) => {
      r.body = r.body.replace(/"client_id":"(\d+)"/, '"client_id":$1');
    },
    fails: 'an openid lookup as JSON',
    message: 'body: "client_id": expected a string, got a number (101364208)',
  },
  {
    defect: 'sends the VIP flag as a number',
    mutate: (r) => {
      r.body = r.body.replace('"is_yellow_vip":"0"', '"is_yellow_vip":0');
    },
    fails: 'a profile request',
    message: 'body: "is_yellow_vip": expected a string, got a number (0)',
  },
  {
    defect: 'answers an expired token with 100015 instead of 100016',
    mutate: (r) => {
      r.body = r.body.replace('"error":100016', '"error":100015');
    },
    fails: 'an openid lookup as JSON with an expired token',
    message: 'body: "error": expected 100016, got 100015',
  },
  {
    defect: 'leaves figureurl_qq_2 out of get_user_info',
    mutate: (r) => {
      r.body = r.body.replace(/"figureurl_qq_2":"[^"]*",/, '');
    },
    fails: 'a profile request',
    message: 'body: missing key "figureurl_qq_2"',
  },
  {
    defect: 'puts openid before client_id',
    mutate: (r) => {
      r.body = r.body.replace(
        /\{"client_id":("\d+"),"openid":("[0-9A-F]+")\}/,
        '{"openid":$2,"client_id":$1}',
      );
    },
    fails: 'an openid lookup as JSONP',
    message: 'body: keys out of order: expected client_id, openid; got openid, client_id',
  },
];

describe.each([
  { target: 'wechat' as const, variants: WECHAT_VARIANTS },
  { target: 'qq' as const, variants: QQ_VARIANTS },
])('idmock verify --target $target against broken providers', ({ target, variants }) => {
  let idmock: RunningIdmock;

  beforeAll(async () => {
    idmock = await startIdmock({ services: [target] });
  });

  afterAll(async () => {
    await idmock.stop();
  });

  it('passes against the unbroken mock', async () => {
    const result = await verifyTarget({
      target,
      baseUrl: idmock.urls[target] ?? '',
      print: () => undefined,
    });
    expect(result.report).toContain('interactions passed');
    expect(result.passed).toBe(true);
  }, 60_000);

  it.each(variants)(
    'fails a provider that $defect',
    async ({ mutate, fails, message }) => {
      const proxy = await startMutatingProxy(idmock.urls[target] ?? '', mutate);
      try {
        const result = await verifyTarget({ target, baseUrl: proxy.url, print: () => undefined });
        expect(result.passed).toBe(false);
        const failure = result.failures.find((f) => f.description === fails);
        expect(failure, `"${fails}" should fail:\n${result.report}`).toBeDefined();
        expect(failure?.problems.join('\n')).toContain(message);
        expect(result.report).toContain(`✗ ${fails}`);
      } finally {
        await proxy.close();
      }
    },
    60_000,
  );
});
