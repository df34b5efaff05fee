/**
 * SPEC section 8, the GitHub half: the open pull requests on one base branch and what their gate
 * comments commit, read through GraphQL. One query lists up to 100 pull requests with their head
 * commit and first 100 comments (and the token's own account, `viewer`, which the sticky comment
 * needs too); a second lists the next 100 comments of every pull request that has more, all of
 * them in one request through aliases. So up to 100 open pull requests with up to 200 comments
 * each cost two requests. Beyond that it pages on, bounded: at most MAX_READ_REQUESTS requests
 * (what was not reached then is said, `incomplete`, not guessed) within READ_BUDGET_MS in all
 * (past it the read failed, and the pull request is judged alone).
 * It never throws: GitHub failing is a reason, and the pull request is judged alone.
 */
import { describeError } from '../errors.js'
import { escapeField, keeperOf, parseMarker, parseCommitment, type Marker } from './marker.js'
import type { Account } from './comment.js'
import type { Octokit } from './octokit.js'
import type { CommittedPullRequest, OpenPullRequestsRead } from '../together.js'

/** GraphQL requests one read may send at most: 10 pages of 100 pull requests, or fewer when comments need pages. */
export const MAX_READ_REQUESTS = 10
/** The longest one read may take in all, in milliseconds, retries included; the pricing runs meanwhile. */
export const READ_BUDGET_MS = 30_000
/** Pull requests whose next comments one request asks for (100 × 100 comments: 10,000 nodes, far under GitHub's 500,000). */
const COMMENT_PAGES_PER_REQUEST = 100

const COMMENT_FIELDS = `pageInfo { hasNextPage endCursor }
    nodes { databaseId body author { login ... on Bot { databaseId } ... on User { databaseId } } }`

/** The open pull requests on `base`, 100 a page, each with its first 100 comments; and the token's own account. */
export const OPEN_PULL_REQUESTS_QUERY = `query($owner: String!, $name: String!, $base: String!, $after: String) {
  viewer { login databaseId }
  repository(owner: $owner, name: $name) {
    pullRequests(states: [OPEN], baseRefName: $base, first: 100, after: $after, orderBy: { field: CREATED_AT, direction: ASC }) {
      pageInfo { hasNextPage endCursor }
      nodes {
        id
        number
        headRefOid
        comments(first: 100) { ${COMMENT_FIELDS} }
      }
    }
  }
}`

/** The next 100 comments of each of `count` pull requests (by node id and cursor), in one request. */
export function moreCommentsQuery(count: number): string {
  const variables = Array.from({ length: count }, (_, i) => `$id${i}: ID!, $after${i}: String`).join(', ')
  const fields = Array.from(
    { length: count },
    (_, i) => `  pr${i}: node(id: $id${i}) { ... on PullRequest { comments(first: 100, after: $after${i}) { ${COMMENT_FIELDS} } } }`,
  ).join('\n')
  return `query(${variables}) {\n${fields}\n}`
}

/** Where to read, and whose comments count. */
export interface ReadOptions {
  owner: string
  repo: string
  /** The base branch's name (`main`): the pull requests that merge into it draw on the same balance. */
  base: string
  /** `comment-key`: only this gate's comments. */
  key: string
  /** Said at debug level: a comment that records nothing readable, and why. */
  debug?: (message: string) => void
  /** The whole read's time budget in milliseconds (default READ_BUDGET_MS); a request in flight then is aborted. */
  budgetMs?: number
}

/** The read's answer: the commitments, and the token's own account (for the sticky comment, which need not ask again). */
export type ReadResult = OpenPullRequestsRead & { viewer?: Account }

/** A comment as GraphQL lists it (only the fields asked for). */
interface CommentNode {
  databaseId: number | null
  body: string
  author: { login: string; databaseId?: number | null } | null
}

interface CommentPage {
  pageInfo: { hasNextPage: boolean; endCursor: string | null }
  nodes: (CommentNode | null)[]
}

/** One pull request's state while its comments are read. */
interface PullRequestRead {
  id: string
  number: number
  headSha: string
  comments: CommentNode[]
  /** Cursor of the next page of comments, while there is one. */
  next?: string
}

/**
 * Reads the open pull requests on `base` and the commitments of their gate comments: only
 * comments written by the token's own account (`viewer`, by numeric id: anyone can paste a
 * marker), with this `comment-key`; of several, the newest run's. Never throws.
 */
