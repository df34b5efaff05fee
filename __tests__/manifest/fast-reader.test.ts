/**
 * The fast path (src/manifest/fast-reader.ts, then the schema and the builder) against the full
 * path: wherever the fast path gives a manifest, it must be exactly what the full YAML path gives
 * (generations, bodies, every position); on any problem it must step aside, so the full path words
 * every problem; and it must never step aside from a valid manifest the fast reader read.
 */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { LineCounter, parse, stringify } from 'yaml'
import { readPlainYaml, valueBound } from '../../src/manifest/fast-reader.js'
import { MAX_NESTING, MAX_VALUES } from '../../src/manifest/limits.js'
import { parseFast, parseManifest, parseManifestFully } from '../../src/manifest/parse.js'

const FILE = '.layer/generations.yml'
const IMAGE = '3c90c3cc-0d44-4b50-8888-8dd25736052a'
const VIDEO = '0f9e8d7c-6b5a-4f3e-9d2c-1b0a9f8e7d6c'
const WORKSPACE = '6f1c2d9e-8b1a-4c53-9f0e-2a7d4b8c1e55'
const LIMITS = { maxValues: MAX_VALUES, maxNesting: MAX_NESTING }

const fast = (text: string) => readPlainYaml(text, LIMITS, new LineCounter())

/** The fast path gave the manifest (it did not step aside), and the full path gives exactly the same. */
function expectSameAsFullPath(text: string): void {
  const result = parseFast(FILE, text)
  expect(result?.manifest).toBeDefined()
  expect(result).toEqual(parseManifestFully(FILE, text))
}

/** The fast reader read the text, the fast path stepped aside, and the full path found problems. */
function expectFullPathProblems(text: string): void {
  expect(fast(text)).toBeDefined()
  expect(parseFast(FILE, text)).toBeUndefined()
  const full = parseManifestFully(FILE, text)
  expect(full.manifest).toBeUndefined()
  expect(full.problems.length).toBeGreaterThan(0)
  expect(parseManifest(FILE, text)).toEqual(full)
}

