import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { SIMULATOR_PRICE_NOTE, SIM_MODELS, SIM_MODELS_BY_ID, simulatedPrice, simulatedPriceMilli } from '../../src/simulator/prices.js'

const { image, video, threeD, audio, upscale } = SIM_MODELS

describe('the made-up catalogue', () => {
  it('is labelled as made up everywhere', () => {
    expect(SIMULATOR_PRICE_NOTE).toBe('made-up prices')
    for (const model of Object.values(SIM_MODELS)) expect(model.name).toContain('made-up prices')
  })

  it('covers image, video, 3D, audio and upscale with distinct lower-case UUIDs', () => {
    expect(Object.values(SIM_MODELS).map((m) => m.kind)).toEqual(['image', 'video', '3d', 'audio', 'upscale'])
    const ids = Object.values(SIM_MODELS).map((m) => m.id)
    expect(new Set(ids).size).toBe(5)
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
    expect(SIM_MODELS_BY_ID.get(video.id)?.kind).toBe('video')
  })
})

describe('simulatedPrice', () => {
  it.each<[string, Record<string, unknown>, number]>([
    ['image defaults (1024², medium, batch 4)', { model_id: image.id }, 1.4],
    ['image, one low-quality 512² picture', { model_id: image.id, width: 512, height: 512, quality: 'low', batch_size: 1 }, 0.044],
    ['image, high quality', { model_id: image.id, quality: 'high', batch_size: 1 }, 0.613],
    [
      'image, 40 steps and extras',
      { model_id: image.id, num_inference_steps: 40, remove_background: true, vectorize: true, batch_size: 2 },
      1.4,
    ],
    ['image, reframe + refill, batch 3', { model_id: image.id, reframe: true, refill: true, batch_size: 3 }, 1.95],
    ['video defaults (5 s at 25 fps)', { model_id: video.id }, 6.25],
    ['video, 8 s with audio', { model_id: video.id, duration_seconds: 8, fps: 25, generate_audio: true }, 11.2],
    ['video, 2.5 s at 50 fps with two effects', { model_id: video.id, duration_seconds: 2.5, fps: 50, video_effects: [{}, {}] }, 7.25],
    ['3D base', { model_id: threeD.id }, 6.5],
    [
      '3D everything',
      {
        model_id: threeD.id,
        include_textures: true,
        pbr_materials: true,
        generate_parts: true,
        quad_mesh: true,
        use_ta_pose: true,
        face_limit: 200_000,
      },
      15.35,
    ],
    ['audio, empty prompt', { model_id: audio.id }, 0.3],
    ['audio, 1001 characters with speaker boost', { model_id: audio.id, prompt: 'a'.repeat(1001), use_speaker_boost: true }, 0.65],
    ['upscale default ×2', { model_id: upscale.id }, 1.8],
    ['upscale ×1.5', { model_id: upscale.id, upscale_ratio: 1.5 }, 1.013],
    ['upscale ×4 vectorized without background', { model_id: upscale.id, upscale_ratio: 4, vectorize: true, remove_background: true }, 7.5],
    ['upscale ratio below 1 counts as 1', { model_id: upscale.id, upscale_ratio: 0.5 }, 0.45],
  ])('%s', (_name, body, expected) => {
    expect(simulatedPrice(body)).toBe(expected)
  })

  it('treats null like an absent field', () => {
    expect(simulatedPrice({ model_id: image.id, width: null, height: null, quality: null })).toBe(1.4)
  })

  it('is case-insensitive on the model id', () => {
    expect(simulatedPrice({ model_id: video.id.toUpperCase() })).toBe(6.25)
  })

  it('prices unknown models only with a fallback kind', () => {
    const unknown = { model_id: '00000000-0000-4000-8000-000000000000' }
    expect(simulatedPrice(unknown)).toBeUndefined()
    expect(simulatedPrice(unknown, 'image')).toBe(1.4)
  })

  it('is an integer number of milli-CU, the same for the same body, and positive', () => {
    const kinds = ['image', 'video', '3d', 'audio', 'upscale'] as const
    fc.assert(
      fc.property(
        fc.constantFrom(...kinds),
        fc.record(
          {
            width: fc.integer({ min: 1, max: 8192 }),
            height: fc.integer({ min: 1, max: 8192 }),
            batch_size: fc.integer({ min: 1, max: 16 }),
            quality: fc.constantFrom('low', 'medium', 'high', null),
            duration_seconds: fc.double({ min: 0.1, max: 120, noNaN: true }),
            fps: fc.integer({ min: 1, max: 120 }),
            prompt: fc.string({ maxLength: 3000 }),
            upscale_ratio: fc.double({ min: -4, max: 8, noNaN: true }),
            generate_audio: fc.boolean(),
          },
          { requiredKeys: [] },
        ),
        (kind, body) => {
          const milli = simulatedPriceMilli(kind, body)
          expect(Number.isSafeInteger(milli)).toBe(true)
          expect(milli).toBeGreaterThan(0)
          expect(simulatedPriceMilli(kind, { ...body })).toBe(milli)
        },
      ),
    )
  })
})
