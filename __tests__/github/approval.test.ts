/** The approval reads (SPEC 9) against a fake GitHub on 127.0.0.1: pages of reviews, roles, and every way a read can fail. */
import { afterEach, describe, expect, it } from '@jest/globals'
import { readApproval, type ApprovalQuery } from '../../src/github/approval.js'
import { createOctokit } from '../../src/github/octokit.js'
import { createRedactor } from '../../src/secrets.js'
import { badGateway, fastClientOptions, startFakeGitHub, type FakeGitHub } from '../helpers/fake-github.js'
import type { FakePullsOptions } from '../helpers/fake-github-pulls.js'
import type { ApprovalCheck } from '../../src/types.js'

const HEAD = 'c0ffee0011223344556677889900aabbccddeeff'
const OLD = 'dead000011223344556677889900aabbccddeeff'
const TOKEN = 'ghs_approval-test-token-0123456789'
const QUERY: ApprovalQuery = { owner: 'acme', repo: 'game', number: 7, head: HEAD, label: 'budget-exception', required: 'maintain' }

let fake: FakeGitHub | undefined
afterEach(async () => {
  await fake?.close()
  fake = undefined
})

async function start(approvals: FakePullsOptions = {}): Promise<FakeGitHub> {
  fake = await startFakeGitHub({
    token: TOKEN,
    approvals: {
      pulls: [{ number: 7, author: 'contributor', headSha: HEAD, baseSha: OLD, labels: ['budget-exception'] }],
      roles: { maria: 'maintain', walt: 'write', rel: { roleName: 'release-manager', base: 'maintain' } },
      ...approvals,
    },
  })
  return fake
}

function check(github: FakeGitHub, query: Partial<ApprovalQuery> = {}): Promise<ApprovalCheck> {
  return readApproval(createOctokit(TOKEN, fastClientOptions(github)), { ...QUERY, ...query }, createRedactor([TOKEN]))
}

const approvalOf = (c: ApprovalCheck) => (c.kind === 'read' ? c.approval : undefined)
const rejectedOf = (c: ApprovalCheck) => (c.kind === 'read' ? c.rejected : [])

