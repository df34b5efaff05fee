/**
 * SPEC section 8 through the built action: one balance, many open pull requests. PR A (#12) and
 * PR B (#15) are priced first, their comments written by the action itself into the fake GitHub;
 * then PR C (#42), which fits alone but not with them. Every GraphQL query the action sent is
 * validated against GitHub's published schema, which the fake also executes them against.
 */
import { describe, expect, it } from '@jest/globals'
import { validate } from '@octokit/graphql-schema'
import { readFile } from 'node:fs/promises'
import { BASE_MANIFEST, HEAD_SHA, MANIFEST_PATH, OWNER, PR, REPO, prEvent, usePullRequestWorld } from '../helpers/pull-request.js'
import { badGateway, type FakeGitHub } from '../helpers/fake-github.js'
import { SIM_MODELS } from '../../src/simulator/prices.js'
import { runAction, type ActionRun } from '../helpers/run-action.js'

const world = usePullRequestWorld()
const { startFake, runPr } = world

const SHA_A = 'a1a1a1a1' + '0'.repeat(32)
const SHA_A2 = 'a2a2a2a2' + '0'.repeat(32)
const SHA_B = 'b2b2b2b2' + '0'.repeat(32)

/** The base manifest plus a trailer of `runs` × 10 CU (8 s of the simulator's video at 1.25 CU/s). */
function withTrailer(runs: number): string {
  return `${BASE_MANIFEST}  - name: trailer
    model_id: ${SIM_MODELS.video.id}
    batch_size: 1
    duration_seconds: 8
    runs: ${runs}
`
}

/** A pull_request payload for pull request `number` at `headSha` (base main, as every case here). */
function eventFor(number: number, headSha: string): unknown {
  const event = prEvent({ headSha }) as { number: number; pull_request: { number: number } }
  return { ...event, number, pull_request: { ...event.pull_request, number } }
}

/** A (#12, +1,100 CU) and B (#15, +1,000 CU) fit together (2,500.75 − 1,012.54 − 1,100 ≥ 0); C (#42, +400 CU) fits alone, not with both. */
async function priceAandB(github: FakeGitHub, mode: string): Promise<void> {
  const a = await runPr(github, {
    event: eventFor(12, SHA_A),
    files: { [MANIFEST_PATH]: withTrailer(110) },
    runId: 2001,
    inputs: { 'open-pull-requests': mode },
  })
  expect(a.code).toBe(0)
  const b = await runPr(github, {
    event: eventFor(15, SHA_B),
    files: { [MANIFEST_PATH]: withTrailer(100) },
    runId: 2002,
    inputs: { 'open-pull-requests': mode },
  })
  expect(b.code).toBe(0)
  expect(b.outputs['committed-creative-units']).toBe(mode === 'ignore' ? '' : '1100')
}

function runC(github: FakeGitHub, mode: string): Promise<ActionRun> {
  return runPr(github, {
    event: eventFor(PR, HEAD_SHA),
    files: { [MANIFEST_PATH]: withTrailer(40) },
    runId: 2003,
    inputs: { 'open-pull-requests': mode },
  })
}

function fakeWithABC(): Promise<FakeGitHub> {
  return startFake({
    pullRequests: [
      { number: 12, headSha: SHA_A },
      { number: 15, headSha: SHA_B },
      { number: PR, headSha: HEAD_SHA },
      // Another base branch draws on its own plan: never counted here.
      { number: 77, headSha: 'f'.repeat(40), base: 'release' },
    ],
  })
}

/** Every GraphQL query the action sent is valid against GitHub's published schema. */
function expectValidQueries(github: FakeGitHub): void {
  const queries = github.requests.filter((r) => r.path === '/graphql').map((r) => String((r.body as { query?: unknown }).query))
  for (const query of queries) expect({ query, errors: validate(query) }).toEqual({ query, errors: [] })
}

const repositoryReads = (github: FakeGitHub) =>
  github.requests.filter((r) => r.path === '/graphql' && /repository\s*\(/.test(JSON.stringify(r.body)))

async function json(run: ActionRun): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(run.outputs['report-path']!, 'utf8')) as Record<string, unknown>
}

