import { describe, expect, it } from '@jest/globals'
import { z } from 'zod'
import {
  EstimateRequestSchema,
  ManifestSchema,
  REQUEST_FIELDS,
  documentedManifestSchema,
  expectedAt,
  isUuid,
  keysAt,
  schemaAt,
} from '../../src/manifest/schema.js'

const MODEL = '3c90c3cc-0d44-4b50-8888-8dd25736052a'

/** The request body fields of the seed page (shared/layer-api/estimate-endpoint.seed.txt), in its order. */
const SEED_FIELDS = [
  'model_id',
  'prompt',
  'width',
  'height',
  'batch_size',
  'num_inference_steps',
  'guidance_scale',
  'prompt_strength',
  'quality',
  'sharpness',
  'duration_seconds',
  'generate_audio',
  'keep_audio',
  'fps',
  'video_effects',
  'use_ta_pose',
  'include_textures',
  'quad_mesh',
  'pbr_materials',
  'low_poly',
  'generate_parts',
  'face_limit',
  'stability',
  'use_speaker_boost',
  'similarity_boost',
  'style_exaggeration',
  'speed',
  'upscale_ratio',
  'creativity',
  'resemblance',
  'vectorize',
  'remove_background',
  'reframe',
  'refill',
]

function accepts(field: string, value: unknown): boolean {
  return EstimateRequestSchema.safeParse({ model_id: MODEL, [field]: value }).success
}

describe('EstimateRequestSchema', () => {
  it('has exactly the seed page fields, model_id first', () => {
    expect(REQUEST_FIELDS).toEqual(SEED_FIELDS)
  })

  it('requires model_id as a UUID and rejects unknown keys', () => {
    expect(EstimateRequestSchema.safeParse({}).success).toBe(false)
    expect(EstimateRequestSchema.safeParse({ model_id: 'knight-style' }).success).toBe(false)
    expect(EstimateRequestSchema.safeParse({ model_id: MODEL }).success).toBe(true)
    expect(EstimateRequestSchema.safeParse({ model_id: MODEL, widht: 3 }).success).toBe(false)
  })

  it.each([
    // [field, accepted, rejected]
    ['batch_size', [1, 4, 16], [0, 17, 2.5, null, '4']],
    ['width', [1, 4096, null], [0, -1, 1.5, '1024']],
    ['height', [1, null], [0, 0.5]],
    ['fps', [25, 50, null], [0, 24.5]],
    ['face_limit', [1, 20000, null], [0, -3, 1.2]],
    ['num_inference_steps', [1, 50, null], [0, 2.5]],
    ['duration_seconds', [0.5, 8, null], [0, -1]],
    ['speed', [0.1, 1, 2.5, null], [0, -0.5]],
    ['prompt_strength', [0, 0.5, 1, null], [-0.01, 1.01]],
    ['stability', [0, 1, null], [1.5, -1]],
    ['similarity_boost', [0, 1, null], [2]],
    ['style_exaggeration', [0, 1, null], [-0.1]],
    ['guidance_scale', [-3, 0, 7.5, 123, null], ['7', Infinity, NaN]],
    ['sharpness', [0, 123, null], [true]],
    ['upscale_ratio', [2, 4, null], ['2x']],
    ['creativity', [0.3, null], [false]],
    ['resemblance', [0.8, null], ['high']],
    ['quality', ['low', 'medium', 'high', null], ['ultra', 'LOW', 1]],
    ['prompt', ['', 'a knight', 'x'.repeat(100000), '🎨'.repeat(100000), null], ['x'.repeat(100001), '🎨'.repeat(100001), 42]],
    ['generate_audio', [true, false, null], ['yes', 1]],
    ['refill', [true, null], ['true']],
    [
      'video_effects',
      [[], [{ type: 'ORBIT_360', weight: 60 }], [{ type: 'ZOOM_IN' }]],
      [
        null,
        [{ weight: 10 }],
        [{ type: '' }],
        [{ type: 'ORBIT_360', weight: 101 }],
        [{ type: 'ORBIT_360', weight: -1 }],
        [{ type: 'ORBIT_360', speed: 2 }],
        'ORBIT_360',
      ],
    ],
  ])('%s takes the seed range', (field, good, bad) => {
    for (const value of good as unknown[]) expect([field, value, accepts(field, value)]).toEqual([field, value, true])
    for (const value of bad as unknown[]) expect([field, value, accepts(field, value)]).toEqual([field, value, false])
  })

  it('leaves batch_size alone when absent (Layer applies its own default)', () => {
    const parsed = EstimateRequestSchema.parse({ model_id: MODEL })
    expect(parsed).toEqual({ model_id: MODEL })
  })
})

describe('isUuid', () => {
  it('accepts any 8-4-4-4-12 hex, either case, without an RFC variant', () => {
    expect(isUuid(MODEL)).toBe(true)
    expect(isUuid(MODEL.toUpperCase())).toBe(true)
    expect(isUuid('00000000-0000-0000-0000-000000000000')).toBe(true)
    expect(isUuid('3c90c3cc-0d44-4b50-c888-8dd25736052a')).toBe(true) // variant bits not RFC 4122
    expect(isUuid('3c90c3cc0d444b5088888dd25736052a')).toBe(false)
    expect(isUuid('3c90c3cc-0d44-4b50-8888-8dd25736052g')).toBe(false)
    expect(isUuid(`${MODEL} `)).toBe(false)
  })
})

