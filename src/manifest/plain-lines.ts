/**
 * The fast reader's lexer (manifest/fast-reader.ts): splits one line of plain block YAML into the
 * pieces the `yaml` library's Lexer cuts it into (scalars, spaces, `-`, `:`, a comment, `[]`), by
 * scanning its characters once, without the library's generator and its garbage, which were most of
 * the fast reader's time. It follows the Lexer's own rules (lexer.js: parsePlainScalar,
 * parseQuotedScalar, pushIndicators) for what it reads, and gives up on anything else: tags,
 * anchors, aliases, block scalars, flow collections other than `[]`, explicit keys, reserved first
 * characters, a stray carriage return, a quoted scalar that does not end on its line, and a plain
 * scalar the Lexer would continue onto the next line (`continuation`). The full reader then reads
 * the text; the differential tests (__tests__/manifest/fast-reader.test.ts) hold the two together.
 */

export type ScalarType = 'scalar' | 'single-quoted-scalar' | 'double-quoted-scalar'

/** One significant token of a line. */
export interface Piece {
  /** `empty-list`: `[]` written as a mapping's value (`generations: []`, a manifest that plans nothing). */
  type: ScalarType | 'space' | 'comment' | 'seq-item-ind' | 'map-value-ind' | 'empty-list'
  source: string
  offset: number
}

/** Thrown to leave the reader: the text is not in the subset the fast reader reads. */
export class NotPlainYaml extends Error {}

export function giveUp(): never {
  throw new NotPlainYaml()
}

const SPACE = 0x20
const TAB = 0x09
const CR = 0x0d

/** The Lexer's `isEmpty` within a line: a space, a tab, or the line's end. */
function emptyAt(text: string, i: number, end: number): boolean {
  if (i >= end) return true
  const c = text.charCodeAt(i)
  return c === SPACE || c === TAB
}

/**
 * Appends the pieces of the line `text[start, end)` (its line break excluded) to `pieces`. Gives up
 * (throws NotPlainYaml) on what the fast reader does not read.
 */
export function linePieces(text: string, start: number, end: number, pieces: Piece[]): void {
  // `---` and `...` at a line's start are document markers.
  if (text.startsWith('---', start) || text.startsWith('...', start)) giveUp()
  let i = start
  while (i < end) {
    const c = text.charCodeAt(i)
    switch (c) {
      case SPACE: {
        let j = i + 1
        while (j < end && text.charCodeAt(j) === SPACE) j++
        if (text.charCodeAt(j) === TAB && j < end) giveUp() // a tab among the spaces
        pieces.push({ type: 'space', source: text.slice(i, j), offset: i })
        i = j
        continue
      }
      case 0x23: // `#`: a comment to the line's end
        pieces.push({ type: 'comment', source: text.slice(i, end), offset: i })
        i = end
        continue
      case 0x2d: // `-`
      case 0x3a: // `:`
        if (emptyAt(text, i + 1, end)) {
          pieces.push({ type: c === 0x2d ? 'seq-item-ind' : 'map-value-ind', source: text[i]!, offset: i })
          i++
          continue
        }
        if (c === 0x3a) giveUp() // a plain scalar starting with `:`
        break // `-5`, `-x`: a plain scalar
      case 0x22: // `"`
      case 0x27: // `'`
        i = quoted(text, i, end, pieces)
        continue
      case 0x5b: // `[`: only `[]`
        if (text.charCodeAt(i + 1) !== 0x5d || i + 1 >= end) giveUp()
        pieces.push({ type: 'empty-list', source: '[]', offset: i })
        i += 2
        continue
      case TAB: // a tab in the indentation or between pieces
      case CR:
      case 0x3f: // `?` an explicit key
      case 0x21: // `!` a tag
      case 0x26: // `&` an anchor
      case 0x2a: // `*` an alias
      case 0x7c: // `|` and
      case 0x3e: // `>` block scalars
      case 0x7b: // `{`
      case 0x7d: // `}`
      case 0x5d: // `]`
      case 0x40: // `@` and
      case 0x60: // `` ` `` reserved
      case 0x25: // `%` a directive, or reserved
      case 0x2c: // `,`
        giveUp()
    }
    i = plain(text, i, end, pieces)
  }
}

/** A plain scalar from `start`, cut as the Lexer's parsePlainScalar cuts it in block context; returns where it ends. */
function plain(text: string, start: number, end: number, pieces: Piece[]): number {
  let last = start // the last character of the scalar: trailing spaces are not part of it
  for (let i = start + 1; i < end; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x3a) {
      if (emptyAt(text, i + 1, end)) break
      last = i
    } else if (c === SPACE || c === TAB) {
      if (text.charCodeAt(i + 1) === 0x23 && i + 1 < end) break
    } else if (c === CR) {
      giveUp() // a carriage return that does not end the line
    } else {
      last = i
    }
  }
  pieces.push({ type: 'scalar', source: text.slice(start, last + 1), offset: start })
  return last + 1
}

/** A quoted scalar from `start` that ends on its line (the Lexer's parseQuotedScalar); returns where it ends. */
function quoted(text: string, start: number, end: number, pieces: Piece[]): number {
  const quote = text[start]!
  let close = text.indexOf(quote, start + 1)
  if (quote === "'") {
    // `''` is an escaped quote.
    while (close !== -1 && close < end && text[close + 1] === "'") close = text.indexOf("'", close + 2)
  } else {
    // A `"` after an odd number of backslashes is escaped.
    while (close !== -1 && close < end) {
      let n = 0
      while (text[close - 1 - n] === '\\') n++
      if (n % 2 === 0) break
      close = text.indexOf('"', close + 1)
    }
  }
  if (close === -1 || close >= end) giveUp() // over more than one line, or never closed
  const source = text.slice(start, close + 1)
  if (source.includes('\r')) giveUp()
  pieces.push({ type: quote === '"' ? 'double-quoted-scalar' : 'single-quoted-scalar', source, offset: start })
  return close + 1
}

/**
 * The least indentation at which a later line would continue the plain scalar this line ends with
 * (the Lexer's continueScalar: its `indentNext`, one past the column of the line's key, or of its
 * `-` for a list item), or -1 when the line does not end with a plain scalar.
 */
export function continuation(pieces: readonly Piece[], lineStart: number): number {
  let last = pieces.length - 1
  if (last >= 0 && pieces[last]!.type === 'space') last--
  if (last < 0 || pieces[last]!.type !== 'scalar') return -1
  for (let i = last - 1; i > 0; i--) {
    if (pieces[i]!.type === 'map-value-ind') return pieces[i - 1]!.offset - lineStart + 1
  }
  const dash = pieces.findIndex((piece) => piece.type === 'seq-item-ind')
  return dash === -1 ? 0 : pieces[dash]!.offset - lineStart + 1
}
