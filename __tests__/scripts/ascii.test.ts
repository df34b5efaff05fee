import { describe, expect, it } from '@jest/globals'
import { runInNewContext } from 'node:vm'
import { shiftMappings, toAscii } from '../../scripts/ascii.js'

/** What a script's last expression evaluates to, as JSON (regular expressions as their matches). */
function evaluate(code: string): string {
  return JSON.stringify(runInNewContext(code))
}

/** `code` rewritten as ASCII: asserts it is ASCII and evaluates to what `code` evaluates to. */
function same(code: string): string {
  const { text } = toAscii(code, 'x.js')
  expect(!/[\u0080-\uffff]/.test(text)).toBe(true)
  expect(evaluate(text)).toBe(evaluate(code))
  return text
}

describe('toAscii', () => {
  it('leaves an ASCII bundle as it is, with no shift', () => {
    expect(toAscii('const a = "x" + `y${1}`', 'x.js')).toEqual({ text: 'const a = "x" + `y${1}`', shifts: [] })
  })

  it('escapes string literals and untagged templates to the same text', () => {
    expect(same('"Creative Units ≥ 0 — ok"')).toBe('"Creative Units \\u2265 0 \\u2014 ok"')
    same("'it’s ' + 'a → b'")
    same('const n = 3; `ℹ️ ${n} more… ${`inner ✓`} done ✗`')
    // Astral characters: one escape per UTF-16 unit, the same two units.
    same('"🎨".length + "🎨"')
    // An escaped backslash before the character is not an escape of the character.
    same('"a\\\\é"')
  })

  it('escapes regular expressions to the same pattern, with and without the u flag', () => {
    same('[/[à-ÿ]+/.exec("voilà déjà")?.[0], /é/i.test("É")]')
    same('[/^[🎨]$/u.test("🎨"), /🎨{2}/u.test("🎨🎨"), /^.$/u.test("🎨"), /^..$/.test("🎨")]')
    same('/[\\s\\S]…/v.test("x…")')
  })

  it('escapes comments, which mean nothing either way', () => {
    expect(toAscii('/*! by Jimmy Wärting */ 1 // é\n', 'x.js').text).toBe('/*! by Jimmy W\\u00e4rting */ 1 // \\u00e9\n')
  })

  it('refuses where an escape could change the meaning, naming the place', () => {
    expect(() => toAscii('String.raw`é`', 'x.js')).toThrow('x.js:1:12: a non-ASCII character in a tagged template')
    expect(() => toAscii('const t = (s) => s;\nt`a${1}é`', 'x.js')).toThrow('x.js:2:8: a non-ASCII character in a tagged template')
    expect(() => toAscii('"\\é"', 'x.js')).toThrow('x.js:1:3: a non-ASCII character after a backslash')
    expect(() => toAscii('const café = 1', 'x.js')).toThrow('x.js:1:10: a non-ASCII character outside any string')
    expect(() => toAscii('1 +\u00a02', 'x.js')).toThrow('outside any string')
    expect(() => toAscii('"unterminated é', 'x.js')).toThrow('not valid JavaScript')
  })

  it('says where each escape moved the columns: line and column of the character, 5 more', () => {
    const { shifts } = toAscii('"é"\nx = "a→b→c"', 'x.js')
    expect(shifts).toEqual([
      { line: 0, column: 1, added: 5 },
      { line: 1, column: 6, added: 5 },
      { line: 1, column: 8, added: 5 },
    ])
  })
})

describe('shiftMappings', () => {
  // Segments: [generated column delta, source, original line delta, original column delta].
  // "AAAA" = 0,0,0,0; "EAAE" = 2,0,0,2; "IAAI" = 4,0,0,4; "SAAS" = 9,0,0,9.
  it('moves each segment by the escapes before its column, and keeps the rest of the map', () => {
    // Line 0: columns 0, 2 and 6; one escape of 5 more at column 1 moves the last two.
    const shifted = shiftMappings('AAAA,EAAE,IAAI;AAAA', [{ line: 0, column: 1, added: 5 }])
    // Columns 0, 7 and 11: deltas 0, 7, 4 ("OAAE": 7 with the original delta 2 unchanged).
    expect(shifted).toBe('AAAA,OAAE,IAAI;AAAA')
  })

  it('does not move a segment that starts at the escaped character, nor other lines', () => {
    expect(shiftMappings('AAAA,EAAE;AAAA,EAAE', [{ line: 0, column: 2, added: 5 }])).toBe('AAAA,EAAE;AAAA,EAAE')
    expect(shiftMappings('AAAA,EAAE;AAAA,EAAE', [{ line: 1, column: 0, added: 5 }])).toBe('AAAA,EAAE;AAAA,OAAE')
  })

  it('round-trips columns beyond one VLQ digit', () => {
    // Column 1000 ("w+B", three digits) moves to 1010 ("k/B").
    const far = shiftMappings('AAAA,w+BAAA', [
      { line: 0, column: 5, added: 5 },
      { line: 0, column: 8, added: 5 },
    ])
    expect(far).toBe('AAAA,k/BAAA')
  })
})
