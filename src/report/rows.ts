import { formatCount, formatGrouped } from '../money.js'
import type { Micro } from '../money.js'
import { blobUrl } from './escape.js'
import { counted, DASH, modelName, shareText, signed } from './words.js'
import type { Change, Report, ReportLine } from '../types.js'

/**
 * Report data -> table rows of plain text (numbers already formatted for people), so every
 * renderer (Markdown, the terminal) shows the same figures and the rows are tested as data.
 * Escaping is the renderer's job: nothing here is Markdown.
 */

export { headline, statusLine } from './headline.js'
export { counted, shareText, signed, unpricedCount } from './words.js'

/** How a column lines up: names left, numbers right. */
export type Align = 'left' | 'right'

/** What a row is, so a renderer can style subtotals and the "… N more" row. */
export type RowKind = 'line' | 'subtotal' | 'more'

/** One row of a table: its cells (plain text) and what it stands for. */
export interface TableRow {
  kind: RowKind
  cells: string[]
  /** Where the first cell links to (a generation's line on GitHub); renderers without links ignore it. */
  href?: string
}

/** A table as data: header cells, column alignment and rows. */
export interface Table {
  header: string[]
  align: Align[]
  rows: TableRow[]
}

/** How many rows a table shows. */
export interface LimitOptions {
  /** Show only the first `limit` lines (no group subtotals) and a "… N more" row. */
  limit?: number
}

/** Layer's `batch_size` when a generation leaves it out (the seed's default): 4 outputs per run. */
export const DEFAULT_BATCH_SIZE = 4
/** Marks an outputs figure that relies on Layer's default batch size; `DEFAULT_BATCH_NOTE` explains it. */
export const DEFAULT_BATCH_MARK = '*'
/** The footnote of the breakdown when some generation leaves `batch_size` out. */
export const DEFAULT_BATCH_NOTE = `${DEFAULT_BATCH_MARK} batch_size not set: Layer makes ${DEFAULT_BATCH_SIZE} outputs per run`
const UNGROUPED = '(no group)'
const ARROW = ' → '

/** The lines a pull request adds, changes or removes, largest change first; undefined without a diff against the base. */
export function changedLines(report: Report): ReportLine[] | undefined {
  if (!report.lines.some((line) => line.change !== undefined)) return undefined
  return report.lines
    .filter((line) => line.change !== undefined && line.change !== 'unchanged')
    .sort((a, b) => magnitude(b) - magnitude(a) || compareText(a.name, b.name) || compareText(a.file, b.file))
}

/**
 * "Changed in this pull request": one row per added, changed or removed generation, linked to its
 * line (at the head commit; removed ones at the base commit), with before → after for what changed
 * and Δ CU. A Model column only when some model changed. Undefined when nothing changed.
 */
export function changedTable(report: Report, options: LimitOptions = {}): Table | undefined {
  const lines = changedLines(report)
  if (lines === undefined || lines.length === 0) return undefined
  const manyFiles = new Set(report.lines.map((line) => line.file)).size > 1
  const modelChanged = lines.some((line) => line.base !== undefined && line.base.modelLabel !== line.modelLabel)
  const header = ['Generation', 'Change', ...(modelChanged ? ['Model'] : []), 'Runs', 'CU per run', 'Total CU', 'Δ CU']
  const align: Align[] = ['left', 'left', ...(modelChanged ? (['left'] as Align[]) : []), 'right', 'right', 'right', 'right']

  const rowOf = (line: ReportLine): TableRow => {
    const base = line.base
    const cells = [nameCell(line, manyFiles), line.change ?? '']
    if (modelChanged) cells.push(before(base?.modelLabel, line.modelLabel, modelName))
    cells.push(
      before(base?.runs, line.runs, formatCount),
      before(base?.unit, line.unit, (unit) => formatGrouped(unit, 'up')),
      before(base?.total, line.total, (total) => formatGrouped(total, 'up'), line.change === 'removed' ? DASH : 'not priced'),
      line.delta === undefined ? DASH : signed(line.delta),
    )
    const href = blobUrl(report.links, line.change === 'removed' ? 'base' : 'head', line.file, line.line)
    return { kind: 'line', cells, ...(href !== undefined ? { href } : {}) }
  }

  const { limit } = options
  const shown = limit !== undefined && limit < lines.length ? lines.slice(0, Math.max(0, limit)) : lines
  const rows = shown.map(rowOf)
  if (shown.length < lines.length) {
    const hidden = lines.slice(shown.length)
    const known = hidden.every((line) => line.delta !== undefined)
    const delta = hidden.reduce((sum, line) => sum + (line.delta ?? 0), 0)
    const text = `… ${counted(hidden.length, 'more changed generation')}${known ? ` (${signed(delta)} CU)` : ''}`
    rows.push({ kind: 'more', cells: pad([text], header.length) })
  }
  return { header, align, rows }
}

