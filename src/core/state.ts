/**
 * The state document: one JSON format for `GET/PUT /__mock/state`, the library's export and import,
 * and the state file. Each service stores its own part under `services.<name>`; the shared clock's
 * offset travels with it because every lifetime is an absolute time on that clock.
 */
import * as z from 'zod';
import type { Clock } from './clock.js';
import { formatIssues } from './validation.js';

/** Value of `format` in every state document. */
export const STATE_FORMAT = 'idmock-state';
/** Current version of the state document. */
export const STATE_VERSION = 1;

/** Schema of a state document (each service validates its own part). */
export const stateDocumentSchema = z.strictObject({
  $comment: z.string().optional(),
  format: z.literal(STATE_FORMAT),
  version: z.literal(STATE_VERSION),
  clock: z.strictObject({ offsetMs: z.number().int().min(0) }).optional(),
  services: z.record(z.string().regex(/^[a-z][a-z0-9-]{0,31}$/), z.unknown()),
});

/** A state document. */
export interface StateDocument {
  readonly format: typeof STATE_FORMAT;
  readonly version: typeof STATE_VERSION;
  /** Time travelled on the shared clock when the state was taken. */
  readonly clock?: { readonly offsetMs: number };
  /** Each service's snapshot, by service name. */
  readonly services: Readonly<Record<string, unknown>>;
}

/** Validates a state document's envelope, answering its problems (none when valid). */
export function parseStateDocument(
  data: unknown,
): { ok: true; document: StateDocument } | { ok: false; problems: string[] } {
  const result = stateDocumentSchema.safeParse(data);
  if (!result.success) return { ok: false, problems: formatIssues(result.error) };
  const { format, version, clock, services } = result.data;
  return {
    ok: true,
    document:
      clock === undefined ? { format, version, services } : { format, version, clock, services },
  };
}

/** Puts the shared clock at a travelled offset (the clock only moves forward, so reset first). */
export function setClockOffset(clock: Clock, offsetMs: number): void {
  if (clock.offset() === offsetMs) return;
  clock.reset();
  if (offsetMs > 0) clock.advance(offsetMs);
}

/** Prefixes each problem of one service's part with its path in the document. */
export function problemsAt(service: string, problems: readonly string[]): string[] {
  return problems.map((problem) =>
    problem.startsWith('(root)')
      ? `services.${service}${problem.slice('(root)'.length)}`
      : `services.${service}.${problem}`,
  );
}
