/**
 * The post-build step of `npm run package`: rewrites every bundle in dist/ (and dist/cli/) as
 * ASCII only, so that Node reads it as a one-byte string (a bundle with one non-ASCII character is
 * decoded and kept as two-byte text, which costs the action's start-up a few milliseconds on every
 * run). ncc offers no option for this (terser's `ascii_only`), hence this step.
 *
 * Each non-ASCII character is written as its `\uXXXX` escape (one per UTF-16 unit), and only
 * where that escape means the very same text: in a string literal, in an untagged template
 * literal (a tagged one sees the raw text, so the step stops there) and in a regular expression
 * literal (with the `u` or `v` flag, an escaped surrogate pair is still one code point); in a
 * comment it means nothing either way. A character after an odd run of backslashes, or anywhere
 * else (an identifier, whitespace), stops the step with an error: the build fails rather than
 * ship a bundle whose meaning might have changed. The source map's columns are shifted to match.
 *
 * Run: `tsx scripts/ascii.ts dist` (package.json "package" runs it after ncc).
 */
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import ts from 'typescript'

/** Where an escape was written: on line `line` (0-based), before column `column`, `added` characters more. */
export interface Shift {
  line: number
  column: number
  added: number
}

/** A bundle rewritten as ASCII, and where its columns moved. */
export interface AsciiText {
  text: string
  shifts: Shift[]
}

/** Tokens whose text may take an escape for a character without changing what they mean. */
const ESCAPABLE = new Set([
  ts.SyntaxKind.StringLiteral,
  ts.SyntaxKind.NoSubstitutionTemplateLiteral,
  ts.SyntaxKind.TemplateHead,
  ts.SyntaxKind.TemplateMiddle,
  ts.SyntaxKind.TemplateTail,
  ts.SyntaxKind.RegularExpressionLiteral,
])

const isTemplatePart = (kind: ts.SyntaxKind) => kind !== ts.SyntaxKind.StringLiteral && kind !== ts.SyntaxKind.RegularExpressionLiteral

/** `text` (JavaScript) with every non-ASCII character escaped; throws where an escape could change its meaning. */
export function toAscii(text: string, file: string): AsciiText {
  const wanted: number[] = []
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) wanted.push(i)
  if (wanted.length === 0) return { text, shifts: [] }
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS)
  if ((source as unknown as { parseDiagnostics: readonly ts.Diagnostic[] }).parseDiagnostics.length > 0) {
    throw new Error(`${file}: not valid JavaScript to the TypeScript parser; left as it is`)
  }
  // Each position is either in a literal token (an escape keeps its meaning), in a comment (any
  // text is the same comment) or elsewhere (the step stops).
  const escapable = new Map<number, ts.Node>()
  const inComment = new Set<number>()
  const remaining = new Set(wanted)
  const claim = (start: number, end: number, into: (position: number) => void) => {
    for (const position of remaining) {
      if (position >= start && position < end) {
        into(position)
        remaining.delete(position)
      }
    }
  }
  const holds = (node: ts.Node) => [...remaining].some((position) => position >= node.pos && position < node.end)
  const visit = (node: ts.Node): void => {
    if (ESCAPABLE.has(node.kind)) {
      claim(node.getStart(source), node.end, (position) => escapable.set(position, node))
      return
    }
    for (const child of node.getChildren(source)) {
      // A comment is in the trivia before a token, or after one on the same line (then it may
      // lie past the end of `child`, but within `node`).
      for (const range of [
        ...(ts.getLeadingCommentRanges(text, child.pos) ?? []),
        ...(ts.getTrailingCommentRanges(text, child.end) ?? []),
      ]) {
        claim(range.pos, range.end, (position) => inComment.add(position))
      }
      if (holds(child)) visit(child)
    }
  }
  visit(source)
  // Lines as source maps count them: ended by "\n" only.
  const lineStarts = [0]
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 0x0a) lineStarts.push(i + 1)
  const lineOf = (position: number) => {
    let line = 0
    while (line + 1 < lineStarts.length && lineStarts[line + 1]! <= position) line++
    return { line, column: position - lineStarts[line]! }
  }
  const where = (position: number) => `${file}:${lineOf(position).line + 1}:${lineOf(position).column + 1}`
  for (const position of remaining) {
    throw new Error(`${where(position)}: a non-ASCII character outside any string, template, regular expression or comment; left as it is`)
  }
  let out = ''
  let from = 0
  const shifts: Shift[] = []
  for (const position of wanted) {
    const token = escapable.get(position)
    if (token !== undefined) {
      if (isTemplatePart(token.kind) && isTagged(token)) {
        throw new Error(`${where(position)}: a non-ASCII character in a tagged template, whose tag sees the raw text; left as it is`)
      }
      let backslashes = 0
      while (text.charCodeAt(position - 1 - backslashes) === 0x5c) backslashes++
      if (backslashes % 2 === 1) throw new Error(`${where(position)}: a non-ASCII character after a backslash; left as it is`)
    }
    const escape = `\\u${text.charCodeAt(position).toString(16).padStart(4, '0')}`
    out += text.slice(from, position) + escape
    from = position + 1
    shifts.push({ ...lineOf(position), added: escape.length - 1 })
  }
  return { text: out + text.slice(from), shifts }
}

