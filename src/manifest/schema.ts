/**
 * The manifest (version 1) and the estimate request body as zod schemas: the single source for
 * validation (manifest/parse.ts), for the Layer simulator's request checks and for the published
 * JSON Schema (scripts/schema.ts). Field names, types, ranges and descriptions are those of
 * Layer's reference page (shared/layer-api/estimate-endpoint.seed.txt).
 */
import { z } from 'zod'

/**
 * Any 8-4-4-4-12 hexadecimal UUID, either case. Layer's ids are not required to carry an RFC 4122
 * variant/version, so `z.uuid()` (which checks those bits) would reject real ids.
 */
export const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/

/** Model alias names: short, filename-like, and never UUID-shaped (that would be ambiguous). */
export const ALIAS_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/

/** Whether `value` is a UUID as Layer accepts it. */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value)
}

/**
 * Plain-words descriptions of what a schema accepts, for messages where the JSON Schema alone
 * would be vague (e.g. "a non-empty string" for a field that takes a UUID or an alias).
 */
export const expectations = z.registry<{ expected: string }>()

const Uuid = z.guid()

/** Layer's limit on `prompt`, in characters (code points). */
const MAX_PROMPT = 100_000

/** Keys a generation may carry that are not sent to Layer. */
export const MANIFEST_ONLY_KEYS: readonly string[] = Object.freeze(['name', 'runs', 'group', 'description'])

/** The most runs one generation may declare: keeps `price x runs` far inside exact integer money. */
export const MAX_RUNS = 1_000_000

// The kinds of request field: each builds a fresh schema (see `field` in buildSchemas).
const nullableBoolean = () => z.boolean().nullable().optional()
const nullablePositiveInt = () => z.int().positive().nullable().optional()
const nullableNumber = () => z.number().nullable().optional()
const nullablePositiveNumber = () => z.number().positive().nullable().optional()
const nullableFraction = () => z.number().min(0).max(1).nullable().optional()
// Layer (Python) counts characters, not UTF-16 units: an emoji is one. JSON Schema's maxLength does too.
const promptText = () =>
  z
    .string()
    .refine((text) => text.length <= MAX_PROMPT || [...text].length <= MAX_PROMPT, { abort: true })
    .meta({ maxLength: MAX_PROMPT })
    .nullable()
    .optional()
const batchSize = () => z.int().min(1).max(16).meta({ default: 4 }).optional()
const quality = () => z.enum(['low', 'medium', 'high']).nullable().optional()

/**
 * The schemas, built one of two ways from this one definition. `documented`: every schema carries
 * its description (each field its own instance), for the published JSON Schema. Otherwise, for
 * validation: no descriptions (nothing reads them there) and the fields of one kind share one
 * instance, which checks exactly what the documented build checks. Building a zod schema costs
 * per instance: this makes the action's start-up build about a quarter of the instances.
 */
