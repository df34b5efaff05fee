/**
 * Whether a run failed as a whole (pure): a refused token, Layer unreachable, a workspace that does
 * not exist. Such a failure is said once, as the run's error, not once per generation on lines that
 * are not wrong (SPEC section 4, last point). A generation's own problem (a 422 on its field, an
 * unknown model, an answer that is not an estimate) is not a run failure: it stays on its line.
 */
import type { LayerError, LayerErrorKind } from '../layer/errors.js'
import type { Pricing } from '../types.js'
import { ACTION_WORDS, type Vocabulary } from '../vocabulary.js'

/**
 * Kinds that say nothing about the generation when every request failed with them: Layer could not
 * be reached, or kept failing, whatever was asked. 'not-found' is one only across several models.
 */
const RUN_WIDE: ReadonlySet<LayerErrorKind> = new Set(['network', 'timeout', 'server', 'rate-limited', 'not-found'])

/** Kinds counted as the same failure: a timeout and a refused connection both mean Layer is out of reach. */
function failureClass(kind: LayerErrorKind): string {
  return kind === 'timeout' ? 'network' : kind
}

/**
 * The one sentence that explains the whole run's failure, or undefined when the failures (if any)
 * belong to generations. A refused token (401/403) always fails the run. Otherwise the run failed
 * when no request was answered and every request sent (head and base) failed the same run-wide way;
 * a 404 counts only when the requests name two or more models (one unknown model would explain them all).
 * The settings it points at are named in `words` (the action's by default).
 */
export function runFailure(pricing: Pricing, words: Vocabulary = ACTION_WORDS): string | undefined {
  const { plan, lines } = pricing
  const errors = new Map<number, LayerError | undefined>()
  for (const line of lines) if (!errors.has(line.request) || line.error === undefined) errors.set(line.request, line.error)
  const failed = [...errors.values()].filter((error): error is LayerError => error !== undefined && error.kind !== 'aborted')
  const auth = failed.find((error) => error.kind === 'auth')
  if (auth) return auth.message
  const [first] = failed
  if (first === undefined || [...errors.values()].some((error) => error === undefined)) return undefined
  if (!RUN_WIDE.has(first.kind) || failed.some((error) => failureClass(error.kind) !== failureClass(first.kind))) return undefined
  const sent = failed.length
  if (first.kind === 'not-found') {
    const models = new Set(plan.requests.map((request) => request.body.model_id))
    if (models.size < 2) return undefined
    return (
      `Layer answered 404 to all ${sent} estimate requests, for ${models.size} different models: workspace ${plan.workspaceId} ` +
      `does not exist there, or the token cannot see it; check ${words.setting('workspace-id')} and ${words.setting('api-url')}. The first answer: ${first.message}`
    )
  }
  return sent === 1 ? first.message : `${first.message} (all ${sent} estimate requests failed this way)`
}
