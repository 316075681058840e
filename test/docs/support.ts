/**
 * Reading the README as the tests of `test/docs/` need it: its sections, and the code blocks that
 * an HTML comment marks (`<!-- recipe: NAME -->`, `<!-- example -->`) so a test can run them.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root. */
export const ROOT = resolve(import.meta.dirname, '..', '..');

/** tsx's loader, by URL, so `node --import` finds it from any working directory. */
export const TSX = import.meta.resolve('tsx');

/** The README as it is on disk now. */
export function readReadme(): string {
  return readFileSync(join(ROOT, 'README.md'), 'utf8');
}

/** A fenced code block with the marker comment that precedes it. */
export interface MarkedBlock {
  /** What follows the marker's keyword, e.g. `wechat-qr` for `<!-- recipe: wechat-qr -->`. */
  readonly name: string;
  /** The fence's language, e.g. `sh`. */
  readonly lang: string;
  readonly code: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
}

/**
 * Every code block directly preceded (blank lines aside) by `<!-- KEYWORD -->` or
 * `<!-- KEYWORD: NAME -->`.
 */
export function markedBlocks(readme: string, keyword: string): MarkedBlock[] {
  const lines = readme.split('\n');
  const blocks: MarkedBlock[] = [];
  const marker = new RegExp(`^<!-- ${keyword}(?::\\s*(\\S+))?\\s*-->$`);
  for (let i = 0; i < lines.length; i++) {
    const match = marker.exec(lines[i]?.trim() ?? '');
    if (!match) continue;
    let j = i + 1;
    while (j < lines.length && lines[j]?.trim() === '') j++;
    const fence = /^```(\S*)\s*$/.exec(lines[j] ?? '');
    if (!fence)
      throw new Error(`README.md:${String(i + 1)}: ${keyword} marker without a code block`);
    let k = j + 1;
    while (k < lines.length && lines[k] !== '```') k++;
    if (k >= lines.length) throw new Error(`README.md:${String(j + 1)}: unclosed code block`);
    blocks.push({
      name: match[1] ?? '',
      lang: fence[1] ?? '',
      code: `${lines.slice(j + 1, k).join('\n')}\n`,
      line: j + 1,
    });
  }
  return blocks;
}

/** The text of a `## ` or `### ` section, from its heading to the next heading of its level or above. */
export function section(readme: string, heading: string): string {
  const lines = readme.split('\n');
  const start = lines.findIndex((line) => line === heading);
  if (start === -1) throw new Error(`README.md has no heading "${heading}"`);
  const level = /^#+/.exec(heading)?.[0].length ?? 2;
  let end = start + 1;
  while (end < lines.length) {
    const hashes = /^(#+) /.exec(lines[end] ?? '')?.[1]?.length;
    if (hashes !== undefined && hashes <= level) break;
    end++;
  }
  return lines.slice(start, end).join('\n');
}

/** Output of a finished child process. */
export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program to the end (never rejects). */
export function run(
  file: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number; input?: string } = {},
): Promise<RunResult> {
  return new Promise((done) => {
    const child = execFile(
      file,
      args,
      {
        cwd: options.cwd ?? ROOT,
        env: options.env ?? process.env,
        timeout: options.timeout ?? 60_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Runs the CLI from the sources, as `npm run idmock --` does. */
export function runCli(args: readonly string[], env?: NodeJS.ProcessEnv): Promise<RunResult> {
  return run(process.execPath, ['--import', TSX, join(ROOT, 'src', 'cli', 'main.ts'), ...args], {
    ...(env ? { env } : {}),
  });
}
