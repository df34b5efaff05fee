/**
 * Which errors a step prints as GitHub annotations (pure). GitHub shows at most 10 error annotations
 * per step and drops the rest, so the line that fails the step (run-level: the verdict, or the one
 * reason the whole run failed) is always one of them, the located problems of generations fill the
 * others, and when some do not fit, the failing line says how many more the job summary lists.
 */
import { counted, statusLine } from './rows.js'
import type { Problem } from '../problem.js'
import type { Report } from '../types.js'

/** Error annotations GitHub shows per step. */
export const MAX_ERROR_ANNOTATIONS = 10

/** What a failed step prints: located annotations, then the one line that fails it. */
export interface StepErrors {
  /** Located problems, in the order given, duplicates dropped; at most `max - 1`. */
  annotations: Problem[]
  /** The line that fails the step, the last error annotation; it points to the job summary when problems were left out. */
  failure: string
}

/**
 * The at most `max` error annotations of a failed step: the located problems first (a generation's
 * own problem on its line) and `failure` last; with more problems than fit, `max - 1` are shown and
 * `failure` says how many more are in the job summary.
 */
export function stepErrors(failure: string, problems: readonly Problem[], max = MAX_ERROR_ANNOTATIONS): StepErrors {
  const seen = new Set<string>()
  const unique = problems.filter((p) => {
    const key = `${p.file}\u0000${p.line}\u0000${p.col}\u0000${p.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
  const room = Math.max(0, max - 1)
  const annotations = unique.slice(0, room)
  const hidden = unique.length - annotations.length
  const more = hidden > 0 ? ` (${counted(hidden, 'more problem')} not annotated here: the job summary lists every one)` : ''
  return { annotations, failure: `${failure}${more}` }
}

/**
 * The line that fails the step for a report, or undefined when the step passes. A failure of the
 * whole run is its reason, said once; otherwise the first failure, and how many more there are.
 */
export function reportFailure(report: Report): string | undefined {
  const headline = statusLine(report)
  if (report.verdict.status !== 'error') return report.verdict.passes ? undefined : headline
  if (report.runFailure !== undefined) return `${headline}. ${report.runFailure}`
  const [first, ...rest] = report.failures
  return `${headline}. ${first ?? ''}${rest.length ? ` (and ${rest.length} more: see the annotations and the job summary)` : ''}`
}
