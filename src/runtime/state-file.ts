/**
 * The optional state file: the world is loaded from it at start and written to it after every
 * change, before the change is acknowledged. Writes are atomic (temporary file, fsync, rename,
 * fsync of the directory) and serialised, so a crash at any moment leaves either the previous or
 * the new complete file, and never loses a change whose response was sent.
 */
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { IDMOCK_INVALID_CONFIG, IdmockError } from '../core/errors.js';
import { parseStateDocument, type StateDocument } from '../core/state.js';

/** A state file bound to a snapshot source. */
export interface StateFile {
  readonly path: string;
  /**
   * Makes the current state durable: resolves once a write holding everything up to now has
   * completed (at once when nothing changed since the last write).
   */
  persist(): Promise<void>;
  /** Waits for every queued write. */
  flush(): Promise<void>;
}

/** Reads and validates a state file; null when it does not exist or is empty. */
export async function readStateFile(path: string): Promise<StateDocument | null> {
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new IdmockError(IDMOCK_INVALID_CONFIG, `cannot read state file ${path}`, {
      cause: error,
    });
  }
  if (raw.trim() === '') return null;
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch (cause) {
    throw new IdmockError(IDMOCK_INVALID_CONFIG, `state file ${path} is not valid JSON`, { cause });
  }
  const parsed = parseStateDocument(data);
  if (!parsed.ok) {
    throw new IdmockError(
      IDMOCK_INVALID_CONFIG,
      `state file ${path} is invalid:\n  ${parsed.problems.join('\n  ')}`,
    );
  }
  return parsed.document;
}

/** Writes a file atomically: temporary file, fsync, rename over the target, fsync the directory. */
export async function writeFileAtomic(path: string, data: string): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.tmp`);
  const file = await open(temp, 'w', 0o600);
  try {
    await file.writeFile(data, 'utf8');
    await file.sync();
  } finally {
    await file.close();
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  // The rename is only durable once the directory entry is; not every platform can fsync one.
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Directories cannot be opened for fsync on Windows; the rename is still atomic there.
  }
}

/**
 * Creates a state file writer. `snapshot` is called on every {@link StateFile.persist}; a write
 * happens only when its JSON differs from the last one queued. While a write runs, further
 * changes coalesce into the one queued after it.
 * @example
 * const file = await createStateFile('.idmock-state.json', () => buildDocument());
 * await file.persist(); // durable before the response is sent
 */
export async function createStateFile(
  path: string,
  snapshot: () => StateDocument,
): Promise<StateFile> {
  await mkdir(dirname(path), { recursive: true });
  let lastQueued: string | undefined;
  let lastDone: Promise<void> = Promise.resolve();
  let chain: Promise<void> = Promise.resolve();
  let queued: { data: string } | null = null;
  return {
    path,
    persist() {
      const data = `${JSON.stringify(snapshot())}\n`;
      if (data === lastQueued) return lastDone;
      lastQueued = data;
      if (queued) {
        queued.data = data;
        return lastDone;
      }
      const job = { data };
      queued = job;
      const done = chain.then(async () => {
        if (queued === job) queued = null;
        try {
          await writeFileAtomic(path, job.data);
        } catch (error) {
          // Let the next change retry the write rather than believe it landed.
          lastQueued = undefined;
          throw error;
        }
      });
      chain = done.catch(() => undefined);
      lastDone = done;
      return done;
    },
    flush: () => chain,
  };
}