function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`
}

describe('the fast path reads plain block YAML exactly as the full path does', () => {
  const fixture = readFileSync(fileURLToPath(new URL('../fixtures/manifests/valid.yml', import.meta.url)), 'utf8')

  it('steps aside for the valid fixture (it has flow lists and a folded scalar)', () => {
    expect(fast(fixture)).toBeUndefined()
    expect(parseManifest(FILE, fixture).manifest?.generations.length).toBeGreaterThan(5)
  })

  it('reads the valid fixture rewritten as plain block YAML', () => {
    // The same manifest in block style only, single-line scalars: what the fast reader reads.
    const block = stringify(parse(fixture), { lineWidth: 0, collectionStyle: 'block' })
    expectSameAsFullPath(block)
    expect(parseFast(FILE, block)?.manifest?.generations.map((g) => g.name)).toEqual(
      parseManifest(FILE, fixture).manifest?.generations.map((g) => g.name),
    )
  })

  it.each<[string, string]>([
    [
      'aliases, defaults, nested lists, comments anywhere, every scalar spelling',
      yaml(
        '# planned generations',
        'version: 1',
        `workspace_id: ${WORKSPACE.toUpperCase()}`,
        'models:',
        `  art: ${IMAGE}   # trailing comment`,
        `  "clip": '${VIDEO}'`,
        'defaults:',
        '      # a comment more indented than the keys',
        '  model_id: art',
        '  batch_size: 0x2',
        '  quality: ~',
        '',
        'generations:',
        '  - name: knight',
        '    prompt: "A knight: \\"silver\\" armour # not a comment"',
        '    width: +1024',
        '    height: 1024',
        '    guidance_scale: 7.50',
        '    prompt_strength: .5',
        '    runs: 3',
        '    group: characters',
        "    description: 'it''s the hero'",
        '  -   name: castle',
        '      model_id: clip',
        '      duration_seconds: 8.',
        '      generate_audio: True',
        '      video_effects:',
        '        - type: ZOOM IN',
        '          weight: 20',
        '        - type: "ORBIT"',
        '# a comment at the left edge, inside the list',
        '  - name: tiles',
        `    model_id: ${IMAGE.toUpperCase()}`,
        '    quality: null',
      ),
    ],
    [
      'lists at the same indentation as their key',
      yaml(
        'version: 1',
        'generations:',
        '- name: a',
        `  model_id: ${IMAGE}`,
        '  video_effects:',
        '  - type: A',
        '    weight: 1',
        '- name: b',
        `  model_id: ${VIDEO}`,
        'models:',
        `  x: ${IMAGE}`,
      ),
    ],
    [
      'CRLF line ends, a byte-order mark, no final line end',
      `\uFEFFversion: 1\r\ngenerations:\r\n  - name: a # first\r\n    model_id: ${IMAGE}`,
    ],
    ['one-space indentation', yaml('version: 1', 'generations:', ' - name: a', `   model_id: ${IMAGE}`, '   width: 512')],
  ])('%s', (_what, text) => expectSameAsFullPath(text))

  // Problems found by the schema and by the checks across fields all come from the full path.
  it.each<[string, string]>([
    [
      'a problem the schema finds',
      yaml('version: 1', 'generations:', '  - name: a', `    model_id: ${IMAGE}`, '    widht: 3', '    batch_size: 99'),
    ],
    [
      'an unknown alias and a duplicate name',
      yaml('version: 1', 'defaults:', '  model_id: nope', 'generations:', '  - name: a', '  - name: a', `    model_id: ${IMAGE}`),
    ],
    [
      'a duplicate name alone',
      yaml('version: 1', 'generations:', '  - name: a', `    model_id: ${IMAGE}`, '  - name: a', `    model_id: ${IMAGE}`),
    ],
    ['a generation without a model', yaml('version: 1', 'generations:', '  - name: a', '    prompt: x')],
    ['another version', yaml('version: 2', 'generations:', '  - name: a')],
  ])('steps aside from %s', (_what, text) => expectFullPathProblems(text))

  it('gives each generation its own copy of a list from defaults', () => {
    const text = yaml(
      'version: 1',
      'defaults:',
      `  model_id: ${IMAGE}`,
      '  video_effects:',
      '    - type: A',
      'generations:',
      '  - name: a',
      '  - name: b',
    )
    expectSameAsFullPath(text)
    const [a, b] = parseManifest(FILE, text).manifest?.generations ?? []
    expect(a?.body.video_effects).toEqual([{ type: 'A' }])
    expect(a?.body.video_effects).not.toBe(b?.body.video_effects)
  })

  it.each<[string, string]>([
    ['a flow list', yaml('version: 1', 'generations: [a]')],
    ['an empty flow list with a space inside', yaml('version: 1', 'generations: [ ]')],
    ['an empty flow list as a list item', yaml('version: 1', 'x:', '  - []')],
    ['an empty flow list as a key', yaml('version: 1', '[]: 1')],
    ['an empty flow list followed by a scalar', yaml('version: 1', 'x: [] y')],
    ['an unclosed flow list', yaml('version: 1', 'x: [')],
    ['an empty flow mapping', yaml('version: 1', 'x: {}')],
    ['an anchor and an alias', yaml('version: 1', 'x: &a 1', 'y: *a')],
    ['a tag', yaml('version: 1', 'x: !!str 1')],
    ['a block scalar', yaml('version: 1', 'x: |', '  text')],
    ['a multi-line plain scalar', yaml('version: 1', 'x: one', '  two')],
    ['an empty value', yaml('version: 1', 'x:', 'y: 1')],
    ['a duplicate key', yaml('version: 1', 'x: 1', 'x: 2')],
    ['a merge key', yaml('version: 1', '<<: 1')],
    ['a __proto__ key', yaml('version: 1', '__proto__: 1')],
    ['a key that is an array index', yaml('version: 1', '7: 1')],
    ['a tab', yaml('version: 1', 'x:\t1')],
    ['a document marker', yaml('---', 'version: 1')],
    ['a directive', yaml('%YAML 1.2', '---', 'version: 1')],
    ['a second document', yaml('version: 1', '---', 'version: 1')],
    ['a list at the top', yaml('- version: 1')],
    ['an indented top level', yaml('  version: 1')],
    ['a key more indented than its siblings', yaml('version: 1', 'a: 1', ' b: 2')],
    ['a list less indented than its key', yaml('version: 1', 'generations:', '  - name: a', '    video_effects:', '   - type: x')],
    ['a list less indented than a top-level key', yaml('version: 1', 'defaults:', '  video_effects:', ' - type: x')],
    ['a nested mapping on the key line', yaml('version: 1', 'a: b: c')],
    ['a comment without a space before it', yaml('version: 1', 'a: "x"#c')],
    ['a key longer than 1024 characters', yaml('version: 1', `${'k'.repeat(1100)}: 1`)],
    ['an escape that is not valid', yaml('version: 1', 'a: "\\q"')],
    ['a plain scalar starting with a reserved character', yaml('version: 1', 'a: @x')],
    ['an empty document', '# nothing\n'],
  ])('the reader steps aside for %s', (_what, text) => {
    expect(fast(text)).toBeUndefined()
  })

  it('reads `[]` as a mapping value exactly as the full path: an empty manifest, an empty field list', () => {
    expectSameAsFullPath(yaml('version: 1', 'generations: []'))
    expectSameAsFullPath(yaml('# nothing planned yet', 'version: 1', `workspace_id: ${WORKSPACE}`, 'generations: []  # all removed'))
    expectSameAsFullPath(
      yaml('version: 1', 'generations:', '  - name: a', `    model_id: ${VIDEO}`, '    video_effects: []', '    fps: 25'),
    )
    expect(parseFast(FILE, yaml('version: 1', 'generations: []'))?.manifest?.generations).toEqual([])
    // An empty list where the schema wants a mapping: the fast path steps aside, the full path words it.
    expectFullPathProblems(yaml('version: 1', 'models: []', 'generations: []'))
  })

  it('bounds the values of a file from its characters, leaving one that may be over the cap to the full path', () => {
    // 1 + 2 + 2 (models, art and its UUID: one key line counts two) ... and `- name: a` counts 3.
    const text = yaml(
      '# c',
      'version: 1',
      'models:',
      `  art: ${IMAGE}`,
      '',
      'generations:',
      '  - name: a # x',
      '    model_id: art',
      '  - b',
    )
    expect(valueBound(text)).toBe(2 + 2 + 2 + 2 + 3 + 2 + 3)
    expect(readPlainYaml(text, { maxValues: 16, maxNesting: MAX_NESTING }, new LineCounter())).toBeDefined()
    expect(readPlainYaml(text, { maxValues: 15, maxNesting: MAX_NESTING }, new LineCounter())).toBeUndefined()
  })

  it('steps aside before the full path would find too many values or too deep a nesting', () => {
    const deep = ['version: 1']
    for (let depth = 0; depth < MAX_NESTING; depth++) deep.push(`${'  '.repeat(depth)}k${depth}:`)
    deep.push(`${'  '.repeat(MAX_NESTING)}leaf: 1`)
    expect(fast(yaml(...deep))).toBeUndefined()
    expect(readPlainYaml(yaml('version: 1', 'a: 1', 'b: 2'), { maxValues: 5, maxNesting: MAX_NESTING }, new LineCounter())).toBeUndefined()
    expect(readPlainYaml(yaml('version: 1', 'a: 1', 'b: 2'), { maxValues: 6, maxNesting: MAX_NESTING }, new LineCounter())).toBeDefined()
  })
})

