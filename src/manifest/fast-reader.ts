/**
 * The fast reader: plain block YAML read line by line into plain data, each line cut into the
 * pieces the `yaml` library's Lexer would cut it into (manifest/plain-lines.ts), without building
 * the library's CST and Document (which for a 10,000-generation manifest take most of a second and
 * well over 100 MB) or the full reader's located tree of every value.
 *
 * It reads only the YAML that real manifests are made of: block mappings and sequences (including
 * `- key: value` items and a list at the same indentation as its key), single-line plain and quoted
 * scalars, comments and blank lines. Values go through the library's own scalar functions and the
 * core schema's own tags, so `1.0`, `0x1F`, `~`, `"a\tb"` and `'it''s'` mean exactly what they mean
 * on the full path; and `[]` as a mapping's value (`generations: []`, a manifest that plans nothing).
 * Anything else (other flow collections, anchors, aliases, tags, block scalars, multi-line scalars,
 * empty values, duplicate, merge or `__proto__` keys, tabs, directives, `---`, indentation it does
 * not recognise, anything near the loader's limits) makes it give up and return `undefined`:
 * the caller then parses the text with the full reader (manifest/full-reader.ts), which is the
 * reference for every error and every unusual construct. A differential test
 * (__tests__/manifest/fast-reader.test.ts) holds both paths to the same result wherever this one answers.
 */
import { CST, Document, isScalar } from 'yaml'
import type { LineCounter } from 'yaml'
import { YAML_OPTIONS } from './limits.js'
import type { MapPlaces, PlacedData, PlainMap, PlainValue } from './located.js'
import { NotPlainYaml, continuation, giveUp, linePieces, type Piece, type ScalarType } from './plain-lines.js'

/** Limits past which this reader gives up, so the full reader can report them exactly. */
export interface FastReaderLimits {
  maxValues: number
  maxNesting: number
}

interface ScalarTag {
  default?: boolean | 'key'
  test?: RegExp
  resolve: (value: string, onError: (message: string) => void, options: unknown) => unknown
}

/** The scalar tags of the core schema as the composer sees them, and the options their resolvers take. */
let coreSchema: { tags: readonly ScalarTag[]; options: unknown } | undefined

function schema(): { tags: readonly ScalarTag[]; options: unknown } {
  if (coreSchema === undefined) {
    // The same construction the composer performs for each document (compose-doc), so the tags,
    // their order and the resolver options are the library's, not a copy of them.
    const doc = new Document(undefined, YAML_OPTIONS)
    const tags = (doc.schema.tags as unknown as ScalarTag[]).filter((tag) => tag.default === true && tag.test !== undefined)
    coreSchema = { tags, options: doc.options }
  }
  return coreSchema
}

/**
 * Values of short scalars already resolved in this run (`1024`, `medium`, `true`, every key):
 * the same few spellings recur on every generation. Emptied when full; values are primitives.
 */
const recent = new Map<string, string | number | boolean | null>()
const RECENT_MAX = 4096
const RECENT_LONGEST = 32

/** The value of a single-line scalar token, as the composer would resolve it (plain ones through the core tags). */
function scalarValue(type: ScalarType, source: string, offset: number): string | number | boolean | null {
  if (source.length > RECENT_LONGEST) return resolveScalar(type, source, offset)
  // A source string with its first character names its type: `"x"`, `'x'` and `x` are told apart.
  const cached = recent.get(source)
  if (cached !== undefined) return cached
  const value = resolveScalar(type, source, offset)
  if (recent.size >= RECENT_MAX) recent.clear()
  recent.set(source, value)
  return value
}

function resolveScalar(type: ScalarType, source: string, offset: number): string | number | boolean | null {
  const resolved = CST.resolveAsScalar({ type, offset, indent: 0, source }, true, giveUp)
  if (resolved === null) giveUp()
  const text = resolved.value
  if (type !== 'scalar') {
    // The library builds a quoted value character by character: kept as is, every prompt would be
    // a chain of a dozen string pieces. The text between the quotes is the same value in one piece
    // whenever it has no escapes; the comparison is exact either way.
    const inner = source.slice(1, -1)
    return inner === text ? inner : text
  }
  const { tags, options } = schema()
  for (const tag of tags) {
    if (!tag.test?.test(text)) continue
    const result = tag.resolve(text, giveUp, options)
    const value = isScalar(result) ? result.value : result
    if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value
    return giveUp()
  }
  return text
}

/** An open block collection, by the column (0-based) its items start at. */
interface Open {
  indent: number
  map?: PlainMap
  places?: MapPlaces
  seq?: PlainValue[]
  /** A list written at the same indentation as its key (`key:` then `- item`): the next key ends it. */
  sameIndent: boolean
}

const SCALAR_TYPES: ReadonlySet<string> = new Set(['scalar', 'single-quoted-scalar', 'double-quoted-scalar'])

