import { formatGrouped, toMicro } from './money.js'
import { requestIndexByGeneration } from './pricing/plan.js'
import type { Micro, Rounding } from './money.js'
import type { Plan, Policy, RequestOutcome, Verdict } from './types.js'

/**
 * The verdict of SPEC section 3. `total` is the exact micro-CU sum over the HEAD generations of
 * unit price x runs; `balance` is the lowest workspace balance in any successful answer (head or
 * base: the freshest, most cautious reading). Fails closed: when a head generation could not be
 * priced the status is 'error', `sufficient` is undefined and the step does not pass, whatever
 * the mode. Base failures only cost the diff, so they do not affect the verdict.
 */
export function decideVerdict(plan: Plan, outcomes: RequestOutcome[], policy: Policy): Verdict {
  const requestOf = requestIndexByGeneration(plan)
  const unitByRequest = unitPrices(outcomes)

  let balance: Micro | undefined
  for (const outcome of outcomes) {
    if (!outcome.ok) continue
    const seen = toMicro(outcome.response.workspace_balance_creative_units, 'down')
    if (balance === undefined || seen < balance) balance = seen
  }

  let total: Micro = 0
  let unpriced = 0
  for (let g = 0; g < plan.headCount; g++) {
    const generation = plan.generations[g]
    const unit = unitByRequest[requestOf[g] ?? -1]
    if (!generation || unit === undefined) {
      unpriced += 1
      continue
    }
    total += unit * generation.runs
  }

  if (unpriced > 0) {
    return { status: 'error', total, balance, remaining: undefined, reasons: [], passes: false }
  }

  const remaining = balance === undefined ? undefined : balance - total
  const reasons: string[] = []
  // Past 2^53 micro-CU (9 billion CU) a sum of floats drifts, and the gate must never call a total
  // it cannot hold exactly "within budget": such figures can only come from a misbehaving API.
  if (!Number.isSafeInteger(total) || (balance !== undefined && !Number.isSafeInteger(balance))) {
    reasons.push(
      `Layer's figures are too large to add up exactly (more than ${cu(Number.MAX_SAFE_INTEGER)}): ` +
        'the estimate cannot be trusted; check `api-url` points at Layer and re-run the job.',
    )
  }
  // With no head generation nothing is asked of Layer, so the balance may be unknown: nothing
  // will be spent, and the reserve is only checked when a balance was seen.
  if (remaining !== undefined && remaining < policy.minRemaining) {
    reasons.push(reserveReason(total, balance ?? 0, remaining, policy.minRemaining))
  }
  if (policy.maxTotal !== undefined && total > policy.maxTotal) {
    reasons.push(
      `The estimated total of ${cu(total, 'up')} exceeds the cap of ${cu(policy.maxTotal, 'down')} (max-total) ` +
        `by ${cu(total - policy.maxTotal, 'up')}.`,
    )
  }
  const over = reasons.length > 0
  return {
    status: over ? 'over' : 'within',
    sufficient: !over,
    total,
    balance,
    remaining,
    reasons,
    passes: !over || !policy.failOnInsufficient,
  }
}

/**
 * The price per run of each request's answer, in micro-CU (undefined when it failed): read once per
 * request, rounded up past 6 decimals. The verdict and the report both take their prices from here.
 */
export function unitPrices(outcomes: readonly RequestOutcome[]): (Micro | undefined)[] {
  return outcomes.map((outcome) => (outcome.ok ? toMicro(outcome.response.estimated_price_creative_units, 'up') : undefined))
}

/** How far over budget the verdict is: the larger of the reserve shortfall and the cap excess (0 when not over). */
export function overBy(verdict: Verdict, policy: Policy): Micro {
  if (verdict.status !== 'over') return 0
  const shortfall = verdict.remaining === undefined ? 0 : policy.minRemaining - verdict.remaining
  const excess = policy.maxTotal === undefined ? 0 : verdict.total - policy.maxTotal
  return Math.max(shortfall, excess, 0)
}

function reserveReason(total: Micro, balance: Micro, remaining: Micro, minRemaining: Micro): string {
  if (minRemaining === 0) {
    return (
      `The estimated total of ${cu(total, 'up')} is more than the workspace balance of ${cu(balance, 'down')}: ` +
      `the balance would go negative by ${cu(-remaining, 'up')}.`
    )
  }
  return (
    `After the run ${cu(remaining, 'down')} would remain, ${cu(minRemaining - remaining, 'up')} short of the ` +
    `reserve of ${cu(minRemaining, 'up')} (min-remaining-balance).`
  )
}

function cu(micro: Micro, rounding: Rounding = 'nearest'): string {
  return `${formatGrouped(micro, rounding)} CU`
}
