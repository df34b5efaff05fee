import * as core from '@actions/core'
import { join, resolve } from 'node:path'
import { ConfigError } from './errors.js'
import { createRedactor, type Redactor } from './secrets.js'
import { toMicro, type Micro, type Rounding } from './money.js'
import { OPEN_PULL_REQUEST_MODES, type OpenPullRequestMode } from './together.js'
import type { ApprovalPermission, Policy } from './types.js'

/** How the pull-request comment is written (SPEC section 4). */
export const COMMENT_MODES = ['update', 'new', 'delete-and-new', 'hide-and-new', 'off'] as const
export type CommentMode = (typeof COMMENT_MODES)[number]

/** When a pull request gets a new comment (SPEC section 4): `change`, only when it changes a generation; `always`. */
export const COMMENT_ON = ['change', 'always'] as const
export type CommentOn = (typeof COMMENT_ON)[number]

/** The least repository permission of a user whose approval lifts the policy limits (SPEC section 9). */
export const APPROVAL_PERMISSIONS = ['write', 'maintain', 'admin'] as const satisfies readonly ApprovalPermission[]

/** Every input of the action, validated and typed. Built once by readConfig(); nothing else reads inputs. */
export interface Config {
  /** Layer Personal Access Token or OAuth2 JWT; masked before anything else happens. */
  layerToken: string
  /** Workspace UUID from the input; else the manifests' `workspace_id`. */
  workspaceId?: string
  /** Paths or globs of manifests, relative to the workspace. */
  manifestPatterns: string[]
  /** Base URL of Layer's API, without a trailing slash. */
  apiUrl: string
  /** Token for comments and for reading manifests at other commits. */
  githubToken: string
  comment: CommentMode
  /** Tells apart several gates on one pull request. */
  commentKey: string
  /** false: advisory, the step passes whatever the verdict. */
  failOnInsufficient: boolean
  /** micro-CU that must stay in the workspace after the run. */
  minRemaining: Micro
  /** Optional cap on the total, micro-CU. */
  maxTotal?: Micro
  /** Estimate requests in flight at most. */
  concurrency: number
  /** Retries per request. */
  maxRetries: number
  /** Timeout of one attempt, in milliseconds. */
  requestTimeoutMs: number
  /** Price the PR's base manifests and show the change. */
  compareBase: boolean
  /** More distinct estimate requests than this fail the run; never more than this are sent (the base's are counted before any of them is). */
  maxRequests: number
  /** Where the JSON report is written (absolute). */
  reportPath: string
  /** `change`: a pull request that changes no generation gets no new comment (an existing one is kept current). */
  commentOn: CommentOn
  /** Optional warning level, micro-CU: within budget but below it is status `warn`. */
  warnRemaining?: Micro
  /** Longest total pause for Layer's rate limit over the run, in milliseconds (max-wait-seconds). */
  maxWaitMs: number
  /** The label that, with an approving review on the head commit, lifts the policy limits (SPEC 9); undefined: off. */
  approvalLabel?: string
  /** The least repository permission of such an approver. */
  approvalPermission: ApprovalPermission
  /** SPEC section 8: a pull request that fits alone but not with the other open ones `warn`s, `fail`s, or they are not read (`ignore`). */
  openPullRequests: OpenPullRequestMode
}

/** The action's inputs with their defaults, as in action.yml (used when an input is absent, e.g. in the CLI). */
export const INPUT_DEFAULTS: Record<string, string> = {
  'layer-token': '',
  'workspace-id': '',
  manifest: '.layer/generations.yml',
  'api-url': 'https://api.app.layer.ai/api',
  'github-token': '',
  comment: 'update',
  'comment-key': 'default',
  'fail-on-insufficient': 'true',
  'min-remaining-balance': '0',
  'max-total': '',
  concurrency: '4',
  'max-retries': '4',
  'request-timeout-seconds': '30',
  'compare-base': 'true',
  'max-requests': '2000',
  'report-path': '',
  'comment-on': 'change',
  'warn-remaining-balance': '',
  'max-wait-seconds': '300',
  'approval-label': '',
  'approval-permission': 'maintain',
  'open-pull-requests': 'warn',
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])

/** Hints that make an error actionable in context (e.g. a fork's pull request has no secrets). */
export interface ConfigContext {
  /** Where the default report path goes. */
  tempDir: string
  /** What a relative `report-path` is relative to (the workspace; default: the working directory). */
  baseDir?: string
  /** Said when `layer-token` is empty. */
  missingTokenHint?: string
  /** How a setting is named in messages: "input `concurrency`" in the action, "--concurrency" in the CLI. */
  nameOf?: (input: string) => string
}

/**
 * Parse raw input strings (absent inputs as '') into a Config, collecting every invalid value
 * into one ConfigError that names each input and the values it accepts. Pure.
 */
