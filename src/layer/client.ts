/**
 * The only HTTP code for Layer: one `estimate()` call against
 * `POST {api-url}/v1/workspaces/{workspace_id}/inferences/estimate`, with a per-attempt timeout,
 * retries for what is worth retrying, a validated answer and typed errors (`LayerError`).
 *
 * Decisions worth knowing:
 * - A 2xx whose body is not a valid estimate ('malformed') is NOT retried: Layer did answer, and
 *   asking again would most likely get the same body while hiding a contract change. The caller
 *   names the generation and fails closed.
 * - `Retry-After` (seconds or HTTP date) replaces the backoff for that retry, clamped to
 *   `maxRetryAfterMs` so one header cannot park a CI job for an hour.
 * - Nothing here prints: every outcome is returned or thrown, and the caller reports.
 * - The token never reaches a message: Layer's text is truncated and scrubbed of it, and the
 *   Authorization header is never echoed.
 */
import { STATUS_CODES } from 'node:http'
import type { Readable } from 'node:stream'
import { Agent, request } from 'undici'
import { ConfigError, describeError } from '../errors.js'
import { LayerError } from './errors.js'
import { redactSecrets } from '../secrets.js'
import type { LayerErrorKind, LayerFieldError } from './errors.js'
import type { EstimateRequest, EstimateResponse, Estimator } from '../types.js'
import { abortableSleep, backoffDelay, defaultSleep, parseRetryAfter } from './retry.js'
import type { Sleep } from './retry.js'

/** How a `LayerClient` talks to Layer. */
export interface LayerClientOptions {
  /** Base URL, e.g. `https://api.app.layer.ai/api` (a trailing slash is ignored). */
  apiUrl: string
  /** Personal Access Token or OAuth2 JWT, sent as `Authorization: Bearer …`. */
  token: string
  /** Timeout of each attempt (connect, headers and body), in milliseconds. */
  timeoutMs: number
  /** Retries after the first attempt (0 = one attempt only). */
  maxRetries: number
  /** Sent as `User-Agent`, e.g. "layer-budget-gate/0.1.0". */
  userAgent: string
  /** Sockets kept open to Layer at most; pass the caller's concurrency. Unlimited when absent. */
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

/** Layer text quoted in a message is cut to this many characters. */
const QUOTE_LIMIT = 300
/** A 2xx body larger than this is not an estimate (the real one is ~150 bytes). */
const MAX_SUCCESS_BYTES = 1024 * 1024
/** Error bodies are read up to this size; enough for any FastAPI validation answer. */
const MAX_ERROR_BYTES = 64 * 1024
const DEFAULT_MAX_RETRY_AFTER_MS = 60_000

/** Statuses worth asking again: the request may well succeed later. */
const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504])
/** System error codes of a connection that failed or dropped; transient by nature. */
const RETRY_ERRNO = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
])
/** undici codes that are our own mistakes or a closed client, not a flaky network. */
const NO_RETRY_UNDICI = new Set([
  'UND_ERR_INVALID_ARG',
  'UND_ERR_INVALID_RETURN_VALUE',
  'UND_ERR_NOT_SUPPORTED',
  'UND_ERR_ABORTED',
  'UND_ERR_DESTROYED',
  'UND_ERR_CLOSED',
])

const RESPONSE_FIELDS = [
  'estimated_price_creative_units',
  'workspace_balance_creative_units',
  'estimated_remaining_balance_creative_units',
  'has_sufficient_creative_units',
] as const

