import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { checkGenerationTotal } from '../../src/manifest/load.js'
import {
  MAX_ALIAS_USES,
  MAX_ALIAS_VALUES,
  MAX_GENERATIONS,
  MAX_MANIFEST_BYTES,
  MAX_NESTING,
  MAX_PROBLEMS_PER_FILE,
  MAX_VALUES,
} from '../../src/manifest/limits.js'
import { parseManifest, parseManifestFully } from '../../src/manifest/parse.js'
import { formatPath, summarizeProblems } from '../../src/manifest/problems.js'
import { EstimateRequestSchema } from '../../src/manifest/schema.js'
import type { Problem } from '../../src/problem.js'
import { CLI_WORDS } from '../../src/vocabulary.js'

const MODEL = '3c90c3cc-0d44-4b50-8888-8dd25736052a'
const OTHER = '0f9e8d7c-6b5a-4f3e-9d2c-1b0a9f8e7d6c'
const WORKSPACE_ID = '6f1c2d9e-8b1a-4c53-9f0e-2a7d4b8c1e55'
const FILE = '.layer/generations.yml'

function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`
}

/** Problems reduced to what the user sees: where, what kind, which field. */
function located(text: string): { at: string; title: string; path?: string; message: string }[] {
  const { manifest, problems } = parseManifest(FILE, text)
  expect(manifest).toBeUndefined()
  for (const problem of problems) expect(problem.file).toBe(FILE)
  return problems.map((p) => ({
    at: `${p.line}:${p.col}`,
    title: p.title,
    ...(p.path === undefined ? {} : { path: p.path }),
    message: p.message,
  }))
}

function valid(text: string) {
  const { manifest, problems } = parseManifest(FILE, text)
  expect(problems).toEqual([])
  if (!manifest) throw new Error('expected a manifest')
  return manifest
}

describe('parseManifest: the valid fixture', () => {
  const fixture = fileURLToPath(new URL('../fixtures/manifests/valid.yml', import.meta.url))
  const manifest = valid(readFileSync(fixture, 'utf8'))
  const byName = new Map(manifest.generations.map((g) => [g.name, g]))
  const get = (name: string) => {
    const generation = byName.get(name)
    if (!generation) throw new Error(`no generation ${name}`)
    return generation
  }

  it('reads every generation in order, with the workspace lower-cased', () => {
    expect(manifest.file).toBe(FILE)
    expect(manifest.version).toBe(1)
    expect(manifest.workspaceId).toBe('6f1c2d9e-8b1a-4c53-9f0e-2a7d4b8c1e55')
    expect(manifest.workspaceIdPosition).toEqual({ file: FILE, line: 4, col: 15 })
    expect(manifest.generations.map((g) => g.name)).toEqual([
      'knight-portraits',
      'knight-turnaround',
      'knight-variation',
      'castle-flyover',
      'treasure-chest-3d',
      'narrator-intro',
      'key-art-upscale',
    ])
  })

  it('merges defaults under a generation and resolves the alias from defaults', () => {
    const portraits = get('knight-portraits')
    expect(portraits).toMatchObject({
      file: FILE,
      line: 19,
      col: 5,
      modelId: MODEL,
      modelLabel: 'knight-style',
      runs: 3,
      group: 'characters',
      description: 'Hero portraits for the character select screen.',
    })
    expect(portraits.body).toEqual({
      model_id: MODEL,
      batch_size: 4,
      quality: 'medium',
      prompt: 'A knight in silver armour, portrait, dramatic rim light',
      width: 1024,
      height: 1024,
    })
    expect(portraits.fieldPositions).toEqual({
      model_id: { file: FILE, line: 14, col: 13 },
      batch_size: { file: FILE, line: 15, col: 15 },
      quality: { file: FILE, line: 16, col: 12 },
      prompt: { file: FILE, line: 21, col: 13 },
      width: { file: FILE, line: 22, col: 12 },
      height: { file: FILE, line: 23, col: 13 },
    })
  })

  it("lets a generation's own value win, and points at it", () => {
    const turnaround = get('knight-turnaround')
    expect(turnaround.runs).toBe(1)
    expect(turnaround.body).toMatchObject({ batch_size: 8, quality: 'high', guidance_scale: 7.5, num_inference_steps: 30 })
    expect(turnaround.fieldPositions.batch_size).toEqual({ file: FILE, line: 31, col: 17 })
    expect(turnaround.fieldPositions.quality).toEqual({ file: FILE, line: 32, col: 14 })
  })

  it('keeps an explicit null over a default', () => {
    const variation = get('knight-variation')
    expect(variation.body.quality).toBeNull()
    expect(Object.hasOwn(variation.body, 'quality')).toBe(true)
    expect(variation.fieldPositions.quality).toEqual({ file: FILE, line: 40, col: 14 })
    expect(variation.body.prompt_strength).toBe(0.35)
  })

  it('reads video, 3D, audio and upscale fields', () => {
    const flyover = get('castle-flyover')
    expect(flyover.modelId).toBe(OTHER)
    expect(flyover.modelLabel).toBe('castle-video')
    expect(flyover.fieldPositions.model_id).toEqual({ file: FILE, line: 44, col: 15 })
    expect(flyover.body).toMatchObject({
      prompt: 'A drone shot flying over a castle at dawn, mist in the valley',
      duration_seconds: 8,
      fps: 25,
      generate_audio: true,
      batch_size: 1,
      video_effects: [{ type: 'ORBIT_360', weight: 60 }, { type: 'ZOOM_IN' }],
    })
    expect(flyover.fieldPositions.video_effects).toEqual({ file: FILE, line: 52, col: 7 })
    expect(get('treasure-chest-3d').body).toMatchObject({ face_limit: 20000, pbr_materials: true, quad_mesh: false })
    expect(get('treasure-chest-3d').runs).toBe(2)
    expect(get('narrator-intro').body).toMatchObject({ stability: 0.5, speed: 1.1, use_speaker_boost: true })
    const upscale = get('key-art-upscale')
    expect(upscale.modelId).toBe('9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b')
    expect(upscale.modelLabel).toBe('9E8D7C6B-5A4F-4E3D-8C2B-1A0F9E8D7C6B')
    expect(upscale.body).toMatchObject({ upscale_ratio: 4, creativity: 0.3, refill: false })
  })

  it('produces bodies Layer accepts, without manifest-only keys, each field located', () => {
    for (const generation of manifest.generations) {
      expect(EstimateRequestSchema.safeParse(generation.body).success).toBe(true)
      for (const key of ['name', 'runs', 'group', 'description']) expect(Object.hasOwn(generation.body, key)).toBe(false)
      expect(Object.keys(generation.fieldPositions).sort()).toEqual(Object.keys(generation.body).sort())
      expect(generation.body.model_id).toBe(generation.modelId)
    }
  })
})

describe('parseManifest: merging and aliases', () => {
  it('takes model_id from defaults, as a UUID or an alias, and a generation overrides it', () => {
    const manifest = valid(
      yaml(
        'version: 1',
        'models:',
        `  knight: ${MODEL}`,
        'defaults:',
        '  model_id: knight',
        '  width: 512',
        'generations:',
        '  - name: from-defaults',
        '  - name: own-uuid',
        `    model_id: ${OTHER}`,
        '    width: null',
      ),
    )
    const [first, second] = manifest.generations
    expect(first?.body).toEqual({ model_id: MODEL, width: 512 })
    expect(first?.modelLabel).toBe('knight')
    expect(first?.fieldPositions.model_id).toEqual({ file: FILE, line: 5, col: 13 })
    expect(first).toMatchObject({ line: 8, col: 5, runs: 1 })
    expect(first?.group).toBeUndefined()
    expect(second?.body).toEqual({ model_id: OTHER, width: null })
    expect(second?.modelLabel).toBe(OTHER)
    expect(manifest.workspaceId).toBeUndefined()
  })

  it('replaces a default list whole (shallow overlay per key)', () => {
    const manifest = valid(
      yaml(
        'version: 1',
        'defaults:',
        `  model_id: ${MODEL}`,
        '  video_effects: [{type: A, weight: 1}, {type: B}]',
        'generations:',
        '  - name: a',
        '    video_effects: [{type: C}]',
      ),
    )
    expect(manifest.generations[0]?.body.video_effects).toEqual([{ type: 'C' }])
  })

  it('expands YAML aliases within the budget, located at the alias', () => {
    const manifest = valid(
      yaml(
        'version: 1',
        'defaults:',
        `  model_id: ${MODEL}`,
        '  prompt: &style "ink and watercolour"',
        'generations:',
        '  - name: a',
        '    video_effects: &fx [{type: ORBIT_360, weight: 10}]',
        '  - name: b',
        '    prompt: *style',
        '    video_effects: *fx',
      ),
    )
    const b = manifest.generations[1]
    expect(b?.body.prompt).toBe('ink and watercolour')
    expect(b?.body.video_effects).toEqual([{ type: 'ORBIT_360', weight: 10 }])
    expect(b?.fieldPositions.prompt).toEqual({ file: FILE, line: 9, col: 13 })
    // Separate copies: a consumer changing one body cannot change another.
    expect(b?.body.video_effects).not.toBe(manifest.generations[0]?.body.video_effects)
  })

  it('accepts CRLF line ends, a byte-order mark and comments', () => {
    const manifest = valid(`\uFEFF# planned\r\nversion: 1\r\ngenerations:\r\n  - name: a # first\r\n    model_id: ${MODEL}\r\n`)
    expect(manifest.generations[0]).toMatchObject({ line: 4, col: 5 })
  })

  it('keeps __proto__ a plain (unknown) key and pollutes nothing', () => {
    expect(located(yaml('version: 1', '__proto__: {polluted: true}', 'generations:', '  - name: a', `    model_id: ${MODEL}`))).toEqual([
      {
        at: '2:1',
        title: 'Unknown key',
        path: '__proto__',
        message: 'unknown key "__proto__" at the top level: the top level takes version, workspace_id, models, defaults, generations',
      },
    ])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})

