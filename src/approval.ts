/**
 * Approved exceptions (SPEC section 9), the pure half: which review counts as an approval, how a
 * repository role compares with `approval-permission`, and what an approval does to the verdict.
 * The reads are in github/approval.ts; this file does no I/O.
 */
import type { Approval, ApprovalCheck, ApprovalPermission, Policy, Verdict } from './types.js'

/** One pull-request review as GitHub lists it (REST `pulls/{n}/reviews`, in the order submitted). */
export interface ReviewFact {
  /** undefined for a deleted account ("ghost"). */
  login?: string
  /** APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED, PENDING. */
  state: string
  /** The commit reviewed; null when that commit no longer exists. */
  commitId: string | null
  url: string
  submittedAt?: string
}

/** A user's permission on the repository (REST `collaborators/{username}/permission`). */
export interface PermissionFact {
  /** The legacy base role: admin, write, read or none (maintain shows as write, triage as read). */
  permission: string
  /** The role's name: admin, maintain, write, triage, read, or a custom role's name. */
  roleName: string
  /** `user.permissions`, when GitHub sends it: what the role grants, custom roles included. */
  grants?: Partial<Record<'admin' | 'maintain' | 'push' | 'triage' | 'pull', boolean>>
}

/** Everything the decision needs, as read from GitHub. */
export interface ApprovalFacts {
  label: string
  /** The pull request's labels now (not the event's, which can be stale). */
  labels: string[]
  author: string
  /** The head commit this run priced. */
  head: string
  /** The pull request's head on GitHub now; another than `head` means a push came since the run began. */
  currentHead?: string
  reviews: ReviewFact[]
  /** The permission of each login `approvalCandidates` named, keyed by the login in lower case (absent: not read). */
  permissions: ReadonlyMap<string, PermissionFact>
  required: ApprovalPermission
}

const LEVELS = ['none', 'read', 'triage', 'write', 'maintain', 'admin'] as const
type Level = (typeof LEVELS)[number]
const rank = (level: string): number => LEVELS.indexOf(level as Level)

// Reviews that decide a reviewer's standing: a later comment-only review leaves an approval in place.
const DECISIVE = new Set(['APPROVED', 'CHANGES_REQUESTED', 'DISMISSED'])

/**
 * A user's repository level from GitHub's answer. `permission` alone cannot tell maintain from
 * write (nor a custom role built on either), so the highest of the three sources counts: the
 * legacy permission, a base role's name, and the grants. A custom role whose grants are not sent
 * counts at its legacy level (write, for one built on maintain): never higher than shown.
 */
export function permissionLevel(fact: PermissionFact): Level {
  const grants = fact.grants ?? {}
  const fromGrants = grants.admin
    ? 'admin'
    : grants.maintain
      ? 'maintain'
      : grants.push
        ? 'write'
        : grants.triage
          ? 'triage'
          : grants.pull
            ? 'read'
            : 'none'
  const best = Math.max(rank(fact.permission), rank(fact.roleName.toLowerCase()), rank(fromGrants), 0)
  return LEVELS[best]!
}

/** The role as a reader knows it: a base role's name, or a custom role with the level it counts at. */
function describeRole(fact: PermissionFact, level: Level): string {
  const role = fact.roleName.toLowerCase()
  return rank(role) >= 0 ? role : `custom role "${fact.roleName}", counted as ${level}`
}

const sameLogin = (a: string | undefined, b: string | undefined): boolean =>
  a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase()
const short = (sha: string): string => sha.slice(0, 7)

/** Each reviewer's reviews, most recently decisive reviewer first; each list in the order submitted. */
function byReviewer(reviews: readonly ReviewFact[]): { login: string; latest: ReviewFact; approvedBefore: boolean }[] {
  const seen = new Map<string, ReviewFact[]>()
  for (const review of reviews) {
    if (review.login === undefined || !DECISIVE.has(review.state)) continue
    const key = review.login.toLowerCase()
    seen.set(key, [...(seen.get(key) ?? []), review])
  }
  const reviewers = [...seen.values()].map((list) => ({
    login: list.at(-1)!.login!,
    latest: list.at(-1)!,
    approvedBefore: list.slice(0, -1).some((r) => r.state === 'APPROVED'),
    order: reviews.lastIndexOf(list.at(-1)!),
  }))
  return reviewers.sort((a, b) => b.order - a.order)
}

