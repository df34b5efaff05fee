/**
 * The full reader: any YAML, read through the `yaml` library into a `Located` tree, every problem
 * found and placed. The YAML is untrusted (it may come from a fork's pull request). In order:
 *  1. a scan of the lexer's token stream for nesting depth and number of values (the `yaml`
 *     composer recurses, and a stack overflow inside it can take the whole process down on the
 *     next deep document, so deep input never reaches it; and it needs seconds per million values,
 *     so a hostile file of tiny values is refused before it is composed);
 *  2. `parseDocument` with the core schema only, no merge keys, no known-but-not-core tags;
 *  3. our own walk of the node tree into located values, expanding aliases under a budget (alias
 *     uses and expanded values) instead of calling `toJS()`.
 * The schema and the checks across fields come after, in manifest/parse.ts and manifest/build.ts.
 */
import { CST, Lexer, LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, visit } from 'yaml'
import type { Alias, Document, Node as YamlNode } from 'yaml'
import {
  MAX_ALIAS_USES,
  MAX_ALIAS_VALUES,
  MAX_EXCERPT_CHARS,
  MAX_NESTING,
  MAX_SYNTAX_PROBLEMS,
  MAX_VALUES,
  YAML_OPTIONS,
} from './limits.js'
import type { Located, Segment } from './located.js'
import { placeSyntaxError } from './syntax.js'
import { excerpt, formatPath, quoted, type FileProblems, type LineCol } from './problems.js'
import type { Problem } from '../problem.js'

/** Lexer tokens that start a value (a plain scalar's marker, quoted and block scalars, aliases, collections). */
const VALUE_TOKENS = new Set([
  'scalar',
  'single-quoted-scalar',
  'double-quoted-scalar',
  'block-scalar-header',
  'alias',
  'flow-map-start',
  'flow-seq-start',
  'seq-item-ind',
])

/** Tags that only name what the core schema already resolves (`!!str 12`, `!!map`, the non-specific `!`). */
const CORE_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((name) => `tag:yaml.org,2002:${name}`).concat('!'))

/**
 * Line starts where the text's own '\n' characters put them (the parser's line counter also breaks
 * at a lone '\r', which editors and GitHub's diff do not), so every place is in the text.
 */
export function lineStarts(text: string): LineCounter {
  const lines = new LineCounter()
  lines.addNewLine(0)
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1)
  return lines
}

/**
 * The `yaml` library's message without its place (ours is in the problem), each text it quotes
 * from the file cut to an excerpt: the file may not be a manifest at all, and hold a credential.
 */
function libraryMessage(message: string): string {
  const text = message.replace(/\s*at line \d+, column \d+[\s\S]*$/, '').replace(/"([^"]*)"/g, (_quote, inner: string) => quoted(inner))
  // What is left is the library's own words, but for a quote it left open: three excerpts' worth.
  return text.length > 3 * MAX_EXCERPT_CHARS ? `${text.slice(0, 3 * MAX_EXCERPT_CHARS)}…` : text
}

/**
 * `text` as a located tree, or `undefined` when it cannot be read as one manifest (broken YAML,
 * over a limit, an alias bomb, empty). Every problem goes to `problems`, whose lines must be
 * `lineStarts(text)`.
 */
export function readFullYaml(text: string, problems: FileProblems): Located | undefined {
  return new FullReader(text, problems).read()
}

class FullReader {
  private aliasUses = 0
  private aliasValues = 0
  private aborted = false
  private aliasTargets = new Map<Alias, YamlNode | undefined>()
  /** Custom-tag problems by line, so walk() can add the path of the value each tag is on. */
  private tagProblems = new Map<number, Problem[]>()
  /** Anchored nodes being expanded right now: an alias to one of them is a cycle. */
  private expanding = new Set<YamlNode>()
  /** The alias in the source whose expansion is being walked: where an alias bomb is reported. */
  private outermostAlias: number | undefined

  constructor(
    private readonly text: string,
    private readonly problems: FileProblems,
  ) {}

  /** Limits, the `yaml` library's Document, and our walk of it (aliases, tags, keys). */
  read(): Located | undefined {
    if (!this.scanTokens()) return undefined

    const doc = parseDocument(this.text, YAML_OPTIONS)

    for (const warning of doc.warnings) {
      if (warning.code !== 'TAG_RESOLVE_FAILED') continue
      const at = this.problems.lineCol(warning.pos[0])
      const tag = warning.message.replace(/^Unresolved tag: /, '').replace(/^tag:yaml\.org,2002:/, '!!')
      const problem = this.problems.add(
        at,
        'Custom tag',
        `the tag ${excerpt(tag)} is not allowed: a manifest holds plain YAML values only (text, numbers, true/false, null, lists, mappings); remove the tag`,
      )
      if (problem === undefined) continue
      const onLine = this.tagProblems.get(at.line) ?? []
      onLine.push(problem)
      this.tagProblems.set(at.line, onLine)
    }
    if (doc.errors.length > 0) {
      this.reportSyntaxErrors(doc)
      return undefined
    }

    const contents = doc.contents as YamlNode | null
    if (contents === null || (isScalar(contents) && contents.value === null)) {
      this.problems.add(
        { line: 1, col: 1 },
        'Empty manifest',
        `${this.problems.file} is empty: write \`version: 1\` and a \`generations:\` list`,
      )
      return undefined
    }

    this.indexAliases(doc)
    const root = this.walk(contents, [], 0, false)
    return this.aborted ? undefined : root
  }

