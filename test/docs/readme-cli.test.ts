/**
 * The README against the CLI and package.json: the two set-up commands are the ones the package
 * provides, and every subcommand and option that `idmock --help` (and each subcommand's `--help`)
 * lists is documented in the README's CLI table.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readReadme, ROOT, runCli, section } from './support.js';

interface HelpPage {
  /** The command path, e.g. `['fault', 'add']`; `[]` for the program. */
  readonly path: readonly string[];
  /** Long option names, e.g. `--admin-token` (`--help` left out). */
  readonly options: readonly string[];
  /** Names of the subcommands (`help` left out). */
  readonly commands: readonly string[];
}

/** The lines of a help section (`Options:`, `Commands:`) up to the next blank line. */
function helpSection(text: string, title: string): string[] {
  const lines = text.split('\n');
  const start = lines.indexOf(`${title}:`);
  if (start === -1) return [];
  const out: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '') break;
    out.push(line);
  }
  return out;
}

function parseHelp(path: readonly string[], text: string): HelpPage {
  const options = helpSection(text, 'Options')
    .map((line) => /^ {2}(?:-\w, )?(--[a-z][a-z0-9-]*)/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined && name !== '--help');
  const commands = helpSection(text, 'Commands')
    .map((line) => /^ {2}([a-z][a-z0-9-]*)/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined && name !== 'help');
  return { path, options, commands };
}

/** Every help page of the program, by running `idmock [path...] --help`. */
async function readAllHelp(): Promise<HelpPage[]> {
  const pages: HelpPage[] = [];
  let level: (readonly string[])[] = [[]];
  while (level.length > 0) {
    const results = await Promise.all(
      level.map(async (path) => {
        const result = await runCli([...path, '--help']);
        expect(result.code, `idmock ${path.join(' ')} --help: ${result.stderr}`).toBe(0);
        return parseHelp(path, result.stdout);
      }),
    );
    pages.push(...results);
    level = results.flatMap((page) => page.commands.map((name) => [...page.path, name]));
  }
  return pages;
}

describe('the README set-up', () => {
  const readme = readReadme();
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
    engines: { node: string };
    bin: Record<string, string>;
  };

  it('gives the two set-up commands: npm start and npm test', () => {
    const setUp = section(readme, '## Set up');
    const block = /```sh\n([\s\S]*?)```/.exec(setUp)?.[1] ?? '';
    const commands = block
      .split('\n')
      .map((line) => line.replace(/#.*$/, '').trim())
      .filter((line) => line !== '');
    expect(commands).toEqual(['npm ci && npm start', 'npm ci && npm test']);
  });

  it('names commands that package.json provides', () => {
    expect(pkg.scripts['start']).toMatch(/src\/cli\/main\.ts start$/);
    expect(pkg.scripts['test']).toBe('vitest run');
    expect(pkg.scripts['idmock']).toMatch(/src\/cli\/main\.ts$/);
    expect(readFileSync(join(ROOT, '.ci', 'run'), 'utf8')).toMatch(/^npm test\b/m);
    expect(readme).toContain(`Node.js ${pkg.engines.node.replace('>=', '')} or newer`);
    expect(pkg.bin['idmock']).toBe('./dist/bin/idmock.js');
    expect(readme).toContain('`node dist/bin/idmock.js` is the same program');
  });

  it('mentions every npm script of the development commands', () => {
    const development = section(readme, '## Development');
    for (const name of [
      'typecheck',
      'lint',
      'format',
      'test:browser',
      'test:contract:consumer',
      'test:contract:provider',
      'bench',
      'docs:config',
      'build',
      'check',
    ]) {
      expect(pkg.scripts[name], name).toBeDefined();
      expect(development, name).toContain(`npm run ${name} `);
    }
  });
});

describe('the README CLI reference', () => {
  let pages: HelpPage[] = [];
  const readme = readReadme();
  const table = section(readme, '### The QA CLI')
    .split('\n')
    .filter((line) => line.startsWith('| `idmock '));

  beforeAll(async () => {
    pages = await readAllHelp();
  }, 120_000);

  it('finds the subcommands in --help', () => {
    const top = pages.find((page) => page.path.length === 0);
    expect(top?.commands).toEqual(expect.arrayContaining(['start', 'clock', 'fault', 'verify']));
  });

  it('has a row for every command, listing each of its options', () => {
    const problems: string[] = [];
    for (const page of pages) {
      if (page.path.length === 0 || page.commands.length > 0) continue;
      const name = `idmock ${page.path.join(' ')}`;
      const row = table.find((line) => line.startsWith(`| \`${name}`));
      if (!row) {
        problems.push(`no row for ${name}`);
        continue;
      }
      for (const option of page.options) {
        if (!row.includes(`\`${option}\``)) problems.push(`${name}: ${option} missing`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('documents the global options', () => {
    const top = pages.find((page) => page.path.length === 0);
    for (const option of top?.options ?? []) expect(readme).toContain(`idmock ${option}`);
  });

  it('lists no command the CLI does not have', () => {
    const known = new Set(pages.map((page) => `idmock ${page.path.join(' ')}`));
    for (const row of table) {
      const name = /^\| `(idmock [a-z ]+?)(?: [<[][^`]*)?`/.exec(row)?.[1];
      expect(name !== undefined && known.has(name), row).toBe(true);
    }
  });
});
