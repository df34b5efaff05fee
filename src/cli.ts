import { parseArgs } from 'node:util'
import { tmpdir } from 'node:os'
import { parseConfig, policyOf } from './config.js'
import { describeError, GateError } from './errors.js'
import { createLayerClient } from './layer/from-config.js'
import { describePause } from './layer/pace.js'
import { createRedactor, redactedJson } from './secrets.js'
import { loadManifests } from './manifest/load.js'
import { MissingManifestError } from './manifest/files.js'
import { priceManifests } from './pipeline.js'
import { toJsonReport, toStopReport } from './report/json.js'
import { formatProblem, painter, progressReporter, renderTerminal } from './report/terminal.js'
import { statusLine } from './report/rows.js'
import { VERSION } from './version.js'
import type { Report } from './types.js'
import type { Problem } from './problem.js'

/** Exit codes of the CLI (SPEC section 7). */
export const EXIT = { within: 0, over: 1, error: 2 } as const

const USAGE = `Usage: layer-budget-gate [options] [manifest ...]

Prices every generation of the manifests (paths or globs; default .layer/generations.yml) with
Layer's estimate endpoint and compares the total with the workspace balance.
The token comes from the environment variable LAYER_API_TOKEN, never from a flag.

Options (they mirror the action's inputs):
  --workspace-id UUID             Layer workspace (else the manifests' workspace_id)
  --api-url URL                   Layer API base URL (default https://api.app.layer.ai/api)
  --min-remaining-balance CU      CU that must stay in the workspace (default 0)
  --max-total CU                  cap on the total
  --fail-on-insufficient BOOL     false: report only, exit 0 when over budget (default true)
  --concurrency N                 estimate requests in flight (default 4)
  --max-retries N                 retries per request (default 4)
  --request-timeout-seconds N     timeout of one attempt (default 30)
  --max-requests N                refuse more distinct requests than this (default 2000)
  --warn-remaining-balance CU     warn (exit 0) when less than this would remain
  --max-wait-seconds N            longest total wait for Layer's rate limit (default 300)
  --json                          print the JSON report instead of the table
  -h, --help                      this help
  -v, --version                   the version

Exit codes: 0 within budget, 1 over budget, 2 could not price (bad usage, invalid manifest, Layer errors).`

const FLAGS = [
  'workspace-id',
  'api-url',
  'min-remaining-balance',
  'max-total',
  'fail-on-insufficient',
  'concurrency',
  'max-retries',
  'request-timeout-seconds',
  'max-requests',
  'warn-remaining-balance',
  'max-wait-seconds',
] as const

/** Where the CLI writes; injectable so tests can run it in-process. */
export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean }
  stderr: NodeJS.WritableStream & { isTTY?: boolean }
  env: NodeJS.ProcessEnv
  cwd: string
}

class UsageError extends Error {}

/** Run the CLI with `argv` (without node and the script); resolves to the exit code. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const paint = painter(io.stdout, io.env)
  try {
    const { values, positionals } = parseCommandLine(argv)
    if (values.help) {
      io.stdout.write(`${USAGE}\n`)
      return EXIT.within
    }
    if (values.version) {
      io.stdout.write(`${VERSION}\n`)
      return EXIT.within
    }
    const token = io.env.LAYER_API_TOKEN?.trim()
    if (!token) {
      throw new UsageError(
        'LAYER_API_TOKEN is not set: export LAYER_API_TOKEN=<a Personal Access Token from app.layer.ai → Settings → Personal Access Tokens>',
      )
    }
    const flags = values as Record<string, string | undefined>
    const config = parseConfig(
      (name) => (name === 'layer-token' ? token : name === 'manifest' ? positionals.join('\n') : (flags[name] ?? '')),
      { tempDir: tmpdir(), nameOf: (name) => `--${name}` },
    )
    const head = await loadManifests(io.cwd, config.manifestPatterns, {
      origin: 'the command line',
      fix: 'name your manifest (a path or a glob) on the command line',
    })
    const client = createLayerClient(config, {
      redact: createRedactor([config.layerToken]),
      onRetry: ({ attempt, delayMs, reason }) =>
        io.stderr.write(`layer-budget-gate: ${reason}; retry ${attempt} in ${Math.round(delayMs)} ms\n`),
      onPause: (pause) => io.stderr.write(`layer-budget-gate: ${describePause(pause)}\n`),
    })
    const progress = progressReporter(io.stderr)
    let report: Report
    let problems: Problem[]
    try {
      ;({ report, problems } = await priceManifests({
        workspaceId: config.workspaceId,
        head,
        policy: policyOf(config),
        concurrency: config.concurrency,
        maxRequests: config.maxRequests,
        estimator: client,
        onProgress: progress.update,
      }))
    } finally {
      progress.done()
      await client.close()
    }
    for (const problem of problems) io.stderr.write(`${formatProblem(problem)}\n`)
    // On stderr too, so the warning is seen with --json and in a pre-commit hook's log.
    if (report.verdict.status === 'warn') io.stderr.write(`layer-budget-gate: warning: ${statusLine(report)}\n`)
    // A failure of the whole run has no line to point at: it is said once, as the run's error.
    if (report.runFailure !== undefined) io.stderr.write(`layer-budget-gate: ${report.runFailure}\n`)
    if (values.json) io.stdout.write(`${JSON.stringify(toJsonReport(report), null, 2)}\n`)
    else io.stdout.write(renderTerminal(report, paint))
    if (report.verdict.status === 'error') return EXIT.error
    return report.verdict.passes ? EXIT.within : EXIT.over
  } catch (error) {
    const message = error instanceof GateError || error instanceof UsageError ? error.message : `unexpected error: ${describeError(error)}`
    // With --json, stdout is JSON on every exit (`> report.json` never leaves an empty file): the stop report.
    if (argv.includes('--json')) writeStopReport(io, error, message)
    if (error instanceof UsageError || error instanceof MissingManifestError) {
      io.stderr.write(`layer-budget-gate: ${error.message}\n\n${USAGE}\n`)
      return EXIT.error
    }
    if (error instanceof GateError) {
      for (const problem of error.problems) io.stderr.write(`${formatProblem(problem)}\n`)
    }
    io.stderr.write(`layer-budget-gate: ${message}\n`)
    return EXIT.error
  }
}

/** The JSON report of a run that stopped before pricing (status `error`, the problems), token cut out. */
function writeStopReport(io: CliIO, error: unknown, message: string): void {
  const problems = error instanceof GateError ? error.problems : []
  const redact = createRedactor([io.env.LAYER_API_TOKEN?.trim()])
  io.stdout.write(`${redactedJson(toStopReport({ message, problems }, undefined), redact)}\n`)
}

function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        ...Object.fromEntries(FLAGS.map((flag) => [flag, { type: 'string' as const }])),
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    })
  } catch (error) {
    // parseArgs says e.g. "Unknown option '--foo'. To specify a positional argument…": keep the first sentence.
    throw new UsageError(describeError(error).split('\n')[0]!.split('. ')[0]!)
  }
}
