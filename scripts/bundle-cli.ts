/**
 * The second half of `npm run build`: bundles the `idmock` command (`src/cli/main.ts`) into
 * `dist/bin/` with esbuild, so `npx idmock`, the package's `bin` and the Docker image start from a
 * few files instead of ~250 ES modules (docs/decisions/0007-bundled-cli.md). The library entry
 * points (`dist/index.js`, `dist/express.js`, `dist/nock.js`) stay the unbundled `tsc` output.
 *
 * Code splitting keeps what `idmock start` does not need (the QA and verify subcommands, `qrcode`,
 * `ws`) in chunks loaded on first use. Packages that must never be bundled stay external: Pact
 * loads native binaries by path, and express, nock, supertest and playwright are not needed by the
 * command at all. Every chunk sits in `dist/bin/`, one level under `dist/` like `src/<dir>/`, so
 * the `import.meta.url`-relative paths (`../../mock-providers`, `../../contracts`) still resolve.
 *
 * `npx tsx scripts/bundle-cli.ts [outDir]` (default `dist/bin`); `scripts/bench.ts` calls
 * {@link bundleCli} with a temporary directory, so it measures the same artefact.
 */
import { build, type Metafile } from 'esbuild';
import { rm } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Where `npm run build` writes the command; `package.json` `bin` points at its entry. */
export const CLI_OUT_DIR = join(ROOT, 'dist', 'bin');
/** The entry file's name inside the output directory. */
export const CLI_ENTRY = 'idmock.js';

/** Never bundled: loaded from `node_modules` at run time, if at all. */
export const CLI_EXTERNALS: readonly string[] = [
  // Optional peer dependency with a native core, loaded by `idmock verify` only.
  '@pact-foundation/*',
  // Library adapters and test tools; the command never imports them.
  'express',
  'nock',
  'supertest',
  'playwright-core',
  // `ws`'s optional native helpers, which it requires inside a try.
  'bufferutil',
  'utf-8-validate',
];

/** Packages `idmock start` must not load: imported by no chunk it loads (bar dynamic imports). */
const NEVER_AT_START = [
  /^@pact-foundation\//,
  /^express$/,
  /^nock$/,
  /^supertest$/,
  /^playwright/,
  // Bundled, but loaded on first use: the first WebSocket upgrade, the first QR image.
  /^ws$/,
  /^qrcode$/,
];

// ESM output has no `require`; bundled CommonJS packages (commander, ws) use this one for Node's
// built-in modules and for the externals above.
const REQUIRE_SHIM =
  "import { createRequire as __idmockCreateRequire } from 'node:module';\n" +
  'const require = __idmockCreateRequire(import.meta.url);';

/** Options of {@link bundleCli}. */
export interface BundleOptions {
  /** Output directory, emptied first (default `dist/bin`). Keep it two levels under the root. */
  readonly outDir?: string;
  /** Linked source maps (default true). */
  readonly sourcemap?: boolean;
}

/** What {@link bundleCli} wrote. */
export interface BundleResult {
  /** Absolute path of the entry file. */
  readonly entry: string;
  /** Output files and their sizes in bytes, JavaScript only. */
  readonly files: Readonly<Record<string, number>>;
  /** Bytes of JavaScript `idmock start` loads before it listens (the entry and `runtime/start`). */
  readonly startBytes: number;
  /** What the build should say about the source (modules to write differently). */
  readonly warnings: readonly string[];
}

/** Output files reachable from `files` through static imports only. */
function staticClosure(metafile: Metafile, files: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const visit = (path: string): void => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const imported of metafile.outputs[path]?.imports ?? []) {
      if (imported.kind === 'import-statement' && imported.external !== true) visit(imported.path);
    }
  };
  for (const file of files) visit(file);
  return seen;
}

/** The npm package an input path belongs to, if any (`node_modules/@scope/name/...`). */
function packageOf(input: string): string | undefined {
  return /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1];
}

/**
 * Bundles the command. Throws when what `idmock start` loads would include a package that must
 * only ever load on demand (or never).
 */
export async function bundleCli(options: BundleOptions = {}): Promise<BundleResult> {
  const outDir = resolve(options.outDir ?? CLI_OUT_DIR);
  await rm(outDir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { [CLI_ENTRY.replace(/\.js$/, '')]: join(ROOT, 'src/cli/main.ts') },
    outdir: outDir,
    chunkNames: '[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: [...CLI_EXTERNALS],
    banner: { js: REQUIRE_SHIM },
    sourcemap: (options.sourcemap ?? true) ? 'linked' : false,
    sourcesContent: false,
    metafile: true,
    logLevel: 'warning',
  });
  const { metafile } = result;
  const outputs = Object.entries(metafile.outputs);
  // What `idmock start` loads: the entry's static imports, then those of `runtime/start.ts`'s chunk
  // (which the entry imports dynamically). Dynamic imports land in chunks of their own.
  const roots = ['src/cli/main.ts', 'src/runtime/start.ts'].map((source) => {
    const found = outputs.find(([, output]) => output.entryPoint === source);
    if (found === undefined) throw new Error(`bundle-cli: no chunk starts at ${source}`);
    return found[0];
  });
  const startPath = staticClosure(metafile, roots);
  const files: Record<string, number> = {};
  let startBytes = 0;
  const problems: string[] = [];
  for (const [path, output] of outputs) {
    if (!path.endsWith('.js')) continue;
    files[relative(outDir, resolve(ROOT, path))] = output.bytes;
    if (!startPath.has(path)) continue;
    startBytes += output.bytes;
    const loaded = [
      ...output.imports
        .filter((imported) => imported.external === true && imported.kind !== 'dynamic-import')
        .map((imported) => imported.path),
      ...Object.keys(output.inputs).map(packageOf),
    ];
    for (const name of new Set(loaded)) {
      if (name !== undefined && NEVER_AT_START.some((pattern) => pattern.test(name))) {
        problems.push(`${relative(ROOT, path)} loads ${name}`);
      }
    }
  }
  if (problems.length > 0) {
    throw new Error(`bundle-cli: idmock start would load too much:\n  ${problems.join('\n  ')}`);
  }
  return {
    entry: join(outDir, CLI_ENTRY),
    files,
    startBytes,
    warnings: bundlesAllOfZod(metafile)
      ? ['all of zod is bundled: some module uses the namespace object `z` as a value']
      : [],
  };
}

/** Whether zod's locales other than English made it into the output (zod bundled whole). */
function bundlesAllOfZod(metafile: Metafile): boolean {
  return Object.values(metafile.outputs).some((output) =>
    Object.entries(output.inputs).some(
      ([path, input]) =>
        input.bytesInOutput > 0 && /node_modules\/zod\/v4\/locales\/(?!en\.js$)/.test(path),
    ),
  );
}

async function main(args: readonly string[]): Promise<void> {
  const bundled = await bundleCli(args[0] === undefined ? {} : { outDir: args[0] });
  const total = Object.values(bundled.files).reduce((sum, bytes) => sum + bytes, 0);
  const kb = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KB`;
  process.stdout.write(
    `bundled ${relative(ROOT, bundled.entry)}: ${Object.keys(bundled.files).length} files, ` +
      `${kb(total)}; idmock start loads ${kb(bundled.startBytes)} of it\n`,
  );
  for (const warning of bundled.warnings) process.stderr.write(`bundle-cli: note: ${warning}\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
