/**
 * The committed contracts are Pact V4 files a verifier anywhere can read, and the fixed values the
 * auth-server contracts put in requests are the ones the bundled world (and `contracts/README.md`)
 * gives implementers.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUTH_DEFAULTS } from '../../src/auth-server/defaults.js';
import {
  CONTRACT_CONNECT_QQ_CLIENT_ID,
  CONTRACT_CONNECT_WECHAT_APPID,
  CONTRACT_CREDENTIALS,
  CONTRACT_GAME_API_KEY,
  CONTRACT_LOGIN,
} from '../../src/contract/auth-server/world.js';
import { CONTRACTS_DIR } from '../../src/contract/contracts.js';
import { DEFAULT_WORLD_DIR } from '../../src/runtime/config.js';

type Json = Record<string, unknown>;

const FILES = readdirSync(CONTRACTS_DIR).filter((name) => name.endsWith('.json'));
const readJson = (path: string): Json => JSON.parse(readFileSync(path, 'utf8')) as Json;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

describe('contracts/*.json', () => {
  it('holds the four contracts of the README table', () => {
    expect(FILES.sort()).toEqual([
      'idmock-auth-server-idmock-qq.json',
      'idmock-auth-server-idmock-wechat.json',
      'idmock-login-client-idmock-auth-server.json',
      'idmock-sdk-idmock-auth-server.json',
    ]);
    const readme = readFileSync(join(CONTRACTS_DIR, 'README.md'), 'utf8');
    for (const file of FILES) expect(readme).toContain(`\`${file}\``);
  });

  describe.each(FILES)('%s', (file) => {
    const pact = readJson(join(CONTRACTS_DIR, file));
    const interactions = (pact['interactions'] ?? []) as unknown[];

    it('is a Pact V4 file named <consumer>-<provider>.json', () => {
      const metadata = pact['metadata'] as Json;
      expect((metadata['pactSpecification'] as Json)['version']).toMatch(/^4\.\d+(\.\d+)?$/);
      const consumer = (pact['consumer'] as Json)['name'];
      const provider = (pact['provider'] as Json)['name'];
      expect(consumer).toEqual(expect.any(String));
      expect(provider).toEqual(expect.any(String));
      expect(file).toBe(`${String(consumer)}-${String(provider)}.json`);
      expect(Array.isArray(interactions) && interactions.length > 0).toBe(true);
    });

    it('has V4 HTTP interactions with every required key, named uniquely', () => {
      const names = new Set<string>();
      for (const entry of interactions) {
        expect(isObject(entry)).toBe(true);
        const interaction = entry as Json;
        expect(interaction['type']).toBe('Synchronous/HTTP');
        expect(interaction['description']).toEqual(expect.any(String));
        const description = String(interaction['description']);
        expect(names.has(description), `duplicate "${description}"`).toBe(false);
        names.add(description);
        const request = interaction['request'] as Json;
        const response = interaction['response'] as Json;
        expect(request['method']).toMatch(/^(GET|POST|PUT|DELETE|PATCH)$/);
        expect(request['path']).toMatch(/^\//);
        expect(response['status']).toEqual(expect.any(Number));
        for (const part of [request, response]) {
          const body = part['body'];
          if (body === undefined) continue;
          expect(body).toMatchObject({ contentType: expect.any(String) as unknown });
          expect(isObject(body) && 'content' in body).toBe(true);
        }
        for (const state of (interaction['providerStates'] ?? []) as Json[]) {
          expect(state['name']).toEqual(expect.any(String));
          if (state['params'] !== undefined) expect(isObject(state['params'])).toBe(true);
        }
      }
    });

    it('injects only values its provider states set up', () => {
      for (const entry of interactions) {
        const interaction = entry as Json;
        const generators = ((interaction['request'] as Json)['generators'] ?? {}) as Json;
        const expressions = JSON.stringify(generators).match(/\$\{\w+\}/g) ?? [];
        if (expressions.length > 0) {
          expect(
            ((interaction['providerStates'] ?? []) as unknown[]).length,
            `"${String(interaction['description'])}" injects ${expressions.join(', ')} with no state`,
          ).toBeGreaterThan(0);
        }
      }
    });
  });
});

describe('the values the auth-server contracts fix', () => {
  const authDir = join(DEFAULT_WORLD_DIR, 'auth-server');

  it('are the bundled credentials, API keys and apps', () => {
    const credentials = readJson(join(authDir, 'credentials.json'));
    expect(credentials['apiKey']).toBe(CONTRACT_GAME_API_KEY);
    const byName = new Map(
      (credentials['credentials'] as Json[]).map((credential) => [credential['name'], credential]),
    );
    expect(byName.get('device')).toMatchObject({ secret: CONTRACT_CREDENTIALS.device.secret });
    expect(byName.get('kids')).toMatchObject({
      secret: CONTRACT_CREDENTIALS.kids.secret,
      coppa: true,
    });
    const accounts = readJson(join(authDir, 'accounts.json'));
    expect((accounts['apiKeys'] as Json[]).map((key) => key['key'])).toContain(
      CONTRACT_LOGIN.apiKey,
    );
    expect(AUTH_DEFAULTS.wechat.appid).toBe(CONTRACT_CONNECT_WECHAT_APPID);
    expect(AUTH_DEFAULTS.qq.clientId).toBe(CONTRACT_CONNECT_QQ_CLIENT_ID);
    expect(AUTH_DEFAULTS.login.wechat).toEqual(CONTRACT_LOGIN.wechat);
    const wechat = readJson(join(DEFAULT_WORLD_DIR, 'wechat', 'seed.json'));
    expect(wechat['apps']).toContainEqual(
      expect.objectContaining({ appid: CONTRACT_LOGIN.wechat.appid, kind: 'website' }),
    );
    expect(wechat['apps']).toContainEqual(
      expect.objectContaining({ appid: CONTRACT_CONNECT_WECHAT_APPID, kind: 'mobile' }),
    );
    const qq = readJson(join(DEFAULT_WORLD_DIR, 'qq', 'seed.json'));
    expect(qq['apps']).toContainEqual(
      expect.objectContaining({ clientId: CONTRACT_CONNECT_QQ_CLIENT_ID }),
    );
  });
});
