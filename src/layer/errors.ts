import { GateError } from '../errors.js'

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
