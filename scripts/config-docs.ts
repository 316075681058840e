/**
 * `npm run docs:config`: writes the README's configuration reference between
 * `<!-- config:start -->` and `<!-- config:end -->`, generated from the code that defines the
 * configuration, so it cannot drift (STYLE.md §2.4; `test/docs/readme-config.test.ts` fails when
 * the README differs from what this prints). `npm run docs:config -- --check` only compares.
 *
 * Every fact comes from one place in the source:
 * - keys and defaults: the runtime `DEFAULT_CONFIG` (`src/runtime/config.ts`);
 * - accepted values: `configSchema`, through `z.toJSONSchema`;
 * - meanings: the TSDoc of the settings interfaces behind each `{ ...X_DEFAULTS }` section of
 *   `DEFAULT_CONFIG` (`src/providers/*\/defaults.ts`, `src/auth-server/defaults.ts`), read with the
 *   TypeScript compiler API; for top-level keys, the TSDoc on `configSchema`'s property, else the
 *   `idmock start` flag's own description;
 * - environment variables: found in `configFromEnv` and mapped to keys by calling it;
 * - flags: the options of `idmock start` in `src/cli/main.ts`, whose descriptions name their
 *   environment variable.
 * A key with no meaning anywhere is an error, so a new setting cannot ship undocumented.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as prettier from 'prettier';
import ts from 'typescript';
import * as z from 'zod';
import {
  configFromEnv,
  configSchema,
  DEFAULT_CONFIG,
  DEFAULT_WORLD_DIR,
} from '../src/runtime/config.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CONFIG_FILE = join(ROOT, 'src', 'runtime', 'config.ts');
const CLI_FILE = join(ROOT, 'src', 'cli', 'main.ts');

/** The markers the generated block sits between in README.md. */
export const CONFIG_START = '<!-- config:start -->';
export const CONFIG_END = '<!-- config:end -->';

/** One option of `idmock start`, as `src/cli/main.ts` declares it. */
export interface StartFlag {
  /** `--auth-port <port>` */
  readonly spec: string;
  /** `--auth-port` */
  readonly name: string;
  readonly description: string;
  /** The environment variable its description names, if any. */
  readonly env: string | undefined;
}

/** One documented configuration key. */
export interface ConfigRow {
  /** Dotted path, e.g. `wechat.codeTtlSeconds`. */
  readonly key: string;
  readonly defaultValue: unknown;
  readonly accepts: string;
  readonly meaning: string;
  readonly flag: StartFlag | undefined;
  readonly env: string | undefined;
  /** Whether the variable takes a comma-separated list. */
  readonly envList: boolean;
}

/** A group of keys: the top-level ones, then one per settings section. */
export interface ConfigSection {
  /** `''` for the top-level keys, else the section key (`wechat`, `qq`, `auth`). */
  readonly key: string;
  /** The TSDoc of the section's settings interface. */
  readonly title: string;
  readonly rows: readonly ConfigRow[];
}

/** What the configuration reference is made from. */
export interface ConfigModel {
  readonly sections: readonly ConfigSection[];
  /** Options of `idmock start` that set no key (`--port`, `--config`, `--json`). */
  readonly otherFlags: readonly StartFlag[];
  /** Variables read outside `configFromEnv` (the config file's path). */
  readonly otherEnv: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// TypeScript sources

interface Doc {
  readonly text: string;
  /** Documentation of the members, when the type has members. */
  readonly members: ReadonlyMap<string, Doc>;
}

function loadProgram(): ts.Program {
  const configPath = ts.findConfigFile(ROOT, (path) => ts.sys.fileExists(path), 'tsconfig.json');
  if (configPath === undefined) throw new Error('tsconfig.json not found');
  const parsed = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (!parsed) throw new Error(`cannot read ${configPath}`);
  return ts.createProgram([CONFIG_FILE, CLI_FILE], { ...parsed.options, noEmit: true });
}

function sourceFile(program: ts.Program, path: string): ts.SourceFile {
  const file = program.getSourceFile(path);
  if (!file) throw new Error(`cannot parse ${path}`);
  return file;
}

function findVariable(file: ts.SourceFile, name: string): ts.VariableDeclaration {
  let found: ts.VariableDeclaration | undefined;
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === name) {
      found = node;
    }
    if (!found) ts.forEachChild(node, visit);
  };
  visit(file);
  if (!found) throw new Error(`${name} not found in ${file.fileName}`);
  return found;
}