describe('ManifestSchema', () => {
  const minimal = { version: 1, generations: [{ name: 'a', model_id: MODEL }] }

  it('accepts a minimal manifest and fills runs with 1', () => {
    const parsed = ManifestSchema.parse(minimal)
    expect(parsed.generations[0]?.runs).toBe(1)
  })

  it('rejects other versions and unknown top-level keys; an empty list of generations is valid', () => {
    expect(ManifestSchema.safeParse({ ...minimal, version: 2 }).success).toBe(false)
    expect(ManifestSchema.safeParse({ ...minimal, generations: [] }).success).toBe(true)
    expect(ManifestSchema.safeParse({ ...minimal, extra: 1 }).success).toBe(false)
  })

  it('checks runs, names, groups and alias names', () => {
    const gen = (extra: object) => ({ ...minimal, generations: [{ name: 'a', model_id: MODEL, ...extra }] })
    expect(ManifestSchema.safeParse(gen({ runs: 0 })).success).toBe(false)
    expect(ManifestSchema.safeParse(gen({ runs: 1.5 })).success).toBe(false)
    expect(ManifestSchema.safeParse(gen({ runs: 1_000_000 })).success).toBe(true)
    expect(ManifestSchema.safeParse(gen({ runs: 1_000_001 })).success).toBe(false)
    expect(ManifestSchema.safeParse(gen({ name: '  ' })).success).toBe(false)
    expect(ManifestSchema.safeParse(gen({ name: 'two\nlines' })).success).toBe(false)
    expect(ManifestSchema.safeParse(gen({ group: '' })).success).toBe(false)
    expect(ManifestSchema.safeParse(gen({ description: 'any\ntext' })).success).toBe(true)
    expect(ManifestSchema.safeParse({ ...minimal, models: { 'knight-style': MODEL } }).success).toBe(true)
    expect(ManifestSchema.safeParse({ ...minimal, models: { 'knight style': MODEL } }).success).toBe(false)
    expect(ManifestSchema.safeParse({ ...minimal, models: { [MODEL]: MODEL } }).success).toBe(false)
    expect(ManifestSchema.safeParse({ ...minimal, models: { knight: 'nope' } }).success).toBe(false)
  })

  it('keeps manifest-only keys out of defaults', () => {
    expect(ManifestSchema.safeParse({ ...minimal, defaults: { batch_size: 2 } }).success).toBe(true)
    for (const key of ['name', 'runs', 'group', 'description']) {
      expect(ManifestSchema.safeParse({ ...minimal, defaults: { [key]: 'x' } }).success).toBe(false)
    }
  })
})

/** A JSON Schema with every `description` taken out, at any depth. */
function withoutDescriptions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDescriptions)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key, inner]) => key !== 'description' || typeof inner !== 'string')
      .map(([key, inner]) => [key, withoutDescriptions(inner)]),
  )
}

describe('documentedManifestSchema', () => {
  const json = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' })

  it('checks exactly what ManifestSchema checks: the two differ only in their descriptions', () => {
    const documented = json(documentedManifestSchema())
    // A description's value is text; the generation's own `description` key maps to a schema.
    expect(JSON.stringify(documented)).toContain('"description":"')
    expect(JSON.stringify(json(ManifestSchema))).not.toContain('"description":"')
    expect(withoutDescriptions(json(ManifestSchema))).toEqual(withoutDescriptions(documented))
  })

  it('is built once, apart from the validating schema, whose fields of one kind share an instance', () => {
    expect(documentedManifestSchema()).toBe(documentedManifestSchema())
    expect(documentedManifestSchema()).not.toBe(ManifestSchema)
    expect(schemaAt(['defaults', 'keep_audio'])).toBe(schemaAt(['generations', 0, 'refill']))
    expect(schemaAt(['defaults', 'width'])).toBe(schemaAt(['defaults', 'face_limit']))
    expect(schemaAt(['defaults', 'width'])).not.toBe(schemaAt(['defaults', 'keep_audio']))
  })
})

describe('expectedAt', () => {
  it('says the accepted range in words, from the same schema', () => {
    expect(expectedAt(['generations', 0, 'batch_size'])).toBe('an integer from 1 to 16')
    expect(expectedAt(['defaults', 'width'])).toBe('an integer greater than 0, or null')
    expect(expectedAt(['generations', 3, 'prompt_strength'])).toBe('a number from 0 to 1, or null')
    expect(expectedAt(['generations', 0, 'quality'])).toBe('one of low, medium, high, or null')
    expect(expectedAt(['generations', 0, 'generate_audio'])).toBe('true or false, or null')
    expect(expectedAt(['generations', 0, 'prompt'])).toBe('a string of at most 100000 characters, or null')
    expect(expectedAt(['generations', 0, 'runs'])).toBe('an integer from 1 to 1000000')
    expect(expectedAt(['generations', 0, 'model_id'])).toBe('a model UUID or an alias defined under models:')
    expect(expectedAt(['models', 'anything'])).toBe('a UUID (8-4-4-4-12 hexadecimal digits)')
    expect(expectedAt(['generations', 0, 'video_effects', 2, 'weight'])).toBe('a number from 0 to 100')
    expect(expectedAt(['nope'])).toBeUndefined()
  })

  it('lists the keys a mapping takes', () => {
    expect(keysAt([])).toEqual(['version', 'workspace_id', 'models', 'defaults', 'generations'])
    expect(keysAt(['generations', 0, 'video_effects', 0])).toEqual(['type', 'weight'])
    expect(keysAt(['defaults'])).toEqual(SEED_FIELDS)
    expect(keysAt(['models'])).toEqual([])
  })
})
