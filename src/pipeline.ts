import { decideVerdict } from './budget.js'
import { applyApproval, liftedPolicy } from './approval.js'
import { assertWithinRequestLimit, buildPlan } from './pricing/plan.js'
import { runPlan } from './pricing/estimate.js'
import { priceGenerations } from './pricing/price.js'
import { buildReport, unpricedBaseNote, unpricedProblems } from './report/build.js'
import { resolveWorkspace } from './workspace.js'
import { judgeTogether, type OpenPullRequestsInput } from './together.js'
import type { ApprovalCheck, Estimator, Manifest, Plan, Policy, Report, ReportLinks, RequestOutcome } from './types.js'
import type { Problem } from './problem.js'
import type { Vocabulary } from './vocabulary.js'

/** What to price: the head manifests, and on pull requests the base ones. */
export interface PlanInput {
  /** The `workspace-id` input (or CLI flag), if given. */
  workspaceId?: string
  head: Manifest[]
  /** Base manifests to diff against (none: the manifest is new); `undefined` when not comparing. */
  base?: Manifest[]
  /**
   * Instead of `base`, on pull requests (SPEC 10): reads the base manifests while the head's
   * requests are priced; called once the first of them is on the wire. `undefined` from it: no diff.
   */
  laterBase?: () => Promise<Manifest[] | undefined>
  concurrency: number
  maxRequests: number
  estimator: Estimator
  onProgress?: (done: number, total: number) => void
  /** The audience's words in the run's refusals (default: the action's). */
  words?: Vocabulary
}

/** A plan and Layer's answer (or failure) for each of its requests. */
export interface PricedPlan {
  plan: Plan
  outcomes: RequestOutcome[]
}

/** Everything `priceManifests` needs: the plan's input, and what judging it needs besides Layer's answers. */
export interface PricingInput extends PlanInput {
  /** Why there is no diff though one was asked for (e.g. the base manifest is invalid). */
  baseNote?: string
  policy: Policy
  commit?: string
  runUrl?: string
  /** Where the comment links each changed generation (pull requests only). */
  links?: ReportLinks
  /** Clock for the balance's time; injectable for fixtures. */
  now?: () => Date
}

/** The outcome of a pricing run: the report, and the located problems to annotate. */
export interface PricingResult extends PricedPlan {
  report: Report
  problems: Problem[]
}

/**
 * The Layer half of the engine: one request per distinct body of head and base, refused before any
 * is sent when there are more than `maxRequests`, then every request through the estimator. With
 * `laterBase`, the head's are counted and sent first and the base's join them once read: never
 * more than `maxRequests` reach Layer, and too many fail the run before any base request is sent.
 */
export async function pricePlan(input: PlanInput): Promise<PricedPlan> {
  const workspaceId = resolveWorkspace(input.workspaceId, [...input.head], input.words)
  const head = input.head.flatMap((m) => m.generations)
  const base = input.base?.flatMap((m) => m.generations) ?? []
  let plan = buildPlan(workspaceId, head, base)
  assertWithinRequestLimit(plan, input.maxRequests, input.words)
  const { laterBase } = input
  const headPlan = plan
  // The base read while the head is priced: the plan of head and base starts with the head's own
  // requests in the same order (buildPlan keeps first-seen order), so only the base's new bodies
  // are sent, and they are counted against max-requests before any of them is.
  const more = laterBase
    ? async () => {
        const read = await laterBase()
        plan = buildPlan(workspaceId, head, read?.flatMap((m) => m.generations) ?? [])
        assertWithinRequestLimit(plan, input.maxRequests, input.words)
        return plan.requests.slice(headPlan.requests.length)
      }
    : undefined
  const outcomes = await runPlan(headPlan, input.estimator, {
    concurrency: input.concurrency,
    onProgress: input.onProgress,
    words: input.words,
    ...(more ? { more } : {}),
  })
  return { plan, outcomes }
}

/** The engine shared by the action and the CLI: plan, estimate, decide, build the report. */
export async function priceManifests(input: PricingInput): Promise<PricingResult> {
  const { plan, outcomes } = await pricePlan(input)
  const judged = judgePlan(plan, outcomes, {
    policy: input.policy,
    baseRead: input.base !== undefined,
    baseNote: input.baseNote,
    balanceAt: (input.now ?? (() => new Date()))().toISOString(),
    commit: input.commit,
    runUrl: input.runUrl,
    links: input.links,
    words: input.words,
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
  /** What the approval check found (SPEC 9); absent when `approval-label` is off. */
  approval?: ApprovalCheck
  /** Where the comment links each changed generation (pull requests only). */
  links?: ReportLinks
  /** SPEC section 8: what the other open pull requests commit, and how to judge with them. */
  openPullRequests?: OpenPullRequestsInput
  /** The audience's words in the verdict's reasons and the report (default: the action's). */
  words?: Vocabulary
}

/**
 * The pure end of the engine: price every generation once, decide the verdict on those lines,
 * decide (here only) whether the change against base is shown, and build the report.
 */
export function judgePlan(plan: Plan, outcomes: RequestOutcome[], options: JudgeOptions): Omit<PricingResult, 'plan' | 'outcomes'> {
  const { words } = options
  const pricing = priceGenerations(plan, outcomes, words)
  const alone = decideVerdict(pricing, options.policy, words)
  // SPEC 8: with the other open pull requests' commitments the verdict can only get stricter.
  const open = options.openPullRequests
  const together = open && judgeTogether(alone, options.policy, open.read, { ...open, workspaceId: plan.workspaceId, words })
  const decided = together?.verdict ?? alone
  // SPEC 9: an approval is judged against the same pricing under the lifted rules, section 8 included
  // (the floor is judged alone).
  const verdict =
    options.approval === undefined
      ? decided
      : applyApproval(decided, decideVerdict(pricing, liftedPolicy(options.policy), words), options.approval)
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
    links: options.links,
    words,
  })
  if (together) report.openPullRequests = together.openPullRequests
  // The priced lines are not kept: the report holds what is shown, and 10,000 lines are memory.
  return { report, problems: unpricedProblems(pricing) }
}
