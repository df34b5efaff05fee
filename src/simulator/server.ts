/**
 * A local stand-in for Layer's estimate endpoint (a real `node:http` server) with MADE-UP prices
 * (see prices.ts): it backs the client's tests, the README demo and the benchmark, with no network
 * and no real token. It behaves like the FastAPI service the seed page describes:
 *
 * - `POST {url}/v1/workspaces/{workspace_id}/inferences/estimate`, where `url` ends in `/api`;
 *   other paths answer 404, other methods on that path 405.
 * - Checks in FastAPI's order: the Bearer token (401, or 403 for the "forbidden" token), then the
 *   path and body (422 with pydantic-style `detail` items), then the workspace and model (404).
 * - Validation is the simulator's own, written from the seed page rather than imported from the
 *   manifest schema: a stand-in that shares the client's schema could never catch a mistake in it.
 *   Like pydantic's default (lax) mode, it accepts "4" for an integer and ignores unknown fields
 *   (`forbidExtraFields` makes them 422 `extra_forbidden`).
 * - Faults (a status, a reset socket, a hang, a malformed, mistyped or wrong-valued answer) can be
 *   planned per request, and a latency added to every answer, to exercise retries and timeouts.
 */
import { STATUS_CODES, createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { ConfigError } from '../errors.js'
import { toMicro } from '../money.js'
import { SIMULATOR_PRICE_NOTE, SIM_MODELS_BY_ID, simulatedPriceMilli } from './prices.js'

/** The workspace every simulator knows unless told otherwise (SPEC's example workspace id). */
export const SIM_WORKSPACE_ID = '6f1c2d9e-8b1a-4c53-9f0e-2a7d4b8c1e55'
/** Its balance in CU (made up, with decimals on purpose). */
export const SIM_DEFAULT_BALANCE = 2500.75
/** The token the simulator accepts by default. */
export const SIM_TOKEN = 'sim-token'
/** A token the simulator knows but refuses with 403 (valid, lacks access). */
export const SIM_FORBIDDEN_TOKEN = 'sim-forbidden-token'

/** Something to do instead of (or to) the normal answer of one estimate request. */
export type Fault =
  /** Answer this status; `body` as is (JSON `{"detail": <reason>}` by default). */
  | { kind: 'status'; status: number; retryAfter?: string; body?: string }
  /** Reset the connection without answering. */
  | { kind: 'reset' }
  /** Never answer (until the client gives up or the simulator closes). */
  | { kind: 'hang' }
  /** 200 with a body that is not JSON. */
  | { kind: 'malformed' }
  /** The normal 200 answer without `field` (default `estimated_price_creative_units`). */
  | { kind: 'missing-field'; field?: string }
  /** The normal 200 answer with `field` (default the price) as a string. */
  | { kind: 'wrong-type'; field?: string }
  /** The normal 200 answer with `field` (default the price) replaced by `value`: well-typed but wrong, e.g. a negative price. */
  | { kind: 'wrong-value'; field?: string; value: unknown }

/**
 * Which fault, if any, hits estimate request number `n` (0-based, counted from the moment the plan
 * was set). A function, an array indexed by `n`, or a record keyed by `n`.
 */
export type FaultPlan =
  | ((n: number, body: unknown) => Fault | undefined)
  | readonly (Fault | undefined)[]
  | Readonly<Record<number, Fault>>

/** How to start a simulator. */
export interface SimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number
  /** Default 127.0.0.1. */
  host?: string
  /** The accepted token (default `SIM_TOKEN`). */
  token?: string
  /** A token answered with 403 (default `SIM_FORBIDDEN_TOKEN`). */
  forbiddenToken?: string
  /** Workspace id -> balance in CU (default `{ [SIM_WORKSPACE_ID]: SIM_DEFAULT_BALANCE }`). */
  workspaces?: Record<string, number>
  /** Delay before every answer, in milliseconds. */
  latencyMs?: number
  faults?: FaultPlan
  /** Price unknown model ids like the image model instead of answering 404. */
  acceptAnyModel?: boolean
  /** Answer 422 to unknown body fields (FastAPI's default ignores them). */
  forbidExtraFields?: boolean
  /** Most recent requests kept in `log` (default 1000; 0 keeps none). */
  logLimit?: number
}