/**
 * `text` as plain data when it is plain block YAML with a mapping at the top (see the module
 * comment), or `undefined` when the full YAML path must read it. Line starts go to `lines` as the
 * library's parser reports them (when this gives up, `lines` is half filled: use a new one).
 * Never throws.
 */
export function readPlainYaml(text: string, limits: FastReaderLimits, lines: LineCounter): PlacedData | undefined {
  try {
    return read(text, limits, lines)
  } catch (error) {
    if (error instanceof NotPlainYaml) return undefined
    throw error
  }
}

/**
 * At least as many values as the fast path would count in `text` (a line holds at most `-`, a key
 * and a value; comment and blank lines none), from its characters alone: a file that may be over
 * the value cap is left to the full path, which refuses it after a scan that keeps nothing, rather
 * than read into memory up to the cap first.
 */
export function valueBound(text: string): number {
  let bound = 0
  let i = 0
  const end = text.length
  while (i < end) {
    while (i < end && text.charCodeAt(i) === 0x20) i++
    const dash = text.charCodeAt(i) === 0x2d // "-" then a space, a tab, a line end or the end
    const after = i + 1 < end ? text.charCodeAt(i + 1) : 0x0a
    if (dash && (after === 0x20 || after === 0x09 || after === 0x0a || after === 0x0d)) {
      bound += 1
      i++
      while (i < end && text.charCodeAt(i) === 0x20) i++
    }
    const first = i < end ? text.charCodeAt(i) : 0x0a
    if (first !== 0x0a && first !== 0x0d && first !== 0x23) bound += 2 // a key and its value, or one scalar
    const next = text.indexOf('\n', i)
    if (next === -1) break
    i = next + 1
  }
  return bound
}