export function parseConfig(raw: (name: string) => string, context: ConfigContext): Config {
  const problems: string[] = []
  const label = context.nameOf ?? ((input: string) => `input \`${input}\``)
  const get = (name: string): string => {
    const value = raw(name).trim()
    return value === '' ? (INPUT_DEFAULTS[name] ?? '') : value
  }
  const integer = (name: string, min: number, max: number): number => {
    const text = get(name)
    const value = Number(text)
    if (!/^\d+$/.test(text) || value < min || value > max) {
      problems.push(`${label(name)} must be a whole number from ${min} to ${max}, got "${text}"`)
      return min
    }
    return value
  }
  const amount = (name: string, allowEmpty: boolean, rounding: Rounding): Micro | undefined => {
    const text = get(name)
    if (text === '' && allowEmpty) return undefined
    if (!/^\d+(\.\d+)?$/.test(text) || !Number.isFinite(Number(text))) {
      problems.push(
        `${label(name)} must be a number of Creative Units ≥ 0 such as 250 or 99.5${allowEmpty ? ', or empty' : ''}, got "${text}"`,
      )
      return undefined
    }
    return toMicro(Number(text), rounding)
  }
  const boolean = (name: string): boolean => {
    const text = get(name)
    if (text !== 'true' && text !== 'false') {
      problems.push(`${label(name)} must be true or false, got "${text}"`)
      return true
    }
    return text === 'true'
  }

  const layerToken = raw('layer-token').trim()
  if (!layerToken) {
    problems.push(
      `input \`layer-token\` is empty: pass a Layer Personal Access Token from a secret (layer-token: \${{ secrets.LAYER_API_TOKEN }})${context.missingTokenHint ? `. ${context.missingTokenHint}` : ''}`,
    )
  }
  // A line break would be a header-injection attempt or a pasting mistake, and undici's own refusal
  // reads like a network failure. The token is never echoed.
  for (const name of ['layer-token', 'github-token']) {
    if ([...raw(name).trim()].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f)) {
      problems.push(
        `${name === 'layer-token' ? 'the Layer token' : 'the GitHub token'} (${label(name)}) contains a line break or control character: paste the token again into its secret`,
      )
    }
  }

  const workspaceId = get('workspace-id') || undefined
  if (workspaceId && !UUID.test(workspaceId)) {
    problems.push(`${label('workspace-id')} must be a Layer workspace UUID like 6f1c2d9e-8b1a-4c53-9f0e-2a7d4b8c1e55, got "${workspaceId}"`)
  }

  const manifestPatterns = splitPatterns(get('manifest'))
  if (manifestPatterns.length === 0)
    problems.push(`${label('manifest')} names no file: give paths or globs, one per line or comma-separated`)

  const apiUrl = get('api-url').replace(/\/+$/, '')
  let url: URL | undefined
  try {
    url = new URL(apiUrl)
  } catch {
    problems.push(`${label('api-url')} must be an https URL such as https://api.app.layer.ai/api, got "${apiUrl}"`)
  }
  if (url && !(url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname)))) {
    problems.push(`${label('api-url')} must use https (plain http only to localhost, for a simulator), got "${apiUrl}"`)
  }
  if (url && (url.username || url.password || url.search || url.hash)) {
    problems.push(`${label('api-url')} must not carry credentials, a query or a fragment`)
  }

  const comment = get('comment') as CommentMode
  if (!COMMENT_MODES.includes(comment)) {
    problems.push(`${label('comment')} must be one of ${COMMENT_MODES.join(', ')}, got "${comment}"`)
  }
  const commentKey = get('comment-key')
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(commentKey)) {
    problems.push(`${label('comment-key')} must be 1 to 64 letters, digits, '.', '_' or '-', got "${commentKey}"`)
  }

  const failOnInsufficient = boolean('fail-on-insufficient')
  const compareBase = boolean('compare-base')
  // Rounded the strict way when given more than 6 decimals: the reserve up, the cap down.
  const minRemaining = amount('min-remaining-balance', false, 'up') ?? 0
  const maxTotal = amount('max-total', true, 'down')
  const concurrency = integer('concurrency', 1, 64)
  const maxRetries = integer('max-retries', 0, 10)
  const requestTimeoutSeconds = integer('request-timeout-seconds', 1, 600)
  const maxRequests = integer('max-requests', 1, 100000)
  const reportPath = reportPathOf(get('report-path'), context)
  const commentOn = get('comment-on') as CommentOn
  if (!COMMENT_ON.includes(commentOn)) {
    problems.push(
      `${label('comment-on')} must be change (a new comment only when the pull request changes a generation) or always, got "${commentOn}"`,
    )
  }
  // Rounded up like the reserve: a level given with more than 6 decimals warns, never less.
  const warnRemaining = amount('warn-remaining-balance', true, 'up')
  const maxWaitSeconds = integer('max-wait-seconds', 0, 3600)
  const approvalLabel = get('approval-label') || undefined
  // GitHub's own limit on a label's name; a control character could not be a label at all.
  if (
    approvalLabel !== undefined &&
    ([...approvalLabel].length > 50 || [...approvalLabel].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f))
  ) {
    problems.push(
      `${label('approval-label')} must be the name of a label of the repository (at most 50 characters, one line), got "${approvalLabel.slice(0, 60)}"`,
    )
  }
  const approvalPermission = get('approval-permission') as ApprovalPermission
  if (!APPROVAL_PERMISSIONS.includes(approvalPermission)) {
    problems.push(
      `${label('approval-permission')} must be the least repository permission of an approver: ${APPROVAL_PERMISSIONS.join(', ')}, got "${approvalPermission}"`,
    )
  }
  const openPullRequests = get('open-pull-requests') as OpenPullRequestMode
  if (!OPEN_PULL_REQUEST_MODES.includes(openPullRequests)) {
    problems.push(
      `${label('open-pull-requests')} must be warn (a pull request that fits alone but not with the other open ones passes with a warning), ` +
        `fail (it fails) or ignore (the other open pull requests are not read), got "${openPullRequests}"`,
    )
  }

  if (problems.length > 0) {
    const message = problems.length === 1 ? problems[0]! : `${problems.length} invalid settings: ${problems.join('; ')}`
    throw new ConfigError(message)
  }
  return {
    layerToken,
    workspaceId: workspaceId?.toLowerCase(),
    manifestPatterns,
    apiUrl,
    githubToken: raw('github-token').trim(),
    comment,
    commentKey,
    failOnInsufficient,
    minRemaining,
    maxTotal,
    concurrency,
    maxRetries,
    requestTimeoutMs: requestTimeoutSeconds * 1000,
    compareBase,
    maxRequests,
    reportPath,
    commentOn,
    ...(warnRemaining !== undefined ? { warnRemaining } : {}),
    maxWaitMs: maxWaitSeconds * 1000,
    ...(approvalLabel !== undefined ? { approvalLabel } : {}),
    approvalPermission,
    openPullRequests,
  }
}

