/** The simulator's request validation, pure: pydantic v2's error types and messages for the seed page's fields. */
import { describe, expect, it } from '@jest/globals'
import { SIM_MODELS } from '../../src/simulator/prices.js'
import { SIM_REQUEST_FIELDS, validateEstimateBody } from '../../src/simulator/validation.js'

const IMAGE = SIM_MODELS.image.id

describe('validateEstimateBody', () => {
  it('knows every field of the seed page', () => {
    expect(SIM_REQUEST_FIELDS).toHaveLength(34)
    expect(SIM_REQUEST_FIELDS[0]).toBe('model_id')
    expect(SIM_REQUEST_FIELDS.at(-1)).toBe('refill')
  })

  it('accepts the seed page example body as is', () => {
    const example = {
      model_id: '3c90c3cc-0d44-4b50-8888-8dd25736052a',
      prompt: '<string>',
      width: 1,
      height: 1,
      batch_size: 4,
      num_inference_steps: 1,
      guidance_scale: 123,
      prompt_strength: 0.5,
      quality: 'low',
      sharpness: 123,
      duration_seconds: 1,
      generate_audio: true,
      keep_audio: true,
      fps: 1,
      video_effects: [],
      use_ta_pose: true,
      include_textures: true,
      quad_mesh: true,
      pbr_materials: true,
      low_poly: true,
      generate_parts: true,
      face_limit: 1,
      stability: 0.5,
      use_speaker_boost: true,
      similarity_boost: 0.5,
      style_exaggeration: 0.5,
      speed: 1,
      upscale_ratio: 123,
      creativity: 123,
      resemblance: 123,
      vectorize: true,
      remove_background: true,
      reframe: true,
      refill: true,
    }
    const result = validateEstimateBody(example)
    expect(result.errors).toEqual([])
    expect(result.body).toEqual(example)
  })

  it.each<[string, unknown, string, string]>([
    ['prompt', 'x'.repeat(100_001), 'string_too_long', 'String should have at most 100000 characters'],
    ['width', 1.5, 'int_from_float', 'Input should be a valid integer, got a number with a fractional part'],
    ['height', 'tall', 'int_parsing', 'Input should be a valid integer, unable to parse string as an integer'],
    ['fps', true, 'int_type', 'Input should be a valid integer'],
    ['batch_size', 0, 'greater_than_equal', 'Input should be greater than or equal to 1'],
    ['duration_seconds', 0, 'greater_than', 'Input should be greater than 0'],
    ['speed', 'fast', 'float_parsing', 'Input should be a valid number, unable to parse string as a number'],
    ['guidance_scale', [], 'float_type', 'Input should be a valid number'],
    ['stability', 1.01, 'less_than_equal', 'Input should be less than or equal to 1'],
    ['generate_audio', 'maybe', 'bool_parsing', 'Input should be a valid boolean, unable to interpret input'],
    ['vectorize', 2, 'bool_type', 'Input should be a valid boolean'],
    ['video_effects', null, 'list_type', 'Input should be a valid list'],
    ['video_effects', {}, 'list_type', 'Input should be a valid list'],
    ['model_id', 42, 'uuid_type', 'UUID input should be a string, bytes or UUID object'],
    ['model_id', '3c90c3cc-0d44-4b50-8888-8dd25736052', 'uuid_parsing', 'Input should be a valid UUID, unable to parse string as a UUID'],
  ])('%s = %j -> %s', (field, value, type, msg) => {
    const body = { model_id: IMAGE, [field]: value }
    const { errors } = validateEstimateBody(body)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ type, loc: ['body', field], msg })
  })

  it('counts a prompt in code points, as Python does: 100,000 emoji pass, 100,001 do not', () => {
    expect(validateEstimateBody({ model_id: IMAGE, prompt: '🎨'.repeat(100_000) }).errors).toEqual([])
    const { errors } = validateEstimateBody({ model_id: IMAGE, prompt: '🎨'.repeat(100_001) })
    expect(errors).toEqual([expect.objectContaining({ type: 'string_too_long', loc: ['body', 'prompt'] })])
  })

  it('applies lax conversions and allows null where the seed does', () => {
    const { errors, body } = validateEstimateBody({
      model_id: IMAGE,
      width: '512',
      speed: '1.5',
      quad_mesh: 'off',
      fps: null,
      prompt: null,
    })
    expect(errors).toEqual([])
    expect(body).toEqual({ model_id: IMAGE, width: 512, speed: 1.5, quad_mesh: false, fps: null, prompt: null })
  })
})
