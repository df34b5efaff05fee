/**
 * The layout of the pull-request comment and the job summary (SPEC section 4): the headline, what
 * the pull request changes, the groups, the breakdown (collapsed in a comment), the footer; and
 * which smaller shape to try when the full one is over GitHub's cap. Escaping is escape.ts's job,
 * the size search fit.ts's, the rows rows.ts's.
 */
import {
  breakdownTable,
  changedLines,
  changedTable,
  counted,
  defaultBatchNote,
  groupTable,
  headline,
  nothingChanged,
  nothingPlanned,
  SIMULATED_NOTE,
  unpricedCount,
} from './rows.js'
import type { Align, Table } from './rows.js'
import { figures, otherBreaches } from './headline.js'
import { escapeItem, escapeText, safeUrl } from './escape.js'
import { approvalBlocks } from './approval.js'
import { cut, cutBytes, largestFitting, mostRows, utf8Length } from './fit.js'
import { formatCount } from '../money.js'
import { formatPosition } from '../problem.js'
import { VERSION } from '../version.js'
import type { StopNotice, Report } from '../types.js'
import { openPullRequestBlocks } from './others.js'

/** GitHub's cap on an issue or pull-request comment body. */
export const COMMENT_MAX_CHARS = 65_536

/**
 * Starts the footer of a comment: what follows (run link, balance time) changes on every run, so the
 * sticky comment compares only what comes before it when deciding whether to rewrite.
 */
export const FOOTER_MARK = '<!-- layer-budget-gate:footer -->'
/** GitHub's cap on one step's job summary, in bytes (UTF-8): past it the runner drops the whole summary. */
export const SUMMARY_MAX_BYTES = 1_048_576

/** Rows of each table in the compact comment (GitHub refused the full one). */
const COMPACT_ROWS = 20
/** Failures listed once a comment has to shrink; the job summary lists all of them. */
const FEW_FAILURES = 10
/** Longest manifest text shown in a cell, in characters, before escaping (names can be 10,000 long). */
const MAX_CELL = 120

