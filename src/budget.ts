import { formatGrouped } from './money.js'
import type { Micro, Rounding } from './money.js'
import { tooLargeMessage } from './pricing/price.js'
import type { Breach, Policy, Pricing, Verdict } from './types.js'
import { ACTION_WORDS, type Vocabulary } from './vocabulary.js'

/**
 * The verdict of SPEC section 3, from the one pricing pass. `total` is the exact micro-CU sum of
 * the HEAD lines; `balance` is the lowest workspace balance in any answer (head or base: the
 * freshest, most cautious reading). Fails closed: when a head generation could not be priced, or
 * the sum cannot be held exactly, the status is 'error', `sufficient` is undefined and the step
 * does not pass, whatever the mode. Base failures only cost the diff, so they do not affect it.
 * Within budget but below `warn-remaining-balance` is 'warn': it passes in every mode. The reasons
 * name the rules in `words` (the action's inputs by default, the CLI's flags).
 */
export function decideVerdict(pricing: Pricing, policy: Policy, words: Vocabulary = ACTION_WORDS): Verdict {
  const { balance } = pricing
  let total: Micro = 0
  let unpriced = 0
  for (const line of pricing.lines.slice(0, pricing.plan.headCount)) {
    if (line.total === undefined) unpriced += 1
    else total += line.total
  }

  if (unpriced > 0) {
    return { status: 'error', total, balance, remaining: undefined, reasons: [], breaches: [], passes: false }
  }
  // Each line is exact; a sum past 2^53 micro-CU (9 billion CU) is not, and can only come from a
  // misbehaving API: it is an error in every mode, never a figure to compare.
  if (!Number.isSafeInteger(total) || (balance !== undefined && !Number.isSafeInteger(balance - total))) {
    return {
      status: 'error',
      total: 0,
      balance: undefined,
      remaining: undefined,
      reasons: [`${tooLargeMessage(words)}.`],
      breaches: [],
      passes: false,
    }
  }

  const remaining = balance === undefined ? undefined : balance - total
  const reasons: string[] = []
  const breaches: Breach[] = []
  // With no head generation nothing is asked of Layer, so the balance may be unknown: nothing
  // will be spent, and the reserve is only checked when a balance was seen.
  if (remaining !== undefined && remaining < policy.minRemaining) {
    reasons.push(reserveReason(total, balance ?? 0, remaining, policy.minRemaining, words))
    breaches.push({ rule: 'min-remaining-balance', by: policy.minRemaining - remaining, limit: policy.minRemaining })
  }
  if (policy.maxTotal !== undefined && total > policy.maxTotal) {
    reasons.push(
      `The estimated total of ${cu(total, 'up')} exceeds the cap of ${cu(policy.maxTotal, 'down')} (${words.rule('max-total')}) ` +
        `by ${cu(total - policy.maxTotal, 'up')}.`,
    )
    breaches.push({ rule: 'max-total', by: total - policy.maxTotal, limit: policy.maxTotal })
  }
  // Layer knows its workspace: when it says a request cannot be paid, the run is never within
  // budget, whatever our own sum says (some workspaces have holds or limits we cannot see).
  if (pricing.layerSaysInsufficient) {
    reasons.push('Layer answered that the workspace does not have enough Creative Units (has_sufficient_creative_units: false).')
    breaches.push({ rule: 'layer-insufficient', by: 0, limit: 0 })
  }
  const over = reasons.length > 0
  if (over) return { status: 'over', sufficient: false, total, balance, remaining, reasons, breaches, passes: !policy.failOnInsufficient }
  // The warning tier passes in every mode: advisory only changes what `over` does.
  if (remaining !== undefined && policy.warnRemaining !== undefined && remaining < policy.warnRemaining) {
    return {
      status: 'warn',
      sufficient: true,
      total,
      balance,
      remaining,
      reasons: [warnReason(remaining, policy.warnRemaining, words)],
      breaches: [{ rule: 'warn-remaining-balance', by: policy.warnRemaining - remaining, limit: policy.warnRemaining }],
      passes: true,
    }
  }
  return { status: 'within', sufficient: true, total, balance, remaining, reasons, breaches, passes: true }
}

/** How far below the warning level the remaining balance is (0 unless the verdict is `warn`). */
export function warnBy(verdict: Verdict, policy: Policy): Micro {
  if (verdict.status !== 'warn' || verdict.remaining === undefined || policy.warnRemaining === undefined) return 0
  return Math.max(policy.warnRemaining - verdict.remaining, 0)
}

/** How far over budget the verdict is: the larger of the reserve shortfall and the cap excess (0 when not over). */
export function overBy(verdict: Verdict, policy: Policy): Micro {
  if (verdict.status !== 'over') return 0
  const shortfall = verdict.remaining === undefined ? 0 : policy.minRemaining - verdict.remaining
  const excess = policy.maxTotal === undefined ? 0 : verdict.total - policy.maxTotal
  return Math.max(shortfall, excess, 0)
}

function warnReason(remaining: Micro, warnRemaining: Micro, words: Vocabulary): string {
  return (
    `After the run ${cu(remaining, 'down')} would remain, ${cu(warnRemaining - remaining, 'up')} below the ` +
    `warning level of ${cu(warnRemaining, 'up')} (${words.rule('warn-remaining-balance')}).`
  )
}

function reserveReason(total: Micro, balance: Micro, remaining: Micro, minRemaining: Micro, words: Vocabulary): string {
  if (minRemaining === 0) {
    return (
      `The estimated total of ${cu(total, 'up')} is more than the workspace balance of ${cu(balance, 'down')}: ` +
      `the balance would go negative by ${cu(-remaining, 'up')}.`
    )
  }
  return (
    `After the run ${cu(remaining, 'down')} would remain, ${cu(minRemaining - remaining, 'up')} short of the ` +
    `reserve of ${cu(minRemaining, 'up')} (${words.rule('min-remaining-balance')}).`
  )
}

function cu(micro: Micro, rounding: Rounding = 'nearest'): string {
  return `${formatGrouped(micro, rounding)} CU`
}
