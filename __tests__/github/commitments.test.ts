import { afterEach, describe, expect, it } from '@jest/globals'
import { validate } from '@octokit/graphql-schema'
import {
  commitmentsOf,
  MAX_READ_REQUESTS,
  moreCommentsQuery,
  OPEN_PULL_REQUESTS_QUERY,
  readOpenPullRequests,
} from '../../src/github/commitments.js'
import { VIEWER_QUERY } from '../../src/github/comment.js'
import { commentMarker } from '../../src/github/marker.js'
import { createOctokit, type Octokit } from '../../src/github/octokit.js'
import { fastClientOptions, startFakeGitHub, type FakeGitHub, type FakeGitHubOptions } from '../helpers/fake-github.js'

const WS = '6f1c2d9e-8b1a-4c53-9f0e-2a7d4b8c1e55'
const BOT = 'github-actions[bot]'
const sha = (n: number): string => n.toString(16).padStart(40, '0')

/** The body a run of the gate writes on pull request `n`: marker, commitment of `n` CU, text. */
function gateBody(n: number, { key = 'default', run = 1000, change = n * 1_000_000, at = sha(n) } = {}): string {
  return `${commentMarker(key, { id: run, attempt: 1, sha: at }, { workspaceId: WS, total: change, change, at: '2026-12-02T00:00:00.000Z' })}\n### ✅ Within budget`
}

let fake: FakeGitHub | undefined
afterEach(async () => {
  await fake?.close()
  fake = undefined
})

async function setup(options: FakeGitHubOptions = {}): Promise<{ fake: FakeGitHub; octokit: Octokit }> {
  fake = await startFakeGitHub({ token: 'ghs_t', ...options })
  return { fake, octokit: createOctokit('ghs_t', fastClientOptions(fake)) }
}

const read = (octokit: Octokit, debug?: (m: string) => void) =>
  readOpenPullRequests(octokit, { owner: 'acme', repo: 'game', base: 'main', key: 'default', ...(debug ? { debug } : {}) })

describe('the queries', () => {
  it.each([
    ['open pull requests', OPEN_PULL_REQUESTS_QUERY],
    ['more comments of 1', moreCommentsQuery(1)],
    ['more comments of 100', moreCommentsQuery(100)],
    ['viewer (the sticky comment)', VIEWER_QUERY],
  ])('%s is valid against GitHub’s published schema', (_label, query) => {
    expect(validate(query)).toEqual([])
  })
})

