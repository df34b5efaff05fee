/**
 * Problems the way compilers print them in a terminal: `file:line:col: error: message`, then the
 * line's text and a caret under the column. The text is the manifest's, maybe a stranger's: no
 * control character (C0, DEL, C1, bidirectional or zero-width) reaches the terminal raw, and a
 * long line is shown as a window around the column. Pure.
 */
import { formatPosition, type Problem } from '../problem.js'
import type { Paint } from '../report/terminal.js'

/** Longest excerpt of a line, in code points. */
const MAX_SHOWN = 100
/** How much of a long line is kept before the column. */
const BEFORE = 40

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g

/** `text` safe for a terminal: a tab as one space, every other unsafe character as `?`. */
export function terminalSafe(text: string): string {
  return text.replace(/\t/g, ' ').replace(UNSAFE, '?')
}

/** Line `line` (1-based) of `text`, without its line break; undefined past the end. */
export function lineOf(text: string, line: number): string | undefined {
  let start = 0
  for (let n = 1; n < line; n++) {
    const next = text.indexOf('\n', start)
    if (next < 0) return undefined
    start = next + 1
  }
  const end = text.indexOf('\n', start)
  return text.slice(start, end < 0 ? undefined : end).replace(/\r$/, '')
}

/**
 * The line's excerpt and the caret line under it (`col` 1-based, in UTF-16 units as the readers
 * place it), aligned by code points: `[" 4 |     model_id: nope", "   |               ^"]`.
 */
export function caretExcerpt(lineText: string, line: number, col: number): [string, string] {
  const chars = [...terminalSafe(lineText)]
  const before = [...lineText.slice(0, Math.max(0, col - 1))].length
  const at = Math.min(before, chars.length)
  let start = 0
  let end = chars.length
  if (chars.length > MAX_SHOWN) {
    start = Math.max(0, Math.min(at - BEFORE, chars.length - MAX_SHOWN))
    end = Math.min(chars.length, start + MAX_SHOWN)
  }
  const lead = start > 0 ? '…' : ''
  const shown = `${lead}${chars.slice(start, end).join('')}${end < chars.length ? '…' : ''}`
  const gutter = String(line)
  const pad = ' '.repeat(gutter.length)
  return [`${gutter} | ${shown}`.trimEnd(), `${pad} | ${' '.repeat(lead.length + at - start)}^`]
}

/** A problem with its excerpt when the line is known; `paint` colours `error:` and the caret. */
export function formatSourceProblem(problem: Problem, text: string | undefined, paint: Paint): string {
  const head = `${formatPosition(problem)}: ${paint('1;31', 'error:')} ${terminalSafe(problem.message)}`
  const lineText = text === undefined ? undefined : lineOf(text, problem.line)
  if (lineText === undefined) return head
  const [source, caret] = caretExcerpt(lineText, problem.line, problem.col)
  return `${head}\n${source}\n${caret.slice(0, -1)}${paint('1;31', '^')}`
}