export async function readOpenPullRequests(octokit: Octokit, options: ReadOptions): Promise<ReadResult> {
  const budgetMs = options.budgetMs ?? READ_BUDGET_MS
  // One deadline for the whole read, retries included: a request in flight when it passes is aborted.
  const signal = AbortSignal.timeout(budgetMs)
  let requests = 0
  const pullRequests: PullRequestRead[] = []
  let viewer: Account | undefined
  const where = `the open pull requests of ${options.owner}/${options.repo} on ${options.base}`
  try {
    let after: string | null = null
    let morePullRequests = true
    while (morePullRequests && requests < MAX_READ_REQUESTS) {
      requests += 1
      const answer: unknown = await octokit.graphql(OPEN_PULL_REQUESTS_QUERY, {
        owner: options.owner,
        name: options.repo,
        base: options.base,
        after,
        request: { signal },
      })
      const page = checkedPullRequestPage(answer)
      viewer ??= page.viewer
      pullRequests.push(...page.pullRequests)
      morePullRequests = page.hasNextPage && page.endCursor !== null
      after = page.endCursor
    }
    let waiting = pullRequests.filter((pr) => pr.next !== undefined)
    while (waiting.length > 0 && requests < MAX_READ_REQUESTS) {
      const batch = waiting.slice(0, COMMENT_PAGES_PER_REQUEST)
      requests += 1
      const variables: Record<string, string> = {}
      batch.forEach((pr, i) => {
        variables[`id${i}`] = pr.id
        variables[`after${i}`] = pr.next ?? ''
      })
      const answer: unknown = await octokit.graphql(moreCommentsQuery(batch.length), { ...variables, request: { signal } })
      batch.forEach((pr, i) => {
        const page = checkedCommentPage((answer as Record<string, { comments?: unknown } | null> | null)?.[`pr${i}`]?.comments)
        pr.comments.push(...page.comments)
        pr.next = page.next
      })
      waiting = pullRequests.filter((pr) => pr.next !== undefined)
    }
    if (viewer === undefined) throw new TypeError('the answer does not name the token’s account (viewer)')
    const unread = pullRequests.filter((pr) => pr.next !== undefined).length
    const incomplete =
      morePullRequests || unread > 0
        ? `GitHub was read for at most ${MAX_READ_REQUESTS} requests: ` +
          (morePullRequests ? `the open pull requests past the first ${pullRequests.length} were not read` : '') +
          (morePullRequests && unread > 0 ? ', and ' : '') +
          (unread > 0 ? `the comments of ${unread} pull request${unread === 1 ? '' : 's'} were not all read` : '') +
          ', so the others may commit more than shown'
        : undefined
    const committed = commitmentsOf(pullRequests, viewer, options.key, options.debug)
    return { ok: true, pullRequests: committed, viewer, ...(incomplete !== undefined ? { incomplete } : {}) }
  } catch (error) {
    if (signal.aborted) return { ok: false, reason: `GitHub did not list ${where} within ${budgetMs / 1000} s` }
    return { ok: false, reason: readFailure(where, error) }
  }
}

/**
 * Of each pull request's comments, the newest gate comment of this key written by `viewer`, and
 * the commitment it records (pull requests without one are left out). Pure.
 */
export function commitmentsOf(
  pullRequests: readonly Pick<PullRequestRead, 'number' | 'headSha' | 'comments'>[],
  viewer: Account,
  key: string,
  debug: (message: string) => void = () => {},
): CommittedPullRequest[] {
  const escapedKey = escapeField(key)
  const committed: CommittedPullRequest[] = []
  for (const pr of pullRequests) {
    const ours: { id: number; marker: Marker; body: string }[] = []
    for (const comment of pr.comments) {
      // By numeric id: a login can be chosen to look like the gate's, and GraphQL spells a bot's login without "[bot]".
      if (typeof comment.author?.databaseId !== 'number' || comment.author.databaseId !== viewer.id) continue
      const marker = parseMarker(comment.body)
      if (!marker || escapeField(marker.key) !== escapedKey) continue
      ours.push({ id: comment.databaseId ?? 0, marker, body: comment.body })
    }
    const keeper = keeperOf(ours)
    if (!keeper) continue
    const parsed = parseCommitment(keeper.body)
    if ('ignored' in parsed) {
      debug(`#${pr.number}: its gate comment is not counted: ${parsed.ignored}`)
      continue
    }
    committed.push({ number: pr.number, headSha: pr.headSha, commitment: parsed.commitment })
  }
  return committed
}

