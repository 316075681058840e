/**
 * Secrets and codes are compared in constant time. Two checks, each failing if a comparison site
 * goes back to `===`:
 * - at run time, `safeEqual` is spied on and every site is made to compare a wrong value: the spy
 *   must have seen that value;
 * - in the mock's source, no `===`/`!==` (or `==`/`!=`) has an operand named like a secret (secret,
 *   appkey, password, hmac, hash, digest, ...token, ...code, ...key) unless the other side is a
 *   literal or a named constant, or the pair is listed below with the reason it is not a secret.
 *
 * Lookups of a presented code or token in a `Map` are not comparisons of the secret against a
 * stored one byte by byte; they are keyed by the whole value (ADR 0006).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { AuthService } from '../../src/auth-server/index.js';
import { safeEqual } from '../../src/core/ids.js';
import { call, createInProcessWorld, type InProcessWorld } from '../fuzz/world.js';

vi.mock('../../src/core/ids.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/core/ids.js')>();
  return { ...actual, safeEqual: vi.fn(actual.safeEqual) };
});

const ADMIN_TOKEN = 'constant-time-admin-token-0123456789';
const WRONG = 'wrong-value-for-the-spy-0123456789';
const API_KEY = { 'api-key': 'idmock-web-4f1c2a9e7b3d5081' };
const WEB = { appid: 'wx1a2b3c4d5e6f7081', secret: '0f1e2d3c4b5a69788796a5b4c3d2e1f0' };

function compared(value: string): boolean {
  return vi.mocked(safeEqual).mock.calls.some(([a, b]) => a === value || b === value);
}

describe('safeEqual at every comparison site', () => {
  let world: InProcessWorld;
  beforeAll(async () => {
    world = await createInProcessWorld({ config: { adminToken: ADMIN_TOKEN } });
  });

  async function expectCompared(value: string, send: () => Promise<unknown>): Promise<void> {
    vi.mocked(safeEqual).mockClear();
    await send();
    expect(compared(value)).toBe(true);
  }

  it('compares the WeChat appsecret', async () => {
    await expectCompared(WRONG, () =>
      call(
        world.services.wechat,
        'GET',
        `/sns/oauth2/access_token?appid=${WEB.appid}&secret=${WRONG}&code=x&grant_type=authorization_code`,
      ),
    );
  });

  it('compares the QQ client_secret', async () => {
    await expectCompared(WRONG, () =>
      call(
        world.services.qq,
        'GET',
        `/oauth2.0/token?grant_type=authorization_code&client_id=101364207&client_secret=${WRONG}&code=x&redirect_uri=x`,
      ),
    );
  });

  it('compares the REST credential secret', async () => {
    await expectCompared(WRONG, () =>
      call(world.services.auth, 'POST', `/rs/device/${WRONG}/DeviceAuthenticationRequest`, {
        json: { deviceId: 'd', deviceOS: 'IOS' },
      }),
    );
  });

  it('compares the socket apiKey and the handshake HMAC', () => {
    const auth = world.services.auth as unknown as AuthService;
    vi.mocked(safeEqual).mockClear();
    expect(auth.acceptSocket(new URL(`http://localhost/ws/device/${WRONG}`)).accept).toBe(false);
    expect(compared(WRONG)).toBe(true);

    const decision = auth.acceptSocket(new URL('http://localhost/ws/device/idmock0game1'));
    if (!decision.accept) throw new Error('the socket path was refused');
    const sent: string[] = [];
    const connection = decision.open({
      send: (text) => sent.push(text),
      close: () => undefined,
    });
    vi.mocked(safeEqual).mockClear();
    connection.receive(JSON.stringify({ '@class': '.AuthenticatedConnectRequest', hmac: WRONG }));
    return vi.waitFor(() => {
      expect(sent.length).toBeGreaterThanOrEqual(2);
      expect(compared(WRONG)).toBe(true);
    });
  });

  it('compares the GameSparks password', async () => {
    await expectCompared(WRONG, () =>
      call(
        world.services.auth,
        'POST',
        '/rs/device/dEv1ceS3cretF0rL0calTest1ngOnly0/AuthenticationRequest',
        {
          json: { userName: 'alice', password: WRONG },
        },
      ),
    );
  });

  it('compares the login API key', async () => {
    await expectCompared(WRONG, () =>
      call(world.services.auth, 'POST', '/v1/auth/login', {
        json: { username: 'bob', password: 'bob-password' },
        headers: { 'api-key': WRONG },
      }),
    );
  });

  it('compares the login app secret', async () => {
    await expectCompared(WRONG, () =>
      call(world.services.auth, 'POST', '/v1/auth/login', {
        json: { appId: WEB.appid, secret: WRONG, code: 'x' },
        headers: API_KEY,
      }),
    );
  });

  it('compares the login password', async () => {
    await expectCompared(WRONG, () =>
      call(world.services.auth, 'POST', '/v1/auth/login', {
        json: { username: 'bob', password: WRONG },
        headers: API_KEY,
      }),
    );
  });

  it('compares the SMS code', async () => {
    await call(world.services.auth, 'POST', '/v1/auth/sms', {
      json: { tn: '13700137000' },
      headers: API_KEY,
    });
    await expectCompared('000000', async () => {
      await call(world.services.auth, 'POST', '/v1/auth/login', {
        json: { tn: '13700137000', code: '000000' },
        headers: API_KEY,
      });
      // The live code could be 000000 itself; then the wrong one is 000001.
      await call(world.services.auth, 'POST', '/v1/auth/login', {
        json: { tn: '13700137000', code: '000001' },
        headers: API_KEY,
      });
    });
  });

  it('compares the unionCode (as its digest)', async () => {
    const code = (
      await call(world.services.wechat, 'POST', '/__mock/authorize', {
        json: { ...WEB, redirect_uri: 'http://localhost/cb', scope: 'snsapi_login', user: 'li-na' },
      })
    ).json<{ code: string }>().code;
    const unbound = await call(world.services.auth, 'POST', '/v1/auth/login', {
      json: { appId: WEB.appid, secret: WEB.secret, code },
      headers: API_KEY,
    });
    const unionId = unbound.json<{ errors: { meta: { unionId: string } }[] }>().errors[0]?.meta
      .unionId;
    await call(world.services.auth, 'POST', '/v1/auth/sms', {
      json: { tn: '13600136000' },
      headers: API_KEY,
    });
    const digest = createHash('sha256').update(WRONG, 'utf8').digest('base64url');
    await expectCompared(digest, () =>
      call(world.services.auth, 'POST', '/v1/auth/login', {
        json: { tn: '13600136000', code: '123456', unionId, unionCode: WRONG },
        headers: API_KEY,
      }),
    );
  });

  it('compares the admin token of mock-only endpoints', async () => {
    await expectCompared(WRONG, () =>
      call(world.services.wechat, 'GET', '/__mock/apps', {
        headers: { authorization: `Bearer ${WRONG}` },
        remoteAddress: '10.0.0.5',
      }),
    );
  });
});

// ---------------------------------------------------------------------------------------------

const SRC = join(import.meta.dirname, '..', '..', 'src');

/**
 * The mock itself: what holds and checks secrets. The contract verifier and the SDK are clients
 * (they hold no one's secrets but their own), so their map keys are not scanned.
 */
