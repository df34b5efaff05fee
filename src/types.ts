import type { LayerError } from './layer/errors.js'
import type { Position, Problem } from './problem.js'
import type { Vocabulary } from './vocabulary.js'

/**
 * The shared vocabulary of the pipeline: inputs -> manifest -> plan -> estimates -> verdict -> report.
 * Every stage takes and returns these plain data types; nothing here does I/O. Positions and
 * problems are in problem.ts, Layer's errors in layer/errors.ts.
 * Money is always an integer number of millionths of a Creative Unit ("micro-CU", see money.ts).
 */

/**
 * Why a run failed before it could price anything: rendered to the job summary, the JSON report
 * and the sticky comment.
 */
export interface StopNotice {
  /** The one-line reason the step failed (already free of secrets). */
  message: string
  /** Located problems (e.g. every manifest error), listed under the reason. */
  problems: readonly Problem[]
  /** Head commit SHA and workflow run URL, for the footer. */
  commit?: string
  runUrl?: string
}

/**
 * The JSON body of one estimate request, exactly as sent to Layer
 * (snake_case fields of the seed page; `model_id` already resolved to a UUID).
 */
export type EstimateRequest = { model_id: string } & Record<string, unknown>

/** One planned generation from a manifest, validated and resolved. */
export interface Generation {
  /** Unique within its file. */
  name: string
  /** Workspace-relative path of the manifest it comes from. */
  file: string
  /** Where the generation's item starts (its `name` key's line is fine too). */
  line: number
  col: number
  /** The model UUID sent to Layer. */
  modelId: string
  /** The model as written in the manifest: the alias, or the UUID itself. */
  modelLabel: string
  /** How many times it will run (>= 1). */
  runs: number
  group?: string
  description?: string
  /** The request body: `defaults` overlaid by the generation's own fields, manifest-only keys removed, alias resolved. */
  body: EstimateRequest
  /** For every top-level key of `body`: where its value was written (the generation itself, or `defaults`). */
  fieldPositions: Record<string, Position>
}

/** One validated manifest file. */
export interface Manifest {
  /** Workspace-relative path. */
  file: string
  version: 1
  workspaceId?: string
  workspaceIdPosition?: Position
  generations: Generation[]
}

/** Layer's answer to one estimate request (seed page, "Response"). */
export interface EstimateResponse {
  estimated_price_creative_units: number
  workspace_balance_creative_units: number
  estimated_remaining_balance_creative_units: number
  has_sufficient_creative_units: boolean
  /** Set (true) only on an answer from the project's own simulator, whose prices are made up (layer/answer.ts). */
  simulated?: true
}

/** What the pricing code needs from Layer: the Layer client implements it, tests may pass their own. */
export interface Estimator {
  estimate(workspaceId: string, body: EstimateRequest, signal?: AbortSignal): Promise<EstimateResponse>
  /** Told, before they are sent, how many estimate requests the run makes, a call per batch (Layer's client paces by what is left). */
  expect?(requests: number): void
  /** Resolves once the run's first request is on the wire (or can no longer be): GitHub's reads start then (SPEC 10). */
  sent?(): Promise<void>
}

/** How a generation changed against the pull request's base. */
export type Change = 'added' | 'removed' | 'changed' | 'unchanged'

/** One distinct estimate request and the generations (indexes into `Plan.generations`) that share it. */
export interface PlannedRequest {
  /** Canonical JSON of the body (keys sorted at every depth): equal bodies have equal keys. */
  key: string
  body: EstimateRequest
  generations: number[]
}

/** Every generation to price (head and, on pull requests, base) and the distinct requests that price them. */
export interface Plan {
  workspaceId: string
  /** The head generations first (`headCount` of them), then the base ones (pull requests with a base). */
  generations: Generation[]
  headCount: number
  requests: PlannedRequest[]
}

/** The answer, or the failure, for each request of a plan, in `Plan.requests` order. */
export type RequestOutcome = { ok: true; response: EstimateResponse } | { ok: false; error: LayerError }

/** One generation's price from the one pricing pass (pricing/price.ts), or why it has none. */
export interface PricedGeneration {
  /** Index into `Plan.generations` (head first, then base). */
  index: number
  generation: Generation
  /** Index into `Plan.requests` of the request that prices it. */
  request: number
  /** micro-CU per run, and unit x runs; both absent when it could not be priced. */
  unit?: number
  total?: number
  /** Why it could not be priced. */
  error?: LayerError
}

