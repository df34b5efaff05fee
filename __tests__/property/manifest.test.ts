/**
 * Property-based tests of the manifest loader (src/manifest/parse.ts):
 *
 * 1. Any text at all comes back as either a manifest or located problems (file, line >= 1,
 *    col >= 1, inside the text), never as another exception.
 * 2. A valid manifest keeps its meaning however it is written: manifests are generated as data,
 *    rendered with random YAML styles (flow/block collections, plain/quoted/block scalars, key
 *    order, comments, indentation, folding, number formats, null/true spellings, directives), and
 *    every rendering must give the same generations and request bodies, those the data says.
 */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { Document, isCollection, isMap, isScalar, parse, visit } from 'yaml'
import type { Node as YamlNode, ToStringOptions } from 'yaml'
import { parseManifest } from '../../src/manifest/parse.js'
import type { Problem } from '../../src/problem.js'

const FILE = '.layer/generations.yml'
const IMAGE = '3c90c3cc-0d44-4b50-8888-8dd25736052a'
const VIDEO = '0f9e8d7c-6b5a-4f3e-9d2c-1b0a9f8e7d6c'
const WORKSPACE = '6f1c2d9e-8b1a-4c53-9f0e-2a7d4b8c1e55'

/** Where every problem must point: the given file, a line of the text and a column of that line (or just past it). */
function expectLocated(text: string, problems: Problem[]): void {
  const lines = text.split('\n')
  for (const problem of problems) {
    expect(problem.file).toBe(FILE)
    expect(Number.isInteger(problem.line) && problem.line >= 1 && problem.line <= lines.length).toBe(true)
    const lineText = lines[problem.line - 1] ?? ''
    expect(Number.isInteger(problem.col) && problem.col >= 1 && problem.col <= lineText.length + 1).toBe(true)
    expect(problem.title.length).toBeGreaterThan(0)
    expect(problem.message.length).toBeGreaterThan(0)
    // A message is a sentence for a person, never a dump of an exception.
    expect(problem.message).not.toMatch(/\n\s+at |TypeError|RangeError|undefined is not|Cannot read prop/)
  }
}

/** The whole contract of parseManifest on any input. */
function expectManifestOrProblems(text: string): void {
  let result: ReturnType<typeof parseManifest>
  try {
    result = parseManifest(FILE, text)
  } catch (error) {
    throw new Error(`parseManifest threw on ${JSON.stringify(text.slice(0, 300))}: ${String(error)}`, { cause: error })
  }
  if (result.manifest) {
    expect(result.problems).toEqual([])
    expect(result.manifest.generations.length).toBeGreaterThan(0)
  } else {
    expect(result.problems.length).toBeGreaterThan(0)
  }
  expectLocated(text, result.problems)
}

// ---------------------------------------------------------------------------------------------
// Text that is hostile to YAML, to Markdown and to line counting.

