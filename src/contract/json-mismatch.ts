/**
 * Explains one mismatch Pact found in a JSON body, by path, in the words of the defect: a missing
 * key, a JSON type, a value the contract pins, a value that does not match its pattern. Pact says
 * e.g. "Expected 'true' (String) to be equal to true (Boolean)"; this says
 * `$.newPlayer: expected a boolean, got a string ("true")`.
 */

function parse(text: unknown): { ok: true; value: unknown } | { ok: false } {
  if (typeof text !== 'string') return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** A JSON value's type, as a reader would say it. */
export function jsonTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'boolean') return 'a boolean';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'string') return 'a string';
  return typeof value === 'object' ? 'an object' : 'nothing';
}

function shown(value: unknown, max = 80): string {
  // Values here come from JSON.parse, so they always stringify.
  const text = JSON.stringify(value);
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * One line for a Pact JSON body mismatch (`{path, expected, actual, mismatch}`), or undefined when
 * the mismatch is not about a JSON value.
 */
export function explainJsonMismatch(entry: Readonly<Record<string, unknown>>): string | undefined {
  const path = typeof entry['path'] === 'string' ? entry['path'] : '$';
  const message = typeof entry['mismatch'] === 'string' ? entry['mismatch'] : '';
  const expected = parse(entry['expected']);
  const actual = parse(entry['actual']);

  const missing = /^Actual map is missing the following keys: (.*)$/.exec(message);
  if (missing) {
    const keys = (missing[1] ?? '').split(',').map((key) => key.trim());
    const present =
      actual.ok && Array.isArray(actual.value)
        ? ` (it has ${actual.value.join(', ') || 'none'})`
        : '';
    return `${path}: missing key${keys.length === 1 ? '' : 's'} ${keys.map((key) => `"${key}"`).join(', ')}${present}`;
  }
  const pattern = /^Expected .* to match '(.*)'$/s.exec(message);
  if (pattern && actual.ok) {
    return `${path}: expected a value matching /${pattern[1] ?? ''}/, got ${shown(actual.value)}`;
  }
  if (!expected.ok || !actual.ok) return message === '' ? undefined : `${path}: ${message}`;
  const expectedType = jsonTypeName(expected.value);
  const actualType = jsonTypeName(actual.value);
  if (expectedType !== actualType) {
    return `${path}: expected ${expectedType}, got ${actualType} (${shown(actual.value)})`;
  }
  if (message.includes('to be equal to')) {
    return `${path}: expected ${shown(expected.value)}, got ${shown(actual.value)}`;
  }
  return `${path}: ${message}`;
}