// ---------------------------------------------------------------------------------------------
// Random block manifests, as written by people (and by text editors going wrong).

const SCALARS = [
  '1',
  '0',
  '-1',
  '+3',
  '1.5',
  '1.',
  '.5',
  '1e3',
  '1E-2',
  '0x1F',
  '0o17',
  '017',
  '.inf',
  '-.Inf',
  '.nan',
  'null',
  'Null',
  '~',
  'true',
  'False',
  'yes',
  'on',
  'a b',
  'x:y',
  'x #y',
  "it's",
  'a"b',
  '"quoted"',
  "'single'",
  '"esc \\t \\u00e9 \\" x"',
  "'it''s'",
  '""',
  "''",
  'é漢🎨',
  '1024',
  '512',
  'medium',
  'high',
  'ultra',
  '-x',
  '?x',
  ':x',
  '@x',
  '!x',
  '&x',
  '*x',
  '[x',
  '{x',
  '|x',
  '>x',
  '#x',
  'art',
  'clip',
  '"art"',
  IMAGE,
  VIDEO,
  IMAGE.toUpperCase(),
  'nope',
]
const KEYS = [
  'name',
  'model_id',
  'prompt',
  'width',
  'height',
  'runs',
  'group',
  'batch_size',
  'quality',
  'guidance_scale',
  'description',
  'widht',
  '"width"',
  "'prompt'",
  'fps',
  'true',
  '~',
  '<<',
]
const EDITS = [
  ' ',
  '  ',
  '-',
  '- ',
  ':',
  ': ',
  '#',
  ' #',
  '\t',
  '\n',
  '\r',
  '"',
  "'",
  'x',
  '&a ',
  '*a',
  '!t ',
  '[',
  ']',
  '{',
  '|',
  '>',
  '? ',
  '%',
  '---\n',
  '\u00a0',
  '\ufeff',
]

