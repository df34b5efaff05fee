/**
 * Approved exceptions (SPEC section 9), the reads: the pull request's labels and author as they are
 * now (the event's copy can be stale), its reviews, and the permission of each reviewer whose
 * approval could count. The decision is approval.ts's. A failed or malformed read is never an
 * approval: it comes back as an `unread` check, and the pull request is judged on its own figures.
 */
import { approvalCandidates, decideApproval, type PermissionFact, type ReviewFact } from '../approval.js'
import { describeError } from '../errors.js'
import type { Redactor } from '../secrets.js'
import type { ApprovalCheck, ApprovalPermission } from '../types.js'
import type { Octokit } from './octokit.js'

/** Which pull request, at which head, under which label and permission. */
export interface ApprovalQuery {
  owner: string
  repo: string
  number: number
  /** The head commit this run priced: the one an approval must be on. */
  head: string
  label: string
  required: ApprovalPermission
}

/** Most reviews read (100 a page): past it the latest reviews might be missed, so nothing counts. */
const MAX_REVIEW_PAGES = 30
/** Most reviewers whose permission is read: each is one request, and one approver is enough. */
const MAX_PERMISSION_READS = 10

/** A read that cannot be trusted (an answer not as GitHub documents it, too many reviews); its message says why. */
class Unreadable extends Error {}

function malformed(what: string): Unreadable {
  return new Unreadable(`GitHub's answer is not what its API documents (${what})`)
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed(`${what} is not an object`)
  return value as Record<string, unknown>
}

function text(value: unknown, what: string): string {
  if (typeof value !== 'string') throw malformed(`${what} is not a string`)
  return value
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status
  return typeof status === 'number' ? status : undefined
}

/** Reads what the approval decision needs and decides it; never throws. */
export async function readApproval(octokit: Octokit, query: ApprovalQuery, redact: Redactor): Promise<ApprovalCheck> {
  try {
    return await read(octokit, query)
  } catch (error) {
    const status = statusOf(error)
    const why =
      error instanceof Unreadable ? error.message : `GitHub answered ${status !== undefined ? `${status}: ` : ''}${describeError(error)}`
    return {
      kind: 'unread',
      label: query.label,
      required: query.required,
      warning: redact(
        `The approval (label \`${query.label}\`) could not be checked: ${why}. No approval counts: the pull request is judged on its own figures.`,
      ),
    }
  }
}

async function read(octokit: Octokit, query: ApprovalQuery): Promise<ApprovalCheck> {
  const { owner, repo, number, label, head, required } = query
  const pull = record((await octokit.rest.pulls.get({ owner, repo, pull_number: number })).data, 'the pull request')
  const labels = pull['labels']
  if (!Array.isArray(labels)) throw malformed('the pull request has no list of labels')
  const names = labels.map((l, i) => text(record(l, `label ${i}`)['name'], `label ${i}'s name`))
  const author = text(record(pull['user'], "the pull request's author")['login'], "the author's login")
  const currentHead = text(record(pull['head'], "the pull request's head")['sha'], "the head's sha")
  const base = { label, labels: names, author, head, currentHead, required }
  if (currentHead !== head || !names.some((name) => name.toLowerCase() === label.toLowerCase())) {
    return decideApproval({ ...base, reviews: [], permissions: new Map() })
  }

  const reviews: ReviewFact[] = []
  let pages = 0
  for await (const page of octokit.paginate.iterator(octokit.rest.pulls.listReviews, { owner, repo, pull_number: number, per_page: 100 })) {
    if (++pages > MAX_REVIEW_PAGES)
      throw new Unreadable(`the pull request has more than ${MAX_REVIEW_PAGES * 100} reviews, too many to read`)
    if (!Array.isArray(page.data)) throw malformed('the reviews are not a list')
    for (const [i, item] of (page.data as unknown[]).entries()) reviews.push(reviewFact(item, i))
  }

  const permissions = new Map<string, PermissionFact>()
  for (const login of approvalCandidates({ author, head, reviews }).slice(0, MAX_PERMISSION_READS)) {
    permissions.set(login.toLowerCase(), await permissionOf(octokit, owner, repo, login))
  }
  return decideApproval({ ...base, reviews, permissions })
}

function reviewFact(item: unknown, i: number): ReviewFact {
  const review = record(item, `review ${i}`)
  const user = review['user']
  const commitId = review['commit_id']
  const submittedAt = review['submitted_at']
  if (commitId !== null && typeof commitId !== 'string') throw malformed(`review ${i}'s commit_id is not a string`)
  return {
    // A deleted account leaves `user` null: nobody to hold a permission.
    ...(user === null ? {} : { login: text(record(user, `review ${i}'s user`)['login'], `review ${i}'s login`) }),
    state: text(review['state'], `review ${i}'s state`),
    commitId,
    url: text(review['html_url'], `review ${i}'s html_url`),
    ...(typeof submittedAt === 'string' ? { submittedAt } : {}),
  }
}

async function permissionOf(octokit: Octokit, owner: string, repo: string, username: string): Promise<PermissionFact> {
  let data: unknown
  try {
    data = (await octokit.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username })).data
  } catch (error) {
    // Not a collaborator (or not a user any more): no permission at all.
    if (statusOf(error) === 404) return { permission: 'none', roleName: 'none' }
    throw error
  }
  const answer = record(data, `${username}'s permission`)
  const user = answer['user']
  const grants = typeof user === 'object' && user !== null ? (user as Record<string, unknown>)['permissions'] : undefined
  return {
    permission: text(answer['permission'], `${username}'s permission`),
    // Older GitHub Enterprise Servers send no role_name: the legacy permission is all there is.
    roleName: typeof answer['role_name'] === 'string' ? answer['role_name'] : text(answer['permission'], `${username}'s permission`),
    ...(typeof grants === 'object' && grants !== null ? { grants: booleans(grants as Record<string, unknown>) } : {}),
  }
}

function booleans(grants: Record<string, unknown>): PermissionFact['grants'] {
  const out: NonNullable<PermissionFact['grants']> = {}
  for (const key of ['admin', 'maintain', 'push', 'triage', 'pull'] as const) if (grants[key] === true) out[key] = true
  return out
}
