/**
 * The CLI's command line: its flags, its usage text, and its usage errors, each said in one line
 * with what to do ("did you mean --min-remaining-balance?", "write --max-total=-5", "see --help").
 * Pure: argv in, a typed command (or a UsageError) out.
 */
import { parseArgs } from 'node:util'
import { describeError } from '../errors.js'
import { suggestName } from '../manifest/suggest.js'

/** What stdout gets: aligned tables, the JSON report, or the pull-request comment's Markdown. */
export const FORMATS = ['table', 'json', 'markdown'] as const
export type Format = (typeof FORMATS)[number]

/** A mistake in how the CLI was called: said in one line, ending with where to look. */
export class UsageError extends Error {
  override name = 'UsageError'
}

export const USAGE = `Usage: layer-budget-gate [options] [manifest ...]

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

The CLI's own:
  --check                         validate the manifests only: no token, no network (exit 0 or 2)
  --base GIT-REF                  also price the manifests at that git ref, and show the change
  --format table|json|markdown    table (default), the JSON report, or the pull-request comment
  --json                          the same as --format json
  -h, --help                      this help
  -v, --version                   the version

A value that starts with '-' is written with '=': --max-total=-5.
Exit codes: 0 within budget, 1 over budget, 2 could not price (bad usage, invalid manifest, Layer errors).`

/** The flags that mirror an action input of the same name (config.ts validates their values). */
export const INPUT_FLAGS = [
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

const VALUE_FLAGS: readonly string[] = [...INPUT_FLAGS, 'format', 'base']
const SWITCHES: readonly string[] = ['check', 'json', 'help', 'version']
const SHORT: Record<string, string> = { h: 'help', v: 'version' }

/** A parsed command line. */
export interface Command {
  /** The input-mirroring flags as given (absent ones left out). */
  inputs: Partial<Record<(typeof INPUT_FLAGS)[number], string>>
  /** Manifest paths or globs; empty: the default. */
  manifests: string[]
  format: Format
  check: boolean
  base?: string
  help: boolean
  version: boolean
}

const SEE_HELP = 'see --help'

/** Parses `argv` (without node and the script). Throws UsageError, in one line. */
export function parseCommandLine(argv: readonly string[]): Command {
  precheck(argv)
  let parsed
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        ...Object.fromEntries(VALUE_FLAGS.map((flag) => [flag, { type: 'string' as const }])),
        ...Object.fromEntries(SWITCHES.map((flag) => [flag, { type: 'boolean' as const }])),
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    })
  } catch (error) {
    // What precheck lets through (e.g. `-hx`): parseArgs's first sentence, with where to look.
    throw new UsageError(`${describeError(error).split('\n')[0]!.split('. ')[0]!}: ${SEE_HELP}`)
  }
  const values = parsed.values as Record<string, string | boolean | undefined>
  const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined)
  const format = formatOf(text('format'), values.json === true)
  const check = values.check === true
  const base = text('base')
  if (base !== undefined && base.trim() === '') throw new UsageError(`--base needs a git ref such as main or HEAD~1: ${SEE_HELP}`)
  if (check && base !== undefined) throw new UsageError(`--check prices nothing, so it has no --base: give one of them (${SEE_HELP})`)
  if (check && format === 'markdown') {
    throw new UsageError(`--check prices nothing, so there is no comment to print: use --format table or json with it (${SEE_HELP})`)
  }
  const inputs: Command['inputs'] = {}
  for (const flag of INPUT_FLAGS) {
    const value = text(flag)
    if (value !== undefined) inputs[flag] = value
  }
  return {
    inputs,
    manifests: parsed.positionals,
    format,
    check,
    ...(base !== undefined ? { base: base.trim() } : {}),
    help: values.help === true,
    version: values.version === true,
  }
}

function formatOf(format: string | undefined, json: boolean): Format {
  if (format === undefined) return json ? 'json' : 'table'
  if (!(FORMATS as readonly string[]).includes(format)) {
    const suggestion = suggestName(format, FORMATS)
    throw new UsageError(
      `--format must be table, json or markdown, got "${shown(format)}"${suggestion ? `: did you mean --format ${suggestion}?` : ''} (${SEE_HELP})`,
    )
  }
  if (json && format !== 'json')
    throw new UsageError(`--json is --format json, which contradicts --format ${format}: give one (${SEE_HELP})`)
  return format as Format
}

/**
 * The mistakes parseArgs words poorly, found first: an unknown flag (with the nearest known one),
 * a flag with no value, and a negative number taken for a flag (`--max-total -5`).
 */
function precheck(argv: readonly string[]): void {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--') return // everything after is a manifest
    if (!arg.startsWith('--')) continue
    const eq = arg.indexOf('=')
    const name = arg.slice(2, eq < 0 ? undefined : eq)
    if (VALUE_FLAGS.includes(name)) {
      if (eq >= 0) continue
      const next = argv[i + 1]
      if (next === undefined) throw new UsageError(`--${name} needs a value: ${SEE_HELP}`)
      if (/^-\d/.test(next) || /^-\.\d/.test(next)) {
        throw new UsageError(
          `--${name} ${shown(next)}: a value that starts with '-' is taken for an option; write --${name}=${shown(next)}`,
        )
      }
      if (next.startsWith('-') && next !== '-') throw new UsageError(`--${name} needs a value, but ${shown(next)} follows it: ${SEE_HELP}`)
      i++ // the value
      continue
    }
    if (SWITCHES.includes(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value: write --${name} alone (${SEE_HELP})`)
      continue
    }
    throw new UsageError(unknownFlag(name))
  }
}

function unknownFlag(name: string): string {
  const known = [...VALUE_FLAGS, ...SWITCHES]
  // A prefix names the flag it starts (`--min-remaining`); else the nearest by edit distance (`--concurency`).
  const prefixed = known.filter((flag) => name.length >= 3 && flag.startsWith(name))
  const suggestion = prefixed.length === 1 ? prefixed[0] : (suggestName(name, known) ?? SHORT[name])
  return `unknown option '--${shown(name)}'${suggestion ? `: did you mean --${suggestion}?` : ''} (${SEE_HELP})`
}

/** A piece of the command line as a message shows it: short, no control characters. */
function shown(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters from argv must not reach the terminal raw
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?')
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean
}

/** The format asked for, from a command line that may not parse: the stop report of a usage error honours it. */
export function requestedFormat(argv: readonly string[]): Format {
  let format: Format = 'table'
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--') break
    if (arg === '--json') format = 'json'
    const value = arg === '--format' ? argv[i + 1] : arg.startsWith('--format=') ? arg.slice('--format='.length) : undefined
    if (value !== undefined && (FORMATS as readonly string[]).includes(value)) format = value as Format
  }
  return format
}
