/**
 * Failure classification (pure): what went wrong in one attempt, as a LayerErrorKind, a retry
 * decision and a message that says what to do. The client's transport calls these and never
 * words a failure itself.
 */
import { STATUS_CODES } from 'node:http'
import { describeError } from '../errors.js'
import type { Redactor } from '../secrets.js'
import { ACTION_WORDS, type Vocabulary } from '../vocabulary.js'
import type { LayerErrorKind, LayerFieldError } from './errors.js'
import { parseRetryAfter } from './retry.js'
import { formatSeconds, plural, truncate, QUOTE_LIMIT, type Quote } from './text.js'

/** What went wrong in one attempt; the message is built once the attempt count is known. */
export interface Failure {
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

/** The request a failure is about, and how the client quotes Layer's text. */
export interface FailureContext {
  workspaceId: string
  modelId: string
  /** The api-url as shown in messages: no credentials, no query. */
  shownUrl: string
  /** Layer text made safe to quote (redacted, one line, cut). */
  quote: Quote
  redact: Redactor
  /** The audience's words for settings and the token (default: the action's). */
  words?: Vocabulary
}

/** How a `Retry-After` header is read: the clock for HTTP dates, and the longest wait it may impose. */
export interface RetryAfterPolicy {
  now: () => number
  maxRetryAfterMs: number
}

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

/**
 * An answer that is not an estimate ('malformed'). Not retried: Layer did answer, and asking again
 * would most likely get the same body while hiding a contract change. The caller names the generation.
 */
export function malformedFailure(status: number, what: string, context: FailureContext): Failure {
  return {
    kind: 'malformed',
    retryable: false,
    status,
    reason: what,
    message: () =>
      `Layer's answer is not a valid estimate: ${what} (HTTP ${status} for workspace ${context.workspaceId} and model ${context.modelId}). Check ${words(context).setting('api-url')} points at Layer's API (${context.shownUrl})`,
  }
}

/** Every attempt ran out of time. */
export function timeoutFailure(timeoutMs: number, context: FailureContext): Failure {
  return {
    kind: 'timeout',
    retryable: true,
    reason: `no answer within ${timeoutMs} ms`,
    message: (n) =>
      `Layer did not answer within ${formatSeconds(timeoutMs)} (${plural(n, 'attempt')}) for workspace ${context.workspaceId} and model ${context.modelId}: raise ${words(context).setting('request-timeout-seconds')} or ${words(context).rerun} later`,
  }
}

/** A non-2xx answer mapped to a kind, a retry decision and a message that says what to do. */
export function statusFailure(
  status: number,
  retryAfter: string | undefined,
  text: string,
  context: FailureContext,
  policy: RetryAfterPolicy,
): Failure {
  const statusLine = `${status} ${STATUS_CODES[status] ?? 'Unknown Status'}`
  const detail = detailOf(text, context.quote)
  // Quoting Layer's "Too Many Requests" after "429 Too Many Requests" adds nothing.
  const said = detail && detail.toLowerCase() !== (STATUS_CODES[status] ?? '').toLowerCase() ? `. Layer said: "${detail}"` : ''
  const { workspaceId: ws, modelId: model, shownUrl } = context
  const plain = (kind: LayerErrorKind, message: string): Failure => ({
    kind,
    retryable: false,
    status,
    reason: statusLine,
    message: () => message,
  })
  if (status === 401) {
    return plain(
      'auth',
      `Layer refused the token (${statusLine}): check ${words(context).token}, a Personal Access Token from app.layer.ai → Settings → Personal Access Tokens, and that it can access workspace ${ws}${said}`,
    )
  }
  if (status === 403) {
    return plain(
      'auth',
      `Layer refused access to workspace ${ws} (${statusLine}): the token in ${words(context).token} is valid but cannot use this workspace; check ${words(context).setting('workspace-id')} and that the token's owner is a member of it${said}`,
    )
  }
  if (status === 404) {
    const hint = /workspace|model/i.test(detail)
      ? ''
      : `; if every request fails like this, check ${words(context).setting('api-url')} (${shownUrl})`
    return plain(
      'not-found',
      `Layer answered 404 for workspace ${ws} and model ${model}: ${detail || 'Not Found'}. Check ${words(context).setting('workspace-id')} and the generation's \`model_id\`${hint}`,
    )
  }
  if (status === 422) {
    const fieldErrors = fieldErrorsOf(text, context.quote)
    const listed = fieldErrors.length > 0 ? fieldErrors.map(formatFieldError).join('; ') : detail || 'no details given'
    return { ...plain('validation', `Layer rejected the request for model ${model} (${statusLine}): ${listed}`), fieldErrors }
  }
  if (RETRY_STATUSES.has(status)) {
    const retryAfterMs = parseRetryAfter(retryAfter, policy.now())
    const clamped = retryAfterMs === undefined ? undefined : Math.min(retryAfterMs, policy.maxRetryAfterMs)
    const retried = { retryable: true, status, retryAfterMs: clamped, reason: statusLine }
    if (status === 429) {
      return {
        ...retried,
        kind: 'rate-limited',
        message: (n) =>
          `Layer kept rate-limiting the estimate requests (${statusLine}, ${plural(n, 'attempt')}): lower ${words(context).setting('concurrency')} or raise ${words(context).setting('max-retries')}, then ${words(context).rerun}${said}`,
      }
    }
    return {
      ...retried,
      kind: 'server',
      message: (n) =>
        `Layer answered ${statusLine} for workspace ${ws} and model ${model} (${plural(n, 'attempt')}): Layer may be having trouble; ${words(context).rerun} later${said}`,
    }
  }
  if (status >= 500)
    return plain('server', `Layer answered ${statusLine} for workspace ${ws} and model ${model}: ${words(context).rerun} later${said}`)
  // 3xx (undici does not follow redirects) and the remaining 4xx: the request itself is wrong.
  const hint =
    status >= 300 && status < 400
      ? `check ${words(context).setting('api-url')} (${shownUrl})`
      : "check the generation's fields against Layer's estimate endpoint"
  return plain('bad-request', `Layer rejected the request for workspace ${ws} and model ${model} (${statusLine}): ${hint}${said}`)
}

/** A thrown error from undici: retried when it looks like a connection problem. */
export function networkFailure(error: unknown, context: FailureContext): Failure {
  const code = errorCode(error)
  // Not describeError: errors from another realm (a VM context, a bundled copy of undici) fail `instanceof Error`.
  const message = (error as { message?: unknown } | undefined)?.message
  const text = context.redact(typeof message === 'string' && message ? message : describeError(error))
  const reason = code && !text.includes(code) ? `${code}: ${text}` : text
  const retryable =
    code !== undefined
      ? RETRY_ERRNO.has(code) || (code.startsWith('UND_ERR_') && !NO_RETRY_UNDICI.has(code))
      : /socket hang up|other side closed/i.test(text)
  const hint =
    code === 'ENOTFOUND'
      ? `check the host name in ${words(context).setting('api-url')}`
      : `check ${words(context).setting('api-url')} and ${words(context).network}`
  return {
    kind: 'network',
    retryable,
    reason,
    message: (n) => `Could not reach Layer at ${context.shownUrl} (${truncate(reason, QUOTE_LIMIT)}, ${plural(n, 'attempt')}): ${hint}`,
  }
}

/** The words a message uses for the context's audience. */
function words(context: FailureContext): Vocabulary {
  return context.words ?? ACTION_WORDS
}

/** Layer's explanation in an error body: FastAPI's `detail` (string or list), else the raw text. */
function detailOf(text: string, quote: Quote): string {
  const json = tryJson(text)
  if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
    const record = json as Record<string, unknown>
    const detail = record.detail ?? record.message ?? record.error
    if (typeof detail === 'string') return quote(detail)
    if (Array.isArray(detail)) return quote(fieldErrorsFrom(detail, quote).map(formatFieldError).join('; '))
    if (detail !== undefined) return quote(JSON.stringify(detail))
  }
  return quote(text)
}

/** FastAPI's 422 list `{"detail":[{"loc":["body","width"],"msg":"…"}]}`; lenient about shapes. */
function fieldErrorsOf(text: string, quote: Quote): LayerFieldError[] {
  const json = tryJson(text)
  if (typeof json !== 'object' || json === null) return []
  const detail = Array.isArray(json) ? json : (json as Record<string, unknown>).detail
  return Array.isArray(detail) ? fieldErrorsFrom(detail, quote) : []
}

function fieldErrorsFrom(items: unknown[], quote: Quote): LayerFieldError[] {
  const errors: LayerFieldError[] = []
  for (const item of items.slice(0, 100)) {
    if (typeof item === 'string') {
      errors.push({ loc: [], msg: quote(item) })
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
    errors.push({ loc: loc.map((part) => (typeof part === 'string' ? quote(part) : part)), msg: quote(msg) })
  }
  return errors
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

function errorCode(error: unknown): string | undefined {
  // undici puts the system error on `cause` for some failures (e.g. a refused connection).
  for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string') return code
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}
