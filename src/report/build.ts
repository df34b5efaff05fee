import { LayerError } from '../layer/errors.js'
import { unitPrices } from '../budget.js'
import type { Micro } from '../money.js'
import { requestIndexByGeneration } from '../pricing/plan.js'
import type { Generation, Plan, Policy, Report, ReportLine, RequestOutcome, Verdict } from '../types.js'
import type { Position, Problem } from '../problem.js'

/** Everything a report is built from: the plan, Layer's answers, the verdict and the run's context. */
export interface BuildReportInput {
  plan: Plan
  outcomes: RequestOutcome[]
  policy: Policy
  verdict: Verdict
  /** A diff against the base was asked for (pull request with `compare-base`): the base generations
   * of the plan (possibly none: the manifest is new) are compared with the head ones. */
  compareBase: boolean
  /** Why there is no diff (e.g. the base manifest is invalid); when given, no diff is computed. */
  baseNote?: string
  balanceAt: string
  commit?: string
  runUrl?: string
}

/** A generation's price, or why it has none. */
type Price = { unit: Micro; total: Micro } | { error: LayerError }

/**
 * The report of a run, built once and rendered everywhere. Head lines come most expensive first
 * (ties by name), unpriced ones last; on a diff, removed base generations follow. `requests`
 * counts the estimate requests that were sent and answered or failed: requests aborted after an
 * authentication failure are not counted, even the few that were in flight at the time.
 */
export function buildReport(input: BuildReportInput): Report {
  const { plan, outcomes, verdict } = input
  const requestOf = requestIndexByGeneration(plan)
  const units = unitPrices(outcomes)
  const price = (g: number): Price => priceOf(plan, outcomes, units, requestOf, g)

  const head: HeadEntry[] = plan.generations.slice(0, plan.headCount).map((generation, index) => {
    const p = price(index)
    return { index, generation, price: p, line: lineOf(generation, p) }
  })

  let baseNote = input.baseNote
  let delta: Micro | undefined
  let removed: ReportLine[] = []
  if (input.compareBase && baseNote === undefined) {
    baseNote = firstBaseFailure(plan, outcomes, requestOf)
    if (baseNote === undefined) ({ removed, delta } = diff(plan, requestOf, head, price))
  }

  const lines = head.map((entry) => entry.line).sort(byCost)
  removed.sort(byCost)
  const failures = failureSentences(plan, outcomes, requestOf)

  return {
    workspaceId: plan.workspaceId,
    verdict,
    policy: input.policy,
    lines: [...lines, ...removed],
    entries: plan.headCount,
    requests: outcomes.filter((o) => o.ok || o.error.kind !== 'aborted').length,
    failures,
    ...(delta !== undefined ? { delta } : {}),
    ...(baseNote !== undefined ? { baseNote } : {}),
    balanceAt: input.balanceAt,
    ...(input.commit !== undefined ? { commit: input.commit } : {}),
    ...(input.runUrl !== undefined ? { runUrl: input.runUrl } : {}),
  }
}

/**
 * Located annotations for the head generations that could not be priced: a 422's field errors
 * point at the line and column where that field is written (in the generation or in `defaults`),
 * other failures at the generation. Requests aborted after an auth failure get none.
 */
export function failureProblems(plan: Plan, outcomes: RequestOutcome[]): Problem[] {
  const requestOf = requestIndexByGeneration(plan)
  const problems: Problem[] = []
  for (let g = 0; g < plan.headCount; g++) {
    const generation = plan.generations[g]
    const outcome = outcomes[requestOf[g] ?? -1]
    if (!generation || outcome?.ok) continue
    const error = outcome?.error ?? missingOutcome()
    if (error.kind === 'aborted') continue
    for (const located of locate(generation, error)) {
      problems.push({
        ...located.position,
        title: titleOf(error),
        message: `${generation.name}: ${located.text}`,
      })
    }
  }
  return problems
}

function priceOf(plan: Plan, outcomes: RequestOutcome[], units: (Micro | undefined)[], requestOf: number[], g: number): Price {
  const generation = plan.generations[g]
  const request = requestOf[g] ?? -1
  const outcome = outcomes[request]
  if (!generation || !outcome) return { error: missingOutcome() }
  if (!outcome.ok) return { error: outcome.error }
  const unit = units[request]!
  return { unit, total: unit * generation.runs }
}

function missingOutcome(): LayerError {
  // Only reachable when the outcomes do not match the plan: a bug, reported rather than priced as 0.
  return new LayerError('malformed', 'no estimate answer was recorded for this generation')
}

function lineOf(generation: Generation, price: Price): ReportLine {
  return {
    name: generation.name,
    file: generation.file,
    line: generation.line,
    modelId: generation.modelId,
    modelLabel: generation.modelLabel,
    runs: generation.runs,
    ...(generation.group !== undefined ? { group: generation.group } : {}),
    ...('error' in price ? { error: price.error.message } : { unit: price.unit, total: price.total }),
  }
}