function buildSchemas(documented: boolean) {
  const describe = <T extends z.ZodType>(schema: T, description: string): T => (documented ? schema.describe(description) : schema)
  const shared = new Map<() => z.ZodType, z.ZodType>()
  /** A request field of the kind `make` builds, described in the documented build, else shared. */
  const field = <T extends z.ZodType>(make: () => T, description: string): T => {
    if (documented) return make().describe(description)
    let schema = shared.get(make)
    if (schema === undefined) shared.set(make, (schema = make()))
    // The map holds, for each `make`, what that `make` returned.
    return schema as T
  }

  /** Seed: `model_id string<uuid> required`. */
  const ModelUuid = describe(Uuid, 'Model/style ID to use for generation.')

  /** In a manifest, `model_id` may also name an alias from `models`. */
  const ModelRef = describe(
    z.string().min(1),
    'Model/style ID to use for generation: a model UUID, or an alias defined under `models`.',
  ).register(expectations, { expected: 'a model UUID or an alias defined under models:' })

  /**
   * `ForgeVideoEffectInput`: the seed names the type without listing its fields. We accept the
   * shape Layer's apps send, `{ type, weight? }`, as a strict object so a typo is an error rather
   * than a silently different price; widening it later is backwards compatible, narrowing is not.
   */
  const VideoEffectSchema = describe(
    z.strictObject({
      type: describe(z.string().min(1), 'The effect, by the name Layer gives it.'),
      weight: describe(z.number().min(0).max(100).optional(), 'Strength of the effect, from 0 to 100.'),
    }),
    'A video effect (Layer: ForgeVideoEffectInput).',
  )

  /** The request fields other than `model_id`, all optional, with the seed's types and ranges. */
  const requestFieldShape = {
    prompt: field(promptText, 'Text prompt.'),
    width: field(nullablePositiveInt, 'Output width in pixels.'),
    height: field(nullablePositiveInt, 'Output height in pixels.'),
    batch_size: field(batchSize, 'Number of outputs (1-16).'),
    num_inference_steps: field(nullablePositiveInt, 'Number of diffusion steps.'),
    guidance_scale: field(nullableNumber, 'Guidance scale (CFG).'),
    prompt_strength: field(nullableFraction, 'Prompt strength for img2img (0-1).'),
    quality: field(quality, 'Quality level: low, medium, or high.'),
    sharpness: field(nullableNumber, 'Output sharpness.'),
    duration_seconds: field(nullablePositiveNumber, 'Video duration in seconds.'),
    generate_audio: field(nullableBoolean, 'Generate audio with video.'),
    keep_audio: field(nullableBoolean, 'Keep audio from input video.'),
    fps: field(nullablePositiveInt, 'FPS for LTX video generation (e.g. 25 or 50).'),
    video_effects: describe(z.array(VideoEffectSchema).optional(), 'Video effects to apply.'),
    use_ta_pose: field(nullableBoolean, 'Use T/A pose for 3D.'),
    include_textures: field(nullableBoolean, 'Include textures in 3D output.'),
    quad_mesh: field(nullableBoolean, 'Generate quad mesh.'),
    pbr_materials: field(nullableBoolean, 'Generate PBR materials.'),
    low_poly: field(nullableBoolean, 'Generate low-poly mesh.'),
    generate_parts: field(nullableBoolean, 'Generate separate parts.'),
    face_limit: field(nullablePositiveInt, 'Face/polygon limit for 3D mesh.'),
    stability: field(nullableFraction, 'Audio stability (0-1).'),
    use_speaker_boost: field(nullableBoolean, 'Boost speaker clarity.'),
    similarity_boost: field(nullableFraction, 'Voice similarity boost (0-1).'),
    style_exaggeration: field(nullableFraction, 'Style exaggeration (0-1).'),
    speed: field(nullablePositiveNumber, 'Speech speed multiplier.'),
    upscale_ratio: field(nullableNumber, 'Upscale factor (e.g. 2.0, 4.0).'),
    creativity: field(nullableNumber, 'Creative variation strength for upscaling.'),
    resemblance: field(nullableNumber, 'Resemblance to original for upscaling.'),
    vectorize: field(nullableBoolean, 'Vectorize the output image.'),
    remove_background: field(nullableBoolean, 'Remove background from output.'),
    reframe: field(nullableBoolean, 'Reframe/extend the image.'),
    refill: field(nullableBoolean, 'Outpaint/refill transparent areas.'),
  }

  /**
   * The JSON body of `POST /v1/workspaces/{workspace_id}/inferences/estimate` as the seed page
   * defines it: `model_id` (a UUID) required, every other field optional, unknown keys rejected.
   */
  const EstimateRequestSchema = describe(
    z.strictObject({ model_id: ModelUuid, ...requestFieldShape }),
    'REST request body for estimating inference price. workspace_id comes from path.',
  )

  /** Request fields shared by every generation; a generation's own value for a key replaces it. */
  const DefaultsSchema = describe(
    z.strictObject({ model_id: ModelRef.optional(), ...requestFieldShape }),
    'Estimate request fields merged under every generation (a generation that sets a field replaces the default for that field).',
  )

  const GenerationName = describe(
    z
      .string()
      .regex(/^[^\r\n]*\S[^\r\n]*$/)
      .max(200),
    'Name of the generation, unique in this file; shown in the report.',
  ).register(expectations, {
    expected: 'a non-empty name on one line, at most 200 characters',
  })

  const GroupName = describe(
    z
      .string()
      .regex(/^[^\r\n]*\S[^\r\n]*$/)
      .max(100),
    'Optional group: the report shows a subtotal per group.',
  ).register(expectations, { expected: 'a non-empty group name on one line, at most 100 characters' })

  /** One planned generation: the manifest-only keys plus the request fields (defaults fill the rest). */
  const GenerationSchema = describe(
    z.strictObject({
      name: GenerationName,
      description: describe(z.string().optional(), 'Free text for people reading the manifest; not sent to Layer.'),
      group: GroupName.optional(),
      runs: describe(z.int().min(1).max(MAX_RUNS).default(1), 'How many times this generation will run; its price is multiplied by this.'),
      model_id: ModelRef.optional(),
      ...requestFieldShape,
    }),
    'A planned Layer generation: its estimate request fields plus name, runs, group and description.',
  ).register(expectations, { expected: 'a generation: a mapping with name, model_id and estimate request fields' })

  /** The manifest, version 1 (SPEC section 1). */
  const ManifestSchema = describe(
    z.strictObject({
      version: describe(z.literal(1), 'Manifest format version. Only 1 exists.'),
      workspace_id: describe(
        Uuid.optional(),
        'Layer workspace UUID to price against when the action input `workspace-id` is not set (both set and different is an error).',
      ),
      models: describe(
        z.record(AliasNameSchema, describe(Uuid, 'The model UUID this alias stands for.')).optional(),
        'Model aliases: name -> model UUID. A generation may then write the name as its model_id.',
      ),
      defaults: DefaultsSchema.optional(),
      generations: describe(z.array(GenerationSchema), 'The planned generations; an empty list plans nothing (0 CU, no estimate request).'),
    }),
    'Planned Layer generations, priced by layer-budget-gate before they run.',
  )

  return { EstimateRequestSchema, DefaultsSchema, GenerationSchema, ManifestSchema, VideoEffectSchema }
}

