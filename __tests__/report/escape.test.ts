import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { blobUrl, escapeItem, escapeText, safeUrl } from '../../src/report/escape.js'
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

describe('blobUrl', () => {
  const links = { serverUrl: 'https://github.com', owner: 'acme', repo: 'game', headSha: 'a'.repeat(40), baseSha: 'b'.repeat(40) }
  const head = `https://github.com/acme/game/blob/${'a'.repeat(40)}`

  it('links a line at the head commit, or at the base commit', () => {
    expect(blobUrl(links, 'head', '.layer/generations.yml', 12)).toBe(`${head}/.layer/generations.yml#L12`)
    expect(blobUrl(links, 'base', '.layer/generations.yml', 3)).toBe(
      `https://github.com/acme/game/blob/${'b'.repeat(40)}/.layer/generations.yml#L3`,
    )
    expect(blobUrl({ ...links, serverUrl: 'https://ghe.example.com/' }, 'head', 'a.yml', 1)).toBe(
      `https://ghe.example.com/acme/game/blob/${'a'.repeat(40)}/a.yml#L1`,
    )
  })

  it('percent-encodes every path segment: spaces, "#", "?", "%", parentheses and unicode', () => {
    expect(blobUrl(links, 'head', 'art dept/#1 ?x%/ドラゴン (v2).yml', 7)).toBe(
      `${head}/art%20dept/%231%20%3Fx%25/%E3%83%89%E3%83%A9%E3%82%B4%E3%83%B3%20%28v2%29.yml#L7`,
    )
    // A lone surrogate (not UTF-8) becomes U+FFFD instead of throwing.
    expect(blobUrl(links, 'head', 'a\ud800.yml', 1)).toBe(`${head}/a%EF%BF%BD.yml#L1`)
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (file) => {
        const url = blobUrl(links, 'head', file, 1)!
        // Nothing that would end a Markdown link destination or start a fragment early.
        expect(url.slice(head.length, -'#L1'.length)).not.toMatch(/[\s()<>[\]#?"'`|\\]/)
      }),
    )
  })

  it('gives no link without links, or with a server, commit, repository or line that is not one', () => {
    expect(blobUrl(undefined, 'head', 'a.yml', 1)).toBeUndefined()
    expect(blobUrl({ ...links, serverUrl: 'javascript:alert(1)' }, 'head', 'a.yml', 1)).toBeUndefined()
    expect(blobUrl({ ...links, headSha: 'main' }, 'head', 'a.yml', 1)).toBeUndefined()
    expect(blobUrl({ ...links, owner: 'a/b' }, 'head', 'a.yml', 1)).toBeUndefined()
    expect(blobUrl({ ...links, repo: '@x' }, 'head', 'a.yml', 1)).toBeUndefined()
    expect(blobUrl(links, 'head', 'a.yml', 0)).toBeUndefined()
  })
})
