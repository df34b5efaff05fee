/** Approved exceptions (SPEC 9), the pure half: which review counts, roles against the input, and what an approval lifts. */
import { describe, expect, it } from '@jest/globals'
import {
  applyApproval,
  approvalCandidates,
  decideApproval,
  liftedPolicy,
  permissionLevel,
  type ApprovalFacts,
  type PermissionFact,
  type ReviewFact,
} from '../src/approval.js'
import { decideVerdict } from '../src/budget.js'
import { buildPlan } from '../src/pricing/plan.js'
import { priceGenerations } from '../src/pricing/price.js'
import type { ApprovalCheck, Policy, RequestOutcome, Verdict } from '../src/types.js'
import { WORKSPACE, failed, gen, ok } from './fixtures/report/generations.js'

const HEAD = 'c0ffee0011223344556677889900aabbccddeeff'
const OLD = 'dead000011223344556677889900aabbccddeeff'
const role = (roleName: string, permission: string, grants?: PermissionFact['grants']): PermissionFact => ({
  permission,
  roleName,
  ...(grants ? { grants } : {}),
})
const MAINTAINER = role('maintain', 'write', { maintain: true, push: true, triage: true, pull: true })
const WRITER = role('write', 'write', { push: true, triage: true, pull: true })

let minute = 0
function review(login: string | undefined, state: string, commitId: string | null = HEAD): ReviewFact {
  minute += 1
  return {
    ...(login !== undefined ? { login } : {}),
    state,
    commitId,
    url: `https://github.com/acme/art/pull/42#pullrequestreview-${minute}`,
    submittedAt: `2026-12-01T09:${String(minute % 60).padStart(2, '0')}:00Z`,
  }
}

function facts(reviews: ReviewFact[], permissions: Record<string, PermissionFact> = {}, more: Partial<ApprovalFacts> = {}): ApprovalFacts {
  return {
    label: 'budget-exception',
    labels: ['art', 'Budget-Exception'],
    author: 'contributor',
    head: HEAD,
    reviews,
    permissions: new Map(Object.entries(permissions).map(([login, fact]) => [login.toLowerCase(), fact])),
    required: 'maintain',
    ...more,
  }
}

const approvalOf = (check: ApprovalCheck) => (check.kind === 'read' ? check.approval : undefined)

describe('permissionLevel: GitHub’s answer against approval-permission', () => {
  it('tells maintain from write though the legacy `permission` says write for both', () => {
    expect(permissionLevel(MAINTAINER)).toBe('maintain')
    expect(permissionLevel(WRITER)).toBe('write')
    // Without the grants, the role's name still tells.
    expect(permissionLevel(role('maintain', 'write'))).toBe('maintain')
    expect(permissionLevel(role('admin', 'admin'))).toBe('admin')
    expect(permissionLevel(role('triage', 'read'))).toBe('triage')
    expect(permissionLevel(role('none', 'none'))).toBe('none')
  })

  it('reads a custom role by what it grants, and without grants at no more than its legacy level', () => {
    expect(permissionLevel(role('release-manager', 'write', { maintain: true, push: true, pull: true }))).toBe('maintain')
    expect(permissionLevel(role('release-manager', 'write', { push: true, pull: true }))).toBe('write')
    // Built on maintain, but the answer does not say so: counted as write, never guessed higher.
    expect(permissionLevel(role('release-manager', 'write'))).toBe('write')
    expect(permissionLevel(role('security-reviewer', 'read'))).toBe('read')
  })
})

