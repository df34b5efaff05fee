import pLimit from 'p-limit'
import { ConfigError, describeError } from '../errors.js'
import { LayerError } from '../layer/errors.js'
import type { Estimator, Plan, PlannedRequest, RequestOutcome } from '../types.js'
import { ACTION_WORDS, type Vocabulary } from '../vocabulary.js'

/** How a plan is run: the concurrency cap, an outside cancel signal, a progress callback. */
export interface RunPlanOptions {
  /** Estimate requests in flight at most (input `concurrency`). */
  concurrency: number
  /** Cancels the whole run; requests not yet sent and those in flight end as 'aborted'. */
  signal?: AbortSignal
  /** Called after each request settles (`done` of `total` requests). */
  onProgress?: (done: number, total: number) => void
  /** The audience's words for the token in the aborted requests' messages (default: the action's). */
  words?: Vocabulary
  /**
   * Requests that join the run later (SPEC 10: the base's, read from GitHub while the head's are
   * priced). Called once the first request is on the wire (`estimator.sent`) or the plan's own
   * requests have all ended; what it returns shares the concurrency cap and follows the plan's
   * outcomes. When it rejects, the run stops (requests in flight are aborted) and `runPlan` rejects
   * with its reason.
   */
  more?: () => Promise<readonly PlannedRequest[]>
}

/** Why a request ended without an answer once another was refused for its token ("not sent" or "cancelled"). */
function afterAuth(what: 'not sent' | 'cancelled', words: Vocabulary): string {
  return `${what}: another estimate request was refused with an authentication error (check ${words.tokenName})`
}

const CANCELLED = 'cancelled: the run was cancelled before this estimate request finished'

/**
 * Sends every request of the plan through `estimator`, at most `concurrency` at once, and returns
 * one outcome per request in plan order, then one per request of `more`. It rejects only with
 * `more`'s rejection: each failure of a request is a LayerError outcome.
 * A failure of kind 'auth' stops the run at once: requests in flight are aborted through their
 * signal, queued ones are never sent, and all of them end as kind 'aborted'.
 */
export async function runPlan(plan: Plan, estimator: Estimator, options: RunPlanOptions): Promise<RequestOutcome[]> {
  const { concurrency, signal, onProgress, words = ACTION_WORDS } = options
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ConfigError(`concurrency must be a whole number of at least 1, got ${String(concurrency)}`)
  }

  // One controller for the whole run: an auth failure or the caller's signal aborts it, and every
  // request receives its signal, so in-flight requests are cancelled in one step.
  const controller = new AbortController()
  let stoppedByAuth = false
  const onOutsideAbort = (): void => controller.abort(signal?.reason)
  if (signal?.aborted) controller.abort(signal.reason)
  else signal?.addEventListener('abort', onOutsideAbort, { once: true })

  // Settles when the run is aborted, so a request whose estimator ignores the signal does not
  // hold the run open: the race below resolves it as 'aborted' immediately.
  const aborted = new Promise<'aborted'>((resolve) => {
    if (controller.signal.aborted) resolve('aborted')
    else controller.signal.addEventListener('abort', () => resolve('aborted'), { once: true })
  })

  const abortedOutcome = (sent: boolean): RequestOutcome => ({
    ok: false,
    error: new LayerError('aborted', stoppedByAuth ? afterAuth(sent ? 'cancelled' : 'not sent', words) : CANCELLED),
  })

  let total = plan.requests.length
  let done = 0
  const limit = pLimit(concurrency)
  estimator.expect?.(total)

  const send = async (request: PlannedRequest): Promise<RequestOutcome> => {
    const outcome = controller.signal.aborted ? abortedOutcome(false) : await estimate(request)
    done += 1
    onProgress?.(done, total)
    return outcome
  }

  const estimate = async (request: PlannedRequest): Promise<RequestOutcome> => {
    try {
      const answer = await Promise.race([estimator.estimate(plan.workspaceId, request.body, controller.signal), aborted])
      return answer === 'aborted' ? abortedOutcome(true) : { ok: true, response: answer }
    } catch (thrown) {
      const error = toLayerError(thrown, controller.signal.aborted)
      if (error.kind === 'auth' && !controller.signal.aborted) {
        stoppedByAuth = true
        controller.abort(error)
      } else if (error.kind !== 'auth' && controller.signal.aborted) {
        // Failures after the stop are the abort's doing, not Layer's answer.
        return abortedOutcome(true)
      }
      return { ok: false, error }
    }
  }

  try {
    const first = Promise.all(plan.requests.map((request) => limit(send, request)))
    if (!options.more) return await first
    const more = options.more
    const onWire = estimator.sent?.() ?? Promise.resolve()
    const later = Promise.race([onWire, first.then(noop)])
      .then(() => more())
      .then((requests) => {
        total += requests.length
        if (requests.length > 0) estimator.expect?.(requests.length)
        return Promise.all(requests.map((request) => limit(send, request)))
      })
    let laterOutcomes: RequestOutcome[]
    try {
      laterOutcomes = await later
    } catch (reason) {
      // A failed `more` stops the run: what is in flight is aborted, then its reason is the run's.
      controller.abort(reason)
      await first
      throw reason
    }
    return [...(await first), ...laterOutcomes]
  } finally {
    signal?.removeEventListener('abort', onOutsideAbort)
  }
}

const noop = (): void => {}

/** Any thrown value as a LayerError: the estimator should throw LayerError, this is the safety net. */
function toLayerError(error: unknown, aborted: boolean): LayerError {
  if (error instanceof LayerError) return error
  if (aborted) return new LayerError('aborted', CANCELLED)
  return new LayerError('network', `estimate request failed: ${describeError(error)}`)
}
