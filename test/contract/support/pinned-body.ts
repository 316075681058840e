/**
 * Pinning a provider's body exactly, as text.
 *
 * WeChat answers JSON labelled `text/plain`, QQ answers JSONP and JSON labelled `text/html`. Pact
 * compares such bodies as opaque text, and `jsonBody()` would force `application/json`, which is
 * exactly the mistake these contracts exist to catch. So each response is written with
 * `body(contentType, bytes)` plus one regex matching rule on the whole body (`$`). The regex is
 * built from the JSON it describes, member by member, which pins what clients of these providers
 * depend on: field order, JSON number-vs-string types, the JSONP wrapper to the space, `\/`
 * escaping, and exact error codes. Values that vary (tokens, openids, nicknames, the `rid` suffix)
 * get a pattern for their shape instead of a value.
 *
 * The patterns use only syntax that Pact's Rust regex engine and JavaScript read alike, and every
 * example is checked against its own pattern here, so a contract can never carry an example that
 * its own provider check would reject.
 */
import { MatchersV3 } from '@pact-foundation/pact';
// The V4 builder types are not re-exported from the package root.
import type { V4ResponseBuilder } from '@pact-foundation/pact/src/v4/http/types.js';

/** Escapes text for use as a regex literal (in both Rust's regex crate and JavaScript). */
export function literal(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

/** Value patterns for JSON members. */
export const VALUE = {
  /** Any JSON string. */
  string: String.raw`"(?:[^"\\]|\\.)*"`,
  /** A JSON string written as WeChat writes text: raw UTF-8, never `\uXXXX`. */
  wechatText: String.raw`"(?:[^"\\]|\\[^u])*"`,
  /** A JSON integer. */
  integer: '-?[0-9]+',
  /** A JSON string holding only digits (QQ's `"0"` flags and its numeric client_id). */
  digitString: '"[0-9]+"',
  /** An exact JSON value (string, number, boolean). */
  exactly: (value: string | number | boolean): string => literal(JSON.stringify(value)),
  /** A JSON string matching a regex (no quotes or backslashes in it). */
  stringOf: (pattern: string): string => `"${pattern}"`,
  /** A JSON array of strings, possibly empty. */
  stringArray: String.raw`\[(?:"(?:[^"\\]|\\.)*"(?:,"(?:[^"\\]|\\.)*")*)?\]`,
} as const;

/** A compact JSON object whose members come in exactly this order, each matching its pattern. */
export function objectPattern(members: readonly (readonly [key: string, value: string])[]): string {
  const body = members.map(([key, value]) => `${literal(JSON.stringify(key))}:${value}`).join(',');
  return `\\{${body}\\}`;
}

/** What a pinned response is built from. */
export interface PinnedBody {
  /** The Content-Type, matched exactly (no parameters beyond those given). */
  readonly contentType: string;
  /** The body the consumer test is given, byte for byte. */
  readonly example: string;
  /** A regex for the whole body (anchors are added). */
  readonly pattern: string;
}

/** The anchored pattern of a pinned body. */
export function anchored(body: PinnedBody): string {
  return `^${body.pattern}$`;
}

/**
 * What `body()` is told the bytes are. `body()` stores the example as bytes and adds a matcher that
 * sniffs the actual bytes' type; JSON and JSONP sniff as `text/plain` (JSON as `application/json`,
 * which the MIME database counts as a kind of `text/plain`), never as `text/html`. The type on the
 * wire is pinned separately, and exactly, by the Content-Type header rule.
 */
const BODY_KIND = 'text/plain';

/**
 * A `willRespondWith` builder: exact Content-Type, the example as the body, and the whole-body
 * regex as its matching rule.
 */
export function pinned(body: PinnedBody): (builder: V4ResponseBuilder) => void {
  const pattern = anchored(body);
  if (!new RegExp(pattern).test(body.example)) {
    throw new Error(`example ${body.example} does not match its own pattern ${pattern}`);
  }
  return (builder) => {
    builder
      .headers({
        'Content-Type': MatchersV3.regex(`^${literal(body.contentType)}$`, body.contentType),
      })
      .body(BODY_KIND, Buffer.from(body.example, 'utf8'))
      .matchingRules({ body: [{ path: '$', rules: [MatchersV3.regex(pattern, body.example)] }] });
  };
}

/** The comment stored with an interaction: its example body, readable (Pact stores it base64). */
export function exampleComment(body: PinnedBody): string {
  return `Response body (${body.contentType}), pinned by the regex on $: ${body.example}`;
}