describe('parseManifest: problems, each at its exact place', () => {
  it('suggests the nearest key for an unknown key, at the key', () => {
    expect(located(yaml('version: 1', 'generations:', '  - name: a', `    model_id: ${MODEL}`, '    widht: 3'))).toEqual([
      {
        at: '5:5',
        title: 'Unknown key',
        path: 'generations[0].widht',
        message: 'unknown key "widht" in generations[0]: did you mean "width"?',
      },
    ])
  })

  it('names the allowed keys when nothing is close, and keeps manifest-only keys out of defaults', () => {
    expect(
      located(
        yaml(
          'version: 1',
          'defaults:',
          '  runs: 2',
          '  colour: red',
          'generations:',
          '  - name: a',
          `    model_id: ${MODEL}`,
          '    video_effects:',
          '      - type: ORBIT_360',
          '        speeed: 2',
        ),
      ),
    ).toEqual([
      {
        at: '3:3',
        title: 'Unknown key',
        path: 'defaults.runs',
        message: '"runs" cannot be set under defaults: set it on each generation',
      },
      {
        at: '4:3',
        title: 'Unknown key',
        path: 'defaults.colour',
        message: 'unknown key "colour" in defaults: defaults take the fields of Layer\'s estimate request (see the manifest JSON Schema)',
      },
      {
        at: '10:9',
        title: 'Unknown key',
        path: 'generations[0].video_effects[0].speeed',
        message: 'unknown key "speeed" in generations[0].video_effects[0]: allowed here: type, weight',
      },
    ])
  })

  it('says the accepted range and what it got, at the value', () => {
    expect(
      located(
        yaml(
          'version: 1',
          'generations:',
          '  - name: a',
          `    model_id: ${MODEL}`,
          '    batch_size: 40',
          '    width: "1024"',
          '    quality: ultra',
          '    generate_audio: yes',
          '    prompt_strength: 1.5',
          '    fps: 0',
          '    speed: .inf',
          '    video_effects:',
          '      - {type: ORBIT_360, weight: 200}',
          '      - {weight: 1}',
        ),
      ),
    ).toEqual([
      {
        at: '5:17',
        title: 'Invalid value',
        path: 'generations[0].batch_size',
        message: 'generations[0].batch_size must be an integer from 1 to 16, got 40',
      },
      {
        at: '6:12',
        title: 'Invalid value',
        path: 'generations[0].width',
        message: 'generations[0].width must be an integer greater than 0, or null, got "1024" (a quoted number is text: remove the quotes)',
      },
      {
        at: '7:14',
        title: 'Invalid value',
        path: 'generations[0].quality',
        message: 'generations[0].quality must be one of low, medium, high, or null, got "ultra"',
      },
      {
        at: '8:21',
        title: 'Invalid value',
        path: 'generations[0].generate_audio',
        message: 'generations[0].generate_audio must be true or false, or null, got "yes" (write true or false, unquoted)',
      },
      {
        at: '9:22',
        title: 'Invalid value',
        path: 'generations[0].prompt_strength',
        message: 'generations[0].prompt_strength must be a number from 0 to 1, or null, got 1.5',
      },
      {
        at: '10:10',
        title: 'Invalid value',
        path: 'generations[0].fps',
        message: 'generations[0].fps must be an integer greater than 0, or null, got 0',
      },
      {
        at: '11:12',
        title: 'Invalid value',
        path: 'generations[0].speed',
        message: 'generations[0].speed must be a number greater than 0, or null, got .inf',
      },
      {
        at: '13:35',
        title: 'Invalid value',
        path: 'generations[0].video_effects[0].weight',
        message: 'generations[0].video_effects[0].weight must be a number from 0 to 100, got 200',
      },
      {
        at: '14:9',
        title: 'Missing field',
        path: 'generations[0].video_effects[1].type',
        message: 'generations[0].video_effects[1] has no type: it is required here',
      },
    ])
  })

  it('reports a too-long prompt by its length', () => {
    const problems = located(
      yaml('version: 1', 'generations:', '  - name: a', `    model_id: ${MODEL}`, `    prompt: ${'x'.repeat(100001)}`),
    )
    expect(problems).toEqual([
      {
        at: '5:13',
        title: 'Invalid value',
        path: 'generations[0].prompt',
        message: 'generations[0].prompt must be a string of at most 100000 characters, or null, got a string of 100001 characters',
      },
    ])
  })

  it('points at the second of two generations with the same name', () => {
    expect(
      located(
        yaml('version: 1', 'defaults:', `  model_id: ${MODEL}`, 'generations:', '  - name: hero', '  - name: villain', '  - name: hero'),
      ),
    ).toEqual([
      {
        at: '7:11',
        title: 'Duplicate name',
        path: 'generations[2].name',
        message: 'duplicate generation name "hero" (first at line 5): names must be unique in a file',
      },
    ])
  })

  it('points at the second of two identical YAML keys', () => {
    expect(located(yaml('version: 1', 'generations:', '  - name: a', `    model_id: ${MODEL}`, '    width: 1', '    width: 2'))).toEqual([
      {
        at: '6:5',
        title: 'Duplicate key',
        path: 'generations[0].width',
        message: 'duplicate key "width" in generations[0] (first at line 5): each key may appear once',
      },
    ])
  })

  it('lists the known aliases for an unknown one, and suggests the nearest', () => {
    expect(
      located(
        yaml(
          'version: 1',
          'models:',
          `  knight-style: ${MODEL}`,
          `  castle: ${OTHER}`,
          'generations:',
          '  - name: a',
          '    model_id: knight-styel',
        ),
      ),
    ).toEqual([
      {
        at: '7:15',
        title: 'Unknown model alias',
        path: 'generations[0].model_id',
        message:
          '"knight-styel" in generations[0].model_id is neither a model UUID nor an alias from models: did you mean "knight-style"? known aliases: knight-style, castle; add it under `models:` or use the model\'s UUID',
      },
    ])
  })

  it('says how to add an alias when there is no models: section, once for defaults', () => {
    expect(located(yaml('version: 1', 'defaults:', '  model_id: knight', 'generations:', '  - name: a', '  - name: b'))).toEqual([
      {
        at: '3:13',
        title: 'Unknown model alias',
        path: 'defaults.model_id',
        message:
          '"knight" in defaults.model_id is neither a model UUID nor an alias from models: add it under `models:` (knight: <model UUID>) or use the model\'s UUID',
      },
    ])
  })

  it('reports an invalid alias name or UUID under models, at the key or value', () => {
    expect(
      located(
        yaml('version: 1', 'models:', `  "my knight": ${MODEL}`, '  castle: 1234', 'generations:', '  - name: a', '    model_id: castle'),
      ),
    ).toEqual([
      {
        at: '3:3',
        title: 'Invalid alias',
        path: 'models["my knight"]',
        message:
          'model alias "my knight" is not allowed: use a name of letters, digits, ".", "_" and "-" (at most 100 characters, starting with a letter or digit) that is not a UUID',
      },
      {
        at: '4:11',
        title: 'Invalid value',
        path: 'models.castle',
        message: 'models.castle must be a UUID (8-4-4-4-12 hexadecimal digits), got 1234',
      },
    ])
  })

  it('points at the generation when no model_id is set there or in defaults', () => {
    expect(located(yaml('version: 1', 'generations:', '  - name: a', '    width: 3'))).toEqual([
      {
        at: '3:5',
        title: 'Missing field',
        path: 'generations[0].model_id',
        message: 'generations[0] has no model_id: set model_id on it or under `defaults:`',
      },
    ])
  })

  it('points at the generation when its name is missing', () => {
    expect(located(yaml('version: 1', 'generations:', `  - model_id: ${MODEL}`))).toEqual([
      {
        at: '3:5',
        title: 'Missing field',
        path: 'generations[0].name',
        message: 'generations[0] has no name: give every generation a name, unique in this file',
      },
    ])
  })

  it('refuses another version and stops there', () => {
    expect(located(yaml('version: 2', 'generations: []', 'whatever: 1'))).toEqual([
      {
        at: '1:10',
        title: 'Unsupported version',
        path: 'version',
        message: 'version 2 is not supported: this action reads version 1',
      },
    ])
    expect(located(yaml('version: "1"', 'generations:', '  - name: a', `    model_id: ${MODEL}`))).toEqual([
      { at: '1:10', title: 'Invalid value', path: 'version', message: 'version must be 1, got "1"' },
    ])
  })

  it('asks for version and generations when they are missing or empty', () => {
    expect(located(yaml('workspace_id: nope'))).toEqual([
      { at: '1:1', title: 'Missing field', path: 'version', message: 'missing version: start the manifest with `version: 1`' },
      {
        at: '1:1',
        title: 'Missing field',
        path: 'generations',
        message: 'missing generations: list the planned generations under `generations:`',
      },
      {
        at: '1:15',
        title: 'Invalid value',
        path: 'workspace_id',
        message: 'workspace_id must be a UUID (8-4-4-4-12 hexadecimal digits), got "nope"',
      },
    ])
  })

  it('accepts an empty list of generations: nothing planned, on the fast and the full path alike', () => {
    for (const text of [yaml('version: 1', 'generations: []'), yaml('version: 1', `workspace_id: ${WORKSPACE_ID}`, 'generations: [ ]')]) {
      const full = parseManifestFully(FILE, text)
      expect(full.problems).toEqual([])
      expect(full.manifest?.generations).toEqual([])
      expect(parseManifest(FILE, text)).toEqual(full)
    }
    expect(parseManifest(FILE, yaml('version: 1', `workspace_id: ${WORKSPACE_ID}`, 'generations: []')).manifest?.workspaceId).toBe(
      WORKSPACE_ID,
    )
  })

  it('refuses an empty document and one that is not a mapping', () => {
    expect(located('')).toEqual([
      { at: '1:1', title: 'Empty manifest', message: `${FILE} is empty: write \`version: 1\` and a \`generations:\` list` },
    ])
    expect(located('# only a comment\n')).toHaveLength(1)
    expect(located('\n\n- a\n- b\n')).toEqual([
      {
        at: '3:1',
        title: 'Invalid manifest',
        message: 'the manifest must be a mapping with `version: 1` and `generations:`, got a list of 2 items',
      },
    ])
    expect(located('just text\n')[0]?.title).toBe('Invalid manifest')
    expect(located(yaml('version: 1', 'generations:', '  - just a string'))).toEqual([
      {
        at: '3:5',
        title: 'Invalid value',
        path: 'generations[0]',
        message: 'generations[0] must be a generation: a mapping with name, model_id and estimate request fields, got "just a string"',
      },
    ])
  })

  it('reports YAML syntax errors with their position, and nothing it cannot trust', () => {
    // Broken YAML gets YAML errors only: no schema problems guessed from a half-read document.
    const broken = located(yaml('version: 1', 'generations:', '  - name: a', '   model_id: x', '    widht: 1'))
    expect(broken[0]).toEqual({ at: '4:1', title: 'YAML syntax error', message: 'invalid YAML: Sequence item without - indicator' })
    expect(broken.every((p) => p.title === 'YAML syntax error')).toBe(true)
    expect(located(yaml('version: 1', 'generations:', '  - name: a', '\tmodel_id: x'))[0]).toMatchObject({
      at: '4:1',
      title: 'YAML syntax error',
    })
    expect(located(yaml('version: 1', '---', 'version: 1'))).toEqual([
      {
        at: '2:1',
        title: 'YAML syntax error',
        message: 'a manifest is one YAML document: remove the second `---` document or move it to its own file',
      },
    ])
    // An unclosed quote is found at the end of the text, but placed where it opened, in our words.
    expect(located(yaml('version: 1', 'generations:', '  - name: a', '    prompt: "unclosed', '    width: 5'))).toEqual([
      {
        at: '4:13',
        title: 'YAML syntax error',
        message: 'invalid YAML: the " opened here ("unclosed) is never closed: end the text with ", or remove the quote',
      },
    ])
  })

  it('reports every problem of a file at once, sorted by place', () => {
    const problems = located(
      yaml(
        'version: 1',
        'modles: {}',
        'defaults:',
        '  quality: ultra',
        'generations:',
        '  - name: a',
        '    model_id: missing-alias',
        '    heigth: 5',
        '  - name: a',
        `    model_id: ${MODEL}`,
        '    runs: 0',
      ),
    )
    expect(problems.map((p) => [p.at, p.title])).toEqual([
      ['2:1', 'Unknown key'],
      ['4:12', 'Invalid value'],
      ['7:15', 'Unknown model alias'],
      ['8:5', 'Unknown key'],
      ['9:11', 'Duplicate name'],
      ['11:11', 'Invalid value'],
    ])
    expect(problems[0]?.message).toBe('unknown key "modles" at the top level: did you mean "models"?')
    expect(problems[3]?.message).toBe('unknown key "heigth" in generations[0]: did you mean "height"?')
    expect(problems[5]?.message).toBe('generations[1].runs must be an integer from 1 to 1000000, got 0')
  })

  it('caps the problems of one file and counts the rest', () => {
    const lines = ['version: 1', 'generations:']
    for (let i = 0; i < MAX_PROBLEMS_PER_FILE + 50; i++) lines.push(`  - {name: g${i}, model_id: ${MODEL}, widht: 1}`)
    const { problems } = parseManifest(FILE, yaml(...lines))
    expect(problems).toHaveLength(MAX_PROBLEMS_PER_FILE + 1)
    expect(problems[MAX_PROBLEMS_PER_FILE]).toEqual({
      file: FILE,
      line: 1,
      col: 1,
      title: 'More problems',
      message: `50 more problems in ${FILE} not shown: fix the ${MAX_PROBLEMS_PER_FILE} above and run again`,
    })
  })
})

