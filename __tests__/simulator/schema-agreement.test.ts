/**
 * The simulator validates bodies with its own rules, written from the seed page in pydantic's terms,
 * so that it stays an independent oracle for the manifest schema (a simulator sharing the schema
 * could never catch a mistake in it). This test pins the two together: same fields, same order, and
 * the same verdict on every boundary value, except where Layer (pydantic, lax) is knowingly more
 * lenient than the manifest.
 */
import { describe, expect, it } from '@jest/globals'
import { EstimateRequestSchema, REQUEST_FIELDS } from '../../src/manifest/schema.js'
import { SIM_MODELS } from '../../src/simulator/prices.js'
import { SIM_REQUEST_FIELDS, validateEstimateBody } from '../../src/simulator/server.js'

const MODEL = SIM_MODELS.image.id

/** Values around every range and type in the seed page. */
const CANDIDATES: unknown[] = [
  null,
  0,
  1,
  -1,
  0.5,
  1.5,
  16,
  17,
  123,
  'low',
  'medium',
  'high',
  'ultra',
  '',
  'x'.repeat(100_000),
  'x'.repeat(100_001),
  true,
  false,
  [],
  [{ type: 'ORBIT_360' }],
  [7],
  {},
]

/** Where the simulator accepts what the manifest refuses, on purpose. */
function knownLeniency(field: string, value: unknown): string | undefined {
  if ((value === 0 || value === 1) && validateEstimateBody({ model_id: MODEL, [field]: true }).errors.length === 0) {
    return 'pydantic reads 0/1 as booleans'
  }
  if (field === 'video_effects' && Array.isArray(value)) return 'the seed does not define an effect, the manifest does'
  return undefined
}

describe('the simulator and the manifest schema agree', () => {
  it('on the fields and their order', () => {
    expect(SIM_REQUEST_FIELDS).toEqual(REQUEST_FIELDS)
  })

  it('on model_id', () => {
    for (const model_id of [MODEL, MODEL.toUpperCase(), 'not-a-uuid', '', 42, null]) {
      const manifest = EstimateRequestSchema.safeParse({ model_id }).success
      const simulator = validateEstimateBody({ model_id }).errors.length === 0
      expect({ model_id, simulator }).toEqual({ model_id, simulator: manifest })
    }
  })

  it.each(REQUEST_FIELDS.filter((field) => field !== 'model_id'))('on every boundary value of %s', (field) => {
    for (const value of CANDIDATES) {
      const body = { model_id: MODEL, [field]: value }
      const manifest = EstimateRequestSchema.safeParse(body).success
      const simulator = validateEstimateBody(body).errors.length === 0
      if (simulator && !manifest && knownLeniency(field, value)) continue
      // Printing the pair makes a disagreement readable in the failure output.
      expect({ field, value: typeof value === 'string' && value.length > 20 ? `${value.length} chars` : value, simulator }).toEqual({
        field,
        value: typeof value === 'string' && value.length > 20 ? `${value.length} chars` : value,
        simulator: manifest,
      })
    }
  })
})
