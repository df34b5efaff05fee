import {
  breakdownTable,
  changeCounts,
  counted,
  headline,
  signed,
  summaryTable,
  unpricedCount,
} from './rows.js'
import type { Align, Table } from './rows.js'
import { formatCount } from '../money.js'
import type { StopNotice, Report } from '../types.js'

/** GitHub's cap on an issue or pull-request comment body. */
export const COMMENT_MAX_CHARS = 65_536

/**
 * Starts the footer of a comment: what follows (run link, balance time) changes on every run, so the
 * sticky comment compares only what comes before it when deciding whether to rewrite.
 */
export const FOOTER_MARK = '<!-- layer-budget-gate:footer -->'
/** GitHub's cap on one step's job summary, in bytes (UTF-8): past it the runner drops the whole summary. */
export const SUMMARY_MAX_BYTES = 1_048_576

/** Breakdowns longer than this are folded into <details> in a comment, so the verdict stays on screen. */
const OPEN_BREAKDOWN_ROWS = 25
/** Rows in the compact comment (GitHub refused the full one). */
const COMPACT_ROWS = 20
/** Failures listed once a comment has to shrink; the job summary lists all of them. */
const FEW_FAILURES = 10
/** Longest manifest text shown in a cell, in characters, before escaping (names can be 10,000 long). */
const MAX_CELL = 120
/** Longest sentence (failure, note) shown, in characters, before escaping. */
const MAX_SENTENCE = 500

// Every character that could start Markdown or HTML becomes a numeric reference: it works the same
// in table cells, list items and inside HTML blocks (<details>), where backslash escapes do not.
// `|` must not stay literal anywhere in a cell: GFM splits cells on it before any inline parsing.
const REFERENCES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '|': '&#124;',
  '\\': '&#92;',
  '`': '&#96;',
  '*': '&#42;',
  '_': '&#95;',
  '[': '&#91;',
  ']': '&#93;',
  '~': '&#126;',
  '$': '&#36;',
  // GitHub links @user and #123 in the rendered text, after references are decoded: a zero-width
  // space after the sign breaks the pattern, so nobody is pinged and no issue is cross-referenced.
  '@': '@&#8203;',
  '#': '&#35;&#8203;',
}
const SPECIAL = /[&<>"|\\`*_[\]~$@#]/g
// GitHub also links "GH-123" (any case) to issue 123: a zero-width space after the hyphen breaks it.
const GH_REFERENCE = /\b(gh-)(?=\d)/gi
// GitHub links bare URLs ("https://…", "www.…") and turns one to an issue into a cross-reference:
// a zero-width space before the "://" or the "." breaks the link and leaves the text readable.
const AUTOLINK = /\b(https?|ftp|www)(?=:\/\/|\.)/gi
// Control characters (newlines included) would end a table row; bidi overrides can make the
// rendered text lie about what it says ("trojan source").
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g
const BIDI = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

/**
 * Manifest (or Layer) text as inert Markdown for one line: newlines collapsed, cut to `max`
 * characters, every Markdown/HTML special as a character reference, mentions and issue
 * references neutralised.
 */
export function escapeText(text: string, max = MAX_SENTENCE): string {
  // Cut first (generously: collapsing whitespace only shortens), so a 10,000-character name
  // costs no more than a short one, however often the comment is re-rendered to fit.
  const bound = max * 4 + 16
  const cutEarly = text.length > bound
  const flat = (cutEarly ? text.slice(0, bound) : text).replace(CONTROL, ' ').replace(BIDI, '').replace(/\s+/g, ' ').trim()
  return truncate(flat, max, cutEarly)
    .replace(SPECIAL, (c) => REFERENCES[c] ?? c)
    .replace(GH_REFERENCE, '$1&#8203;')
    .replace(AUTOLINK, '$1&#8203;')
}

/** `escapeText` for the start of a list item: a leading "-", "+" or "1." must not open a nested list. */
function escapeItem(text: string): string {
  return escapeText(text).replace(/^([-+=])/, (c) => `&#${c.charCodeAt(0)};`).replace(/^(\d+)([.)])/, '$1\\$2')
}

