/**
 * Explains why a body failed a contract's whole-body pattern. Pact only says "Expected '…' to match
 * '^…$'", which is true and useless for a 300-character body. This names the defect instead:
 * a missing or unexpected key, a JSON type, a value the contract pins, the key order, the JSONP
 * wrapper, or whitespace.
 *
 * How: the contract's example body matches its own pattern. Each difference between the example
 * and the actual body is tried alone, by changing the example in that one respect to what the
 * actual body does; if the pattern then rejects the example, that difference is a defect. Values
 * that legitimately vary (tokens, openids) survive the swap, so only pinned facts are reported.
 */

/** A body split into the JSON and the text around it (QQ's `callback( … );\n`). */
interface Framed {
  readonly prefix: string;
  readonly json: string;
  readonly suffix: string;
  readonly jsonp: boolean;
}

/** One `"key":value` member of a top-level JSON object, with its source text. */
interface Member {
  readonly key: string;
  /** The member as written: `"key":value` (whitespace around the colon kept). */
  readonly text: string;
  /** The value as written. */
  readonly value: string;
}

const JSONP = /^(\s*[A-Za-z_$][\w$.]*\s*\(\s*)([[{][\s\S]*[\]}])(\s*\)\s*;?\s*)$/;
const BARE = /^(\s*)([[{][\s\S]*[\]}])(\s*)$/;

function frame(text: string): Framed | undefined {
  const jsonp = JSONP.exec(text);
  if (jsonp) {
    const [, prefix = '', json = '', suffix = ''] = jsonp;
    return isJson(json) ? { prefix, json, suffix, jsonp: true } : undefined;
  }
  const bare = BARE.exec(text);
  if (bare) {
    const [, prefix = '', json = '', suffix = ''] = bare;
    return isJson(json) ? { prefix, json, suffix, jsonp: false } : undefined;
  }
  return undefined;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function skipSpace(text: string, at: number): number {
  let i = at;
  while (i < text.length && /\s/.test(text[i] ?? '')) i++;
  return i;
}

function endOfString(text: string, at: number): number {
  let i = at + 1;
  while (i < text.length) {
    const char = text[i];
    if (char === '\\') i += 2;
    else if (char === '"') return i + 1;
    else i++;
  }
  return i;
}

function endOfValue(text: string, at: number): number {
  const first = text[at];
  if (first === '"') return endOfString(text, at);
  if (first === '{' || first === '[') {
    let depth = 0;
    let i = at;
    while (i < text.length) {
      const char = text[i];
      if (char === '"') {
        i = endOfString(text, i);
        continue;
      }
      if (char === '{' || char === '[') depth++;
      if (char === '}' || char === ']') depth--;
      i++;
      if (depth === 0) return i;
    }
    return i;
  }
  let i = at;
  while (i < text.length && !/[\s,}\]]/.test(text[i] ?? '')) i++;
  return i;
}

/** The members of a valid JSON object's top level, in order; undefined for anything else. */
function members(json: string): Member[] | undefined {
  let i = skipSpace(json, 0);
  if (json[i] !== '{') return undefined;
  const found: Member[] = [];
  i = skipSpace(json, i + 1);
  if (json[i] === '}') return found;
  while (i < json.length) {
    if (json[i] !== '"') return undefined;
    const keyEnd = endOfString(json, i);
    const key = JSON.parse(json.slice(i, keyEnd)) as string;
    const colon = skipSpace(json, keyEnd);
    if (json[colon] !== ':') return undefined;
    const valueStart = skipSpace(json, colon + 1);
    const valueEnd = endOfValue(json, valueStart);
    found.push({ key, text: json.slice(i, valueEnd), value: json.slice(valueStart, valueEnd) });
    i = skipSpace(json, valueEnd);
    if (json[i] === '}') return found;
    if (json[i] !== ',') return undefined;
    i = skipSpace(json, i + 1);
  }
  return undefined;
}

function compactObject(list: readonly Member[]): string {
  return `{${list.map((member) => member.text).join(',')}}`;
}

function typeName(valueText: string): string {
  const value = JSON.parse(valueText) as unknown;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'boolean') return 'a boolean';
  return 'an object';
}

function short(text: string, max = 80): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Why two spellings of the same JSON value differ, when it is a known provider quirk. */
function spellingHint(expected: string, actual: string): string {
  const hints: string[] = [];
  if (expected.includes('\\/') && !actual.includes('\\/') && actual.includes('/')) {
    hints.push('"/" is not escaped as "\\/"');
  }
  if (!expected.includes('\\/') && actual.includes('\\/')) hints.push('"/" is escaped as "\\/"');
  if (/\\u[0-9a-fA-F]{4}/.test(actual) && !/\\u[0-9a-fA-F]{4}/.test(expected)) {
    hints.push('non-ASCII text is escaped as \\uXXXX instead of raw UTF-8');
  }
  return hints.length === 0 ? '' : ` (${hints.join('; ')})`;
}

function compilePattern(pattern: string | undefined): RegExp | undefined {
  if (pattern === undefined) return undefined;
  try {
    return new RegExp(pattern);
  } catch {
    return undefined;
  }
}

