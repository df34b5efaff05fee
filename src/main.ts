import * as core from '@actions/core'
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { tmpdir } from 'node:os'
import { maskSecrets, policyOf, readConfig, readReportPath, type Config } from './config.js'
import { describeError, GateError } from './errors.js'
import { redactedJson, type Redactor } from './secrets.js'
import { trustedWorkspace } from './workspace.js'
import { createLayerClient } from './layer/from-config.js'
import { describePause } from './layer/pace.js'
import { loadManifests } from './manifest/load.js'
import { judgePlan, pricePlan, type PricedPlan, type PricingResult } from './pipeline.js'
import { lazily } from './lazy.js'
import { SIMULATED_NOTE, statusLine } from './report/rows.js'
import { reportFailure, stepErrors } from './report/annotations.js'
import { toStopReport, toJsonReport } from './report/json.js'
import { toOutputs } from './report/outputs.js'
import { readRunContext, type RunContext } from './github/context.js'
import type { PullRequestGitHub } from './github/pull-request.js'
import type { ApprovalRecord, StopNotice, Manifest } from './types.js'
import type { OpenPullRequestsInput } from './together.js'
import { approvalNotice } from './report/approval.js'
import type { Problem } from './problem.js'

const noop = (): void => {}

/**
 * The job summary's renderers (report/markdown.ts), a chunk of dist/ of their own: loaded only by a
 * run that writes a summary, and then while Layer prices, not before the first request.
 */
const summaryRenderers = lazily('the job summary renderer', () => import('./report/markdown.js'))

const FORK_HINT =
  'Pull requests from forks get no secrets under `pull_request`: use the `pull_request_target` recipe in the README (it reads the manifest from the pull request as data and never runs its code)'

/** The action: inputs -> manifests -> plan -> estimates -> verdict -> report -> publish. */
export async function run(): Promise<void> {
  // Before anything else can print: the tokens are masked once, and the one redactor is built.
  const redact = maskSecrets()
  let github: PullRequestGitHub | undefined
  let config: Config | undefined
  let context: RunContext | undefined
  try {
    context = readRunContext()
    const pr = context.pullRequest
    config = readConfig({
      ...configContext(),
      missingTokenHint:
        (context.eventName === 'pull_request' || context.eventName === 'pull_request_review') && pr?.isFork ? FORK_HINT : undefined,
    })
    // Octokit is loaded only on pull-request events: audits and pushes start faster without it.
    github = pr ? new (await import('./github/pull-request.js')).PullRequestGitHub(config, redact, context, pr) : undefined
    const manifests = await readManifests(config, context.eventName, github)
    const { head } = manifests
    const workspaceId =
      context.eventName === 'pull_request_target' ? trustedWorkspace(config.workspaceId, head, manifests.base) : config.workspaceId
    // On pull_request the base is read while Layer prices the head (SPEC 10); started by pricePlan.
    let baseRead: Promise<BaseManifests> | undefined
    const { readBase } = manifests
    const laterBase = readBase && (() => (baseRead = readBase()).then((read) => read.base))

    const client = createLayerClient(config, {
      redact,
      onRetry: ({ attempt, delayMs, reason }) => core.info(`Layer: ${reason}; retry ${attempt} in ${Math.round(delayMs)} ms`),
      // Says when and why every request waits on Layer's rate limit.
      onPause: (pause) => core.info(`Layer: ${describePause(pause)}`),
    })
    let priced: PricedPlan
    let openPullRequests: ReturnType<typeof openPullRequestsOf>
    let approval: ReturnType<PullRequestGitHub['approval']> | undefined
    try {
      const pricing = pricePlan({
        workspaceId,
        head,
        base: manifests.base,
        ...(laterBase ? { laterBase } : {}),
        concurrency: config.concurrency,
        maxRequests: config.maxRequests,
        estimator: client,
      })
      if (process.env.GITHUB_STEP_SUMMARY) summaryRenderers.prefetch()
      // GitHub's reads run while Layer prices (SPEC 10): each is started once the first estimate
      // request is written to Layer (or pricing ended without one), and awaited where it is used:
      // SPEC 8's (the other open pull requests, or the budget board) and SPEC 9's (the approval)
      // before judging, the comment's listing by its write (it takes the token's account from SPEC
      // 8's read, asked first). Started earlier, Octokit's requests can reach GitHub first.
      await Promise.race([client.sent(), pricing.then(noop, noop)])
      openPullRequests = openPullRequestsOf(config, context, redact, github)
      approval = github?.approval()
      github?.listComments()
      priced = await pricing
    } finally {
      await client.close()
    }
    // The reads that ran while Layer priced are awaited here, before judging.
    const [others, approved] = await Promise.all([openPullRequests, approval])
    const { base, baseNote } = baseRead ? await baseRead : manifests
    const result: PricingResult = {
      ...priced,
      ...judgePlan(priced.plan, priced.outcomes, {
        ...(others !== undefined ? { openPullRequests: others } : {}),
        ...(approved !== undefined ? { approval: approved } : {}),
        policy: policyOf(config),
        baseRead: base !== undefined,
        baseNote,
        balanceAt: new Date().toISOString(),
        commit: pr?.headSha ?? context.sha,
        runUrl: context.runUrl,
        links: pr && { serverUrl: context.serverUrl, owner: context.owner, repo: context.repo, headSha: pr.headSha, baseSha: pr.baseSha },
      }),
    }
    await publish(config, redact, github, result)
  } catch (error) {
    await stop(error, redact, { github, config, context })
  }
}

