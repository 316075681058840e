/**
 * Helpers for the QQ tests: the seeded apps, and short ways to get codes and tokens through the
 * mock's public endpoints.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { z } from 'zod';
import type { qqSeedSchema } from '../../../src/providers/qq/index.js';
import { get, postJson, type Fetched } from '../../support/idmock.js';

/** A seeded QQ app as the tests use it. */
export interface TestApp {
  readonly clientId: string;
  readonly appkey: string;
  readonly callback: string;
}

/** The website app with unionid permission. */
export const WEB: TestApp = {
  clientId: '101364207',
  appkey: '556c5099bf889b17f0706c1c99ba7356',
  callback: 'http://localhost:3000/auth/qq/callback',
};

/** A second app of the same developer account (used as the "mobile" app). */
export const GAME: TestApp = {
  clientId: '101364208',
  appkey: '3337f831c38269bb480b544022340f47',
  callback: 'http://localhost:3000/auth/qq/game/callback',
};

/** The app without unionid permission. */
export const NO_UNIONID: TestApp = {
  clientId: '101364209',
  appkey: '2bf5c8294e089e0d0e334357c3b04abd',
  callback: 'http://localhost:3000/auth/qq/callback',
};

/** Builds `base + path?query`. */
export function url(base: string, path: string, query: Record<string, string> = {}): string {
  const search = new URLSearchParams(query).toString();
  return `${base}${path}${search === '' ? '' : `?${search}`}`;
}

/** Headless consent; returns the parsed body. */
export async function authorize(
  base: string,
  app: TestApp = WEB,
  user = 'zhang-wei',
  extra: Record<string, string> = {},
): Promise<{ code: string; location: string; openid: string; access_token: string }> {
  const res = await postJson(`${base}/__mock/authorize`, {
    client_id: app.clientId,
    redirect_uri: app.callback,
    scope: 'get_user_info',
    state: 'test',
    user,
    ...extra,
  });
  expect(res.status, res.text).toBe(200);
  return res.json();
}

/** A fresh code for an app and persona. */
export async function obtainCode(base: string, app: TestApp = WEB, user = 'zhang-wei') {
  return (await authorize(base, app, user)).code;
}

/** The token request parameters for a code. */
export function codeParams(app: TestApp, code: string): Record<string, string> {
  return {
    grant_type: 'authorization_code',
    client_id: app.clientId,
    client_secret: app.appkey,
    code,
    redirect_uri: app.callback,
  };
}

/** Exchanges a code (JSON format) and returns the tokens. */
export async function obtainTokens(
  base: string,
  app: TestApp = WEB,
  user = 'zhang-wei',
): Promise<{ access_token: string; expires_in: string; refresh_token: string }> {
  const code = await obtainCode(base, app, user);
  const res = await get(url(base, '/oauth2.0/token', { ...codeParams(app, code), fmt: 'json' }));
  expect(res.status).toBe(200);
  return res.json();
}

/** Reads the JSON inside `callback( … );\n`, asserting the exact framing. */
export function unwrapJsonp(res: Fetched): unknown {
  const match = /^callback\( (.*) \);\n$/s.exec(res.text);
  expect(match, res.text).not.toBeNull();
  return JSON.parse(match?.[1] ?? 'null');
}

/** Moves the shared mock clock forward. */
export async function advance(base: string, by: string): Promise<void> {
  const res = await postJson(`${base}/__mock/clock/advance`, { by });
  expect(res.status).toBe(200);
}

/** Returns the clock to real time. */
export async function resetClock(base: string): Promise<void> {
  const res = await postJson(`${base}/__mock/clock/reset`, {});
  expect(res.status).toBe(200);
}

/** The JSONP error body QQ sends by default. */
export function jsonpError(error: number, description: string): string {
  return `callback( ${JSON.stringify({ error, error_description: description })} );\n`;
}

/** The QQ seed file as written on disk. */
export type QqSeedFile = z.input<typeof qqSeedSchema>;

/** The bundled world directory. */
export const BUNDLED_WORLD = fileURLToPath(new URL('../../../mock-providers/', import.meta.url));

/**
 * Writes a world directory with the bundled personas and the given QQ seed (the bundled one with
 * `edit` applied); returns its path. Removed by the caller.
 */
export function writeWorld(edit: (seed: QqSeedFile) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'idmock-qq-'));
  copyFileSync(join(BUNDLED_WORLD, 'personas.json'), join(dir, 'personas.json'));
  mkdirSync(join(dir, 'qq'));
  const seed = JSON.parse(
    readFileSync(join(BUNDLED_WORLD, 'qq', 'seed.json'), 'utf8'),
  ) as QqSeedFile;
  edit(seed);
  writeFileSync(join(dir, 'qq', 'seed.json'), JSON.stringify(seed));
  return dir;
}

/** Removes a directory made by {@link writeWorld}. */
export function removeWorld(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A copy of a parameter set without one key. */
export function without(params: Record<string, string>, key: string): Record<string, string> {
  return Object.fromEntries(Object.entries(params).filter(([name]) => name !== key));
}
