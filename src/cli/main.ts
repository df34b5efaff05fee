/**
 * The CLI (SPEC section 7): the action's engine in a terminal. The command line (cli/args.ts) ->
 * the manifests -> `--check` (cli/check.ts), or the pricing, with `--base` read from git
 * (cli/git.ts) -> the report on stdout as a table, JSON or the pull-request comment; problems on
 * stderr with the line and a caret (cli/source.ts). Every exit prints its JSON with --format json.
 */
import { tmpdir } from 'node:os'
import { parseConfig, policyOf, type Config } from '../config.js'
import { describeError, GateError } from '../errors.js'
import { createLayerClient } from '../layer/from-config.js'
import { describePause } from '../layer/pace.js'
import { createRedactor, redactedJson, type Redactor } from '../secrets.js'
import { loadManifests } from '../manifest/load.js'
import { readManifestFile, type ManifestSource } from '../manifest/files.js'
import { priceManifests } from '../pipeline.js'
import { toJsonReport, toStopReport } from '../report/json.js'
import { renderComment, renderStopComment } from '../report/markdown.js'
import { painter, progressReporter, renderTerminal, type Paint } from '../report/terminal.js'
import { statusLine } from '../report/rows.js'
import { VERSION } from '../version.js'
import type { Report, StopNotice } from '../types.js'
import { CLI_WORDS } from '../vocabulary.js'
import type { Problem } from '../problem.js'
import { parseCommandLine, requestedFormat, USAGE, UsageError, type Command, type Format } from './args.js'
import { checkLine, checkManifests, toJsonCheck } from './check.js'
import type { loadManifestsAtRef } from './git.js'
import { formatSourceProblem, terminalSafe } from './source.js'

/** Exit codes of the CLI (SPEC section 7). */
export const EXIT = { within: 0, over: 1, error: 2 } as const

/** Where the CLI writes; injectable so tests can run it in-process. */
export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean }
  stderr: NodeJS.WritableStream & { isTTY?: boolean }
  env: NodeJS.ProcessEnv
  cwd: string
}

/** The token --check passes to parseConfig, which requires one: it validates the other flags, and no client is built. */
const NO_TOKEN = 'not-used-by-check'

/** Run the CLI with `argv` (without node and the script); resolves to the exit code. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  let format: Format = requestedFormat(argv)
  const redact = createRedactor([io.env.LAYER_API_TOKEN?.trim()])
  try {
    const command = parseCommandLine(argv)
    format = command.format
    if (command.help) {
      io.stdout.write(`${USAGE}\n`)
      return EXIT.within
    }
    if (command.version) {
      io.stdout.write(`${VERSION}\n`)
      return EXIT.within
    }
    return command.check ? await check(command, io) : await price(command, io, redact)
  } catch (error) {
    await stop(error, io, format, redact)
    return EXIT.error
  }
}

/** How the CLI names where the manifests came from in "no manifest found" (the path given, or the default). */
function manifestSource(command: Command): ManifestSource {
  return command.manifests.length > 0
    ? { origin: 'named on the command line, relative to the current directory', fix: 'fix the path' }
    : { origin: 'the default', fix: 'name your manifests (paths or globs) on the command line' }
}

/** The settings from the flags, validated by the action's own parser, in the CLI's words. */
function configOf(command: Command, token: string): Config {
  const flags = command.inputs as Record<string, string | undefined>
  return parseConfig(
    (name) => (name === 'layer-token' ? token : name === 'manifest' ? command.manifests.join('\n') : (flags[name] ?? '')),
    { tempDir: tmpdir(), nameOf: (name) => `--${name}` },
  )
}

/** `--check`: the manifests validated offline; exit 0 valid, 2 invalid. LAYER_API_TOKEN is never read. */
async function check(command: Command, io: CliIO): Promise<number> {
  const config = configOf(command, NO_TOKEN)
  const manifests = await loadManifests(io.cwd, config.manifestPatterns, manifestSource(command), CLI_WORDS)
  const result = checkManifests(manifests, config.workspaceId, config.maxRequests)
  io.stdout.write(command.format === 'json' ? `${JSON.stringify(toJsonCheck(result), null, 2)}\n` : `${checkLine(result)}\n`)
  return EXIT.within
}