/** A key of `models`. */
export const AliasNameSchema = z
  .string()
  .regex(ALIAS_PATTERN)
  .refine((name) => !isUuid(name), { message: 'an alias must not be a UUID' })
  .register(expectations, {
    expected: 'a name of letters, digits, ".", "_" and "-" (at most 100 characters, starting with a letter or digit) that is not a UUID',
  })

/** The schemas the action validates with (no descriptions; fields of one kind share an instance). */
export const { EstimateRequestSchema, DefaultsSchema, GenerationSchema, ManifestSchema, VideoEffectSchema } = buildSchemas(false)

let documented: ReturnType<typeof buildSchemas> | undefined

/** The manifest schema with every description, for the published JSON Schema (built on the first call). */
export function documentedManifestSchema(): typeof ManifestSchema {
  return (documented ??= buildSchemas(true)).ManifestSchema
}

/** Every field of the estimate request body, `model_id` first, in the seed page's order. */
export const REQUEST_FIELDS: readonly string[] = Object.freeze(Object.keys(EstimateRequestSchema.shape))

/** A manifest as written (before defaults are merged and aliases resolved). */
export type ManifestDocument = z.input<typeof ManifestSchema>

type Segment = string | number

/** Strips `.optional()`, `.nullable()` and `.default()` to reach the schema that does the checking. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema
  while (current instanceof z.ZodOptional || current instanceof z.ZodNullable || current instanceof z.ZodDefault) {
    current = current.unwrap() as z.ZodType
  }
  return current
}

/** The schema that validates the value at `path` in a manifest, or undefined when no key is allowed there. */
export function schemaAt(path: readonly Segment[]): z.ZodType | undefined {
  let current: z.ZodType = ManifestSchema
  for (const segment of path) {
    const inner = unwrap(current)
    let next: z.ZodType | undefined
    if (typeof segment === 'number') {
      next = inner instanceof z.ZodArray ? (inner.element as z.ZodType) : undefined
    } else if (inner instanceof z.ZodObject) {
      const shape = inner.shape as Record<string, z.ZodType>
      next = Object.hasOwn(shape, segment) ? shape[segment] : undefined
    } else if (inner instanceof z.ZodRecord) {
      next = inner.valueType as z.ZodType
    }
    if (next === undefined) return undefined
    current = next
  }
  return current
}