/**
 * Lists the defects of `actual` against the contract's example and whole-body pattern, one line
 * each, most structural first. Empty when nothing specific can be said.
 */
export function explainBody(
  expected: string | undefined,
  actual: string,
  pattern: string | undefined,
): string[] {
  if (expected === undefined) return [];
  const regex = compilePattern(pattern);
  const e = frame(expected);
  if (!e) return [];
  const a = frame(actual);
  if (!a) {
    return [
      `the body is not ${e.jsonp ? 'JSONP' : 'JSON'}: got ${JSON.stringify(short(actual, 120))}`,
    ];
  }
  const findings: string[] = [];
  const expectedMembers = members(e.json);
  const actualMembers = members(a.json);
  // Swaps are only meaningful when the example is written compactly, as every example here is.
  const swappable =
    regex !== undefined &&
    expectedMembers !== undefined &&
    compactObject(expectedMembers) === e.json;
  /** Whether the pattern rejects the example changed in one respect (or cannot say: true). */
  const rejects = (candidate: string): boolean => !swappable || !regex.test(candidate);
  const rebuild = (list: readonly Member[]): string =>
    `${e.prefix}${compactObject(list)}${e.suffix}`;

  if (e.jsonp !== a.jsonp) {
    findings.push(
      e.jsonp
        ? `expected a JSONP body ${JSON.stringify(e.prefix)}…${JSON.stringify(e.suffix)}, got bare JSON`
        : `expected bare JSON, got JSONP ${JSON.stringify(a.prefix)}…${JSON.stringify(a.suffix)}`,
    );
  } else if (
    (e.prefix !== a.prefix || e.suffix !== a.suffix) &&
    rejects(`${a.prefix}${e.json}${a.suffix}`)
  ) {
    findings.push(
      `the text around the JSON differs: expected ${JSON.stringify(e.prefix)}…${JSON.stringify(e.suffix)}, ` +
        `got ${JSON.stringify(a.prefix)}…${JSON.stringify(a.suffix)}`,
    );
  }
  if (!expectedMembers || !actualMembers) {
    if (findings.length === 0 && e.json !== a.json) {
      findings.push(`the JSON differs: expected ${short(e.json, 120)}, got ${short(a.json, 120)}`);
    }
    return findings;
  }
  if (actualMembers.length > 0 && compactObject(actualMembers) !== a.json) {
    findings.push('the JSON is not compact (whitespace between tokens)');
  }

  const actualByKey = new Map(actualMembers.map((member) => [member.key, member]));
  const expectedKeys = new Set(expectedMembers.map((member) => member.key));
  for (const member of expectedMembers) {
    if (!actualByKey.has(member.key)) {
      const without = expectedMembers.filter((other) => other !== member);
      if (rejects(rebuild(without))) findings.push(`missing key "${member.key}"`);
    }
  }
  actualMembers.forEach((member, index) => {
    if (expectedKeys.has(member.key)) return;
    // Insert it after the nearest preceding key the example also has.
    const before = actualMembers
      .slice(0, index)
      .reverse()
      .find((m) => expectedKeys.has(m.key));
    const at = before ? expectedMembers.findIndex((m) => m.key === before.key) + 1 : 0;
    const withIt = [...expectedMembers.slice(0, at), member, ...expectedMembers.slice(at)];
    if (rejects(rebuild(withIt))) {
      findings.push(`unexpected key "${member.key}" (${short(member.value, 40)})`);
    }
  });
  const commonExpected = expectedMembers.filter((m) => actualByKey.has(m.key)).map((m) => m.key);
  const commonActual = actualMembers.filter((m) => expectedKeys.has(m.key)).map((m) => m.key);
  if (commonExpected.join('\u0000') !== commonActual.join('\u0000')) {
    const byKey = new Map(expectedMembers.map((m) => [m.key, m]));
    const reordered = [
      ...commonActual.map((key) => byKey.get(key)).filter((m) => m !== undefined),
      ...expectedMembers.filter((m) => !actualByKey.has(m.key)),
    ];
    if (rejects(rebuild(reordered))) {
      findings.push(
        `keys out of order: expected ${commonExpected.join(', ')}; got ${commonActual.join(', ')}`,
      );
    }
  }
  for (const member of expectedMembers) {
    const other = actualByKey.get(member.key);
    if (!other || other.value === member.value) continue;
    const key = JSON.stringify(member.key);
    const swapped = expectedMembers.map((m) =>
      m === member ? { ...m, text: `${key}:${other.value}`, value: other.value } : m,
    );
    const expectedType = typeName(member.value);
    const actualType = typeName(other.value);
    if (expectedType !== actualType) {
      findings.push(
        `${key}: expected ${expectedType}, got ${actualType} (${short(other.value, 40)})`,
      );
    } else if (swappable && !regex.test(rebuild(swapped))) {
      findings.push(
        `${key}: expected ${short(member.value)}, got ${short(other.value)}${spellingHint(member.value, other.value)}`,
      );
    }
  }
  if (findings.length === 0 && regex && !regex.test(actual)) {
    findings.push(
      'the body does not match the contract pattern (no single difference explains it)',
    );
  }
  return findings;
}