/** The object literal `X` of `const NAME = X`, `Object.freeze(X)` or `z.strictObject(X)`. */
function objectLiteralOf(declaration: ts.VariableDeclaration): ts.ObjectLiteralExpression {
  let node = declaration.initializer;
  while (node && (ts.isSatisfiesExpression(node) || ts.isAsExpression(node)))
    node = node.expression;
  if (node && ts.isCallExpression(node)) node = node.arguments[0];
  if (!node || !ts.isObjectLiteralExpression(node)) {
    throw new Error(`${declaration.name.getText()} is not an object literal`);
  }
  return node;
}

function propertyName(property: ts.ObjectLiteralElementLike): string | undefined {
  const name = property.name;
  if (name && (ts.isIdentifier(name) || ts.isStringLiteral(name))) return name.text;
  return undefined;
}

function clean(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function docOfType(checker: ts.TypeChecker, type: ts.Type, seen = new Set<ts.Type>()): Doc {
  const symbol = type.aliasSymbol ?? type.getSymbol();
  const text = symbol
    ? clean(ts.displayPartsToString(symbol.getDocumentationComment(checker)))
    : '';
  const members = new Map<string, Doc>();
  if (!seen.has(type) && (type.flags & ts.TypeFlags.Object) !== 0) {
    seen.add(type);
    for (const member of checker.getPropertiesOfType(type)) {
      const memberType = checker.getTypeOfSymbol(member);
      const inner = memberType.isUnion()
        ? { text: '', members: new Map<string, Doc>() }
        : docOfType(checker, memberType, seen);
      members.set(member.getName(), {
        text: clean(ts.displayPartsToString(member.getDocumentationComment(checker))),
        members: inner.members,
      });
    }
  }
  return { text, members };
}

/**
 * Documentation of each top-level key of `DEFAULT_CONFIG`: a `{ ...X_DEFAULTS }` section takes the
 * TSDoc of X's declared type; any other key the TSDoc on `configSchema`'s property.
 */
function readKeyDocs(program: ts.Program): Map<string, Doc> {
  const checker = program.getTypeChecker();
  const file = sourceFile(program, CONFIG_FILE);
  const docs = new Map<string, Doc>();
  for (const property of objectLiteralOf(findVariable(file, 'configSchema')).properties) {
    const name = propertyName(property);
    if (name === undefined) continue;
    const text = ts
      .getJSDocCommentsAndTags(property)
      .filter(ts.isJSDoc)
      .map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? '')
      .join(' ');
    docs.set(name, { text: clean(text), members: new Map() });
  }
  for (const property of objectLiteralOf(findVariable(file, 'DEFAULT_CONFIG')).properties) {
    const name = propertyName(property);
    if (name === undefined || !ts.isPropertyAssignment(property)) continue;
    const value = property.initializer;
    if (!ts.isObjectLiteralExpression(value)) continue;
    const spread = value.properties.find(ts.isSpreadAssignment);
    if (!spread || !ts.isIdentifier(spread.expression)) continue;
    let symbol = checker.getSymbolAtLocation(spread.expression);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    const declaration = symbol?.valueDeclaration;
    if (!declaration || !ts.isVariableDeclaration(declaration) || !declaration.type) {
      throw new Error(`the defaults of "${name}" need a declared settings type`);
    }
    docs.set(name, docOfType(checker, checker.getTypeFromTypeNode(declaration.type)));
  }
  return docs;
}

function stringValue(node: ts.Expression | undefined): string | undefined {
  if (node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))) {
    return node.text;
  }
  return undefined;
}

