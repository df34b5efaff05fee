/**
 * The simulator's request validation, written from the seed page rather than imported from the
 * manifest schema (a stand-in that shares the client's schema could never catch a mistake in it):
 * reading the body, FastAPI's `json_invalid`, and pydantic v2's error types and messages for every
 * field. Like pydantic's default (lax) mode it accepts "4" for an integer and ignores unknown fields
 * unless told to forbid them.
 */
import type { IncomingMessage } from 'node:http'

/** One pydantic-style validation error, as in a 422 answer's `detail` list. */
export interface DetailItem {
  type: string
  loc: (string | number)[]
  msg: string
  input?: unknown
  ctx?: Record<string, unknown>
}

const MAX_BODY_BYTES = 1024 * 1024
/** A UUID in pydantic's accepted spellings. */
export const UUID =
  /^(?:urn:uuid:)?(?:[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}|\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\})$/i

/** A request body as read: its JSON, or the 422 item that says why it is not. */
export type RawBody = { ok: true; json: unknown; tooLarge: false } | { ok: false; error: DetailItem; tooLarge: boolean }

/** Reads and parses the request body; a JSON error becomes FastAPI's `json_invalid` item. */
export async function readBody(req: IncomingMessage): Promise<RawBody> {
  const chunks: Buffer[] = []
  let size = 0
  let tooLarge = false
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY_BYTES) tooLarge = true
    else chunks.push(chunk)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  if (tooLarge) return { ok: false, tooLarge, error: { type: 'too_large', loc: ['body'], msg: 'Request body too large' } }
  if (text.trim() === '') return { ok: false, tooLarge, error: { type: 'missing', loc: ['body'], msg: 'Field required', input: null } }
  try {
    return { ok: true, json: JSON.parse(text) as unknown, tooLarge }
  } catch (error) {
    return {
      ok: false,
      tooLarge,
      error: { type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error', input: {}, ctx: { error: String(error) } },
    }
  }
}
/** A UUID in pydantic's accepted spellings, as the canonical lower-case hyphenated form. */
export function normaliseUuid(text: string): string {
  const hex = text
    .replace(/^urn:uuid:/i, '')
    .replace(/[{}-]/g, '')
    .toLowerCase()
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

type FieldType = 'uuid' | 'string' | 'int' | 'number' | 'bool' | 'enum' | 'objects'

interface FieldSpec {
  type: FieldType
  /** `null` allowed (the seed's "| null"). */
  nullable: boolean
  required?: boolean
  gt?: number
  ge?: number
  le?: number
  maxLength?: number
  values?: readonly string[]
}

const nullable = (type: FieldType, extra: Partial<FieldSpec> = {}): FieldSpec => ({ type, nullable: true, ...extra })

/** The seed page's request fields, in its order (pydantic reports errors in field order). */
const FIELDS: Readonly<Record<string, FieldSpec>> = {
  model_id: { type: 'uuid', nullable: false, required: true },
  prompt: nullable('string', { maxLength: 100_000 }),
  width: nullable('int', { gt: 0 }),
  height: nullable('int', { gt: 0 }),
  batch_size: { type: 'int', nullable: false, ge: 1, le: 16 },
  num_inference_steps: nullable('int', { gt: 0 }),
  guidance_scale: nullable('number'),
  prompt_strength: nullable('number', { ge: 0, le: 1 }),
  quality: nullable('enum', { values: ['low', 'medium', 'high'] }),
  sharpness: nullable('number'),
  duration_seconds: nullable('number', { gt: 0 }),
  generate_audio: nullable('bool'),
  keep_audio: nullable('bool'),
  fps: nullable('int', { gt: 0 }),
  video_effects: { type: 'objects', nullable: false },
  use_ta_pose: nullable('bool'),
  include_textures: nullable('bool'),
  quad_mesh: nullable('bool'),
  pbr_materials: nullable('bool'),
  low_poly: nullable('bool'),
  generate_parts: nullable('bool'),
  face_limit: nullable('int', { gt: 0 }),
  stability: nullable('number', { ge: 0, le: 1 }),
  use_speaker_boost: nullable('bool'),
  similarity_boost: nullable('number', { ge: 0, le: 1 }),
  style_exaggeration: nullable('number', { ge: 0, le: 1 }),
  speed: nullable('number', { gt: 0 }),
  upscale_ratio: nullable('number'),
  creativity: nullable('number'),
  resemblance: nullable('number'),
  vectorize: nullable('bool'),
  remove_background: nullable('bool'),
  reframe: nullable('bool'),
  refill: nullable('bool'),
}

/** The request fields the simulator knows (the seed page's), in the seed's order. */
export const SIM_REQUEST_FIELDS: readonly string[] = Object.keys(FIELDS)

/**
 * Validates an estimate body like Layer's FastAPI service would: every error at once, pydantic
 * v2 types and messages, `loc` starting with "body". Returns the body with lax conversions
 * applied ("4" -> 4), and without unknown fields, when there is no error.
 */
export function validateEstimateBody(
  json: unknown,
  options: { forbidExtraFields?: boolean } = {},
): { errors: DetailItem[]; body: Record<string, unknown> | undefined } {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return {
      errors: [
        {
          type: 'model_attributes_type',
          loc: ['body'],
          msg: 'Input should be a valid dictionary or object to extract fields from',
          input: json,
        },
      ],
      body: undefined,
    }
  }
  const input = json as Record<string, unknown>
  const errors: DetailItem[] = []
  const body: Record<string, unknown> = {}
  for (const [name, spec] of Object.entries(FIELDS)) {
    if (!Object.hasOwn(input, name)) {
      if (spec.required) errors.push({ type: 'missing', loc: ['body', name], msg: 'Field required', input })
      continue
    }
    const result = checkField(name, spec, input[name])
    if ('error' in result) errors.push(...result.error)
    else body[name] = result.value
  }
  if (options.forbidExtraFields) {
    for (const name of Object.keys(input)) {
      if (!Object.hasOwn(FIELDS, name)) {
        errors.push({ type: 'extra_forbidden', loc: ['body', name], msg: 'Extra inputs are not permitted', input: input[name] })
      }
    }
  }
  return errors.length > 0 ? { errors, body: undefined } : { errors, body }
}

