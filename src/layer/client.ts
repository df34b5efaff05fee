/**
 * The only HTTP code for Layer: one `estimate()` call against
 * `POST {api-url}/v1/workspaces/{workspace_id}/inferences/estimate`, with a per-attempt timeout and
 * retries for what is worth retrying. This file is the transport and the retry loop; failures are
 * classified in failures.ts and answers read in answer.ts.
 *
 * Decisions worth knowing:
 * - The options are taken as validated: `parseConfig` (config.ts) checks the api-url, the token,
 *   the timeout and the retries for the action and the CLI, and `createLayerClient` builds this
 *   client from its Config (a control character in the token, which would reach an HTTP header,
 *   is refused there too).
 * - A 429 that says how long to wait (`Retry-After`, `RateLimit-Reset`) pauses every request of the
 *   run through one shared pace (pace.ts) and does not use up `maxRetries`; the pauses are bounded
 *   by `maxWaitMs` over the run. Other retried failures use the backoff, or their `Retry-After`
 *   clamped to `maxRetryAfterMs` so one header cannot park a CI job for an hour.
 * - One request per connection: an answer can only be read on the connection its request opened,
 *   so a stray answer can never price another request (the cost, measured with the benchmark, is
 *   in SECURITY.md). The next connections are opened while Layer answers (warm-sockets.ts), and one
 *   that received anything before its request is never used.
 * - Nothing here prints: every outcome is returned or thrown, and the caller reports.
 * - The token never reaches a message: Layer's text goes through the redactor, and the
 *   Authorization header is never echoed.
 */
import { getMaxListeners, setMaxListeners } from 'node:events'
import type { Readable } from 'node:stream'
import { Agent, request } from 'undici'
import { describeError } from '../errors.js'
import { createRedactor, type Redactor } from '../secrets.js'
import type { EstimateRequest, EstimateResponse, Estimator } from '../types.js'
import { MAX_ANSWER_BYTES, parseEstimateAnswer, SIMULATOR_HEADER } from './answer.js'
import { LayerError } from './errors.js'
import { ACTION_WORDS, type Vocabulary } from '../vocabulary.js'
import { malformedFailure, networkFailure, statusFailure, timeoutFailure, type Failure, type FailureContext } from './failures.js'
import { watchFirstSend, type FirstSend } from './on-wire.js'
import { warmSockets, type WarmSockets } from './warm-sockets.js'
import { Pace, type PauseInfo } from './pace.js'
import { abortableSleep, backoffDelay, defaultSleep, rateLimitWait, type RateLimitWait } from './retry.js'
import type { Sleep } from './retry.js'
import { formatSeconds, quoter, type Quote } from './text.js'

/** How a `LayerClient` talks to Layer. */
export interface LayerClientOptions {
  /** Base URL, e.g. `https://api.app.layer.ai/api` (a trailing slash is ignored); validated by parseConfig. */
  apiUrl: string
  /** Personal Access Token or OAuth2 JWT, sent as `Authorization: Bearer …`. */
  token: string
  /** Timeout of each attempt (connect, headers and body), in milliseconds. */
  timeoutMs: number
  /** Retries after the first attempt (0 = one attempt only). */
  maxRetries: number
  /** Sent as `User-Agent`, e.g. "layer-budget-gate/0.1.0". */
  userAgent: string
  /** Cuts every secret the run knows out of Layer's text; default: a redactor of `token`. */
  redact?: Redactor
  /**
   * Requests in flight to Layer at most; pass the caller's concurrency. Unlimited when absent. As
   * many connections again are opened ahead for the requests the run announced (`expect`); none
   * without this bound.
   */
  connections?: number
  /** Waits between attempts; tests pass an instant one. It may ignore the signal: the client races it. */
  sleep?: Sleep
  /** Source of jitter in [0, 1); tests pass a constant. */
  random?: () => number
  /** Clock for `Retry-After` dates (ms since epoch). */
  now?: () => number
  /** Longest wait a `Retry-After` header may impose (default 60 s). */
  maxRetryAfterMs?: number
  /** Told about each retry before its wait, e.g. to log "retrying in 1.2 s (429 Too Many Requests)". */
  onRetry?: (info: RetryInfo) => void
  /** Longest total pause for Layer's rate limit over the run (max-wait-seconds); default unbounded. */
  maxWaitMs?: number
  /** Told once when Layer's rate limit pauses every request (not for each request it holds). */
  onPause?: (info: PauseInfo) => void
  /** The audience's words for settings and the token in messages (default: the action's). */
  words?: Vocabulary
}

