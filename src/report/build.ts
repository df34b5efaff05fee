import type { LayerError } from '../layer/errors.js'
import type { Micro } from '../money.js'
import { formatPosition, type Position, type Problem } from '../problem.js'
import { runFailure } from './run-failure.js'
import type { BaseSide, Generation, Policy, PricedGeneration, Pricing, Report, ReportLine, ReportLinks, Verdict } from '../types.js'
import type { Vocabulary } from '../vocabulary.js'

/** Everything a report is built from: the priced plan, the verdict and the run's context. */
export interface BuildReportInput {
  pricing: Pricing
  policy: Policy
  verdict: Verdict
  /** Show the change against the base: the pipeline decided that the base generations of the plan
   * (possibly none: the manifest is new) were all priced and are compared with the head ones. */
  diff: boolean
  /** Why there is no diff though one was asked for (e.g. the base manifest is invalid). */
  baseNote?: string
  balanceAt: string
  commit?: string
  runUrl?: string
  /** Where the comment links each changed generation (pull requests only). */
  links?: ReportLinks
  /** The audience's words in the run's failure and the headline (absent: the action's). */
  words?: Vocabulary
}

/**
 * The report of a run, built once from the priced lines and rendered everywhere. Head lines come
 * most expensive first (ties by name), unpriced ones last; on a diff, removed base generations
 * follow.
 */
export function buildReport(input: BuildReportInput): Report {
  const { pricing, verdict } = input
  const head = pricing.lines.slice(0, pricing.plan.headCount).map((priced) => ({ priced, line: lineOf(priced) }))

  let delta: Micro | undefined
  let removed: ReportLine[] = []
  if (input.diff) ({ removed, delta } = diff(pricing, head))

  const lines = head.map((entry) => entry.line).sort(byCost)
  removed.sort(byCost)
  // A failure of the whole run is said once; the generations it left unpriced are not listed one by one.
  const run = runFailure(pricing, input.words)
  const failures = [...(run !== undefined ? [run] : unpricedSentences(pricing)), ...(verdict.status === 'error' ? verdict.reasons : [])]

  return {
    workspaceId: pricing.plan.workspaceId,
    verdict,
    policy: input.policy,
    lines: [...lines, ...removed],
    entries: pricing.plan.headCount,
    requests: pricing.requests,
    failures,
    ...(run !== undefined ? { runFailure: run } : {}),
    ...(pricing.simulated ? { simulated: true as const } : {}),
    ...(delta !== undefined ? { delta } : {}),
    ...(input.baseNote !== undefined ? { baseNote: input.baseNote } : {}),
    balanceAt: input.balanceAt,
    ...(input.commit !== undefined ? { commit: input.commit } : {}),
    ...(input.runUrl !== undefined ? { runUrl: input.runUrl } : {}),
    ...(input.links !== undefined ? { links: input.links } : {}),
    ...(input.words !== undefined ? { words: input.words } : {}),
  }
}

/**
 * Located annotations for the head generations that could not be priced: a 422's field errors
 * point at the line and column where that field is written (in the generation or in `defaults`),
 * other failures at the generation. Requests aborted after an auth failure get none, and so does a
 * failure of the whole run (run-failure.ts): it is the run's one error, not a problem of these lines.
 */
export function unpricedProblems(pricing: Pricing): Problem[] {
  const problems: Problem[] = []
  if (runFailure(pricing) !== undefined) return problems
  for (const { generation, error } of pricing.lines.slice(0, pricing.plan.headCount)) {
    if (!error || error.kind === 'aborted') continue
    for (const located of locate(generation, error)) {
      problems.push({ ...located.position, title: titleOf(error), message: `${generation.name}: ${located.text}` })
    }
  }
  return problems
}

/** Why no diff can be shown when a base generation could not be priced, or undefined. */
export function unpricedBaseNote(pricing: Pricing): string | undefined {
  const failed = pricing.lines.slice(pricing.plan.headCount).filter((line) => line.error !== undefined)
  const [first] = failed
  if (first === undefined) return undefined
  // The run's own error already says why: the note does not repeat it.
  if (runFailure(pricing) !== undefined) return 'The base could not be priced either, so no change against base is shown.'
  const others = failed.length > 1 ? ` and ${failed.length - 1} more` : ''
  return `The base could not be priced (${first.generation.name}: ${first.error!.message}${others}), so no change against base is shown.`
}