/**
 * Per group, what the base planned, what the head plans and the difference: only on a diff against
 * the base that changes something, and only when some generation has a group (without a diff, the
 * breakdown's subtotals say it).
 */
export function groupTable(report: Report): Table | undefined {
  if (!report.lines.some((line) => line.group !== undefined)) return undefined
  // Nothing changed: every group's base is its head, and the sentence saying so is enough.
  if (!report.lines.some((line) => line.change !== undefined && line.change !== 'unchanged')) return undefined
  const rows = groupsByCost(report.lines).map((group): TableRow => {
    let base: Micro = 0
    let head: Micro = 0
    let priced = true
    for (const line of group.lines) {
      if (line.change === 'removed') base += line.total ?? 0
      else {
        if (line.total === undefined) priced = false
        head += line.total ?? 0
        if (line.change === 'changed') base += line.base?.total ?? 0
        else if (line.change === 'unchanged') base += line.total ?? 0
      }
    }
    const headText = priced ? formatGrouped(head, 'up') : `≥ ${formatGrouped(head, 'up')}`
    return { kind: 'line', cells: [group.name, formatGrouped(base, 'up'), headText, priced ? signed(head - base) : DASH] }
  })
  return { header: ['Group', 'Base CU', 'Head CU', 'Δ CU'], align: ['left', 'right', 'right', 'right'], rows }
}

/**
 * The breakdown of what the head plans: one row per generation, most expensive first (unpriced
 * last), with its model, runs, outputs (runs × batch size), CU per run, total and share of the
 * total; a subtotal row heads each group when any line has a group. No total row: the headline has
 * the total. The Share column is left out when there is no total to share (unknown, or 0).
 */
export function breakdownTable(report: Report, options: LimitOptions = {}): Table {
  const lines = report.lines.filter((line) => line.change !== 'removed')
  const manyFiles = new Set(report.lines.map((line) => line.file)).size > 1
  const grand = report.verdict.status === 'error' || report.verdict.total <= 0 ? undefined : report.verdict.total
  const header = ['Generation', 'Model', 'Runs', 'Outputs', 'CU per run', 'Total CU', ...(grand !== undefined ? ['Share'] : [])]
  const align: Align[] = ['left', 'left', 'right', 'right', 'right', 'right', 'right']
  align.length = header.length
  const lineRow = (line: ReportLine): TableRow => {
    const cells = [
      nameCell(line, manyFiles),
      modelName(line.modelLabel),
      formatCount(line.runs),
      outputsText(line.runs, line.batchSize),
      line.unit === undefined ? DASH : formatGrouped(line.unit, 'up'),
      line.total === undefined ? 'not priced' : formatGrouped(line.total, 'up'),
    ]
    if (grand !== undefined) cells.push(line.total === undefined ? DASH : shareText(line.total, grand))
    return { kind: 'line', cells }
  }

  const rows: TableRow[] = []
  const { limit } = options
  if (limit !== undefined && limit < lines.length) {
    const shown = lines.slice(0, Math.max(0, limit))
    rows.push(...shown.map(lineRow))
    rows.push({ kind: 'more', cells: pad([moreText(lines.slice(shown.length))], header.length) })
  } else if (lines.some((line) => line.group !== undefined)) {
    for (const group of groupsByCost(lines)) {
      rows.push({ kind: 'subtotal', cells: subtotalCells(group.name, group.lines, grand) })
      rows.push(...group.lines.map(lineRow))
    }
  } else {
    rows.push(...lines.map(lineRow))
  }
  return { header, align, rows }
}