/** One retry about to happen. */
export interface RetryInfo {
  /** The attempt that just failed (1-based); the next one is `attempt + 1`. */
  attempt: number
  /** The wait before the next attempt, in milliseconds. */
  delayMs: number
  /** Why the attempt failed, e.g. "429 Too Many Requests", "no answer within 30000 ms", "ECONNRESET". */
  reason: string
}

/** Error bodies are read up to this size; enough for any FastAPI validation answer. */
const MAX_ERROR_BYTES = 64 * 1024
const DEFAULT_MAX_RETRY_AFTER_MS = 60_000

/** Thrown inside an attempt when the caller cancelled; turned into kind 'aborted'. */
class CallerAbort extends Error {}

/** Layer's estimate endpoint over HTTP, with timeouts, retries and typed errors. */
export class LayerClient implements Estimator {
  private readonly agent: Agent
  private readonly baseUrl: string
  /** The base URL as shown in messages: no credentials, no query. */
  private readonly shownUrl: string
  private readonly sleep: Sleep
  private readonly random: () => number
  private readonly now: () => number
  private readonly maxRetryAfterMs: number
  private readonly redact: Redactor
  private readonly quote: Quote
  /** The same for every request (undici reads them, never changes them). */
  private readonly headers: Record<string, string>
  /** One pace for every request of the run (pace.ts). */
  private readonly pace: Pace
  private readonly maxWaitMs: number
  /** Resolved once the first estimate request is written to Layer, or an attempt ended without one, or the client closed. */
  private readonly firstSend: FirstSend
  /** Connections opened ahead of the requests that will use them. */
  private readonly warm: WarmSockets

  constructor(private readonly options: LayerClientOptions) {
    this.baseUrl = options.apiUrl.replace(/\/+$/, '')
    this.firstSend = watchFirstSend(this.baseUrl)
    this.shownUrl = shownUrlOf(this.baseUrl)
    this.sleep = options.sleep ?? defaultSleep
    this.random = options.random ?? Math.random
    this.now = options.now ?? Date.now
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS
    this.maxWaitMs = options.maxWaitMs ?? Infinity
    this.pace = new Pace({ maxWaitMs: this.maxWaitMs, now: this.now })
    this.redact = options.redact ?? createRedactor([options.token])
    this.quote = quoter(this.redact)
    this.headers = {
      authorization: `Bearer ${options.token}`,
      'content-type': 'application/json',
      accept: 'application/json',
      'user-agent': options.userAgent,
    }
    this.warm = warmSockets({ ahead: options.connections ?? 0 })
    this.agent = new Agent({
      connect: this.warm.connect,
      connections: options.connections ?? null,
      // The per-attempt timer below governs; these only stop undici's own 300 s defaults from mattering.
      headersTimeout: 0,
      bodyTimeout: 0,
    })
  }

  /** The run will send `requests` estimate requests: the pace ramps less once few are left (pace.ts). */
  expect(requests: number): void {
    this.pace.expect(requests)
    this.warm.expect(requests)
  }

  /**
   * Resolves once the run's first estimate request is on the wire: its headers written to Layer's
   * socket (undici's diagnostics channel), or its first attempt over without (a refused connection),
   * or the client closed. The action starts GitHub's reads after it, so they overlap pricing (SPEC 10).
   */
  sent(): Promise<void> {
    return this.firstSend.sent
  }

  /** Prices one request body in a workspace; throws `LayerError` when it cannot. */
  async estimate(workspaceId: string, body: EstimateRequest, signal?: AbortSignal): Promise<EstimateResponse> {
    try {
      return await this.price(workspaceId, body, signal)
    } finally {
      this.pace.finished()
    }
  }

