/**
 * The budget board (SPEC section 8): a `workflow_dispatch` or `schedule` audit lists every open
 * pull request into the audited branch and what it commits. Loaded only on those runs, with a
 * token, so other runs never pay for Octokit.
 */
import * as core from '@actions/core'
import { readOpenPullRequests } from './commitments.js'
import { createOctokit } from './octokit.js'
import type { Config } from '../config.js'
import type { Redactor } from '../secrets.js'
import type { RunContext } from './context.js'
import type { OpenPullRequestsInput } from '../together.js'

/** Reads the open pull requests into the audited branch. Never rejects: a failure is a warning, and the board says so. */
export async function readBoard(
  config: Pick<Config, 'githubToken' | 'commentKey'>,
  context: RunContext,
  redact: Redactor,
): Promise<OpenPullRequestsInput> {
  const unread = (reason: string): OpenPullRequestsInput => {
    core.warning(`The budget board could not list the open pull requests: ${reason}`)
    return { mode: 'board', read: { ok: false, reason } }
  }
  if (context.branch === undefined) return unread('the run is not on a branch (GITHUB_REF is not refs/heads/…).')
  const read = await readOpenPullRequests(createOctokit(config.githubToken), {
    owner: context.owner,
    repo: context.repo,
    base: context.branch,
    key: config.commentKey,
    debug: (message) => core.debug(message),
  })
  if (!read.ok) return unread(redact(read.reason))
  if (read.incomplete !== undefined) core.warning(read.incomplete)
  return { mode: 'board', read }
}
