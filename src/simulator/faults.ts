/**
 * The simulator's faults: what to do instead of (or to) the normal answer of one estimate request,
 * which request a plan makes faulty, and the compact `--faults` spec of the standalone simulator.
 */
import { STATUS_CODES } from 'node:http'
import { ConfigError } from '../errors.js'
import { UNITS_PER_CU, toMicro } from '../money.js'

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
  /** The normal 200 answer at another price (CU), its remaining balance (and sufficiency) to match: a consistent answer. */
  | { kind: 'price'; value: number }

/**
 * Which fault, if any, hits estimate request number `n` (0-based, counted from the moment the plan
 * was set). A function, an array indexed by `n`, or a record keyed by `n`.
 */
export type FaultPlan = ((n: number, body: unknown) => Fault | undefined) | readonly (Fault | undefined)[] | Readonly<Record<number, Fault>>

/** The fault a plan gives request `n`, if any. */
export function faultFor(plan: FaultPlan | undefined, n: number, body: unknown): Fault | undefined {
  if (plan === undefined) return undefined
  if (typeof plan === 'function') return plan(n, body)
  if (Array.isArray(plan)) return (plan as readonly (Fault | undefined)[])[n]
  return (plan as Readonly<Record<number, Fault>>)[n]
}

/** An answer a fault sends instead of Layer's: its status, body and headers. */
export interface CannedAnswer {
  status: number
  text: string
  headers: Record<string, string>
}

/** The answer that replaces the normal one for a `status` or `malformed` fault; `undefined` for the others. */
export function cannedAnswer(fault: Fault): CannedAnswer | undefined {
  if (fault.kind === 'status') {
    const text = fault.body ?? JSON.stringify({ detail: STATUS_CODES[fault.status] ?? 'Error' })
    const extra: Record<string, string> = fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter }
    return {
      status: fault.status,
      text,
      headers: { ...extra, 'content-type': isJson(text) ? 'application/json' : 'text/plain; charset=utf-8' },
    }
  }
  if (fault.kind === 'malformed') {
    return { status: 200, text: '{"estimated_price_creative_units": 1.25, "workspace_bal', headers: { 'content-type': 'application/json' } }
  }
  return undefined
}

/** The body of a normal 200 answer (`payload`, changed in place) as a fault that alters one field makes it. */
export function alterAnswer(fault: Fault, payload: Record<string, unknown>): string {
  if (fault.kind === 'missing-field') delete payload[fault.field ?? 'estimated_price_creative_units']
  if (fault.kind === 'wrong-type') {
    const field = fault.field ?? 'estimated_price_creative_units'
    payload[field] = String(payload[field])
  }
  if (fault.kind === 'wrong-value') payload[fault.field ?? 'estimated_price_creative_units'] = fault.value
  if (fault.kind === 'price') {
    const remaining = toMicro(Number(payload.workspace_balance_creative_units), 'nearest') - toMicro(fault.value, 'nearest')
    payload.estimated_price_creative_units = fault.value
    payload.estimated_remaining_balance_creative_units = remaining / UNITS_PER_CU
    payload.has_sufficient_creative_units = remaining >= 0
  }
  return JSON.stringify(payload)
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

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
  for (const part of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
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
