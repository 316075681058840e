/**
 * Configuration: built-in defaults, then a config file (`--config` / `IDMOCK_CONFIG`), then the
 * environment, then CLI flags or library options, validated once into a {@link ResolvedConfig}
 * with no optional fields left.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { IDMOCK_INVALID_CONFIG, IdmockError } from '../core/errors.js';
import { formatIssues } from '../core/validation.js';
import { QQ_DEFAULTS, type QqSettings } from '../providers/qq/defaults.js';
import { WECHAT_DEFAULTS } from '../providers/wechat/defaults.js';
import { AUTH_DEFAULTS, type AuthSettings } from '../auth-server/defaults.js';

/** Names of the services `idmock start` can run. */
export const SERVICE_NAMES = ['auth', 'wechat', 'qq'] as const;
/** One service name. */
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** The world shipped with the package. */
export const DEFAULT_WORLD_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'mock-providers',
);

const port = z.coerce.number().int().min(0).max(65_535);
const seconds = z.coerce.number().int().positive();

const wechatSchema = z.strictObject({
  codeTtlSeconds: seconds,
  accessTokenTtlSeconds: seconds,
  refreshTokenTtlSeconds: seconds,
  qrTtlSeconds: seconds,
  longPollHoldSeconds: z.coerce.number().positive().max(600),
  errmsgSuffix: z.enum(['rid', 'hints', 'none']),
  tokenPrefix: z.string().regex(/^\d{1,3}$/),
  maxQrSessions: seconds,
});

const qqSchema = z.strictObject({
  codeTtlSeconds: seconds,
  accessTokenTtlSeconds: seconds,
  refreshTokenTtlSeconds: seconds,
}) satisfies z.ZodType<QqSettings>;

const baseUrl = z.url({ protocol: /^https?$/ }).nullable();

const authSchema = z.strictObject({
  wechat: z.strictObject({
    appid: z
      .string()
      .regex(/^wx[0-9a-f]{16}$/, 'must be "wx" followed by 16 lower-case hex digits'),
    secret: z.string().min(1),
    baseUrl,
  }),
  qq: z.strictObject({
    clientId: z
      .string()
      .regex(/^\d{1,20}$/, 'must be the numeric client_id')
      .nullable(),
    baseUrl,
  }),
  login: z.strictObject({
    wechat: z.strictObject({
      appid: z
        .string()
        .regex(/^wx[0-9a-f]{16}$/, 'must be "wx" followed by 16 lower-case hex digits'),
      secret: z.string().min(1),
    }),
    unionCodeTtlSeconds: seconds,
    smsCodeTtlSeconds: seconds,
    smsMaxFailures: z.coerce.number().int().positive().max(1000),
    tokenTtlSeconds: seconds,
    createAccountOnUnknownTn: z.boolean(),
  }),
  providerTimeoutMs: z.coerce.number().int().positive().max(120_000),
  maxMessageBytes: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024),
  loginLockAfterFailures: z.coerce.number().int().positive(),
  loginLockSeconds: seconds,
}) satisfies z.ZodType<AuthSettings>;

/** The schema of a complete configuration. */
export const configSchema = z.strictObject({
  host: z.string().min(1),
  ports: z.strictObject({ auth: port, wechat: port, qq: port }),
  seed: z.string().min(1),
  worldDir: z.string().min(1),
  autoApprove: z.string().min(1).nullable(),
  adminToken: z.string().min(16).nullable(),
  /** JSON file the world is loaded from at start and written to after every change. */
  stateFile: z.string().min(1).nullable(),
  /** Journal entries kept per service. */
  journalLimit: z.coerce.number().int().min(0).max(1_000_000),
  /** Scenario presets (`mock-providers/scenarios/<name>.json`) applied at start, in order. */
  scenarios: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be a scenario name')),
  wechat: wechatSchema,
  qq: qqSchema,
  auth: authSchema,
});

/** A fully resolved configuration. */
export type ResolvedConfig = z.output<typeof configSchema>;

/** A partial configuration, as a file, the environment or flags give it. */
export interface ConfigInput {
  host?: string;
  ports?: Partial<Record<ServiceName, number | string>>;
  seed?: string;
  worldDir?: string;
  autoApprove?: string | null;
  adminToken?: string | null;
  stateFile?: string | null;
  journalLimit?: number | string;
  scenarios?: string[];
  wechat?: Record<string, unknown>;
  qq?: Record<string, unknown>;
  auth?: Record<string, unknown>;
}