/** The budget rules of SPEC section 3 from the settings, as the verdict takes them. */
export function policyOf(config: Config): Policy {
  return {
    minRemaining: config.minRemaining,
    maxTotal: config.maxTotal,
    failOnInsufficient: config.failOnInsufficient,
    ...(config.warnRemaining !== undefined ? { warnRemaining: config.warnRemaining } : {}),
  }
}

/**
 * Paths or globs, one per line or comma-separated; a comma inside braces belongs to the glob
 * (`.layer/{characters,props}.yml` is one pattern).
 */
export function splitPatterns(text: string): string[] {
  const patterns: string[] = []
  let current = ''
  let depth = 0
  for (const char of text) {
    if (char === '{') depth++
    else if (char === '}') depth = Math.max(0, depth - 1)
    if (char === '\n' || (char === ',' && depth === 0)) {
      patterns.push(current)
      current = ''
      depth = 0
    } else {
      current += char
    }
  }
  patterns.push(current)
  return patterns.map((p) => p.trim()).filter((p) => p !== '')
}

/** The absolute path of the JSON report: the `report-path` input under `baseDir`, or the default under `tempDir`. */
export function reportPathOf(input: string, context: Pick<ConfigContext, 'tempDir' | 'baseDir'>): string {
  return resolve(context.baseDir ?? '.', input.trim() || join(context.tempDir, 'layer-budget-gate', 'report.json'))
}

/** Read and validate every input of the action (the tokens are masked before, by maskSecrets). */
export function readConfig(context: ConfigContext): Config {
  return parseConfig((name) => core.getInput(name), context)
}

/** Only the report's path, for a run whose other inputs could not be read: its failure report still goes there. */
export function readReportPath(context: Pick<ConfigContext, 'tempDir' | 'baseDir'>): string {
  return reportPathOf(core.getInput('report-path'), context)
}

/** The inputs that hold secrets. */
export const SECRET_INPUTS = ['layer-token', 'github-token'] as const

/**
 * Masks both token inputs in the runner's log, once, and returns the run's one redactor for what
 * the runner does not mask (comments, summaries, reports). The action calls it before anything
 * else can print, before the inputs are even validated.
 */
export function maskSecrets(): Redactor {
  const secrets = SECRET_INPUTS.map((name) => core.getInput(name).trim())
  for (const value of secrets) if (value) core.setSecret(value)
  return createRedactor(secrets)
}
