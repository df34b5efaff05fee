/** Small text helpers for the Layer client's messages: Layer's text quoted safely, counts and durations. */
import type { Redactor } from '../secrets.js'

/** Layer text quoted in a message is cut to this many characters. */
export const QUOTE_LIMIT = 300

/** Makes Layer text safe to quote: no secret, one line, at most QUOTE_LIMIT characters. */
export type Quote = (text: string) => string

/** A `Quote` that redacts with `redact` before folding and cutting (so a cut never splits a secret). */
export function quoter(redact: Redactor): Quote {
  return (text) => truncate(redact(text).replace(/\s+/g, ' ').trim(), QUOTE_LIMIT)
}

/** `text` cut to `limit` characters, the last one an ellipsis when cut. */
export function truncate(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text
}

/** "1 attempt", "3 attempts". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

/** Milliseconds as "30 s" or "1.5 s". */
export function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`
}

/** A JSON value's type as a message says it: "null", "an array", `a string ("1.4")`, "a number". */
export function describeJsonType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') return `a string (${JSON.stringify(truncate(value, 40))})`
  if (typeof value === 'object') return 'an object'
  return `a ${typeof value}`
}
