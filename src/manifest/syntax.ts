/**
 * Where a YAML syntax error starts. The `yaml` library notices an unclosed quote or bracket where
 * the text ends, which is rarely where the mistake is: this finds the quote or bracket that was
 * opened and never closed, from the lexer's flat token stream (no recursion, any input), and words
 * the problem in the manifest's terms with a short excerpt. Pure.
 */
import { CST, Lexer } from 'yaml'
import { excerpt } from './problems.js'

/** A syntax error placed where it starts: the offset in the text and our message. */
export interface PlacedSyntaxError {
  offset: number
  message: string
}

/** What the library reports: its code, its place and its message. */
interface LibraryError {
  code: string
  pos: [number, number]
  message: string
}

interface Token {
  type: string
  start: number
  source: string
}

/**
 * Source tokens with their offsets, up to `until`, one at a time (a hostile file may have millions);
 * the lexer's markers (document mode, flow error, "a scalar follows") take no room.
 */
function* tokens(text: string, until: number): Generator<Token> {
  let offset = 0
  let scalarSource = false
  for (const source of new Lexer().lex(text)) {
    if (offset > until) return
    const type = scalarSource ? 'scalar' : (CST.tokenType(source) ?? 'scalar')
    const marker = !scalarSource && (source === CST.DOCUMENT || source === CST.FLOW_END || source === CST.SCALAR)
    scalarSource = source === CST.SCALAR && !scalarSource
    if (marker) continue
    yield { type, start: offset, source }
    offset += source.length
  }
}

/** Whether a quoted scalar's source ends with its closing quote (a linear scan: a token may be megabytes long). */
function closed(token: Token): boolean {
  const { source } = token
  const mark = source[0]
  for (let i = 1; i < source.length; i++) {
    const char = source[i]
    if (mark === '"' && char === '\\') i++
    else if (char === mark) {
      // In single quotes '' is an escaped quote, not the end.
      if (mark === "'" && source[i + 1] === "'") i++
      else return true
    }
  }
  return false
}

/** The first line of a token, as a message quotes it. */
function opening(token: Token): string {
  return excerpt(token.source.split(/\r?\n/)[0]!)
}

/**
 * The place and wording for an unclosed quote or bracket the library reported at `error.pos`, or
 * undefined for any other error (its own place and words are kept).
 */
export function placeSyntaxError(text: string, error: LibraryError): PlacedSyntaxError | undefined {
  const at = error.pos[0]
  if (error.code === 'MISSING_CHAR' && /quote/i.test(error.message)) {
    let quote: Token | undefined
    for (const token of tokens(text, at)) {
      if ((token.type === 'double-quoted-scalar' || token.type === 'single-quoted-scalar') && !closed(token)) quote = token
    }
    if (quote === undefined) return undefined
    const mark = quote.source[0]!
    return {
      offset: quote.start,
      message: `invalid YAML: the ${mark} opened here (${opening(quote)}) is never closed: end the text with ${mark}, or remove the quote`,
    }
  }
  const bracket = /end with an? ([}\]])/.exec(error.message)?.[1]
  if (bracket !== undefined) {
    const open = bracket === '}' ? 'flow-map-start' : 'flow-seq-start'
    const close = bracket === '}' ? 'flow-map-end' : 'flow-seq-end'
    const stack: Token[] = []
    for (const token of tokens(text, at)) {
      if (token.type === open) stack.push(token)
      else if (token.type === close) stack.pop()
    }
    const unclosed = stack[stack.length - 1]
    if (unclosed === undefined) return undefined
    const what = bracket === '}' ? 'mapping' : 'list'
    return {
      offset: unclosed.start,
      message: `invalid YAML: the ${unclosed.source} opened here starts a ${what} that is never closed: end it with ${bracket} (or write it one item per line, without brackets)`,
    }
  }
  return undefined
}