const HOSTILE_CHARS = [
  ':',
  '#',
  '-',
  '?',
  '&',
  '*',
  '!',
  '|',
  '>',
  "'",
  '"',
  '%',
  '@',
  '`',
  '{',
  '}',
  '[',
  ']',
  ',',
  '\\',
  '<',
  '=',
  ' ',
  '  ',
  '\t',
  '\n',
  '\r',
  '\r\n',
  '\u0085',
  '\u2028',
  '\u2029',
  '\u00a0',
  '\ufeff',
  '\u0000',
  '\u0007',
  '\u001b',
  '\u200b',
  '\u202e',
  'é',
  'ß',
  '漢',
  '🎨',
  '👩‍🎨',
  'yes',
  'no',
  'null',
  '~',
  'true',
  '0x1F',
  '1e3',
  '.inf',
  '.nan',
  '<<',
]
const hostileText = (maxLength: number) =>
  fc.string({
    unit: fc.oneof(
      { weight: 3, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
      fc.constantFrom(...HOSTILE_CHARS),
    ),
    maxLength,
  })

/** YAML fragments, so random text often gets past the lexer and into the deeper checks. */
const YAML_TOKENS = [
  'version: 1\n',
  'version: 2\n',
  'generations:\n',
  '  - ',
  '- ',
  '    ',
  'name: ',
  'model_id: ',
  `${IMAGE}`,
  'art',
  'models:\n',
  '  art: ',
  'defaults:\n',
  'workspace_id: ',
  WORKSPACE,
  'width: ',
  'runs: ',
  'batch_size: ',
  'prompt: ',
  'quality: high',
  '1024',
  '0',
  '-1',
  '17',
  '1e400',
  '.nan',
  'null',
  '~',
  'true',
  'yes',
  '"x"',
  "'y'",
  '&a ',
  '*a',
  '*b',
  '!!binary ',
  '!custom ',
  '!!str ',
  '{',
  '}',
  '[',
  ']',
  ', ',
  ': ',
  '\n',
  '\t',
  '? ',
  '<<: *a\n',
  '|\n',
  '>-\n',
  '---\n',
  '...\n',
  '%YAML 1.1\n',
  '%TAG ! tag:x,2000:\n',
  '# comment\n',
  '\ufeff',
  '\r\n',
  'widht: ',
  'video_effects: [{type: zoom, weight: 5}]',
  'group: g',
]
const yamlSoup = fc
  .array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...YAML_TOKENS) }, hostileText(6)), { maxLength: 60 })
  .map((parts) => parts.join(''))

const VALID_TEXT = `# yaml-language-server: $schema=../schema/manifest.schema.json
version: 1
workspace_id: ${WORKSPACE}
models:
  art: ${IMAGE}
  clip: ${VIDEO}
defaults:
  batch_size: 2
  quality: medium
generations:
  - name: knight
    model_id: art
    prompt: "A knight in silver armour"
    width: 1024
    height: 1024
    runs: 3
    group: characters
  - name: castle
    model_id: clip
    duration_seconds: 8
    fps: 25
    generate_audio: true
    video_effects:
      - type: zoom
        weight: 20
  - {name: tiles, model_id: ${IMAGE}, prompt: 'tiles', width: 512, height: 512}
`

/** A valid manifest with random edits: cuts, insertions of fragments, duplicated and swapped lines. */
const mutatedManifest = fc
  .array(
    fc.record({
      kind: fc.constantFrom('delete', 'insert', 'duplicate-line', 'swap-lines', 'replace'),
      at: fc.nat(),
      length: fc.integer({ min: 1, max: 12 }),
      text: fc.oneof(fc.constantFrom(...YAML_TOKENS), hostileText(4)),
    }),
    { minLength: 1, maxLength: 6 },
  )
  .map((edits) => {
    let text = VALID_TEXT
    for (const edit of edits) {
      const at = edit.at % (text.length + 1)
      if (edit.kind === 'delete') text = text.slice(0, at) + text.slice(at + edit.length)
      else if (edit.kind === 'insert') text = text.slice(0, at) + edit.text + text.slice(at)
      else if (edit.kind === 'replace') text = text.slice(0, at) + edit.text + text.slice(at + edit.length)
      else {
        const lines = text.split('\n')
        const i = edit.at % lines.length
        const j = (edit.at + edit.length) % lines.length
        if (edit.kind === 'duplicate-line') lines.splice(i, 0, lines[i] ?? '')
        else [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? '']
        text = lines.join('\n')
      }
    }
    return text
  })