/** Whether a template literal's part belongs to a tagged template (`tag\`...\``, String.raw). */
function isTagged(part: ts.Node): boolean {
  let node: ts.Node = part
  while (!ts.isNoSubstitutionTemplateLiteral(node) && !ts.isTemplateExpression(node)) node = node.parent
  return ts.isTaggedTemplateExpression(node.parent)
}

const VLQ = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

function decodeSegment(segment: string): number[] {
  const values: number[] = []
  let value = 0
  let shift = 0
  for (const char of segment) {
    const digit = VLQ.indexOf(char)
    if (digit < 0) throw new Error(`a source map segment with "${char}"`)
    value += (digit & 31) << shift
    if (digit & 32) {
      shift += 5
      continue
    }
    values.push(value & 1 ? -(value >>> 1) : value >>> 1)
    value = 0
    shift = 0
  }
  return values
}

function encodeSegment(values: readonly number[]): string {
  let out = ''
  for (const signed of values) {
    let value = signed < 0 ? (-signed << 1) | 1 : signed << 1
    do {
      let digit = value & 31
      value >>>= 5
      if (value > 0) digit |= 32
      out += VLQ[digit]
    } while (value > 0)
  }
  return out
}

/** A source map's `mappings` with each generated column moved by the escapes written before it on its line. */
export function shiftMappings(mappings: string, shifts: readonly Shift[]): string {
  if (shifts.length === 0) return mappings
  return mappings
    .split(';')
    .map((line, index) => {
      const here = shifts.filter((shift) => shift.line === index)
      if (here.length === 0 || line === '') return line
      // The first field of a segment is its column relative to the previous segment of the line.
      let column = 0
      let shiftedBefore = 0
      return line
        .split(',')
        .map((segment) => {
          const values = decodeSegment(segment)
          column += values[0]!
          const shifted = column + here.filter((shift) => shift.column < column).reduce((sum, shift) => sum + shift.added, 0)
          values[0] = shifted - shiftedBefore
          shiftedBefore = shifted
          return encodeSegment(values)
        })
        .join(',')
    })
    .join(';')
}

/** Rewrites every `*.js` bundle directly in `dir` (and its source map, when there is one) as ASCII. */
export async function asciiBundles(dir: string): Promise<string[]> {
  const rewritten: string[] = []
  for (const name of (await readdir(dir)).filter((file) => file.endsWith('.js')).sort()) {
    const file = join(dir, name)
    const { text, shifts } = toAscii(await readFile(file, 'utf8'), file)
    if (shifts.length === 0) continue
    await writeFile(file, text)
    const mapFile = `${file}.map`
    const map = JSON.parse(await readFile(mapFile, 'utf8').catch(() => 'null')) as { mappings: string } | null
    if (map !== null) await writeFile(mapFile, JSON.stringify({ ...map, mappings: shiftMappings(map.mappings, shifts) }))
    rewritten.push(`${file} (${shifts.length} characters)`)
  }
  return rewritten
}

// Only when run as a script: tests import the functions.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dirs = process.argv.slice(2)
  Promise.all(dirs.map(asciiBundles))
    .then((done) => process.stdout.write(`ascii: ${done.flat().join(', ') || 'nothing to rewrite'}\n`))
    .catch((error: unknown) => {
      process.stderr.write(`ascii: ${error instanceof Error ? error.message : String(error)}\n`)
      process.exitCode = 1
    })
}