function lineOf({ generation, unit, total, error }: PricedGeneration): ReportLine {
  const batchSize = batchSizeOf(generation)
  return {
    name: generation.name,
    file: generation.file,
    line: generation.line,
    modelId: generation.modelId,
    modelLabel: generation.modelLabel,
    runs: generation.runs,
    ...(generation.group !== undefined ? { group: generation.group } : {}),
    ...(batchSize !== undefined ? { batchSize } : {}),
    ...(error !== undefined || unit === undefined || total === undefined ? { error: error?.message ?? '' } : { unit, total }),
  }
}

/** The `batch_size` sent to Layer, or undefined when the generation leaves it out (Layer's default of 4 applies). */
function batchSizeOf(generation: Generation): number | undefined {
  const value = generation.body['batch_size']
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined
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

/** A head generation's priced line and its report line. */
interface HeadEntry {
  priced: PricedGeneration
  line: ReportLine
}

/**
 * Marks each head line added / changed / unchanged against the base generation with the same
 * file and name, and returns the removed base generations' lines and the total delta (undefined
 * when a head generation is unpriced: the total is unknown). Every base generation is priced here:
 * the pipeline gives up the diff when one is not.
 */
function diff(pricing: Pricing, head: HeadEntry[]): { removed: ReportLine[]; delta: Micro | undefined } {
  const { plan, lines } = pricing
  const baseByIdentity = new Map<string, PricedGeneration>()
  for (const priced of lines.slice(plan.headCount)) baseByIdentity.set(identity(priced.generation), priced)

  let headSum: Micro | undefined = 0
  let baseSum: Micro = 0
  for (const { priced, line } of head) {
    const { total, generation } = priced
    headSum = headSum === undefined || total === undefined ? undefined : headSum + total
    const base = baseByIdentity.get(identity(generation))
    if (base === undefined) {
      line.change = 'added'
      if (total !== undefined) line.delta = total
      continue
    }
    baseByIdentity.delete(identity(generation))
    const baseTotal = base.total ?? 0
    baseSum += baseTotal
    const same = priced.request === base.request && generation.runs === base.generation.runs && (total === undefined || total === baseTotal)
    line.change = same ? 'unchanged' : 'changed'
    if (total !== undefined) line.delta = total - baseTotal
    if (!same) line.base = baseSideOf(base)
  }

  const removed: ReportLine[] = []
  for (const base of baseByIdentity.values()) {
    const line: ReportLine = { ...lineOf(base), change: 'removed' }
    if (line.total !== undefined) {
      line.delta = -line.total
      baseSum += line.total
    }
    removed.push(line)
  }
  return { removed, delta: headSum === undefined ? undefined : headSum - baseSum }
}

function baseSideOf(base: PricedGeneration): BaseSide {
  const { generation, unit, total } = base
  const batchSize = batchSizeOf(generation)
  return {
    runs: generation.runs,
    line: generation.line,
    modelLabel: generation.modelLabel,
    ...(batchSize !== undefined ? { batchSize } : {}),
    ...(unit !== undefined && total !== undefined ? { unit, total } : {}),
  }
}

function identity(generation: Generation): string {
  return `${generation.file}\u0000${generation.name}`
}

/** One sentence per generation that could not be priced, each naming the generation and its line. */
function unpricedSentences(pricing: Pricing): string[] {
  const sentences: string[] = []
  let aborted = 0
  let stoppedByAuth = false
  for (const { generation, error } of pricing.lines.slice(0, pricing.plan.headCount)) {
    if (!error) continue
    if (error.kind === 'aborted') {
      aborted += 1
      continue
    }
    if (error.kind === 'auth') stoppedByAuth = true
    for (const located of locate(generation, error)) {
      sentences.push(
        `${generation.name} (${formatPosition({ file: located.position.file, line: located.position.line })}): ${located.text}`,
      )
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