describe('readApproval', () => {
  it('reads every page of reviews: the latest, on page 3 of 250, is the one that counts', async () => {
    const github = await start()
    for (let i = 0; i < 200; i++) github.pulls.review(7, `reader${i}`, 'COMMENTED')
    github.pulls.review(7, 'maria', 'APPROVED', OLD)
    for (let i = 0; i < 48; i++) github.pulls.review(7, `reader${i}`, 'COMMENTED')
    const latest = github.pulls.review(7, 'maria', 'APPROVED')
    const result = await check(github)
    expect(approvalOf(result)).toMatchObject({ login: 'maria', role: 'maintain', commit: HEAD, submittedAt: latest.submittedAt })
    const pages = github.requests.filter((r) => r.path === '/repos/acme/game/pulls/7/reviews').map((r) => r.query['page'] ?? '1')
    expect(pages).toEqual(['1', '2', '3'])
  })

  it('reads no review when the pull request moved on since the run began (a push after the event)', async () => {
    const github = await start()
    github.pulls.review(7, 'maria', 'APPROVED')
    github.pulls.push(7, OLD)
    const result = await check(github)
    expect(approvalOf(result)).toBeUndefined()
    expect(rejectedOf(result)).toEqual([
      expect.stringMatching(/^The pull request's head is now dead000, not the commit this run priced \(c0ffee0\)/),
    ])
    expect(github.requests.map((r) => r.path)).toEqual(['/repos/acme/game/pulls/7'])
  })

  it('reads no review and no role without the label', async () => {
    const github = await start()
    github.pulls.setLabels(7, ['art'])
    github.pulls.review(7, 'maria', 'APPROVED')
    expect(await check(github)).toEqual({ kind: 'read', label: 'budget-exception', required: 'maintain', labelled: false, rejected: [] })
    expect(github.requests.map((r) => r.path)).toEqual(['/repos/acme/game/pulls/7'])
  })

  it('takes a custom role built on maintain by its grants; without the grants, at its legacy level (write)', async () => {
    const github = await start()
    github.pulls.review(7, 'rel', 'APPROVED')
    expect(approvalOf(await check(github))?.role).toBe('custom role "release-manager", counted as maintain')
    await github.close()
    const older = await start({ noGrants: true })
    older.pulls.review(7, 'rel', 'APPROVED')
    expect(rejectedOf(await check(older))).toEqual([
      '@rel has custom role "release-manager", counted as write permission; `approval-permission` asks for maintain or higher.',
    ])
    expect(approvalOf(await check(older, { required: 'write' }))?.login).toBe('rel')
  })

  it('gives a reviewer who is not a collaborator no permission (200 none, or 404)', async () => {
    const github = await start()
    github.pulls.review(7, 'stranger', 'APPROVED')
    expect(rejectedOf(await check(github))).toEqual(['@stranger has none permission; `approval-permission` asks for maintain or higher.'])
    github.fail({ method: 'GET', path: '/repos/acme/game/collaborators/stranger/permission', status: 404, body: { message: 'Not Found' } })
    expect(rejectedOf(await check(github))).toEqual(['@stranger has none permission; `approval-permission` asks for maintain or higher.'])
  })

  it('ignores a deleted account’s review and pending reviews', async () => {
    const github = await start()
    github.pulls.review(7, null, 'APPROVED')
    github.pulls.review(7, 'maria', 'PENDING')
    expect(await check(github)).toEqual({ kind: 'read', label: 'budget-exception', required: 'maintain', labelled: true, rejected: [] })
    expect(github.requests.filter((r) => r.path.includes('/collaborators/'))).toEqual([])
  })

  it('retries a 502 and then reads', async () => {
    const github = await start()
    github.pulls.review(7, 'maria', 'APPROVED')
    github.fail(badGateway({ method: 'GET', path: '/repos/acme/game/pulls/7/reviews' }, 2))
    expect(approvalOf(await check(github))?.login).toBe('maria')
  })

  it.each([
    [
      'a 403 on the reviews',
      { path: '/repos/acme/game/pulls/7/reviews', status: 403, body: { message: 'Resource not accessible by integration' } },
      /GitHub answered 403: Resource not accessible by integration/,
    ],
    [
      'a 500 on a role, after the retries',
      { path: '/repos/acme/game/collaborators/maria/permission', status: 500, times: 10 },
      /GitHub answered 500/,
    ],
    [
      'labels that are not a list',
      { path: '/repos/acme/game/pulls/7', status: 200, text: '{"labels":{},"user":{"login":"x"}}' },
      /not what its API documents \(the pull request has no list of labels\)/,
    ],
    [
      'a review without a state',
      { path: '/repos/acme/game/pulls/7/reviews', status: 200, text: '[{"user":{"login":"maria"},"commit_id":"x","html_url":"u"}]' },
      /review 0's state is not a string/,
    ],
    [
      'a role answer without a permission',
      { path: '/repos/acme/game/collaborators/maria/permission', status: 200, text: '{"role_name":"maintain"}' },
      /maria's permission is not a string/,
    ],
    ['an answer that is not JSON', { path: '/repos/acme/game/pulls/7', status: 200, text: '<html>' }, /could not be checked/],
  ])('is unread, never an approval, on %s', async (_, failure, why) => {
    const github = await start()
    github.pulls.review(7, 'maria', 'APPROVED')
    github.fail({ method: 'GET', ...failure })
    const result = await check(github)
    expect(result).toEqual({ kind: 'unread', label: 'budget-exception', required: 'maintain', warning: expect.stringMatching(why) })
    expect(result.kind === 'unread' && result.warning).toMatch(/No approval counts: the pull request is judged on its own figures\.$/)
  })

  it('cuts a token GitHub’s error text echoes out of the warning', async () => {
    const github = await start()
    github.fail({ method: 'GET', path: '/repos/acme/game/pulls/7', status: 403, body: { message: `token ${TOKEN} refused` } })
    const result = await check(github)
    expect(result.kind === 'unread' && result.warning).toMatch(/could not be checked/)
    expect(JSON.stringify(result)).not.toContain(TOKEN)
  })
})
