import { decideVerdict } from './budget.js'
import { assertWithinRequestLimit, buildPlan } from './pricing/plan.js'
import { runPlan } from './pricing/estimate.js'
import { buildReport, failureProblems } from './report/build.js'
import { resolveWorkspace } from './workspace.js'
import type { Estimator, Manifest, Plan, Policy, Report, RequestOutcome } from './types.js'
import type { Problem } from './problem.js'

/** What to price: the head manifests, and on pull requests the base ones. */
export interface PricingInput {
  /** The `workspace-id` input (or CLI flag), if given. */
  workspaceId?: string
  head: Manifest[]
  /** Base manifests to diff against; `undefined` when not comparing (or the base could not be used). */
  base?: Manifest[]
  /** Why there is no diff though one was asked for. */
  baseNote?: string
  compareBase: boolean
  policy: Policy
  concurrency: number
  maxRequests: number
  estimator: Estimator
  onProgress?: (done: number, total: number) => void
  commit?: string
  runUrl?: string
  /** Clock for the balance's time; injectable for fixtures. */
  now?: () => Date
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
  const verdict = decideVerdict(plan, outcomes, input.policy)
  const report = buildReport({
    plan,
    outcomes,
    policy: input.policy,
    verdict,
    compareBase: input.compareBase && input.base !== undefined,
    baseNote: input.baseNote,
    balanceAt: (input.now ?? (() => new Date()))().toISOString(),
    commit: input.commit,
    runUrl: input.runUrl,
  })
  return { plan, outcomes, report, problems: failureProblems(plan, outcomes) }
}
