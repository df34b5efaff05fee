/**
 * The simulator's rate limit: a token bucket (a rate and a burst) in front of the estimate
 * endpoint, answering 429 with `Retry-After` when it is empty, the way an API gateway does. The
 * bucket is made by the caller and passed to startSimulator, so a test or the benchmark reads its
 * counts directly.
 */

/** How a simulator's bucket behaves. */
export interface TokenBucketOptions {
  /** Tokens added per second. */
  ratePerSecond: number
  /** Tokens the bucket holds at most (and starts with). */
  burst: number
  /** The `Retry-After` value of a 429, as sent (default "1"); empty: none. */
  retryAfter?: string
  /** Also send `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (delta seconds) on every answer. */
  rateLimitHeaders?: boolean
}

/** A token bucket and what it did. */
export interface TokenBucket {
  readonly options: Readonly<TokenBucketOptions>
  /** Requests let through. */
  readonly accepted: number
  /** Requests refused with 429. */
  readonly refused: number
  /** Takes a token at clock time `now` (ms); false when the bucket is empty. */
  take(now: number): boolean
  /** The headers an answer carries (the 429's Retry-After, and RateLimit-* when asked for). */
  headers(refused: boolean, now: number): Record<string, string>
  /** Full again, counts zeroed. */
  reset(): void
}

/** A full token bucket of `options.burst` tokens refilled at `options.ratePerSecond`. */
export function createTokenBucket(options: TokenBucketOptions): TokenBucket {
  if (!(options.ratePerSecond > 0) || !(options.burst >= 1)) throw new RangeError('a token bucket needs a rate > 0 and a burst ≥ 1')
  let tokens = options.burst
  let at: number | undefined
  let accepted = 0
  let refused = 0
  const refill = (now: number): void => {
    if (at !== undefined) tokens = Math.min(options.burst, tokens + ((now - at) / 1000) * options.ratePerSecond)
    at = now
  }
  return {
    options,
    get accepted() {
      return accepted
    },
    get refused() {
      return refused
    },
    take(now) {
      refill(now)
      if (tokens >= 1) {
        tokens -= 1
        accepted++
        return true
      }
      refused++
      return false
    },
    headers(wasRefused, now) {
      refill(now)
      const headers: Record<string, string> = {}
      const retryAfter = options.retryAfter ?? '1'
      if (wasRefused && retryAfter !== '') headers['retry-after'] = retryAfter
      if (options.rateLimitHeaders) {
        const remaining = Math.floor(tokens)
        headers['ratelimit-limit'] = String(options.burst)
        headers['ratelimit-remaining'] = String(remaining)
        headers['ratelimit-reset'] = String(remaining >= 1 ? 0 : Math.ceil((1 - tokens) / options.ratePerSecond))
      }
      return headers
    },
    reset() {
      tokens = options.burst
      at = undefined
      accepted = 0
      refused = 0
    },
  }
}