describe('parseManifest on any text', () => {
  it('returns a manifest or located problems for arbitrary strings, never throws', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), hostileText(200)), expectManifestOrProblems), {
      numRuns: 300,
    })
  })

  it('returns a manifest or located problems for YAML-shaped soup', () => {
    fc.assert(fc.property(yamlSoup, expectManifestOrProblems), { numRuns: 300 })
  })

  it('returns a manifest or located problems for randomly edited valid manifests', () => {
    fc.assert(fc.property(mutatedManifest, expectManifestOrProblems), { numRuns: 300 })
  })

  // Found by the properties above: after a broken multi-line token, yaml's LineCounter (fed only
  // by the parser's newline tokens) missed lines, so later problems pointed at the wrong line,
  // past the end of it. Kept as plain examples so the defect stays named.
  it.each([
    ['a line with a carriage return', '- version: 1\nart\r\nversion: 1\n'],
    ['a multi-line scalar at the top level', '"x"%YAML 1.1\nquality: highversion: 1\n'],
    [
      'a key-value pair moved under a comment',
      '# c\n  batch_size: 2\nworkspace_id: x\nmodels:\n  art: y\ndefaults:\nversion: 1\n  quality: medium\n',
    ],
  ])('points every problem inside the text (%s)', (_what, text) => {
    const { problems } = parseManifest(FILE, text)
    expect(problems.length).toBeGreaterThan(0)
    expectLocated(text, problems)
  })

  it('accepts the unedited manifest the mutations start from (so the mutations test the edits)', () => {
    const { manifest, problems } = parseManifest(FILE, VALID_TEXT)
    expect(problems).toEqual([])
    expect(manifest?.generations.map((g) => g.name)).toEqual(['knight', 'castle', 'tiles'])
  })
})

// ---------------------------------------------------------------------------------------------
// Valid manifests as data.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/** A model reference of a generation: a UUID (any case), an alias, or none (the default's). */
type ModelRef = { uuid: string } | { alias: number } | { fromDefaults: true }

interface GenerationSpec {
  name: string
  model: ModelRef
  runs?: number
  group?: string
  description?: string
  fields: Record<string, Json>
}

interface ManifestSpec {
  workspaceId?: string
  aliases: { name: string; uuid: string }[]
  defaults: Record<string, Json>
  defaultModel?: ModelRef
  generations: GenerationSpec[]
}

const uuid = fc
  .tuple(fc.constantFrom(IMAGE, VIDEO, '5d1e7c2a-3b4f-4a6e-9c8d-7e6f5a4b3c2d', 'a1b2c3d4-e5f6-0718-293a-4b5c6d7e8f90'), fc.boolean())
  .map(([id, upper]) => (upper ? id.toUpperCase() : id))

/** Names and groups: one line, at least one non-space character (the schema's rule). */
const oneLine = (maxLength: number) =>
  hostileText(maxLength)
    .map((text) => text.replace(/[\r\n]/g, ''))
    .filter((text) => /\S/.test(text) && text.length <= maxLength)

const aliasName = fc
  .oneof(
    fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,20}$/),
    // Names that YAML would read as something else when written plain.
    fc.constantFrom('true', 'null', 'yes', 'No', '1', '0x10', '1e3', '0o7', '12.5', 'inf', '.inf', 'NaN', 'on', 'y', '0', '-1'),
  )
  .filter((name) => /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(name))

const finite = fc.double({ noNaN: true, noDefaultInfinity: true })
const unit = fc.double({ min: 0, max: 1, noNaN: true })
const positive = fc.double({ min: 1e-6, max: 1e6, noNaN: true })
const orNull = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 6 })
const positiveInt = fc.integer({ min: 1, max: 100_000 })

/** The estimate request fields with values the seed page allows. */
const requestFields: Record<string, fc.Arbitrary<Json>> = {
  prompt: orNull(hostileText(120)),
  width: orNull(positiveInt),
  height: orNull(positiveInt),
  batch_size: fc.integer({ min: 1, max: 16 }),
  num_inference_steps: orNull(positiveInt),
  guidance_scale: orNull(finite),
  prompt_strength: orNull(unit),
  quality: orNull(fc.constantFrom('low', 'medium', 'high')),
  duration_seconds: orNull(positive),
  generate_audio: orNull(fc.boolean()),
  fps: orNull(positiveInt),
  video_effects: fc.array(
    fc.record(
      { type: hostileText(20).filter((t) => t.length > 0), weight: fc.double({ min: 0, max: 100, noNaN: true }) },
      { requiredKeys: ['type'] },
    ),
    { maxLength: 3 },
  ),
  face_limit: orNull(positiveInt),
  stability: orNull(unit),
  speed: orNull(positive),
  upscale_ratio: orNull(finite),
  remove_background: orNull(fc.boolean()),
}
const fieldsRecord = fc.record(requestFields, { requiredKeys: [] }) as fc.Arbitrary<Record<string, Json>>