function read(text: string, limits: FastReaderLimits, lines: LineCounter): PlacedData | undefined {
  if (valueBound(text) > limits.maxValues) giveUp()
  const places = new Map<PlainMap, MapPlaces>()
  const stack: Open[] = []
  let root: PlainMap | undefined
  /** A key whose value starts on a following line. */
  let pending: { open: Open; key: string } | undefined
  let values = 0
  const keys = new Map<string, string>()

  // A byte-order mark may open the text (the first line still starts at 0, as the library counts it).
  let offset = text.charCodeAt(0) === 0xfeff ? 1 : 0
  if (text.indexOf('\ufeff', 1) !== -1) giveUp() // one anywhere else is the full path's
  let lineStart = 0
  lines.addNewLine(0)
  const pieces: Piece[] = []

  const count = (): void => {
    if (++values > limits.maxValues) giveUp()
  }
  const push = (open: Open): void => {
    stack.push(open)
    // The full path's depth estimate counts, per line, the open indentations plus the `-` and `:`
    // on it: at most this stack plus two. Give up before it could say "too deep".
    if (stack.length + 3 > limits.maxNesting) giveUp()
  }
  const openMap = (indent: number, at: number): Open => {
    const map: PlainMap = {}
    const mapPlaces: MapPlaces = { at, valueAts: [] }
    places.set(map, mapPlaces)
    return { indent, map, places: mapPlaces, sameIndent: false }
  }
  const addPair = (open: Open, keyPiece: Piece, valuePiece: Piece | undefined): void => {
    const map = open.map ?? giveUp()
    const keyValue = scalarValue(keyPiece.type as ScalarType, keyPiece.source, keyPiece.offset)
    const text = keyValue === null ? '' : String(keyValue)
    // The same few key names repeat on every generation: keep one copy of each.
    let key = keys.get(text)
    if (key === undefined) keys.set(text, (key = text))
    // Duplicate and merge keys have their own problems, written by the full path; `__proto__`
    // (never a valid key) would not be an own property of a plain object.
    if (Object.hasOwn(map, key) || key === '__proto__' || (key === '<<' && keyPiece.type === 'scalar')) giveUp()
    // Keys that are array indexes would not keep their place in `Object.keys`: the full path reads them.
    if (/^(?:0|[1-9][0-9]*)$/.test(key)) giveUp()
    if (valuePiece === undefined) {
      pending = { open, key } // the next line brings the value
    } else {
      map[key] = valuePiece.type === 'empty-list' ? [] : scalarValue(valuePiece.type as ScalarType, valuePiece.source, valuePiece.offset)
      open.places!.valueAts.push(valuePiece.offset)
    }
  }

  /** The line's pieces: [indent] [`-` space] (key `:` [space [value]] | value) [space] [comment]. */
  const endLine = (): void => {
    const n = pieces.length
    let i = 0
    let indent = 0
    if (n > 0 && pieces[0]!.type === 'space') {
      indent = pieces[0]!.source.length
      i = 1
    }
    if (i === n || pieces[i]!.type === 'comment') {
      // Blank or comment-only: comments may sit at any indentation. (A comment needs a space before it
      // unless it starts the line; the lexer makes `#` inside a token part of that token.)
      if (i < n && i + 1 !== n) giveUp()
      pieces.length = 0
      return
    }
    let dash = false
    if (pieces[i]!.type === 'seq-item-ind') {
      dash = true
      count()
      i++
      if (i >= n || pieces[i]!.type !== 'space') giveUp() // `-` alone, or `-` before a comment
      i++
    }
    const head = pieces[i]
    if (head === undefined || !SCALAR_TYPES.has(head.type)) giveUp()
    count()
    i++
    let keyPiece: Piece | undefined
    let valuePiece: Piece | undefined
    if (i < n && pieces[i]!.type === 'map-value-ind') {
      keyPiece = head
      // The composer refuses a `:` more than 1024 characters after the key's start.
      if (keyPiece.source.length > 1000) giveUp()
      i++
      if (i < n) {
        if (pieces[i]!.type !== 'space') giveUp()
        i++
        if (i < n && (SCALAR_TYPES.has(pieces[i]!.type) || pieces[i]!.type === 'empty-list')) {
          valuePiece = pieces[i]!
          count()
          i++
          if (i < n && pieces[i]!.type === 'space') i++
        }
      }
    } else {
      if (!dash) giveUp() // a bare scalar line: a multi-line value, or not a mapping
      valuePiece = head
      if (i < n && pieces[i]!.type === 'space') i++
    }
    if (i < n && pieces[i]!.type === 'comment') {
      if (pieces[i - 1]!.type !== 'space') giveUp()
      i++
    }
    if (i !== n) giveUp()

    // Where the line belongs: the value of a pending key, or the open collection at its indentation.
    let target: Open
    if (pending !== undefined) {
      const parent = pending.open
      if (dash && indent >= parent.indent) {
        target = { indent, seq: [], sameIndent: indent === parent.indent }
        parent.map![pending.key] = target.seq!
        parent.places!.valueAts.push(lineStart + indent)
      } else if (!dash && indent > parent.indent) {
        target = openMap(indent, head.offset)
        parent.map![pending.key] = target.map!
        parent.places!.valueAts.push(head.offset)
      } else {
        return giveUp() // an empty value: the full path places its null
      }
      pending = undefined
      push(target)
    } else if (root === undefined) {
      if (dash || indent !== 0) giveUp() // a list, or an indented root: the full path reads it
      target = openMap(0, head.offset)
      root = target.map!
      push(target)
    } else {
      while (stack.length > 0 && stack[stack.length - 1]!.indent > indent) stack.pop()
      let top = stack[stack.length - 1]
      if (top?.seq && top.indent === indent && !dash && top.sameIndent) {
        stack.pop()
        top = stack[stack.length - 1]
      }
      if (top === undefined || top.indent !== indent || (dash ? !top.seq : !top.map)) giveUp()
      target = top
    }

    if (dash) {
      const seq = target.seq!
      if (keyPiece === undefined) {
        seq.push(scalarValue(valuePiece!.type as ScalarType, valuePiece!.source, valuePiece!.offset))
      } else {
        // `- key: value`: a mapping whose keys line up with this first one.
        const item = openMap(keyPiece.offset - lineStart, keyPiece.offset)
        seq.push(item.map!)
        push(item)
        addPair(item, keyPiece, valuePiece)
      }
    } else {
      addPair(target, keyPiece!, valuePiece)
    }
    pieces.length = 0
  }

  // Line by line: the line's pieces (plain-lines.ts), then where they belong (endLine).
  let minContinued = -1
  for (;;) {
    const newline = text.indexOf('\n', offset)
    const lineEnd = newline === -1 ? text.length : newline
    const contentEnd = lineEnd > offset && text.charCodeAt(lineEnd - 1) === 0x0d ? lineEnd - 1 : lineEnd
    // A blank line after a plain scalar leaves the question of its continuation to the next line.
    let blank = false
    if (minContinued >= 0) {
      // The last line ended with a plain scalar: a later line indented at least this far continues
      // it (a multi-line scalar, the full path's), a comment line or a shallower one ends it.
      let indent = offset
      while (indent < contentEnd && text.charCodeAt(indent) === 0x20) indent++
      blank = indent === contentEnd
      if (!blank && text.charCodeAt(indent) !== 0x23 && indent - offset >= minContinued) giveUp()
    }
    linePieces(text, offset, contentEnd, pieces)
    if (!blank) minContinued = continuation(pieces, lineStart)
    endLine()
    if (newline === -1) break
    offset = newline + 1
    lineStart = offset
    lines.addNewLine(offset)
  }
  if (pending !== undefined || root === undefined) giveUp()
  return { root, places }
}