/** The built-in defaults. */
export const DEFAULT_CONFIG: ResolvedConfig = Object.freeze({
  host: '127.0.0.1',
  ports: { auth: 7700, wechat: 7701, qq: 7702 },
  seed: 'idmock',
  worldDir: DEFAULT_WORLD_DIR,
  autoApprove: null,
  adminToken: null,
  stateFile: null,
  journalLimit: 1000,
  scenarios: [],
  wechat: { ...WECHAT_DEFAULTS },
  qq: { ...QQ_DEFAULTS },
  auth: { ...AUTH_DEFAULTS },
});

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function merge(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined || key === '__proto__' || key === 'constructor') continue;
    const current = out[key];
    out[key] = isObject(current) && isObject(value) ? merge(current, value) : value;
  }
  return out;
}

/** Reads the environment's `IDMOCK_*` settings. */
export function configFromEnv(env: NodeJS.ProcessEnv): ConfigInput {
  const input: ConfigInput = {};
  const ports: Partial<Record<ServiceName, string>> = {};
  if (env['IDMOCK_HOST'] !== undefined) input.host = env['IDMOCK_HOST'];
  if (env['IDMOCK_SEED'] !== undefined) input.seed = env['IDMOCK_SEED'];
  if (env['IDMOCK_WORLD'] !== undefined) input.worldDir = env['IDMOCK_WORLD'];
  if (env['IDMOCK_AUTO_APPROVE'] !== undefined) input.autoApprove = env['IDMOCK_AUTO_APPROVE'];
  if (env['IDMOCK_ADMIN_TOKEN'] !== undefined) input.adminToken = env['IDMOCK_ADMIN_TOKEN'];
  if (env['IDMOCK_STATE_FILE'] !== undefined) input.stateFile = env['IDMOCK_STATE_FILE'];
  if (env['IDMOCK_JOURNAL_LIMIT'] !== undefined) input.journalLimit = env['IDMOCK_JOURNAL_LIMIT'];
  if (env['IDMOCK_SCENARIOS'] !== undefined) {
    input.scenarios = env['IDMOCK_SCENARIOS']
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== '');
  }
  const auth = authProviderUrls(env['IDMOCK_WECHAT_URL'], env['IDMOCK_QQ_URL']);
  if (auth) input.auth = auth;
  if (env['IDMOCK_AUTH_PORT'] !== undefined) ports.auth = env['IDMOCK_AUTH_PORT'];
  if (env['IDMOCK_WECHAT_PORT'] !== undefined) ports.wechat = env['IDMOCK_WECHAT_PORT'];
  if (env['IDMOCK_QQ_PORT'] !== undefined) ports.qq = env['IDMOCK_QQ_PORT'];
  if (Object.keys(ports).length > 0) input.ports = ports;
  return input;
}

/**
 * Where the auth server reaches the providers (`--wechat-url`, `--qq-url`, `IDMOCK_WECHAT_URL`,
 * `IDMOCK_QQ_URL`): one base URL per provider, e.g. another container or the real hosts.
 */
export function authProviderUrls(
  wechatUrl: string | undefined,
  qqUrl: string | undefined,
): Record<string, unknown> | undefined {
  if (wechatUrl === undefined && qqUrl === undefined) return undefined;
  return {
    ...(wechatUrl === undefined ? {} : { wechat: { baseUrl: wechatUrl } }),
    ...(qqUrl === undefined ? {} : { qq: { baseUrl: qqUrl } }),
  };
}

/** Reads a JSON config file; a relative `worldDir` in it is resolved against the file. */
export function readConfigFile(path: string): ConfigInput {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new IdmockError(
      IDMOCK_INVALID_CONFIG,
      `cannot read config file ${path}: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
  if (!isObject(data))
    throw new IdmockError(IDMOCK_INVALID_CONFIG, `config file ${path} must hold a JSON object`);
  const input = data as ConfigInput;
  if (typeof input.worldDir === 'string') input.worldDir = resolve(dirname(path), input.worldDir);
  if (typeof input.stateFile === 'string')
    input.stateFile = resolve(dirname(path), input.stateFile);
  return input;
}

/**
 * Resolves the configuration from its layers (weakest first) and validates it, naming every bad
 * key at once.
 */
export function resolveConfig(...layers: (ConfigInput | undefined)[]): ResolvedConfig {
  let merged: Record<string, unknown> = { ...DEFAULT_CONFIG, wechat: { ...DEFAULT_CONFIG.wechat } };
  for (const layer of layers) if (layer) merged = merge(merged, layer as Record<string, unknown>);
  // Parsed once per start: zod's compiled fast path would cost more to build than it saves.
  const result = configSchema.safeParse(merged, { jitless: true });
  if (!result.success) {
    const problems = formatIssues(result.error);
    throw new IdmockError(
      IDMOCK_INVALID_CONFIG,
      `invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  ${problems.join('\n  ')}`,
    );
  }
  return result.data;
}

/** Path of a file inside the world directory. */
export function worldFile(config: ResolvedConfig, ...parts: string[]): string {
  return join(config.worldDir, ...parts);
}
