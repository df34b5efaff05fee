import { toCU } from '../money.js'
import type { Micro, Rounding } from '../money.js'
import type { ApprovalRecord, Change, StopNotice, Report, VerdictStatus } from '../types.js'
import type { Problem } from '../problem.js'

/** One generation in the JSON report (Layer's snake_case naming; CU as exact decimals). */
export interface JsonGeneration {
  name: string
  file: string
  line: number
  model_id: string
  /** The model as written in the manifest (alias or UUID). */
  model: string
  runs: number
  group: string | null
  /** null when it could not be priced; for a removed generation, its price at the base. */
  unit_creative_units: number | null
  total_creative_units: number | null
  change?: Change
  delta_creative_units?: number | null
  error?: string
}

/** The JSON report of SPEC section 5 (`report-path`, and the CLI's `--json`). */
export interface JsonReport {
  version: 1
  workspace_id: string
  /** As the `status` output: within, warn (within but below warn-remaining-balance), over or error. */
  status: VerdictStatus
  /** null when some generation could not be priced (the total is unknown). */
  total_creative_units: number | null
  balance_creative_units: number | null
  remaining_creative_units: number | null
  min_remaining_balance_creative_units: number
  max_total_creative_units: number | null
  /** warn-remaining-balance; null when not set. */
  warn_remaining_balance_creative_units: number | null
  sufficient: boolean
  /** Whether the step passes (false on error; true when over in advisory mode). */
  passes: boolean
  reasons: string[]
  requests: number
  entries: number
  /** The prices come from the project's simulator (made up), not from Layer. */
  simulated: boolean
  delta_creative_units?: number | null
  base_note?: string
  generations: JsonGeneration[]
  failures: string[]
  balance_at: string
  commit?: string
  run_url?: string
  /** The approval check (SPEC 9), when `approval-label` is set. */
  approval?: JsonApproval
  /** SPEC section 8: what the other open pull requests on the same base commit (Σ of their positive changes); null when not read. */
  committed_creative_units?: number | null
  /** The others counted, in number order; null when they could not be read. */
  open_pull_requests?: JsonOpenPullRequest[] | null
  /** balance − total − committed, when all are known. */
  remaining_if_all_merge_creative_units?: number | null
  /** Why the others could not be read (judged alone), or why the figures may be incomplete. */
  open_pull_requests_note?: string
}

/** The audit trail of an approved exception (SPEC 9): who approved which commit when, and what it lifted. */
export interface JsonApproval {
  label: string
  /** The label is on the pull request now; null when GitHub could not be read. */
  labelled: boolean | null
  approval_permission: string
  /** The approver's login, or null when no approval counts. */
  approved_by: string | null
  /** Their role as GitHub names it (maintain, admin, a custom role). */
  role: string | null
  review_url: string | null
  commit: string | null
  submitted_at: string | null
  /** The verdict's sentences the approval lifted (empty: it lifted nothing). */
  lifted: string[]
  /** Why a counting approval could not make the verdict pass. */
  not_lifted?: string
  /** Reviews that do not count, and why. */
  rejected: string[]
  /** Why GitHub could not be read (then no approval counts). */
  warning?: string
}

/** Another open pull request's commitment in the JSON report. */
export interface JsonOpenPullRequest {
  number: number
  change_creative_units: number
  /** The head commit the figure was priced at, when that is no longer the pull request's head. */
  as_of?: string
}

/** The section-8 fields of the JSON report; none when the others were not asked for (`ignore`, off pull requests). */
function openPullRequestsJson(report: Report): Partial<JsonReport> {
  const open = report.openPullRequests
  if (open === undefined) return {}
  const read = open.committed !== undefined
  return {
    committed_creative_units: read ? toCU(open.committed ?? 0, 'up') : null,
    open_pull_requests: read
      ? open.others.map((o) => ({ number: o.number, change_creative_units: toCU(o.change, 'up'), ...(o.asOf ? { as_of: o.asOf } : {}) }))
      : null,
    remaining_if_all_merge_creative_units: cuOrNull(open.remainingIfAllMerge, 'down'),
    ...(open.note !== undefined ? { open_pull_requests_note: open.note } : {}),
  }
}

/**
 * The report as the JSON document of SPEC section 5. Unknown amounts are null, never 0. On a
 * diff, removed generations are listed with their base price and `change: "removed"`; they are
 * not part of `total_creative_units`, which counts the head generations only.
 */