/** Cuts text to `max` code points (never inside a surrogate pair), marking a cut with "…". */
function truncate(text: string, max: number, alreadyCut = false): string {
  if (!alreadyCut && text.length <= max) return text
  const points = Array.from(text)
  if (!alreadyCut && points.length <= max) return text
  return `${points.slice(0, Math.max(0, Math.min(points.length, max - 1))).join('')}…`
}

/** A GFM table from cells that are already Markdown; numeric columns right-aligned ("---:"). */
export function markdownTable(header: string[], rows: string[][], align: Align[]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`
  const rule = header.map((_, i) => (align[i] === 'right' ? '---:' : ':---'))
  return [line(header), line(rule), ...rows.map(line)].join('\n')
}

/** A rows.ts table as Markdown: every cell escaped, subtotal and total rows in bold. */
function renderTable(table: Table): string {
  const rows = table.rows.map((row) =>
    row.cells.map((cell) => {
      const text = escapeText(cell, MAX_CELL)
      if (text === '') return ''
      if (row.kind === 'subtotal' || row.kind === 'total') return `**${text}**`
      if (row.kind === 'more') return `_${text}_`
      return text
    }),
  )
  return markdownTable(table.header.map((h) => escapeText(h, MAX_CELL)), rows, table.align)
}

/** How much of the report one rendering shows. */
interface Shape {
  /** Fold the breakdown into <details>. */
  collapse: boolean
  /** Show at most this many breakdown lines (flat, with a "… N more" row). */
  rowLimit?: number
  /** List at most this many failures. */
  failureLimit?: number
  /** The minimal comment: no change section, no failure list (a count instead). */
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
  /** The minimal comment (headline, summary, top rows): used when GitHub refuses the full one. */
  compact?: boolean
}

/**
 * The sticky pull-request comment. Sized in stages so it never exceeds `maxChars`, whatever the
 * input: the full comment (a breakdown of more than 25 rows folded into <details>); then, folded,
 * the most expensive rows with a "… N more generations (X CU)" row and a pointer to the job
 * summary, and at most 10 failures; then the compact comment; as a last resort the text is cut.
 */
export function renderComment(report: Report, options: CommentOptions): string {
  const maxChars = options.maxChars ?? COMMENT_MAX_CHARS
  const elsewhere = 'the job summary of the workflow run has the full table'
  const prefix = options.marker ? `${options.marker}\n` : ''
  const render = (shape: Shape): string => `${prefix}${renderBody(report, shape, 'comment')}`
  const lines = report.lines.length

  if (!options.compact) {
    // A breakdown that does not fit is folded as well: folding never makes the text shorter.
    const full = render({ collapse: lines > OPEN_BREAKDOWN_ROWS, compact: false, elsewhere })
    if (full.length <= maxChars) return full
    const trimmed = largestFitting(mostRows(lines, maxChars), maxChars, (rowLimit) =>
      render({ collapse: true, rowLimit, failureLimit: FEW_FAILURES, compact: false, elsewhere }),
    )
    if (trimmed !== undefined) return trimmed
  }
  const compact = largestFitting(Math.min(COMPACT_ROWS, lines), maxChars, (rowLimit) =>
    render({ collapse: false, rowLimit, compact: true, elsewhere }),
  )
  return compact ?? cut(render({ collapse: false, rowLimit: 0, compact: true, elsewhere }), maxChars)
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
    const blocks = [`${heading} ${escapeText('⚠️ Could not price the generations: the total is unknown')}`, escapeItem(notice.message)]
    if (notice.problems.length > 0) {
      const items = notice.problems.slice(0, shown).map((p) => `- ${escapeItem(`${p.file}:${p.line}:${p.col}: ${p.message}`)}`)
      const hidden = notice.problems.length - Math.min(shown, notice.problems.length)
      if (hidden > 0) items.push(`- _… ${counted(hidden, 'more problem')}: see the annotations of the workflow run._`)
      blocks.push(items.join('\n'))
    }
    blocks.push(footer(notice))
    return `${prefix}${blocks.join('\n\n')}\n`
  }
}

/**
 * The job summary: the whole report, every generation and failure, within GitHub's 1 MiB cap, which
 * counts UTF-8 bytes (past it, the most expensive rows are kept with a line saying how many were
 * left out).
 */
export function renderSummary(report: Report, maxBytes = SUMMARY_MAX_BYTES): string {
  const elsewhere = 'the JSON report (report-path) has every generation'
  const render = (shape: Shape): string => renderBody(report, shape, 'summary')
  const full = render({ collapse: false, compact: false, elsewhere })
  if (utf8Length(full) <= maxBytes) return full
  const trimmed = largestFitting(
    mostRows(report.lines.length, maxBytes),
    maxBytes,
    (rowLimit) => render({ collapse: false, rowLimit, failureLimit: FEW_FAILURES, compact: false, elsewhere }),
    utf8Length,
  )
  return trimmed ?? cutBytes(render({ collapse: false, rowLimit: 0, failureLimit: 0, compact: true, elsewhere }), maxBytes)
}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}

/** `cut` to at most `maxBytes` of UTF-8. */
function cutBytes(text: string, maxBytes: number): string {
  let end = Math.min(text.length, maxBytes) // a UTF-16 unit is at least one byte
  let result = cut(text, end)
  while (utf8Length(result) > maxBytes && end > 0) {
    end -= Math.max(1, Math.ceil((utf8Length(result) - maxBytes) / 3))
    result = cut(text, end)
  }
  return result
}

/** An upper bound of the rows that can fit: fewer than all, and no row is shorter than 20 characters. */
function mostRows(lines: number, maxChars: number): number {
  return Math.min(lines - 1, Math.floor(maxChars / 20))
}

/**
 * The rendering with the most rows (at most `most`) whose `size` (characters by default) is at
 * most `max`, or undefined when not even zero rows fit. Binary search: each rendering is linear, so thousands of rows stay fast.
 */
function largestFitting(
  most: number,
  max: number,
  render: (rowLimit: number) => string,
  size: (text: string) => number = (text) => text.length,
): string | undefined {
  let best: string | undefined
  let low = 0
  let high = Math.max(0, most)
  while (low <= high) {
    const middle = Math.floor((low + high) / 2)
    const text = render(middle)
    if (size(text) <= max) {
      best = text
      low = middle + 1
    } else {
      high = middle - 1
    }
  }
  return best
}

/** The last resort: the text cut to `maxChars`, never inside a surrogate pair or a character reference. */
function cut(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text
  let end = Math.max(0, maxChars)
  if (end > 0 && /[\ud800-\udbff]/.test(text.charAt(end - 1))) end -= 1
  const amp = text.lastIndexOf('&', end - 1)
  if (amp >= 0 && !text.slice(amp, end).includes(';') && end - amp < 12) end = amp
  return text.slice(0, end)
}

function renderBody(report: Report, shape: Shape, target: 'comment' | 'summary'): string {
  const blocks: string[] = []
  // The comment is one voice among many on the pull request; the summary owns its page.
  const [heading, section] = target === 'comment' ? ['###', '####'] : ['##', '###']
  blocks.push(`${heading} ${escapeText(headline(report))}`)
  if (report.verdict.reasons.length > 0) {
    blocks.push(report.verdict.reasons.map((reason) => `- ${escapeItem(reason)}`).join('\n'))
  }
  blocks.push(runLine(report))
  blocks.push(renderTable(summaryTable(report)))

  if (!shape.compact) {
    const change = changeSection(report)
    if (change) blocks.push(`${section} Change against base\n\n${change}`)
  }

  // What blocks the check comes before the breakdown: it is what the author has to fix.
  if (report.failures.length > 0) {
    if (shape.compact) {
      const unpriced = unpricedCount(report)
      const what = unpriced > 0 ? `${counted(unpriced, 'generation')} could not be priced` : 'Some estimates failed'
      blocks.push(`_${what}: the job summary of the workflow run says why._`)
    } else {
      blocks.push(`${section} Could not price\n\n${failureList(report.failures, shape.failureLimit)}`)
    }
  }
  const table = breakdownTable(report, shape.rowLimit === undefined ? {} : { limit: shape.rowLimit })
  const truncated = shape.rowLimit !== undefined && shape.rowLimit < report.lines.length
  const note = truncated
    ? `\n\n_Showing the ${counted(Math.max(0, shape.rowLimit ?? 0), 'most expensive generation')} of ` +
      `${formatCount(report.lines.length)}: ${shape.elsewhere}._`
    : ''
  if (report.lines.length > 0) {
    const caption = `Breakdown: ${counted(report.entries, 'generation')}, most expensive first`
    if (shape.collapse) {
      blocks.push(`<details><summary>${escapeText(caption)}</summary>\n\n${renderTable(table)}${note}\n\n</details>`)
    } else {
      blocks.push(`${section} ${escapeText(caption)}\n\n${renderTable(table)}${note}`)
    }
  }

  blocks.push(footer(report))
  return `${blocks.join('\n\n')}\n`
}

/** "Layer workspace … · 12 generations · 9 estimate requests" (requests include the base's). */
function runLine(report: Report): string {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
  const workspace = uuid.test(report.workspaceId) ? `\`${report.workspaceId}\`` : escapeText(report.workspaceId, MAX_CELL)
  return (
    `Layer workspace ${workspace} · ${counted(report.entries, 'generation')} · ` +
    `${counted(report.requests, 'estimate request')}`
  )
}

