import { LayerError } from '../layer/errors.js'
import { toMicro, type Micro } from '../money.js'
import { requestIndexByGeneration } from './plan.js'
import type { Plan, PricedGeneration, Pricing, RequestOutcome } from '../types.js'
import { ACTION_WORDS, type Vocabulary } from '../vocabulary.js'

/**
 * The one pricing pass: Layer's answers read once per request, and each generation's price
 * (unit x runs, exact micro-CU) or the error that left it unpriced, computed once. The verdict
 * sums these lines and the report only reads them.
 */
export function priceGenerations(plan: Plan, outcomes: readonly RequestOutcome[], words: Vocabulary = ACTION_WORDS): Pricing {
  const requests = plan.requests.map((_, r) => readAnswer(outcomes[r], words))
  const requestOf = requestIndexByGeneration(plan)

  const lines: PricedGeneration[] = plan.generations.map((generation, index) => {
    const request = requestOf[index] ?? -1
    const read = requests[request] ?? { error: missingAnswer() }
    if ('error' in read) return { index, generation, request, error: read.error }
    const total = read.unit * generation.runs
    if (!Number.isSafeInteger(total)) return { index, generation, request, error: tooLarge(words) }
    return { index, generation, request, unit: read.unit, total }
  })

  let balance: Micro | undefined
  let layerSaysInsufficient = false
  const headRequests = new Set(lines.slice(0, plan.headCount).map((line) => line.request))
  requests.forEach((read, r) => {
    if ('error' in read) return
    if (balance === undefined || read.balance < balance) balance = read.balance
    if (!read.sufficient && headRequests.has(r)) layerSaysInsufficient = true
  })

  return {
    plan,
    lines,
    balance,
    layerSaysInsufficient,
    // Requests aborted after an authentication failure were never answered: they are not counted.
    requests: outcomes.filter((o) => o.ok || o.error.kind !== 'aborted').length,
    // One simulated answer is enough: a report mixing made-up prices with real ones is not Layer's.
    ...(outcomes.some((o) => o?.ok && o.response.simulated === true) ? { simulated: true as const } : {}),
  }
}

/** What one answer says, in micro-CU, or why it gives no price. */
type Answer = { unit: Micro; balance: Micro; sufficient: boolean } | { error: LayerError }

function readAnswer(outcome: RequestOutcome | undefined, words: Vocabulary): Answer {
  if (!outcome) return { error: missingAnswer() }
  if (!outcome.ok) return { error: outcome.error }
  const { response } = outcome
  // A price is rounded up past 6 decimals, a balance down: never a lower total or a higher balance than Layer said.
  const unit = exactMicro(response.estimated_price_creative_units, 'up')
  const balance = exactMicro(response.workspace_balance_creative_units, 'down')
  if (unit === undefined || balance === undefined) return { error: tooLarge(words) }
  return { unit, balance, sufficient: response.has_sufficient_creative_units !== false }
}

/** A figure as micro-CU when it can be held exactly (a safe integer), else undefined. */
function exactMicro(cu: number, rounding: 'up' | 'down'): Micro | undefined {
  if (!Number.isFinite(cu)) return undefined
  const micro = toMicro(cu, rounding)
  return Number.isSafeInteger(micro) ? micro : undefined
}

/** Past 2^53 micro-CU (9 billion CU) a float sum drifts: such figures can only come from a misbehaving API. */
function tooLarge(words: Vocabulary): LayerError {
  return new LayerError('malformed', tooLargeMessage(words))
}

/** Why figures past 2^53 micro-CU (Number.MAX_SAFE_INTEGER, exactly) are refused, for a line and for the sum (budget.ts), in `words`. */
export function tooLargeMessage(words: Vocabulary): string {
  return (
    "Layer's figures are too large to add up exactly (more than 9,007,199,254.740991 CU): " +
    `the estimate cannot be trusted; check ${words.setting('api-url')} points at Layer and ${words.rerun}`
  )
}

function missingAnswer(): LayerError {
  // Only reachable when the outcomes do not match the plan: a bug, reported rather than priced as 0.
  return new LayerError('malformed', 'no estimate answer was recorded for this generation')
}
