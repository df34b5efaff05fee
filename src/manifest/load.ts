/**
 * Manifest text -> validated generations, with file, line and column for every value (pure: no
 * I/O), plus `loadManifests`, which reads the files (manifest/files.ts) and parses them all.
 *
 * The YAML is untrusted (it may come from a fork's pull request). In order:
 *  1. size cap, then a scan of the lexer's token stream for nesting depth and number of values
 *     (the `yaml` composer recurses, and a stack overflow inside it can take the whole process
 *     down on the next deep document, so deep input never reaches it; and it needs seconds per
 *     million values, so a hostile file of tiny values is refused before it is composed);
 *  2. `parseDocument` with the core schema only, no merge keys, no known-but-not-core tags;
 *  3. our own walk of the node tree into plain values with positions, expanding aliases under a
 *     budget (alias uses and expanded values) instead of calling `toJS()`;
 *  4. the zod schema (manifest/schema.ts), each issue mapped back to the offending key or value;
 *  5. checks across fields: duplicate names, model aliases, a model_id for every generation.
 * Every problem found is reported at once; later steps are skipped only when an earlier one makes
 * their findings meaningless (broken YAML, an alias bomb, a different manifest version).
 *
 * Before all that, a fast path (manifest/block.ts) reads plain block YAML straight from the lexer
 * into plain data, and when the schema and the checks across fields find nothing wrong, the
 * manifest is built from it directly (`fromPlainBlock`). It never reports a problem: any construct
 * it does not read and any doubt at all send the file down the steps above, from the start. That
 * keeps a 10,000-generation manifest to a fraction of the time and memory of the full path.
 */
import { CST, Lexer, LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, visit } from 'yaml'
import type { Alias, Document, Node as YamlNode } from 'yaml'
import type { z } from 'zod'
import { ManifestError } from '../errors.js'
import type { EstimateRequest, Generation, Manifest } from '../types.js'
import type { Position, Problem } from '../problem.js'
import { YAML_OPTIONS, readPlainBlock, type PlainBlock, type PlainMap, type PlainValue } from './block.js'
import { describeByteLimit, readManifestFile, resolveManifestFiles, type ManifestSource } from './files.js'
import {
  AliasNameSchema,
  MANIFEST_ONLY_KEYS,
  MAX_MANIFEST_BYTES,
  ManifestSchema,
  expectations,
  expectedAt,
  isUuid,
  keysAt,
} from './schema.js'
import { suggestName } from './suggest.js'

/** Deeper than any real manifest (about 6 levels) and far below where the YAML composer breaks. */
export const MAX_NESTING = 40
/** How many times `*alias` may be used in one file. */
export const MAX_ALIAS_USES = 500
/** How many values alias expansion may produce in one file, all uses together ("billion laughs" stop). */
export const MAX_ALIAS_VALUES = 20_000
/**
 * Values (scalars, lists, mappings, aliases) one file may hold. A big real manifest has a few tens
 * of thousands; the YAML composer needs seconds per million, so this keeps a hostile 5 MiB file of
 * `[1,1,1,…]` from holding the run for a quarter of a minute.
 */
export const MAX_VALUES = 200_000
/**
 * Generations one run may price, all manifests together. The benchmark holds 10,000 within 1.5 s
 * and 120 MB; 100,000 would take about 370 MB and 6 s, and a plan that big is a mistake or an attack.
 */
export const MAX_GENERATIONS = 10_000
/** From this many generations on, zod's compiled parsers validate the fast path's data. */
const JIT_FROM_GENERATIONS = 500
/** YAML syntax errors shown per file: past this, the rest are one line. */
const MAX_SYNTAX_PROBLEMS = 20
/** Problems kept per file; the rest are counted in one last problem (GitHub shows 10 annotations a step anyway). */
export const MAX_PROBLEMS_PER_FILE = 200

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

/** The outcome of parsing one manifest: the manifest when there is no problem. */
export interface ParseResult {
  manifest?: Manifest
  problems: Problem[]
}

type Segment = string | number
type Place = { line: number; col: number }
type Plain = PlainValue

/**
 * A YAML value turned into plain data, remembering where it was written: `at` and `keyAt` are
 * offsets in the text, turned into a line and column (`place`) only when a message needs one.
 */
