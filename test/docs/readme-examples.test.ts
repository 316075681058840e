/**
 * The README's TypeScript examples (`<!-- example -->` blocks) as a user would paste them: each is
 * type-checked with the project's compiler options against the package's entry points, and each
 * standalone one (not `<!-- example: typecheck -->`) is run with Node and must exit 0. The only
 * change is the import specifier: `idmock`, `idmock/express` and `idmock/nock` point at the
 * sources, since a fresh clone has no `dist/`.
 */
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markedBlocks, readReadme, ROOT, run, TSX } from './support.js';

const ENTRY_POINTS: Readonly<Record<string, string>> = {
  idmock: 'index.js',
  'idmock/express': 'express.js',
  'idmock/nock': 'nock.js',
};

function pointAtSources(code: string): string {
  return code.replace(/from '(idmock(?:\/[a-z]+)?)'/g, (_match, specifier: string) => {
    const file = ENTRY_POINTS[specifier];
    if (file === undefined) throw new Error(`unknown entry point ${specifier}`);
    return `from '${join(ROOT, 'src', file)}'`;
  });
}

function compilerOptions(): ts.CompilerOptions {
  const path = join(ROOT, 'tsconfig.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(
    path,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (!parsed) throw new Error(`cannot read ${path}`);
  // The examples live outside the project's rootDir and are never emitted.
  const options: ts.CompilerOptions = { ...parsed.options, noEmit: true };
  delete options.rootDir;
  delete options.outDir;
  return options;
}

describe('the README examples', () => {
  const examples = markedBlocks(readReadme(), 'example').map((block, index) => ({
    ...block,
    file: `example-${String(index + 1)}.ts`,
    runs: block.name !== 'typecheck',
  }));
  let dir: string;

  beforeAll(async () => {
    // A project of its own, beside the clone's node_modules, as a user's would be.
    dir = await mkdtemp(join(tmpdir(), 'idmock-readme-examples-'));
    await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n');
    for (const example of examples) {
      await writeFile(join(dir, example.file), pointAtSources(example.code));
    }
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finds the examples of each entry point', () => {
    const code = examples.map((example) => example.code).join('\n');
    for (const specifier of Object.keys(ENTRY_POINTS))
      expect(code).toContain(`from '${specifier}'`);
    for (const example of examples)
      expect(example.lang, `README.md:${String(example.line)}`).toBe('ts');
  });

  it('type-checks every example', () => {
    const files = examples.map((example) => join(dir, example.file));
    const program = ts.createProgram(files, compilerOptions());
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter(
        (diagnostic) => diagnostic.file !== undefined && files.includes(diagnostic.file.fileName),
      )
      .map((diagnostic) => {
        const example = examples.find((e) => diagnostic.file?.fileName.endsWith(e.file));
        const { line } = diagnostic.file?.getLineAndCharacterOfPosition(diagnostic.start ?? 0) ?? {
          line: 0,
        };
        const at = example ? `README.md:${String(example.line + 1 + line)}` : '?';
        return `${at}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
      });
    expect(problems).toEqual([]);
  }, 120_000);

  it.each(
    examples.filter((example) => example.runs).map((example) => [example.line, example] as const),
  )(
    'runs the example at README.md:%i',
    async (_line, example) => {
      const result = await run(process.execPath, ['--import', TSX, join(dir, example.file)], {
        cwd: dir,
        timeout: 60_000,
      });
      expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    },
    90_000,
  );
});