/** Every generation of a plan priced once: what the verdict sums and the report reads. */
export interface Pricing {
  plan: Plan
  /** In `Plan.generations` order: the head generations first (`plan.headCount`), then the base ones. */
  lines: PricedGeneration[]
  /** The lowest `workspace_balance_creative_units` in any answer (micro-CU); undefined when none came. */
  balance?: number
  /** Layer answered `has_sufficient_creative_units: false` to a request of the head. */
  layerSaysInsufficient: boolean
  /** Estimate requests sent and answered or failed (not those aborted after an authentication failure). */
  requests: number
  /** Some answer came from the project's simulator: the prices are made up. */
  simulated?: true
}

/** The budget rules of SPEC section 3 (all money in micro-CU). */
export interface Policy {
  /** CU that must stay in the workspace after the run (`min-remaining-balance`). */
  minRemaining: number
  /** Optional cap on the total (`max-total`). */
  maxTotal?: number
  /** `fail-on-insufficient`: false = advisory, the step passes whatever the verdict. */
  failOnInsufficient: boolean
  /** Optional warning level (`warn-remaining-balance`): within budget but `remaining` below it is `warn`. */
  warnRemaining?: number
}

/**
 * The verdict: `within` budget, `warn` (within, but below the warning level: passes with a
 * warning), `over` budget, or `error` (some generation could not be priced: the total is unknown
 * and the gate fails closed). Also the `status` output and the JSON report's `status`.
 */
export type VerdictStatus = 'within' | 'warn' | 'over' | 'error'

/** A budget rule of SPEC section 3, named by its input (`layer-insufficient`: Layer's own `has_sufficient_creative_units: false`). */
export type BudgetRule = 'min-remaining-balance' | 'max-total' | 'layer-insufficient' | 'warn-remaining-balance'

/** One rule the priced total breaks (or, for `warn-remaining-balance`, warns about), and by how much. */
export interface Breach {
  rule: BudgetRule
  /** micro-CU short of the reserve or the warning level, or over the cap; 0 for `layer-insufficient`. */
  by: number
  /** The rule's level, micro-CU: the reserve (0: the balance must not go negative), the cap, the warning level; 0 for `layer-insufficient`. */
  limit: number
}

/** What the budget rules of section 3 decided about the priced total. */
export interface Verdict {
  status: VerdictStatus
  /** Known only when every generation was priced; `undefined` on `error` (never `true` then). */
  sufficient?: boolean
  /** micro-CU; on `error`, the sum of what could be priced. */
  total: number
  /** The lowest `workspace_balance_creative_units` seen; undefined when no response came. */
  balance?: number
  /** balance - total, when both are known. */
  remaining?: number
  /** Why it is over budget (one sentence each: reserve, cap), or on `warn` why it warns. */
  reasons: string[]
  /** Which rules fail (`over`) or warn (`warn`), in the order of `reasons`; empty otherwise. */
  breaches: Breach[]
  /** Whether the step passes: `within` and `warn`, or `over` in advisory mode. Never on `error`. */
  passes: boolean
  /** What the `approval-label` check found and what it lifted (SPEC 9); absent when the check is off. */
  approval?: ApprovalRecord
  /** Set when the pull request fits alone but not with the other open ones: section 8 made the status `warn` or `over`. */
  notTogether?: true
}

/** One generation's line in the report (head generations; removed base ones on pull requests). */
export interface ReportLine {
  name: string
  file: string
  line: number
  modelId: string
  modelLabel: string
  runs: number
  group?: string
  /** micro-CU per run; undefined when it could not be priced. */
  unit?: number
  /** unit x runs, micro-CU; undefined when it could not be priced. */
  total?: number
  /** Why it could not be priced. */
  error?: string
  /** The generation's `batch_size` (outputs per run); undefined when left out, and Layer then makes 4. */
  batchSize?: number
  /** Against the base (pull requests with a base only). */
  change?: Change
  /** total - base total, micro-CU (removed: minus the base total). */
  delta?: number
  /** A changed line's base side, so a reader sees what changed (runs 3 -> 6), not only by how much. */
  base?: BaseSide
}

/** What the base commit planned for a generation that the pull request changes. */
export interface BaseSide {
  runs: number
  /** Line of the generation in the base's manifest. */
  line: number
  modelLabel: string
  batchSize?: number
  /** micro-CU per run, and unit x runs (every base generation of a diff is priced). */
  unit?: number
  total?: number
}