const manifestSpec: fc.Arbitrary<ManifestSpec> = fc
  .record({
    workspaceId: fc.option(fc.constantFrom(WORKSPACE, WORKSPACE.toUpperCase()), { nil: undefined }),
    aliases: fc.uniqueArray(fc.record({ name: aliasName, uuid }), { selector: (a) => a.name, maxLength: 3 }),
    defaults: fieldsRecord,
    defaultModel: fc.option(
      fc.oneof(
        uuid.map((id): ModelRef => ({ uuid: id })),
        fc.nat(2).map((i): ModelRef => ({ alias: i })),
      ),
      { nil: undefined },
    ),
    names: fc.uniqueArray(oneLine(60), { minLength: 1, maxLength: 5 }),
    generations: fc.array(
      fc.record(
        {
          model: fc.oneof(
            uuid.map((id): ModelRef => ({ uuid: id })),
            fc.nat(2).map((i): ModelRef => ({ alias: i })),
            fc.constant<ModelRef>({ fromDefaults: true }),
          ),
          runs: fc.integer({ min: 1, max: 1_000_000 }),
          group: oneLine(30),
          description: hostileText(60),
          fields: fieldsRecord,
        },
        { requiredKeys: ['model', 'fields'] },
      ),
      { minLength: 5, maxLength: 5 },
    ),
  })
  .map(({ names, generations, ...rest }) => {
    const spec: ManifestSpec = { ...rest, generations: names.map((name, i) => ({ name, ...generations[i]! })) }
    // Every reference must resolve: an alias index points into the aliases, a generation without
    // its own model needs a default one.
    const fix = (model: ModelRef): ModelRef =>
      'alias' in model && spec.aliases.length === 0
        ? { uuid: IMAGE }
        : 'alias' in model
          ? { alias: model.alias % spec.aliases.length }
          : model
    if (spec.defaultModel) spec.defaultModel = fix(spec.defaultModel)
    for (const g of spec.generations) {
      g.model = fix(g.model)
      if ('fromDefaults' in g.model && !spec.defaultModel) g.model = { uuid: VIDEO }
    }
    return spec
  })

/** The manifest as the plain value YAML should hold, keys in the given order per mapping. */
function toDocumentValue(spec: ManifestSpec): Record<string, Json> {
  const modelValue = (model: ModelRef): string | undefined =>
    'uuid' in model ? model.uuid : 'alias' in model ? spec.aliases[model.alias]!.name : undefined
  const value: Record<string, Json> = { version: 1 }
  if (spec.workspaceId) value.workspace_id = spec.workspaceId
  if (spec.aliases.length > 0) value.models = Object.fromEntries(spec.aliases.map((a) => [a.name, a.uuid]))
  const defaults: Record<string, Json> = { ...spec.defaults }
  if (spec.defaultModel) defaults.model_id = modelValue(spec.defaultModel)!
  if (Object.keys(defaults).length > 0) value.defaults = defaults
  value.generations = spec.generations.map((g) => {
    const item: Record<string, Json> = { name: g.name }
    const model = modelValue(g.model)
    if (model !== undefined) item.model_id = model
    if (g.runs !== undefined) item.runs = g.runs
    if (g.group !== undefined) item.group = g.group
    if (g.description !== undefined) item.description = g.description
    Object.assign(item, g.fields)
    return item
  })
  return value
}

