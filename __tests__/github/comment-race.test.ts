/**
 * The sticky comment under races and under `comment-on: change`: two runs that both miss each
 * other's comment end with one (the newest run's), and a pull request without a comment gets none
 * when the caller says no new one is wanted. Against the fake GitHub, answering its listing slowly.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { commentMarker, publishComment, type CommentRun, type PublishOptions } from '../../src/github/comment.js'
import { keeperOf } from '../../src/github/marker.js'
import { createOctokit, type Octokit } from '../../src/github/octokit.js'
import { fastClientOptions, startFakeGitHub, type FakeGitHub, type FakeGitHubOptions } from '../helpers/fake-github.js'

const TOKEN = 'ghs_s3cretTokenValue'
const ISSUE = 7
const COMMENTS = `/repos/acme/game/issues/${ISSUE}/comments`
const SHA = 'a'.repeat(40)

let fake: FakeGitHub | undefined
afterEach(async () => {
  await fake?.close()
  fake = undefined
})

async function setup(options: FakeGitHubOptions = {}): Promise<{ fake: FakeGitHub; octokit: () => Octokit }> {
  fake = await startFakeGitHub(options)
  const github = fake
  // One client per run, as two runners have.
  return { fake, octokit: () => createOctokit(TOKEN, fastClientOptions(github)) }
}

function run(id: number, attempt = 1): CommentRun {
  return { id, attempt, sha: SHA }
}

function options(overrides: Partial<PublishOptions> = {}): PublishOptions {
  return {
    owner: 'acme',
    repo: 'game',
    issueNumber: ISSUE,
    key: 'default',
    mode: 'update',
    run: run(100),
    render: () => 'body',
    ...overrides,
  }
}

const markers = (github: FakeGitHub): string[] => github.comments(ISSUE).map((c) => c.body.split('\n')[0]!)
const posts = (github: FakeGitHub): number => github.requests.filter((r) => r.method === 'POST' && r.path === COMMENTS).length

describe('keeperOf', () => {
  const c = (id: number, run: number, attempt = 1) => ({ id, marker: { run, attempt } })

  it("keeps the newest run's comment, whatever the order", () => {
    expect(keeperOf([c(1, 101), c(2, 100)])?.id).toBe(1)
    expect(keeperOf([c(2, 100), c(1, 101)])?.id).toBe(1)
  })

  it('takes a later attempt of the same run as newer', () => {
    expect(keeperOf([c(5, 100, 2), c(6, 100, 1)])?.id).toBe(5)
  })

  it('between comments of the same run and attempt, keeps the one GitHub numbered last', () => {
    expect(keeperOf([c(9, 100), c(3, 100)])?.id).toBe(9)
  })

  it('has none of nothing', () => {
    expect(keeperOf([])).toBeUndefined()
  })
})

describe('two runs racing on one pull request', () => {
  it.each([
    ['the newer run first', [101, 100]],
    ['the older run first', [100, 101]],
  ])('end with one comment, the newer run\u2019s (%s)', async (_, ids) => {
    // Both listings land after both runs sent theirs: neither sees the other's comment.
    const { fake, octokit } = await setup({ slow: [{ method: 'GET', path: COMMENTS, delayMs: 300 }] })
    const results = await Promise.all(ids.map((id) => publishComment(octokit(), options({ run: run(id!) }))))
    expect(posts(fake)).toBe(2) // both created: the race happened
    expect(markers(fake)).toEqual([commentMarker('default', run(101))])
    const kept = fake.comments(ISSUE)[0]!
    const byRun = new Map(ids.map((id, i) => [id, results[i]!]))
    expect(byRun.get(101)).toMatchObject({ action: 'created' })
    expect(byRun.get(100)).toMatchObject({ action: 'skipped-newer', message: expect.stringContaining('run 101') })
    // Both runs point comment-url at the one that stays.
    for (const result of results) expect(result.url).toContain(`#issuecomment-${kept.id}`)
  })

  it('new: removes the race duplicate but keeps the comments of earlier runs, as the mode says', async () => {
    const { fake, octokit } = await setup({
      comments: [{ issue: ISSUE, body: `${commentMarker('default', run(90))}\nearlier run` }],
      slow: [{ method: 'GET', path: COMMENTS, delayMs: 300 }],
    })
    await Promise.all([100, 101].map((id) => publishComment(octokit(), options({ mode: 'new', run: run(id) }))))
    expect(markers(fake)).toEqual([commentMarker('default', run(90)), commentMarker('default', run(101))])
  })

  it("never deletes another account's comment, even one with a newer marker", async () => {
    const { fake, octokit } = await setup({ slow: [{ method: 'GET', path: COMMENTS, delayMs: 300 }] })
    const listed = publishComment(octokit(), options({ run: run(100) }))
    // Pasted while the listing travels: it is in the second listing, not the first.
    fake.addComment(ISSUE, `${commentMarker('default', run(999))}\npasted`, 'mallory')
    expect(await listed).toMatchObject({ action: 'created' })
    expect(fake.comments(ISSUE).map((c) => c.login)).toEqual(['mallory', 'github-actions[bot]'])
  })

  it('tells a duplicate it could not delete, without failing the comment it wrote', async () => {
    const { fake, octokit } = await setup({
      slow: [{ method: 'GET', path: COMMENTS, delayMs: 300 }],
      failures: [{ method: 'DELETE', status: 403, times: 5, body: { message: 'Resource not accessible by integration' } }],
    })
    const results = await Promise.all([100, 101].map((id) => publishComment(octokit(), options({ run: run(id) }))))
    expect(fake.comments(ISSUE)).toHaveLength(2)
    expect(results[0]).toMatchObject({ action: 'skipped-newer', message: expect.stringContaining('could not remove its own duplicate') })
    expect(results[0]!.message).toContain('403')
  })

  it('does not ask GraphQL who it is: the created comment names its account', async () => {
    const { fake, octokit } = await setup()
    expect(await publishComment(octokit(), options())).toMatchObject({ action: 'created' })
    expect(fake.requests.filter((r) => r.path === '/graphql')).toEqual([])
    // Listed again after creating, to find a racing run's comment.
    expect(fake.requests.filter((r) => r.method === 'GET' && r.path === COMMENTS)).toHaveLength(2)
  })
})

describe('createWhenMissing: false (comment-on: change, nothing changed)', () => {
  it('writes no comment on a pull request that has none', async () => {
    const { fake, octokit } = await setup({ comments: [{ issue: ISSUE, body: 'a review', login: 'octocat' }] })
    expect(await publishComment(octokit(), options({ createWhenMissing: false }))).toEqual({ action: 'not-created' })
    expect(fake.writes()).toEqual([])
    expect(fake.comments(ISSUE)).toHaveLength(1)
  })

  it('ignores a pasted marker of another account: there is still no comment of its own', async () => {
    const { fake, octokit } = await setup({
      comments: [{ issue: ISSUE, body: `${commentMarker('default', run(1))}\nx`, login: 'mallory' }],
    })
    expect(await publishComment(octokit(), options({ createWhenMissing: false }))).toEqual({ action: 'not-created' })
    expect(fake.writes().filter((r) => r.path !== '/graphql')).toEqual([])
  })

  it('keeps an existing comment current', async () => {
    const { fake, octokit } = await setup({ comments: [{ issue: ISSUE, body: `${commentMarker('default', run(50))}\nold` }] })
    expect(await publishComment(octokit(), options({ createWhenMissing: false }))).toMatchObject({ action: 'updated' })
    expect(fake.comments(ISSUE).map((c) => c.body)).toEqual([`${commentMarker('default', run(100))}\nbody`])
  })

  it.each(['new', 'delete-and-new', 'hide-and-new'] as const)('%s: an existing comment is kept current by the mode', async (mode) => {
    const { fake, octokit } = await setup({ comments: [{ issue: ISSUE, body: `${commentMarker('default', run(50))}\nold` }] })
    expect(await publishComment(octokit(), options({ mode, createWhenMissing: false }))).toMatchObject({ action: 'created' })
    expect(fake.comments(ISSUE).at(-1)!.body).toBe(`${commentMarker('default', run(100))}\nbody`)
  })
})
