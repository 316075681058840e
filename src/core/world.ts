/**
 * The shared part of the mocked world: personas. A persona is one person who may hold a WeChat
 * account, a QQ account, or both; providers derive their per-app ids from the persona id and the
 * seed. Generated personas come from a seeded faker in zh_CN, so every run sees the same people.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
// The zh_CN entry point loads one locale; the package root loads all of them (~30 MB, ~0.5 s).
import { faker as zhCnFaker } from '@faker-js/faker/locale/zh_CN';
import * as z from 'zod';
import { IDMOCK_INVALID_WORLD, IdmockError } from './errors.js';
import { formatIssues } from './validation.js';

const qqProfileSchema = z.strictObject({
  gender: z.enum(['男', '女']).optional(),
  year: z
    .string()
    .regex(/^\d{4}$/)
    .optional(),
  province: z.string().optional(),
  city: z.string().optional(),
});

const namedPersonaSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and dashes'),
  nickname: z.string().min(1).max(64),
  description: z.string().optional(),
  hasAvatar: z.boolean().optional(),
  wechat: z.boolean().default(true),
  qq: z.union([z.literal(false), qqProfileSchema]).default({}),
});

/** Schema of `mock-providers/personas.json`. */
export const personasFileSchema = z.strictObject({
  $comment: z.string().optional(),
  generated: z
    .strictObject({
      count: z.number().int().min(0).max(1000),
      prefix: z.string().default('persona'),
    })
    .default({ count: 0, prefix: 'persona' }),
  named: z.array(namedPersonaSchema).default([]),
});

/** The QQ side of a persona. */
export interface QqProfile {
  readonly gender: '男' | '女';
  readonly year: string;
  readonly province: string;
  readonly city: string;
}

/** One person of the mocked world. */
export interface Persona {
  readonly id: string;
  readonly nickname: string;
  readonly description: string;
  /** Whether the persona has an avatar (WeChat returns `""` when not). */
  readonly hasAvatar: boolean;
  readonly wechat: boolean;
  readonly qq: QqProfile | null;
}

/** Reads and validates a JSON file, listing every problem in one {@link IdmockError}. */
export async function loadJsonFile<Schema extends z.ZodType>(
  path: string,
  schema: Schema,
): Promise<z.output<Schema>> {
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (cause) {
    throw new IdmockError(IDMOCK_INVALID_WORLD, `cannot read ${path}`, { cause });
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch (cause) {
    throw new IdmockError(IDMOCK_INVALID_WORLD, `${path} is not valid JSON`, { cause });
  }
  return parseWith(schema, data, path);
}

/** Validates data against a schema, listing every problem in one {@link IdmockError}. */
export function parseWith<Schema extends z.ZodType>(
  schema: Schema,
  data: unknown,
  source: string,
): z.output<Schema> {
  // World files are parsed once per start: zod's compiled fast path would cost more to build than
  // it saves.
  const result = schema.safeParse(data, { jitless: true });
  if (!result.success) {
    const problems = formatIssues(result.error);
    throw new IdmockError(
      IDMOCK_INVALID_WORLD,
      `${source} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  ${problems.join('\n  ')}`,
    );
  }
  return result.data;
}

/** Builds the persona list from the file contents and the seed. */
export function buildPersonas(file: z.output<typeof personasFileSchema>, seed: string): Persona[] {
  // A fresh instance per world (no shared, module-level seed), built from the zh_CN definitions
  // (zh_CN with en and base fallbacks), since that entry point exports only an instance.
  const FakerClass = zhCnFaker.constructor as new (options: {
    locale: typeof zhCnFaker.rawDefinitions;
  }) => typeof zhCnFaker;
  const faker = new FakerClass({ locale: zhCnFaker.rawDefinitions });
  faker.seed(seedNumber(seed));
  const personas: Persona[] = [];
  const seen = new Set<string>();
  const problems: string[] = [];
  const qqFor = (given: z.output<typeof qqProfileSchema>): QqProfile => ({
    gender: given.gender ?? faker.helpers.arrayElement(['男', '女'] as const),
    year: given.year ?? String(faker.number.int({ min: 1970, max: 2006 })),
    province: given.province ?? faker.location.state(),
    city: given.city ?? faker.location.city(),
  });
  file.named.forEach((named, index) => {
    if (seen.has(named.id)) problems.push(`named.${index}.id: duplicate persona id "${named.id}"`);
    seen.add(named.id);
    personas.push({
      id: named.id,
      nickname: named.nickname,
      description: named.description ?? '',
      hasAvatar: named.hasAvatar ?? true,
      wechat: named.wechat,
      qq: named.qq === false ? null : qqFor(named.qq),
    });
  });
  for (let i = 1; i <= file.generated.count; i++) {
    const id = `${file.generated.prefix}-${String(i).padStart(2, '0')}`;
    if (seen.has(id)) problems.push(`generated: id "${id}" collides with a named persona`);
    seen.add(id);
    personas.push({
      id,
      nickname: faker.person.fullName(),
      description: 'generated',
      hasAvatar: true,
      wechat: true,
      qq: qqFor({}),
    });
  }
  if (problems.length > 0) {
    throw new IdmockError(
      IDMOCK_INVALID_WORLD,
      `personas are invalid:\n  ${problems.join('\n  ')}`,
    );
  }
  return personas;
}

/** Loads `personas.json` from a world directory. */
export async function loadPersonas(worldDir: string, seed: string): Promise<Persona[]> {
  const file = await loadJsonFile(join(worldDir, 'personas.json'), personasFileSchema);
  return buildPersonas(file, seed);
}

function seedNumber(seed: string): number {
  let hash = 2166136261;
  for (const char of seed) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 16777619) >>> 0;
  }
  return hash;
}
