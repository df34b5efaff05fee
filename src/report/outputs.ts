import { formatPlain } from '../money.js'
import type { Micro, Rounding } from '../money.js'
import type { Report } from '../types.js'

/** Where the run put its report and comment, for the outputs that are not in the report. */
export interface OutputExtras {
  reportPath: string
  commentUrl?: string
}

/**
 * The step outputs of SPEC section 5, exactly these keys. Amounts are plain decimals ("108.25");
 * an unknown amount is '' (never "0"): on error the total and remaining are unknown and
 * `sufficient` is "false", so a workflow testing `sufficient == 'true'` fails closed. `status` is
 * the verdict's: within, warn, over or error (a run stopped before pricing sets "error" itself).
 */
export function toOutputs(report: Report, extra: OutputExtras): Record<string, string> {
  const { verdict } = report
  const error = verdict.status === 'error'
  return {
    'total-creative-units': error ? '' : plain(verdict.total, 'up'),
    'balance-creative-units': plain(verdict.balance, 'down'),
    'remaining-creative-units': error ? '' : plain(verdict.remaining, 'down'),
    'delta-creative-units': plain(report.delta),
    sufficient: !error && verdict.sufficient === true ? 'true' : 'false',
    entries: String(report.entries),
    requests: String(report.requests),
    'report-path': extra.reportPath,
    'comment-url': extra.commentUrl ?? '',
    status: verdict.status,
    // SPEC section 8, on pull requests only (an audit's board is in its summary and JSON): unknown is '', never "0".
    'committed-creative-units': report.openPullRequests?.mode === 'board' ? '' : plain(report.openPullRequests?.committed, 'up'),
  }
}

function plain(micro: Micro | undefined, rounding: Rounding = 'nearest'): string {
  return micro === undefined ? '' : formatPlain(micro, rounding)
}
