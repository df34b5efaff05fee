import * as core from '@actions/core'
import { describeError, GateError } from '../errors.js'
import type { Redactor } from '../secrets.js'
import { COMMENT_MAX_CHARS, renderComment, renderStopComment } from '../report/markdown.js'
import { findComments, writeComment, type Account, type CommentLookup, type FindOptions } from './comment.js'
import { readOpenPullRequests } from './commitments.js'
import { commitmentOf, type OpenPullRequestsInput } from '../together.js'
import type { Commitment } from './marker.js'
import { loadBaseManifests, loadManifestsAt } from './manifests.js'
import { createOctokit, type Octokit } from './octokit.js'
import { readApproval } from './approval.js'
import type { Config } from '../config.js'

/** What the pull-request code needs of the inputs. */
export type GitHubSettings = Pick<Config, 'githubToken' | 'manifestPatterns' | 'comment' | 'commentKey' | 'commentOn'> &
  Partial<Pick<Config, 'approvalLabel' | 'approvalPermission'>>
import type { RunContext, PullRequestContext } from './context.js'
import type { ApprovalCheck, StopNotice, Manifest, Report } from '../types.js'

/**
 * Whether the pull request adds, changes or removes a generation, as the report's diff says. A
 * report without a diff (the base was not compared, or could not be read or priced) counts as a
 * change: what is unknown is never taken for "nothing changed". A diff of no generation on either
 * side (its total delta is 0) is no change.
 */
export function changesGenerations(report: Pick<Report, 'lines' | 'delta'>): boolean {
  const compared = report.lines.length > 0 ? report.lines.every((line) => line.change !== undefined) : report.delta !== undefined
  return !compared || report.lines.some((line) => line.change !== 'unchanged')
}

const NO_CHANGE_NO_COMMENT =
  'No pull-request comment: this pull request adds, changes or removes no generation and has no gate comment yet ' +
  '(`comment-on: change`; set `comment-on: always` to comment on every pull request). The job summary and outputs have the result.'

/**
 * Everything a pull-request run does on GitHub: read manifests at the head (pull_request_target)
 * and base commits, and write the sticky comment. Loaded only on pull-request events, so other
 * runs never pay for Octokit.
 */
export class PullRequestGitHub {
  private readonly octokit: Octokit | undefined
  /** The sticky comment's listing, started by `listComments` (while Layer prices); settled, so never an unhandled rejection. */
  private lookup: Promise<Listed> | undefined
  private readonly now: () => number
  private readonly relistAfterMs: number
  /** The token's own account, when the read of the other open pull requests asked GitHub: the comment need not ask again. */
  private viewer: Account | undefined
  /** That read while it runs: the early listing awaits its account rather than asking `viewer` beside it. */
  private viewerRead: Promise<Account | undefined> | undefined

  constructor(
    private readonly config: GitHubSettings,
    /** GitHub's error texts are quoted in notes, warnings and comments; one that echoes a token (a proxy's
     * error page, a misconfigured GHES) must not publish it: comments and job summaries are not masked. */
    private readonly redact: Redactor,
    private readonly context: RunContext,
    private readonly pr: PullRequestContext,
    clock: PullRequestClock = {},
  ) {
    this.now = clock.now ?? Date.now
    this.relistAfterMs = clock.relistAfterMs ?? RELIST_AFTER_MS
    this.octokit = config.githubToken ? createOctokit(config.githubToken) : undefined
  }

  /** On pull_request_target the workspace holds the base branch: the PR's manifests are read at its head commit, as data. */
  async headManifests(): Promise<Manifest[]> {
    if (!this.octokit) {
      throw new GateError(
        'on pull_request_target the manifest is read from the pull request through the GitHub API: the `github-token` input is empty',
      )
    }
    try {
      // GitHub serves a fork's PR commits from the base repository too.
      return await loadManifestsAt(this.octokit, {
        owner: this.context.owner,
        repo: this.context.repo,
        ref: this.pr.headSha,
        patterns: this.config.manifestPatterns,
      })
    } catch (error) {
      if (error instanceof Error) error.message = this.redact(error.message)
      throw error
    }
  }

  /** The manifests at the PR's base commit, or a note saying why there is no diff. */
  async baseManifests(): Promise<{ base?: Manifest[]; baseNote?: string }> {
    if (!this.octokit) return { baseNote: 'The base was not compared: the `github-token` input is empty.' }
    const { base, baseNote } = await loadBaseManifests(this.octokit, {
      owner: this.context.owner,
      repo: this.context.repo,
      ref: this.pr.baseSha,
      patterns: this.config.manifestPatterns,
    })
    // The note lands in the comment and the job summary, which the runner does not mask.
    return { ...(base ? { base } : {}), ...(baseNote !== undefined ? { baseNote: this.redact(baseNote) } : {}) }
  }

  /**
   * Starts listing the sticky comment now, while Layer prices; the write starts from this listing
   * (or from a fresh one when pricing outlasted it: see `current`).
   */
  listComments(): void {
    if (this.config.comment !== 'off' && this.octokit) void this.listing(this.octokit)
  }

  private listing(octokit: Octokit): Promise<Listed> {
    const pending = this.viewerRead ? { pendingAuthor: this.viewerRead } : {}
    this.lookup ??= findComments(octokit, { ...this.findOptions(), ...pending }).then(
      (found) => ({ found, at: this.now() }),
      (error: unknown) => ({ error }),
    )
    return this.lookup
  }

