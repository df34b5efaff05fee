import type { Problem } from './types.js'

/**
 * An error the user can act on. `run()` turns it into `::error` lines (one per problem, with
 * file/line/col when known) and fails the step with `message`; it never prints a stack trace.
 */
export class GateError extends Error {
  constructor(
    message: string,
    /** Located problems shown as annotations; may be empty. */
    readonly problems: Problem[] = [],
  ) {
    super(message)
    this.name = 'GateError'
  }
}

/** An input of the action (or a CLI flag) has an invalid value. */
export class ConfigError extends GateError {
  override name = 'ConfigError'
}

/** One or more manifests are invalid (or could not be read); `problems` holds every one. */
export class ManifestError extends GateError {
  override name = 'ManifestError'
}

/** Why a Layer request failed, as far as the gate cares. */
export type LayerErrorKind =
  | 'auth' // 401/403: the token is wrong or lacks access; stops the whole run
  | 'not-found' // 404: workspace or model unknown
  | 'validation' // 422: Layer rejected a field
  | 'bad-request' // 400 and other non-retried 4xx
  | 'rate-limited' // 429 after all retries
  | 'server' // 5xx/408 after all retries
  | 'network' // connection error after all retries
  | 'timeout' // every attempt timed out
  | 'malformed' // 2xx with a body that is not a valid estimate
  | 'aborted' // cancelled because another request failed with 'auth'

/** One field error of a 422 answer, FastAPI-style: `loc` like ["body", "width"]. */
export interface LayerFieldError {
  loc: (string | number)[]
  msg: string
}

/** A failed estimate request. The message never contains the token. */
export class LayerError extends GateError {
  override name = 'LayerError'
  constructor(
    readonly kind: LayerErrorKind,
    message: string,
    readonly status?: number,
    readonly fieldErrors: LayerFieldError[] = [],
    readonly attempts = 1,
  ) {
    super(message)
  }
}

/**
 * `text` with every secret cut out (also URL-encoded, as in a quoted link): for what the runner does
 * not mask, such as comments, job summaries and reports. Secrets shorter than 4 characters are left
 * alone: cutting them would cut ordinary text.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('***')
    const encoded = encodeURIComponent(secret)
    if (encoded !== secret && encoded.length >= 4) out = out.split(encoded).join('***')
  }
  return out
}

/** A message for any thrown value, without a stack trace. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message
  // An Error from another realm (a vm context) fails instanceof but still has its message.
  const message = (error as { message?: unknown } | null)?.message
  return typeof message === 'string' ? message : String(error)
}
