import * as core from '@actions/core'
import { getOctokit } from '@actions/github'
import { defaults as actionsDefaults } from '@actions/github/lib/utils'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import Bottleneck from 'bottleneck'

/** The one GitHub client of the action: REST endpoint methods, pagination, retries and throttling. */
export type Octokit = ReturnType<typeof getOctokit>

/** Where the client writes what it does; `core` by default, a test may collect the lines. */
export interface OctokitLog {
  debug(message: string): void
  warning(message: string): void
}

/** How to build the client; every field has a production default. */
export interface OctokitOptions {
  /** REST base URL; GraphQL goes to `${baseUrl}/graphql`. Default: GITHUB_API_URL, else https://api.github.com. */
  baseUrl?: string
  /**
   * Milliseconds per unit of wait between retries (default 1000). plugin-retry waits
   * (retry number)² units after a 5xx or a network error; plugin-throttling waits the server's
   * `retry-after` seconds (or the rate-limit reset) in these units. Tests pass 1.
   */
  retryDelayMs?: number
  /** Retries after a 5xx, a network error or a timeout (default 3). */
  retries?: number
  /** Retries after a primary or secondary rate limit (default 2). */
  rateLimitRetries?: number
  /** The longest rate-limit wait worth waiting for, in seconds (default 60): a CI job should fail, not sleep an hour. */
  maxRateLimitWaitSeconds?: number
  /**
   * Minimum milliseconds between two writes. Unset: plugin-throttling's own pacing (1 s between writes,
   * 3 s between writes that notify), which GitHub asks integrations to respect. Tests pass 0.
   */
  writeIntervalMs?: number
  /** Per-attempt timeout in milliseconds (default 30000); a timed-out attempt is retried like a 5xx. */
  timeoutMs?: number
  log?: OctokitLog
}

/**
 * Statuses plugin-retry leaves alone (it retries every other status >= 400). 403 and 429 are
 * here because plugin-throttling, which wraps this plugin, retries a rate limit, and a plain 429
 * is retried by retryPlainTooManyRequests (honouring Retry-After); a plain 403 (read-only token) is
 * final. 409 is an empty repository or a conflict.
 */
export const DO_NOT_RETRY = [400, 401, 403, 404, 405, 409, 410, 413, 415, 422, 429, 451]

const coreLog: OctokitLog = { debug: (m) => core.debug(m), warning: (m) => core.warning(m) }

/**
 * TEST ONLY, never set on a runner: milliseconds that stand for one second of GitHub waiting in the
 * built action (retry backoff, `Retry-After`, write pacing), so its end-to-end tests do not sleep.
 * Unset or not a whole number: the production defaults above.
 */
export const TEST_WAIT_UNIT_ENV = 'LAYER_BUDGET_GATE_TEST_GITHUB_WAIT_UNIT_MS'

/** The test-only wait unit from the environment, or undefined when it is unset or malformed. */
function testWaitUnitMs(): number | undefined {
  const value = process.env[TEST_WAIT_UNIT_ENV]?.trim()
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined
}