/**
 * SPEC section 8, started with pricing and awaited only before judging (it never rejects): on a
 * pull request the other open ones on its base; on a workflow_dispatch/schedule audit with a token,
 * the budget board (Octokit loaded for it only then). Undefined under `open-pull-requests: ignore`.
 */
function openPullRequestsOf(
  config: Config,
  context: RunContext,
  redact: Redactor,
  github: PullRequestGitHub | undefined,
): Promise<OpenPullRequestsInput | undefined> | undefined {
  if (config.openPullRequests === 'ignore') return undefined
  if (github) return github.openPullRequests(config.openPullRequests)
  if (!config.githubToken || !['workflow_dispatch', 'schedule'].includes(context.eventName)) return undefined
  return import('./github/board.js')
    .then((board) => board.readBoard(config, context, redact))
    .catch((error: unknown) => {
      core.warning(`The budget board could not list the open pull requests: ${redact(describeError(error))}`)
      return undefined
    })
}

/** Where the report goes: a relative `report-path` is under the workspace, the default under RUNNER_TEMP. */
function configContext(): { tempDir: string; baseDir: string } {
  return { tempDir: process.env.RUNNER_TEMP || tmpdir(), baseDir: process.env.GITHUB_WORKSPACE || process.cwd() }
}

/** The base manifests as read from GitHub: none when the manifest is new, and why there is no diff. */
type BaseManifests = { base?: Manifest[]; baseNote?: string }

/**
 * The head manifests (the workspace, or the PR head through the API on pull_request_target) and how
 * the base is read. On pull_request_target the base is read with the head, before pricing: it says
 * which workspace may be charged. On pull_request it is read later, while Layer prices the head
 * (`readBase`, SPEC 10); its bodies are counted against `max-requests` before any of them is sent.
 */
async function readManifests(
  config: Config,
  eventName: string,
  github: PullRequestGitHub | undefined,
): Promise<{ head: Manifest[]; readBase?: () => Promise<BaseManifests> } & BaseManifests> {
  const compare = github !== undefined && config.compareBase
  if (eventName !== 'pull_request_target') {
    const head = await loadManifests(process.env.GITHUB_WORKSPACE || process.cwd(), config.manifestPatterns)
    return { head, ...(compare ? { readBase: () => github.baseManifests() } : {}) }
  }
  const headRead = github ? github.headManifests() : loadManifests(process.env.GITHUB_WORKSPACE || process.cwd(), config.manifestPatterns)
  // Promise.all, so a base read left behind by a failed head read is never an unhandled rejection.
  const [head, base] = await Promise.all([headRead, compare ? github.baseManifests() : undefined])
  return { head, ...base }
}