  /**
   * Rejects input nested deeper than MAX_NESTING, or holding more than MAX_VALUES values, before
   * the composer sees it. Works on the lexer's flat token stream (no recursion) and stops at the
   * first token over a limit. Depth = open flow brackets, plus block levels estimated from the
   * indentation stack and the indicators (`-`, `?`, `:`) on the current line; the estimate can
   * over-count a little, and real manifests stay far below the limit either way.
   */
  private scanTokens(): boolean {
    let values = 0
    let line = 1
    let col = 1
    let flow = 0
    let atLineStart = true
    let indicators = 0
    const indents: number[] = []
    let skipScalarSource = false
    let deepest = 0
    for (const token of new Lexer().lex(this.text)) {
      const type: string | null = skipScalarSource ? 'scalar-source' : CST.tokenType(token)
      skipScalarSource = type === 'scalar' && token === CST.SCALAR
      const startLine = line
      const startCol = col
      const wasLineStart: boolean = atLineStart
      // Markers the lexer inserts (document mode, "a scalar follows", flow error) take no room in the source.
      const marker = type === 'doc-mode' || type === 'flow-error-end' || skipScalarSource
      if (!marker) {
        const lastNewline = token.lastIndexOf('\n')
        if (lastNewline >= 0) {
          for (const char of token) if (char === '\n') line++
          col = token.length - lastNewline
          indicators = 0
        } else {
          col += token.length
        }
      }
      if (type === 'newline' || (type === 'space' && token.includes('\n'))) {
        atLineStart = true
        continue
      }
      if (type === 'space' || type === 'comment' || type === 'doc-mode' || type === 'flow-error-end') continue
      if (wasLineStart && flow === 0) {
        while (indents.length > 0 && indents[indents.length - 1]! > startCol) indents.pop()
        if (indents[indents.length - 1] !== startCol) indents.push(startCol)
      }
      atLineStart = token.endsWith('\n') // a block scalar's source ends with its last line

      if (type !== null && VALUE_TOKENS.has(type) && ++values > MAX_VALUES) {
        this.problems.add(
          { line: startLine, col: startCol },
          'Too many values',
          `the manifest holds more than ${MAX_VALUES} values; split it into several files`,
        )
        return false
      }
      // In flow context the brackets are the nesting; `:` and `?` there open nothing.
      if (flow === 0 && (type === 'seq-item-ind' || type === 'explicit-key-ind' || type === 'map-value-ind')) indicators++
      if (type === 'flow-map-start' || type === 'flow-seq-start') flow++
      if (type === 'flow-map-end' || type === 'flow-seq-end') flow = Math.max(0, flow - 1)
      if (type === 'doc-start' || type === 'doc-end') indents.length = 0
      deepest = Math.max(deepest, flow + indents.length + indicators)
      if (deepest > MAX_NESTING) {
        this.problems.add(
          { line: startLine, col: startCol },
          'Nested too deeply',
          `the manifest nests lists and mappings more than ${MAX_NESTING} levels deep; a manifest needs about 6`,
        )
        return false
      }
    }
    return true
  }

  private reportSyntaxErrors(doc: Document.Parsed): void {
    // An error at the end of the text (an unclosed quote or bracket) is placed on its last written
    // character: GitHub shows no annotation past the last line.
    const lastWritten = Math.max(0, this.text.trimEnd().length - 1)
    // An unclosed quote or bracket is placed where it opened; what the library says at the same place is its echo.
    const echoed = new Set<number>()
    doc.errors.slice(0, MAX_SYNTAX_PROBLEMS).forEach((error) => {
      if (echoed.has(error.pos[0])) return
      const placed = placeSyntaxError(this.text, error)
      if (placed !== undefined && /quote/.test(placed.message)) echoed.add(error.pos[0])
      const at = this.problems.lineCol(placed?.offset ?? Math.min(error.pos[0], lastWritten))
      const message =
        error.code === 'MULTIPLE_DOCS'
          ? 'a manifest is one YAML document: remove the second `---` document or move it to its own file'
          : (placed?.message ?? `invalid YAML: ${libraryMessage(error.message)}`)
      this.problems.add(at, 'YAML syntax error', message)
    })
    const rest = doc.errors.length - MAX_SYNTAX_PROBLEMS
    const next = doc.errors[MAX_SYNTAX_PROBLEMS]
    if (rest > 0 && next) {
      this.problems.add(
        this.problems.lineCol(next.pos[0]),
        'YAML syntax error',
        `${rest} more YAML errors from here on; fix the ones above first`,
      )
    }
  }

