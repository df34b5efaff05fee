import { overBy, warnBy } from '../budget.js'
import { formatCount, formatGrouped } from '../money.js'
import type { Micro } from '../money.js'
import type { Change, Report, ReportLine } from '../types.js'
import { togetherHeadline } from './others.js'

/**
 * Report data -> table rows of plain text (numbers already formatted for people), so every
 * renderer (Markdown, the terminal) shows the same figures and the rows are tested as data.
 * Escaping is the renderer's job: nothing here is Markdown.
 */

/** How a column lines up: names left, numbers right. */
export type Align = 'left' | 'right'

/** What a breakdown row is, so a renderer can style subtotals and totals. */
export type RowKind = 'line' | 'subtotal' | 'more' | 'total'

/** One row of a table: its cells (plain text) and what it stands for. */
export interface TableRow {
  kind: RowKind
  cells: string[]
}

/** A table as data: header cells, column alignment and rows. */
export interface Table {
  header: string[]
  align: Align[]
  rows: TableRow[]
}

/** What `breakdownTable` shows. */
export interface BreakdownOptions {
  /** Show only the first `limit` lines (most expensive first, no group subtotals) and a "… N more" row. */
  limit?: number
}

const DASH = '—'
/** The balance when no estimate request was sent (nothing planned). */
export const NOT_READ = 'not read'
const UNGROUPED = '(no group)'

/** The summary of the verdict as a table: total, balance, remaining, reserve, cap, change, verdict. */
export function summaryTable(report: Report): Table {
  const { verdict, policy } = report
  const rows: [string, string][] = []
  const unpriced = unpricedCount(report)
  if (verdict.status === 'error') {
    const part = verdict.total > 0 ? ` (≥ ${formatGrouped(verdict.total, 'up')} priced)` : ''
    rows.push(['Estimated total', `unknown${part}`])
  } else {
    rows.push(['Estimated total', formatGrouped(verdict.total, 'up')])
  }
  // No request sent (nothing planned): the balance was not read, which is not the same as unknown.
  const notRead = verdict.balance === undefined && report.requests === 0 && verdict.status !== 'error'
  rows.push(['Workspace balance', verdict.balance !== undefined ? formatGrouped(verdict.balance, 'down') : notRead ? NOT_READ : 'unknown'])
  rows.push([
    'Remaining after the run',
    verdict.status === 'error'
      ? 'unknown'
      : verdict.remaining !== undefined
        ? formatGrouped(verdict.remaining, 'down')
        : notRead
          ? DASH
          : 'unknown',
  ])
  rows.push(['Reserve (min-remaining-balance)', formatGrouped(policy.minRemaining, 'up')])
  if (policy.warnRemaining !== undefined) rows.push(['Warning level (warn-remaining-balance)', formatGrouped(policy.warnRemaining, 'up')])
  if (policy.maxTotal !== undefined) rows.push(['Cap (max-total)', formatGrouped(policy.maxTotal, 'down')])
  if (report.delta !== undefined) rows.push(['Change against base', signed(report.delta)])
  rows.push(['Verdict', verdictText(report, unpriced)])
  return {
    header: ['Budget', 'CU'],
    align: ['left', 'right'],
    rows: rows.map((cells) => ({ kind: 'line', cells })),
  }
}

/** `summaryTable` as string[][]: the header, then one row per figure. */
export function summaryRows(report: Report): string[][] {
  return toRows(summaryTable(report))
}

/**
 * The breakdown: one row per generation (head lines most expensive first, unpriced, then removed
 * ones), with a subtotal row heading each group when any line has a group, and a total row.
 * Change and Δ CU columns appear when the report has a diff against the base.
 */
export function breakdownTable(report: Report, options: BreakdownOptions = {}): Table {
  const diffing = report.lines.some((line) => line.change !== undefined)
  const manyFiles = new Set(report.lines.map((line) => line.file)).size > 1
  const header = ['Generation', 'Model', 'Runs', 'CU per run', 'Total CU', 'Share']
  const align: Align[] = ['left', 'left', 'right', 'right', 'right', 'right']
  if (diffing) {
    header.push('Change', 'Δ CU')
    align.push('left', 'right')
  }
  const grand = report.verdict.status === 'error' ? undefined : report.verdict.total
  const lineRow = (line: ReportLine): TableRow => ({
    kind: 'line',
    cells: lineCells(line, grand, diffing, manyFiles),
  })

  const rows: TableRow[] = []
  const limit = options.limit
  if (limit !== undefined && limit < report.lines.length) {
    const shown = report.lines.slice(0, Math.max(0, limit))
    rows.push(...shown.map(lineRow))
    rows.push({ kind: 'more', cells: pad([moreText(report.lines.slice(shown.length))], header.length) })
  } else if (report.lines.some((line) => line.group !== undefined)) {
    for (const group of groupsByCost(report.lines)) {
      rows.push({ kind: 'subtotal', cells: subtotalCells(group.name, group.lines, grand, diffing) })
      rows.push(...group.lines.map(lineRow))
    }
  } else {
    rows.push(...report.lines.map(lineRow))
  }
  rows.push({ kind: 'total', cells: totalCells(report, diffing) })
  return { header, align, rows }
}