const MOCK_DIRS = ['core', 'providers', 'auth-server', 'adapters', 'runtime', 'cli'];

/** Operand names that hold secrets. */
const SECRET_NAME = /(secret|appkey|password|hmac|hash|digest|token|code|key)$/i;

/** Pairs that match the pattern but compare public values, with the reason. */
const NOT_SECRETS: Readonly<Record<string, string>> = {
  'record.apiKey === binding.apiKey': 'the API key *name* a unionCode was issued to, not the key',
  'check.record.clientId !== consumerKey': 'oauth_consumer_key is the public QQ client_id',
};

const EQUALITY = new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsToken,
]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function operandName(node: ts.Expression): string | undefined {
  if (ts.isParenthesizedExpression(node)) return operandName(node.expression);
  if (ts.isNonNullExpression(node)) return operandName(node.expression);
  if (ts.isIdentifier(node)) return node.text;
  if (ts.isPropertyAccessExpression(node)) return node.name.text;
  if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)) {
    return node.argumentExpression.text;
  }
  if (
    ts.isBinaryExpression(node) &&
    node.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken
  ) {
    return operandName(node.left);
  }
  return undefined;
}

/** Literals, `undefined`, `typeof x`, and SCREAMING_CASE constants are not secrets. */
function isPublicOperand(node: ts.Expression): boolean {
  if (ts.isParenthesizedExpression(node)) return isPublicOperand(node.expression);
  return (
    ts.isStringLiteralLike(node) ||
    ts.isNumericLiteral(node) ||
    ts.isTypeOfExpression(node) ||
    ts.isPrefixUnaryExpression(node) ||
    node.kind === ts.SyntaxKind.NullKeyword ||
    node.kind === ts.SyntaxKind.TrueKeyword ||
    node.kind === ts.SyntaxKind.FalseKeyword ||
    (ts.isIdentifier(node) && (node.text === 'undefined' || /^[A-Z][A-Z0-9_]+$/.test(node.text)))
  );
}

/** Every equality with a secret-named operand on a non-public comparison, as `line: text`. */
function secretEqualitiesIn(source: ts.SourceFile): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isBinaryExpression(node) && EQUALITY.has(node.operatorToken.kind)) {
      const names = [operandName(node.left), operandName(node.right)];
      const secret = names.some((name) => name !== undefined && SECRET_NAME.test(name));
      if (secret && !isPublicOperand(node.left) && !isPublicOperand(node.right)) {
        const text = node.getText(source).replace(/\s+/g, ' ');
        if (!(text in NOT_SECRETS)) {
          const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
          found.push(`${line + 1}: ${text}`);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function parse(path: string, text: string): ts.SourceFile {
  return ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
}

describe('the source', () => {
  it('compares no secret with ===, !==, == or !=', () => {
    const files = MOCK_DIRS.flatMap((dir) => sourceFiles(join(SRC, dir)));
    expect(files.length).toBeGreaterThan(50);
    const found = files.flatMap((file) =>
      secretEqualitiesIn(parse(file, readFileSync(file, 'utf8'))).map(
        (hit) => `${relative(SRC, file)}:${hit}`,
      ),
    );
    expect(found).toEqual([]);
  });

  it('would find a secret compared with ===', () => {
    const probe = [
      'declare const app: { secret: string };',
      'declare const presented: string;',
      'export const same = presented === app.secret;',
      "export const fine = presented === 'literal';",
      'export const alsoFine = app.secret === undefined;',
    ].join('\n');
    expect(secretEqualitiesIn(parse('probe.ts', probe))).toEqual(['3: presented === app.secret']);
  });
});