describe('parseManifest: untrusted YAML', () => {
  it('stops a "billion laughs" alias bomb fast, at the alias that overflows', () => {
    const lines = ['version: 1', 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for (let level = 1; level < 10; level++) {
      const previous = String.fromCharCode(96 + level)
      const name = String.fromCharCode(97 + level)
      lines.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`)
    }
    lines.push('generations:', '  - name: boom', `    model_id: ${MODEL}`, '    prompt: *j')
    const started = performance.now()
    const problems = located(yaml(...lines))
    // A bound against exponential work, not a speed figure (the benchmark measures speed).
    expect(performance.now() - started).toBeLessThan(5000)
    expect(problems).toEqual([
      {
        at: '5:20',
        title: 'Too many aliases',
        message: `aliases (*name) expand too much: a manifest may use at most ${MAX_ALIAS_USES} aliases producing at most ${MAX_ALIAS_VALUES} values; this file looks like an alias bomb ("billion laughs")`,
      },
    ])
  })

  it('limits how many values aliases may expand to, even through one alias', () => {
    const text = yaml('version: 1', `big: &big [${'1,'.repeat(MAX_ALIAS_VALUES + 1)}]`, 'generations: *big')
    expect(located(text)).toEqual([expect.objectContaining({ at: '3:14', title: 'Too many aliases' })])
  })

  it('limits how often aliases may be used', () => {
    const text = yaml('version: 1', 'x: &x 1', `generations: [${'*x,'.repeat(MAX_ALIAS_USES + 1)}]`)
    expect(located(text)).toEqual([expect.objectContaining({ at: `3:${15 + 3 * MAX_ALIAS_USES}`, title: 'Too many aliases' })])
  })

  it('reports an alias without an anchor, and an alias that contains itself', () => {
    expect(located(yaml('version: 1', 'generations:', '  - name: a', `    model_id: ${MODEL}`, '    prompt: *nowhere'))).toEqual([
      {
        at: '5:13',
        title: 'Unknown anchor',
        path: 'generations[0].prompt',
        message: 'the alias *nowhere has no anchor: define &nowhere before using it',
      },
    ])
    expect(located(yaml('version: 1', 'generations: &g', '  - name: a', `    model_id: ${MODEL}`, '    video_effects: *g'))).toEqual([
      {
        at: '5:20',
        title: 'Alias cycle',
        message: 'the alias *g is used inside the value it names; an alias cannot contain itself',
      },
    ])
  })

  it('rejects custom and non-core tags at the tag, whatever YAML version the file claims', () => {
    const problems = located(
      yaml(
        '%YAML 1.1',
        '---',
        'version: 1',
        'generations:',
        '  - name: !foo a',
        `    model_id: ${MODEL}`,
        '    prompt: !!binary aGVsbG8=',
        '    width: !!js/function "function () {}"',
        '    video_effects: !fx [{type: A}]',
        '    height: !!int 5',
        '    quality: !!str low',
        '    generate_audio: yes',
      ),
    )
    expect(problems.map((p) => [p.at, p.title, p.path])).toEqual([
      ['5:11', 'Custom tag', 'generations[0].name'],
      ['7:13', 'Custom tag', 'generations[0].prompt'],
      ['8:12', 'Custom tag', 'generations[0].width'],
      ['9:20', 'Custom tag', 'generations[0].video_effects'],
      // YAML 1.1's yes/no booleans stay off: the core schema reads "yes" as text.
      ['12:21', 'Invalid value', 'generations[0].generate_audio'],
    ])
    expect(problems[1]?.message).toBe(
      'the tag !!binary is not allowed: a manifest holds plain YAML values only (text, numbers, true/false, null, lists, mappings); remove the tag',
    )
    expect(problems[2]?.message).toContain('the tag !!js/function is not allowed')
    expect(problems[3]?.message).toContain('the tag !fx is not allowed')
  })

  it('rejects merge keys at the key', () => {
    expect(located(yaml('version: 1', 'generations:', '  - name: a', `    model_id: ${MODEL}`, '    <<: {width: 3}'))).toEqual([
      {
        at: '5:5',
        title: 'Merge key',
        path: 'generations[0]["<<"]',
        message:
          'merge keys (<<) are not supported in a manifest: put shared fields under `defaults:`, or use an alias (*name) for one value',
      },
    ])
  })

  it('rejects deep nesting before the YAML composer recurses, flow or block', () => {
    for (const text of [
      yaml('version: 1', `generations: ${'['.repeat(100_000)}${']'.repeat(100_000)}`),
      yaml('version: 1', 'generations:', `  ${'- '.repeat(100_000)}x`),
      yaml('version: 1', 'generations:', ...Array.from({ length: 60 }, (_, i) => `${' '.repeat(i + 2)}- `), '  x'),
    ]) {
      const started = performance.now()
      const problems = located(text)
      // A bound against exponential work, not a speed figure (the benchmark measures speed).
      expect(performance.now() - started).toBeLessThan(5000)
      expect(problems).toEqual([
        expect.objectContaining({
          title: 'Nested too deeply',
          message: `the manifest nests lists and mappings more than ${MAX_NESTING} levels deep; a manifest needs about 6`,
        }),
      ])
    }
    // Twice in one process: the composer's stack overflow must never be reached at all.
    const again = located(yaml('version: 1', `generations: ${'{a: '.repeat(50_000)}1${'}'.repeat(50_000)}`))
    // Depth there = the top mapping + `generations:` + 39 braces: the 39th `{` (col 14 + 4 x 38) tips it.
    expect(again[0]).toMatchObject({ at: '2:166', title: 'Nested too deeply' })
  })

  it('lets ordinary nesting through to the schema', () => {
    const problems = located(yaml('version: 1', `generations: ${'['.repeat(30)}${']'.repeat(30)}`))
    expect(problems).toEqual([expect.objectContaining({ at: '2:15', title: 'Invalid value', path: 'generations[0]' })])
  })

  it('rejects a file of too many values before parsing it', () => {
    // The syntax error after the list is what a parse would report (as it does for a short list):
    // counted before parsing, the file is refused at the value over the cap and never parsed.
    const tail = 'oops: [unclosed'
    expect(located(yaml('version: 1', `generations: [${'1,'.repeat(10)}]`, tail))).toEqual([
      expect.objectContaining({ at: '3:7', title: 'YAML syntax error' }),
    ])
    const problems = located(yaml('version: 1', `generations: [${'1,'.repeat(MAX_VALUES + 10)}]`, tail))
    expect(problems).toEqual([
      {
        // values 1-4 are `version`, `1`, `generations` and `[`: the list's items come after
        at: `2:${15 + 2 * (MAX_VALUES - 4)}`,
        title: 'Too many values',
        message: `the manifest holds more than ${MAX_VALUES} values; split it into several files`,
      },
    ])
  })

  it('refuses text over the size cap', () => {
    const text = `version: 1\n#${'x'.repeat(MAX_MANIFEST_BYTES)}\n`
    expect(located(text)).toEqual([
      {
        at: '1:1',
        title: 'Manifest too large',
        message: `${FILE} is ${MAX_MANIFEST_BYTES + 13} bytes; a manifest may be at most 5 MiB (5242880 bytes): split it into several files`,
      },
    ])
  })
})

describe('formatPath and summarizeProblems', () => {
  it('writes paths the way the manifest reads', () => {
    expect(formatPath(['generations', 2, 'width'])).toBe('generations[2].width')
    expect(formatPath(['models', 'my knight'])).toBe('models["my knight"]')
    expect(formatPath([])).toBe('')
  })

  it('summarizes problems in one line', () => {
    const problem = (file: string): Problem => ({ file, line: 1, col: 1, title: 't', message: 'm' })
    expect(summarizeProblems([problem('a.yml')])).toBe('1 problem in a.yml')
    expect(summarizeProblems([problem('a.yml'), problem('a.yml'), problem('a.yml')])).toBe('3 problems in a.yml')
    expect(summarizeProblems([problem('b.yml'), problem('a.yml'), problem('a.yml'), problem('b.yml')])).toBe(
      '4 problems in 2 manifests (a.yml, b.yml)',
    )
    const many = Array.from({ length: 7 }, (_, i) => problem(`m${i}.yml`))
    expect(summarizeProblems(many)).toBe('7 problems in 7 manifests (m0.yml, m1.yml, m2.yml, m3.yml, m4.yml, … (2 more))')
  })
})

describe('the generation cap', () => {
  function many(count: number, flow = false): string {
    const lines = ['version: 1', 'defaults:', `  model_id: ${MODEL}`, 'generations:']
    for (let i = 0; i < count; i++) lines.push(flow ? `  - {name: g${i}}` : `  - name: g${i}`)
    return yaml(...lines)
  }

  it(`prices exactly ${MAX_GENERATIONS} generations in one file`, () => {
    const { manifest, problems } = parseManifest(FILE, many(MAX_GENERATIONS))
    expect(problems).toEqual([])
    expect(manifest?.generations).toHaveLength(MAX_GENERATIONS)
  })

  it.each([
    ['block YAML (the fast path)', false, { line: 5, col: 3 }],
    ['flow mappings (the full path)', true, { line: 4, col: 1 }],
  ])('refuses one more, at the generations key, in %s', (_, flow, at) => {
    const { manifest, problems } = parseManifest(FILE, many(MAX_GENERATIONS + 1, flow))
    expect(manifest).toBeUndefined()
    expect(problems).toEqual([
      {
        file: FILE,
        ...at,
        title: 'Too many generations',
        path: 'generations',
        message:
          'generations lists 10,001 generations; one run prices at most 10,000: split them across several jobs, each with its own `manifest` input',
      },
    ])
  })

  it('counts all manifests of a run together', () => {
    const manifests = [parseManifest('a.yml', many(6_000)).manifest!, parseManifest('b.yml', many(4_000)).manifest!]
    expect(() => checkGenerationTotal(manifests)).not.toThrow()
    manifests.push(parseManifest('c.yml', many(1)).manifest!)
    expect(() => checkGenerationTotal(manifests)).toThrow(
      'the manifests list 10,001 generations (a.yml, b.yml, c.yml); one run prices at most 10,000: split them across several jobs, each with its own `manifest` input',
    )
  })

  it('says how to split them in the CLI’s words: runs and manifests, not jobs and inputs', () => {
    const split = ': split them across several runs of the CLI, each naming its own manifests'
    for (const flow of [false, true]) {
      const { problems } = parseManifest(FILE, many(MAX_GENERATIONS + 1, flow), CLI_WORDS)
      expect(problems.map((problem) => problem.message)).toEqual([
        `generations lists 10,001 generations; one run prices at most 10,000${split}`,
      ])
    }
    const manifests = [parseManifest('a.yml', many(6_000)).manifest!, parseManifest('b.yml', many(4_001)).manifest!]
    expect(() => checkGenerationTotal(manifests, CLI_WORDS)).toThrow(`(a.yml, b.yml); one run prices at most 10,000${split}`)
  })
})

describe('messages quote the file only in short, sanitised excerpts', () => {
  const CREDENTIAL = 'eC1hY2Nlc3MtdG9rZW46Z2hzX1NFQ1JFVFRPS0VOMTIzNDU2Nzg5MA=='

  it('cuts what the YAML library quotes from a file that is not YAML (a .git/config)', () => {
    const text = `[core]\n\tbare = false\n[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic ${CREDENTIAL}\n`
    const { problems } = parseManifest(FILE, text)
    expect(problems.length).toBeGreaterThan(0)
    const shown = JSON.stringify(problems)
    expect(shown).not.toContain(CREDENTIAL)
    expect(shown).not.toContain(CREDENTIAL.slice(20, 40))
    for (const { message } of problems) expect(message.length).toBeLessThan(400)
  })

  it('cuts long keys, names and aliases and replaces control and bidi characters', () => {
    const key = `k${'x'.repeat(300)}`
    const name = `evil\u202e${'n'.repeat(100)}`
    const problems = located(
      yaml(
        'version: 1',
        `${key}: 1`,
        'generations:',
        `  - name: "${name}"`,
        `    model_id: ${MODEL}`,
        `  - name: "${name}"`,
        '    model_id: "al\\u0007ias"',
      ),
    )
    const messages = problems.map((p) => p.message).join('\n')
    expect(messages).toContain(`unknown key "${key.slice(0, 40)}…" at the top level`)
    expect(messages).toContain(`duplicate generation name "evil?${'n'.repeat(35)}…"`)
    expect(messages).toContain('"al?ias" in generations[1].model_id')
    // eslint-disable-next-line no-control-regex -- no control character may be left
    for (const { message } of problems) expect(message).not.toMatch(/[\u0000-\u001f\u202e]/)
    expect(problems.find((p) => p.title === 'Unknown key')?.path).toBe(`["${key.slice(0, 40)}…"]`)
  })
})
