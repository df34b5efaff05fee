/**
 * The sticky pull-request comment on GitHub: find this key's comments by marker (every page, only
 * the token's own account), then update, create, delete-and-new or hide-and-new, never over a newer
 * run's comment, and settle a race after a create. Over 400 lines because those steps share the
 * private comment types and GitHub's error handling; split, each half would export them.
 */
import { describeError, GateError } from '../errors.js'
import { COMMENT_MAX_CHARS, FOOTER_MARK } from '../report/markdown.js'
import {
  commentMarker,
  COMMITMENT_PATTERN,
  escapeField,
  isNewerRun,
  keeperOf,
  MARKER_PATTERN,
  parseMarker,
  recordsSameCommitment,
  type CommentRun,
  type Commitment,
  type Marker,
} from './marker.js'
import type { Octokit } from './octokit.js'

import type { CommentMode } from '../config.js'

export type { CommentMode, CommentRun, Marker }
export { commentMarker, isNewerRun, parseMarker }
/** GitHub refuses an issue comment body longer than this many characters. */
export { COMMENT_MAX_CHARS }

export interface PublishOptions {
  owner: string
  repo: string
  issueNumber: number
  /** `comment-key`: tells apart several gates on one pull request. */
  key: string
  mode: CommentMode
  run: CommentRun
  /** What this pull request commits of the balance (SPEC section 8), recorded after the marker; none when nothing was priced. */
  commitment?: Commitment
  /** The body WITHOUT the marker; `compact` asks for the short layout when the full one is too long. */
  render: (compact: boolean) => string
  /**
   * The account whose comments count as ours. Default: the token's own account, asked once through
   * GraphQL `viewer`. Comments by any other account are never updated, hidden or deleted, even when
   * they carry the marker (anyone can paste it into a comment).
   */
  author?: Account
  /**
   * false (`comment-on: change` on a pull request that changes no generation): keep an existing
   * comment current, but write none when there is none yet. Default true.
   */
  createWhenMissing?: boolean
}

/** What finding the comments needs: the pull request, the key, and whose comments count. */
export type FindOptions = Pick<PublishOptions, 'owner' | 'repo' | 'issueNumber' | 'key' | 'author'> & {
  /**
   * The token's account as another read in flight will name it (SPEC 8's asks `viewer` too): awaited,
   * when no `author` is given and a comment carries the marker, before asking `viewer` again.
   */
  pendingAuthor?: Promise<Account | undefined>
}

/**
 * A GitHub account, told apart by its numeric id: users and bots share one id space, so a user who
 * calls itself "github-actions" (the bot is "github-actions[bot]", id 41898282) has another id.
 */
export interface Account {
  id: number
  login: string
}

/** The token's own account (GraphQL `viewer`: its `databaseId` is the REST `user.id`). */
export const VIEWER_QUERY = 'query { viewer { login databaseId } }'

async function viewer(octokit: Octokit): Promise<Account> {
  const answer = await octokit.graphql<{ viewer?: { login?: unknown; databaseId?: unknown } }>(VIEWER_QUERY)
  const { login, databaseId } = answer?.viewer ?? {}
  if (typeof login !== 'string' || typeof databaseId !== 'number' || !Number.isSafeInteger(databaseId)) {
    throw new TypeError("GitHub's answer to `viewer` does not name an account (login and databaseId)")
  }
  return { id: databaseId, login }
}

export interface PublishResult {
  action: 'created' | 'updated' | 'unchanged' | 'skipped-newer' | 'not-created' | 'off'
  /** The comment now showing this gate's result (for `skipped-newer`: the newer run's). */
  url?: string
  /** Something the caller should tell the user: why it skipped, or old comments that could not be cleaned up. */
  message?: string
}

/** The sticky comment could not be found, written, hidden or deleted. The caller reports it as a warning. */
export class CommentError extends GateError {
  override name = 'CommentError'
  constructor(
    message: string,
    /** HTTP status GitHub answered, when it answered. */
    readonly status?: number,
  ) {
    super(message)
  }
}

/** GitHub refused the comment for lack of permission (401/403/404): a read-only token, as on pull requests from forks. */
export class CommentPermissionError extends CommentError {
  override name = 'CommentPermissionError'
}

/** The body after the marker line, normalised as GitHub may store it (CRLF, trailing space). */
function content(body: string): string {
  const m = MARKER_PATTERN.exec(body)
  const afterMarker = m ? body.slice(m[0].length).replace(/^\r?\n/, '') : body
  const commitment = COMMITMENT_PATTERN.exec(afterMarker)
  const rest = commitment ? afterMarker.slice(commitment[0].length).replace(/^\r?\n/, '') : afterMarker
  const footer = rest.lastIndexOf(FOOTER_MARK)
  return (footer === -1 ? rest : rest.slice(0, footer)).replace(/\r\n/g, '\n').trimEnd()
}