describe('PR C fits alone but not with the open PRs A and B', () => {
  it('warn (the default): passes with a warning, lists the others (a stale one "as of" its commit) and their sum', async () => {
    const github = await fakeWithABC()
    await priceAandB(github, 'warn')
    // A is pushed to after it was priced: its figure is all there is, counted "as of" the commit it was priced at.
    github.updatePullRequest(12, { headSha: SHA_A2 })
    // Anyone can paste a marker with a commitment; only the gate's own account counts.
    const [bComment] = github.comments(15)
    github.addComment(15, bComment!.body.replace(/"change":\d+/, '"change":900000000000'), 'mallory')

    const c = await runC(github, 'warn')
    expect(c.code).toBe(0)
    expect(c.outputs.status).toBe('warn')
    expect(c.outputs.sufficient).toBe('true')
    expect(c.outputs['committed-creative-units']).toBe('2100')
    expect(c.outputs['remaining-creative-units']).toBe('2088.21')
    const warning = c.warnings.find((w) => /fits alone/.test(w))
    expect(warning).toMatch(/would go 11\.79 CU negative if the 2 other open pull requests on this base merge too/)

    const comment = github.comments(PR)[0]!.body
    expect(comment).toContain(
      '### ⚠️ fits alone, but the workspace would go 11.79 CU negative if the 2 other open pull requests on this base merge too',
    )
    expect(comment).toContain(`- #12 +1,100 CU (as of ${SHA_A.slice(0, 7)})`)
    expect(comment).toContain('- #15 +1,000 CU\n')
    expect(comment).toContain('**+2,100 CU** committed by 2 other open pull requests · -11.79 CU left if all merge')
    // C's own commitment, for the next pull request to read.
    expect(comment.split('\n')[1]).toMatch(
      /^<!-- layer-budget-gate:commitment \{"v":1,"ws":"[^"]+","total":412540000,"change":400000000,"at":"[^"]+"\} -->$/,
    )

    const report = await json(c)
    expect(report['committed_creative_units']).toBe(2100)
    expect(report['open_pull_requests']).toEqual([
      { number: 12, change_creative_units: 1100, as_of: SHA_A },
      { number: 15, change_creative_units: 1000 },
    ])
    expect(report['remaining_if_all_merge_creative_units']).toBe(-11.79)
    // Three runs, one read each; the comment took the account from it (no second `viewer`).
    expect(repositoryReads(github)).toHaveLength(3)
    expect(github.requests.filter((r) => r.path === '/graphql')).toHaveLength(3)
    expectValidQueries(github)
  }, 60_000)

  it('fail: fails the step, saying which rule and by how much', async () => {
    const github = await fakeWithABC()
    await priceAandB(github, 'fail')
    const c = await runC(github, 'fail')
    expect(c.code).toBe(1)
    expect(c.outputs.status).toBe('over')
    expect(c.outputs.sufficient).toBe('false')
    expect(c.outputs['committed-creative-units']).toBe('2100')
    expect(c.errors.join('\n')).toMatch(
      /fits alone, but the workspace would go 11\.79 CU negative if the 2 other open pull requests on this base merge too/,
    )
    expect(github.comments(PR)[0]!.body).toContain('### ❌ fits alone, but the workspace would go 11.79 CU negative')
    expectValidQueries(github)
  }, 60_000)

  it('ignore: the others are not read, and C is judged alone', async () => {
    const github = await fakeWithABC()
    await priceAandB(github, 'ignore')
    const before = repositoryReads(github).length
    const c = await runC(github, 'ignore')
    expect(c.code).toBe(0)
    expect(c.outputs.status).toBe('within')
    expect(c.outputs['committed-creative-units']).toBe('')
    expect(repositoryReads(github).length).toBe(before)
    expect(before).toBe(0)
    const comment = github.comments(PR)[0]!.body
    expect(comment).toMatch(/### ✅ .*[\d.,]+ of [\d.,]+ CU · [\d.,]+ left/)
    expect(comment).not.toContain('Other open pull requests')
    const report = await json(c)
    expect(report).not.toHaveProperty('committed_creative_units')
    // Its commitment is still recorded: the others may count it.
    expect(comment.split('\n')[1]).toMatch(/"change":400000000/)
  }, 60_000)
})

describe('when GitHub cannot be read for the others', () => {
  it.each([
    ['403', { method: 'POST', path: '/graphql', status: 403, body: { message: 'Resource not accessible by integration' } }, /403/],
    ['a 5xx after the retries', badGateway({ method: 'POST', path: '/graphql' }, 4), /502/],
    [
      'a malformed answer',
      { method: 'POST', path: '/graphql', status: 200, text: '{"data": {"repository": {"pullRequests": 7}}}' },
      /not what its API documents/,
    ],
    [
      'GraphQL errors',
      { method: 'POST', path: '/graphql', status: 200, body: { data: null, errors: [{ type: 'FORBIDDEN', message: 'nope' }] } },
      /FORBIDDEN: nope/,
    ],
  ])(
    '%s: a warning, and the pull request is judged alone',
    async (_label, failure, reason) => {
      const github = await fakeWithABC()
      await priceAandB(github, 'ignore')
      github.fail(failure)
      const c = await runC(github, 'fail')
      expect(c.code).toBe(0)
      expect(c.outputs.status).toBe('within')
      expect(c.outputs['committed-creative-units']).toBe('')
      const warning = c.warnings.find((w) => /judged alone/.test(w))
      expect(warning).toMatch(reason)
      expect(github.comments(PR)[0]!.body).toMatch(/They could not be read, so this pull request is judged alone/)
      expect((await json(c))['committed_creative_units']).toBeNull()
    },
    60_000,
  )

  it('never passes what it would fail alone', async () => {
    const github = await fakeWithABC()
    github.fail({ method: 'POST', path: '/graphql', status: 403, body: { message: 'Resource not accessible by integration' } })
    const c = await runPr(github, {
      event: eventFor(PR, HEAD_SHA),
      files: { [MANIFEST_PATH]: withTrailer(400) },
      inputs: { 'open-pull-requests': 'warn' },
    })
    expect(c.code).toBe(1)
    expect(c.outputs.status).toBe('over')
  }, 30_000)
})

describe('many open pull requests', () => {
  it('110 open pull requests with 101 comments each: every page read, in 4 GitHub requests', async () => {
    const pullRequests = Array.from({ length: 110 }, (_, i) => ({ number: 100 + i, headSha: (100 + i).toString(16).padStart(40, '0') }))
    const github = await startFake({ pullRequests: [...pullRequests, { number: PR, headSha: HEAD_SHA }] })
    // One pull request priced by the action, its comment then buried under 100 others on every pull request.
    const priced = await runPr(github, {
      event: eventFor(100, pullRequests[0]!.headSha),
      files: { [MANIFEST_PATH]: withTrailer(5) },
      runId: 3001,
      inputs: { 'open-pull-requests': 'warn' },
    })
    expect(priced.code).toBe(0)
    const ours = github.comments(100)[0]!.body
    for (const { number } of pullRequests) {
      for (let c = 0; c < 100; c++) github.addComment(number, `review ${c}`, 'octocat')
      // The gate's own comment, as its run wrote it on each of them (the 101st).
      if (number !== 100) github.addComment(number, ours)
    }
    github.requests.length = 0
    const c = await runC(github, 'warn')
    expect(c.code).toBe(0)
    // 110 pull requests commit 50 CU each; the one priced first has its comment first (page 1).
    expect(c.outputs['committed-creative-units']).toBe('5500')
    expect(c.outputs.status).toBe('warn')
    // Two pages of pull requests, then the second page of comments of 100 and of 10.
    expect(
      repositoryReads(github).length + github.requests.filter((r) => r.path === '/graphql' && /node\(/.test(JSON.stringify(r.body))).length,
    ).toBe(4)
    expect(github.requests.filter((r) => r.path === '/graphql')).toHaveLength(4)
    expectValidQueries(github)
  }, 60_000)
})

describe('the budget board', () => {
  it('a workflow_dispatch audit lists every open pull request’s commitment, the base total, the balance and what is left if all merge', async () => {
    const github = await fakeWithABC()
    await priceAandB(github, 'warn')
    github.updatePullRequest(12, { headSha: SHA_A2 })
    const audit = await runAction({
      eventName: 'workflow_dispatch',
      event: {},
      inputs: { 'layer-token': world.sim.token, 'api-url': world.sim.url, 'github-token': 'ghs_fake-github-token' },
      files: { [MANIFEST_PATH]: BASE_MANIFEST },
      env: {
        GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
        GITHUB_API_URL: github.url,
        GITHUB_GRAPHQL_URL: github.graphqlUrl,
        GITHUB_REF: 'refs/heads/main',
      },
    })
    expect(audit.code).toBe(0)
    expect(audit.outputs.status).toBe('within')
    // The output is for pull requests (SPEC section 8); the board's sum is in the summary and the JSON report.
    expect(audit.outputs['committed-creative-units']).toBe('')
    expect((await json(audit))['committed_creative_units']).toBe(2100)
    expect(audit.summary).toContain(
      [
        '### Budget board: the open pull requests',
        '',
        '| | CU |',
        '| :--- | ---: |',
        '| Base total (this audit) | 12.54 CU |',
        `| #12 (as of ${SHA_A.slice(0, 7)}) | +1,100 |`,
        '| #15 | +1,000 |',
        '| Committed by 2 open pull requests | +2,100 |',
        '| Workspace balance | 2,500.75 CU |',
        '| **Left if all merge** | **388.21 CU** |',
      ].join('\n'),
    )
    expect((await json(audit))['remaining_if_all_merge_creative_units']).toBe(388.21)
    expectValidQueries(github)
  }, 60_000)

  it('without a github-token there is no board, and GitHub is not asked', async () => {
    const github = await fakeWithABC()
    const audit = await runAction({
      eventName: 'schedule',
      event: {},
      inputs: { 'layer-token': world.sim.token, 'api-url': world.sim.url },
      files: { [MANIFEST_PATH]: BASE_MANIFEST },
      env: {
        GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
        GITHUB_API_URL: github.url,
        GITHUB_GRAPHQL_URL: github.graphqlUrl,
        GITHUB_REF: 'refs/heads/main',
      },
    })
    expect(audit.code).toBe(0)
    expect(audit.summary).not.toContain('Budget board')
    expect(audit.outputs['committed-creative-units']).toBe('')
    expect(github.requests).toEqual([])
  }, 30_000)
})