/** What the loader must make of the spec: SPEC section 1's merge of defaults and alias resolution. */
function expectedGenerations(spec: ManifestSpec) {
  const resolve = (model: ModelRef): { id: string; label: string } => {
    if ('uuid' in model) return { id: model.uuid.toLowerCase(), label: model.uuid }
    if ('alias' in model) {
      const alias = spec.aliases[model.alias]!
      return { id: alias.uuid.toLowerCase(), label: alias.name }
    }
    return resolve(spec.defaultModel!)
  }
  return spec.generations.map((g) => {
    const model = resolve(g.model)
    return {
      name: g.name,
      modelId: model.id,
      modelLabel: model.label,
      runs: g.runs ?? 1,
      group: g.group,
      description: g.description,
      body: { ...spec.defaults, ...g.fields, model_id: model.id },
    }
  })
}

// ---------------------------------------------------------------------------------------------
// Rendering the data as YAML in random styles.

/** A small seeded generator, so one fast-check integer drives every style decision of a rendering. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function pick<T>(next: () => number, options: readonly T[]): T {
  return options[Math.floor(next() * options.length)]!
}

function shuffled<T>(next: () => number, items: readonly T[]): T[] {
  const copy = [...items]
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1))
    ;[copy[i], copy[j]] = [copy[j]!, copy[i]!]
  }
  return copy
}

/** Same keys and values, keys in a random order at every depth. */
function reorder(value: Json, next: () => number): Json {
  if (Array.isArray(value)) return value.map((item) => reorder(item, next))
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, Json> = {}
  for (const key of shuffled(next, Object.keys(value))) out[key] = reorder(value[key]!, next)
  return out
}

const SCALAR_STYLES = ['PLAIN', 'QUOTE_SINGLE', 'QUOTE_DOUBLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED'] as const
const KEY_STYLES = ['PLAIN', 'QUOTE_SINGLE', 'QUOTE_DOUBLE'] as const
const COMMENTS = [' a comment', ' name: not-a-key', ' - not an item', ' "quoted" # twice', '', ' @user #123 <b>', ' 🎨 ünïcödé']

/** The value as YAML text; every style choice comes from `seed`. */
function render(value: Record<string, Json>, seed: number): string {
  const next = random(seed)
  const doc = new Document(reorder(value, next), { version: '1.2' })
  visit(doc, {
    Pair: (_key, pair) => {
      if (isScalar(pair.key)) pair.key.type = pick(next, KEY_STYLES)
      if (next() < 0.15 && isScalar(pair.key)) pair.key.commentBefore = pick(next, COMMENTS)
    },
    Node: (key, node: YamlNode) => {
      if (key === 'key') return // keys were styled as keys above
      if (isCollection(node)) {
        node.flow = next() < 0.3
        if (next() < 0.1 && !node.flow) node.commentBefore = pick(next, COMMENTS)
      }
      if (isScalar(node)) {
        if (typeof node.value === 'string') node.type = pick(next, SCALAR_STYLES)
        if (typeof node.value === 'number') {
          const n = node.value
          const formats = Number.isSafeInteger(n) && n > 0 ? ['', 'HEX', 'OCT', 'EXP'] : ['', 'EXP']
          const format = pick(next, formats)
          if (format) node.format = format
          if (!Number.isInteger(n) && next() < 0.3) node.minFractionDigits = 1 + Math.floor(next() * 4)
        }
        if (next() < 0.1) node.comment = pick(next, COMMENTS)
      }
    },
  })
  if (isMap(doc.contents) && next() < 0.5) doc.contents.commentBefore = ' yaml-language-server: $schema=../schema/manifest.schema.json'
  const directives = next() < 0.3
  if (directives && next() < 0.5) doc.directives!.yaml.explicit = true
  const options: ToStringOptions = {
    indent: 1 + Math.floor(next() * 8),
    indentSeq: next() < 0.5,
    lineWidth: next() < 0.4 ? 0 : 20 + Math.floor(next() * 100),
    minContentWidth: Math.floor(next() * 20),
    flowCollectionPadding: next() < 0.5,
    directives: directives ? true : null,
    doubleQuotedAsJSON: next() < 0.3,
    nullStr: pick(next, ['null', '~', 'Null', 'NULL']),
    trueStr: pick(next, ['true', 'True', 'TRUE']),
    falseStr: pick(next, ['false', 'False', 'FALSE']),
  }
  return doc.toString(options)
}

