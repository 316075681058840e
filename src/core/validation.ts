/**
 * One boundary for validating outside input (config files, world data, admin request bodies) with
 * zod, reporting every problem at once with its key path.
 */
import type * as z from 'zod';

/** Formats every zod issue as `path: message`, one per line. */
export function formatIssues(error: z.ZodError, prefix = ''): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const where = [prefix, path].filter((part) => part !== '').join('.');
    return `${where === '' ? '(root)' : where}: ${issue.message}`;
  });
}
