import { existsSync, readFileSync } from 'node:fs'
import { GateError } from '../errors.js'

/** The pull request a run is about (`pull_request`, `pull_request_target` and `pull_request_review` only). */
export interface PullRequestContext {
  number: number
  /** The commit the pull request merges into, as of this event. */
  baseSha: string
  /** The pull request's head commit (not the merge commit GITHUB_SHA points to on `pull_request`). */
  headSha: string
  /** "owner/repo" of the base repository. */
  baseRepo: string
  /** The branch it merges into (`main`): the open pull requests on it share its balance (SPEC section 8). */
  baseRef?: string
  /** "owner/repo" the head branch lives in; undefined when that repository was deleted. */
  headRepo?: string
  /** The head lives in another repository (a fork, or a deleted one): its token is read-only and secrets are absent on `pull_request`. */
  isFork: boolean
}

/** What the GitHub side needs to know about this workflow run, read once. */
export interface RunContext {
  eventName: string
  owner: string
  repo: string
  runId: number
  /** 1 when the runner does not say (GITHUB_RUN_ATTEMPT unset). */
  runAttempt: number
  /** e.g. https://github.com or a GitHub Enterprise Server URL. */
  serverUrl: string
  /** Link to this run (and attempt, when known) for the comment's footer. */
  runUrl: string
  /** The commit being judged: the PR's head, the merge group's head, the pushed commit, else GITHUB_SHA. */
  sha: string
  pullRequest?: PullRequestContext
  /** The branch the run is on (GITHUB_REF `refs/heads/…`), if it is on one: a budget audit lists the pull requests into it. */
  branch?: string
}

/** The environment variables the run context is read from (process.env fits). */
export type RunEnv = Record<string, string | undefined>

// A review (SPEC 9: an approval lifts the policy limits) re-judges its pull request: its payload
// carries `pull_request` as `pull_request` does, and runs with the same token and secrets.
const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target', 'pull_request_review'])

/** Whether an event is one of those that carry a pull request to comment on. */
export function isPullRequestEvent(eventName: string): boolean {
  return PULL_REQUEST_EVENTS.has(eventName)
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

function missing(what: string): GateError {
  return new GateError(
    `The GitHub Actions environment lacks ${what}. Run the action inside a GitHub Actions job; to price manifests locally, use the CLI.`,
  )
}

/** Reads the run context from an event name, its payload and the environment (pure: tests pass plain objects). */
export function parseRunContext(eventName: string, payload: unknown, env: RunEnv): RunContext {
  if (!eventName) throw missing('GITHUB_EVENT_NAME')
  const event = record(payload) ?? {}
  const repository = text(env['GITHUB_REPOSITORY']) ?? text(record(event['repository'])?.['full_name'])
  const [owner, repo, ...extra] = repository?.split('/') ?? []
  if (!owner || !repo || extra.length > 0) throw missing('GITHUB_REPOSITORY ("owner/repo")')

  const runIdText = text(env['GITHUB_RUN_ID'])
  const runId = Number(runIdText)
  if (runIdText === undefined || !Number.isSafeInteger(runId) || runId <= 0) throw missing('GITHUB_RUN_ID (a positive integer)')
  const attemptText = text(env['GITHUB_RUN_ATTEMPT'])
  const attempt = Number(attemptText)
  const hasAttempt = attemptText !== undefined && Number.isSafeInteger(attempt) && attempt > 0
  const runAttempt = hasAttempt ? attempt : 1

  const serverUrl = (text(env['GITHUB_SERVER_URL']) ?? 'https://github.com').replace(/\/+$/, '')
  const runUrl = `${serverUrl}/${owner}/${repo}/actions/runs/${runId}${hasAttempt ? `/attempts/${attempt}` : ''}`

  const pullRequest = isPullRequestEvent(eventName) ? parsePullRequest(eventName, event, `${owner}/${repo}`) : undefined
  const sha =
    pullRequest?.headSha ??
    (eventName === 'merge_group' ? text(record(event['merge_group'])?.['head_sha']) : undefined) ??
    (eventName === 'push' ? text(event['after']) : undefined) ??
    text(env['GITHUB_SHA'])
  if (sha === undefined) throw missing('GITHUB_SHA')
  const branch = /^refs\/heads\/(.+)$/.exec(env['GITHUB_REF'] ?? '')?.[1]

  return {
    eventName,
    owner,
    repo,
    runId,
    runAttempt,
    serverUrl,
    runUrl,
    sha,
    ...(pullRequest ? { pullRequest } : {}),
    ...(branch !== undefined ? { branch } : {}),
  }
}

function parsePullRequest(eventName: string, event: Record<string, unknown>, repository: string): PullRequestContext {
  const pr = record(event['pull_request'])
  const head = record(pr?.['head'])
  const base = record(pr?.['base'])
  const number = pr?.['number'] ?? event['number']
  const headSha = text(head?.['sha'])
  const baseSha = text(base?.['sha'])
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || headSha === undefined || baseSha === undefined) {
    throw new GateError(
      `The ${eventName} event payload has no pull request number, head SHA or base SHA (GITHUB_EVENT_PATH is missing or not a ${eventName} event).`,
    )
  }
  const baseRepo = text(record(base?.['repo'])?.['full_name']) ?? repository
  const baseRef = text(base?.['ref'])
  // A deleted fork leaves `head.repo` null: its PR is still from outside, so it counts as a fork.
  const headRepo = text(record(head?.['repo'])?.['full_name'])
  const isFork = headRepo === undefined || headRepo.toLowerCase() !== baseRepo.toLowerCase()
  return {
    number,
    baseSha,
    headSha,
    baseRepo,
    ...(baseRef !== undefined ? { baseRef } : {}),
    ...(headRepo !== undefined ? { headRepo } : {}),
    isFork,
  }
}

/**
 * Reads the run context of the current job from the runner's environment and event file, as
 * @actions/github's `context` does, without loading Octokit on runs that never talk to GitHub.
 */
export function readRunContext(env: RunEnv = process.env): RunContext {
  const eventPath = env['GITHUB_EVENT_PATH']
  let payload: unknown = {}
  if (eventPath && existsSync(eventPath)) {
    try {
      payload = JSON.parse(readFileSync(eventPath, 'utf8'))
    } catch {
      throw new GateError(`The event file GITHUB_EVENT_PATH (${eventPath}) is not valid JSON: re-run the job.`)
    }
  }
  return parseRunContext(env['GITHUB_EVENT_NAME'] ?? '', payload, env)
}