function checkField(name: string, spec: FieldSpec, value: unknown): { value: unknown } | { error: DetailItem[] } {
  const loc = ['body', name]
  if (value === null) {
    if (spec.nullable) return { value: null }
    return { error: [nullError(spec, loc)] }
  }
  switch (spec.type) {
    case 'uuid':
      if (typeof value !== 'string')
        return { error: [{ type: 'uuid_type', loc, msg: 'UUID input should be a string, bytes or UUID object', input: value }] }
      if (!UUID.test(value)) return { error: [uuidError(loc, value)] }
      return { value }
    case 'string':
      if (typeof value !== 'string') return { error: [{ type: 'string_type', loc, msg: 'Input should be a valid string', input: value }] }
      // Python (and so pydantic) counts code points: an emoji is one character, not two UTF-16 units.
      if (spec.maxLength !== undefined && value.length > spec.maxLength && [...value].length > spec.maxLength) {
        return {
          error: [
            {
              type: 'string_too_long',
              loc,
              msg: `String should have at most ${spec.maxLength} characters`,
              input: value.slice(0, 100),
              ctx: { max_length: spec.maxLength },
            },
          ],
        }
      }
      return { value }
    case 'enum': {
      const values = spec.values ?? []
      const expected =
        values.length > 1
          ? `${values
              .slice(0, -1)
              .map((v) => `'${v}'`)
              .join(', ')} or '${values.at(-1)}'`
          : `'${values[0]}'`
      if (typeof value !== 'string' || !values.includes(value)) {
        return { error: [{ type: 'enum', loc, msg: `Input should be ${expected}`, input: value, ctx: { expected } }] }
      }
      return { value }
    }
    case 'bool': {
      if (typeof value === 'boolean') return { value }
      const lax = laxBool(value)
      if (lax !== undefined) return { value: lax }
      return typeof value === 'string'
        ? { error: [{ type: 'bool_parsing', loc, msg: 'Input should be a valid boolean, unable to interpret input', input: value }] }
        : { error: [{ type: 'bool_type', loc, msg: 'Input should be a valid boolean', input: value }] }
    }
    case 'int': {
      let number: number
      if (typeof value === 'number') {
        if (!Number.isInteger(value)) {
          return {
            error: [
              { type: 'int_from_float', loc, msg: 'Input should be a valid integer, got a number with a fractional part', input: value },
            ],
          }
        }
        number = value
      } else if (typeof value === 'string') {
        if (!/^\s*[+-]?\d+\s*$/.test(value)) {
          return {
            error: [
              { type: 'int_parsing', loc, msg: 'Input should be a valid integer, unable to parse string as an integer', input: value },
            ],
          }
        }
        number = Number(value)
      } else {
        return { error: [{ type: 'int_type', loc, msg: 'Input should be a valid integer', input: value }] }
      }
      return checkRange(loc, spec, number)
    }
    case 'number': {
      let number: number
      if (typeof value === 'number') number = value
      else if (typeof value === 'string') {
        number = value.trim() === '' ? Number.NaN : Number(value)
        if (Number.isNaN(number)) {
          return {
            error: [
              { type: 'float_parsing', loc, msg: 'Input should be a valid number, unable to parse string as a number', input: value },
            ],
          }
        }
      } else {
        return { error: [{ type: 'float_type', loc, msg: 'Input should be a valid number', input: value }] }
      }
      return checkRange(loc, spec, number)
    }
    case 'objects': {
      if (!Array.isArray(value)) return { error: [{ type: 'list_type', loc, msg: 'Input should be a valid list', input: value }] }
      const errors: DetailItem[] = []
      value.forEach((item: unknown, i) => {
        if (typeof item !== 'object' || item === null || Array.isArray(item)) {
          errors.push({
            type: 'model_type',
            loc: [...loc, i],
            msg: 'Input should be a valid dictionary or object to extract fields from',
            input: item,
          })
        }
      })
      return errors.length > 0 ? { error: errors } : { value }
    }
  }
}

