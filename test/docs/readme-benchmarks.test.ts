/**
 * The README's benchmark figures are those of `docs/benchmarks.md` (the record of a real
 * `npm run bench`): every number in the README's table and the list after it appears there.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readReadme, ROOT, section } from './support.js';

describe('the README benchmark figures', () => {
  it('come from docs/benchmarks.md', () => {
    const record = readFileSync(join(ROOT, 'docs', 'benchmarks.md'), 'utf8');
    const performance = section(readReadme(), '## Performance');
    const start = performance.indexOf('<!-- benchmarks -->');
    expect(start).toBeGreaterThan(-1);
    // The table and the list after it, up to the next paragraph.
    const figures = performance.slice(start).split(/\n\n(?=[^|\s-])/)[0] ?? '';
    const numbers = figures.match(/\d[\d,]*(?:\.\d+)?/g) ?? [];
    expect(numbers.length).toBeGreaterThan(20);
    const missing = [...new Set(numbers)].filter((number) => !record.includes(number));
    expect(missing).toEqual([]);
    // The machine the figures came from is named beside them.
    for (const fact of ['2 vCPUs', 'Node v20.20.2', '23 GiB']) {
      expect(record).toContain(fact);
      expect(performance).toContain(fact);
    }
  });
});