type Located =
  | { kind: 'scalar'; at: number; value: string | number | boolean | null; tainted?: boolean }
  | { kind: 'map'; at: number; entries: Map<string, { keyAt: number; node: Located }>; tainted?: boolean }
  | { kind: 'seq'; at: number; items: Located[]; tainted?: boolean }

/** Tags that only name what the core schema already resolves (`!!str 12`, `!!map`, the non-specific `!`). */
const CORE_TAGS = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((name) => `tag:yaml.org,2002:${name}`).concat('!'),
)

const TOP_KEYS_TEXT = 'version, workspace_id, models, defaults, generations'

/** `generations[2].width`, `models["my model"]`. */
export function formatPath(path: readonly Segment[]): string {
  let text = ''
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) text += text === '' ? segment : `.${segment}`
    else text += `[${JSON.stringify(segment)}]`
  }
  return text
}

/** A value as a message shows it: short, quoted when it is text. */
function showValue(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (value === null) return 'null (an empty value)'
  if (typeof value === 'string') {
    return value.length > 60 ? `a string of ${[...value].length} characters` : JSON.stringify(value)
  }
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return '.nan'
    if (!Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf'
    return String(value)
  }
  if (typeof value === 'boolean') return String(value)
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? '' : 's'}`
  return 'a mapping'
}

/** A hint for YAML's classic surprises: quoted numbers, and yes/no (text since YAML 1.2). */
function hintFor(expected: string, value: unknown): string {
  if (typeof value !== 'string') return ''
  if (/^(an integer|a number)/.test(expected) && value.trim() !== '' && !Number.isNaN(Number(value))) {
    return ' (a quoted number is text: remove the quotes)'
  }
  if (expected.startsWith('true or false') && /^(y|yes|n|no|on|off|true|false)$/i.test(value)) {
    return ' (write true or false, unquoted)'
  }
  return ''
}

class Parser {
  readonly problems: Problem[] = []
  /** Line starts of the text, filled by whichever path reads it. */
  private lines = new LineCounter()
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
    private readonly file: string,
    private readonly text: string,
    private readonly fastPath: boolean,
  ) {}

  /** Problems found past MAX_PROBLEMS_PER_FILE. */
  hidden = 0

  /** Records a problem at `at`: a Place, or an offset in the text. */
  private add(at: Place | number, title: string, message: string, path?: readonly Segment[]): void {
    if (this.problems.length >= MAX_PROBLEMS_PER_FILE) {
      this.hidden++
      return
    }
    const { line, col } = typeof at === 'number' ? this.place(at) : at
    const problem: Problem = { file: this.file, line, col, title, message }
    if (path !== undefined && path.length > 0) problem.path = formatPath(path)
    this.problems.push(problem)
  }

  private place(offset: number): Place {
    const { line, col } = this.lines.linePos(offset)
    return { line, col }
  }

  private position(offset: number): Position {
    const { line, col } = this.lines.linePos(offset)
    return { file: this.file, line, col }
  }

  parse(): Manifest | undefined {
    const bytes = Buffer.byteLength(this.text, 'utf8')
    if (bytes > MAX_MANIFEST_BYTES) {
      this.add(
        { line: 1, col: 1 },
        'Manifest too large',
        `${this.file} is ${bytes} bytes; a manifest may be at most ${describeByteLimit(MAX_MANIFEST_BYTES)}: split it into several files`,
      )
      return undefined
    }
    // A valid manifest in plain block YAML (nearly every real one) is read straight from the lexer's
    // tokens into plain data; anything else, and every file with a problem, takes the full path
    // below, which finds and places every problem.
    if (this.fastPath) {
      const block = readPlainBlock(this.text, { maxValues: MAX_VALUES, maxNesting: MAX_NESTING }, this.lines)
      if (block) {
        const { root, places } = block
        if (Array.isArray(root.generations) && root.generations.length > MAX_GENERATIONS) {
          const at = places.get(root)?.valueAts[Object.keys(root).indexOf('generations')] ?? 0
          this.tooManyGenerations(at, root.generations.length)
          return undefined
        }
        const manifest = this.fromPlainBlock(block)
        if (manifest) return manifest
      }
      this.lines = new LineCounter()
    }

    const root = this.readDocument()
    if (root === undefined) return undefined
    if (root.kind !== 'map') {
      this.add(
        root.at,
        'Invalid manifest',
        `the manifest must be a mapping with \`version: 1\` and \`generations:\`, got ${showValue(toPlain(root))}`,
      )
      return undefined
    }
    if (!this.checkVersion(root)) return undefined
    const listed = root.entries.get('generations')
    if (listed?.node.kind === 'seq' && listed.node.items.length > MAX_GENERATIONS) {
      this.tooManyGenerations(listed.keyAt, listed.node.items.length)
      return undefined
    }

    const result = ManifestSchema.safeParse(toPlain(root))
    if (!result.success) this.reportIssues(root, result.error.issues)
    const aliases = this.checkModels(root)
    return this.checkGenerations(root, aliases)
  }

  /**
   * The fast path's data as a manifest when it is valid, built exactly as checkGenerations builds
   * it; `undefined` at the first doubt (the full path then reports every problem). Adds no problem.
   */
  private fromPlainBlock({ root, places }: PlainBlock): Manifest | undefined {
    // zod compiles a parser for each object schema on first use: worth it for a long list of
    // generations, slower than its plain checks for a short one. Same verdict either way.
    const count = Array.isArray(root.generations) ? root.generations.length : 0
    if (!ManifestSchema.safeParse(root, { jitless: count < JIT_FROM_GENERATIONS }).success) return undefined
    // From here the schema vouches for every type and range.
    const valueAt = (map: PlainMap, key: string): number => {
      const index = Object.keys(map).indexOf(key)
      const at = places.get(map)?.valueAts[index]
      if (at === undefined) throw new Error(`no place recorded for ${key}`) // a bug in block.ts
      return at
    }
    const aliases = new Map<string, string>()
    for (const [name, uuid] of Object.entries((root.models ?? {}) as PlainMap)) aliases.set(name, String(uuid).toLowerCase())
    const resolveModel = (value: PlainValue | undefined): string | undefined => {
      if (typeof value !== 'string') return undefined
      return isUuid(value) ? value.toLowerCase() : aliases.get(value)
    }

    const defaults = (root.defaults ?? {}) as PlainMap
    const defaultKeys = Object.keys(defaults)
    const defaultModel = defaults.model_id
    // An unknown alias in defaults is a problem even when every generation has its own model_id.
    if (defaultModel !== undefined && resolveModel(defaultModel) === undefined) return undefined
    // A value from defaults is written once and sits in every generation: one Position for all of them.
    const defaultPositions = defaultKeys.map((key) => this.position(valueAt(defaults, key)))

    const names = new Set<string>()
    const generations: Generation[] = []
    for (const item of root.generations as PlainMap[]) {
      const name = item.name as string
      if (names.has(name)) return undefined
      names.add(name)
      const itemKeys = Object.keys(item)
      const itemPlaces = places.get(item)
      if (itemPlaces === undefined) return undefined
      const ownModelIndex = itemKeys.indexOf('model_id')
      const modelValue = ownModelIndex >= 0 ? item.model_id : defaultModel
      const modelId = resolveModel(modelValue)
      if (modelId === undefined) return undefined

      const body: EstimateRequest = { model_id: modelId }
      const fieldPositions: Record<string, Position> = {
        model_id:
          ownModelIndex >= 0
            ? this.position(itemPlaces.valueAts[ownModelIndex]!)
            : defaultPositions[defaultKeys.indexOf('model_id')]!,
      }
      defaultKeys.forEach((key, index) => {
        if (key === 'model_id') return
        // Each generation gets its own copy: a consumer changing one body cannot change another.
        body[key] = copyPlain(defaults[key]!)
        fieldPositions[key] = defaultPositions[index]!
      })
      itemKeys.forEach((key, index) => {
        if (key === 'model_id' || MANIFEST_ONLY_KEYS.includes(key)) return
        body[key] = item[key]
        fieldPositions[key] = this.position(itemPlaces.valueAts[index]!)
      })

      const { line, col } = this.place(itemPlaces.at)
      const generation: Generation = {
        name,
        file: this.file,
        line,
        col,
        modelId,
        modelLabel: String(modelValue),
        runs: typeof item.runs === 'number' ? item.runs : 1,
        body,
        fieldPositions,
      }
      if (typeof item.group === 'string') generation.group = item.group
      if (typeof item.description === 'string') generation.description = item.description
      generations.push(generation)
    }

    const manifest: Manifest = { file: this.file, version: 1, generations }
    if (typeof root.workspace_id === 'string') {
      manifest.workspaceId = root.workspace_id.toLowerCase()
      manifest.workspaceIdPosition = this.position(valueAt(root, 'workspace_id'))
    }
    return manifest
  }

  private tooManyGenerations(at: number, count: number): void {
    this.add(
      at,
      'Too many generations',
      `generations lists ${count.toLocaleString('en-US')} generations; one run prices at most ${MAX_GENERATIONS.toLocaleString('en-US')}: split them across several jobs, each with its own \`manifest\` input`,
      ['generations'],
    )
  }

  /** The full path: limits, the `yaml` library's Document, and our walk of it (aliases, tags, keys). */
  private readDocument(): Located | undefined {
    if (!this.scanTokens()) return undefined

    // Lines are where the text's own '\n' characters put them (the parser's line counter also
    // breaks at a lone '\r', which editors and GitHub's diff do not), so every place is in the text.
    this.lines = new LineCounter()
    this.lines.addNewLine(0)
    for (let i = this.text.indexOf('\n'); i >= 0; i = this.text.indexOf('\n', i + 1)) this.lines.addNewLine(i + 1)
    const doc = parseDocument(this.text, YAML_OPTIONS)

    for (const warning of doc.warnings) {
      if (warning.code !== 'TAG_RESOLVE_FAILED') continue
      const at = this.place(warning.pos[0])
      const tag = warning.message.replace(/^Unresolved tag: /, '').replace(/^tag:yaml\.org,2002:/, '!!')
      this.add(
        at,
        'Custom tag',
        `the tag ${tag} is not allowed: a manifest holds plain YAML values only (text, numbers, true/false, null, lists, mappings); remove the tag`,
      )
      const onLine = this.tagProblems.get(at.line) ?? []
      onLine.push(this.problems[this.problems.length - 1]!)
      this.tagProblems.set(at.line, onLine)
    }
    if (doc.errors.length > 0) {
      this.reportSyntaxErrors(doc)
      return undefined
    }

    const contents = doc.contents as YamlNode | null
    if (contents === null || (isScalar(contents) && contents.value === null)) {
      this.add(
        { line: 1, col: 1 },
        'Empty manifest',
        `${this.file} is empty: write \`version: 1\` and a \`generations:\` list`,
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
        this.add(
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
        this.add(
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
    doc.errors.slice(0, MAX_SYNTAX_PROBLEMS).forEach((error) => {
      const at = this.place(Math.min(error.pos[0], lastWritten))
      const message =
        error.code === 'MULTIPLE_DOCS'
          ? 'a manifest is one YAML document: remove the second `---` document or move it to its own file'
          : `invalid YAML: ${error.message.replace(/\s*at line \d+, column \d+[\s\S]*$/, '')}`
      this.add(at, 'YAML syntax error', message)
    })
    const rest = doc.errors.length - MAX_SYNTAX_PROBLEMS
    const next = doc.errors[MAX_SYNTAX_PROBLEMS]
    if (rest > 0 && next) {
      this.add(this.place(next.pos[0]), 'YAML syntax error', `${rest} more YAML errors from here on; fix the ones above first`)
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
    if (depth > MAX_NESTING) return this.abort(at, 'Nested too deeply', `values nest more than ${MAX_NESTING} levels deep (through aliases)`)
    if (viaAlias && ++this.aliasValues > MAX_ALIAS_VALUES) return this.aliasBomb()

    if (isAlias(node)) {
      if (!viaAlias) this.outermostAlias = at
      if (++this.aliasUses > MAX_ALIAS_USES) return this.aliasBomb()
      const target = this.aliasTargets.get(node)
      if (target === undefined) {
        this.add(at, 'Unknown anchor', `the alias *${node.source} has no anchor: define &${node.source} before using it`, path)
        return undefined
      }
      if (this.expanding.has(target)) {
        return this.abort(at, 'Alias cycle', `the alias *${node.source} is used inside the value it names; an alias cannot contain itself`)
      }
      this.expanding.add(target)
      const value = this.walk(target, path, depth + 1, true)
      this.expanding.delete(target)
      // The value was written at the alias as far as this place in the manifest is concerned.
      return value && { ...value, at }
    }

    const tainted = yamlNode.tag !== undefined && !CORE_TAGS.has(yamlNode.tag)
    if (tainted) {
      const reported = this.tagProblems.get(this.place(at).line)?.find((problem) => problem.path === undefined)
      if (reported && path.length > 0) reported.path = formatPath(path)
      else if (!reported) this.add(at, 'Custom tag', `the tag ${yamlNode.tag} is not allowed: a manifest holds plain YAML values only`, path)
    }

    if (isScalar(node)) {
      const value = node.value
      if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        return { kind: 'scalar', at, value, tainted }
      }
      // Not reachable with the core schema; kept so a change of parse options cannot let objects in.
      this.add(at, 'Custom tag', 'this value is not plain YAML (text, number, true/false or null)', path)
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
          this.add(keyAt, 'Invalid key', `a key in ${formatPath(path) || 'the manifest'} is a list, a mapping or an alias; keys must be plain names`, path)
          continue
        }
        const key = keyNode.value === null ? '' : String(keyNode.value)
        if (key === '<<' && keyNode.type === 'PLAIN') {
          this.add(
            keyAt,
            'Merge key',
            'merge keys (<<) are not supported in a manifest: put shared fields under `defaults:`, or use an alias (*name) for one value',
            [...path, key],
          )
          continue
        }
        const first = entries.get(key)
        if (first !== undefined) {
          this.add(
            keyAt,
            'Duplicate key',
            `duplicate key "${key}" in ${formatPath(path) || 'the manifest'} (first at line ${this.place(first.keyAt).line}): each key may appear once`,
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

    this.add(at, 'Invalid value', 'this YAML construct is not supported in a manifest', path)
    return undefined
  }

  private abort(at: Place | number, title: string, message: string): undefined {
    this.add(at, title, message)
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

  private checkVersion(root: Extract<Located, { kind: 'map' }>): boolean {
    const version = root.entries.get('version')?.node
    if (version?.kind === 'scalar' && typeof version.value === 'number' && version.value !== 1) {
      this.add(
        version.at,
        'Unsupported version',
        `version ${version.value} is not supported: this action reads version 1`,
        ['version'],
      )
      return false
    }
    return true
  }

  private reportIssues(root: Located, issues: readonly z.core.$ZodIssue[]): void {
    const seen = new Set<string>()
    for (const issue of issues) {
      if (this.problems.length >= MAX_PROBLEMS_PER_FILE) {
        this.hidden += 1 // counted, not formatted: a hostile file can have a problem per value
        continue
      }
      const path = issue.path.filter((segment): segment is Segment => typeof segment !== 'symbol')
      const trail = nodesAlong(root, path)
      if (trail.some((node) => node.tainted)) continue // the tag itself is the problem

      if (issue.code === 'unrecognized_keys') {
        const parent = trail[trail.length - 1]
        for (const key of issue.keys) {
          const entry = parent?.kind === 'map' ? parent.entries.get(key) : undefined
          if (entry) this.reportUnknownKey(path, key, entry.keyAt)
        }
        continue
      }

      const id = formatPath(path)
      if (seen.has(id)) continue // one problem per value is enough
      seen.add(id)

      if (issue.code === 'invalid_key') {
        const parent = nodesAlong(root, path.slice(0, -1)).pop()
        const key = String(path[path.length - 1])
        const entry = parent?.kind === 'map' ? parent.entries.get(key) : undefined
        this.add(
          entry?.keyAt ?? parent?.at ?? root.at,
          'Invalid alias',
          `model alias "${key}" is not allowed: use ${expectations.get(AliasNameSchema)?.expected ?? 'a plain name'}`,
          path,
        )
        continue
      }

      const node = trail.length === path.length + 1 ? trail[trail.length - 1] : undefined
      if (node === undefined) {
        const parent = trail[trail.length - 1] ?? root
        this.reportMissing(path, parent.at)
        continue
      }
      const value = toPlain(node)
      if (id === 'generations' && Array.isArray(value) && value.length === 0) {
        this.add(node.at, 'Invalid value', 'generations is empty: list at least one generation', path)
        continue
      }
      if (id === 'version') {
        this.add(node.at, 'Invalid value', `version must be 1, got ${showValue(value)}`, path)
        continue
      }
      const expected = expectedAt(path) ?? 'a valid value'
      this.add(node.at, 'Invalid value', `${id} must be ${expected}, got ${showValue(value)}${hintFor(expected, value)}`, path)
    }
  }

  private reportUnknownKey(parentPath: readonly Segment[], key: string, at: number): void {
    const path = [...parentPath, key]
    const allowed = keysAt(parentPath)
    if (parentPath.length === 1 && parentPath[0] === 'defaults' && MANIFEST_ONLY_KEYS.includes(key)) {
      this.add(at, 'Unknown key', `"${key}" cannot be set under defaults: set it on each generation`, path)
      return
    }
    const suggestion = suggestName(key, allowed)
    let advice: string
    if (suggestion !== undefined) advice = `did you mean "${suggestion}"?`
    else if (parentPath.length === 0) advice = `the top level takes ${TOP_KEYS_TEXT}`
    else if (allowed.length <= 8) advice = `allowed here: ${allowed.join(', ')}`
    else if (parentPath[0] === 'defaults') advice = "defaults take the fields of Layer's estimate request (see the manifest JSON Schema)"
    else advice = `a generation takes ${MANIFEST_ONLY_KEYS.join(', ')} and the fields of Layer's estimate request (see the manifest JSON Schema)`
    const where = parentPath.length === 0 ? 'at the top level' : `in ${formatPath(parentPath)}`
    this.add(at, 'Unknown key', `unknown key "${key}" ${where}: ${advice}`, path)
  }

  private reportMissing(path: readonly Segment[], at: number): void {
    const key = String(path[path.length - 1])
    const parent = formatPath(path.slice(0, -1))
    let message: string
    if (path.length === 1 && key === 'version') message = 'missing version: start the manifest with `version: 1`'
    else if (path.length === 1 && key === 'generations') message = 'missing generations: list the planned generations under `generations:`'
    else if (key === 'name') message = `${parent} has no name: give every generation a name, unique in this file`
    else message = `${parent || 'the manifest'} has no ${key}: it is required here`
    this.add(at, 'Missing field', message, path)
  }

  /** The aliases of `models` whose name and UUID are both valid (problems are reported by the schema). */
  private checkModels(root: Extract<Located, { kind: 'map' }>): Map<string, string> {
    const aliases = new Map<string, string>()
    const models = root.entries.get('models')?.node
    if (models?.kind !== 'map') return aliases
    for (const [name, { node }] of models.entries) {
      if (node.kind === 'scalar' && typeof node.value === 'string' && isUuid(node.value)) aliases.set(name, node.value.toLowerCase())
      else aliases.set(name, '') // known name, invalid UUID: already reported, don't call it unknown too
    }
    return aliases
  }

  private checkGenerations(root: Extract<Located, { kind: 'map' }>, aliases: Map<string, string>): Manifest | undefined {
    const defaults = root.entries.get('defaults')?.node
    const defaultEntries = defaults?.kind === 'map' ? defaults.entries : new Map<string, { keyAt: number; node: Located }>()
    const defaultModel = defaultEntries.get('model_id')?.node
    const list = root.entries.get('generations')?.node
    const items = list?.kind === 'seq' ? list.items : []

    const reportUnknownModel = (node: Located, path: Segment[]): void => {
      const label = String(toPlain(node))
      const known = [...aliases.keys()]
      const suggestion = suggestName(label, known)
      const advice =
        known.length === 0
          ? `add it under \`models:\` (${label}: <model UUID>) or use the model's UUID`
          : `${suggestion ? `did you mean "${suggestion}"? ` : ''}known aliases: ${known.slice(0, 10).join(', ')}${known.length > 10 ? ', …' : ''}; add it under \`models:\` or use the model's UUID`
      this.add(node.at, 'Unknown model alias', `"${label}" in ${formatPath(path)} is neither a model UUID nor an alias from models: ${advice}`, path)
    }
    const resolveModel = (node: Located | undefined): string | undefined => {
      if (node?.kind !== 'scalar' || typeof node.value !== 'string' || node.tainted) return undefined
      if (isUuid(node.value)) return node.value.toLowerCase()
      return aliases.get(node.value) || undefined // '' marks an alias whose UUID is invalid
    }
    if (defaultModel && resolveModel(defaultModel) === undefined && isUnknownAlias(defaultModel, aliases)) {
      reportUnknownModel(defaultModel, ['defaults', 'model_id'])
    }

    // A value from defaults is written once and sits in every generation: one Position for all of them.
    const defaultPositions = new Map<Located, Position | undefined>()
    for (const { node } of defaultEntries.values()) defaultPositions.set(node, undefined)
    const positionOf = (node: Located): Position => {
      let position = defaultPositions.get(node)
      if (position === undefined) {
        position = this.position(node.at)
        if (defaultPositions.has(node)) defaultPositions.set(node, position)
      }
      return position
    }
    const names = new Map<string, number>()
    const generations: Generation[] = []
    items.forEach((item, index) => {
      if (item.kind !== 'map') return // the schema reported it
      const path: Segment[] = ['generations', index]
      const nameNode = item.entries.get('name')?.node
      const name = nameNode?.kind === 'scalar' && typeof nameNode.value === 'string' && !nameNode.tainted ? nameNode.value : undefined
      if (nameNode && name !== undefined && name.trim() !== '') {
        const first = names.get(name)
        if (first !== undefined) {
          this.add(
            nameNode.at,
            'Duplicate name',
            `duplicate generation name "${name}" (first at line ${this.place(first).line}): names must be unique in a file`,
            [...path, 'name'],
          )
        } else {
          names.set(name, nameNode.at)
        }
      }

      const ownModel = item.entries.get('model_id')?.node
      const modelNode = ownModel ?? defaultModel
      if (modelNode === undefined) {
        this.add(item.at, 'Missing field', `${formatPath(path)} has no model_id: set model_id on it or under \`defaults:\``, [...path, 'model_id'])
        return
      }
      const modelId = resolveModel(modelNode)
      if (modelId === undefined) {
        // An unknown alias in defaults was reported once above; other shapes are the schema's.
        if (ownModel && isUnknownAlias(ownModel, aliases)) reportUnknownModel(ownModel, [...path, 'model_id'])
        return
      }
      if (this.problems.length > 0 || name === undefined) return // nothing will be returned: skip building

      const body: EstimateRequest = { model_id: modelId }
      const fieldPositions: Record<string, Position> = { model_id: positionOf(modelNode) }
      const setField = (key: string, node: Located): void => {
        body[key] = toPlain(node)
        fieldPositions[key] = positionOf(node)
      }
      for (const [key, { node }] of defaultEntries) if (key !== 'model_id') setField(key, node)
      for (const [key, { node }] of item.entries) {
        if (key !== 'model_id' && !MANIFEST_ONLY_KEYS.includes(key)) setField(key, node)
      }

      const itemPlace = this.place(item.at)
      const generation: Generation = {
        name,
        file: this.file,
        line: itemPlace.line,
        col: itemPlace.col,
        modelId,
        modelLabel: String(toPlain(modelNode)),
        runs: scalarOf(item, 'runs', 'number') ?? 1,
        body,
        fieldPositions,
      }
      const group = scalarOf(item, 'group', 'string')
      if (group !== undefined) generation.group = group
      const description = scalarOf(item, 'description', 'string')
      if (description !== undefined) generation.description = description
      generations.push(generation)
    })

    if (this.problems.length > 0) return undefined
    const manifest: Manifest = { file: this.file, version: 1, generations }
    const workspace = root.entries.get('workspace_id')?.node
    if (workspace?.kind === 'scalar' && typeof workspace.value === 'string') {
      manifest.workspaceId = workspace.value.toLowerCase()
      manifest.workspaceIdPosition = this.position(workspace.at)
    }
    return manifest
  }
}

/** A non-UUID string that is not a known alias (other shapes are the schema's to report). */
function isUnknownAlias(node: Located, aliases: Map<string, string>): boolean {
  return (
    node.kind === 'scalar' &&
    !node.tainted &&
    typeof node.value === 'string' &&
    node.value !== '' &&
    !isUuid(node.value) &&
    !aliases.has(node.value)
  )
}

function scalarOf<T extends 'string' | 'number'>(
  map: Extract<Located, { kind: 'map' }>,
  key: string,
  type: T,
): (T extends 'string' ? string : number) | undefined {
  const node = map.entries.get(key)?.node
  if (node?.kind === 'scalar' && typeof node.value === type) return node.value as T extends 'string' ? string : number
  return undefined
}

/** The nodes from the root down `path` (shorter than path + 1 when the path leaves the tree). */
function nodesAlong(root: Located, path: readonly Segment[]): Located[] {
  const trail = [root]
  let current: Located = root
  for (const segment of path) {
    let next: Located | undefined
    if (current.kind === 'map' && typeof segment === 'string') next = current.entries.get(segment)?.node
    else if (current.kind === 'seq' && typeof segment === 'number') next = current.items[segment]
    if (next === undefined) break
    trail.push(next)
    current = next
  }
  return trail
}

/** A fresh copy of plain data (the fast path's values hold no `__proto__` key). */
function copyPlain(value: Plain): Plain {
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map(copyPlain)
  const copy: PlainMap = {}
  for (const key of Object.keys(value)) copy[key] = copyPlain(value[key]!)
  return copy
}

/** Plain data for zod and for request bodies. Keys are defined, not assigned, so `__proto__` stays a key. */
function toPlain(node: Located): Plain {
  if (node.kind === 'scalar') return node.value
  if (node.kind === 'seq') return node.items.map(toPlain)
  const object: { [key: string]: Plain } = {}
  for (const [key, { node: value }] of node.entries) {
    Object.defineProperty(object, key, { value: toPlain(value), enumerable: true, writable: true, configurable: true })
  }
  return object
}

/**
 * Parses and validates one manifest. `file` is the workspace-relative path put in every Problem.
 * Pure: the text comes in, the manifest (when valid) and every problem found come out.
 */
export function parseManifest(file: string, text: string): ParseResult {
  return parseWith(file, text, true)
}

/** `parseManifest` through the full YAML path only; for tests that hold the fast path to it. */
export function parseManifestFully(file: string, text: string): ParseResult {
  return parseWith(file, text, false)
}

function parseWith(file: string, text: string, fastPath: boolean): ParseResult {
  const parser = new Parser(file, text, fastPath)
  const manifest = parser.parse()
  const problems = sortProblems(parser.problems)
  if (parser.hidden > 0) {
    problems.push({
      file,
      line: 1,
      col: 1,
      title: 'More problems',
      message: `${parser.hidden} more problem${parser.hidden === 1 ? '' : 's'} in ${file} not shown: fix the ${MAX_PROBLEMS_PER_FILE} above and run again`,
    })
  }
  return problems.length === 0 && manifest ? { manifest, problems } : { problems }
}

function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort((a, b) =>
    a.file === b.file ? a.line - b.line || a.col - b.col : a.file < b.file ? -1 : 1,
  )
}

/** One line for many problems: "3 problems in .layer/a.yml", "4 problems in 2 manifests (.layer/a.yml, .layer/b.yml)". */
export function summarizeProblems(problems: readonly Problem[]): string {
  const count = `${problems.length} problem${problems.length === 1 ? '' : 's'}`
  const files = [...new Set(problems.map((problem) => problem.file))].sort()
  if (files.length === 0) return `${count}`
  if (files.length === 1) return `${count} in ${files[0]}`
  const shown = files.slice(0, 5).join(', ') + (files.length > 5 ? `, … (${files.length - 5} more)` : '')
  return `${count} in ${files.length} manifests (${shown})`
}

/**
 * Finds, reads and validates every manifest named by `patterns` (relative to `workspace`).
 * Throws `ManifestError` carrying every problem of every file when any is invalid.
 */
export async function loadManifests(
  workspace: string,
  patterns: readonly string[],
  source: ManifestSource = {},
): Promise<Manifest[]> {
  const files = await resolveManifestFiles(workspace, patterns, source)
  const manifests: Manifest[] = []
  const problems: Problem[] = []
  for (const file of files) {
    let text: string
    try {
      text = await readManifestFile(workspace, file)
    } catch (error) {
      // A located problem (too large, not UTF-8) joins the others; anything else stops here.
      if (error instanceof ManifestError && error.problems.length > 0) {
        problems.push(...error.problems)
        continue
      }
      throw error
    }
    const result = parseManifest(file, text)
    problems.push(...result.problems)
    if (result.manifest) manifests.push(result.manifest)
    checkGenerationTotal(manifests)
  }
  if (problems.length > 0) {
    const sorted = sortProblems(problems)
    throw new ManifestError(summarizeProblems(sorted), sorted)
  }
  return manifests
}

/**
 * Throws when `manifests` together list more than MAX_GENERATIONS generations. Called after each
 * file is read, so a run over the limit stops at the file that crosses it.
 */
export function checkGenerationTotal(manifests: readonly Manifest[]): void {
  let total = 0
  for (const manifest of manifests) total += manifest.generations.length
  if (total <= MAX_GENERATIONS) return
  const files = manifests.map((manifest) => manifest.file)
  const shown = files.slice(0, 5).join(', ') + (files.length > 5 ? `, … (${files.length - 5} more)` : '')
  throw new ManifestError(
    `the manifests list ${total.toLocaleString('en-US')} generations (${shown}); one run prices at most ${MAX_GENERATIONS.toLocaleString('en-US')}: split them across several jobs, each with its own \`manifest\` input`,
  )
}