function changeSection(report: Report): string | undefined {
  if (report.baseNote !== undefined) return `ℹ️ ${escapeText(report.baseNote)}`
  const counts = changeCounts(report)
  if (counts === undefined) return undefined
  const delta =
    report.delta === undefined
      ? 'The total change is unknown (some generations could not be priced)'
      : `**${signed(report.delta)} CU** against base`
  return `${delta}: ${counts || 'no generations'}.`
}

function failureList(failures: string[], limit?: number): string {
  const shown = limit === undefined ? failures : failures.slice(0, limit)
  const items = shown.map((failure) => `- ${escapeItem(failure)}`)
  const hidden = failures.length - shown.length
  if (hidden > 0) items.push(`- _… ${counted(hidden, 'more problem')}: see the job summary of the workflow run._`)
  return items.join('\n')
}

function footer(report: Pick<Report, 'commit' | 'runUrl'> & { balanceAt?: string }): string {
  const parts: string[] = []
  if (report.commit !== undefined) {
    const sha = report.commit.trim()
    parts.push(/^[0-9a-f]{7,64}$/i.test(sha) ? `Commit ${sha.slice(0, 7)}` : `Commit ${escapeText(sha, 40)}`)
  }
  const url = safeUrl(report.runUrl)
  if (url) parts.push(`[Workflow run](${url})`)
  if (report.balanceAt !== undefined) {
    parts.push(`Balance as of ${escapeText(balanceTime(report.balanceAt), 40)}`)
    parts.push("Prices are Layer's estimates; actual charges may differ")
  }
  return `${FOOTER_MARK}\n<sub>${[...parts, 'layer-budget-gate'].join(' · ')}</sub>`
}

/** The run URL for a Markdown link, or undefined unless it is a plain http(s) URL. */
function safeUrl(url: string | undefined): string | undefined {
  if (url === undefined || !/^https?:\/\/[^\s]+$/.test(url)) return undefined
  // A ")" or "<" would end or break the link destination: percent-encode them.
  return url.replace(/[()<>"'`|\\[\]]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
}

/** "2025-06-01T12:34:56.789Z" -> "2025-06-01 12:34 UTC"; anything else as written. */
function balanceTime(iso: string): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