/** Where a report's generations live on GitHub, so a pull request's comment links each one to its line. */
export interface ReportLinks {
  /** e.g. https://github.com or a GitHub Enterprise Server URL. */
  serverUrl: string
  owner: string
  repo: string
  /** Commits of the pull request's head (added and changed generations) and base (removed ones). */
  headSha: string
  baseSha: string
}

/** The report, built once and rendered to the job summary, the comment, the JSON file and the outputs. */
export interface Report {
  workspaceId: string
  verdict: Verdict
  policy: Policy
  /** Head lines, most expensive first (unpriced last), then removed base lines when diffing. */
  lines: ReportLine[]
  /** Generations counted (head). */
  entries: number
  /** Estimate calls made (distinct bodies sent, head and base). */
  requests: number
  /** Problems that made the verdict `error`, one sentence each, naming the generation (or the run, see `runFailure`). */
  failures: string[]
  /** Why the whole run failed (a refused token, Layer unreachable, an unknown workspace): said once, not per generation. */
  runFailure?: string
  /** Some price came from the project's simulator: every rendering says the prices are made up. */
  simulated?: true
  /** Total delta against base, micro-CU (pull requests with a base only). */
  delta?: number
  /** Why there is no diff though one was asked for (e.g. the base manifest is invalid). */
  baseNote?: string
  /** ISO time of the balance (when the responses came). */
  balanceAt: string
  /** Head commit SHA, workflow run URL: the footer of the comment. */
  commit?: string
  runUrl?: string
  /** Where to link the generations of a pull request (absent off pull requests and in the CLI). */
  links?: ReportLinks
  /** The other open pull requests' commitments (SPEC section 8); absent under `open-pull-requests: ignore` and off pull requests (but for the board). */
  openPullRequests?: OpenPullRequests
  /** Whose words the headline names the rules in; absent: the action's (the CLI sets its own). */
  words?: Vocabulary
}

// Approved exceptions (SPEC section 9): what GitHub says about the pull request's approvals, and
// what the verdict made of it. Read by github/approval.ts, decided by approval.ts.

/** The least repository permission of an approver (input `approval-permission`). */
export type ApprovalPermission = 'write' | 'maintain' | 'admin'

/** An approving review that counts: on the head commit, by someone other than the author, with the permission. */
export interface Approval {
  /** The approver's login. */
  login: string
  /** Their repository role as GitHub names it (`maintain`, `admin`, a custom role's name). */
  role: string
  reviewUrl: string
  /** The commit the review approved: the head this run priced. */
  commit: string
  /** ISO time the review was submitted. */
  submittedAt: string
}

/** What the approval check found on GitHub. */
export type ApprovalCheck =
  | {
      /** The label is on the pull request and an approval counts (`approval`), or none does. */
      kind: 'read'
      label: string
      required: ApprovalPermission
      labelled: boolean
      approval?: Approval
      /** Reviews that look like approvals and do not count, one sentence each saying why. */
      rejected: string[]
    }
  /** GitHub could not be read (403, 5xx after retries, a malformed answer): no approval. */
  | { kind: 'unread'; label: string; required: ApprovalPermission; warning: string }

/** The approval check as the verdict took it: the audit trail of the comment, the summary, the JSON and the notice. */
export interface ApprovalRecord {
  check: ApprovalCheck
  /** The policy rules the approval lifted, as the verdict's sentences; empty when it lifted nothing. */
  lifted: string[]
  /** Why a valid approval could not make the verdict pass (a negative balance, Layer's own no, an unknown total). */
  notLifted?: string
}

// --- SPEC section 8: one balance, many pull requests ---

/** Another open pull request's commitment, as its gate comment records it. */
export interface OtherPullRequest {
  number: number
  /** Its positive change against its base, micro-CU (never below 0). */
  change: number
  /** The head commit it was priced at, when that is no longer the pull request's head: the figure is "as of" it. */
  asOf?: string
}

/** What the other open pull requests on the same base commit of the same workspace, and what is left if all merge. */
export interface OpenPullRequests {
  /**
   * `warn` or `fail`: how a pull request that fits alone but not together is judged
   * (`open-pull-requests`); `board`: a budget audit lists them, its verdict is its own.
   */
  mode: 'warn' | 'fail' | 'board'
  /** In pull-request number order; those that commit nothing are left out. */
  others: OtherPullRequest[]
  /** Σ of their changes, micro-CU; undefined when they could not be read. */
  committed?: number
  /** balance − this total − committed, when all three are known. */
  remainingIfAllMerge?: number
  /** Why GitHub could not be read (the run was judged alone), or why the figures may be incomplete. */
  note?: string
}