/** A GFM table from cells that are already Markdown; numeric columns right-aligned ("---:"). */
export function markdownTable(header: string[], rows: string[][], align: Align[]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`
  const rule = header.map((_, i) => (align[i] === 'right' ? '---:' : ':---'))
  return [line(header), line(rule), ...rows.map(line)].join('\n')
}

/** A table cell's text as inert Markdown. */
type CellText = (cell: string) => string

/** escapeText for table cells, remembered: a comment is rendered several times to fit, with the same cells. */
function cellEscaper(): CellText {
  const seen = new Map<string, string>()
  return (cell) => {
    let text = seen.get(cell)
    if (text === undefined) {
      text = escapeText(cell, MAX_CELL)
      seen.set(cell, text)
    }
    return text
  }
}

/** A rows.ts table as Markdown: every cell escaped, a row's link on its first cell, subtotal rows in bold. */
function renderTable(table: Table, cellText: CellText): string {
  const rows = table.rows.map((row) =>
    row.cells.map((cell, i) => {
      const text = cellText(cell)
      if (text === '') return ''
      // The text is escaped (no "]" or "[" left) and the URL percent-encoded: the link cannot break out.
      if (i === 0 && row.href !== undefined) return `[${text}](${row.href})`
      if (row.kind === 'subtotal') return `**${text}**`
      if (row.kind === 'more') return `_${text}_`
      return text
    }),
  )
  return markdownTable(
    table.header.map((h) => escapeText(h, MAX_CELL)),
    rows,
    table.align,
  )
}

/** How much of the report one rendering shows. */
interface Shape {
  /** Fold the breakdown into <details> (the comment; the job summary shows it open). */
  collapse: boolean
  /** Show at most this many breakdown lines (flat, with a "… N more" row). */
  rowLimit?: number
  /** Show at most this many changed generations (with a "… N more changed" row). */
  changedLimit?: number
  /** Show the per-group table. */
  groups: boolean
  /** List at most this many failures. */
  failureLimit?: number
  /** The minimal comment: no failure list (a count instead). */
  compact: boolean
  /** Where the full breakdown is, when this rendering leaves some out. */
  elsewhere: string
}

/** What renderComment needs besides the report. */
export interface CommentOptions {
  /**
   * The hidden marker (an HTML comment) that finds this comment again, written as the first line
   * and counted in `maxChars`. Omit it when the caller adds the marker itself, and then lower
   * `maxChars` by the marker's length plus one (its newline).
   */
  marker?: string
  /** Hard cap on the length of what is returned; GitHub's cap on a whole comment is 65,536. */
  maxChars?: number
  /** The minimal comment (headline, top changed and most expensive rows): used when GitHub refuses the full one. */
  compact?: boolean
}

/**
 * The sticky pull-request comment. Sized in stages so it never exceeds `maxChars`, whatever the
 * input: the full comment (the breakdown folded into <details>); then the most expensive rows of
 * the breakdown with a "… N more generations (X CU)" row and a pointer to the job summary, at most
 * 10 failures, and the changed table whole; then the changed table cut too, without the group
 * table; then the compact comment; as a last resort the text is cut.
 */
export function renderComment(report: Report, options: CommentOptions): string {
  const maxChars = options.maxChars ?? COMMENT_MAX_CHARS
  const elsewhere = 'the job summary of the workflow run has the full table'
  const prefix = options.marker ? `${options.marker}\n` : ''
  const cellText = cellEscaper()
  const render = (shape: Shape): string => `${prefix}${renderBody(report, shape, 'comment', cellText)}`
  const lines = report.entries
  const changed = changedLines(report)?.length ?? 0

  if (!options.compact) {
    const full = render({ collapse: true, groups: true, compact: false, elsewhere })
    if (full.length <= maxChars) return full
    const trimmed = largestFitting(mostRows(lines, maxChars), maxChars, (rowLimit) =>
      render({ collapse: true, groups: true, rowLimit, failureLimit: FEW_FAILURES, compact: false, elsewhere }),
    )
    if (trimmed !== undefined) return trimmed
    const fewerChanges = largestFitting(mostRows(changed, maxChars), maxChars, (changedLimit) =>
      render({ collapse: true, groups: false, rowLimit: 0, changedLimit, failureLimit: FEW_FAILURES, compact: false, elsewhere }),
    )
    if (fewerChanges !== undefined) return fewerChanges
  }
  const changedLimit = Math.min(COMPACT_ROWS, changed)
  const compact = largestFitting(Math.min(COMPACT_ROWS, lines), maxChars, (rowLimit) =>
    render({ collapse: true, groups: false, rowLimit, changedLimit, compact: true, elsewhere }),
  )
  return compact ?? cut(render({ collapse: true, groups: false, rowLimit: 0, changedLimit: 0, compact: true, elsewhere }), maxChars)
}

/**
 * The sticky comment of a run that failed before it could price (an invalid manifest, a workspace
 * mismatch, too many requests): it replaces the previous verdict, which would otherwise stay on the
 * pull request as if it were still true. Lists as many problems as fit in `maxChars`.
 */
export function renderStopComment(notice: StopNotice, options: Omit<CommentOptions, 'compact'> = {}): string {
  const maxChars = options.maxChars ?? COMMENT_MAX_CHARS
  const prefix = options.marker ? `${options.marker}\n` : ''
  const render = renderFailure(notice, '###', prefix)
  const text = largestFitting(notice.problems.length, maxChars, render)
  return text ?? cut(render(0), maxChars)
}

/** The job summary of a run that failed before it could price: the reason and every problem, within 1 MiB. */
export function renderStopSummary(notice: StopNotice, maxBytes = SUMMARY_MAX_BYTES): string {
  const render = renderFailure(notice, '##', '')
  const text = largestFitting(notice.problems.length, maxBytes, render, utf8Length)
  return text ?? cutBytes(render(0), maxBytes)
}

/** A failure notice with its first `shown` problems listed. */
function renderFailure(notice: StopNotice, heading: string, prefix: string): (shown: number) => string {
  return (shown: number): string => {
    const blocks = [`${heading} ${escapeText('❌ could not price the generations: the total is unknown')}`, escapeItem(notice.message)]
    if (notice.problems.length > 0) {
      const problems = notice.problems.map((p) => `${formatPosition(p)}: ${p.message}`)
      blocks.push(problemList(problems, shown, 'the annotations of the workflow run'))
    }
    blocks.push(footer(notice))
    return `${prefix}${blocks.join('\n\n')}\n`
  }
}

/**
 * The job summary: the same report as the comment, the breakdown open, every generation and
 * failure, within GitHub's 1 MiB cap, which counts UTF-8 bytes (past it, the most expensive rows
 * are kept with a line saying how many were left out).
 */
export function renderSummary(report: Report, maxBytes = SUMMARY_MAX_BYTES): string {
  const elsewhere = 'the JSON report (report-path) has every generation'
  const cellText = cellEscaper()
  const render = (shape: Shape): string => renderBody(report, shape, 'summary', cellText)
  const full = render({ collapse: false, groups: true, compact: false, elsewhere })
  if (utf8Length(full) <= maxBytes) return full
  const trimmed = largestFitting(
    mostRows(report.entries, maxBytes),
    maxBytes,
    (rowLimit) => render({ collapse: false, groups: true, rowLimit, failureLimit: FEW_FAILURES, compact: false, elsewhere }),
    utf8Length,
  )
  if (trimmed !== undefined) return trimmed
  const last = { collapse: false, groups: false, rowLimit: 0, changedLimit: 0, failureLimit: 0, compact: true, elsewhere }
  return cutBytes(render(last), maxBytes)
}

function renderBody(report: Report, shape: Shape, target: 'comment' | 'summary', cellText: CellText): string {
  const blocks: string[] = []
  // The comment is one voice among many on the pull request; the summary owns its page.
  const [heading, section] = target === 'comment' ? ['###', '####'] : ['##', '###']
  blocks.push(`${heading} ${escapeText(headline(report))}`)
  // Right under the headline, so no reader takes the figures for Layer's.
  if (report.simulated) blocks.push(`**${escapeText(SIMULATED_NOTE)}**`)
  // A headline that names a rule leaves the figures (and any other failing rule) to the lines below.
  const below = [figures(report), otherBreaches(report)].filter((text) => text !== undefined)
  for (const text of below) blocks.push(escapeText(text))
  // An approved exception (SPEC 9) right under the figures it lifted, with its audit trail.
  blocks.push(...approvalBlocks(report))

  // SPEC 8: what the other open pull requests commit, right after the figures this one adds to.
  blocks.push(...openPullRequestBlocks(report, section))

  // What blocks the check comes first: it is what the author has to fix.
  if (report.failures.length > 0) {
    if (shape.compact) {
      const unpriced = unpricedCount(report)
      const what = unpriced > 0 ? `${counted(unpriced, 'generation')} could not be priced` : 'Some estimates failed'
      blocks.push(`_${what}: the job summary of the workflow run says why._`)
    } else {
      blocks.push(
        `${section} Could not price\n\n${problemList(report.failures, shape.failureLimit, 'the job summary of the workflow run')}`,
      )
    }
  }

  if (report.baseNote !== undefined) blocks.push(`ℹ️ ${escapeText(report.baseNote)}`)
  const changed = changedTable(report, shape.changedLimit === undefined ? {} : { limit: shape.changedLimit })
  if (changed !== undefined) blocks.push(`${section} Changed in this pull request\n\n${renderTable(changed, cellText)}`)
  const unchanged = nothingChanged(report)
  if (unchanged !== undefined) blocks.push(escapeText(unchanged))
  const groups = shape.groups ? groupTable(report) : undefined
  if (groups !== undefined) blocks.push(`${section} By group\n\n${renderTable(groups, cellText)}`)

  const nothing = nothingPlanned(report)
  if (nothing !== undefined) blocks.push(escapeText(nothing))
  if (report.entries > 0) blocks.push(breakdown(report, shape, section, cellText))

  blocks.push(footer(report))
  return `${blocks.join('\n\n')}\n`
}

/** The breakdown, with its footnote on the default batch size and, when cut, where the rest is. */
function breakdown(report: Report, shape: Shape, section: string, cellText: CellText): string {
  const table = breakdownTable(report, shape.rowLimit === undefined ? {} : { limit: shape.rowLimit })
  const notes: string[] = []
  const batch = defaultBatchNote(report)
  if (batch !== undefined) notes.push(`<sub>${escapeText(batch)}</sub>`)
  if (shape.rowLimit !== undefined && shape.rowLimit < report.entries) {
    const shown = counted(Math.max(0, shape.rowLimit), 'most expensive generation')
    notes.push(`_Showing the ${shown} of ${formatCount(report.entries)}: ${shape.elsewhere}._`)
  }
  const body = [renderTable(table, cellText), ...notes].join('\n\n')
  const caption = `Breakdown: ${counted(report.entries, 'generation')}${report.entries > 1 ? ', most expensive first' : ''}`
  if (shape.collapse) return `<details><summary>${escapeText(caption)}</summary>\n\n${body}\n\n</details>`
  return `${section} ${escapeText(caption)}\n\n${body}`
}

/** The first `limit` problems (all without one) as a Markdown list, then how many more there are and where they are. */
function problemList(problems: string[], limit: number | undefined, rest: string): string {
  const shown = limit === undefined ? problems : problems.slice(0, limit)
  const items = shown.map((problem) => `- ${escapeItem(problem)}`)
  const hidden = problems.length - shown.length
  if (hidden > 0) items.push(`- _… ${counted(hidden, 'more problem')}: see ${rest}._`)
  return items.join('\n')
}

function footer(report: Pick<Report, 'commit' | 'runUrl' | 'simulated'> & { balanceAt?: string }): string {
  const parts: string[] = []
  if (report.commit !== undefined) {
    const sha = report.commit.trim()
    parts.push(/^[0-9a-f]{7,64}$/i.test(sha) ? `Commit ${sha.slice(0, 7)}` : `Commit ${escapeText(sha, 40)}`)
  }
  const url = safeUrl(report.runUrl)
  if (url) parts.push(`[Workflow run](${url})`)
  if (report.balanceAt !== undefined) {
    parts.push(`Balance as of ${escapeText(balanceTime(report.balanceAt), 40)}`)
    parts.push(
      report.simulated ? 'Made-up prices from the local simulator, not Layer' : "Prices are Layer's estimates; actual charges may differ",
    )
  }
  return `${FOOTER_MARK}\n<sub>${[...parts, `layer-budget-gate ${VERSION}`].join(' · ')}</sub>`
}

/** "2025-06-01T12:34:56.789Z" -> "2025-06-01 12:34 UTC"; anything else as written. */
function balanceTime(iso: string): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`
}