/** The footnote for outputs marked as Layer's default, or undefined when every generation sets `batch_size`. */
export function defaultBatchNote(report: Report): string | undefined {
  const relies = report.lines.some((line) => line.change !== 'removed' && line.batchSize === undefined)
  return relies ? DEFAULT_BATCH_NOTE : undefined
}

/** Outputs of a generation: runs × batch size ("24"), marked when the batch size is Layer's default ("24*"). */
export function outputsText(runs: number, batchSize: number | undefined): string {
  return batchSize === undefined ? `${formatCount(runs * DEFAULT_BATCH_SIZE)}${DEFAULT_BATCH_MARK}` : formatCount(runs * batchSize)
}

/** `breakdownTable` as string[][]: the header, then the rows. */
export function breakdownRows(report: Report, options: LimitOptions = {}): string[][] {
  return toRows(breakdownTable(report, options))
}

/** `changedTable` as string[][] (empty when nothing changed). */
export function changedRows(report: Report, options: LimitOptions = {}): string[][] {
  const table = changedTable(report, options)
  return table === undefined ? [] : toRows(table)
}

/** The one sentence that stands for the breakdown when the manifests plan nothing; undefined otherwise. */
export function nothingPlanned(report: Report): string | undefined {
  if (report.entries > 0) return undefined
  return report.requests === 0
    ? 'The manifests list no generations, so no estimate was requested and the workspace balance was not read.'
    : 'The manifests list no generations.'
}

/** The one sentence of a diff in which no generation changed ("No generation changes … (7 unchanged)."); undefined otherwise. */
export function nothingChanged(report: Report): string | undefined {
  const lines = changedLines(report)
  if (lines === undefined || lines.length > 0) return undefined
  const unchanged = report.entries > 0 ? ` (${formatCount(report.entries)} unchanged)` : ''
  return `No generation changes in this pull request${unchanged}.`
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

/** "3 → 6" when the base had another value, else the value; `missing` when there is none. */
function before<T>(base: T | undefined, head: T | undefined, format: (value: T) => string, missing = DASH): string {
  const after = head === undefined ? missing : format(head)
  if (base === undefined || base === head) return after
  return `${format(base)}${ARROW}${after}`
}

function nameCell(line: ReportLine, manyFiles: boolean): string {
  return manyFiles ? `${line.name} (${line.file})` : line.name
}

/** How much a line changes the total, whatever its sign; unknown changes last. */
function magnitude(line: ReportLine): number {
  return line.delta === undefined ? -1 : Math.abs(line.delta)
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
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
  const sorted = [...groups.values()].sort((a, b) => b.total - a.total || compareText(a.name, b.name))
  return ungrouped ? [...sorted, ungrouped] : sorted
}

function subtotalCells(name: string, lines: ReportLine[], grand: Micro | undefined): string[] {
  const priced = lines.every((line) => line.total !== undefined)
  const total = lines.reduce((sum, line) => sum + (line.total ?? 0), 0)
  const cells = [
    `${name}: ${counted(lines.length, 'generation')}`,
    '',
    '',
    '',
    '',
    priced ? formatGrouped(total, 'up') : `≥ ${formatGrouped(total, 'up')}`,
  ]
  if (grand !== undefined) cells.push(priced ? shareText(total, grand) : DASH)
  return cells
}

/** "… 12 more generations (3,400 CU)", with how many of them are not priced. */
function moreText(hidden: ReportLine[]): string {
  const cu = hidden.reduce((sum, line) => sum + (line.total ?? 0), 0)
  const unpriced = hidden.filter((line) => line.total === undefined).length
  const extra = unpriced > 0 ? `, ${formatCount(unpriced)} not priced` : ''
  return `… ${counted(hidden.length, 'more generation')} (${formatGrouped(cu, 'up')} CU${extra})`
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