/** The priced run: head (and with --base the ref's manifests) -> Layer -> the report in the asked format. */
async function price(command: Command, io: CliIO, redact: Redactor): Promise<number> {
  const token = io.env.LAYER_API_TOKEN?.trim()
  if (!token) {
    throw new UsageError(
      'LAYER_API_TOKEN is not set: export LAYER_API_TOKEN=<a Personal Access Token from app.layer.ai → Settings → Personal Access Tokens>, or validate without it with --check',
    )
  }
  const config = configOf(command, token)
  const head = await loadManifests(io.cwd, config.manifestPatterns, manifestSource(command), CLI_WORDS)
  const compared = command.base === undefined ? undefined : await baseFromGit(io, command.base, config.manifestPatterns)
  if (compared?.baseNote !== undefined) io.stderr.write(`layer-budget-gate: ${terminalSafe(redact(compared.baseNote))}\n`)
  const client = createLayerClient(config, {
    redact,
    onRetry: ({ attempt, delayMs, reason }) =>
      io.stderr.write(`layer-budget-gate: ${terminalSafe(reason)}; retry ${attempt} in ${Math.round(delayMs)} ms\n`),
    onPause: (pause) => io.stderr.write(`layer-budget-gate: ${describePause(pause)}\n`),
    words: CLI_WORDS,
  })
  const progress = progressReporter(io.stderr)
  let result
  try {
    result = await priceManifests({
      workspaceId: config.workspaceId,
      head,
      // No manifest at the ref is an empty base (everything added); an invalid one, a note and no change.
      ...(compared !== undefined ? { base: compared.base, baseNote: compared.baseNote } : {}),
      policy: policyOf(config),
      concurrency: config.concurrency,
      maxRequests: config.maxRequests,
      estimator: client,
      onProgress: progress.update,
      words: CLI_WORDS,
    })
  } finally {
    progress.done()
    await client.close()
  }
  const { report, problems } = result
  await printProblems(problems, io, redact)
  // On stderr too, so the warning is seen with --format json and in a pre-commit hook's log.
  if (report.verdict.status === 'warn') io.stderr.write(`layer-budget-gate: warning: ${statusLine(report)}\n`)
  // A failure of the whole run has no line to point at: it is said once, as the run's error.
  if (report.runFailure !== undefined) io.stderr.write(`layer-budget-gate: ${terminalSafe(report.runFailure)}\n`)
  if (command.format === 'json') io.stdout.write(`${redactedJson(toJsonReport(report), redact)}\n`)
  else if (command.format === 'markdown') io.stdout.write(`${redact(renderComment(asTheActionWrites(report), {}))}\n`)
  else
    io.stdout.write(redact(renderTerminal(report, painter(io.stdout, io.env)) + reasonsText(report.verdict.reasons, report.verdict.status)))
  if (report.verdict.status === 'error') return EXIT.error
  return report.verdict.passes ? EXIT.within : EXIT.over
}

/** Which rule decided an over (or warn) verdict, and by how much: the lines the comment lists under its headline. */
function reasonsText(reasons: readonly string[], status: string): string {
  if (reasons.length === 0 || (status !== 'over' && status !== 'warn')) return ''
  return `\nWhy:\n${reasons.map((reason) => `  - ${terminalSafe(reason)}`).join('\n')}\n`
}

/**
 * A run that stopped before it could price: the problems (with their lines) and the reason on
 * stderr, each said once; stdout gets the stop report with --format json, the pull request's stop
 * comment with --format markdown.
 */
async function stop(error: unknown, io: CliIO, format: Format, redact: Redactor): Promise<void> {
  const known = error instanceof GateError || error instanceof UsageError
  const message = redact(known ? error.message : `unexpected error: ${describeError(error)}`)
  const problems = error instanceof GateError ? error.problems : []
  const notice: StopNotice = { message, problems }
  if (format === 'json') io.stdout.write(`${redactedJson(toStopReport(notice, undefined), redact)}\n`)
  if (format === 'markdown') io.stdout.write(`${redact(renderStopComment(notice))}\n`)
  await printProblems(problems, io, redact)
  // A lone problem's message is often the whole error's: said once.
  if (!problems.some((problem) => problem.message === message)) io.stderr.write(`layer-budget-gate: ${terminalSafe(message)}\n`)
}

/** Each problem as compilers print it, with its line and a caret when the file can be read again. */
async function printProblems(problems: readonly Problem[], io: CliIO, redact: Redactor): Promise<void> {
  const paint: Paint = painter(io.stderr, io.env)
  const texts = new Map<string, string | undefined>()
  for (const problem of problems) {
    if (!texts.has(problem.file)) texts.set(problem.file, await readManifestFile(io.cwd, problem.file).catch(() => undefined))
    io.stderr.write(`${redact(formatSourceProblem(problem, texts.get(problem.file), paint))}\n`)
  }
}

/** The report as the action would render it: its headline names the rules as inputs (max-total), not flags, so the preview is the comment. */
function asTheActionWrites(report: Report): Report {
  const { words, ...rest } = report
  void words
  return rest
}

/**
 * The base manifests of `--base`, read from git. cli/git.ts (with the glob library) is evaluated only
 * then; "eager": it stays inside the CLI's one file, which is all the npm package ships.
 */
async function baseFromGit(io: CliIO, base: string, patterns: readonly string[]): ReturnType<typeof loadManifestsAtRef> {
  const { loadManifestsAtRef } = await import(/* webpackMode: "eager" */ './git.js')
  return loadManifestsAtRef(io.cwd, io.env, base, patterns)
}