/** Logins whose latest decisive review approves the head commit and who are not the author: whose permission to read. */
export function approvalCandidates(facts: Pick<ApprovalFacts, 'author' | 'head' | 'reviews'>): string[] {
  return byReviewer(facts.reviews)
    .filter((r) => r.latest.state === 'APPROVED' && r.latest.commitId === facts.head && !sameLogin(r.login, facts.author))
    .map((r) => r.login)
}

/**
 * The approval that counts (SPEC 9): the label on the pull request now, and the latest decisive
 * review of a user other than the author, APPROVED, on the head commit, whose permission is at
 * least `required`. The most recent such review wins. Every review that looks like an approval
 * and does not count is named, with why: by the author, on another commit, dismissed, replaced by
 * a later request for changes, or by a user below the permission (saying theirs).
 */
export function decideApproval(facts: ApprovalFacts): ApprovalCheck {
  const labelled = facts.labels.some((name) => name.toLowerCase() === facts.label.toLowerCase())
  if (!labelled) return { kind: 'read', label: facts.label, required: facts.required, labelled: false, rejected: [] }
  if (facts.currentHead !== undefined && facts.currentHead !== facts.head) {
    // A push came after the event: the workspace may hold either commit, so no approval can be tied to what was priced.
    const moved = `The pull request's head is now ${short(facts.currentHead)}, not the commit this run priced (${short(facts.head)}): no approval counts here; the run for the new head judges it.`
    return { kind: 'read', label: facts.label, required: facts.required, labelled: true, rejected: [moved] }
  }
  let approval: Approval | undefined
  const rejected: string[] = []
  for (const { login, latest, approvedBefore } of byReviewer(facts.reviews)) {
    const who = `@${login}`
    if (latest.state === 'DISMISSED') {
      rejected.push(`${who}'s review was dismissed: a dismissed review approves nothing.`)
    } else if (latest.state === 'CHANGES_REQUESTED') {
      if (approvedBefore) rejected.push(`${who} approved, then requested changes: their latest review is the one that counts.`)
    } else if (sameLogin(login, facts.author)) {
      rejected.push(`${who} is the pull request's author: an author's own approval does not count.`)
    } else if (latest.commitId !== facts.head) {
      const on = latest.commitId === null ? 'a commit that no longer exists' : `commit ${short(latest.commitId)}`
      rejected.push(`${who} approved ${on}, not the head commit ${short(facts.head)}: a new push needs a new approval.`)
    } else {
      const fact = facts.permissions.get(login.toLowerCase())
      if (fact === undefined) {
        rejected.push(`${who}'s permission on the repository was not read.`)
        continue
      }
      const level = permissionLevel(fact)
      const role = describeRole(fact, level)
      if (rank(level) < rank(facts.required)) {
        rejected.push(`${who} has ${role} permission; \`approval-permission\` asks for ${facts.required} or higher.`)
      } else if (approval === undefined) {
        approval = { login, role, reviewUrl: latest.url, commit: facts.head, submittedAt: latest.submittedAt ?? '' }
      }
    }
  }
  return { kind: 'read', label: facts.label, required: facts.required, labelled: true, ...(approval ? { approval } : {}), rejected }
}

/**
 * The rules an approval lifts (SPEC 9): the reserve down to 0 (the balance still must not go
 * negative), no cap, no warning level. Judged with the same rules code, what is left is what
 * no approval can pass: a negative balance, Layer's own "insufficient", an unknown total.
 */
export function liftedPolicy(policy: Policy): Policy {
  return { minRemaining: 0, failOnInsufficient: policy.failOnInsufficient }
}

/**
 * The verdict with the approval check recorded on it. `floor` is the same pricing judged under
 * `liftedPolicy` (and without the open-pull-requests check of section 8, which an approval lifts
 * too). A counting approval turns an `over` or `warn` verdict into the floor's when the floor is
 * within budget, recording the sentences it lifted; otherwise the verdict stands and the record
 * says why the approval could not help.
 */
export function applyApproval(verdict: Verdict, floor: Verdict, check: ApprovalCheck): Verdict {
  const approval = check.kind === 'read' ? check.approval : undefined
  if (approval === undefined || verdict.status === 'within') return { ...verdict, approval: { check, lifted: [] } }
  if (verdict.status === 'error' || floor.status === 'error') {
    return {
      ...verdict,
      approval: { check, lifted: [], notLifted: 'An approval cannot pass a total that could not be computed.' },
    }
  }
  if (floor.status !== 'within') {
    return {
      ...verdict,
      approval: { check, lifted: [], notLifted: `An approval cannot lift this: ${floor.reasons.join(' ')}` },
    }
  }
  return { ...floor, approval: { check, lifted: verdict.reasons } }
}