  /**
   * What the write starts from: the early listing, or, when pricing outlasted it by more than
   * RELIST_AFTER_MS, a fresh one (the account already known), so a newer run's comment written
   * meanwhile is seen and not overwritten. A quick run keeps the listing it made while Layer priced.
   */
  private async current(octokit: Octokit): Promise<CommentLookup> {
    const listed = await this.listing(octokit)
    if ('error' in listed) throw listed.error
    if (this.now() - listed.at <= this.relistAfterMs) return listed.found
    return findComments(octokit, { ...this.findOptions(), ...(listed.found.account ? { author: listed.found.account } : {}) })
  }

  /** The approval check of SPEC 9, or undefined when `approval-label` is off; it never rejects (a failed read is `unread`). */
  approval(): Promise<ApprovalCheck> | undefined {
    const label = this.config.approvalLabel
    if (label === undefined) return undefined
    const required = this.config.approvalPermission ?? 'maintain'
    if (!this.octokit) {
      return Promise.resolve({
        kind: 'unread',
        label,
        required,
        warning: 'The approval could not be checked: the `github-token` input is empty.',
      })
    }
    const { owner, repo } = this.context
    const query = { owner, repo, number: this.pr.number, head: this.pr.headSha, label, required }
    return readApproval(this.octokit, query, this.redact)
  }

  /**
   * SPEC section 8: the other open pull requests on this one's base and what their gate comments
   * commit. Never rejects: when GitHub cannot be read it warns, and the pull request is judged alone.
   */
  async openPullRequests(mode: 'warn' | 'fail'): Promise<OpenPullRequestsInput> {
    const self = this.pr.number
    const alone = (reason: string): OpenPullRequestsInput => {
      core.warning(`The other open pull requests were not counted, so this one is judged alone: ${reason}`)
      return { mode, self, read: { ok: false, reason } }
    }
    if (!this.octokit) return alone('the `github-token` input is empty.')
    if (this.pr.baseRef === undefined) return alone('the event payload does not name the base branch (pull_request.base.ref).')
    const reading = readOpenPullRequests(this.octokit, {
      owner: this.context.owner,
      repo: this.context.repo,
      base: this.pr.baseRef,
      key: this.config.commentKey,
      debug: (message) => core.debug(message),
    })
    this.viewerRead = reading.then(
      (r) => (r.ok ? r.viewer : undefined),
      () => undefined,
    )
    const read = await reading
    if (!read.ok) return alone(this.redact(read.reason))
    this.viewer = read.viewer
    if (read.incomplete !== undefined) core.warning(read.incomplete)
    return { mode, self, read }
  }

  /** Write the sticky comment; a failure is a warning (the verdict still decides the step). Returns its URL. */
  async comment(report: Report): Promise<string | undefined> {
    // Leave room for the marker lines publishComment puts first (the key's, and the commitment's).
    const createWhenMissing = this.config.commentOn === 'always' || changesGenerations(report)
    return this.publish(
      (compact) => renderComment(report, { compact, maxChars: COMMENT_MAX_CHARS - 512 }),
      createWhenMissing,
      commitmentOf(report),
    )
  }

  /**
   * The run failed before it could price (an invalid manifest, …): say so in the sticky comment, so
   * the verdict of an earlier commit does not stay on the pull request as if it still held.
   */
  async commentStop(notice: StopNotice): Promise<string | undefined> {
    // Nothing was priced, so whether anything changed is unknown: the reason is written.
    return this.publish(() => renderStopComment(notice, { maxChars: COMMENT_MAX_CHARS - 256 }), true)
  }

  private async publish(
    render: (compact: boolean) => string,
    createWhenMissing: boolean,
    commitment?: Commitment,
  ): Promise<string | undefined> {
    if (this.config.comment === 'off') return undefined
    if (!this.octokit) {
      core.warning('No pull-request comment: the `github-token` input is empty.')
      return undefined
    }
    try {
      const outcome = await writeComment(this.octokit, await this.current(this.octokit), {
        ...this.findOptions(),
        mode: this.config.comment,
        run: { id: this.context.runId, attempt: this.context.runAttempt, sha: this.pr.headSha },
        // The one place every comment body passes: nothing the runner does not mask leaves with a secret.
        render: (compact) => this.redact(render(compact)),
        createWhenMissing,
        ...(commitment ? { commitment } : {}),
      })
      if (outcome.action === 'not-created') core.info(NO_CHANGE_NO_COMMENT)
      else if (outcome.message) core.info(outcome.message)
      else core.info(`Pull-request comment ${outcome.action}${outcome.url ? `: ${outcome.url}` : ''}`)
      return outcome.url
    } catch (error) {
      core.warning(`The pull-request comment was not written: ${this.redact(describeError(error))}`)
      return undefined
    }
  }

  private findOptions(): FindOptions {
    return {
      owner: this.context.owner,
      repo: this.context.repo,
      issueNumber: this.pr.number,
      key: this.config.commentKey,
      // Known when the read of the other open pull requests answered first: no second `viewer` question.
      ...(this.viewer ? { author: this.viewer } : {}),
    }
  }
}

/** The sticky comment's listing and when it answered (ms), or why GitHub could not give it. */
type Listed = { found: CommentLookup; at: number } | { error: unknown }

/**
 * How old the early listing may be when the comment is written. Past it a run lists again: a newer
 * run's comment written in that time would otherwise be overwritten. Below it the window is about
 * what it was when the listing followed the verdict (a listing's own round trips).
 */
export const RELIST_AFTER_MS = 3_000

/** Test seams of PullRequestGitHub: the clock and the listing's age bound. */
export interface PullRequestClock {
  now?: () => number
  relistAfterMs?: number
}
