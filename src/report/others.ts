/**
 * SPEC section 8 in the comment and the job summary: the other open pull requests on the same
 * base and what they commit (`#12 +40 CU`, `#15 +300 CU (as of 9f2c4e1)`, the sum, what is left
 * if all merge), or the budget board of an audit. Pure; text that is not the gate's own (GitHub's
 * error messages) is escaped.
 */
import { escapeText } from './escape.js'
import { formatGrouped } from '../money.js'
import type { Micro } from '../money.js'
import { othersCounted, othersMerge, shortTogether } from '../together.js'
import type { OpenPullRequests, OtherPullRequest, Report } from '../types.js'

/** The Markdown block of the other open pull requests (`heading` is the section level, "####" in a comment): none when they were not asked for. */
export function openPullRequestBlocks(report: Report, heading: string): string[] {
  const open = report.openPullRequests
  if (open === undefined) return []
  return [open.mode === 'board' ? renderBoard(report, open, heading) : renderOthers(open, heading)]
}

/**
 * The headline when section 8 decided the status (the pull request fits alone, not together),
 * e.g. `⚠️ fits alone, but the workspace would go 58.25 CU negative if the 2 other open pull
 * requests on this base merge too`; undefined otherwise.
 */
export function togetherHeadline(report: Report): string | undefined {
  const { verdict, policy } = report
  const open = report.openPullRequests
  if (verdict.notTogether !== true || open === undefined) return undefined
  const sign = verdict.status === 'over' ? '❌' : '⚠️'
  const short = shortTogether(open, policy)
  const merge = `if ${othersMerge(open.others.length)}`
  if (policy.minRemaining === 0) return `${sign} fits alone, but the workspace would go ${cu(short, 'up')} negative ${merge}`
  return `${sign} fits alone, but ${cu(short, 'up')} short of the ${cu(policy.minRemaining, 'up')} reserve ${merge}`
}

function renderOthers(open: OpenPullRequests, heading: string): string {
  const title = `${heading} Other open pull requests on this base`
  if (open.committed === undefined) {
    return `${title}\n\nℹ️ ${escapeText(`They could not be read, so this pull request is judged alone: ${open.note ?? 'GitHub did not answer'}`)}`
  }
  const blocks = [title]
  if (open.others.length === 0) {
    blocks.push('No other open pull request on this base commits Creative Units of this workspace.')
  } else {
    const items = open.others.map((other) => `- ${otherItem(other)}`)
    const left =
      open.remainingIfAllMerge === undefined ? '' : ` · ${cu(open.remainingIfAllMerge, 'down')} left if all merge, this one included`
    blocks.push(`${items.join('\n')}\n\n**${signed(open.committed, 'up')} CU** committed by ${othersCounted(open.others.length)}${left}.`)
  }
  if (open.note !== undefined) blocks.push(`ℹ️ ${escapeText(open.note)}`)
  return blocks.join('\n\n')
}

/** The budget board of an audit: every open pull request's commitment, and what is left if all merge. */
function renderBoard(report: Report, open: OpenPullRequests, heading: string): string {
  const title = `${heading} Budget board: the open pull requests`
  if (open.committed === undefined) {
    return `${title}\n\nℹ️ ${escapeText(`The open pull requests could not be read: ${open.note ?? 'GitHub did not answer'}`)}`
  }
  const { verdict } = report
  const rows: string[][] = [['Base total (this audit)', verdict.status === 'error' ? 'unknown' : cu(verdict.total, 'up')]]
  for (const other of open.others) rows.push([`#${other.number}${asOf(other)}`, signed(other.change, 'up')])
  rows.push([
    `Committed by ${open.others.length === 1 ? '1 open pull request' : `${open.others.length} open pull requests`}`,
    signed(open.committed, 'up'),
  ])
  rows.push(['Workspace balance', verdict.balance === undefined ? 'unknown' : cu(verdict.balance, 'down')])
  rows.push(['**Left if all merge**', open.remainingIfAllMerge === undefined ? 'unknown' : `**${cu(open.remainingIfAllMerge, 'down')}**`])
  const table = ['| | CU |', '| :--- | ---: |', ...rows.map(([what, value]) => `| ${what} | ${value} |`)].join('\n')
  const blocks = [title, table]
  if (open.others.length === 0) blocks.push('No open pull request on this branch commits Creative Units of this workspace.')
  if (open.note !== undefined) blocks.push(`ℹ️ ${escapeText(open.note)}`)
  return blocks.join('\n\n')
}

/** `#12 +40 CU`, or `#15 +300 CU (as of 9f2c4e1)` when the figure is from an older head commit. */
function otherItem(other: OtherPullRequest): string {
  return `#${other.number} ${signed(other.change, 'up')} CU${asOf(other)}`
}

function asOf(other: OtherPullRequest): string {
  return other.asOf === undefined ? '' : ` (as of ${shortSha(other.asOf)})`
}

function shortSha(sha: string): string {
  return /^[0-9a-f]{7,64}$/i.test(sha) ? sha.slice(0, 7) : escapeText(sha, 12)
}

function signed(micro: Micro, rounding: 'up' | 'down'): string {
  return `${micro > 0 ? '+' : ''}${formatGrouped(micro, rounding)}`
}

function cu(micro: Micro, rounding: 'up' | 'down'): string {
  return `${formatGrouped(micro, rounding)} CU`
}
