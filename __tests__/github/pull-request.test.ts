import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { changesGenerations, PullRequestGitHub, RELIST_AFTER_MS, type GitHubSettings } from '../../src/github/pull-request.js'
import { commentMarker } from '../../src/github/marker.js'
import type { PullRequestContext, RunContext } from '../../src/github/context.js'
import type { Change, ReportLine } from '../../src/types.js'
import { startFakeGitHub, type FakeGitHub } from '../helpers/fake-github.js'

function line(change?: Change, name = 'knight'): ReportLine {
  return {
    name,
    file: '.layer/generations.yml',
    line: 7,
    modelId: 'm',
    modelLabel: 'art',
    runs: 1,
    unit: 1_000_000,
    total: 1_000_000,
    ...(change ? { change, delta: change === 'unchanged' ? 0 : 1_000_000 } : {}),
  }
}

describe('changesGenerations (comment-on: change)', () => {
  it('is false when every head generation is unchanged and none was removed', () => {
    expect(changesGenerations({ lines: [line('unchanged'), line('unchanged', 'castle')], delta: 0 })).toBe(false)
  })

  it('is false for a diff with no generation on either side (no base manifest, nothing planned)', () => {
    expect(changesGenerations({ lines: [], delta: 0 })).toBe(false)
  })

  it.each<Change>(['added', 'changed', 'removed'])('is true when one generation is %s', (change) => {
    expect(changesGenerations({ lines: [line('unchanged'), line(change, 'castle')], delta: 1_000_000 })).toBe(true)
  })

  it('is true for a change whose head could not be priced (the delta is unknown, the diff is not)', () => {
    expect(changesGenerations({ lines: [line('unchanged'), { ...line('added', 'dragon'), total: undefined, delta: undefined }] })).toBe(
      true,
    )
  })

  it('is false for unchanged generations whose price is unknown: the manifest did not change', () => {
    expect(changesGenerations({ lines: [{ ...line('unchanged'), total: undefined, delta: undefined }] })).toBe(false)
  })

  it('takes a report without a diff (base not compared, unreadable or unpriced) for a change', () => {
    expect(changesGenerations({ lines: [line(), line(undefined, 'castle')] })).toBe(true)
    expect(changesGenerations({ lines: [] })).toBe(true)
  })
})

describe('PullRequestGitHub: the comment listing made while Layer prices', () => {
  const TOKEN = 'ghs_relist_test_token_1234567890'
  const settings: GitHubSettings = {
    githubToken: TOKEN,
    manifestPatterns: ['.layer/generations.yml'],
    comment: 'update',
    commentKey: 'default',
    commentOn: 'change',
  }
  const context: RunContext = {
    eventName: 'pull_request',
    owner: 'acme',
    repo: 'game',
    runId: 100,
    runAttempt: 1,
    serverUrl: 'https://github.com',
    runUrl: 'https://github.com/acme/game/actions/runs/100',
    sha: 'b'.repeat(40),
  }
  const pr: PullRequestContext = { number: 7, baseSha: 'a'.repeat(40), headSha: 'b'.repeat(40), baseRepo: 'acme/game', isFork: false }
  let fake: FakeGitHub
  const saved = process.env.GITHUB_API_URL

  beforeEach(async () => {
    fake = await startFakeGitHub({
      comments: [{ issue: 7, body: `${commentMarker('default', { id: 90, attempt: 1, sha: 'c'.repeat(40) })}\nolder run` }],
    })
    process.env.GITHUB_API_URL = fake.url
  })
  afterEach(async () => {
    await fake.close()
    if (saved === undefined) delete process.env.GITHUB_API_URL
    else process.env.GITHUB_API_URL = saved
  })

  /** Lists early, then a newer run (id 200) rewrites the comment, then `elapsedMs` pass before this run (id 100) writes. */
  async function writeAfter(elapsedMs: number): Promise<string> {
    let clock = 1_000_000
    let listed!: () => void
    const answered = new Promise<void>((resolve) => (listed = resolve))
    const github = new PullRequestGitHub(settings, (text) => text, context, pr, {
      now: () => {
        listed()
        return clock
      },
    })
    github.listComments()
    await answered
    const [comment] = fake.comments(7)
    const newer = `${commentMarker('default', { id: 200, attempt: 1, sha: 'd'.repeat(40) })}\nnewer run`
    const answer = await fetch(`${fake.url}/repos/acme/game/issues/comments/${comment!.id}`, {
      method: 'PATCH',
      headers: { authorization: `token ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ body: newer }),
    })
    expect(answer.status).toBe(200)
    clock += elapsedMs
    await github.commentStop({ message: 'this run stopped', problems: [] })
    return fake.comments(7)[0]!.body
  }

  it(`lists again before writing when pricing outlasted the listing by more than ${RELIST_AFTER_MS} ms: a newer run's comment stays`, async () => {
    expect(await writeAfter(RELIST_AFTER_MS + 1)).toContain('newer run')
    expect(fake.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/issues/7/comments'))).toHaveLength(2)
  })

  it('writes from the early listing while it is younger than the bound (one listing, no extra round trip)', async () => {
    const body = await writeAfter(RELIST_AFTER_MS - 1)
    expect(body).toContain('this run stopped')
    expect(fake.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/issues/7/comments'))).toHaveLength(1)
  })
})