/** The options of `idmock start`: every `.option(...)` and `new Option(...)` in the CLI entry. */
export function readStartFlags(program = loadProgram()): StartFlag[] {
  const file = sourceFile(program, CLI_FILE);
  const flags: (StartFlag & { position: number })[] = [];
  const visit = (node: ts.Node): void => {
    let args: readonly ts.Expression[] | undefined;
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.name.text === 'option'
    ) {
      args = node.arguments;
    } else if (
      ts.isNewExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'Option'
    ) {
      args = node.arguments;
    }
    const spec = stringValue(args?.[0]);
    if (spec?.startsWith('--') === true) {
      const description = stringValue(args?.[1]);
      if (description === undefined) throw new Error(`${spec} has no literal description`);
      const name = spec.split(/[ ,]/)[0] ?? spec;
      flags.push({
        spec,
        name,
        description,
        env: /\benv (IDMOCK_[A-Z_]+)/.exec(description)?.[1],
        position: node.getStart(file),
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  // Help order: the order of the source, not of the (outermost-first) call chain.
  return flags
    .sort((a, b) => a.position - b.position)
    .map(({ spec, name, description, env }) => ({ spec, name, description, env }));
}

// ---------------------------------------------------------------------------------------------
// Runtime facts

type Json = z.core.JSONSchema.JSONSchema;

/** Variables `configFromEnv` reads, mapped to the key each one sets (found by calling it). */
function envKeys(): { byKey: Map<string, { env: string; list: boolean }>; all: string[] } {
  const source = readFileSync(CONFIG_FILE, 'utf8');
  const body = /export function configFromEnv[\s\S]*?\n}\n/.exec(source)?.[0] ?? '';
  const names = [...new Set([...body.matchAll(/'(IDMOCK_[A-Z_]+)'/g)].map((m) => m[1] ?? ''))];
  const byKey = new Map<string, { env: string; list: boolean }>();
  for (const name of names) {
    const probe = 'probe-value,second';
    const set = leaves(configFromEnv({ [name]: probe }) as Record<string, unknown>);
    if (set.length !== 1 || set[0] === undefined) {
      throw new Error(`${name} sets ${String(set.length)} keys; expected exactly one`);
    }
    const [key, value] = set[0];
    byKey.set(key, { env: name, list: Array.isArray(value) });
  }
  return { byKey, all: names };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function leaves(value: Record<string, unknown>, prefix = ''): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [key, inner] of Object.entries(value)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (isPlainObject(inner)) out.push(...leaves(inner, path));
    else out.push([path, inner]);
  }
  return out;
}

function schemaAt(schema: Json, path: readonly string[]): Json {
  let node: Json = schema;
  for (const part of path) {
    const next: Json | boolean | undefined = node.properties?.[part];
    if (next === undefined || typeof next === 'boolean') {
      throw new Error(`configSchema has no ${path.join('.')}`);
    }
    node = next;
  }
  return node;
}

function code(text: string): string {
  return `\`${text}\``;
}

/** A short phrase for what a JSON Schema accepts. */
function describeSchema(node: Json): string {
  if (node.anyOf) {
    return node.anyOf
      .map((inner) =>
        typeof inner === 'boolean'
          ? ''
          : inner.type === 'null'
            ? code('null')
            : describeSchema(inner),
      )
      .join(' or ');
  }
  if (node.enum) return `one of ${node.enum.map((value) => code(String(value))).join(', ')}`;
  if (node.type === 'integer' || node.type === 'number') {
    const noun = node.type;
    const max =
      node.maximum !== undefined && node.maximum < Number.MAX_SAFE_INTEGER
        ? node.maximum
        : undefined;
    if (node.minimum !== undefined && max !== undefined) {
      return `${noun} ${String(node.minimum)}–${String(max)}`;
    }
    const parts: string[] = [];
    if (node.exclusiveMinimum !== undefined) parts.push(`> ${String(node.exclusiveMinimum)}`);
    if (node.minimum !== undefined) parts.push(`≥ ${String(node.minimum)}`);
    if (max !== undefined) parts.push(`≤ ${String(max)}`);
    return parts.length === 0 ? noun : `${noun} ${parts.join(', ')}`;
  }
  if (node.type === 'string') {
    if (node.format === 'uri') return 'http(s) URL';
    if (node.pattern !== undefined) return `string matching ${code(node.pattern)}`;
    if (node.minLength !== undefined && node.minLength > 1) {
      return `string of ${String(node.minLength)}+ characters`;
    }
    return 'string';
  }
  if (node.type === 'boolean') return 'boolean';
  if (node.type === 'array') {
    const items = node.items;
    return items === undefined || typeof items === 'boolean' || Array.isArray(items)
      ? 'array'
      : `array of ${describeSchema(items).replace(/^string/, 'strings')}`;
  }
  if (node.type === 'object') return `object {${Object.keys(node.properties ?? {}).join(', ')}}`;
  return 'any';
}

// ---------------------------------------------------------------------------------------------
// The model

function docAt(docs: ReadonlyMap<string, Doc>, path: readonly string[]): Doc | undefined {
  let members: ReadonlyMap<string, Doc> = docs;
  let doc: Doc | undefined;
  for (const part of path) {
    doc = members.get(part);
    if (!doc) return undefined;
    members = doc.members;
  }
  return doc;
}

/**
 * A flag's description as a sentence, without its `(env …)` part: the tables have their own
 * columns for the variable and the default.
 */
function flagMeaning(description: string): string {
  const text = clean(description.replace(/\s*\(env [^)]*\)/, ''));
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}${text.endsWith('.') ? '' : '.'}`;
}

/** Builds the model of the configuration reference from the sources. */
export function buildConfigModel(): ConfigModel {
  const program = loadProgram();
  const docs = readKeyDocs(program);
  const flags = readStartFlags(program);
  const env = envKeys();
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' });
  const flagOfEnv = new Map(flags.filter((f) => f.env !== undefined).map((f) => [f.env, f]));
  const undocumented: string[] = [];
  const usedFlags = new Set<StartFlag>();

  const row = (path: readonly string[], value: unknown): ConfigRow => {
    const key = path.join('.');
    const envEntry = env.byKey.get(key);
    const flag = envEntry ? flagOfEnv.get(envEntry.env) : undefined;
    if (flag) usedFlags.add(flag);
    const own = docAt(docs, path)?.text ?? '';
    const meaning = own !== '' ? own : flag ? flagMeaning(flag.description) : '';
    if (meaning === '') undocumented.push(key);
    return {
      key,
      defaultValue: value,
      accepts: describeSchema(schemaAt(schema, path)),
      meaning,
      flag,
      env: envEntry?.env,
      envList: envEntry?.list ?? false,
    };
  };

  /** Rows under an object value: one per leaf, or one for an object whose members say nothing. */
  const rowsOf = (path: readonly string[], value: Record<string, unknown>): ConfigRow[] => {
    const out: ConfigRow[] = [];
    for (const [key, inner] of Object.entries(value)) {
      const innerPath = [...path, key];
      const doc = docAt(docs, innerPath);
      const membersDocumented = [...(doc?.members.values() ?? [])].some((m) => m.text !== '');
      if (isPlainObject(inner) && (membersDocumented || doc?.text === '' || doc === undefined)) {
        out.push(...rowsOf(innerPath, inner));
      } else {
        out.push(row(innerPath, inner));
      }
    }
    return out;
  };

  const top: ConfigRow[] = [];
  const sections: ConfigSection[] = [];
  for (const [key, value] of Object.entries(DEFAULT_CONFIG as Record<string, unknown>)) {
    const doc = docs.get(key);
    if (isPlainObject(value) && doc && doc.members.size > 0) {
      sections.push({ key, title: doc.text, rows: rowsOf([key], value) });
    } else if (isPlainObject(value)) {
      top.push(...rowsOf([key], value));
    } else {
      top.push(row([key], value));
    }
  }
  const missingTitle = sections.filter((s) => s.title === '').map((s) => s.key);
  if (undocumented.length > 0 || missingTitle.length > 0) {
    throw new Error(
      `undocumented configuration: ${[...undocumented, ...missingTitle.map((k) => `${k} (settings type)`)].join(', ')}; add TSDoc to the defaults interface or configSchema`,
    );
  }
  const otherFlags = flags.filter((flag) => !usedFlags.has(flag));
  // A variable the CLI reads itself (the config file's path) is fine; any other is a lie in --help.
  const cliSource = readFileSync(CLI_FILE, 'utf8');
  const strayEnv = otherFlags.filter(
    (flag) => flag.env !== undefined && !cliSource.includes(`process.env['${flag.env}']`),
  );
  if (strayEnv.length > 0) {
    throw new Error(
      `flags naming a variable configFromEnv does not read: ${strayEnv.map((f) => f.name).join(', ')}`,
    );
  }
  const otherEnv = otherFlags.flatMap((flag) => (flag.env === undefined ? [] : [flag.env]));
  return { sections: [{ key: '', title: '', rows: top }, ...sections], otherFlags, otherEnv };
}

// ---------------------------------------------------------------------------------------------
// Markdown

function humanDuration(seconds: number): string | undefined {
  const units: [number, string][] = [
    [86_400, 'd'],
    [3_600, 'h'],
    [60, 'min'],
    [1, 's'],
  ];
  for (const [size, unit] of units) {
    if (seconds >= size && seconds % size === 0) return `${String(seconds / size)} ${unit}`;
  }
  return undefined;
}

function renderDefault(row: ConfigRow): string {
  const value = row.defaultValue;
  if (value === DEFAULT_WORLD_DIR) {
    return `the bundled ${code(`${relative(ROOT, DEFAULT_WORLD_DIR)}/`)}`;
  }
  const text = code(JSON.stringify(value));
  if (typeof value === 'number') {
    const leaf = row.key.split('.').pop() ?? '';
    const human = leaf.endsWith('Seconds')
      ? humanDuration(value)
      : leaf.endsWith('Ms') && value % 1000 === 0
        ? humanDuration(value / 1000)
        : undefined;
    if (human !== undefined && human !== `${String(value)} s`) return `${text} (${human})`;
  }
  return text;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function flagCell(flag: StartFlag | undefined): string {
  return flag ? code(flag.spec) : '';
}

function envCell(row: ConfigRow): string {
  if (row.env === undefined) return '';
  return row.envList ? `${code(row.env)} (comma-separated)` : code(row.env);
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The markdown of the configuration reference (not yet formatted). */
export function renderConfigModel(model: ConfigModel): string {
  const out: string[] = [
    '<!-- Generated by `npm run docs:config` from src/runtime/config.ts, the settings interfaces and their defaults, and the options of `idmock start`. Do not edit by hand. -->',
  ];
  for (const section of model.sections) {
    const withSwitches = section.rows.some(
      (row) => row.flag !== undefined || row.env !== undefined,
    );
    const header = withSwitches
      ? ['config-file key', 'flag', 'env', 'default', 'accepts', 'meaning']
      : ['config-file key', 'default', 'accepts', 'meaning'];
    const rows = section.rows.map((row) =>
      withSwitches
        ? [
            code(row.key),
            flagCell(row.flag),
            envCell(row),
            renderDefault(row),
            row.accepts,
            row.meaning,
          ]
        : [code(row.key), renderDefault(row), row.accepts, row.meaning],
    );
    out.push(
      section.key === ''
        ? '#### General'
        : `#### ${code(`${section.key}.*`)}: ${section.title.replace(/\.$/, '')}`,
      table(header, rows),
    );
  }
  out.push(
    '#### Other options of `idmock start`',
    table(
      ['flag', 'env', 'meaning'],
      model.otherFlags.map((flag) => [
        code(flag.spec),
        flag.env === undefined ? '' : code(flag.env),
        flagMeaning(flag.description),
      ]),
    ),
  );
  return out.join('\n\n');
}

