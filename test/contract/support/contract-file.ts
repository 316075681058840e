/**
 * Where consumer tests write their contract. Pact merges into an existing file, so a stale
 * interaction would survive a rewrite; instead each run writes into a fresh temporary directory,
 * and only when every test of the file passed is the result moved into `contracts/`, atomically
 * (rename), so provider tests running in parallel never read half a file.
 */
import { copyFileSync, existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach } from 'vitest';
import type { RunnerTask, RunnerTestFile } from 'vitest';
import { contractFileName, contractPath } from '../../../src/contract/contracts.js';

function allPassed(tasks: readonly RunnerTask[]): boolean {
  return tasks.every((task) =>
    task.type === 'suite' ? allPassed(task.tasks) : task.result?.state === 'pass',
  );
}

/**
 * Returns the directory to give `PactV4({ dir })`, and registers an `afterAll` that publishes the
 * contract to `contracts/` when the whole file passed (a filtered or failing run leaves it alone).
 */
export function contractOutput(consumer: string, provider: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'idmock-pact-'));
  const name = contractFileName(consumer, provider);
  let file: RunnerTestFile | undefined;
  beforeEach(({ task }) => {
    file = task.file;
  });
  afterAll(() => {
    const written = join(dir, name);
    if (file !== undefined && allPassed(file.tasks) && existsSync(written)) {
      const target = contractPath(name);
      const staging = `${target}.${process.pid}.tmp`;
      copyFileSync(written, staging);
      renameSync(staging, target);
    }
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}