/** One estimate request as the simulator saw it. */
export interface SimulatorLogEntry {
  workspaceId: string
  /** The parsed JSON body (`undefined` when it was not JSON). */
  body: unknown
  /** The status answered; 0 when the connection was reset or left hanging. */
  status: number
  fault?: Fault['kind']
  /** When the request arrived (ms since the epoch): the gaps between retries show backoff and Retry-After. */
  at: number
  headers: { authorization?: string; userAgent?: string; contentType?: string; accept?: string }
}

/** A running simulator. */
export interface Simulator {
  /** Base URL ending in `/api`, what the action's `api-url` input takes. */
  readonly url: string
  readonly token: string
  readonly forbiddenToken: string
  /** Estimate requests received (path and method matched), faults included. */
  readonly requests: number
  /** Most recent estimate requests, oldest first (capped by `logLimit`). */
  readonly log: readonly SimulatorLogEntry[]
  /** Estimate requests being handled right now. */
  readonly inFlight: number
  /** The most estimate requests ever handled at once. */
  readonly maxInFlight: number
  /** Replaces the fault plan; its `n` counts from 0 again. `undefined` removes it. */
  setFaults(plan: FaultPlan | undefined): void
  setLatency(ms: number): void
  /** Sets (or adds) a workspace's balance in CU. */
  setBalance(workspaceId: string, balance: number): void
  /** Zeroes `requests`, `maxInFlight` and the log. */
  resetStats(): void
  /** Stops listening and destroys every open connection, hanging ones included. */
  close(): Promise<void>
}

/** One pydantic-style validation error, as in a 422 answer's `detail` list. */
export interface DetailItem {
  type: string
  loc: (string | number)[]
  msg: string
  input?: unknown
  ctx?: Record<string, unknown>
}

const ROUTE = /^\/api\/v1\/workspaces\/([^/]+)\/inferences\/estimate$/
const MAX_BODY_BYTES = 1024 * 1024
const UUID = /^(?:urn:uuid:)?(?:[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}|\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\})$/i

