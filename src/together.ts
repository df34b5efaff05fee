/**
 * SPEC section 8, the pure half: one workspace balance, many open pull requests. Takes the verdict
 * of this pull request alone and what the other open pull requests commit, and returns the
 * combined verdict. It only ever makes a verdict stricter: a pull request that fails alone fails
 * together, and one whose others could not be read is judged alone.
 */
import { formatGrouped } from './money.js'
import type { Micro } from './money.js'
import type { Commitment, RecordedCommitment } from './github/marker.js'
import type { OpenPullRequests, OtherPullRequest, Policy, Report, Verdict } from './types.js'
import { ACTION_WORDS, type Vocabulary } from './vocabulary.js'

/** How a pull request that fits alone but not together is judged (`open-pull-requests`). */
export const OPEN_PULL_REQUEST_MODES = ['warn', 'fail', 'ignore'] as const
export type OpenPullRequestMode = (typeof OPEN_PULL_REQUEST_MODES)[number]

/** An open pull request and the commitment its newest gate comment records. */
export interface CommittedPullRequest {
  number: number
  /** The pull request's current head commit. */
  headSha: string
  commitment: RecordedCommitment
}

/**
 * What reading the other open pull requests gave: their commitments (those with none are left
 * out), or why GitHub could not be read. `incomplete` says why some may be missing (a cap).
 */
export type OpenPullRequestsRead = { ok: true; pullRequests: CommittedPullRequest[]; incomplete?: string } | { ok: false; reason: string }

/** What judging together needs besides the verdict. */
export interface TogetherOptions {
  /** `warn`/`fail` on a pull request; `board` on a budget audit (listed, the verdict unchanged). */
  mode: 'warn' | 'fail' | 'board'
  /** The workspace this run priced: commitments on other workspaces draw on another balance. */
  workspaceId: string
  /** This pull request's number (its own comment is not an "other"). */
  self?: number
  /** The audience's words for the rule in the reason (default: the action's). */
  words?: Vocabulary
}

/** What the engine needs to judge together: the read, and how (pipeline.ts). */
export interface OpenPullRequestsInput extends Omit<TogetherOptions, 'workspaceId'> {
  read: OpenPullRequestsRead
}

/** The combined verdict and what the report shows of the others. */
export interface Together {
  verdict: Verdict
  openPullRequests: OpenPullRequests
}

/** The other pull requests that draw on this workspace: not this one, a change above 0, in number order. */
export function othersOf(pullRequests: readonly CommittedPullRequest[], workspaceId: string, self?: number): OtherPullRequest[] {
  const seen = new Set<number>()
  const others: OtherPullRequest[] = []
  for (const pr of [...pullRequests].sort((a, b) => a.number - b.number)) {
    const { commitment } = pr
    if (pr.number === self || seen.has(pr.number)) continue
    if (commitment.workspaceId.toLowerCase() !== workspaceId.toLowerCase() || commitment.change <= 0) continue
    seen.add(pr.number)
    others.push({
      number: pr.number,
      change: commitment.change,
      ...(commitment.sha.toLowerCase() !== pr.headSha.toLowerCase() ? { asOf: commitment.sha } : {}),
    })
  }
  return others
}

/**
 * The verdict together with the other open pull requests: `remaining if all merge = balance −
 * this total − committed by others`; below `min-remaining-balance` a verdict that fits alone
 * becomes `warn` (mode warn: passes with a warning) or `over` (mode fail; advisory mode still
 * passes it). A verdict that does not fit alone, or is an error, is returned as it is.
 */
export function judgeTogether(alone: Verdict, policy: Policy, read: OpenPullRequestsRead, options: TogetherOptions): Together {
  const { mode } = options
  if (!read.ok) return { verdict: alone, openPullRequests: { mode, others: [], note: read.reason } }
  const others = othersOf(read.pullRequests, options.workspaceId, options.self)
  const committed = others.reduce((sum, other) => sum + other.change, 0)
  const note = read.incomplete
  if (!Number.isSafeInteger(committed)) {
    const why = 'the other open pull requests commit more than can be added up exactly: this pull request is judged alone'
    return { verdict: alone, openPullRequests: { mode, others, note: why } }
  }
  const remaining = alone.status === 'error' || alone.balance === undefined ? undefined : alone.balance - alone.total - committed
  const openPullRequests: OpenPullRequests = {
    mode,
    others,
    committed,
    ...(remaining !== undefined ? { remainingIfAllMerge: remaining } : {}),
    ...(note !== undefined ? { note } : {}),
  }
  const fitsAlone = alone.status === 'within' || alone.status === 'warn'
  if (mode === 'board' || !fitsAlone || remaining === undefined || remaining >= policy.minRemaining) {
    return { verdict: alone, openPullRequests }
  }
  const reasons = [
    ...alone.reasons,
    togetherReason(others.length, committed, remaining, policy.minRemaining, options.words ?? ACTION_WORDS),
  ]
  const verdict: Verdict =
    mode === 'warn'
      ? { ...alone, status: 'warn', sufficient: true, reasons, passes: true, notTogether: true }
      : { ...alone, status: 'over', sufficient: false, reasons, passes: !policy.failOnInsufficient, notTogether: true }
  return { verdict, openPullRequests }
}

/**
 * What this pull request commits, for its comment's marker: its total and its positive change
 * against base. Without a diff (the base was not compared, or could not be read or priced) all of
 * it counts as new: the others are never told it commits less than it may. Nothing when the total
 * is unknown.
 */
export function commitmentOf(report: Pick<Report, 'verdict' | 'delta' | 'workspaceId' | 'balanceAt'>): Commitment | undefined {
  const { verdict } = report
  if (verdict.status === 'error') return undefined
  const change = report.delta ?? verdict.total
  return { workspaceId: report.workspaceId, total: verdict.total, change: Math.max(0, change), at: report.balanceAt }
}

/** How far below the reserve the balance would be if every open pull request merged (0 when it fits). */
export function shortTogether(open: Pick<OpenPullRequests, 'remainingIfAllMerge'>, policy: Pick<Policy, 'minRemaining'>): Micro {
  return open.remainingIfAllMerge === undefined ? 0 : Math.max(policy.minRemaining - open.remainingIfAllMerge, 0)
}

/** "2 other open pull requests": the others, counted. */
export function othersCounted(count: number): string {
  return count === 1 ? '1 other open pull request' : `${count} other open pull requests`
}

/** "the 2 other open pull requests on this base merge too" (singular: "the other … merges too"). */
export function othersMerge(count: number): string {
  return count === 1
    ? 'the other open pull request on this base merges too'
    : `the ${count} other open pull requests on this base merge too`
}

function togetherReason(count: number, committed: Micro, remaining: Micro, minRemaining: Micro, words: Vocabulary): string {
  const what = `If ${othersMerge(count)} (+${cu(committed, 'up')} together)`
  if (minRemaining === 0) return `${what}, the workspace balance would go negative by ${cu(-remaining, 'up')}.`
  return (
    `${what}, ${cu(remaining, 'down')} would remain, ${cu(minRemaining - remaining, 'up')} short of the ` +
    `reserve of ${cu(minRemaining, 'up')} (${words.rule('min-remaining-balance')}).`
  )
}

function cu(micro: Micro, rounding: 'up' | 'down'): string {
  return `${formatGrouped(micro, rounding)} CU`
}
