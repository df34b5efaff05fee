/**
 * How much of a pull-request run's GitHub traffic overlaps Layer's pricing (benchmark scenario G):
 * the GitHub round trips sent before the first estimate request reached Layer, or after Layer's
 * last answer, add their whole latency to the run; those sent in between overlap pricing.
 */

/** One GitHub request as a fake server logged it: when it arrived, and what it was. */
export interface GitHubHit {
  at: number
  method: string
  path: string
}

/** One estimate request as the simulator logged it: when it arrived and when it was answered. */
export interface LayerHit {
  at: number
  answeredAt: number
}

/** The GitHub requests outside pricing, split by side: before the first estimate request, after the last answer. */
export interface Overlap {
  before: GitHubHit[]
  after: GitHubHit[]
  /** Sent while Layer was pricing. */
  during: GitHubHit[]
}

/**
 * Splits `github` by Layer's pricing window [first estimate request, last answer]. With no estimate
 * request at all there is no window: every GitHub request is outside it (counted before).
 */
export function overlapWithPricing(github: readonly GitHubHit[], layer: readonly LayerHit[]): Overlap {
  const overlap: Overlap = { before: [], after: [], during: [] }
  if (layer.length === 0) return { ...overlap, before: [...github] }
  const start = Math.min(...layer.map((hit) => hit.at))
  const end = Math.max(...layer.map((hit) => hit.answeredAt))
  for (const hit of github) {
    if (hit.at < start) overlap.before.push(hit)
    else if (hit.at > end) overlap.after.push(hit)
    else overlap.during.push(hit)
  }
  return overlap
}
