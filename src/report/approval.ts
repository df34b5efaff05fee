/**
 * The audit trail of an approved exception (SPEC section 9) as the comment and the job summary show
 * it, and as the notice annotation logs it: who approved which commit when (with the review's
 * link) and what it lifted; or why no approval counts. Text from GitHub is escaped like manifest
 * text: a login is shown, never a ping.
 */
import { escapeItem, escapeText, safeUrl } from './escape.js'
import type { ApprovalRecord, Report } from '../types.js'

/** Rejected reviews listed at most; a pull request with more reviewers says how many more. */
const MAX_REJECTED = 10

/** The approval's Markdown block, as a list of zero or one block (the comment and the summary push it as is). */
export function approvalBlocks(report: Pick<Report, 'verdict'>): string[] {
  const block = renderApproval(report.verdict.approval, report.verdict.status)
  return block === undefined ? [] : [block]
}

/** The block for one approval record; undefined when there is nothing to say (off, or no label on a passing verdict). */
export function renderApproval(record: ApprovalRecord | undefined, status: Report['verdict']['status']): string | undefined {
  if (record === undefined) return undefined
  const { check } = record
  const label = `\`${escapeText(check.label, 60).replace(/`/g, '')}\``
  if (check.kind === 'unread') return `⚠️ ${escapeText(check.warning)}`
  const how = `someone with ${check.required} permission or higher, not the author, approves the head commit`
  if (check.approval !== undefined) {
    const a = check.approval
    const url = safeUrl(a.reviewUrl)
    const review = url ? ` ([review](${url}))` : ''
    const who = `${escapeText(`@${a.login}`, 60)} (${escapeText(a.role, 80)}) approved commit ${escapeText(a.commit.slice(0, 7), 7)} on ${escapeText(when(a.submittedAt), 40)}${review}`
    if (record.lifted.length > 0) {
      const lifted = record.lifted.map((reason) => `- ${escapeItem(reason)}`).join('\n')
      return `🔓 **Approved exception** (label ${label}): ${who}. It lifts the policy limits:\n\n${lifted}`
    }
    if (record.notLifted !== undefined)
      return `🔒 **Approval not enough** (label ${label}): ${who}, but ${escapeText(lowerFirst(record.notLifted))}`
    return `🔓 Approved exception on record (label ${label}): ${who}; not needed, the pull request is within the policy limits.`
  }
  if (!check.labelled) {
    // Only where it could help: a verdict the policy limits fail or warn about.
    if (status !== 'over' && status !== 'warn') return undefined
    return `ℹ️ An exception to the policy limits (never to a negative balance): add the label ${label} and ${how}.`
  }
  const shown = check.rejected.slice(0, MAX_REJECTED).map((why) => `- ${escapeItem(why)}`)
  if (check.rejected.length > MAX_REJECTED) shown.push(`- _… ${check.rejected.length - MAX_REJECTED} more reviews that do not count_`)
  const head = `🔒 The label ${label} is on the pull request, but no approval counts yet: ${how}.`
  return shown.length > 0 ? `${head}\n\n${shown.join('\n')}` : head
}

/** The notice annotation of an approval that lifted the policy limits (plain text: the log is not Markdown). */
export function approvalNotice(record: ApprovalRecord | undefined): string | undefined {
  const approval = record?.check.kind === 'read' ? record.check.approval : undefined
  if (record === undefined || approval === undefined || record.lifted.length === 0) return undefined
  return (
    `Approved exception (label "${record.check.label}"): @${approval.login} (${approval.role}) approved commit ` +
    `${approval.commit.slice(0, 7)} at ${approval.submittedAt} (${approval.reviewUrl}). Lifted: ${record.lifted.join(' ')}`
  )
}

/** "2025-06-01T12:34:56Z" -> "2025-06-01 12:34 UTC"; anything else as written. */
function when(iso: string): string {
  const date = new Date(iso)
  if (iso === '' || Number.isNaN(date.getTime())) return iso || 'an unknown time'
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1)
}
