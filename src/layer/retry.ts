/**
 * The timing half of the Layer client's retries, kept pure so it is tested without a server:
 * exponential backoff with full jitter, `Retry-After` parsing, and a sleep that a signal can cut short.
 */

/** First backoff ceiling: the first retry waits between 0 and this. */
export const BACKOFF_BASE_MS = 500
/** The backoff ceiling never grows past this, however many attempts failed. */
export const BACKOFF_CAP_MS = 30_000

/** Sleeps `ms`; may stop early (rejecting) when `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>

/**
 * Delay before retrying after failed attempt number `attempt` (1-based), "full jitter":
 * uniform in [0, min(cap, base × 2^(attempt-1))). Full jitter spreads concurrent retries apart,
 * which matters here because a whole plan's requests hit the same rate limit together.
 */
export function backoffDelay(attempt: number, random: () => number, baseMs = BACKOFF_BASE_MS, capMs = BACKOFF_CAP_MS): number {
  const exponent = Math.max(0, attempt - 1)
  // 2^exponent overflows to Infinity for absurd attempt counts; the cap keeps it finite.
  const ceiling = Math.min(capMs, baseMs * 2 ** exponent)
  const r = Math.min(Math.max(random(), 0), 1)
  return Math.floor(r * ceiling)
}

/**
 * A `Retry-After` header value in milliseconds from `now`: delta-seconds ("2", "1.5") or an
 * HTTP date. A date in the past gives 0. Unparseable or absent values give `undefined`
 * (the caller then falls back to backoff).
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined
  const text = value.trim()
  if (text === '') return undefined
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000)
  // HTTP dates always name a weekday or month; a bare number that failed the test above
  // (e.g. "-1") must not be read as a year by Date.parse.
  if (!/[a-z]/i.test(text)) return undefined
  const at = Date.parse(text)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, at - now)
}

/** The real sleep: a timer that an abort signal clears. */
export const defaultSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason)
      return
    }
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })

/**
 * Runs `sleep(ms, signal)` but rejects as soon as `signal` aborts, even when an injected sleep
 * ignores the signal: a cancelled run must not wait out a 60-second `Retry-After`.
 */
export function abortableSleep(sleep: Sleep, ms: number, signal?: AbortSignal): Promise<void> {
  if (!signal) return sleep(ms)
  if (signal.aborted) return Promise.reject(signal.reason)
  let onAbort: (() => void) | undefined
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
  })
  return Promise.race([sleep(ms, signal), aborted]).finally(() => {
    if (onAbort) signal.removeEventListener('abort', onAbort)
  })
}

/** How long Layer asked every request to wait, and how it said so (quoted for the log). */
export interface RateLimitWait {
  ms: number
  /** e.g. `Retry-After: 1`, `RateLimit-Reset: 5`. */
  asked: string
}

/**
 * The wait an answer's headers ask for: `Retry-After` on a 429; else `RateLimit-Reset` /
 * `X-RateLimit-Reset` (delta seconds, or epoch seconds when larger than 10^9) or the `RateLimit`
 * field's `reset=`, when the answer is a 429 or says `remaining` is 0. `undefined`: no usable wait.
 */
export function rateLimitWait(header: (name: string) => string | undefined, status: number, now: number): RateLimitWait | undefined {
  const retryAfter = header('retry-after')
  if (status === 429 && retryAfter !== undefined) {
    const ms = parseRetryAfter(retryAfter, now)
    if (ms !== undefined) return { ms, asked: `Retry-After: ${retryAfter.trim().slice(0, 60)}` }
  }
  const field = header('ratelimit')
  const fromField = (key: string): string | undefined => (field ? new RegExp(`(?:^|[,;\\s])${key}=(\\d+)`).exec(field)?.[1] : undefined)
  for (const [prefix, name] of [
    ['ratelimit', 'RateLimit'],
    ['x-ratelimit', 'X-RateLimit'],
  ] as const) {
    const remaining = header(`${prefix}-remaining`) ?? (prefix === 'ratelimit' ? fromField('remaining') : undefined)
    const reset = header(`${prefix}-reset`) ?? (prefix === 'ratelimit' ? fromField('reset') : undefined)
    if (reset === undefined || !/^\d+(\.\d+)?$/.test(reset.trim())) continue
    if (status !== 429 && !(remaining !== undefined && Number(remaining.trim()) === 0)) continue
    const value = Number(reset.trim())
    const ms = value > 1e9 ? Math.max(0, value * 1000 - now) : Math.round(value * 1000)
    return { ms, asked: `${name}-Reset: ${reset.trim()}` }
  }
  return undefined
}