describe('decideApproval: the decision table', () => {
  it('counts an APPROVED review on the head commit by a maintainer who is not the author', () => {
    const approved = review('maria', 'APPROVED')
    const check = decideApproval(facts([approved], { maria: MAINTAINER }))
    expect(check).toEqual({
      kind: 'read',
      label: 'budget-exception',
      required: 'maintain',
      labelled: true,
      approval: { login: 'maria', role: 'maintain', reviewUrl: approved.url, commit: HEAD, submittedAt: approved.submittedAt },
      rejected: [],
    })
  })

  it('does nothing without the label, however many approvals (the label is matched as GitHub does, ignoring case)', () => {
    const check = decideApproval(facts([review('maria', 'APPROVED')], { maria: MAINTAINER }, { labels: ['art'] }))
    expect(check).toEqual({ kind: 'read', label: 'budget-exception', required: 'maintain', labelled: false, rejected: [] })
  })

  it('names each review that does not count, and why', () => {
    const check = decideApproval(
      facts(
        [
          review('contributor', 'APPROVED'),
          review('walt', 'APPROVED'),
          review('olga', 'APPROVED', OLD),
          review('gone', 'APPROVED', null),
          review('dina', 'DISMISSED'),
          review('carl', 'APPROVED'),
          review('carl', 'CHANGES_REQUESTED'),
          review('cora', 'APPROVED'),
          review(undefined, 'APPROVED'),
        ],
        { walt: WRITER, cora: role('release-manager', 'write') },
      ),
    )
    expect(approvalOf(check)).toBeUndefined()
    expect(check.kind === 'read' ? check.rejected : []).toEqual([
      '@cora has custom role "release-manager", counted as write permission; `approval-permission` asks for maintain or higher.',
      '@carl approved, then requested changes: their latest review is the one that counts.',
      "@dina's review was dismissed: a dismissed review approves nothing.",
      '@gone approved a commit that no longer exists, not the head commit c0ffee0: a new push needs a new approval.',
      '@olga approved commit dead000, not the head commit c0ffee0: a new push needs a new approval.',
      '@walt has write permission; `approval-permission` asks for maintain or higher.',
      "@contributor is the pull request's author: an author's own approval does not count.",
    ])
  })

  it('lets the latest decisive review of each user win: a later approval restores, a comment changes nothing', () => {
    const later = review('maria', 'APPROVED')
    const reviews = [review('maria', 'CHANGES_REQUESTED'), later, review('maria', 'COMMENTED')]
    const check = decideApproval(facts(reviews, { maria: MAINTAINER }))
    expect(approvalOf(check)?.reviewUrl).toBe(later.url)
    // An approval of an older commit, then a push and only a comment on the new head: stale.
    const stale = decideApproval(facts([review('maria', 'APPROVED', OLD), review('maria', 'COMMENTED')], { maria: MAINTAINER }))
    expect(approvalOf(stale)).toBeUndefined()
  })

  it('takes the most recent counting approval, and a write user under approval-permission: write', () => {
    const first = review('maria', 'APPROVED')
    const second = review('walt', 'APPROVED')
    const check = decideApproval(facts([first, second], { maria: MAINTAINER, walt: WRITER }, { required: 'write' }))
    expect(approvalOf(check)?.login).toBe('walt')
    const admins = decideApproval(facts([first], { maria: MAINTAINER }, { required: 'admin' }))
    expect(admins.kind === 'read' && admins.rejected).toEqual([
      '@maria has maintain permission; `approval-permission` asks for admin or higher.',
    ])
  })

  it('asks for the permission of approvers on the head who are not the author, most recent first', () => {
    const reviews = [
      review('maria', 'APPROVED'),
      review('contributor', 'APPROVED'),
      review('olga', 'APPROVED', OLD),
      review('walt', 'APPROVED'),
      review('dina', 'DISMISSED'),
    ]
    expect(approvalCandidates({ author: 'Contributor', head: HEAD, reviews })).toEqual(['walt', 'maria'])
  })

  it('counts nothing when the pull request moved on since the run began (its head on GitHub is not the commit priced)', () => {
    const check = decideApproval(facts([review('maria', 'APPROVED')], { maria: MAINTAINER }, { currentHead: OLD }))
    expect(approvalOf(check)).toBeUndefined()
    expect(check.kind === 'read' && check.rejected).toEqual([
      "The pull request's head is now dead000, not the commit this run priced (c0ffee0): no approval counts here; the run for the new head judges it.",
    ])
    expect(approvalOf(decideApproval(facts([review('maria', 'APPROVED')], { maria: MAINTAINER }, { currentHead: HEAD })))?.login).toBe(
      'maria',
    )
  })

  it('never counts an approval whose permission was not read', () => {
    const check = decideApproval(facts([review('maria', 'APPROVED')]))
    expect(check.kind === 'read' && check.rejected).toEqual(["@maria's permission on the repository was not read."])
  })
})