/** Starts a simulator on 127.0.0.1 (a free port unless told) and resolves once it listens. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const host = options.host ?? '127.0.0.1'
  const token = options.token ?? SIM_TOKEN
  const forbiddenToken = options.forbiddenToken ?? SIM_FORBIDDEN_TOKEN
  const balances = new Map<string, number>()
  for (const [id, balance] of Object.entries(options.workspaces ?? { [SIM_WORKSPACE_ID]: SIM_DEFAULT_BALANCE })) {
    balances.set(id.toLowerCase(), balance)
  }
  const logLimit = options.logLimit ?? 1000
  let latencyMs = options.latencyMs ?? 0
  let faults = options.faults
  let faultIndex = 0
  let requests = 0
  let inFlight = 0
  let maxInFlight = 0
  let log: SimulatorLogEntry[] = []
  let closed = false
  const sockets = new Set<Socket>()
  const timers = new Set<NodeJS.Timeout>()

  const record = (entry: SimulatorLogEntry): void => {
    if (logLimit <= 0) return
    log.push(entry)
    // Trim in batches so a 10,000-request benchmark does not shift the array on every request.
    if (log.length > logLimit * 2) log = log.slice(-logLimit)
  }

  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer)
        resolve()
      }, ms)
      timers.add(timer)
    })

  const handleEstimate = async (req: IncomingMessage, res: ServerResponse, rawWorkspaceId: string): Promise<void> => {
    const n = faultIndex++
    const at = Date.now()
    requests++
    inFlight++
    maxInFlight = Math.max(maxInFlight, inFlight)
    res.once('close', () => inFlight--)

    const headers = {
      authorization: req.headers.authorization,
      userAgent: req.headers['user-agent'],
      contentType: req.headers['content-type'],
      accept: req.headers.accept,
    }
    let workspaceId = rawWorkspaceId
    try {
      workspaceId = decodeURIComponent(rawWorkspaceId)
    } catch {
      // A broken %-escape stays as sent; validation below reports it as not a UUID.
    }
    const raw = await readBody(req)
    const body = raw.ok ? raw.json : undefined
    if (latencyMs > 0) await wait(latencyMs)
    if (closed || res.destroyed) return

    const fault = faultFor(faults, n, body)
    const entry = (status: number): SimulatorLogEntry => ({ workspaceId, body, status, fault: fault?.kind, headers, at })
    if (fault?.kind === 'reset') {
      record(entry(0))
      // resetAndDestroy sends a TCP RST (ECONNRESET on the client), like a proxy dropping the line.
      req.socket.resetAndDestroy()
      return
    }
    if (fault?.kind === 'hang') {
      record(entry(0))
      return
    }
    if (fault?.kind === 'status') {
      const text = fault.body ?? JSON.stringify({ detail: STATUS_CODES[fault.status] ?? 'Error' })
      const extra: Record<string, string> = fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter }
      record(entry(fault.status))
      send(res, fault.status, text, { ...extra, 'content-type': isJson(text) ? 'application/json' : 'text/plain; charset=utf-8' })
      return
    }
    if (fault?.kind === 'malformed') {
      record(entry(200))
      send(res, 200, '{"estimated_price_creative_units": 1.25, "workspace_bal', { 'content-type': 'application/json' })
      return
    }

    const answer = estimateAnswer(req.headers.authorization, workspaceId, raw)
    if (answer.status === 200 && fault?.kind === 'missing-field') {
      delete answer.payload[fault.field ?? 'estimated_price_creative_units']
    }
    if (answer.status === 200 && fault?.kind === 'wrong-type') {
      const field = fault.field ?? 'estimated_price_creative_units'
      answer.payload[field] = String(answer.payload[field])
    }
    if (answer.status === 200 && fault?.kind === 'wrong-value') {
      answer.payload[fault.field ?? 'estimated_price_creative_units'] = fault.value
    }
    record(entry(answer.status))
    const extra: Record<string, string> = answer.status === 401 ? { 'www-authenticate': 'Bearer' } : {}
    send(res, answer.status, JSON.stringify(answer.payload), { ...extra, 'content-type': 'application/json' })
  }

  /** The answer Layer would give a well-behaved connection. */
  const estimateAnswer = (
    authorization: string | undefined,
    workspaceId: string,
    raw: RawBody,
  ): { status: number; payload: Record<string, unknown> } => {
    const presented = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim()
    if (presented === forbiddenToken) return { status: 403, payload: { detail: 'Not enough permissions to access this workspace' } }
    if (presented !== token) return { status: 401, payload: { detail: 'Not authenticated' } }
    if (raw.tooLarge) return { status: 413, payload: { detail: 'Request body too large' } }

    const errors: DetailItem[] = []
    if (!UUID.test(workspaceId)) errors.push(uuidError(['path', 'workspace_id'], workspaceId))
    const validated = raw.ok
      ? validateEstimateBody(raw.json, { forbidExtraFields: options.forbidExtraFields ?? false })
      : { errors: [raw.error], body: undefined }
    errors.push(...validated.errors)
    if (errors.length > 0 || validated.body === undefined) return { status: 422, payload: { detail: errors } }

    const balance = balances.get(normaliseUuid(workspaceId))
    if (balance === undefined) return { status: 404, payload: { detail: 'Workspace not found' } }
    const modelId = normaliseUuid(String(validated.body.model_id))
    const kind = SIM_MODELS_BY_ID.get(modelId)?.kind ?? (options.acceptAnyModel ? 'image' : undefined)
    if (kind === undefined) return { status: 404, payload: { detail: 'Model not found' } }

    const price = simulatedPriceMilli(kind, validated.body)
    const balanceMilli = Math.round(toMicro(balance, 'nearest') / 1000)
    return {
      status: 200,
      payload: {
        estimated_price_creative_units: price / 1000,
        workspace_balance_creative_units: balanceMilli / 1000,
        estimated_remaining_balance_creative_units: (balanceMilli - price) / 1000,
        has_sufficient_creative_units: balanceMilli >= price,
      },
    }
  }

  const server = createServer((req, res) => {
    res.setHeader('x-layer-simulator', SIMULATOR_PRICE_NOTE)
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    const match = ROUTE.exec(path)
    if (!match?.[1]) {
      req.resume()
      send(res, 404, JSON.stringify({ detail: 'Not Found' }), { 'content-type': 'application/json' })
      return
    }
    if (req.method !== 'POST') {
      req.resume()
      send(res, 405, JSON.stringify({ detail: 'Method Not Allowed' }), { 'content-type': 'application/json', allow: 'POST' })
      return
    }
    handleEstimate(req, res, match[1]).catch(() => {
      // Only a broken socket gets here (e.g. the client vanished mid-body); nothing left to answer.
      if (!res.headersSent) res.destroy()
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  // A client's reset must not crash the test run through an unhandled 'clientError'.
  server.on('clientError', (_error, socket) => socket.destroy())

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address
  const url = `http://${shownHost}:${address.port}/api`

  return {
    url,
    token,
    forbiddenToken,
    get requests() {
      return requests
    },
    get log() {
      return log.length > logLimit ? log.slice(-logLimit) : log
    },
    get inFlight() {
      return inFlight
    },
    get maxInFlight() {
      return maxInFlight
    },
    setFaults(plan) {
      faults = plan
      faultIndex = 0
    },
    setLatency(ms) {
      latencyMs = ms
    },
    setBalance(workspaceId, balance) {
      balances.set(workspaceId.toLowerCase(), balance)
    },
    resetStats() {
      requests = 0
      maxInFlight = inFlight
      log = []
    },
    async close() {
      if (closed) return
      closed = true
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()))
      // Hanging requests would keep server.close() waiting forever: cut every connection.
      server.closeAllConnections()
      for (const socket of sockets) socket.destroy()
      await stopped
    },
  }
}

type RawBody =
  | { ok: true; json: unknown; tooLarge: false }
  | { ok: false; error: DetailItem; tooLarge: boolean }

/** Reads and parses the request body; a JSON error becomes FastAPI's `json_invalid` item. */
async function readBody(req: IncomingMessage): Promise<RawBody> {
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

function send(res: ServerResponse, status: number, text: string, headers: Record<string, string>): void {
  if (res.headersSent || res.destroyed) return
  res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

function faultFor(plan: FaultPlan | undefined, n: number, body: unknown): Fault | undefined {
  if (plan === undefined) return undefined
  if (typeof plan === 'function') return plan(n, body)
  if (Array.isArray(plan)) return (plan as readonly (Fault | undefined)[])[n]
  return (plan as Readonly<Record<number, Fault>>)[n]
}

/** A UUID in pydantic's accepted spellings, as the canonical lower-case hyphenated form. */
function normaliseUuid(text: string): string {
  const hex = text.replace(/^urn:uuid:/i, '').replace(/[{}-]/g, '').toLowerCase()
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

// ---------------------------------------------------------------------------------------------
// Validation of the body, from the seed page, with pydantic v2's error types and messages.

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
      errors: [{ type: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary or object to extract fields from', input: json }],
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
      if (typeof value !== 'string') return { error: [{ type: 'uuid_type', loc, msg: 'UUID input should be a string, bytes or UUID object', input: value }] }
      if (!UUID.test(value)) return { error: [uuidError(loc, value)] }
      return { value }
    case 'string':
      if (typeof value !== 'string') return { error: [{ type: 'string_type', loc, msg: 'Input should be a valid string', input: value }] }
      // Python (and so pydantic) counts code points: an emoji is one character, not two UTF-16 units.
      if (spec.maxLength !== undefined && value.length > spec.maxLength && [...value].length > spec.maxLength) {
        return {
          error: [{ type: 'string_too_long', loc, msg: `String should have at most ${spec.maxLength} characters`, input: value.slice(0, 100), ctx: { max_length: spec.maxLength } }],
        }
      }
      return { value }
    case 'enum': {
      const values = spec.values ?? []
      const expected = values.length > 1 ? `${values.slice(0, -1).map((v) => `'${v}'`).join(', ')} or '${values.at(-1)}'` : `'${values[0]}'`
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
          return { error: [{ type: 'int_from_float', loc, msg: 'Input should be a valid integer, got a number with a fractional part', input: value }] }
        }
        number = value
      } else if (typeof value === 'string') {
        if (!/^\s*[+-]?\d+\s*$/.test(value)) {
          return { error: [{ type: 'int_parsing', loc, msg: 'Input should be a valid integer, unable to parse string as an integer', input: value }] }
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
          return { error: [{ type: 'float_parsing', loc, msg: 'Input should be a valid number, unable to parse string as a number', input: value }] }
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
          errors.push({ type: 'model_type', loc: [...loc, i], msg: 'Input should be a valid dictionary or object to extract fields from', input: item })
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
    return { error: [{ type: 'greater_than_equal', loc, msg: `Input should be greater than or equal to ${spec.ge}`, input: value, ctx: { ge: spec.ge } }] }
  }
  if (spec.le !== undefined && !(value <= spec.le)) {
    return { error: [{ type: 'less_than_equal', loc, msg: `Input should be less than or equal to ${spec.le}`, input: value, ctx: { le: spec.le } }] }
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

function uuidError(loc: (string | number)[], value: string): DetailItem {
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

// ---------------------------------------------------------------------------------------------
// The compact fault spec of the standalone simulator (main.ts `--faults`).

/**
 * Parses a fault spec like "0:429:2,3:reset,5:hang,10-12:503,*:wrong-type". Rules are comma
 * separated, `<requests>:<fault>`, and the first rule whose requests match applies.
 * - requests: `N` (0-based estimate request), `N-M` (inclusive), `N-` (N and after), `*` (all).
 * - fault: a status (`429`, `503`, ...) optionally followed by `:<Retry-After seconds>`;
 *   `reset`; `hang`; `malformed`; `missing[:field]`; `wrong-type[:field]`.
 */
export function parseFaultSpec(spec: string): FaultPlan {
  const rules: { from: number; to: number; fault: Fault }[] = []
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [target = '', kind = '', arg, ...rest] = part.split(':')
    const bad = (why: string): ConfigError =>
      new ConfigError(`--faults rule "${part}": ${why}. Use e.g. "0:429:2,3:reset,5:hang,7-9:503,*:malformed"`)
    if (rest.length > 0) throw bad('too many ":"')
    let from: number
    let to: number
    const range = /^(\d+)(?:-(\d*))?$/.exec(target)
    if (target === '*') [from, to] = [0, Infinity]
    else if (range) {
      from = Number(range[1])
      to = range[2] === undefined ? from : range[2] === '' ? Infinity : Number(range[2])
      if (to < from) throw bad(`the range ${target} ends before it starts`)
    } else throw bad(`"${target}" is not a request number, a range N-M or N-, or *`)
    let fault: Fault
    if (/^\d{3}$/.test(kind)) {
      const status = Number(kind)
      if (status < 100 || status > 599) throw bad(`${status} is not an HTTP status`)
      if (arg !== undefined && !/^\d+(\.\d+)?$/.test(arg)) throw bad(`Retry-After "${arg}" is not a number of seconds`)
      fault = arg === undefined ? { kind: 'status', status } : { kind: 'status', status, retryAfter: arg }
    } else if (kind === 'reset' || kind === 'hang' || kind === 'malformed') {
      if (arg !== undefined) throw bad(`${kind} takes no argument`)
      fault = { kind }
    } else if (kind === 'missing' || kind === 'missing-field') {
      fault = arg ? { kind: 'missing-field', field: arg } : { kind: 'missing-field' }
    } else if (kind === 'wrong-type') {
      fault = arg ? { kind: 'wrong-type', field: arg } : { kind: 'wrong-type' }
    } else throw bad(`unknown fault "${kind}" (a status like 503, reset, hang, malformed, missing, wrong-type)`)
    rules.push({ from, to, fault })
  }
  return (n) => rules.find((rule) => n >= rule.from && n <= rule.to)?.fault
}