describe('readOpenPullRequests', () => {
  it('counts the gate’s own comment of this key on each open pull request on the base, the newest run’s, and nothing else', async () => {
    const { fake, octokit } = await setup({
      pullRequests: [
        { number: 1, headSha: sha(1) },
        { number: 2, headSha: sha(99) }, // pushed since it was priced
        { number: 3, headSha: sha(3) },
        { number: 4, headSha: sha(4), base: 'release' },
        { number: 5, headSha: sha(5), state: 'CLOSED' },
        { number: 6, headSha: sha(6) },
      ],
    })
    fake.addComment(1, 'looks good')
    fake.addComment(1, gateBody(1, { run: 900, change: 77 }))
    fake.addComment(1, gateBody(1, { run: 1000 }))
    fake.addComment(2, gateBody(2))
    // Pasted markers: by a human, and by a user whose login looks like the bot's.
    fake.addComment(3, gateBody(3), 'mallory')
    fake.addComment(3, gateBody(3), 'github-actions')
    fake.addComment(3, gateBody(3, { key: 'nightly' }))
    fake.addComment(4, gateBody(4))
    fake.addComment(5, gateBody(5))
    fake.addComment(6, `<!-- layer-budget-gate key=default run=1 attempt=1 sha=${sha(6)} -->\nversion 1: no commitment`)
    const debug: string[] = []
    const result = await read(octokit, (m) => debug.push(m))
    expect(result).toEqual({
      ok: true,
      viewer: { login: BOT, id: expect.any(Number) },
      pullRequests: [
        { number: 1, headSha: sha(1), commitment: expect.objectContaining({ change: 1_000_000, sha: sha(1) }) },
        { number: 2, headSha: sha(99), commitment: expect.objectContaining({ change: 2_000_000, sha: sha(2) }) },
      ],
    })
    expect(debug).toEqual([expect.stringMatching(/^#6: .*records no commitment/)])
    expect(fake.requests).toHaveLength(1)
  })

  it('120 open pull requests with 150 comments each: every page, in 4 requests, each valid', async () => {
    const pullRequests = Array.from({ length: 120 }, (_, i) => ({ number: i + 1, headSha: sha(i + 1) }))
    const { fake, octokit } = await setup({ pullRequests })
    for (const { number } of pullRequests) {
      for (let c = 0; c < 149; c++) fake.addComment(number, `review ${c}`, 'octocat')
      fake.addComment(number, gateBody(number)) // the 150th: on the second page of comments
    }
    const result = await read(octokit)
    if (!result.ok) throw new Error(result.reason)
    expect(result.pullRequests.map((pr) => pr.number)).toEqual(pullRequests.map((pr) => pr.number))
    expect(result.incomplete).toBeUndefined()
    // Two pages of pull requests, then the second page of comments of 100, then of 20.
    expect(fake.requests.map((r) => r.path)).toEqual(['/graphql', '/graphql', '/graphql', '/graphql'])
    for (const r of fake.requests) expect(validate(String((r.body as { query: string }).query))).toEqual([])
  }, 30_000)

  it('100 open pull requests with up to 200 comments each cost two requests', async () => {
    const pullRequests = Array.from({ length: 100 }, (_, i) => ({ number: i + 1, headSha: sha(i + 1) }))
    const { fake, octokit } = await setup({ pullRequests })
    for (const { number } of pullRequests) {
      for (let c = 0; c < 199; c++) fake.addComment(number, `review ${c}`, 'octocat')
      fake.addComment(number, gateBody(number))
    }
    const result = await read(octokit)
    expect(result.ok && result.pullRequests).toHaveLength(100)
    expect(fake.requests).toHaveLength(2)
  }, 30_000)

  it(`stops after ${MAX_READ_REQUESTS} requests and says the figures may be incomplete`, async () => {
    const pullRequests = Array.from({ length: 5 }, (_, i) => ({ number: i + 1, headSha: sha(i + 1) }))
    const { fake, octokit } = await setup({ pullRequests })
    // 1,250 comments each: 13 pages; the gate comment is the last.
    for (const { number } of pullRequests) {
      for (let c = 0; c < 1249; c++) fake.addComment(number, `chatter ${c}`, 'octocat')
      fake.addComment(number, gateBody(number))
    }
    const result = await read(octokit)
    expect(fake.requests).toHaveLength(MAX_READ_REQUESTS)
    expect(result).toMatchObject({
      ok: true,
      pullRequests: [],
      incomplete: expect.stringMatching(/comments of 5 pull requests were not all read/),
    })
  }, 30_000)

  it.each([
    ['403', { status: 403, body: { message: 'Resource not accessible by integration' } }, /\(403\).*pull-requests: read/],
    ['401', { status: 401, body: { message: 'Bad credentials' } }, /\(401\)/],
    ['a cut answer', { status: 200, text: '{"data": {"viewer": ' }, /not what its API documents/],
    [
      'no list',
      { status: 200, body: { data: { viewer: { login: BOT, databaseId: 1 }, repository: null } } },
      /not what its API documents.*pull requests/,
    ],
    [
      'GraphQL errors',
      { status: 200, body: { errors: [{ type: 'FORBIDDEN', message: 'Resource not accessible by integration' }] } },
      /GraphQL FORBIDDEN: Resource not accessible/,
    ],
    // plugin-throttling turns a RATE_LIMITED answer into its own error.
    [
      'a GraphQL rate limit',
      { status: 200, body: { errors: [{ type: 'RATE_LIMITED', message: 'API rate limit exceeded' }] } },
      /could not list .*Rate Limit/i,
    ],
  ])('%s: a reason, never a throw', async (_label, failure, reason) => {
    const { fake, octokit } = await setup({ pullRequests: [{ number: 1, headSha: sha(1) }] })
    fake.fail({ method: 'POST', path: '/graphql', ...failure })
    const result = await read(octokit)
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(reason) })
  })

  it('is bounded in time: a GitHub that does not answer within the budget is a reason, and the read ends', async () => {
    const { fake, octokit } = await setup({ pullRequests: [{ number: 1, headSha: sha(1) }] })
    fake.fail({ method: 'POST', path: '/graphql', times: 10, delayMs: 5_000 })
    const started = Date.now()
    const result = await readOpenPullRequests(octokit, { owner: 'acme', repo: 'game', base: 'main', key: 'default', budgetMs: 300 })
    expect(result).toEqual({ ok: false, reason: 'GitHub did not list the open pull requests of acme/game on main within 0.3 s' })
    expect(Date.now() - started).toBeLessThan(3_000)
  })

  it('a malformed comment page on the second request is a reason too (nothing half-read is counted)', async () => {
    const { fake, octokit } = await setup({ pullRequests: [{ number: 1, headSha: sha(1) }] })
    for (let c = 0; c < 120; c++) fake.addComment(1, `chatter ${c}`, 'octocat')
    const first = await read(octokit)
    expect(first.ok).toBe(true)
    fake.requests.length = 0
    // The first request answers; the second (more comments) is cut.
    fake.fail({ method: 'POST', path: '/graphql', times: 1, delayMs: 0 })
    fake.fail({ method: 'POST', path: '/graphql', status: 200, body: { data: { pr0: { comments: { nodes: 'x' } } } } })
    const result = await read(octokit)
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/comments of a pull request/) })
  })
})

describe('commitmentsOf', () => {
  const viewer = { id: 41, login: 'gate[bot]' }
  it('counts a comment only by the viewer’s numeric id, never by a login that looks the same', () => {
    const comments = (id: number | null, login: string) => [{ databaseId: 1, body: gateBody(1), author: { login, databaseId: id } }]
    expect(commitmentsOf([{ number: 1, headSha: sha(1), comments: comments(41, 'someone') }], viewer, 'default')).toHaveLength(1)
    expect(commitmentsOf([{ number: 1, headSha: sha(1), comments: comments(42, 'gate') }], viewer, 'default')).toEqual([])
    expect(commitmentsOf([{ number: 1, headSha: sha(1), comments: comments(null, 'gate') }], viewer, 'default')).toEqual([])
  })
})
