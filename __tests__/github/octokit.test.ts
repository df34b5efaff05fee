import { afterEach, describe, expect, it } from '@jest/globals'
import { createOctokit } from '../../src/github/octokit.js'
import {
  badGateway,
  fastClientOptions,
  primaryRateLimit,
  secondaryRateLimit,
  startFakeGitHub,
  type FakeGitHub,
} from '../helpers/fake-github.js'

const TOKEN = 'ghs_s3cretTokenValue'
const COMMENTS = '/repos/acme/game/issues/7/comments'
let fake: FakeGitHub

afterEach(async () => {
  await fake.close()
})

function hits(path: string, method = 'GET'): number {
  return fake.requests.filter((r) => r.path === path && r.method === method).length
}

describe('createOctokit against the fake GitHub', () => {
  it('sends the token and reaches the base URL it is given', async () => {
    fake = await startFakeGitHub({ token: TOKEN })
    const octokit = createOctokit(TOKEN, fastClientOptions(fake))
    const { data } = await octokit.rest.issues.listComments({ owner: 'acme', repo: 'game', issue_number: 7 })
    expect(data).toEqual([])
    expect(fake.requests[0]?.headers['authorization']).toBe(`token ${TOKEN}`)
  })

  it('defaults the base URL to GITHUB_API_URL read at call time', async () => {
    fake = await startFakeGitHub()
    const saved = process.env['GITHUB_API_URL']
    process.env['GITHUB_API_URL'] = fake.url
    try {
      const octokit = createOctokit(TOKEN, { ...fastClientOptions(fake), baseUrl: undefined })
      await octokit.rest.issues.listComments({ owner: 'acme', repo: 'game', issue_number: 7 })
      expect(hits(COMMENTS)).toBe(1)
    } finally {
      if (saved === undefined) delete process.env['GITHUB_API_URL']
      else process.env['GITHUB_API_URL'] = saved
    }
  })

  it('retries a 502 and succeeds, without duplicating the write', async () => {
    fake = await startFakeGitHub({ failures: [badGateway({ method: 'POST', path: COMMENTS }, 2)] })
    const octokit = createOctokit(TOKEN, fastClientOptions(fake))
    const { data } = await octokit.rest.issues.createComment({ owner: 'acme', repo: 'game', issue_number: 7, body: 'hi' })
    expect(data.body).toBe('hi')
    expect(hits(COMMENTS, 'POST')).toBe(3)
    expect(fake.comments(7)).toHaveLength(1)
  })

  it('gives up after `retries` retries of a 5xx', async () => {
    fake = await startFakeGitHub({ failures: [badGateway({ path: COMMENTS }, 10)] })
    const octokit = createOctokit(TOKEN, { ...fastClientOptions(fake), retries: 2 })
    await expect(octokit.rest.issues.listComments({ owner: 'acme', repo: 'game', issue_number: 7 })).rejects.toMatchObject({ status: 502 })
    expect(hits(COMMENTS)).toBe(3)
  })

  it.each([400, 401, 403, 404, 409, 422])('does not retry a %i', async (status) => {
    fake = await startFakeGitHub({ failures: [{ path: COMMENTS, status, times: 5, body: { message: 'Nope' } }] })
    const octokit = createOctokit(TOKEN, fastClientOptions(fake))
    await expect(octokit.rest.issues.listComments({ owner: 'acme', repo: 'game', issue_number: 7 })).rejects.toMatchObject({ status })
    expect(hits(COMMENTS)).toBe(1)
  })

  it('waits out a secondary rate limit (retry-after) and succeeds, quickly', async () => {
    fake = await startFakeGitHub({ failures: [secondaryRateLimit({ method: 'POST', path: COMMENTS }, 2, 1)] })
    const lines: string[] = []
    const octokit = createOctokit(TOKEN, fastClientOptions(fake, lines))
    const started = Date.now()
    await octokit.rest.issues.createComment({ owner: 'acme', repo: 'game', issue_number: 7, body: 'hi' })
    expect(Date.now() - started).toBeLessThan(1000)
    expect(hits(COMMENTS, 'POST')).toBe(3)
    expect(fake.comments(7)).toHaveLength(1)
    expect(lines.filter((l) => l.includes('secondary rate limit'))).toHaveLength(2)
    expect(lines.join('\n')).not.toContain(TOKEN)
  })

  it('waits out a primary rate limit (x-ratelimit-remaining: 0) and succeeds', async () => {
    fake = await startFakeGitHub({ failures: [primaryRateLimit({ path: COMMENTS }, 1)] })
    const lines: string[] = []
    const octokit = createOctokit(TOKEN, fastClientOptions(fake, lines))
    await octokit.rest.issues.listComments({ owner: 'acme', repo: 'game', issue_number: 7 })
    expect(hits(COMMENTS)).toBe(2)
    expect(lines.some((l) => l.includes('primary rate limit'))).toBe(true)
  })

  it('stops after `rateLimitRetries` rate-limited answers', async () => {
    fake = await startFakeGitHub({ failures: [secondaryRateLimit({ path: COMMENTS }, 10, 1)] })
    const lines: string[] = []
    const octokit = createOctokit(TOKEN, { ...fastClientOptions(fake, lines), rateLimitRetries: 2 })
    await expect(octokit.rest.issues.listComments({ owner: 'acme', repo: 'game', issue_number: 7 })).rejects.toMatchObject({ status: 403 })
    expect(hits(COMMENTS)).toBe(3)
    expect(lines.some((l) => l.includes('giving up after 2 retries'))).toBe(true)
  })

  it('does not sleep through a rate limit that asks for a longer wait than allowed', async () => {
    fake = await startFakeGitHub({ failures: [secondaryRateLimit({ path: COMMENTS }, 1, 3600)] })
    const lines: string[] = []
    const octokit = createOctokit(TOKEN, { ...fastClientOptions(fake, lines), maxRateLimitWaitSeconds: 60 })
    await expect(octokit.rest.issues.listComments({ owner: 'acme', repo: 'game', issue_number: 7 })).rejects.toMatchObject({ status: 403 })
    expect(hits(COMMENTS)).toBe(1)
    expect(lines.some((l) => l.includes('3600 s, longer than 60 s'))).toBe(true)
  })

  it.each([
    ['without Retry-After', undefined],
    ['with Retry-After: 1', { 'retry-after': '1' }],
  ])('retries a plain 429 (%s) and writes the comment once', async (_label, headers) => {
    fake = await startFakeGitHub({
      failures: [
        { method: 'POST', path: COMMENTS, times: 1, status: 429, ...(headers ? { headers } : {}), body: { message: 'Too Many Requests' } },
      ],
    })
    const lines: string[] = []
    const octokit = createOctokit(TOKEN, fastClientOptions(fake, lines))
    const { data } = await octokit.rest.issues.createComment({ owner: 'acme', repo: 'game', issue_number: 7, body: 'hi' })
    expect(data.body).toBe('hi')
    expect(hits(COMMENTS, 'POST')).toBe(2)
    expect(fake.comments(7)).toHaveLength(1)
    expect(lines.some((l) => /GitHub rate limit \(429\) on POST .*: retrying in 1 s \(retry 1 of 2\)/.test(l))).toBe(true)
  })

  it('stops after `rateLimitRetries` plain 429s, and never waits longer than allowed', async () => {
    fake = await startFakeGitHub({ failures: [{ path: COMMENTS, times: 10, status: 429, body: { message: 'Too Many Requests' } }] })
    const octokit = createOctokit(TOKEN, { ...fastClientOptions(fake), rateLimitRetries: 2 })
    await expect(octokit.rest.issues.listComments({ owner: 'acme', repo: 'game', issue_number: 7 })).rejects.toMatchObject({ status: 429 })
    expect(hits(COMMENTS)).toBe(3)
    await fake.close()
    fake = await startFakeGitHub({
      failures: [{ path: COMMENTS, times: 1, status: 429, headers: { 'retry-after': '3600' }, body: { message: 'Too Many Requests' } }],
    })
    const lines: string[] = []
    const patient = createOctokit(TOKEN, { ...fastClientOptions(fake, lines), maxRateLimitWaitSeconds: 60 })
    await expect(patient.rest.issues.listComments({ owner: 'acme', repo: 'game', issue_number: 7 })).rejects.toMatchObject({ status: 429 })
    expect(hits(COMMENTS)).toBe(1)
    expect(lines.some((l) => l.includes('3600 s, longer than 60 s'))).toBe(true)
  })

  it('times out a hung attempt and retries it', async () => {
    fake = await startFakeGitHub({ failures: [{ path: COMMENTS, delayMs: 400 }] })
    const octokit = createOctokit(TOKEN, { ...fastClientOptions(fake), timeoutMs: 100 })
    const { data } = await octokit.rest.issues.listComments({ owner: 'acme', repo: 'game', issue_number: 7 })
    expect(data).toEqual([])
    expect(hits(COMMENTS)).toBe(2)
  })

  it('reports a timeout that never recovers as a 500 naming the wait, not the token', async () => {
    fake = await startFakeGitHub({ failures: [{ path: COMMENTS, delayMs: 300, times: 5 }] })
    const octokit = createOctokit(TOKEN, { ...fastClientOptions(fake), timeoutMs: 50, retries: 1 })
    const error = await octokit.rest.issues.listComments({ owner: 'acme', repo: 'game', issue_number: 7 }).catch((e: unknown) => e)
    expect(error).toMatchObject({ status: 500, message: 'GitHub did not answer within 0.05 s' })
    expect(String((error as Error).message)).not.toContain(TOKEN)
  })

  it('paginates across every page with Link headers', async () => {
    fake = await startFakeGitHub({ comments: Array.from({ length: 250 }, (_, i) => ({ issue: 7, body: `c${i}`, login: 'someone' })) })
    const octokit = createOctokit(TOKEN, fastClientOptions(fake))
    const all = await octokit.paginate(octokit.rest.issues.listComments, { owner: 'acme', repo: 'game', issue_number: 7, per_page: 100 })
    expect(all.map((c) => c.body)).toEqual(Array.from({ length: 250 }, (_, i) => `c${i}`))
    expect(fake.requests.map((r) => r.query['page'] ?? '1')).toEqual(['1', '2', '3'])
  })
})