/** The keys allowed in the mapping at `path` (empty when that is not a fixed-key mapping). */
export function keysAt(path: readonly Segment[]): readonly string[] {
  const schema = schemaAt(path)
  const inner = schema && unwrap(schema)
  return inner instanceof z.ZodObject ? Object.keys(inner.shape as object) : []
}

interface JsonSchemaNode {
  type?: string | string[]
  anyOf?: JsonSchemaNode[]
  enum?: unknown[]
  const?: unknown
  format?: string
  minimum?: number
  maximum?: number
  exclusiveMinimum?: number
  exclusiveMaximum?: number
  minLength?: number
  maxLength?: number
  minItems?: number
  items?: JsonSchemaNode
}

const expectedCache = new WeakMap<z.ZodType, string>()

/**
 * What the schema at `path` accepts, in words ("an integer from 1 to 16", "true or false, or null"),
 * derived from the same zod schema so messages never drift from the validation.
 */
export function expectedAt(path: readonly Segment[]): string | undefined {
  const schema = schemaAt(path)
  if (schema === undefined) return undefined
  const cached = expectedCache.get(schema)
  if (cached !== undefined) return cached
  const custom = expectations.get(unwrap(schema))?.expected
  let text: string
  if (custom !== undefined) {
    text = isNullable(schema) ? `${custom}, or null` : custom
  } else {
    text = describeJsonSchema(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaNode)
  }
  expectedCache.set(schema, text)
  return text
}

function isNullable(schema: z.ZodType): boolean {
  return schema.safeParse(null).success
}

/** Beyond this, bounds are zod's safe-integer guards, not the seed's ranges: not worth saying. */
const SAFE = Number.MAX_SAFE_INTEGER

function describeJsonSchema(node: JsonSchemaNode): string {
  if (node.anyOf) {
    const nullable = node.anyOf.some((option) => option.type === 'null')
    const parts = node.anyOf.filter((option) => option.type !== 'null').map(describeJsonSchema)
    return parts.join(' or ') + (nullable ? ', or null' : '')
  }
  if (Array.isArray(node.type)) {
    // zod writes `T | null` of a primitive as `type: [T, "null"]`
    const types = node.type.filter((type) => type !== 'null')
    const nullable = types.length < node.type.length
    const parts = types.map((type) => describeJsonSchema({ ...node, type }))
    return parts.join(' or ') + (nullable ? ', or null' : '')
  }
  if (node.const !== undefined) return JSON.stringify(node.const)
  if (node.enum) return `one of ${node.enum.map(String).join(', ')}`
  switch (node.type) {
    case 'integer':
      return describeRange('an integer', node)
    case 'number':
      return describeRange('a number', node)
    case 'boolean':
      return 'true or false'
    case 'string': {
      if (node.format === 'uuid') return 'a UUID (8-4-4-4-12 hexadecimal digits)'
      const noun = node.minLength !== undefined && node.minLength > 0 ? 'a non-empty string' : 'a string'
      return node.maxLength !== undefined ? `${noun} of at most ${node.maxLength} characters` : noun
    }
    case 'array': {
      const items = node.items?.type === 'object' ? ' of mappings' : ''
      return node.minItems ? `a list${items} with at least ${node.minItems} item${node.minItems === 1 ? '' : 's'}` : `a list${items}`
    }
    case 'object':
      return 'a mapping'
    default:
      return 'a valid value'
  }
}

function describeRange(noun: string, node: JsonSchemaNode): string {
  const min = node.minimum !== undefined && Math.abs(node.minimum) < SAFE ? node.minimum : undefined
  const max = node.maximum !== undefined && Math.abs(node.maximum) < SAFE ? node.maximum : undefined
  const above = node.exclusiveMinimum
  if (min !== undefined && max !== undefined) return `${noun} from ${min} to ${max}`
  if (above !== undefined && max !== undefined) return `${noun} greater than ${above} and at most ${max}`
  if (above !== undefined) return `${noun} greater than ${above}`
  if (min !== undefined) return `${noun} of at least ${min}`
  if (max !== undefined) return `${noun} of at most ${max}`
  return noun
}