/** Written by `account`: the same numeric id (a login can be chosen to look like another). */
function writtenBy(comment: IssueComment, account: Account): boolean {
  return typeof comment.user?.id === 'number' && comment.user.id === account.id
}

interface IssueComment {
  id: number
  node_id: string
  body?: string
  html_url: string
  user: { login: string; id?: number; type?: string } | null
}

interface OurComment {
  comment: IssueComment
  marker: Marker
}

/** This key's comments by the gate's own account on the pull request, oldest first: what a write starts from. */
export interface CommentLookup {
  readonly ours: readonly OurComment[]
  /** The gate's own account, when the listing had to know it: a second listing need not ask again. */
  readonly account?: Account
}

/** GitHub's answer to a write, checked: a comment has a numeric id and a URL; anything else is not trusted as written. */
function checkedComment(answer: unknown, action: string, where: string): IssueComment {
  const comment = answer as Partial<IssueComment> | null
  if (typeof comment === 'object' && comment !== null && typeof comment.id === 'number' && typeof comment.html_url === 'string') {
    return comment as IssueComment
  }
  const shown = typeof answer === 'string' ? `"${answer.slice(0, 60)}"` : (JSON.stringify(answer)?.slice(0, 80) ?? String(answer))
  throw new CommentError(
    `GitHub's answer when trying to ${action} on ${where} is not a comment (${shown}), so it may not have been written; re-run the job, and check GITHUB_API_URL if it persists`,
  )
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status
  return typeof status === 'number' ? status : undefined
}

/** GraphQL answers 200 with `errors: [{ type: "FORBIDDEN" | "NOT_FOUND", … }]` where REST would answer 403/404. */
function graphqlErrorTypes(error: unknown): string[] {
  const errors = (error as { errors?: unknown } | null)?.errors
  return Array.isArray(errors) ? errors.map((e) => String((e as { type?: unknown } | null)?.type ?? '')) : []
}

/** Turns a failed call into a CommentError that says what failed, why, and what to do. */
function commentStop(action: string, where: string, error: unknown): CommentError {
  const status = statusOf(error) ?? (graphqlErrorTypes(error).includes('FORBIDDEN') ? 403 : undefined)
  const said = describeError(error)
  if (status === 403 && !/rate limit/i.test(said)) {
    return new CommentPermissionError(
      `GitHub refused to ${action} on ${where} (403): the token is read-only, as on pull requests from forks. ` +
        'Use the pull_request_target recipe in the README, or give the job `permissions: pull-requests: write`.',
      403,
    )
  }
  if (status === 401) {
    return new CommentPermissionError(
      `GitHub refused to ${action} on ${where} (401): the token is invalid or expired. Check the \`github-token\` input.`,
      401,
    )
  }
  if (status === undefined && (error instanceof TypeError || error instanceof SyntaxError)) {
    // Not a RequestError: GitHub answered, but not with what its API documents (a proxy's page, a cut body).
    return new CommentError(
      `GitHub's answer when trying to ${action} on ${where} is not what its API documents (${said}); re-run the job, and check GITHUB_API_URL if it persists`,
    )
  }
  if (status === 404) {
    return new CommentPermissionError(
      `GitHub could not ${action} on ${where} (404): the pull request does not exist or the token cannot see it. ` +
        'Check that the job runs on a pull request of this repository and that `github-token` may read it.',
      404,
    )
  }
  return new CommentError(`GitHub could not ${action} on ${where}${status ? ` (${status})` : ''}: ${said}`, status)
}

/**
 * Writes the gate's sticky comment on a pull request: finds this key's comments by their marker
 * across every page, then updates, creates, deletes or hides as `mode` says. Never touches a comment
 * written by a newer run, and does not rewrite a comment whose body would not change. After creating,
 * removes the duplicates of runs that raced it (the newest run's comment stays).
 */
export async function publishComment(octokit: Octokit, options: PublishOptions): Promise<PublishResult> {
  if (options.mode === 'off') return { action: 'off' }
  return writeComment(octokit, await findComments(octokit, options), options)
}

/**
 * The first half of publishComment: this key's comments, found by their marker across every page.
 * It needs no verdict, so a run lists while Layer prices; a CommentError when GitHub cannot say.
 */
export async function findComments(octokit: Octokit, options: FindOptions): Promise<CommentLookup> {
  return listOurs(octokit, options, options.author, options.pendingAuthor)
}

