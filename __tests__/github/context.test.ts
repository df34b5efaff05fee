import { describe, expect, it } from '@jest/globals'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GateError } from '../../src/errors.js'
import { isPullRequestEvent, parseRunContext, readRunContext, type RunEnv } from '../../src/github/context.js'

const HEAD = 'a'.repeat(40)
const BASE = 'b'.repeat(40)
const MERGE = 'c'.repeat(40)

const ENV: RunEnv = {
  GITHUB_REPOSITORY: 'acme/game',
  GITHUB_RUN_ID: '9876543210',
  GITHUB_RUN_ATTEMPT: '2',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_SHA: MERGE,
}

function pullRequestPayload(headRepo: string | null) {
  return {
    action: 'synchronize',
    number: 42,
    pull_request: {
      number: 42,
      head: { sha: HEAD, ref: 'feature', repo: headRepo === null ? null : { full_name: headRepo } },
      base: { sha: BASE, ref: 'main', repo: { full_name: 'acme/game' } },
    },
    repository: { full_name: 'acme/game', name: 'game', owner: { login: 'acme' } },
  }
}

describe('parseRunContext', () => {
  it('pull_request from a branch of the same repository: head SHA, not the merge commit', () => {
    expect(parseRunContext('pull_request', pullRequestPayload('acme/game'), ENV)).toEqual({
      eventName: 'pull_request',
      owner: 'acme',
      repo: 'game',
      runId: 9876543210,
      runAttempt: 2,
      serverUrl: 'https://github.com',
      runUrl: 'https://github.com/acme/game/actions/runs/9876543210/attempts/2',
      sha: HEAD,
      pullRequest: {
        number: 42,
        baseSha: BASE,
        headSha: HEAD,
        baseRepo: 'acme/game',
        baseRef: 'main',
        headRepo: 'acme/game',
        isFork: false,
      },
    })
  })

  it('pull_request_target from a fork', () => {
    const ctx = parseRunContext('pull_request_target', pullRequestPayload('mallory/game'), { ...ENV, GITHUB_SHA: BASE })
    expect(ctx.sha).toBe(HEAD)
    expect(ctx.pullRequest).toEqual({
      number: 42,
      baseSha: BASE,
      headSha: HEAD,
      baseRepo: 'acme/game',
      baseRef: 'main',
      headRepo: 'mallory/game',
      isFork: true,
    })
  })

  it('counts a pull request whose fork was deleted as a fork', () => {
    const ctx = parseRunContext('pull_request_target', pullRequestPayload(null), ENV)
    expect(ctx.pullRequest?.isFork).toBe(true)
    expect(ctx.pullRequest).not.toHaveProperty('headRepo')
  })

  it('compares repository names without regard to case', () => {
    expect(parseRunContext('pull_request', pullRequestPayload('Acme/Game'), ENV).pullRequest?.isFork).toBe(false)
  })

  it('workflow_dispatch: no pull request, GITHUB_SHA', () => {
    const ctx = parseRunContext('workflow_dispatch', { inputs: {}, ref: 'refs/heads/main' }, ENV)
    expect(ctx).toMatchObject({ eventName: 'workflow_dispatch', sha: MERGE })
    expect(ctx).not.toHaveProperty('pullRequest')
  })

  it('schedule: no pull request, GITHUB_SHA', () => {
    const ctx = parseRunContext('schedule', { schedule: '0 6 * * 1' }, ENV)
    expect(ctx.sha).toBe(MERGE)
    expect(ctx.pullRequest).toBeUndefined()
  })

  it('push: the pushed commit (payload.after)', () => {
    const ctx = parseRunContext('push', { after: HEAD, before: BASE, ref: 'refs/heads/main' }, ENV)
    expect(ctx.sha).toBe(HEAD)
    expect(ctx.pullRequest).toBeUndefined()
  })

  it("merge_group: the merge group's head commit", () => {
    const ctx = parseRunContext(
      'merge_group',
      { merge_group: { head_sha: HEAD, base_sha: BASE, head_ref: 'gh-readonly-queue/main/pr-42' } },
      ENV,
    )
    expect(ctx.sha).toBe(HEAD)
    expect(ctx.pullRequest).toBeUndefined()
  })

  it('links the run without an attempt when the runner does not say, and trims the server URL', () => {
    const ctx = parseRunContext('schedule', {}, { ...ENV, GITHUB_RUN_ATTEMPT: undefined, GITHUB_SERVER_URL: 'https://ghe.example.com/' })
    expect(ctx.runAttempt).toBe(1)
    expect(ctx.runUrl).toBe('https://ghe.example.com/acme/game/actions/runs/9876543210')
  })

  it('falls back to the payload repository and github.com', () => {
    const ctx = parseRunContext('push', { after: HEAD, repository: { full_name: 'acme/tools' } }, { GITHUB_RUN_ID: '5' })
    expect(ctx).toMatchObject({
      owner: 'acme',
      repo: 'tools',
      serverUrl: 'https://github.com',
      runUrl: 'https://github.com/acme/tools/actions/runs/5',
    })
  })

  it.each([
    ['no repository', { ...ENV, GITHUB_REPOSITORY: undefined }, 'GITHUB_REPOSITORY'],
    ['a malformed repository', { ...ENV, GITHUB_REPOSITORY: 'acme' }, 'GITHUB_REPOSITORY'],
    ['no run id', { ...ENV, GITHUB_RUN_ID: undefined }, 'GITHUB_RUN_ID'],
    ['a run id that is not a number', { ...ENV, GITHUB_RUN_ID: 'abc' }, 'GITHUB_RUN_ID'],
    ['no sha', { ...ENV, GITHUB_SHA: undefined }, 'GITHUB_SHA'],
  ])('fails with a GateError on %s', (_what, env, named) => {
    expect(() => parseRunContext('schedule', {}, env)).toThrow(GateError)
    expect(() => parseRunContext('schedule', {}, env)).toThrow(`The GitHub Actions environment lacks ${named}`)
  })

  it('fails when a pull_request payload has no pull request', () => {
    expect(() => parseRunContext('pull_request', {}, ENV)).toThrow(
      'The pull_request event payload has no pull request number, head SHA or base SHA (GITHUB_EVENT_PATH is missing or not a pull_request event).',
    )
  })

  it('pull_request_review (an approval re-judges the pull request, SPEC 9): the pull request from its payload, which has no top-level number', () => {
    // As GitHub sends it: the review, and the pull request as on pull_request events.
    const { pull_request, repository } = pullRequestPayload('acme/game')
    const payload = {
      pull_request,
      repository,
      action: 'submitted',
      review: { id: 80, state: 'approved', commit_id: HEAD, user: { login: 'maria' } },
    }
    expect(parseRunContext('pull_request_review', payload, ENV)).toMatchObject({
      eventName: 'pull_request_review',
      sha: HEAD,
      pullRequest: { number: 42, headSha: HEAD, baseSha: BASE, isFork: false },
    })
  })

  it('fails without an event name', () => {
    expect(() => parseRunContext('', {}, ENV)).toThrow('The GitHub Actions environment lacks GITHUB_EVENT_NAME')
  })
})