/** Everything a run writes: annotations, summary, JSON report, comment, outputs, and the step's result. */
async function publish(
  config: Config,
  redact: Redactor,
  github: PullRequestGitHub | undefined,
  { report, problems }: PricingResult,
): Promise<void> {
  try {
    await writeJson(config.reportPath, toJsonReport(report), redact)
  } catch (error) {
    throw new GateError(
      `the JSON report cannot be written to ${config.reportPath} (input \`report-path\`): ${describeError(error)}; point \`report-path\` at a file in a writable directory, or leave it empty`,
    )
  }
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(redact((await summaryRenderers()).renderSummary(report))).write()
  const commentUrl = await github?.comment(report)

  for (const [name, value] of Object.entries(toOutputs(report, { reportPath: config.reportPath, commentUrl }))) {
    core.setOutput(name, value)
  }
  if (report.simulated) core.notice(SIMULATED_NOTE)
  announceApproval(report.verdict.approval)
  const failure = reportFailure(report)
  if (failure !== undefined) {
    // At most 10 error annotations: a generation's own problems on their lines, then the one failing line.
    fail(failure, problems)
    return
  }
  const headline = statusLine(report)
  // Over in advisory mode (the headline says so) and the warning tier both pass with a warning annotation.
  if (report.verdict.status === 'over' || report.verdict.status === 'warn') core.warning(headline)
  else core.info(headline)
}

/** SPEC 9's audit trail in the log: a notice for an approval that lifted the limits, a warning for one that could not be checked. */
function announceApproval(record: ApprovalRecord | undefined): void {
  if (record?.check.kind === 'unread') core.warning(record.check.warning)
  const notice = approvalNotice(record)
  if (notice !== undefined) core.notice(notice, { title: 'Approved exception' })
}

/** Fails the step: the located problems as error annotations (so they show on the diff), then the failing line, 10 at most. */
function fail(failure: string, problems: readonly Problem[]): void {
  const errors = stepErrors(failure, problems)
  for (const p of errors.annotations) {
    core.error(p.message, { title: p.title, file: p.file, startLine: p.line, startColumn: p.col })
  }
  core.setFailed(errors.failure)
}

/**
 * Any failure before a report could be built (bad inputs, an invalid manifest, a workspace
 * mismatch, too many requests): annotations for its problems, a job summary and a JSON report that
 * say why (so `report-path` can be uploaded on every run), `sufficient=false`, the pull-request
 * comment (when the run got that far), and a one-line reason; never a stack trace.
 */
async function stop(
  error: unknown,
  redact: Redactor,
  { github, config, context }: { github?: PullRequestGitHub; config?: Config; context?: RunContext },
): Promise<void> {
  core.setOutput('sufficient', 'false')
  core.setOutput('status', 'error')
  // Errors the gate raised itself are written for the user and carry no secret; anything else is
  // only named, and its text stays in the log, where the runner masks the tokens.
  const message = error instanceof GateError ? error.message : `unexpected error: ${describeError(error)}`
  // For the summary, the report and the comment, which the runner does not mask.
  const notice: StopNotice = {
    message: error instanceof GateError ? redact(error.message) : 'An unexpected error stopped the run: see the log of this step.',
    problems: error instanceof GateError ? error.problems.map((p) => ({ ...p, message: redact(p.message) })) : [],
    commit: context?.pullRequest?.headSha ?? context?.sha,
    runUrl: context?.runUrl,
  }
  const reportPath = config?.reportPath ?? readReportPath(configContext())
  try {
    await writeJson(reportPath, toStopReport(notice, config?.workspaceId), redact)
    core.setOutput('report-path', reportPath)
  } catch (writeError) {
    core.warning(`No JSON report: it cannot be written to ${reportPath} (${describeError(writeError)})`)
  }
  try {
    if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(redact((await summaryRenderers()).renderStopSummary(notice))).write()
  } catch (writeError) {
    core.warning(`No job summary: ${describeError(writeError)}`)
  }
  if (github && error instanceof GateError) {
    // commentStop turns GitHub's failures into a warning itself; anything else must not hide the reason below.
    const commentUrl = await github.commentStop(notice).catch((commentError: unknown) => {
      core.warning(`The pull-request comment was not written: ${redact(describeError(commentError))}`)
      return undefined
    })
    if (commentUrl) core.setOutput('comment-url', commentUrl)
  }
  fail(message, error instanceof GateError ? error.problems : [])
}

/** A JSON document written to `path`, its directory created first, with every secret cut out. */
async function writeJson(path: string, document: unknown, redact: Redactor): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, `${redactedJson(document, redact)}\n`)
}