/** The second half of publishComment: writes the comment from what `findComments` found (see publishComment). */
export async function writeComment(octokit: Octokit, { ours }: CommentLookup, options: PublishOptions): Promise<PublishResult> {
  if (options.mode === 'off') return { action: 'off' }
  const { owner, repo, issueNumber: issue_number, run } = options
  const where = `${owner}/${repo}#${issue_number}`

  const newest = [...ours].reverse().find((c) => isNewerRun(c.marker, run))
  if (newest) {
    const m = newest.marker
    return {
      action: 'skipped-newer',
      url: newest.comment.html_url,
      message:
        `The pull request comment was left alone: a newer run (run ${m.run}, attempt ${m.attempt}, commit ${m.sha.slice(0, 7)}) ` +
        `already wrote it; this is run ${run.id}, attempt ${run.attempt}.`,
    }
  }

  const marker = commentMarker(options.key, run, options.commitment)
  const full = options.render(false)
  // Skip a request GitHub is sure to refuse; a 422 for any other reason still falls back below.
  const tooLong = marker.length + 1 + full.length > COMMENT_MAX_CHARS
  const first = tooLong ? options.render(true) : full

  const write = async (action: string, send: (body: string) => Promise<IssueComment>): Promise<IssueComment> => {
    let written: IssueComment
    try {
      written = await send(`${marker}\n${first}`)
    } catch (error) {
      if (statusOf(error) !== 422 || tooLong) throw commentStop(action, where, error)
      try {
        written = await send(`${marker}\n${options.render(true)}`)
      } catch (retryError) {
        throw commentStop(action, where, retryError)
      }
    }
    return checkedComment(written, action, where)
  }
  const create = () =>
    write('create the comment', async (body) => (await octokit.rest.issues.createComment({ owner, repo, issue_number, body })).data)
  // Comments that were there before this run wrote: what the mode keeps (`new`) is none of the race's business.
  const before = new Set(ours.map((c) => c.comment.id))
  const createSettled = async (): Promise<PublishResult> => settleRace(octokit, options, await create(), before)

  // Same commit and same text, in any mode: leave it, rather than rewrite it or post a duplicate on a
  // re-run. The stored text may be the compact layout a 422 left, which the full one would hit again.
  // (A newer commit with the same text still writes, so the marker records it and a late older run
  // sees a newer one.)
  const latest = ours.at(-1)
  if (latest && latest.marker.sha === run.sha && recordsSameCommitment(latest.comment.body ?? '', options.commitment)) {
    const stored = content(latest.comment.body ?? '')
    if (stored === content(first) || (!tooLong && stored === content(options.render(true)))) {
      return { action: 'unchanged', url: latest.comment.html_url }
    }
  }

  if (!latest && options.createWhenMissing === false) return { action: 'not-created' }

  if (options.mode === 'update') {
    const target = latest
    if (!target) return createSettled()
    try {
      const updated = await write(
        'update the comment',
        async (body) => (await octokit.rest.issues.updateComment({ owner, repo, comment_id: target.comment.id, body })).data,
      )
      return { action: 'updated', url: updated.html_url }
    } catch (error) {
      // Deleted between the listing and the update: write it anew.
      if (error instanceof CommentError && error.status === 404) return createSettled()
      throw error
    }
  }

  // new, delete-and-new, hide-and-new: post first, then clean up, so a failure never leaves the PR without a comment.
  const created = await create()
  const old = ours.filter((c) => c.comment.id !== created.id)
  let cleanup: string | undefined
  try {
    if (options.mode === 'delete-and-new') await deleteComments(octokit, owner, repo, old)
    if (options.mode === 'hide-and-new') await hideComments(octokit, old)
  } catch (error) {
    const failure = commentStop(options.mode === 'delete-and-new' ? 'delete an older comment' : 'hide an older comment', where, error)
    cleanup = `The new comment was posted, but older ones remain: ${failure.message}`
  }
  const settled = await settleRace(octokit, options, created, before)
  const message = [cleanup, settled.message].filter((m) => m !== undefined).join(' ')
  return { ...settled, ...(message ? { message } : {}) }
}

/**
 * Lists this key's comments written by `author` (by default the token's own account, asked through
 * `viewer` only when some comment carries the marker), oldest first.
 */
async function listOurs(
  octokit: Octokit,
  { owner, repo, issueNumber: issue_number, key }: FindOptions,
  author: Account | undefined,
  pendingAuthor?: Promise<Account | undefined>,
): Promise<CommentLookup> {
  const where = `${owner}/${repo}#${issue_number}`
  const escapedKey = escapeField(key)
  const ours: OurComment[] = []
  let account = author
  try {
    const listed: unknown = await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number, per_page: 100 })
    if (
      !Array.isArray(listed) ||
      !listed.every((c: Partial<IssueComment> | null) => typeof c?.id === 'number' && typeof c.html_url === 'string')
    ) {
      throw new TypeError('the listing is not a list of comments')
    }
    for (const comment of listed as IssueComment[]) {
      const marker = comment.body === undefined ? undefined : parseMarker(comment.body)
      if (marker && escapeField(marker.key) === escapedKey) ours.push({ comment, marker })
    }
    // Who "we" are only matters when some comment carries the marker; the first run of a PR skips the question.
    if (ours.length > 0) {
      const own = author ?? (await pendingAuthor) ?? (await viewer(octokit))
      account = own
      ours.splice(0, ours.length, ...ours.filter((c) => writtenBy(c.comment, own)))
    }
  } catch (error) {
    throw commentStop('find the comment', where, error)
  }
  return { ours: ours.sort((a, b) => a.comment.id - b.comment.id), ...(account !== undefined ? { account } : {}) }
}

