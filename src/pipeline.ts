import { decideVerdict } from './budget.js'
import { assertWithinRequestLimit, buildPlan } from './pricing/plan.js'
import { runPlan } from './pricing/estimate.js'
import { priceGenerations } from './pricing/price.js'
import { buildReport, unpricedBaseNote, unpricedProblems } from './report/build.js'
import { resolveWorkspace } from './workspace.js'
import { judgeTogether, type OpenPullRequestsInput } from './together.js'
import type { Estimator, Manifest, Plan, Policy, Report, RequestOutcome } from './types.js'
import type { Problem } from './problem.js'

/** What to price: the head manifests, and on pull requests the base ones. */
export interface PricingInput {
  /** The `workspace-id` input (or CLI flag), if given. */
  workspaceId?: string
  head: Manifest[]
  /** Base manifests to diff against (none: the manifest is new); `undefined` when not comparing. */
  base?: Manifest[]
  /** Why there is no diff though one was asked for (e.g. the base manifest is invalid). */
  baseNote?: string
  policy: Policy
  concurrency: number
  maxRequests: number
  estimator: Estimator
  onProgress?: (done: number, total: number) => void
  commit?: string
  runUrl?: string
  /** Clock for the balance's time; injectable for fixtures. */
  now?: () => Date
  /**
   * SPEC section 8: the other open pull requests, read while the plan is priced (it never rejects);
   * awaited only before judging. Undefined: not asked for (`ignore`, off pull requests).
   */
  openPullRequests?: Promise<OpenPullRequestsInput | undefined>
}

/** The outcome of a pricing run: the report, and the located problems to annotate. */
export interface PricingResult {
  plan: Plan
  outcomes: RequestOutcome[]
  report: Report
  problems: Problem[]
}

/** The engine shared by the action and the CLI: plan, estimate, decide, build the report. */
export async function priceManifests(input: PricingInput): Promise<PricingResult> {
  const workspaceId = resolveWorkspace(input.workspaceId, [...input.head])
  const head = input.head.flatMap((m) => m.generations)
  const base = input.base?.flatMap((m) => m.generations) ?? []
  const plan = buildPlan(workspaceId, head, base)
  assertWithinRequestLimit(plan, input.maxRequests)
  const outcomes = await runPlan(plan, input.estimator, { concurrency: input.concurrency, onProgress: input.onProgress })
  const openPullRequests = await input.openPullRequests
  const judged = judgePlan(plan, outcomes, {
    policy: input.policy,
    baseRead: input.base !== undefined,
    baseNote: input.baseNote,
    balanceAt: (input.now ?? (() => new Date()))().toISOString(),
    commit: input.commit,
    runUrl: input.runUrl,
    ...(openPullRequests !== undefined ? { openPullRequests } : {}),
  })
  return { plan, outcomes, ...judged }
}

/** What judging a priced plan needs besides Layer's answers. */
export interface JudgeOptions {
  policy: Policy
  /** Base manifests were read and are part of the plan (possibly none: the manifest is new). */
  baseRead: boolean
  /** Why there is no diff though one was asked for (e.g. the base manifest is invalid). */
  baseNote?: string
  /** ISO time of the balance. */
  balanceAt: string
  commit?: string
  runUrl?: string
  /** SPEC section 8: what the other open pull requests commit, and how to judge with them. */
  openPullRequests?: OpenPullRequestsInput
}

/**
 * The pure end of the engine: price every generation once, decide the verdict on those lines,
 * decide (here only) whether the change against base is shown, and build the report.
 */
export function judgePlan(plan: Plan, outcomes: RequestOutcome[], options: JudgeOptions): Omit<PricingResult, 'plan' | 'outcomes'> {
  const pricing = priceGenerations(plan, outcomes)
  const alone = decideVerdict(pricing, options.policy)
  const open = options.openPullRequests
  const together = open && judgeTogether(alone, options.policy, open.read, { ...open, workspaceId: plan.workspaceId })
  const verdict = together?.verdict ?? alone
  // A diff needs a base that was read and whose every generation was priced.
  const baseNote = options.baseRead ? (options.baseNote ?? unpricedBaseNote(pricing)) : options.baseNote
  const report = buildReport({
    pricing,
    policy: options.policy,
    verdict,
    diff: options.baseRead && baseNote === undefined,
    baseNote,
    balanceAt: options.balanceAt,
    commit: options.commit,
    runUrl: options.runUrl,
  })
  if (together) report.openPullRequests = together.openPullRequests
  // The priced lines are not kept: the report holds what is shown, and 10,000 lines are memory.
  return { report, problems: unpricedProblems(pricing) }
}