describe('applyApproval', () => {
  const reserve: Policy = { minRemaining: 2_000_000_000, failOnInsufficient: true }
  const approved: ApprovalCheck = {
    kind: 'read',
    label: 'budget-exception',
    required: 'maintain',
    labelled: true,
    approval: { login: 'maria', role: 'maintain', reviewUrl: 'https://github.com/x', commit: HEAD, submittedAt: '2026-12-01T09:00:00Z' },
    rejected: [],
  }
  const none: ApprovalCheck = { kind: 'read', label: 'budget-exception', required: 'maintain', labelled: true, rejected: ['…'] }

  /** The verdict on one generation answered by `outcome`, with and without the approval. */
  function judged(outcome: RequestOutcome, policy: Policy, check: ApprovalCheck): { plain: Verdict; approved: Verdict } {
    const pricing = priceGenerations(buildPlan(WORKSPACE, [gen('g')]), [outcome])
    const plain = decideVerdict(pricing, policy)
    return { plain, approved: applyApproval(plain, decideVerdict(pricing, liftedPolicy(policy)), check) }
  }

  it('lifts the reserve, recording the sentence it lifted', () => {
    const { plain, approved: verdict } = judged(ok(600, 2500), reserve, approved)
    expect(plain.status).toBe('over')
    expect(verdict).toEqual({
      status: 'within',
      sufficient: true,
      total: 600_000_000,
      balance: 2_500_000_000,
      remaining: 1_900_000_000,
      reasons: [],
      breaches: [],
      passes: true,
      approval: { check: approved, lifted: plain.reasons },
    })
    expect(plain.reasons[0]).toMatch(/short of the reserve of 2,000 CU/)
  })

  it('lifts the cap and the warning level', () => {
    const cap = judged(ok(600, 2500), { minRemaining: 0, maxTotal: 100_000_000, failOnInsufficient: true }, approved)
    expect(cap.plain.status).toBe('over')
    expect(cap.approved.status).toBe('within')
    expect(cap.approved.approval?.lifted).toEqual(cap.plain.reasons)
    const warn = judged(ok(600, 2500), { minRemaining: 0, warnRemaining: 2_000_000_000, failOnInsufficient: true }, approved)
    expect(warn.plain.status).toBe('warn')
    expect(warn.approved).toMatchObject({ status: 'within', passes: true, reasons: [], approval: { lifted: warn.plain.reasons } })
  })

  it('never passes a balance that would go negative, even with the reserve and the cap lifted', () => {
    const { plain, approved: verdict } = judged(ok(3000, 2500), { ...reserve, maxTotal: 1_000_000 }, approved)
    expect(verdict.status).toBe('over')
    expect(verdict.passes).toBe(false)
    expect(verdict.reasons).toEqual(plain.reasons)
    expect(verdict.approval?.lifted).toEqual([])
    expect(verdict.approval?.notLifted).toMatch(/^An approval cannot lift this: .*the balance would go negative by 500 CU/)
  })

  it('never passes what Layer itself says the workspace cannot pay', () => {
    const layerSaysNo: RequestOutcome = {
      ok: true,
      response: {
        estimated_price_creative_units: 10,
        workspace_balance_creative_units: 2500,
        estimated_remaining_balance_creative_units: 2490,
        has_sufficient_creative_units: false,
      },
    }
    const { approved: verdict } = judged(layerSaysNo, reserve, approved)
    expect(verdict.status).toBe('over')
    expect(verdict.passes).toBe(false)
    expect(verdict.approval?.notLifted).toMatch(/has_sufficient_creative_units: false/)
  })

  it('never passes a total that could not be computed', () => {
    const { plain, approved: verdict } = judged(failed('server', 'Layer answered 500'), reserve, approved)
    expect(verdict).toEqual({
      ...plain,
      approval: { check: approved, lifted: [], notLifted: 'An approval cannot pass a total that could not be computed.' },
    })
    expect(verdict.passes).toBe(false)
  })

  it('changes nothing without a counting approval, or when nothing needs lifting, but records the check', () => {
    const over = judged(ok(600, 2500), reserve, none)
    expect(over.approved).toEqual({ ...over.plain, approval: { check: none, lifted: [] } })
    const unread: ApprovalCheck = { kind: 'unread', label: 'budget-exception', required: 'maintain', warning: 'GitHub answered 500' }
    expect(judged(ok(600, 2500), reserve, unread).approved).toEqual({ ...over.plain, approval: { check: unread, lifted: [] } })
    const within = judged(ok(6, 2500), reserve, approved)
    expect(within.approved).toEqual({ ...within.plain, approval: { check: approved, lifted: [] } })
  })

  it('keeps advisory mode: an approved run passes as within, an unapprovable one is still reported over', () => {
    const advisory = { ...reserve, failOnInsufficient: false }
    expect(judged(ok(600, 2500), advisory, approved).approved.status).toBe('within')
    expect(judged(ok(3000, 2500), advisory, approved).approved).toMatchObject({ status: 'over', passes: true })
  })
})