  private async price(workspaceId: string, body: EstimateRequest, signal: AbortSignal | undefined): Promise<EstimateResponse> {
    const modelId = typeof body.model_id === 'string' ? body.model_id : String(body.model_id)
    const context: FailureContext = {
      workspaceId,
      modelId,
      shownUrl: this.shownUrl,
      quote: this.quote,
      redact: this.redact,
      words: this.options.words,
    }
    if (signal?.aborted) throw aborted(context, 0)
    // Under a shared pause every request in flight waits on the caller's one signal at once (up to
    // three listeners each): lift Node's leak warning, meant for unbounded growth, to that bound.
    const listeners = 3 * (this.options.connections ?? 64) + 10
    if (signal && getMaxListeners(signal) < listeners) setMaxListeners(listeners, signal)
    const url = `${this.baseUrl}/v1/workspaces/${encodeURIComponent(workspaceId)}/inferences/estimate`
    let payload: string
    try {
      payload = JSON.stringify(body)
    } catch (error) {
      // Only a cyclic or BigInt-bearing body gets here; the manifest loader should have refused it.
      throw new LayerError(
        'bad-request',
        `The request body for model ${modelId} cannot be sent as JSON: ${this.redact(describeError(error))}`,
      )
    }
    let faults = 0
    let slot = this.pace.reserve()
    for (let attempt = 1; ; attempt++) {
      // Wait for the slot; a pause that began meanwhile makes it stale, so reserve again.
      for (;;) {
        if (this.pace.exhausted) throw this.rateLimited(context, attempt - 1, undefined)
        if (slot.waitMs > 0) await this.wait(slot.waitMs, signal, context, attempt)
        if (this.pace.isCurrent(slot)) break
        slot = this.pace.reserve()
      }
      const startedAt = slot.startsAt
      let failure: Failure
      let limit: RateLimitWait | undefined
      try {
        const outcome = await this.attempt(url, payload, context, signal)
        limit = outcome.limit
        if ('response' in outcome) {
          this.pace.accepted(startedAt)
          if (limit) {
            const outcome = this.pace.limited(startedAt, Math.min(limit.ms, this.maxRetryAfterMs), this.quote(limit.asked), false)
            if (outcome.kind === 'retry' && outcome.pause) this.options.onPause?.(outcome.pause)
          }
          return outcome.response
        }
        failure = outcome.failure
        if (failure.status === 429 && !limit && outcome.retryAfter !== undefined)
          failure = unreadableWait(failure, this.quote(outcome.retryAfter))
      } catch (error) {
        if (error instanceof CallerAbort) throw aborted(context, attempt)
        throw error
      }
      if (failure.status === 429 && limit) {
        // Layer's rate limit: every request pauses (pace.ts); bounded by maxWaitMs, not by max-retries.
        const left = this.maxWaitMs - this.pace.waited
        const outcome =
          limit.ms > left
            ? undefined
            : this.pace.limited(startedAt, Math.min(limit.ms, this.maxRetryAfterMs), `${failure.reason}, ${this.quote(limit.asked)}`)
        if (outcome === undefined || outcome.kind === 'exhausted') throw this.rateLimited(context, attempt, limit)
        if (outcome.pause) this.options.onPause?.(outcome.pause)
        slot = outcome.slot
        this.options.onRetry?.({ attempt, delayMs: slot.waitMs, reason: `${failure.reason}, ${limit.asked}` })
        continue
      }
      if (failure.status !== undefined) this.pace.accepted(startedAt)
      faults++
      if (!failure.retryable || faults > this.options.maxRetries) throw this.fail(failure, attempt)
      const delayMs = failure.retryAfterMs ?? backoffDelay(faults, this.random)
      this.options.onRetry?.({ attempt, delayMs, reason: failure.reason })
      await this.wait(delayMs, signal, context, attempt)
      slot = this.pace.reserve()
    }
  }

  /** Sleeps `ms`, or throws 'aborted' when the caller cancels. */
  private async wait(ms: number, signal: AbortSignal | undefined, context: FailureContext, attempts: number): Promise<void> {
    try {
      await abortableSleep(this.sleep, ms, signal)
    } catch {
      throw aborted(context, attempts)
    }
    if (signal?.aborted) throw aborted(context, attempts)
  }

  /** The run waited as long as `maxWaitMs` allows for Layer's rate limit: fail closed, naming it. */
  private rateLimited(context: FailureContext, attempts: number, limit: RateLimitWait | undefined): LayerError {
    const words = this.options.words ?? ACTION_WORDS
    const allowed = Number.isFinite(this.maxWaitMs) ? ` (${words.setting('max-wait-seconds')} allows ${formatSeconds(this.maxWaitMs)})` : ''
    const asked = limit ? `; Layer asked to wait ${formatSeconds(limit.ms)} more (${this.quote(limit.asked)})` : ''
    return new LayerError(
      'rate-limited',
      `Layer's rate limit (429 Too Many Requests): the estimate requests waited ${formatSeconds(this.pace.waited)} in all for it${allowed}${asked}, so the estimate for model ${context.modelId} was not priced: raise ${words.setting('max-wait-seconds')}, lower ${words.setting('concurrency')}, or ${words.rerun} later`,
      429,
      [],
      Math.max(attempts, 1),
    )
  }

