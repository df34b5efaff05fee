/**
 * Reading Layer's answer to an estimate request (pure): the body of a successful answer becomes an
 * `EstimateResponse`, or the reason it is not one. No I/O, no retry decision; the client wraps a
 * refusal into a 'malformed' LayerError.
 */
import type { EstimateResponse } from '../types.js'
import { describeJsonType, type Quote } from './text.js'

/** A successful answer's body larger than this is not an estimate (the real one is ~150 bytes). */
export const MAX_ANSWER_BYTES = 1024 * 1024

/** The seed's response fields. */
export const ESTIMATE_FIELDS = [
  'estimated_price_creative_units',
  'workspace_balance_creative_units',
  'estimated_remaining_balance_creative_units',
  'has_sufficient_creative_units',
] as const

/** An estimate, or why the body is not one (a phrase such as "missing estimated_price_creative_units"). */
export type ParsedAnswer = { ok: true; response: EstimateResponse } | { ok: false; problem: string }

/**
 * The estimate in a successful answer's body (`undefined`: larger than MAX_ANSWER_BYTES). Layer text
 * quoted in a problem goes through `quote`. Extra fields are dropped.
 */
export function parseEstimateAnswer(text: string | undefined, quote: Quote): ParsedAnswer {
  const refuse = (problem: string): ParsedAnswer => ({ ok: false, problem })
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
  // A price below zero would lower the total: never add one up.
  if (problems.length === 0 && (record.estimated_price_creative_units as number) < 0) {
    problems.push(`estimated_price_creative_units is negative (${String(record.estimated_price_creative_units)})`)
  }
  if (problems.length > 0) return refuse(problems.join(', '))
  return {
    ok: true,
    response: {
      estimated_price_creative_units: record.estimated_price_creative_units as number,
      workspace_balance_creative_units: record.workspace_balance_creative_units as number,
      estimated_remaining_balance_creative_units: record.estimated_remaining_balance_creative_units as number,
      has_sufficient_creative_units: record.has_sufficient_creative_units as boolean,
    },
  }
}
