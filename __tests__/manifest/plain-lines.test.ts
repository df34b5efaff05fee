/**
 * The fast reader's line lexer (src/manifest/plain-lines.ts) against the `yaml` library's own Lexer:
 * wherever it cuts a line, it cuts exactly the Lexer's tokens (types, text, offsets); elsewhere it
 * gives up. And its `continuation` against the library's parse: a line it lets through after a plain
 * scalar is never one the Lexer would fold into that scalar.
 */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { CST, Lexer, LineCounter, parse } from 'yaml'
import { NotPlainYaml, linePieces, type Piece } from '../../src/manifest/plain-lines.js'
import { readPlainYaml } from '../../src/manifest/fast-reader.js'
import { MAX_NESTING, MAX_VALUES } from '../../src/manifest/limits.js'

/** The pieces of `line`, or 'gave up'. */
function pieces(line: string): Omit<Piece, never>[] | 'gave up' {
  const out: Piece[] = []
  try {
    linePieces(line, 0, line.length, out)
  } catch (error) {
    if (error instanceof NotPlainYaml) return 'gave up'
    throw error
  }
  return out
}

/** The Lexer's tokens of a one-line text as pieces: scalar markers and the document start dropped, `[` `]` as one `[]`. */
function lexed(line: string): Piece[] {
  const out: Piece[] = []
  let offset = 0
  let plainNext = false
  for (const token of new Lexer().lex(line)) {
    if (plainNext) {
      plainNext = false
      out.push({ type: 'scalar', source: token, offset })
      offset += token.length
      continue
    }
    const type = CST.tokenType(token)
    if (type === 'doc-mode') continue
    if (type === 'scalar') {
      plainNext = true
      continue
    }
    if (type === 'flow-seq-end' && out.at(-1)?.type === ('flow-seq-start' as Piece['type'])) {
      out[out.length - 1] = { type: 'empty-list', source: '[]', offset: offset - 1 }
    } else {
      out.push({ type: type as Piece['type'], source: token, offset })
    }
    offset += token.length
  }
  return out
}

function expectLexerCut(line: string): void {
  const cut = pieces(line)
  if (cut !== 'gave up') expect({ line, cut }).toEqual({ line, cut: lexed(line) })
}

const LINES = [
  'key: value',
  '  - name: knight',
  '    prompt: "a knight, \\"armoured\\" # not a comment"',
  "    note: 'it''s here: ok'",
  'width: 1024 # px',
  'a#b: c#d',
  'a: b:c',
  'a: b :c',
  'key : value',
  'x: -5',
  '- -x',
  '- a',
  '-',
  '- ',
  '  ',
  '# only a comment',
  '   # an indented comment',
  'generations: []',
  'generations: [] # none',
  'k: [ ]',
  'k: "a"#c',
  'k: "a" # c',
  'k: v   ',
  'k:    v  # c ',
  'k:',
  'k:   # c',
  'k: é漢🎨 x',
  'k: a\tb',
  'k:\tv',
  '"quoted key": v',
  "'single key': v",
  'k: "unterminated',
  'k: "a\\\\"',
  'k: @x',
  'k: `x',
  'k: %x',
  'k: ,x',
  'k: ?x',
  'k: :x',
  'k: &a x',
  'k: *a',
  'k: !t x',
  'k: |',
  'k: >',
  'k: {a: 1}',
  'k: [a]',
  '---',
  '...',
  '--- x',
  'k: v\r',
  'a: b: c',
]

describe('linePieces cuts a line as the yaml Lexer does, or gives up', () => {
  it.each(LINES)('%j', (line) => expectLexerCut(line))

  it('reads the lines of a real manifest (it gives up on none of them)', () => {
    for (const line of ['version: 1', '  - name: knight-idle', '    model_id: art', '    prompt: "knight, idle pose"', '    width: 1024']) {
      expect(pieces(line)).not.toBe('gave up')
      expectLexerCut(line)
    }
  })

  it('agrees with the Lexer on random lines', () => {
    const char = fc.constantFrom(...'ab 1-:#"\'\\[]{},.?!&*|>@`%é\t'.split(''))
    let cut = 0
    fc.assert(
      fc.property(fc.array(char, { maxLength: 24 }), (chars) => {
        const line = chars.join('')
        if (pieces(line) !== 'gave up') cut++
        expectLexerCut(line)
      }),
      { numRuns: 3000 },
    )
    // Not a comparison of give-ups alone: a good share of the random lines were cut and compared.
    expect(cut).toBeGreaterThan(300)
  })
})

describe('a plain scalar the Lexer would continue onto the next line', () => {
  const read = (text: string) => readPlainYaml(text, { maxValues: MAX_VALUES, maxNesting: MAX_NESTING }, new LineCounter())

  it.each([
    'a: b\n  c',
    'a: b\n  c: d',
    'a: b\n\n  c: d',
    'l:\n  - b\n   c',
    'l:\n  - b\n   - c',
    'l:\n  - k: b\n     more',
    'a: b\n   # comment\nc: d',
    'l:\n  - k: b\n    j: c\n  - k: d',
  ])('%j: read as the library parses it, or left to it', (text) => {
    const fast = read(text)
    if (fast !== undefined) expect(fast.root).toEqual(parse(text))
  })

  it('is left to the full path', () => {
    expect(read('a: b\n  c')).toBeUndefined()
    // A blank line between does not end it.
    expect(read('a:\n  b: c\n\n    d: e')).toBeUndefined()
    expect(read('l:\n  - k: b\n     more')).toBeUndefined()
    // ...but a shallower line or a comment ends it, and the fast path reads on.
    expect(read('l:\n  - k: b\n    j: c\n  - k: d')?.root).toEqual({ l: [{ k: 'b', j: 'c' }, { k: 'd' }] })
    expect(read('a: b\n   # comment\nc: d')?.root).toEqual({ a: 'b', c: 'd' })
  })
})