  /** Closes the sockets still open; call once when the run is done. */
  async close(): Promise<void> {
    this.firstSend.settle()
    this.warm.close()
    await this.agent.close()
  }

  /** One HTTP exchange: the valid estimate, or why it failed. Throws `CallerAbort` only. */
  private async attempt(
    url: string,
    payload: string,
    context: FailureContext,
    signal: AbortSignal | undefined,
  ): Promise<({ response: EstimateResponse } | { failure: Failure }) & { limit?: RateLimitWait; retryAfter?: string }> {
    // One controller per attempt, linked to the caller's signal by hand: AbortSignal.any on
    // Node 20 keeps every combined signal alive as long as the caller's, which leaks over 10k requests.
    const controller = new AbortController()
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      controller.abort(new Error('attempt timed out'))
    }, this.options.timeoutMs)
    const onCallerAbort = (): void => controller.abort(signal?.reason)
    signal?.addEventListener('abort', onCallerAbort, { once: true })
    try {
      const res = await request(url, {
        method: 'POST',
        dispatcher: this.agent,
        signal: controller.signal,
        headers: this.headers,
        body: payload,
        // One request per connection (`connection: close`, the socket closed after the answer). On a
        // kept-alive HTTP/1.1 connection, whatever arrives after a request is written is taken as its
        // answer, so one unsolicited 200 would price the next request. See SECURITY.md.
        reset: true,
      })
      const status = res.statusCode
      const limit = rateLimitWait((name) => headerValue(res.headers[name]), status, this.now())
      if (status >= 200 && status < 300) {
        // Any 2xx is read as an answer (and refused unless it is a 200): Layer did answer, so it is not retried.
        const mark = headerValue(res.headers[SIMULATOR_HEADER])
        const parsed = parseEstimateAnswer(status, await readText(res.body, MAX_ANSWER_BYTES), this.quote, mark)
        return parsed.ok ? { response: parsed.response, limit } : { failure: malformedFailure(status, parsed.problem, context) }
      }
      const text = await readText(res.body, MAX_ERROR_BYTES)
      const policy = { now: this.now, maxRetryAfterMs: this.maxRetryAfterMs }
      const retryAfter = headerValue(res.headers['retry-after'])
      return { failure: statusFailure(status, retryAfter, text ?? '', context, policy), limit, retryAfter }
    } catch (error) {
      if (signal?.aborted) throw new CallerAbort()
      if (timedOut) return { failure: timeoutFailure(this.options.timeoutMs, context) }
      return { failure: networkFailure(error, context) }
    } finally {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onCallerAbort)
      this.firstSend.settle()
    }
  }

  private fail(failure: Failure, attempts: number): LayerError {
    return new LayerError(failure.kind, this.redact(failure.message(attempts)), failure.status, failure.fieldErrors ?? [], attempts)
  }
}

/** A 429 whose Retry-After is not a delay: retried as a fault (max-retries), saying what Layer sent. */
function unreadableWait(failure: Failure, retryAfter: string): Failure {
  const note = `Retry-After "${retryAfter}" is not a delay`
  return { ...failure, reason: `${failure.reason}, ${note}`, message: (n) => `${failure.message(n)} (its ${note})` }
}

function aborted(context: FailureContext, attempts: number): LayerError {
  return new LayerError(
    'aborted',
    `The estimate request for model ${context.modelId} in workspace ${context.workspaceId} was cancelled before Layer answered`,
    undefined,
    [],
    Math.max(attempts, 1),
  )
}

/** The api-url without credentials or query, for messages (parseConfig refuses those anyway). */
function shownUrlOf(apiUrl: string): string {
  try {
    const url = new URL(apiUrl)
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`
  } catch {
    // Only a caller that skipped parseConfig gets here; undici then refuses the URL on the first request.
    return 'the api-url'
  }
}

/**
 * The whole body as text, or `undefined` when it is larger than `limit` bytes (the stream is then
 * destroyed, so an endless body does not keep the socket busy). Listens for events rather than
 * iterating: one promise per answer instead of one per chunk, on a path taken thousands of times.
 */
function readText(body: Readable, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer | string): void => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      size += buffer.length
      if (size > limit) {
        body.off('data', onData)
        body.destroy()
        resolve(undefined)
        return
      }
      chunks.push(buffer)
    }
    body.on('data', onData)
    body.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    body.on('error', reject) // kept for the stream's life: a second error must not go unhandled
  })
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}
