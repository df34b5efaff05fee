/** The audit trail of an approved exception (SPEC 9) as Markdown, as the notice, and in the JSON report. */
import { describe, expect, it } from '@jest/globals'
import { approvalNotice, renderApproval } from '../../src/report/approval.js'
import { toJsonReport } from '../../src/report/json.js'
import type { Approval, ApprovalCheck, ApprovalRecord, Report } from '../../src/types.js'

const HEAD = 'c0ffee0011223344556677889900aabbccddeeff'
const APPROVAL: Approval = {
  login: 'maria',
  role: 'maintain',
  reviewUrl: 'https://github.com/acme/art/pull/42#pullrequestreview-80',
  commit: HEAD,
  submittedAt: '2026-12-01T09:01:00Z',
}
const read = (more: Partial<Extract<ApprovalCheck, { kind: 'read' }>> = {}): ApprovalCheck => ({
  kind: 'read',
  label: 'budget-exception',
  required: 'maintain',
  labelled: true,
  rejected: [],
  ...more,
})
const LIFTED = 'After the run 2,482.424 CU would remain, 7.576 CU short of the reserve of 2,490 CU (min-remaining-balance).'

describe('renderApproval', () => {
  it('names the approver, the role, the commit, the time and the review, and lists what it lifted', () => {
    const record: ApprovalRecord = { check: read({ approval: APPROVAL }), lifted: [LIFTED] }
    expect(renderApproval(record, 'within')).toBe(
      '🔓 **Approved exception** (label `budget-exception`): @&#8203;maria (maintain) approved commit c0ffee0 on 2026-12-01 09:01 UTC ' +
        `([review](${APPROVAL.reviewUrl})). It lifts the policy limits:\n\n- ${LIFTED}`,
    )
  })

  it('says when an approval is not enough, or not needed', () => {
    const notEnough: ApprovalRecord = {
      check: read({ approval: APPROVAL }),
      lifted: [],
      notLifted: 'An approval cannot pass a total that could not be computed.',
    }
    expect(renderApproval(notEnough, 'error')).toMatch(
      /^🔒 \*\*Approval not enough\*\* .*, but an approval cannot pass a total that could not be computed\.$/,
    )
    expect(renderApproval({ check: read({ approval: APPROVAL }), lifted: [] }, 'within')).toMatch(
      /not needed, the pull request is within the policy limits\.$/,
    )
  })

  it('lists the reviews that do not count (ten at most), neutralising mentions', () => {
    const rejected = Array.from({ length: 12 }, (_, i) => `@user${i} approved commit dead000, not the head commit c0ffee0.`)
    const text = renderApproval({ check: read({ rejected }), lifted: [] }, 'over')!
    expect(text.split('\n')[0]).toBe(
      '🔒 The label `budget-exception` is on the pull request, but no approval counts yet: someone with maintain permission or higher, not the author, approves the head commit.',
    )
    expect(text).toContain('- @&#8203;user0 approved commit dead000')
    expect(text).not.toMatch(/@user/)
    expect(text).toContain('- _… 2 more reviews that do not count_')
  })

  it('hints at the label only where it could help', () => {
    const unlabelled: ApprovalRecord = { check: read({ labelled: false }), lifted: [] }
    expect(renderApproval(unlabelled, 'within')).toBeUndefined()
    expect(renderApproval(unlabelled, 'error')).toBeUndefined()
    expect(renderApproval(unlabelled, 'over')).toMatch(
      /^ℹ️ An exception to the policy limits \(never to a negative balance\): add the label `budget-exception`/,
    )
    expect(renderApproval(undefined, 'over')).toBeUndefined()
  })

  it('escapes a label that looks like Markdown, a mention or HTML', () => {
    const check = read({ label: '**x** @team <b>|', labelled: false })
    const text = renderApproval({ check, lifted: [] }, 'over')!
    expect(text).toContain('`&#42;&#42;x&#42;&#42; @&#8203;team &lt;b&gt;&#124;`')
  })

  it('shows why GitHub could not be read', () => {
    const check: ApprovalCheck = {
      kind: 'unread',
      label: 'x',
      required: 'maintain',
      warning: 'The approval could not be checked: GitHub answered 403.',
    }
    expect(renderApproval({ check, lifted: [] }, 'over')).toBe('⚠️ The approval could not be checked: GitHub answered 403.')
  })
})

describe('approvalNotice', () => {
  it('logs an approval that lifted something, and nothing else', () => {
    expect(approvalNotice({ check: read({ approval: APPROVAL }), lifted: [LIFTED] })).toBe(
      `Approved exception (label "budget-exception"): @maria (maintain) approved commit c0ffee0 at 2026-12-01T09:01:00Z (${APPROVAL.reviewUrl}). Lifted: ${LIFTED}`,
    )
    expect(approvalNotice({ check: read({ approval: APPROVAL }), lifted: [] })).toBeUndefined()
    expect(approvalNotice({ check: read(), lifted: [] })).toBeUndefined()
    expect(approvalNotice(undefined)).toBeUndefined()
  })
})

describe('the JSON report’s approval', () => {
  const report = (approval?: ApprovalRecord): Report => ({
    workspaceId: 'w',
    verdict: {
      status: 'within',
      sufficient: true,
      total: 0,
      balance: 0,
      remaining: 0,
      reasons: [],
      breaches: [],
      passes: true,
      ...(approval ? { approval } : {}),
    },
    policy: { minRemaining: 0, failOnInsufficient: true },
    lines: [],
    entries: 0,
    requests: 0,
    failures: [],
    balanceAt: '2026-12-01T09:00:00.000Z',
  })

  it('records who approved which commit when, with the review and what it lifted', () => {
    expect(
      toJsonReport(report({ check: read({ approval: APPROVAL, rejected: ['@x is the author.'] }), lifted: [LIFTED] })).approval,
    ).toEqual({
      label: 'budget-exception',
      labelled: true,
      approval_permission: 'maintain',
      approved_by: 'maria',
      role: 'maintain',
      review_url: APPROVAL.reviewUrl,
      commit: HEAD,
      submitted_at: '2026-12-01T09:01:00Z',
      lifted: [LIFTED],
      rejected: ['@x is the author.'],
    })
  })

  it('has nulls without an approval, the warning when unread, and no key when the check is off', () => {
    const unread: ApprovalCheck = { kind: 'unread', label: 'x', required: 'admin', warning: 'GitHub answered 500' }
    expect(toJsonReport(report({ check: unread, lifted: [] })).approval).toEqual({
      label: 'x',
      labelled: null,
      approval_permission: 'admin',
      approved_by: null,
      role: null,
      review_url: null,
      commit: null,
      submitted_at: null,
      lifted: [],
      rejected: [],
      warning: 'GitHub answered 500',
    })
    expect('approval' in toJsonReport(report())).toBe(false)
  })
})