/**
 * Two runs racing on one pull request can both find no comment and both create one. So after
 * creating, list again: of this key's own comments that were not there before this run wrote
 * (this run's and those of racing runs), keep the newest run's and delete the others. Every
 * racing run keeps the same one, so the pull request ends with one comment whichever lists last.
 * A failure here is a message: the comment was written.
 */
async function settleRace(octokit: Octokit, options: PublishOptions, created: IssueComment, before: Set<number>): Promise<PublishResult> {
  const { owner, repo, issueNumber, run } = options
  // The account GitHub says wrote the new comment is the token's own: no need to ask `viewer`.
  const author = options.author ?? (typeof created.user?.id === 'number' ? { id: created.user.id, login: created.user.login } : undefined)
  let fresh: OurComment[]
  try {
    const { ours: listed } = await listOurs(octokit, options, author)
    fresh = listed.filter((c) => !before.has(c.comment.id))
    // GitHub may not list a comment the moment it is written: it is still this run's to weigh.
    if (!fresh.some((c) => c.comment.id === created.id))
      fresh.push({ comment: created, marker: { key: options.key, run: run.id, attempt: run.attempt, sha: run.sha } })
  } catch (error) {
    return {
      action: 'created',
      url: created.html_url,
      message: `The comment was posted, but whether a concurrent run posted one too is unknown: ${describeError(error)}`,
    }
  }
  const keeper = keeperOf(fresh.map((c) => ({ ...c, id: c.comment.id })))
  if (!keeper || fresh.length === 1) return { action: 'created', url: created.html_url }
  const duplicates = fresh.filter((c) => c.comment.id !== keeper.id)
  let failure: string | undefined
  try {
    await deleteComments(octokit, owner, repo, duplicates)
  } catch (error) {
    failure = commentStop('delete a duplicate comment', `${owner}/${repo}#${issueNumber}`, error).message
  }
  const m = keeper.marker
  const said =
    keeper.id === created.id
      ? `A concurrent run posted this pull request's comment too; ${failure ? 'its duplicate could not be removed' : 'its duplicate was removed'}.`
      : `A concurrent run (run ${m.run}, attempt ${m.attempt}) posted this pull request's comment too and is newer; ` +
        `${failure ? 'this run could not remove its own duplicate' : "this run's duplicate was removed"}.`
  const message = failure ? `${said} ${failure}` : said
  return keeper.id === created.id
    ? { action: 'created', url: created.html_url, message }
    : { action: 'skipped-newer', url: keeper.comment.html_url, message }
}

async function deleteComments(octokit: Octokit, owner: string, repo: string, old: OurComment[]): Promise<void> {
  for (const { comment } of old) {
    try {
      await octokit.rest.issues.deleteComment({ owner, repo, comment_id: comment.id })
    } catch (error) {
      if (statusOf(error) !== 404) throw error // already gone is fine
    }
  }
}

const MINIMIZED_QUERY = `query($ids: [ID!]!) { nodes(ids: $ids) { ... on IssueComment { id isMinimized } } }`
const MINIMIZE_MUTATION = `mutation($subjectId: ID!) {
  minimizeComment(input: { subjectId: $subjectId, classifier: OUTDATED }) { minimizedComment { isMinimized } }
}`

/** Minimises the old comments as outdated; REST does not say which are already hidden, so GraphQL is asked first. */
async function hideComments(octokit: Octokit, old: OurComment[]): Promise<void> {
  const hidden = new Set<string>()
  for (let i = 0; i < old.length; i += 100) {
    const ids = old.slice(i, i + 100).map((c) => c.comment.node_id)
    const { nodes } = await octokit.graphql<{ nodes: ({ id?: string; isMinimized?: boolean } | null)[] }>(MINIMIZED_QUERY, { ids })
    for (const node of nodes) if (node?.id && node.isMinimized) hidden.add(node.id)
  }
  for (const { comment } of old) {
    if (hidden.has(comment.node_id)) continue
    try {
      await octokit.graphql(MINIMIZE_MUTATION, { subjectId: comment.node_id })
    } catch (error) {
      if (!graphqlErrorTypes(error).includes('NOT_FOUND')) throw error // deleted meanwhile is fine
    }
  }
}