async function formatMarkdown(markdown: string): Promise<string> {
  const options = (await prettier.resolveConfig(join(ROOT, 'README.md'))) ?? {};
  return prettier.format(markdown, { ...options, parser: 'markdown' });
}

/** The generated block, formatted as `prettier --write README.md` would leave it. */
export async function generateConfigDocs(model = buildConfigModel()): Promise<string> {
  return (await formatMarkdown(renderConfigModel(model))).trim();
}

/** The text between the markers of a README, trimmed; throws when the markers are missing. */
export function extractConfigBlock(readme: string): string {
  const start = readme.indexOf(CONFIG_START);
  const end = readme.indexOf(CONFIG_END);
  if (start === -1 || end === -1 || end < start) {
    throw new Error(`README.md needs ${CONFIG_START} and ${CONFIG_END}`);
  }
  return readme.slice(start + CONFIG_START.length, end).trim();
}

/** The README with the generated block between the markers. */
export function replaceConfigBlock(readme: string, block: string): string {
  extractConfigBlock(readme);
  const start = readme.indexOf(CONFIG_START) + CONFIG_START.length;
  const end = readme.indexOf(CONFIG_END);
  return `${readme.slice(0, start)}\n\n${block}\n\n${readme.slice(end)}`;
}

async function main(argv: readonly string[]): Promise<number> {
  const readmePath = join(ROOT, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const block = await generateConfigDocs();
  if (argv.includes('--check')) {
    if (extractConfigBlock(readme) === block) return 0;
    process.stderr.write(
      'README.md configuration reference is out of date: run npm run docs:config\n',
    );
    return 1;
  }
  const next = replaceConfigBlock(readme, block);
  if (next !== readme) writeFileSync(readmePath, next);
  process.stdout.write(
    next === readme
      ? 'README.md configuration reference is up to date\n'
      : 'README.md configuration reference updated\n',
  );
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`[idmock] ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