/** Fields with values of the right type (written in YAML's many ways), so most manifests are valid. */
const ORDINARY: Record<string, string[]> = {
  prompt: ['a plain prompt', '"a: quoted prompt"', "'it''s'", 'x #not a comment', '"tab\tand é"', 'null'],
  width: ['512', '1024', '0x400', '+64', '~'],
  height: ['512', 'Null'],
  quality: ['low', 'medium', '"high"', 'null'],
  guidance_scale: ['7.5', '1e1', '.5', '3'],
  batch_size: ['1', '0o4', '16'],
  description: ['free text', "'quoted'"],
  group: ['characters', '"UI & icons"'],
  runs: ['1', '3', '0x10'],
  generate_audio: ['true', 'False', 'TRUE'],
}
const ordinaryLine = fc
  .constantFrom(...Object.keys(ORDINARY))
  .chain((key) => fc.tuple(fc.constant(key), fc.constantFrom(...ORDINARY[key]!), fc.constantFrom('', ' # note', '   ')))
const line = fc.oneof(
  { weight: 12, arbitrary: ordinaryLine },
  fc.tuple(fc.constantFrom(...KEYS), fc.constantFrom(...SCALARS), fc.constantFrom('', ' # note')),
)
const generation = fc.record({
  dashSpaces: fc.integer({ min: 1, max: 3 }),
  name: fc.oneof({ weight: 20, arbitrary: fc.constant('') }, fc.constantFrom(...SCALARS)),
  model: fc.option(
    fc.oneof(
      { weight: 10, arbitrary: fc.constantFrom('art', 'clip', IMAGE, `"${VIDEO}"`, `'${IMAGE.toUpperCase()}'`) },
      fc.constant('nope'),
    ),
    { nil: undefined },
  ),
  fields: fc.uniqueArray(line, { selector: ([key]) => key, maxLength: 4 }),
  effects: fc.option(fc.array(fc.constantFrom('A', '"B C"', 'ZOOM IN', '1'), { minLength: 1, maxLength: 2 }), { nil: undefined }),
  comment: fc.boolean(),
})
const manifestText = fc
  .record({
    indent: fc.integer({ min: 1, max: 4 }),
    sameIndentList: fc.boolean(),
    crlf: fc.boolean(),
    models: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, fc.constant(false)),
    defaults: fc.option(
      fc.tuple(
        fc.oneof({ weight: 9, arbitrary: fc.constantFrom('art', IMAGE) }, fc.constant('nope')),
        fc.uniqueArray(line, { selector: ([key]) => key, maxLength: 2 }),
      ),
      { nil: undefined, freq: 2 },
    ),
    generations: fc.array(generation, { minLength: 1, maxLength: 4 }),
  })
  .map(({ indent, sameIndentList, crlf, models, defaults, generations }) => {
    const pad = ' '.repeat(indent)
    const lines = ['version: 1', `workspace_id: ${WORKSPACE}`]
    if (models) lines.push('models:', `${pad}art: ${IMAGE}`, `${pad}clip: ${VIDEO}`)
    if (defaults) lines.push('defaults:', `${pad}model_id: ${defaults[0]}`, ...defaults[1].map(([k, v, end]) => `${pad}${k}: ${v}${end}`))
    lines.push('generations:')
    const list = sameIndentList ? '' : pad
    generations.forEach((g, index) => {
      const item = `${list}${' '.repeat(g.dashSpaces + 1)}`
      lines.push(`${list}-${' '.repeat(g.dashSpaces)}name: ${g.name || `gen-${index}`}`)
      if (g.comment) lines.push(`${' '.repeat(indent * 3)}# comment`)
      if (g.model !== undefined) lines.push(`${item}model_id: ${g.model}`)
      for (const [k, v, end] of g.fields) lines.push(`${item}${k}: ${v}${end}`)
      if (g.effects) {
        lines.push(`${item}video_effects:`)
        for (const type of g.effects) lines.push(`${item}${pad}- type: ${type}`)
      }
    })
    return lines.join(crlf ? '\r\n' : '\n') + '\n'
  })
