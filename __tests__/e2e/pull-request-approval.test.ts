/**
 * End to end, approved exceptions (SPEC 9): the BUILT action on a pull request over the reserve,
 * against the Layer simulator and a fake GitHub that holds the pull request's labels, reviews and
 * the reviewers' roles. An approval counts only with the label, on the head commit, by someone
 * other than the author with the permission; it never passes a negative balance; GitHub failing
 * on the reads is a warning, and the pull request is judged on its own figures.
 */
import { describe, expect, it } from '@jest/globals'
import { readFile } from 'node:fs/promises'
import { badGateway } from '../helpers/fake-github.js'
import type { FakeGitHub, FakeGitHubOptions } from '../helpers/fake-github.js'
import type { ActionRun } from '../helpers/run-action.js'
import { SIM_WORKSPACE_ID } from '../../src/simulator/server.js'
import {
  BASE_MANIFEST,
  BASE_SHA,
  HEAD_MANIFEST,
  HEAD_SHA,
  MANIFEST_PATH,
  OTHER_HEAD_SHA,
  PR,
  decoded,
  gateComments,
  prEvent,
  requestsTo,
  usePullRequestWorld,
} from '../helpers/pull-request.js'

const world = usePullRequestWorld()
const LABEL = 'budget-exception'
// 18.326 CU of 2,500.75 leaves 2,482.424: 7.576 CU short of this reserve.
const OVER_RESERVE = { 'approval-label': LABEL, 'min-remaining-balance': '2490' }
const REVIEWS_PATH = `/repos/acme/art/pulls/${PR}/reviews`

function startFake(labels: string[] = [LABEL], more: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  return world.startFake({
    approvals: {
      pulls: [{ number: PR, author: 'contributor', headSha: HEAD_SHA, baseSha: BASE_SHA, labels }],
      roles: { maria: 'maintain', walt: 'write', ada: 'admin', rel: { roleName: 'release-manager', base: 'maintain' } },
    },
    ...more,
  })
}

// The simulator's own notice (made-up prices) is on every run: only the approval's are counted.
const notices = (run: ActionRun): string[] => run.stdout.split('\n').filter((line) => line.startsWith('::notice title=Approved'))
const comment = (github: FakeGitHub): string => decoded(gateComments(github)[0] ?? '').replace(/\u200b/g, '')

async function approvalJson(run: ActionRun): Promise<Record<string, unknown>> {
  const report = JSON.parse(await readFile(run.outputs['report-path']!, 'utf8')) as { approval?: Record<string, unknown> }
  return report.approval ?? {}
}