/** `breakdownTable` as string[][]: the header, then the rows. */
export function breakdownRows(report: Report, options: BreakdownOptions = {}): string[][] {
  return toRows(breakdownTable(report, options))
}

/**
 * The status: "✅ Within budget: 1,234.5 CU of 10,000 CU", "⚠️ 12.5 CU below the 500 CU warning
 * level (warn-remaining-balance)", "❌ Over budget by 234 CU", "⚠️ Could not price 2 generations:
 * the total is unknown", "✅ Nothing planned: 0 CU". Advisory mode says the step passes.
 */
export function statusLine(report: Report): string {
  return `${status(report)}${advisory(report, ' (advisory: the step still passes)')}`
}

/** The comment's headline: the status with the total change against base, e.g. "… (+120 CU against base)". */
export function headline(report: Report): string {
  const delta = report.delta === undefined ? '' : ` (${signed(report.delta)} CU against base)`
  return `${status(report)}${delta}${advisory(report, ' · advisory: the step still passes')}`
}

function status(report: Report): string {
  const { verdict } = report
  const together = togetherHeadline(report) // SPEC section 8: fits alone, not with the other open pull requests
  if (together !== undefined) return together
  if (verdict.status === 'error') {
    const unpriced = unpricedCount(report)
    // Every line priced, yet an error: the sum itself cannot be held exactly.
    if (unpriced === 0) return "⚠️ The total cannot be computed exactly: Layer's figures are too large"
    return `⚠️ Could not price ${counted(unpriced, 'generation')}: the total is unknown`
  }
  if (verdict.status === 'over') {
    const by = overBy(verdict, report.policy)
    // Over with nothing short: only Layer's own has_sufficient_creative_units: false failed.
    if (by === 0) return '❌ Over budget: Layer says the workspace cannot pay for it'
    return `❌ Over budget by ${formatGrouped(by, 'up')} CU`
  }
  if (verdict.status === 'warn') {
    const level = report.policy.warnRemaining ?? 0
    return `⚠️ ${formatGrouped(warnBy(verdict, report.policy), 'up')} CU below the ${formatGrouped(level, 'up')} CU warning level (warn-remaining-balance)`
  }
  if (report.entries === 0) return '✅ Nothing planned: 0 CU'
  const of = verdict.balance === undefined ? '' : ` of ${formatGrouped(verdict.balance, 'down')} CU`
  return `✅ Within budget: ${formatGrouped(verdict.total, 'up')} CU${of}`
}

function advisory(report: Report, text: string): string {
  return report.verdict.status === 'over' && report.verdict.passes ? text : ''
}

/** The one sentence that stands for the breakdown when the manifests plan nothing; undefined otherwise. */
export function nothingPlanned(report: Report): string | undefined {
  if (report.entries > 0) return undefined
  return report.requests === 0
    ? 'Nothing is planned: the manifests list no generations, so no estimate was requested and the workspace balance was not read.'
    : 'Nothing is planned: the manifests list no generations.'
}

/** "2 added, 1 changed, 1 removed, 10 unchanged" (non-zero counts only), or undefined without a diff. */
export function changeCounts(report: Report): string | undefined {
  const counts: Record<Change, number> = { added: 0, changed: 0, removed: 0, unchanged: 0 }
  let diffing = false
  for (const line of report.lines) {
    if (line.change === undefined) continue
    diffing = true
    counts[line.change] += 1
  }
  if (!diffing) return undefined
  const parts = (Object.keys(counts) as Change[]).filter((c) => counts[c] > 0).map((c) => `${formatCount(counts[c])} ${c}`)
  return parts.join(', ')
}

/** A share of the total as "12.5%" ("<0.1%" when tiny but not zero). */
export function shareText(total: Micro, grand: Micro | undefined): string {
  if (grand === undefined || grand <= 0) return DASH
  const percent = (total / grand) * 100
  if (total > 0 && percent < 0.05) return '<0.1%'
  return `${percent.toFixed(1)}%`
}

/** A delta with its sign: "+120", "-3.5", "0". */
export function signed(micro: Micro): string {
  return micro > 0 ? `+${formatGrouped(micro)}` : formatGrouped(micro)
}

/** Head generations that could not be priced. */
export function unpricedCount(report: Report): number {
  return report.lines.filter((line) => line.change !== 'removed' && line.total === undefined).length
}

function verdictText(report: Report, unpriced: number): string {
  switch (report.verdict.status) {
    case 'within':
      return '✅ Within budget'
    case 'warn':
      return '⚠️ Within budget, below the warning level'
    case 'over':
      return report.verdict.passes ? '❌ Over budget (advisory)' : '❌ Over budget'
    case 'error':
      return `⚠️ Could not price ${counted(unpriced, 'generation')}`
  }
}