/** The loader's generations reduced to their meaning (positions depend on the layout). */
function meaning(text: string) {
  const { manifest, problems } = parseManifest(FILE, text)
  if (!manifest) throw new Error(`a valid manifest was refused:\n${text}\n${JSON.stringify(problems, null, 2)}`)
  return {
    workspaceId: manifest.workspaceId,
    generations: manifest.generations.map((g) => ({
      name: g.name,
      modelId: g.modelId,
      modelLabel: g.modelLabel,
      runs: g.runs,
      group: g.group,
      description: g.description,
      body: g.body,
    })),
  }
}

/** Plain JSON (undefined members dropped, -0 as 0): a request body is sent as JSON, so this is its meaning. */
function asJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown
}

/**
 * Whether the YAML library itself reads the rendering back as the value. Its stringifier has a few
 * corner cases (a whitespace-only line opening a folded block scalar, a block scalar of spaces)
 * where the text it writes means something else; those renderings say nothing about the loader.
 */
function faithful(text: string, value: unknown): boolean {
  try {
    return JSON.stringify(sortKeys(asJson(parse(text, { version: '1.2' })))) === JSON.stringify(sortKeys(asJson(value)))
  } catch {
    return false
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value === null || typeof value !== 'object') return value
  const record = value as Record<string, unknown>
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((key) => [key, sortKeys(record[key])]),
  )
}

describe('parseManifest keeps a valid manifest`s meaning however it is written', () => {
  it('reads the same generations and bodies from every YAML style', () => {
    let renderings = 0
    let unfaithful = 0
    fc.assert(
      fc.property(manifestSpec, fc.array(fc.integer(), { minLength: 3, maxLength: 3 }), (spec, seeds) => {
        const expected = asJson({ workspaceId: spec.workspaceId?.toLowerCase(), generations: expectedGenerations(spec) })
        const value = toDocumentValue(spec)
        for (const seed of seeds) {
          const text = render(value, seed)
          renderings++
          if (!faithful(text, value)) {
            unfaithful++
            continue
          }
          expect(asJson(meaning(text))).toEqual(expected)
        }
      }),
      { numRuns: 120 },
    )
    // The property must have been exercised: nearly every rendering is faithful YAML.
    expect(unfaithful / renderings).toBeLessThan(0.2)
  })

  it('renders in the styles it claims to (so the property above covers them)', () => {
    const value = toDocumentValue({
      aliases: [{ name: 'art', uuid: IMAGE }],
      defaults: { batch_size: 2 },
      generations: [
        { name: 'a: b', model: { alias: 0 }, fields: { prompt: 'two\nlines', width: 1024, video_effects: [{ type: 'zoom' }] } },
      ],
    })
    const texts = Array.from({ length: 200 }, (_, seed) => render(value, seed)).filter((text) => faithful(text, value))
    expect(texts.length).toBeGreaterThan(150)
    expect(texts.some((t) => /generations"?'?:\s*\[/.test(t))).toBe(true) // flow sequence
    expect(texts.some((t) => /-\s+("|')?name/.test(t))).toBe(true) // block sequence
    expect(texts.some((t) => t.includes('0x400'))).toBe(true) // hex width
    expect(texts.some((t) => t.includes('1.024e+3'))).toBe(true) // exponent width
    expect(texts.some((t) => /prompt"?'?: [|>]/.test(t))).toBe(true) // block scalar
    expect(texts.some((t) => t.startsWith('%YAML 1.2'))).toBe(true)
    expect(texts.some((t) => /^\s*#/m.test(t))).toBe(true) // comments
    for (const text of texts) {
      expect(meaning(text).generations[0]?.body).toEqual({
        model_id: IMAGE,
        batch_size: 2,
        prompt: 'two\nlines',
        width: 1024,
        video_effects: [{ type: 'zoom' }],
      })
    }
  })
})