/** The first query's answer, checked: GitHub answered, but a proxy's page or a cut body is not a listing. */
function checkedPullRequestPage(answer: unknown): {
  viewer?: Account
  pullRequests: PullRequestRead[]
  hasNextPage: boolean
  endCursor: string | null
} {
  const root = record(answer)
  const viewerNode = record(root?.['viewer'])
  const login = viewerNode?.['login']
  const databaseId = viewerNode?.['databaseId']
  const viewer =
    typeof login === 'string' && typeof databaseId === 'number' && Number.isSafeInteger(databaseId) ? { id: databaseId, login } : undefined
  const connection = record(record(root?.['repository'])?.['pullRequests'])
  const pageInfo = record(connection?.['pageInfo'])
  const nodes = connection?.['nodes']
  if (!connection || !pageInfo || typeof pageInfo['hasNextPage'] !== 'boolean' || !Array.isArray(nodes)) {
    throw new TypeError('the answer is not a list of pull requests (repository.pullRequests)')
  }
  const pullRequests = nodes.map((value): PullRequestRead => {
    const node = record(value)
    const number = node?.['number']
    const headSha = node?.['headRefOid']
    const id = node?.['id']
    if (typeof number !== 'number' || !Number.isSafeInteger(number) || typeof headSha !== 'string' || typeof id !== 'string') {
      throw new TypeError('a pull request in the answer has no number, id or head commit')
    }
    const page = checkedCommentPage(node?.['comments'])
    return { id, number, headSha, comments: page.comments, ...(page.next !== undefined ? { next: page.next } : {}) }
  })
  const endCursor = typeof pageInfo['endCursor'] === 'string' ? pageInfo['endCursor'] : null
  return { ...(viewer ? { viewer } : {}), pullRequests, hasNextPage: pageInfo['hasNextPage'], endCursor }
}

function checkedCommentPage(value: unknown): { comments: CommentNode[]; next?: string } {
  const page = record(value) as Partial<CommentPage> | undefined
  const info = record(page?.pageInfo)
  if (!page || !info || typeof info['hasNextPage'] !== 'boolean' || !Array.isArray(page.nodes)) {
    throw new TypeError('the comments of a pull request in the answer are not a list (comments.nodes)')
  }
  const comments: CommentNode[] = []
  for (const value of page.nodes) {
    const node = record(value)
    // A comment whose body is not text (a cut answer) cannot record a commitment: it is skipped, not trusted.
    if (!node || typeof node['body'] !== 'string') continue
    const author = record(node['author'])
    comments.push({
      databaseId: typeof node['databaseId'] === 'number' ? node['databaseId'] : null,
      body: node['body'],
      author:
        author && typeof author['login'] === 'string' ? { login: author['login'], databaseId: numberOrNull(author['databaseId']) } : null,
    })
  }
  const cursor = info['endCursor']
  return info['hasNextPage'] === true && typeof cursor === 'string' ? { comments, next: cursor } : { comments }
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' ? value : null
}

/** Why the read failed, in one sentence: GitHub's status or GraphQL error, else what was wrong with the answer. */
function readFailure(where: string, error: unknown): string {
  const status = (error as { status?: unknown } | null)?.status
  const errors = (error as { errors?: unknown } | null)?.errors
  if (Array.isArray(errors) && errors.length > 0) {
    const first = errors[0] as { type?: unknown; message?: unknown } | null
    const type = typeof first?.type === 'string' ? `${first.type}: ` : ''
    return `GitHub could not list ${where} (GraphQL ${type}${String(first?.message ?? 'an error')})`
  }
  if (typeof status === 'number') {
    const hint = status === 401 || status === 403 ? '; the token needs `pull-requests: read`' : ''
    return `GitHub could not list ${where} (${status}): ${describeError(error)}${hint}`
  }
  if (error instanceof TypeError || error instanceof SyntaxError) {
    return `GitHub's answer when listing ${where} is not what its API documents (${describeError(error)})`
  }
  return `GitHub could not list ${where}: ${describeError(error)}`
}