describe('an approved exception', () => {
  it('lets a pull request over the reserve pass, with a notice and the record in the comment, the summary and the JSON', async () => {
    const github = await startFake()
    const review = github.pulls.review(PR, 'maria', 'APPROVED')
    const run = await world.runPr(github, { inputs: OVER_RESERVE })
    expect(run.code).toBe(0)
    expect(run.outputs.status).toBe('within')
    expect(run.outputs.sufficient).toBe('true')
    const reviewUrl = `https://github.com/acme/art/pull/${PR}#pullrequestreview-${review.id}`
    expect(notices(run)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^::notice title=Approved exception::Approved exception \\(label "${LABEL}"\\): @maria \\(maintain\\) approved commit c0ffee0 at ${review.submittedAt} \\(${reviewUrl}\\)\\. Lifted: After the run 2,482\\.424 CU would remain, 7\\.576 CU short of the reserve`,
        ),
      ),
    ])
    expect(await approvalJson(run)).toEqual({
      label: LABEL,
      labelled: true,
      approval_permission: 'maintain',
      approved_by: 'maria',
      role: 'maintain',
      review_url: reviewUrl,
      commit: HEAD_SHA,
      submitted_at: review.submittedAt,
      lifted: [expect.stringMatching(/7\.576 CU short of the reserve of 2,490 CU \(min-remaining-balance\)/)],
      rejected: [],
    })
    const body = comment(github)
    expect(body).toContain(
      `🔓 **Approved exception** (label \`${LABEL}\`): @maria (maintain) approved commit c0ffee0 on 2026-12-01 09:01 UTC ([review](${reviewUrl}))`,
    )
    expect(body).toMatch(/^- After the run 2,482\.424 CU would remain, 7\.576 CU short of the reserve/m)
    // The approver is named, never pinged.
    expect(gateComments(github)[0]).not.toMatch(/@maria/)
    expect(run.summary).toContain('Approved exception')
    // Labels, reviews and one permission read; nothing else asked of GitHub for it.
    expect(requestsTo(github, 'GET', `/repos/acme/art/pulls/${PR}`)).toHaveLength(1)
    expect(requestsTo(github, 'GET', REVIEWS_PATH)).toHaveLength(1)
    expect(requestsTo(github, 'GET', /\/collaborators\//).map((r) => r.path)).toEqual(['/repos/acme/art/collaborators/maria/permission'])
  })

  it('counts a custom role built on maintain, and an admin', async () => {
    const github = await startFake()
    github.pulls.review(PR, 'rel', 'APPROVED')
    const run = await world.runPr(github, { inputs: OVER_RESERVE })
    expect(run.code).toBe(0)
    expect(await approvalJson(run)).toMatchObject({ approved_by: 'rel', role: 'custom role "release-manager", counted as maintain' })
    const admins = await world.runPr(github, { inputs: { ...OVER_RESERVE, 'approval-permission': 'admin' }, runId: 1001 })
    expect(admins.code).toBe(1)
    github.pulls.review(PR, 'ada', 'APPROVED')
    const admin = await world.runPr(github, { inputs: { ...OVER_RESERVE, 'approval-permission': 'admin' }, runId: 1002 })
    expect(admin.code).toBe(0)
    expect(await approvalJson(admin)).toMatchObject({ approved_by: 'ada', role: 'admin' })
  }, 40_000)

  it('fails when no review counts, and the comment says why for each', async () => {
    const github = await startFake()
    github.pulls.review(PR, 'contributor', 'APPROVED')
    github.pulls.review(PR, 'walt', 'APPROVED')
    github.pulls.review(PR, 'olga', 'APPROVED', OTHER_HEAD_SHA)
    const dismissed = github.pulls.review(PR, 'maria', 'APPROVED')
    github.pulls.dismiss(PR, dismissed.id)
    const run = await world.runPr(github, { inputs: OVER_RESERVE })
    expect(run.code).toBe(1)
    expect(run.outputs.status).toBe('over')
    expect(notices(run)).toEqual([])
    const body = comment(github)
    expect(body).toContain(`🔒 The label \`${LABEL}\` is on the pull request, but no approval counts yet`)
    expect(body).toContain("- @maria's review was dismissed")
    expect(body).toContain('- @olga approved commit dead000, not the head commit c0ffee0: a new push needs a new approval.')
    expect(body).toContain('- @walt has write permission; \\`approval-permission\\` asks for maintain or higher.')
    expect(body).toContain("- @contributor is the pull request's author")
    expect((await approvalJson(run))['rejected']).toHaveLength(4)
    // Only walt's approval was on the head by someone other than the author: one permission read.
    expect(requestsTo(github, 'GET', /\/collaborators\//)).toHaveLength(1)
  })

  it('does nothing without the label (read from GitHub now, not from the event), and says how to ask for one', async () => {
    const github = await startFake([])
    github.pulls.review(PR, 'maria', 'APPROVED')
    // The event still lists the label: it was removed since.
    const event = prEvent() as { pull_request: Record<string, unknown> }
    event.pull_request['labels'] = [{ name: LABEL }]
    const run = await world.runPr(github, { inputs: OVER_RESERVE, event })
    expect(run.code).toBe(1)
    expect(requestsTo(github, 'GET', REVIEWS_PATH)).toEqual([])
    expect(comment(github)).toContain(
      `ℹ️ An exception to the policy limits (never to a negative balance): add the label \`${LABEL}\` and someone with maintain permission or higher, not the author, approves the head commit.`,
    )
    expect(await approvalJson(run)).toMatchObject({ labelled: false, approved_by: null })
  })

  it('goes stale with a new push: the next run fails again until the new head is approved', async () => {
    const github = await startFake()
    github.pulls.review(PR, 'maria', 'APPROVED')
    expect((await world.runPr(github, { inputs: OVER_RESERVE })).code).toBe(0)
    github.pulls.push(PR, OTHER_HEAD_SHA)
    const pushed = await world.runPr(github, { inputs: OVER_RESERVE, event: prEvent({ headSha: OTHER_HEAD_SHA }), runId: 1001 })
    expect(pushed.code).toBe(1)
    expect(comment(github)).toContain('- @maria approved commit c0ffee0, not the head commit dead000: a new push needs a new approval.')
    github.pulls.review(PR, 'maria', 'APPROVED')
    const again = await world.runPr(github, { inputs: OVER_RESERVE, event: prEvent({ headSha: OTHER_HEAD_SHA }), runId: 1002 })
    expect(again.code).toBe(0)
    expect(await approvalJson(again)).toMatchObject({ approved_by: 'maria', commit: OTHER_HEAD_SHA })
  }, 40_000)

  it('never passes a balance that would go negative', async () => {
    world.sim.setBalance(SIM_WORKSPACE_ID, 10)
    const github = await startFake()
    github.pulls.review(PR, 'maria', 'APPROVED')
    const run = await world.runPr(github, { inputs: OVER_RESERVE })
    expect(run.code).toBe(1)
    expect(run.outputs.status).toBe('over')
    expect(notices(run)).toEqual([])
    expect(comment(github)).toMatch(
      /🔒 \*\*Approval not enough\*\* .*@maria \(maintain\) approved commit c0ffee0.*, but an approval cannot lift this: .*the balance would go negative by 8\.326 CU/,
    )
    expect(await approvalJson(run)).toMatchObject({ approved_by: 'maria', lifted: [], not_lifted: expect.stringMatching(/go negative/) })
  })

  it('works the same on pull_request_target, for a fork (the label and the reviews read from the base repository)', async () => {
    const github = await startFake([LABEL], {
      files: { [BASE_SHA]: { [MANIFEST_PATH]: BASE_MANIFEST }, [HEAD_SHA]: { [MANIFEST_PATH]: HEAD_MANIFEST } },
    })
    github.pulls.review(PR, 'maria', 'APPROVED')
    const run = await world.runPr(github, {
      eventName: 'pull_request_target',
      event: prEvent({ headRepo: 'contributor/art', action: 'labeled' }),
      files: {},
      inputs: OVER_RESERVE,
    })
    expect(run.code).toBe(0)
    expect(run.outputs['total-creative-units']).toBe('18.326')
    expect(await approvalJson(run)).toMatchObject({ approved_by: 'maria', commit: HEAD_SHA })
  })

  it('re-judges on a pull_request_review event, whose payload carries the pull request', async () => {
    const github = await startFake()
    const review = github.pulls.review(PR, 'maria', 'APPROVED')
    const pr = (prEvent() as { pull_request: unknown }).pull_request
    const event = {
      action: 'submitted',
      review: { id: review.id, state: 'approved', commit_id: HEAD_SHA, user: { login: 'maria' } },
      pull_request: pr,
    }
    const run = await world.runPr(github, { eventName: 'pull_request_review', event, inputs: OVER_RESERVE })
    expect(run.code).toBe(0)
    expect(await approvalJson(run)).toMatchObject({ approved_by: 'maria' })
  })

  it('on a review of a fork’s pull request (no secrets), fails closed pointing to the pull_request_target recipe', async () => {
    const github = await startFake()
    const pr = (prEvent({ headRepo: 'contributor/art' }) as { pull_request: unknown }).pull_request
    const run = await world.runPr(github, {
      eventName: 'pull_request_review',
      event: { action: 'submitted', review: { state: 'approved' }, pull_request: pr },
      inputs: { ...OVER_RESERVE, 'layer-token': '' },
    })
    expect(run.code).toBe(1)
    expect(run.errors.join('\n')).toMatch(/input `layer-token` is empty.*use the `pull_request_target` recipe in the README/)
  })
})

describe('when GitHub cannot be read for the approval', () => {
  it.each([
    ['a 500 after the retries', badGateway({ method: 'GET', path: REVIEWS_PATH }, 10), /GitHub answered 502/],
    [
      'a 403',
      { method: 'GET', path: REVIEWS_PATH, status: 403, body: { message: 'Resource not accessible by integration' } },
      /GitHub answered 403/,
    ],
    [
      'a malformed answer',
      { method: 'GET', path: `/repos/acme/art/pulls/${PR}`, status: 200, text: '{"labels":"budget-exception"}' },
      /not what its API documents/,
    ],
  ])('warns and judges the pull request on its own figures (%s)', async (_, failure, why) => {
    const github = await startFake([LABEL], { failures: [failure] })
    github.pulls.review(PR, 'maria', 'APPROVED')
    const run = await world.runPr(github, { inputs: OVER_RESERVE })
    expect(run.code).toBe(1)
    expect(run.outputs.status).toBe('over')
    expect(run.warnings.join('\n')).toMatch(/The approval \(label `budget-exception`\) could not be checked/)
    expect(run.warnings.join('\n')).toMatch(why)
    expect(comment(github)).toMatch(/⚠️ The approval .* could not be checked/)
    expect(await approvalJson(run)).toMatchObject({ labelled: null, approved_by: null, warning: expect.stringMatching(why) })
  })

  it('still passes a pull request within budget, with the warning', async () => {
    const github = await startFake([LABEL], { failures: [badGateway({ method: 'GET', path: `/repos/acme/art/pulls/${PR}` }, 10)] })
    const run = await world.runPr(github, { inputs: { 'approval-label': LABEL } })
    expect(run.code).toBe(0)
    expect(run.warnings.join('\n')).toMatch(/could not be checked/)
  })
})

describe('the inputs', () => {
  it('refuses an approval-permission GitHub has no such level for, before any request', async () => {
    const github = await startFake()
    const run = await world.runPr(github, { inputs: { ...OVER_RESERVE, 'approval-permission': 'triage' } })
    expect(run.code).toBe(1)
    expect(run.errors.join('\n')).toMatch(
      /input `approval-permission` must be the least repository permission of an approver: write, maintain, admin, got "triage"/,
    )
    expect(world.sim.requests).toBe(0)
    expect(github.requests.filter((r) => r.path.includes('/pulls/') || r.path.includes('/collaborators/'))).toEqual([])
  })
})