/** Characters inserted or removed anywhere, and lines moved one column left or right. */
const edit = fc.oneof(
  fc.tuple(fc.constant('char' as const), fc.nat(), fc.constantFrom(...EDITS), fc.boolean()),
  fc.tuple(fc.constant('indent' as const), fc.nat(), fc.constant(''), fc.boolean()),
)
const edited = fc.tuple(manifestText, fc.array(edit, { minLength: 1, maxLength: 3 })).map(([text, edits]) => {
  let result = text
  for (const [kind, at, insert, flag] of edits) {
    if (kind === 'indent') {
      const lines = result.split('\n')
      const i = at % lines.length
      lines[i] = flag ? ` ${lines[i]}` : lines[i]!.replace(/^ /, '')
      result = lines.join('\n')
      continue
    }
    const i = at % (result.length + 1)
    result = flag ? result.slice(0, i) + result.slice(i + 1) : result.slice(0, i) + insert + result.slice(i)
  }
  return result
})

/**
 * The fast path's verdict on `text` held to the full path's: the same manifest wherever it gives
 * one, and never a step aside from a valid manifest that the fast reader read.
 */
function checkAgainstFullPath(text: string): 'fast' | 'aside' | 'unread' {
  const result = parseFast(FILE, text)
  const full = parseManifestFully(FILE, text)
  if (result !== undefined) {
    expect(result).toEqual(full)
    return 'fast'
  }
  if (fast(text) !== undefined) expect(full.manifest).toBeUndefined()
  return fast(text) === undefined ? 'unread' : 'aside'
}

describe('the fast path on random block manifests', () => {
  it('gives what the full path gives on every manifest it takes', () => {
    const seen = { fast: 0, aside: 0, unread: 0 }
    fc.assert(
      fc.property(manifestText, (text) => {
        seen[checkAgainstFullPath(text)]++
      }),
      { numRuns: 400 },
    )
    // Most of these are plain block YAML, many of them valid: the comparison exercised the fast path.
    expect(seen.fast).toBeGreaterThan(50)
    expect(seen.aside).toBeGreaterThan(50)
  })

  it('gives what the full path gives on randomly edited manifests', () => {
    fc.assert(
      fc.property(edited, (text) => {
        checkAgainstFullPath(text)
      }),
      { numRuns: 400 },
    )
  })
})