export function toJsonReport(report: Report): JsonReport {
  const { verdict, policy } = report
  const error = verdict.status === 'error'
  const diffing = report.delta !== undefined || report.lines.some((line) => line.change !== undefined)
  return {
    version: 1,
    workspace_id: report.workspaceId,
    status: verdict.status,
    total_creative_units: error ? null : toCU(verdict.total, 'up'),
    balance_creative_units: cuOrNull(verdict.balance, 'down'),
    remaining_creative_units: error ? null : cuOrNull(verdict.remaining, 'down'),
    min_remaining_balance_creative_units: toCU(policy.minRemaining, 'up'),
    max_total_creative_units: cuOrNull(policy.maxTotal, 'down'),
    warn_remaining_balance_creative_units: cuOrNull(policy.warnRemaining, 'up'),
    // As the `sufficient` output: true only for a total that was computed and fits (fail closed).
    sufficient: verdict.sufficient === true,
    passes: verdict.passes,
    reasons: verdict.reasons,
    requests: report.requests,
    entries: report.entries,
    simulated: report.simulated === true,
    ...(diffing ? { delta_creative_units: cuOrNull(report.delta) } : {}),
    ...(report.baseNote !== undefined ? { base_note: report.baseNote } : {}),
    generations: report.lines.map((line) => ({
      name: line.name,
      file: line.file,
      line: line.line,
      model_id: line.modelId,
      model: line.modelLabel,
      runs: line.runs,
      group: line.group ?? null,
      unit_creative_units: cuOrNull(line.unit, 'up'),
      total_creative_units: cuOrNull(line.total, 'up'),
      ...(line.change !== undefined ? { change: line.change, delta_creative_units: cuOrNull(line.delta) } : {}),
      ...(line.error !== undefined ? { error: line.error } : {}),
    })),
    failures: report.failures,
    balance_at: report.balanceAt,
    ...(report.commit !== undefined ? { commit: report.commit } : {}),
    ...(report.runUrl !== undefined ? { run_url: report.runUrl } : {}),
    ...openPullRequestsJson(report),
    ...(verdict.approval !== undefined ? { approval: jsonApproval(verdict.approval) } : {}),
  }
}

function jsonApproval({ check, lifted, notLifted }: ApprovalRecord): JsonApproval {
  const approval = check.kind === 'read' ? check.approval : undefined
  return {
    label: check.label,
    labelled: check.kind === 'read' ? check.labelled : null,
    approval_permission: check.required,
    approved_by: approval?.login ?? null,
    role: approval?.role ?? null,
    review_url: approval?.reviewUrl ?? null,
    commit: approval?.commit ?? null,
    submitted_at: approval?.submittedAt || null,
    lifted,
    ...(notLifted !== undefined ? { not_lifted: notLifted } : {}),
    rejected: check.kind === 'read' ? check.rejected : [],
    ...(check.kind === 'unread' ? { warning: check.warning } : {}),
  }
}

function cuOrNull(micro: Micro | undefined, rounding: Rounding = 'nearest'): number | null {
  return micro === undefined ? null : toCU(micro, rounding)
}

/**
 * The JSON report of a run that failed before anything was priced (bad inputs, an invalid manifest,
 * a workspace mismatch, too many requests): the same top-level fields, every amount unknown, the
 * reason in `failures` and the located problems in `problems`.
 */
export interface JsonStopReport {
  version: 1
  workspace_id: string | null
  status: 'error'
  total_creative_units: null
  balance_creative_units: null
  remaining_creative_units: null
  sufficient: false
  passes: false
  requests: 0
  entries: 0
  generations: []
  failures: string[]
  problems: Pick<Problem, 'file' | 'line' | 'col' | 'title' | 'message'>[]
  commit?: string
  run_url?: string
}

export function toStopReport(notice: StopNotice, workspaceId: string | undefined): JsonStopReport {
  return {
    version: 1,
    workspace_id: workspaceId ?? null,
    status: 'error',
    total_creative_units: null,
    balance_creative_units: null,
    remaining_creative_units: null,
    sufficient: false,
    passes: false,
    requests: 0,
    entries: 0,
    generations: [],
    failures: [notice.message],
    problems: notice.problems.map(({ file, line, col, title, message }) => ({ file, line, col, title, message })),
    ...(notice.commit !== undefined ? { commit: notice.commit } : {}),
    ...(notice.runUrl !== undefined ? { run_url: notice.runUrl } : {}),
  }
}