function checkRange(loc: (string | number)[], spec: FieldSpec, value: number): { value: number } | { error: DetailItem[] } {
  if (spec.gt !== undefined && !(value > spec.gt)) {
    return { error: [{ type: 'greater_than', loc, msg: `Input should be greater than ${spec.gt}`, input: value, ctx: { gt: spec.gt } }] }
  }
  if (spec.ge !== undefined && !(value >= spec.ge)) {
    return {
      error: [
        { type: 'greater_than_equal', loc, msg: `Input should be greater than or equal to ${spec.ge}`, input: value, ctx: { ge: spec.ge } },
      ],
    }
  }
  if (spec.le !== undefined && !(value <= spec.le)) {
    return {
      error: [
        { type: 'less_than_equal', loc, msg: `Input should be less than or equal to ${spec.le}`, input: value, ctx: { le: spec.le } },
      ],
    }
  }
  return { value }
}

function nullError(spec: FieldSpec, loc: (string | number)[]): DetailItem {
  const byType: Record<FieldType, [string, string]> = {
    uuid: ['uuid_type', 'UUID input should be a string, bytes or UUID object'],
    string: ['string_type', 'Input should be a valid string'],
    int: ['int_type', 'Input should be a valid integer'],
    number: ['float_type', 'Input should be a valid number'],
    bool: ['bool_type', 'Input should be a valid boolean'],
    enum: ['enum', 'Input should be a valid enumeration member'],
    objects: ['list_type', 'Input should be a valid list'],
  }
  const [type, msg] = byType[spec.type]
  return { type, loc, msg, input: null }
}

export function uuidError(loc: (string | number)[], value: string): DetailItem {
  return { type: 'uuid_parsing', loc, msg: 'Input should be a valid UUID, unable to parse string as a UUID', input: value }
}

/** pydantic's lax booleans: 0/1 and the usual words. */
function laxBool(value: unknown): boolean | undefined {
  if (value === 0 || value === 1) return value === 1
  if (typeof value !== 'string') return undefined
  const word = value.trim().toLowerCase()
  if (['true', 't', 'yes', 'y', 'on', '1'].includes(word)) return true
  if (['false', 'f', 'no', 'n', 'off', '0'].includes(word)) return false
  return undefined
}