describe('isPullRequestEvent', () => {
  it.each([
    ['pull_request', true],
    ['pull_request_target', true],
    ['pull_request_review', true],
    ['push', false],
    ['merge_group', false],
    ['workflow_dispatch', false],
    ['schedule', false],
  ])('%s -> %s', (event, expected) => {
    expect(isPullRequestEvent(event)).toBe(expected)
  })
})

describe('readRunContext', () => {
  it('reads the event name and payload the runner wrote, and the rest of the environment', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lbg-context-'))
    const eventPath = join(dir, 'event.json')
    await writeFile(eventPath, JSON.stringify(pullRequestPayload('mallory/game')))
    expect(readRunContext({ ...ENV, GITHUB_EVENT_NAME: 'pull_request_target', GITHUB_EVENT_PATH: eventPath })).toMatchObject({
      eventName: 'pull_request_target',
      owner: 'acme',
      runId: 9876543210,
      runUrl: 'https://github.com/acme/game/actions/runs/9876543210/attempts/2',
      sha: HEAD,
      pullRequest: { number: 42, isFork: true },
    })
  })

  it('says so when the event file is not JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lbg-context-'))
    const eventPath = join(dir, 'event.json')
    await writeFile(eventPath, '{not json')
    expect(() => readRunContext({ ...ENV, GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: eventPath })).toThrow(
      /GITHUB_EVENT_PATH .* is not valid JSON/,
    )
  })
})