function lineCells(line: ReportLine, grand: Micro | undefined, diffing: boolean, manyFiles: boolean): string[] {
  const removed = line.change === 'removed'
  const name = manyFiles ? `${line.name} (${line.file})` : line.name
  const unit = removed || line.unit === undefined ? DASH : formatGrouped(line.unit, 'up')
  const total = removed ? DASH : line.total === undefined ? 'not priced' : formatGrouped(line.total, 'up')
  const share = removed || line.total === undefined ? DASH : shareText(line.total, grand)
  const cells = [name, line.modelLabel, formatCount(line.runs), unit, total, share]
  if (diffing) cells.push(line.change ?? '', deltaText(line))
  return cells
}

function deltaText(line: ReportLine): string {
  if (line.delta === undefined || (line.change === 'unchanged' && line.delta === 0)) return DASH
  return signed(line.delta)
}

interface GroupOfLines {
  name: string
  lines: ReportLine[]
  total: Micro
}

/** Lines by group (report order kept inside a group), groups most expensive first, ungrouped last. */
function groupsByCost(lines: ReportLine[]): GroupOfLines[] {
  const groups = new Map<string | undefined, GroupOfLines>()
  for (const line of lines) {
    let group = groups.get(line.group)
    if (!group) {
      group = { name: line.group ?? UNGROUPED, lines: [], total: 0 }
      groups.set(line.group, group)
    }
    group.lines.push(line)
    if (line.change !== 'removed' && line.total !== undefined) group.total += line.total
  }
  const ungrouped = groups.get(undefined)
  groups.delete(undefined)
  const sorted = [...groups.values()].sort((a, b) => b.total - a.total || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  return ungrouped ? [...sorted, ungrouped] : sorted
}

function subtotalCells(name: string, lines: ReportLine[], grand: Micro | undefined, diffing: boolean): string[] {
  const head = lines.filter((line) => line.change !== 'removed')
  const priced = head.every((line) => line.total !== undefined)
  const total = head.reduce((sum, line) => sum + (line.total ?? 0), 0)
  // A group whose generations were all removed costs nothing now: say what it was, not "0 generations, 0.0%".
  const gone = head.length === 0
  const cells = [
    gone ? `${name}: ${counted(lines.length, 'removed generation')}` : `${name}: ${counted(head.length, 'generation')}`,
    '',
    '',
    '',
    gone ? DASH : priced ? formatGrouped(total, 'up') : `≥ ${formatGrouped(total, 'up')}`,
    gone || !priced ? DASH : shareText(total, grand),
  ]
  if (diffing) {
    const known = lines.every((line) => line.delta !== undefined)
    const delta = lines.reduce((sum, line) => sum + (line.delta ?? 0), 0)
    cells.push('', known ? signed(delta) : DASH)
  }
  return cells
}

function totalCells(report: Report, diffing: boolean): string[] {
  const { verdict } = report
  const error = verdict.status === 'error'
  const cells = [
    `Total: ${counted(report.entries, 'generation')}`,
    '',
    '',
    '',
    error ? 'unknown' : formatGrouped(verdict.total, 'up'),
    error || verdict.total <= 0 ? DASH : '100%',
  ]
  if (diffing) cells.push('', report.delta === undefined ? DASH : signed(report.delta))
  return cells
}

/** "… 12 more generations (3,400 CU)", plus removed ones and unpriced ones when hidden. */
function moreText(hidden: ReportLine[]): string {
  const head = hidden.filter((line) => line.change !== 'removed')
  const removed = hidden.length - head.length
  const cu = head.reduce((sum, line) => sum + (line.total ?? 0), 0)
  const unpriced = head.filter((line) => line.total === undefined).length
  const parts: string[] = []
  if (head.length > 0) {
    const extra = unpriced > 0 ? `, ${formatCount(unpriced)} not priced` : ''
    parts.push(`… ${counted(head.length, 'more generation')} (${formatGrouped(cu, 'up')} CU${extra})`)
  }
  if (removed > 0) parts.push(`${head.length > 0 ? '' : '… '}${counted(removed, 'removed generation')}`)
  return parts.join(' and ')
}

/** "1 generation", "1,200 generations". */
export function counted(count: number, noun: string): string {
  return `${formatCount(count)} ${noun}${count === 1 ? '' : 's'}`
}

function pad(cells: string[], length: number): string[] {
  return [...cells, ...new Array<string>(Math.max(0, length - cells.length)).fill('')]
}

function toRows(table: Table): string[][] {
  return [table.header, ...table.rows.map((row) => row.cells)]
}

/** Said near the top of every rendering whose prices came from the project's simulator (report.simulated). */
export const SIMULATED_NOTE =
  '⚠️ Made-up prices: these estimates come from the local simulator, not from Layer; they say nothing about what Layer would charge'
