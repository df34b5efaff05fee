/**
 * MADE-UP PRICES for the local Layer simulator. None of these models, UUIDs or numbers come from
 * Layer: they exist so tests, the README demo and the benchmark have deterministic, non-trivial
 * prices (decimals like 0.35 and 1.013 that expose float-summing bugs) without a network or a token.
 * Real prices come only from Layer's estimate endpoint.
 *
 * Every formula works in integer milli-CU and rounds half up at each step, so a price is exact
 * to 0.001 CU and the same body always gives the same price.
 */
/** Thousandths of a CU: the simulator's made-up prices have at most 3 decimals. */
type Milli = number

/** Says, wherever a simulated price shows (header value, JSON, docs), that it is invented. */
export const SIMULATOR_PRICE_NOTE = 'made-up prices'

/** The kinds of generation the made-up catalogue covers. */
export type SimModelKind = 'image' | 'video' | '3d' | 'audio' | 'upscale'

/** One model of the made-up catalogue. */
export interface SimModel {
  id: string
  name: string
  kind: SimModelKind
  /** The made-up formula in words, for docs and the demo. */
  formula: string
}

/**
 * The made-up catalogue, one model per kind. The image and video UUIDs are the ones in Layer's
 * reference page and in SPEC's example manifest, so those examples run against the simulator.
 */
export const SIM_MODELS = {
  image: {
    id: '3c90c3cc-0d44-4b50-8888-8dd25736052a',
    name: 'sim-image (made-up prices)',
    kind: 'image',
    formula:
      'per image: 0.35 CU × megapixels (width×height / 1024², default 1024×1024) × quality (low 0.5, medium/null 1, high 1.75), rounded to 0.001 (at least 0.001); ' +
      '+0.005 per inference step above 30, +0.1 remove_background, +0.2 vectorize, +0.15 reframe, +0.15 refill; × batch_size (default 4)',
  },
  video: {
    id: '0f9e8d7c-6b5a-4f3e-9d2c-1b0a9f8e7d6c',
    name: 'sim-video (made-up prices)',
    kind: 'video',
    formula:
      '1.25 CU per second (duration_seconds, default 5) × max(1, fps / 25) (fps default 25), rounded to 0.001 (at least 0.001); +0.15 per second with generate_audio; +0.5 per video effect',
  },
  threeD: {
    id: '5d1e7c2a-3b4f-4a6e-9c8d-7e6f5a4b3c2d',
    name: 'sim-3d (made-up prices)',
    kind: '3d',
    formula:
      '6.5 CU base; +1.75 include_textures, +2.25 pbr_materials, +3.1 generate_parts, +0.5 quad_mesh, +0.25 use_ta_pose, +1 when face_limit > 100000',
  },
  audio: {
    id: '8a7b6c5d-4e3f-4a1b-8c9d-0e1f2a3b4c5d',
    name: 'sim-audio (made-up prices)',
    kind: 'audio',
    formula: '0.3 CU per started 1000 prompt characters (at least one); +0.05 use_speaker_boost',
  },
  upscale: {
    id: 'c4b3a291-8f7e-4d6c-b5a4-938271605f4e',
    name: 'sim-upscale (made-up prices)',
    kind: 'upscale',
    formula: '0.45 CU × upscale_ratio² (default 2, at least 1), rounded to 0.001; +0.2 vectorize, +0.1 remove_background',
  },
} as const satisfies Record<string, SimModel>

/** The catalogue by model UUID (lower case). */
export const SIM_MODELS_BY_ID: ReadonlyMap<string, SimModel> = new Map(
  Object.values(SIM_MODELS).map((model): [string, SimModel] => [model.id, model]),
)

const QUALITY_FACTOR: Record<string, number> = { low: 0.5, medium: 1, high: 1.75 }

/** The made-up price of one request body for a kind of model, in milli-CU. */
export function simulatedPriceMilli(kind: SimModelKind, body: Record<string, unknown>): Milli {
  switch (kind) {
    case 'image': {
      const width = num(body.width, 1024)
      const height = num(body.height, 1024)
      const megapixels = (width * height) / (1024 * 1024)
      const quality = QUALITY_FACTOR[typeof body.quality === 'string' ? body.quality : 'medium'] ?? 1
      // At least 0.001 CU: a 1×1 picture still costs something.
      let perImage = Math.max(1, Math.round(350 * megapixels * quality))
      perImage += 5 * Math.max(0, num(body.num_inference_steps, 0) - 30)
      if (body.remove_background === true) perImage += 100
      if (body.vectorize === true) perImage += 200
      if (body.reframe === true) perImage += 150
      if (body.refill === true) perImage += 150
      return perImage * num(body.batch_size, 4)
    }
    case 'video': {
      const seconds = num(body.duration_seconds, 5)
      const fpsFactor = Math.max(1, num(body.fps, 25) / 25)
      let total = Math.max(1, Math.round(1250 * seconds * fpsFactor))
      if (body.generate_audio === true) total += Math.round(150 * seconds)
      if (Array.isArray(body.video_effects)) total += 500 * body.video_effects.length
      return total
    }
    case '3d': {
      let total = 6500
      if (body.include_textures === true) total += 1750
      if (body.pbr_materials === true) total += 2250
      if (body.generate_parts === true) total += 3100
      if (body.quad_mesh === true) total += 500
      if (body.use_ta_pose === true) total += 250
      if (num(body.face_limit, 0) > 100_000) total += 1000
      return total
    }
    case 'audio': {
      const chars = typeof body.prompt === 'string' ? body.prompt.length : 0
      let total = 300 * Math.max(1, Math.ceil(chars / 1000))
      if (body.use_speaker_boost === true) total += 50
      return total
    }
    case 'upscale': {
      const ratio = Math.max(1, num(body.upscale_ratio, 2))
      let total = Math.round(450 * ratio * ratio)
      if (body.vectorize === true) total += 200
      if (body.remove_background === true) total += 100
      return total
    }
  }
}

/**
 * The made-up price of a body in CU, or `undefined` when the model is not in the catalogue.
 * `fallbackKind` prices unknown models (the simulator's `acceptAnyModel`).
 */
export function simulatedPrice(body: Record<string, unknown>, fallbackKind?: SimModelKind): number | undefined {
  const id = typeof body.model_id === 'string' ? body.model_id.toLowerCase() : ''
  const kind = SIM_MODELS_BY_ID.get(id)?.kind ?? fallbackKind
  return kind === undefined ? undefined : simulatedPriceMilli(kind, body) / 1000
}

/** A numeric field's value, or the default when it is absent or null. */
function num(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback
}