/** Builds the GitHub client once, with retries, rate-limit handling and a per-attempt timeout; everything else receives it. */
export function createOctokit(token: string, options: OctokitOptions = {}): Octokit {
  const log = options.log ?? coreLog
  const baseUrl = (options.baseUrl ?? process.env['GITHUB_API_URL'] ?? 'https://api.github.com').replace(/\/+$/, '')
  const testUnitMs = testWaitUnitMs()
  const retryDelayMs = options.retryDelayMs ?? testUnitMs ?? 1000
  const rateLimitRetries = options.rateLimitRetries ?? 2
  const maxWait = options.maxRateLimitWaitSeconds ?? 60

  // One handler for both kinds of rate limit: retry a few times, unless GitHub asks for a long wait.
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number): boolean => {
      const what = `${kind} rate limit on ${request.method} ${request.url}`
      if (retryCount >= rateLimitRetries) {
        log.warning(`GitHub ${what}: giving up after ${retryCount} retries.`)
        return false
      }
      if (retryAfter > maxWait) {
        log.warning(`GitHub ${what}: it asks to wait ${retryAfter} s, longer than ${maxWait} s; not waiting.`)
        return false
      }
      log.warning(`GitHub ${what}: retrying in ${retryAfter} s (retry ${retryCount + 1} of ${rateLimitRetries}).`)
      return true
    }

  // Shallow-merged over @actions/github's defaults, so its proxy-aware fetch must be carried over by hand.
  const proxyFetch = (actionsDefaults.request?.fetch ?? globalThis.fetch) as typeof fetch
  // Under the test unit, writes keep plugin-throttling's pacing (1 s, 3 s for writes that notify) in that unit.
  const pacing =
    options.writeIntervalMs !== undefined
      ? { write: options.writeIntervalMs, notifications: options.writeIntervalMs }
      : testUnitMs !== undefined
        ? { write: testUnitMs, notifications: 3 * testUnitMs }
        : undefined
  const writeGroups =
    pacing === undefined
      ? {}
      : {
          write: new Bottleneck.Group({ maxConcurrent: 1, minTime: pacing.write }),
          notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: pacing.notifications }),
        }

  const octokit = getOctokit(
    token,
    {
      baseUrl,
      log: {
        debug: (m: string) => log.debug(m),
        info: (m: string) => log.debug(m),
        warn: (m: string) => log.warning(m),
        error: (m: string) => log.warning(m),
      },
      request: { ...actionsDefaults.request, fetch: withTimeout(proxyFetch, options.timeoutMs ?? 30_000) },
      retry: { doNotRetry: DO_NOT_RETRY, retries: options.retries ?? 3, retryAfterBaseValue: retryDelayMs },
      throttle: {
        onRateLimit: onLimit('primary'),
        onSecondaryRateLimit: onLimit('secondary'),
        retryAfterBaseValue: retryDelayMs,
        ...writeGroups,
      },
    },
    retry,
    throttling,
  )
  retryPlainTooManyRequests(octokit, { retries: rateLimitRetries, maxWait, retryDelayMs, log })
  return octokit
}

/**
 * A 429 that is neither a secondary rate limit nor an exhausted primary one (which plugin-throttling
 * handles) reaches no plugin: plugin-throttling ignores it and plugin-retry must not retry 429s
 * blindly. Retry it here, honouring `Retry-After` in seconds (else 1 s, then 2 s), within `maxWait`.
 */
function retryPlainTooManyRequests(
  octokit: Octokit,
  { retries, maxWait, retryDelayMs, log }: { retries: number; maxWait: number; retryDelayMs: number; log: OctokitLog },
): void {
  type Request = (options: { method?: string; url?: string }) => Promise<unknown>
  const wrap = octokit.hook.wrap as unknown as (
    name: 'request',
    wrapper: (request: Request, options: { method?: string; url?: string }) => Promise<unknown>,
  ) => void
  wrap('request', async (request, options) => {
    for (let retry = 0; ; retry++) {
      try {
        return await request(options)
      } catch (error) {
        const { status, response } = error as { status?: unknown; response?: { headers?: Record<string, string | undefined> } }
        const headers = response?.headers ?? {}
        if (status !== 429 || headers['x-ratelimit-remaining'] === '0' || retry >= retries) throw error
        const header = headers['retry-after']
        const seconds = header !== undefined && /^\d+$/.test(header.trim()) ? Number(header) : 2 ** retry
        const what = `GitHub rate limit (429) on ${options.method ?? 'GET'} ${options.url ?? ''}`
        if (seconds > maxWait) {
          log.warning(`${what}: it asks to wait ${seconds} s, longer than ${maxWait} s; not waiting.`)
          throw error
        }
        log.warning(`${what}: retrying in ${seconds} s (retry ${retry + 1} of ${retries}).`)
        await new Promise((resolve) => setTimeout(resolve, seconds * retryDelayMs))
      }
    }
  })
}

/**
 * Gives every attempt its own deadline. A timeout is rethrown as a failed fetch (TypeError with a
 * cause), which @octokit/request turns into a status-500 RequestError that plugin-retry retries;
 * a plain AbortError would not be retried. An abort the caller asked for stays an abort.
 */
function withTimeout(fetchImpl: typeof fetch, timeoutMs: number): typeof fetch {
  return async (input, init) => {
    const deadline = AbortSignal.timeout(timeoutMs)
    const signal = init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline
    try {
      return await fetchImpl(input, { ...init, signal })
    } catch (error) {
      if (deadline.aborted && !init?.signal?.aborted) {
        // @octokit/request makes its error message from `cause.message`; the abort is kept one level down.
        throw new TypeError('fetch failed', {
          // eslint-disable-next-line preserve-caught-error -- the abort is this cause's own cause
          cause: new Error(`GitHub did not answer within ${timeoutMs / 1000} s`, { cause: error }),
        })
      }
      throw error
    }
  }
}
