/**
 * The first words of every rendering (SPEC section 4): the verdict and, on a pull request, the
 * change it brings; when a rule fails or warns, that rule by name and by how much, with the figures
 * on the line below. Plain text: escaping is the renderer's job.
 */
import { formatGrouped } from '../money.js'
import type { Micro } from '../money.js'
import { counted, signed, unpricedCount } from './words.js'
import { togetherHeadline } from './others.js'
import type { Breach, Report } from '../types.js'
import { ACTION_WORDS, type Vocabulary } from '../vocabulary.js'

/** Said after the headline when the verdict is over but the step passes (`fail-on-insufficient: false`). */
const ADVISORY = ' · advisory: the step still passes'

/**
 * The comment's headline: within budget, the figures with the change against base first
 * ("✅ +60.125 CU in this pull request · 444.025 of 12,480.5 CU · 12,036.475 left"); otherwise the
 * rule that decides ("❌ 56.038 CU short of the 2,500 CU reserve"), and `figures` goes below it.
 */
export function headline(report: Report): string {
  if (report.verdict.status === 'within') return `✅ ${figureParts(report, true).join(' · ')}`
  return verdictLine(report)
}

/** The headline without the change against base: the CLI's first line and the failing annotation. */
export function statusLine(report: Report): string {
  if (report.verdict.status === 'within') return `✅ ${figureParts(report, false).join(' · ')}`
  return verdictLine(report)
}

/**
 * The figures a headline that names a rule leaves out: "+60.125 CU in this pull request ·
 * 2,556.038 of 5,000 CU · 2,443.962 left"; undefined within budget (the headline has them).
 */
export function figures(report: Report): string | undefined {
  if (report.verdict.status === 'within') return undefined
  return figureParts(report, true).join(' · ')
}

/** The other rules that fail besides the one the headline names ("Also 120 CU over the 1,000 CU cap (max-total)."), or undefined. */
export function otherBreaches(report: Report): string | undefined {
  if (report.verdict.status !== 'over') return undefined
  const rest = report.verdict.breaches.slice(1)
  if (rest.length === 0) return undefined
  const words = report.words ?? ACTION_WORDS
  return `Also ${rest.map((breach) => breachText(breach, words)).join('; ')}.`
}

function verdictLine(report: Report): string {
  const { verdict } = report
  // SPEC 8: fits alone, not with the other open pull requests: that is the rule that decides.
  const together = togetherHeadline(report)
  if (together !== undefined) return together
  if (verdict.status === 'error') {
    const unpriced = unpricedCount(report)
    // Every line priced, yet an error: the sum itself cannot be held exactly.
    if (unpriced === 0) return "❌ the total cannot be computed exactly: Layer's figures are too large"
    return `❌ could not price ${counted(unpriced, 'generation')}`
  }
  const [first] = verdict.breaches
  const words = report.words ?? ACTION_WORDS
  if (verdict.status === 'warn') {
    return `⚠️ ${first ? breachText(first, words) : `below the warning level (${words.rule('warn-remaining-balance')})`}`
  }
  // A verdict built by hand may name no rule; decideVerdict always does.
  const rule = first ? breachText(first, words) : 'over budget'
  return `❌ ${rule}${verdict.passes ? ADVISORY : ''}`
}

/** One broken rule in words, with its amount and level; the rule named in `words` (input or flag). */
function breachText(breach: Breach, words: Vocabulary): string {
  switch (breach.rule) {
    case 'min-remaining-balance':
      return breach.limit === 0
        ? `the workspace would go ${cu(breach.by, 'up')} negative`
        : `${cu(breach.by, 'up')} short of the ${cu(breach.limit, 'up')} reserve`
    case 'max-total':
      return `${cu(breach.by, 'up')} over the ${cu(breach.limit, 'down')} cap (${words.rule('max-total')})`
    case 'layer-insufficient':
      return 'Layer says the workspace cannot pay for it (has_sufficient_creative_units: false)'
    case 'warn-remaining-balance':
      return `${cu(breach.by, 'up')} below the ${cu(breach.limit, 'up')} warning level (${words.rule('warn-remaining-balance')})`
  }
}

/** The change against base (when asked for), what is spent of what, and what is left. */
function figureParts(report: Report, withChange: boolean): string[] {
  const { verdict } = report
  const parts: string[] = []
  if (withChange && report.delta !== undefined) {
    parts.push(`${report.delta === 0 ? '±0' : signed(report.delta)} CU in this pull request`)
  }
  if (verdict.status === 'error') {
    parts.push(verdict.total > 0 ? `total unknown (${cu(verdict.total, 'up')} priced)` : 'total unknown')
    if (verdict.balance !== undefined) parts.push(`balance ${cu(verdict.balance, 'down')}`)
    return parts
  }
  if (report.entries === 0) {
    parts.push(parts.length > 0 ? 'nothing planned' : 'nothing planned: 0 CU')
    return parts
  }
  if (verdict.balance === undefined) {
    parts.push(cu(verdict.total, 'up'))
    return parts
  }
  parts.push(`${formatGrouped(verdict.total, 'up')} of ${cu(verdict.balance, 'down')}`)
  // A negative remainder is the headline's own figure ("would go 58.25 CU negative"): not said twice.
  if (verdict.remaining !== undefined && verdict.remaining >= 0) parts.push(`${formatGrouped(verdict.remaining, 'down')} left`)
  return parts
}

function cu(micro: Micro, rounding: 'up' | 'down'): string {
  return `${formatGrouped(micro, rounding)} CU`
}