/** Most expensive first, then by name, file and line; unpriced lines last. */
function byCost(a: ReportLine, b: ReportLine): number {
  if (a.total !== undefined && b.total !== undefined && a.total !== b.total) return b.total - a.total
  if ((a.total === undefined) !== (b.total === undefined)) return a.total === undefined ? 1 : -1
  return compareText(a.name, b.name) || compareText(a.file, b.file) || a.line - b.line
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Why no diff can be shown when a base generation could not be priced, or undefined. */
function firstBaseFailure(plan: Plan, outcomes: RequestOutcome[], requestOf: number[]): string | undefined {
  const failed: string[] = []
  let first: string | undefined
  for (let g = plan.headCount; g < plan.generations.length; g++) {
    const generation = plan.generations[g]
    const outcome = outcomes[requestOf[g] ?? -1]
    if (!generation || outcome?.ok) continue
    failed.push(generation.name)
    first ??= `${generation.name}: ${(outcome?.error ?? missingOutcome()).message}`
  }
  if (first === undefined) return undefined
  const others = failed.length > 1 ? ` and ${failed.length - 1} more` : ''
  return `The base could not be priced (${first}${others}), so no change against base is shown.`
}

/** A head generation with its index in the plan, its price and its report line. */
interface HeadEntry {
  index: number
  generation: Generation
  price: Price
  line: ReportLine
}

/**
 * Marks each head line added / changed / unchanged against the base generation with the same
 * file and name, and returns the removed base generations' lines and the total delta (undefined
 * when a head generation is unpriced: the total is unknown). Every base generation is priced here:
 * the caller gives up the diff when one is not.
 */
function diff(
  plan: Plan,
  requestOf: number[],
  head: HeadEntry[],
  price: (g: number) => Price,
): { removed: ReportLine[]; delta: Micro | undefined } {
  const baseByIdentity = new Map<string, number>()
  for (let g = plan.headCount; g < plan.generations.length; g++) {
    const generation = plan.generations[g]
    if (generation) baseByIdentity.set(identity(generation), g)
  }
  const keyOf = (g: number): string | undefined => plan.requests[requestOf[g] ?? -1]?.key
  const totalOf = (p: Price): Micro | undefined => ('error' in p ? undefined : p.total)

  let headSum: Micro | undefined = 0
  let baseSum: Micro = 0
  for (const { index, generation, price: headPrice, line } of head) {
    const total = totalOf(headPrice)
    headSum = headSum === undefined || total === undefined ? undefined : headSum + total
    const b = baseByIdentity.get(identity(generation))
    if (b === undefined) {
      line.change = 'added'
      if (total !== undefined) line.delta = total
      continue
    }
    baseByIdentity.delete(identity(generation))
    const baseTotal = totalOf(price(b)) ?? 0
    baseSum += baseTotal
    const same =
      keyOf(index) === keyOf(b) &&
      generation.runs === plan.generations[b]?.runs &&
      (total === undefined || total === baseTotal)
    line.change = same ? 'unchanged' : 'changed'
    if (total !== undefined) line.delta = total - baseTotal
  }

  const removed: ReportLine[] = []
  for (const b of baseByIdentity.values()) {
    const generation = plan.generations[b]
    if (!generation) continue
    const line: ReportLine = { ...lineOf(generation, price(b)), change: 'removed' }
    if (line.total !== undefined) {
      line.delta = -line.total
      baseSum += line.total
    }
    removed.push(line)
  }
  return { removed, delta: headSum === undefined ? undefined : headSum - baseSum }
}

function identity(generation: Generation): string {
  return `${generation.file}\u0000${generation.name}`
}

/** One sentence per problem that made the verdict 'error', each naming the generation and its line. */
function failureSentences(plan: Plan, outcomes: RequestOutcome[], requestOf: number[]): string[] {
  const sentences: string[] = []
  let aborted = 0
  let stoppedByAuth = false
  for (let g = 0; g < plan.headCount; g++) {
    const generation = plan.generations[g]
    const outcome = outcomes[requestOf[g] ?? -1]
    if (!generation || outcome?.ok) continue
    const error = outcome?.error ?? missingOutcome()
    if (error.kind === 'aborted') {
      aborted += 1
      continue
    }
    if (error.kind === 'auth') stoppedByAuth = true
    for (const located of locate(generation, error)) {
      sentences.push(`${generation.name} (${located.position.file}:${located.position.line}): ${located.text}`)
    }
  }
  if (aborted > 0) {
    const count = aborted === 1 ? '1 generation was' : `${aborted} generations were`
    sentences.push(
      stoppedByAuth
        ? `${count} not priced: the run stopped at the authentication error above.`
        : `${count} not priced: the run was cancelled.`,
    )
  }
  return sentences
}

/** The failure of one generation as located texts: one per 422 field error, else one at the generation. */
function locate(generation: Generation, error: LayerError): { position: Position; text: string }[] {
  const at: Position = { file: generation.file, line: generation.line, col: generation.col }
  const fieldErrors = error.fieldErrors.filter((fe) => fe.loc[0] === 'body' && fe.loc.length > 1)
  if (fieldErrors.length === 0) return [{ position: at, text: error.message }]
  return fieldErrors.map((fe) => {
    const field = String(fe.loc[1])
    const position = generation.fieldPositions[field] ?? at
    return { position, text: `Layer rejected ${fieldPath(fe.loc.slice(1))}: ${fe.msg}` }
  })
}

/** ["video_effects", 0, "type"] -> "video_effects[0].type". */
function fieldPath(loc: (string | number)[]): string {
  return loc.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('')
}

function titleOf(error: LayerError): string {
  switch (error.kind) {
    case 'validation':
      return 'Layer rejected the generation'
    case 'auth':
      return 'Layer refused the token'
    case 'not-found':
      return 'Not found at Layer'
    default:
      return 'Could not price the generation'
  }
}