  /** Each alias's anchored node, as YAML defines it: the last anchor of that name before the alias. */
  private indexAliases(doc: Document.Parsed): void {
    const anchors = new Map<string, YamlNode>()
    visit(doc, {
      Node: (_key, node) => {
        if (isAlias(node)) this.aliasTargets.set(node, anchors.get(node.source))
        else if (node.anchor) anchors.set(node.anchor, node)
      },
    })
  }

  private walk(node: unknown, path: Segment[], depth: number, viaAlias: boolean): Located | undefined {
    if (this.aborted) return undefined
    const yamlNode = node as YamlNode
    const at = yamlNode.range?.[0] ?? 0
    if (depth > MAX_NESTING)
      return this.abort(at, 'Nested too deeply', `values nest more than ${MAX_NESTING} levels deep (through aliases)`)
    if (viaAlias && ++this.aliasValues > MAX_ALIAS_VALUES) return this.aliasBomb()

    if (isAlias(node)) {
      if (!viaAlias) this.outermostAlias = at
      if (++this.aliasUses > MAX_ALIAS_USES) return this.aliasBomb()
      const target = this.aliasTargets.get(node)
      if (target === undefined) {
        this.problems.add(
          at,
          'Unknown anchor',
          `the alias *${excerpt(node.source)} has no anchor: define &${excerpt(node.source)} before using it`,
          path,
        )
        return undefined
      }
      if (this.expanding.has(target)) {
        return this.abort(
          at,
          'Alias cycle',
          `the alias *${excerpt(node.source)} is used inside the value it names; an alias cannot contain itself`,
        )
      }
      this.expanding.add(target)
      const value = this.walk(target, path, depth + 1, true)
      this.expanding.delete(target)
      // The value was written at the alias as far as this place in the manifest is concerned.
      return value && { ...value, at }
    }

    const tainted = yamlNode.tag !== undefined && !CORE_TAGS.has(yamlNode.tag)
    if (tainted) {
      const reported = this.tagProblems.get(this.problems.lineCol(at).line)?.find((problem) => problem.path === undefined)
      if (reported && path.length > 0) reported.path = formatPath(path)
      else if (!reported)
        this.problems.add(
          at,
          'Custom tag',
          `the tag ${excerpt(yamlNode.tag ?? '')} is not allowed: a manifest holds plain YAML values only`,
          path,
        )
    }

    if (isScalar(node)) {
      const value = node.value
      if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        return { kind: 'scalar', at, value, tainted }
      }
      // Not reachable with the core schema; kept so a change of parse options cannot let objects in.
      this.problems.add(at, 'Custom tag', 'this value is not plain YAML (text, number, true/false or null)', path)
      return { kind: 'scalar', at, value: null, tainted: true }
    }

    if (isSeq(node)) {
      const items: Located[] = []
      node.items.forEach((item, index) => {
        const value = this.walk(item, [...path, index], depth + 1, viaAlias)
        if (value) items.push(value)
      })
      return { kind: 'seq', at, items, tainted }
    }

    if (isMap(node)) {
      const entries = new Map<string, { keyAt: number; node: Located }>()
      for (const pair of node.items) {
        const keyNode = pair.key as YamlNode | null
        const keyAt = keyNode?.range?.[0] ?? yamlNode.range?.[0] ?? 0
        if (!isScalar(keyNode)) {
          this.problems.add(
            keyAt,
            'Invalid key',
            `a key in ${formatPath(path) || 'the manifest'} is a list, a mapping or an alias; keys must be plain names`,
            path,
          )
          continue
        }
        const key = keyNode.value === null ? '' : String(keyNode.value)
        if (key === '<<' && keyNode.type === 'PLAIN') {
          this.problems.add(
            keyAt,
            'Merge key',
            'merge keys (<<) are not supported in a manifest: put shared fields under `defaults:`, or use an alias (*name) for one value',
            [...path, key],
          )
          continue
        }
        const first = entries.get(key)
        if (first !== undefined) {
          this.problems.add(
            keyAt,
            'Duplicate key',
            `duplicate key ${quoted(key)} in ${formatPath(path) || 'the manifest'} (first at line ${this.problems.lineCol(first.keyAt).line}): each key may appear once`,
            [...path, key],
          )
          continue
        }
        const valueNode = pair.value as YamlNode | null
        const value =
          valueNode === null
            ? ({ kind: 'scalar', at: keyNode.range?.[1] ?? 0, value: null } as const)
            : this.walk(valueNode, [...path, key], depth + 1, viaAlias)
        if (value) entries.set(key, { keyAt, node: value })
      }
      return { kind: 'map', at, entries, tainted }
    }

    this.problems.add(at, 'Invalid value', 'this YAML construct is not supported in a manifest', path)
    return undefined
  }

  private abort(at: LineCol | number, title: string, message: string): undefined {
    this.problems.add(at, title, message)
    this.aborted = true
    return undefined
  }

  private aliasBomb(): undefined {
    return this.abort(
      this.outermostAlias ?? { line: 1, col: 1 },
      'Too many aliases',
      `aliases (*name) expand too much: a manifest may use at most ${MAX_ALIAS_USES} aliases producing at most ${MAX_ALIAS_VALUES} values; this file looks like an alias bomb ("billion laughs")`,
    )
  }
}
