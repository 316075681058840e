/**
 * The explanation `idmock verify` gives for a body that fails a contract's whole-body pattern.
 * (The broken-provider tests cover the common defects end to end; these cover the edges.)
 */
import { describe, expect, it } from 'vitest';
import { explainBody } from '../../src/contract/body-diff.js';

const EXAMPLE = '{"errcode":40029,"errmsg":"invalid code"}';
const PATTERN = '^\\{"errcode":40029,"errmsg":"invalid code(?:, rid: [0-9a-f-]+)?"\\}$';
const JSONP_EXAMPLE = 'callback( {"client_id":"1","openid":"A"} );\n';
const JSONP_PATTERN = '^callback\\( \\{"client_id":"[0-9]+","openid":"[A-F]+"\\} \\);\\n$';

describe('explainBody', () => {
  it('says nothing about a body the pattern accepts, varying values included', () => {
    expect(
      explainBody(EXAMPLE, '{"errcode":40029,"errmsg":"invalid code, rid: 6b01"}', PATTERN),
    ).toEqual([]);
  });

  it('names a body that is not JSON at all', () => {
    expect(explainBody(EXAMPLE, '<html>502 Bad Gateway</html>', PATTERN)).toEqual([
      'the body is not JSON: got "<html>502 Bad Gateway</html>"',
    ]);
  });

  it('names JSONP answered as bare JSON, and the reverse', () => {
    expect(explainBody(JSONP_EXAMPLE, '{"client_id":"1","openid":"A"}', JSONP_PATTERN)).toContain(
      'expected a JSONP body "callback( "…" );\\n", got bare JSON',
    );
    expect(explainBody(EXAMPLE, `callback( ${EXAMPLE} );\n`, PATTERN)).toContain(
      'expected bare JSON, got JSONP "callback( "…" );\\n"',
    );
  });

  it('names whitespace between tokens', () => {
    expect(explainBody(EXAMPLE, '{"errcode": 40029, "errmsg": "invalid code"}', PATTERN)).toEqual([
      'the JSON is not compact (whitespace between tokens)',
    ]);
  });

  it('names a changed pinned text, and lets a varying one pass', () => {
    expect(explainBody(EXAMPLE, '{"errcode":40029,"errmsg":"bad code"}', PATTERN)).toEqual([
      '"errmsg": expected "invalid code", got "bad code"',
    ]);
  });

  it('still names structural defects when the contract has no pattern', () => {
    expect(explainBody(EXAMPLE, '{"errcode":"40029"}', undefined)).toEqual([
      'missing key "errmsg"',
      '"errcode": expected a number, got a string ("40029")',
    ]);
  });
});