/** What went wrong in one attempt; the message is built once the attempt count is known. */
interface Failure {
  kind: LayerErrorKind
  retryable: boolean
  /** Short cause for `onRetry` and for messages. */
  reason: string
  status?: number
  fieldErrors?: LayerFieldError[]
  /** From `Retry-After`, already clamped. */
  retryAfterMs?: number
  message: (attempts: number) => string
}

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
  /** The same for every request (undici reads them, never changes them). */
  private readonly headers: Record<string, string>

  constructor(private readonly options: LayerClientOptions) {
    let url: URL
    try {
      url = new URL(options.apiUrl)
    } catch {
      const shown = options.token ? options.apiUrl.split(options.token).join('***') : options.apiUrl
      throw new ConfigError(`api-url "${truncate(shown, 200)}" is not a URL: use e.g. https://api.app.layer.ai/api`)
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new ConfigError(`api-url must start with https:// (or http:// for a local simulator), got ${url.protocol}//`)
    }
    if (!options.token) throw new ConfigError('The Layer token is empty: set the `layer-token` input (LAYER_API_TOKEN for the CLI)')
    // A line break in the token would be a header-injection attempt or a pasting mistake; refuse it without echoing it.
    if ([...options.token].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f)) {
      throw new ConfigError('The Layer token contains a line break or control character: paste the token again into the `layer-token` secret')
    }
    if (!(Number.isFinite(options.timeoutMs) && options.timeoutMs > 0)) {
      throw new ConfigError(`The request timeout must be a positive number of milliseconds, got ${options.timeoutMs}`)
    }
    if (!(Number.isInteger(options.maxRetries) && options.maxRetries >= 0)) {
      throw new ConfigError(`max-retries must be a whole number >= 0, got ${options.maxRetries}`)
    }
    this.baseUrl = options.apiUrl.replace(/\/+$/, '')
    this.shownUrl = `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`
    this.sleep = options.sleep ?? defaultSleep
    this.random = options.random ?? Math.random
    this.now = options.now ?? Date.now
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS
    this.headers = {
      authorization: `Bearer ${options.token}`,
      'content-type': 'application/json',
      accept: 'application/json',
      'user-agent': options.userAgent,
    }
    this.agent = new Agent({
      connections: options.connections ?? null,
      keepAliveTimeout: 4_000,
      // The per-attempt timer below governs; these only stop undici's own 300 s defaults from mattering.
      headersTimeout: 0,
      bodyTimeout: 0,
    })
  }

  /** Prices one request body in a workspace; throws `LayerError` when it cannot. */
  async estimate(workspaceId: string, body: EstimateRequest, signal?: AbortSignal): Promise<EstimateResponse> {
    const context = { workspaceId, modelId: typeof body.model_id === 'string' ? body.model_id : String(body.model_id) }
    if (signal?.aborted) throw this.aborted(context, 0)
    const url = `${this.baseUrl}/v1/workspaces/${encodeURIComponent(workspaceId)}/inferences/estimate`
    let payload: string
    try {
      payload = JSON.stringify(body)
    } catch (error) {
      // Only a cyclic or BigInt-bearing body gets here; the manifest loader should have refused it.
      throw new LayerError('bad-request', `The request body for model ${context.modelId} cannot be sent as JSON: ${this.redact(describeError(error))}`)
    }
    const maxAttempts = this.options.maxRetries + 1
    for (let attempt = 1; ; attempt++) {
      let failure: Failure
      try {
        const outcome = await this.attempt(url, payload, context, signal)
        if ('response' in outcome) return outcome.response
        failure = outcome
      } catch (error) {
        if (error instanceof CallerAbort) throw this.aborted(context, attempt)
        throw error
      }
      if (!failure.retryable || attempt >= maxAttempts) throw this.fail(failure, attempt)
      const delayMs = failure.retryAfterMs ?? backoffDelay(attempt, this.random)
      this.options.onRetry?.({ attempt, delayMs, reason: failure.reason })
      try {
        await abortableSleep(this.sleep, delayMs, signal)
      } catch {
        throw this.aborted(context, attempt)
      }
      if (signal?.aborted) throw this.aborted(context, attempt)
    }
  }

  /** Closes the kept-alive sockets; call once when the run is done. */
  async close(): Promise<void> {
    await this.agent.close()
  }

  /** One HTTP exchange: the valid estimate, or why it failed. Throws `CallerAbort` only. */
  private async attempt(
    url: string,
    payload: string,
    context: Context,
    signal: AbortSignal | undefined,
  ): Promise<{ response: EstimateResponse } | Failure> {
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
      })
      const status = res.statusCode
      if (status >= 200 && status < 300) {
        const text = await readText(res.body, MAX_SUCCESS_BYTES)
        return this.parseSuccess(status, text, context)
      }
      const text = await readText(res.body, MAX_ERROR_BYTES)
      return this.httpFailure(status, headerValue(res.headers['retry-after']), text ?? '', context)
    } catch (error) {
      if (signal?.aborted) throw new CallerAbort()
      if (timedOut) {
        const reason = `no answer within ${this.options.timeoutMs} ms`
        return {
          kind: 'timeout',
          retryable: true,
          reason,
          message: (n) =>
            `Layer did not answer within ${formatSeconds(this.options.timeoutMs)} (${plural(n, 'attempt')}) for workspace ${context.workspaceId} and model ${context.modelId}: raise \`request-timeout-seconds\` or re-run the job later`,
        }
      }
      return this.networkFailure(error)
    } finally {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onCallerAbort)
    }
  }

  /** A 2xx body: the estimate if it has the seed's four fields with the right types. */
  private parseSuccess(status: number, text: string | undefined, context: Context): { response: EstimateResponse } | Failure {
    const malformed = (what: string): Failure => ({
      kind: 'malformed',
      retryable: false,
      status,
      reason: what,
      message: () =>
        `Layer's answer is not a valid estimate: ${what} (HTTP ${status} for workspace ${context.workspaceId} and model ${context.modelId}). Check \`api-url\` points at Layer's API (${this.shownUrl})`,
    })
    if (text === undefined) return malformed(`the answer is larger than ${MAX_SUCCESS_BYTES / 1024} KiB`)
    if (text.trim() === '') return malformed('the answer is empty')
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      return malformed(`the answer is not JSON: "${this.quote(text)}"`)
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      return malformed(`expected a JSON object, got ${describeJsonType(json)}`)
    }
    // The seed's response: three finite numbers and a boolean. Extra fields are dropped. (Checked by
    // hand rather than with a schema library: this runs once per request, up to thousands per run.)
    const record = json as Record<string, unknown>
    const problems: string[] = []
    for (const field of RESPONSE_FIELDS) {
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
    if (problems.length > 0) return malformed(problems.join(', '))
    return {
      response: {
        estimated_price_creative_units: record.estimated_price_creative_units as number,
        workspace_balance_creative_units: record.workspace_balance_creative_units as number,
        estimated_remaining_balance_creative_units: record.estimated_remaining_balance_creative_units as number,
        has_sufficient_creative_units: record.has_sufficient_creative_units as boolean,
      },
    }
  }

  /** A non-2xx answer mapped to a kind, a retry decision and a message that says what to do. */
  private httpFailure(status: number, retryAfter: string | undefined, text: string, context: Context): Failure {
    const statusLine = `${status} ${STATUS_CODES[status] ?? 'Unknown Status'}`
    const detail = this.detailOf(text)
    // Quoting Layer's "Too Many Requests" after "429 Too Many Requests" adds nothing.
    const said = detail && detail.toLowerCase() !== (STATUS_CODES[status] ?? '').toLowerCase() ? `. Layer said: "${detail}"` : ''
    const { workspaceId: ws, modelId: model } = context
    if (status === 401) {
      return {
        kind: 'auth',
        retryable: false,
        status,
        reason: statusLine,
        message: () =>
          `Layer refused the token (${statusLine}): check the \`layer-token\` secret (LAYER_API_TOKEN for the CLI), a Personal Access Token from app.layer.ai → Settings → Personal Access Tokens, and that it can access workspace ${ws}${said}`,
      }
    }
    if (status === 403) {
      return {
        kind: 'auth',
        retryable: false,
        status,
        reason: statusLine,
        message: () =>
          `Layer refused access to workspace ${ws} (${statusLine}): the token in the \`layer-token\` secret (LAYER_API_TOKEN for the CLI) is valid but cannot use this workspace; check \`workspace-id\` and that the token's owner is a member of it${said}`,
      }
    }
    if (status === 404) {
      const mentionsTarget = /workspace|model/i.test(detail)
      const hint = mentionsTarget ? '' : `; if every request fails like this, check \`api-url\` (${this.shownUrl})`
      return {
        kind: 'not-found',
        retryable: false,
        status,
        reason: statusLine,
        message: () =>
          `Layer answered 404 for workspace ${ws} and model ${model}: ${detail || 'Not Found'}. Check \`workspace-id\` and the generation's \`model_id\`${hint}`,
      }
    }
    if (status === 422) {
      const fieldErrors = this.fieldErrorsOf(text)
      const listed = fieldErrors.length > 0 ? fieldErrors.map(formatFieldError).join('; ') : detail || 'no details given'
      return {
        kind: 'validation',
        retryable: false,
        status,
        fieldErrors,
        reason: statusLine,
        message: () => `Layer rejected the request for model ${model} (${statusLine}): ${listed}`,
      }
    }
    if (RETRY_STATUSES.has(status)) {
      const retryAfterMs = parseRetryAfter(retryAfter, this.now())
      const clamped = retryAfterMs === undefined ? undefined : Math.min(retryAfterMs, this.maxRetryAfterMs)
      if (status === 429) {
        return {
          kind: 'rate-limited',
          retryable: true,
          status,
          retryAfterMs: clamped,
          reason: statusLine,
          message: (n) =>
            `Layer kept rate-limiting the estimate requests (${statusLine}, ${plural(n, 'attempt')}): lower \`concurrency\` or raise \`max-retries\`, then re-run the job${said}`,
        }
      }
      return {
        kind: 'server',
        retryable: true,
        status,
        retryAfterMs: clamped,
        reason: statusLine,
        message: (n) =>
          `Layer answered ${statusLine} for workspace ${ws} and model ${model} (${plural(n, 'attempt')}): Layer may be having trouble; re-run the job later${said}`,
      }
    }
    if (status >= 500) {
      return {
        kind: 'server',
        retryable: false,
        status,
        reason: statusLine,
        message: () => `Layer answered ${statusLine} for workspace ${ws} and model ${model}: re-run the job later${said}`,
      }
    }
    // 3xx (undici does not follow redirects) and the remaining 4xx: the request itself is wrong.
    const hint = status >= 300 && status < 400 ? `check \`api-url\` (${this.shownUrl})` : "check the generation's fields against Layer's estimate endpoint"
    return {
      kind: 'bad-request',
      retryable: false,
      status,
      reason: statusLine,
      message: () => `Layer rejected the request for workspace ${ws} and model ${model} (${statusLine}): ${hint}${said}`,
    }
  }

  /** A thrown error from undici: retried when it looks like a connection problem. */
  private networkFailure(error: unknown): Failure {
    const code = errorCode(error)
    // Not describeError: errors from another realm (a VM context, a bundled copy of undici) fail `instanceof Error`.
    const message = (error as { message?: unknown } | undefined)?.message
    const text = this.redact(typeof message === 'string' && message ? message : describeError(error))
    const reason = code && !text.includes(code) ? `${code}: ${text}` : text
    const retryable =
      code !== undefined
        ? RETRY_ERRNO.has(code) || (code.startsWith('UND_ERR_') && !NO_RETRY_UNDICI.has(code))
        : /socket hang up|other side closed/i.test(text)
    const hint = code === 'ENOTFOUND' ? 'check the host name in `api-url`' : "check `api-url` and the runner's network"
    return {
      kind: 'network',
      retryable,
      reason,
      message: (n) => `Could not reach Layer at ${this.shownUrl} (${truncate(reason, QUOTE_LIMIT)}, ${plural(n, 'attempt')}): ${hint}`,
    }
  }

  private fail(failure: Failure, attempts: number): LayerError {
    return new LayerError(failure.kind, this.redact(failure.message(attempts)), failure.status, failure.fieldErrors ?? [], attempts)
  }

  private aborted(context: Context, attempts: number): LayerError {
    return new LayerError(
      'aborted',
      `The estimate request for model ${context.modelId} in workspace ${context.workspaceId} was cancelled before Layer answered`,
      undefined,
      [],
      Math.max(attempts, 1),
    )
  }

  /** Layer's explanation in an error body: FastAPI's `detail` (string or list), else the raw text. */
  private detailOf(text: string): string {
    const json = tryJson(text)
    if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
      const record = json as Record<string, unknown>
      const detail = record.detail ?? record.message ?? record.error
      if (typeof detail === 'string') return this.quote(detail)
      if (Array.isArray(detail)) return this.quote(this.fieldErrorsFrom(detail).map(formatFieldError).join('; '))
      if (detail !== undefined) return this.quote(JSON.stringify(detail))
    }
    return this.quote(text)
  }

  /** FastAPI's 422 list `{"detail":[{"loc":["body","width"],"msg":"…"}]}`; lenient about shapes. */
  private fieldErrorsOf(text: string): LayerFieldError[] {
    const json = tryJson(text)
    if (typeof json !== 'object' || json === null) return []
    const detail = Array.isArray(json) ? json : (json as Record<string, unknown>).detail
    return Array.isArray(detail) ? this.fieldErrorsFrom(detail) : []
  }

  private fieldErrorsFrom(items: unknown[]): LayerFieldError[] {
    const errors: LayerFieldError[] = []
    for (const item of items.slice(0, 100)) {
      if (typeof item === 'string') {
        errors.push({ loc: [], msg: this.quote(item) })
        continue
      }
      if (typeof item !== 'object' || item === null) continue
      const record = item as Record<string, unknown>
      const loc = Array.isArray(record.loc)
        ? record.loc.filter((part): part is string | number => typeof part === 'string' || typeof part === 'number')
        : typeof record.loc === 'string'
          ? [record.loc]
          : []
      const rawMsg = record.msg ?? record.message
      const msg = typeof rawMsg === 'string' ? rawMsg : JSON.stringify(record)
      errors.push({ loc: loc.map((part) => (typeof part === 'string' ? this.quote(part) : part)), msg: this.quote(msg) })
    }
    return errors
  }

  /** Layer text made safe to quote: one line, at most QUOTE_LIMIT characters, no token. */
  private quote(text: string): string {
    return truncate(this.redact(text).replace(/\s+/g, ' ').trim(), QUOTE_LIMIT)
  }

  private redact(text: string): string {
    return redactSecrets(text, [this.options.token])
  }
}

interface Context {
  workspaceId: string
  modelId: string
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

function formatFieldError(error: LayerFieldError): string {
  // "body" is where FastAPI found the field; the user knows the field by its own name.
  const loc = error.loc[0] === 'body' ? error.loc.slice(1) : error.loc
  const path = loc.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('')
  return path ? `${path}: ${error.msg}` : error.msg
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

function errorCode(error: unknown): string | undefined {
  // undici puts the system error on `cause` for some failures (e.g. a refused connection).
  for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string') return code
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

function describeJsonType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') return `a string (${JSON.stringify(truncate(value, 40))})`
  if (typeof value === 'object') return 'an object'
  return `a ${typeof value}`
}

function truncate(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`
}
