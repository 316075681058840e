/**
 * The README's QA script is `test/library/qa-script.sh`, verbatim: that file runs as a test
 * (`test/library/qa-script.test.ts`), so the copy a reader follows is the one that passes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readReadme, ROOT } from './support.js';

describe('the README QA script', () => {
  it('is test/library/qa-script.sh, byte for byte', () => {
    const readme = readReadme();
    const between =
      /<!-- qa-script:start -->\s*```bash\n([\s\S]*?)```\s*<!-- qa-script:end -->/.exec(readme);
    expect(between, 'README.md needs the qa-script markers around a bash block').not.toBeNull();
    const script = readFileSync(join(ROOT, 'test', 'library', 'qa-script.sh'), 'utf8');
    // On failure: copy test/library/qa-script.sh into the README block (or the reverse).
    expect(between?.[1]).toBe(script);
  });

  it('covers COPPA, an unregistered user, an expired token and a rate limit', () => {
    const script = readFileSync(join(ROOT, 'test', 'library', 'qa-script.sh'), 'utf8');
    expect(script).toMatch(/COPPA[\s\S]*Unregistered[\s\S]*Expired token[\s\S]*Rate limit/);
  });
});
