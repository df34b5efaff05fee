/**
 * The report for a terminal: the CLI's tables as aligned text, problems the way compilers print
 * them, colour only where it is wanted, and progress on stderr for long runs.
 */
import { shorten } from './fit.js'
import { figures, otherBreaches } from './headline.js'
import {
  breakdownTable,
  changedTable,
  defaultBatchNote,
  groupTable,
  nothingChanged,
  nothingPlanned,
  SIMULATED_NOTE,
  statusLine,
  type Table,
} from './rows.js'
import { formatPosition, type Problem } from '../problem.js'
import type { Report } from '../types.js'

/** A stream the CLI writes to; `isTTY` says whether a person is watching it. */
export type TerminalStream = NodeJS.WritableStream & { isTTY?: boolean }

/** Wraps text in an SGR colour code (e.g. "1;32"), or leaves it as it is when colour is off. */
export type Paint = (code: string, text: string) => string

/** Longest cell shown in a text table, in code points. */
const MAX_CELL = 60

/** The painter for `stream`: colour only on a TTY, and never with a non-empty NO_COLOR. */
export function painter(stream: TerminalStream, env: NodeJS.ProcessEnv): Paint {
  // https://no-color.org: any non-empty NO_COLOR turns colour off; an empty one does not.
  const color = Boolean(stream.isTTY) && !env.NO_COLOR
  return (code, text) => (color ? `\u001b[${code}m${text}\u001b[0m` : text)
}

/**
 * The report as aligned text tables for a terminal: the same sections as the job summary, but for
 * the run's failure (`report.runFailure`), which the caller says once as its error.
 */
export function renderTerminal(report: Report, paint: Paint): string {
  const status = statusLine(report)
  const code = report.verdict.status === 'within' ? '32' : report.verdict.status === 'over' ? '31' : '33'
  const parts = [paint(`1;${code}`, status), ...(report.simulated ? [paint('1;33', SIMULATED_NOTE)] : [])]
  for (const line of [figures(report), otherBreaches(report)]) if (line !== undefined) parts.push(line)
  const changed = changedTable(report)
  if (changed !== undefined) parts.push('', 'Changed:', textTable(changed))
  const unchanged = nothingChanged(report)
  if (unchanged !== undefined) parts.push('', unchanged)
  const groups = groupTable(report)
  if (groups !== undefined) parts.push('', 'By group:', textTable(groups))
  const nothing = nothingPlanned(report)
  if (nothing !== undefined) parts.push('', nothing)
  if (report.entries > 0) {
    parts.push('', textTable(breakdownTable(report)))
    const batch = defaultBatchNote(report)
    if (batch !== undefined) parts.push(batch)
  }
  // A failure of the whole run is the CLI's error, said once on stderr (cli/main.ts): not again here.
  const failures = report.failures.filter((failure) => failure !== report.runFailure)
  if (failures.length) parts.push('', 'Could not price:', ...failures.map((f) => `  - ${f}`))
  return `${parts.join('\n')}\n`
}

/** A table as space-aligned text columns; long cells are shortened with an ellipsis. */
export function textTable(table: Table): string {
  // eslint-disable-next-line no-control-regex -- control characters from a manifest must not move the terminal's cursor
  const clean = (cell: string) => shorten(cell.replace(/[\u0000-\u001f\u007f]/g, ' '), MAX_CELL)
  const rows = [table.header, ...table.rows.map((row) => row.cells)].map((row) => row.map(clean))
  const widths = table.header.map((_, i) => Math.max(...rows.map((row) => [...(row[i] ?? '')].length)))
  const line = (row: string[]) =>
    row
      .map((cell, i) => {
        const pad = ' '.repeat(Math.max(0, widths[i]! - [...cell].length))
        return table.align[i] === 'right' ? pad + cell : cell + pad
      })
      .join('  ')
      .trimEnd()
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n')
}

/** A problem as compilers print them: `file:line:col: error: message`. */
export function formatProblem(problem: Problem): string {
  return `${formatPosition(problem)}: error: ${problem.message}`
}

/** Progress on stderr, only once a run has taken more than a moment. */
export function progressReporter(stderr: TerminalStream): { update: (done: number, total: number) => void; done: () => void } {
  const started = Date.now()
  let last = 0
  let shown = false
  return {
    update: (done: number, total: number) => {
      const now = Date.now()
      if (now - started < 1000 || (now - last < 250 && done < total)) return
      last = now
      shown = true
      const line = `pricing: ${done}/${total} estimate requests`
      stderr.write(stderr.isTTY ? `\r${line}` : `${line}\n`)
    },
    done: () => {
      if (shown && stderr.isTTY) stderr.write('\n')
    },
  }
}
