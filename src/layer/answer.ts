/**
 * Reading Layer's answer to an estimate request (pure): a 2xx answer becomes an `EstimateResponse`,
 * or the reason it is not one. No I/O, no retry decision; the client wraps a refusal into a
 * 'malformed' LayerError, which the report pins on the generation and which fails the run closed.
 *
 * An estimate is believed only when it cannot be read two ways (SECURITY.md, "Answers that lie"):
 * - status exactly 200: 201, 203, 206, 299 … are not what the endpoint answers;
 * - one value per key at every depth: JSON.parse keeps the last of two, a reader upstream may keep
 *   the first, and the two readers would then disagree on the balance;
 * - every figure finite and within MAX_FIGURE_CU, so it converts exactly to micro-CU (money.ts);
 * - figures that agree: remaining = balance − price within REMAINING_TOLERANCE_MICRO.
 * `has_sufficient_creative_units` is passed on as Layer said it; `true` beside a negative remaining
 * is not a contradiction (some workspaces may go below zero), and the verdict reads `false`.
 *
 * The project's own simulator marks every answer with the `SIMULATOR_HEADER` response header (Layer
 * sends no such header); an estimate that carries it is passed on with `simulated: true`, so every
 * report can say its prices are made up. The mark only ever adds that label: it changes no check.
 */
import { toMicro, UNITS_PER_CU } from '../money.js'
import type { EstimateResponse } from '../types.js'
import { describeJsonType, type Quote } from './text.js'

/** The response header the simulator puts on its answers (any value marks the answer as simulated). */
export const SIMULATOR_HEADER = 'x-layer-simulator'

/** A successful answer's body larger than this is not an estimate (the real one is ~150 bytes). */
export const MAX_ANSWER_BYTES = 1024 * 1024

/** The seed's response fields. */
export const ESTIMATE_FIELDS = [
  'estimated_price_creative_units',
  'workspace_balance_creative_units',
  'estimated_remaining_balance_creative_units',
  'has_sufficient_creative_units',
] as const

/**
 * The largest price, balance or remaining balance believed, in CU: one billion. A figure converts
 * exactly to micro-CU up to 2^53 micro-CU (about 9.007 billion CU); one billion leaves room below
 * that, and is orders of magnitude above any real workspace (a price is a few CU, a balance
 * thousands to millions). 1e308 and the like stop here, before any sum.
 */
export const MAX_FIGURE_CU = 1e9

/**
 * How far remaining may be from balance − price, in micro-CU: 0.01 CU. Layer computes in its own
 * decimals and may round each of the three figures on its own (to 0.001 at worst that is an error of
 * 0.0015); a hundredth of a CU covers that with room, and any real contradiction (995 against -50)
 * is thousands of times larger.
 */
export const REMAINING_TOLERANCE_MICRO = 0.01 * UNITS_PER_CU

/** An estimate, or why the body is not one (a phrase such as "missing estimated_price_creative_units"). */
export type ParsedAnswer = { ok: true; response: EstimateResponse } | { ok: false; problem: string }

/**
 * The estimate in a successful answer's body (`undefined`: larger than MAX_ANSWER_BYTES). Layer text
 * quoted in a problem goes through `quote`. Extra fields are dropped. `simulatorMark` is the value of
 * the `SIMULATOR_HEADER` header, if the answer had one.
 */
export function parseEstimateAnswer(status: number, text: string | undefined, quote: Quote, simulatorMark?: string): ParsedAnswer {
  const refuse = (problem: string): ParsedAnswer => ({ ok: false, problem })
  if (status !== 200) return refuse('only an HTTP 200 answer is an estimate')
  if (text === undefined) return refuse(`the answer is larger than ${MAX_ANSWER_BYTES / 1024} KiB`)
  if (text.trim() === '') return refuse('the answer is empty')
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return refuse(`the answer is not JSON: "${quote(text)}"`)
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return refuse(`expected a JSON object, got ${describeJsonType(json)}`)
  }
  const repeated = repeatedKey(text)
  if (repeated !== undefined) return refuse(`the key "${quote(repeated)}" appears more than once`)
  // The seed's response: three finite numbers and a boolean. (Checked by hand rather than with a
  // schema library: this runs once per request, up to thousands per run.)
  const record = json as Record<string, unknown>
  const problems: string[] = []
  for (const field of ESTIMATE_FIELDS) {
    const value = record[field]
    const expected = field === 'has_sufficient_creative_units' ? 'boolean' : 'number'
    if (value === undefined) problems.push(`missing ${field}`)
    else if (expected === 'number' && typeof value === 'number' && !Number.isFinite(value)) problems.push(`${field} is not a finite number`)
    else if (typeof value !== expected) problems.push(`${field} is ${describeJsonType(value)}, expected a ${expected}`)
  }
  if (problems.length > 0) return refuse(problems.join(', '))
  const response: EstimateResponse = {
    estimated_price_creative_units: record.estimated_price_creative_units as number,
    workspace_balance_creative_units: record.workspace_balance_creative_units as number,
    estimated_remaining_balance_creative_units: record.estimated_remaining_balance_creative_units as number,
    has_sufficient_creative_units: record.has_sufficient_creative_units as boolean,
    ...(simulatorMark !== undefined ? { simulated: true } : {}),
  }
  const disagreement = figureProblems(response)
  return disagreement.length > 0 ? refuse(disagreement.join(', ')) : { ok: true, response }
}

/** Figures out of range, or that contradict each other (well-typed, finite numbers). */
function figureProblems(response: EstimateResponse): string[] {
  const problems: string[] = []
  const price = response.estimated_price_creative_units
  // A price below zero would lower the total: never add one up.
  if (price < 0) problems.push(`estimated_price_creative_units is negative (${String(price)})`)
  for (const field of ESTIMATE_FIELDS) {
    const value = response[field]
    if (typeof value === 'number' && Math.abs(value) > MAX_FIGURE_CU) {
      problems.push(`${field} is ${String(value)}, beyond the ${MAX_FIGURE_CU.toLocaleString('en-US')} CU any real workspace stays within`)
    }
  }
  if (problems.length > 0) return problems
  const balance = response.workspace_balance_creative_units
  const remaining = response.estimated_remaining_balance_creative_units
  const gap = toMicro(remaining, 'nearest') - (toMicro(balance, 'nearest') - toMicro(price, 'nearest'))
  if (Math.abs(gap) > REMAINING_TOLERANCE_MICRO) {
    problems.push(
      `the figures disagree: balance ${String(balance)} − price ${String(price)} is not the remaining balance ${String(remaining)}`,
    )
  }
  return problems
}

/**
 * The first key that appears twice in one object, at any depth, of a text JSON.parse accepted (so
 * the scan only tells keys from values and skips strings). Keys are compared decoded, so
 * `"\u0070rice"` and `"price"` are the same key.
 */
export function repeatedKey(text: string): string | undefined {
  // One entry per open object or array: the keys seen so far, or null for an array.
  const open: (Set<string> | null)[] = []
  let expectKey = false
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    if (char === '"') {
      let end = i + 1
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1
      if (expectKey) {
        const keys = open.at(-1)
        const key = JSON.parse(text.slice(i, end + 1)) as string
        if (keys?.has(key)) return key
        keys?.add(key)
        expectKey = false
      }
      i = end
    } else if (char === '{') {
      open.push(new Set())
      expectKey = true
    } else if (char === '[') {
      open.push(null)
    } else if (char === '}' || char === ']') {
      open.pop()
    } else if (char === ',') {
      expectKey = open.at(-1) instanceof Set
    }
  }
  return undefined
}
