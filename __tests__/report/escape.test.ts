import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { escapeItem, escapeText, safeUrl } from '../../src/report/escape.js'
import { decoded, pingsNobody } from '../helpers/markdown.js'

describe('escapeText', () => {
  it('leaves bare URLs as text: no link, no cross-reference', () => {
    const text = escapeText('see https://evil.example/x, HTTP://a.b, www.evil.example and https://github.com/acme/game/issues/1')
    expect(text).not.toMatch(/(https?|ftp):\/\/|\bwww\./i)
    expect(decoded(text).replace(/\u200b/g, '')).toBe(
      'see https://evil.example/x, HTTP://a.b, www.evil.example and https://github.com/acme/game/issues/1',
    )
  })

  it('escapes every pipe, not only the first', () => {
    expect(escapeText('a|b|c||d')).toBe('a&#124;b&#124;c&#124;&#124;d')
  })

  it('makes HTML inert', () => {
    const escaped = escapeText('<img src=x onerror=alert(1)> & <script>')
    expect(escaped).toBe('&lt;img src=x onerror=alert(1)&gt; &amp; &lt;script&gt;')
    expect(escaped).not.toMatch(/[<>]/)
  })

  it('neutralises mentions and issue references', () => {
    expect(escapeText('@octocat')).toBe('@&#8203;octocat')
    expect(escapeText('fixes #12 and org/repo#3')).toBe('fixes &#35;&#8203;12 and org/repo&#35;&#8203;3')
    expect(escapeText('GH-42, gh-7, sprite-gh-1 but not ghost-1 or GH-x')).toBe(
      'GH-&#8203;42, gh-&#8203;7, sprite-gh-&#8203;1 but not ghost-1 or GH-x',
    )
  })

  it('escapes backticks, emphasis, links, strikethrough, math and backslashes', () => {
    expect(escapeText('`code` *b* _i_ [x](http://e) ~~s~~ $x$ \\')).toBe(
      '\\`code\\` &#42;b&#42; &#95;i&#95; &#91;x&#93;(http&#8203;://e) &#126;&#126;s&#126;&#126; &#36;x&#36; &#92;',
    )
  })

  it('collapses newlines and control characters, and drops bidi overrides', () => {
    expect(escapeText('line one\r\n\n| line two\t\u0000end')).toBe('line one &#124; line two end')
    expect(escapeText('abc\u202Edcba\u2066')).toBe('abcdcba')
  })

  it('cuts long text on code points and marks the cut', () => {
    expect(escapeText('x'.repeat(10), 5)).toBe('xxxx…')
    expect(escapeText('😀'.repeat(10), 3)).toBe('😀😀…')
    expect(escapeText(`${' '.repeat(5000)}name`, 10)).toBe('…')
    expect(escapeText('@'.repeat(10_000), 4)).toBe('@&#8203;@&#8203;@&#8203;…')
  })

  it('never leaves a raw special character, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const escaped = escapeText(text)
        // A backtick is backslash-escaped (the only backslash left), everything else a reference.
        expect(escaped.replace(/\\`/g, '')).not.toMatch(/[<>|`*_[\]~$\\\n\r]/)
        expect(pingsNobody(escaped)).toBe(true)
        // What GitHub shows is the text itself on one line (zero-width spaces aside): inert, not lost.
        const oneLine = text
          // eslint-disable-next-line no-control-regex -- control characters are what is replaced
          .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
          .replace(/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
          .replace(/\s+/g, ' ')
          .trim()
        expect(decoded(escaped).replace(/\u200b/g, '')).toBe(oneLine.replace(/\u200b/g, ''))
      }),
    )
  })
})

describe('escapeItem', () => {
  it('keeps a leading "-", "+", "=" or "1." from opening a list or a heading underline', () => {
    expect(escapeItem('- not a list')).toBe('&#45; not a list')
    expect(escapeItem('+ x')).toBe('&#43; x')
    expect(escapeItem('= x')).toBe('&#61; x')
    expect(escapeItem('1. first')).toBe('1\\. first')
    expect(escapeItem('12) twelfth')).toBe('12\\) twelfth')
  })

  it('leaves the same signs alone further in, and escapes like escapeText', () => {
    expect(escapeItem('a - b + c 1. d')).toBe('a - b + c 1. d')
    expect(escapeItem('@octocat | x')).toBe(escapeText('@octocat | x'))
  })
})

describe('safeUrl', () => {
  it('keeps a plain http(s) URL', () => {
    expect(safeUrl('https://github.com/o/r/actions/runs/1')).toBe('https://github.com/o/r/actions/runs/1')
    expect(safeUrl('http://ghe.example/o/r/actions/runs/1/attempts/2')).toBe('http://ghe.example/o/r/actions/runs/1/attempts/2')
  })

  it('refuses anything that is not one plain http(s) URL', () => {
    for (const url of [undefined, '', 'javascript:alert(1)', 'ftp://x', 'https://a b', 'see https://x', 'https://x\n[y](z)']) {
      expect(safeUrl(url)).toBeUndefined()
    }
  })

  it('percent-encodes what would end or break a Markdown link destination', () => {
    expect(safeUrl('https://e.x/a)b(c<d>"e\'f`g|h\\i[j]')).toBe('https://e.x/a%29b%28c%3Cd%3E%22e%27f%60g%7Ch%5Ci%5Bj%5D')
  })
})
