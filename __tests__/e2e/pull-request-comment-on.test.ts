/**
 * End to end on pull requests, when a comment is written: `comment-on` (a pull request that changes
 * no generation gets no new comment; an existing one is kept current) and two runs racing on one
 * pull request (they end with one comment). The BUILT action against the Layer simulator and a
 * fake GitHub; the world is in ../helpers/pull-request.ts.
 */
import { describe, expect, it } from '@jest/globals'
import {
  PR,
  BASE_MANIFEST,
  MANIFEST_PATH,
  OTHER_HEAD_SHA,
  COMMENTS_PATH,
  marker,
  requestsTo,
  gateComments,
  isCommentWrite,
  usePullRequestWorld,
} from '../helpers/pull-request.js'

const { startFake, runPr } = usePullRequestWorld()

// The head as at base: every generation unchanged, none removed.
const UNCHANGED = { [MANIFEST_PATH]: BASE_MANIFEST }
const NO_CHANGE_LOG = 'No pull-request comment: this pull request adds, changes or removes no generation and has no gate comment yet'

describe('comment-on', () => {
  it('change (the default): a pull request that changes no generation and has no comment gets none; summary and outputs as always', async () => {
    const github = await startFake()
    const result = await runPr(github, { files: UNCHANGED })
    expect(result.code).toBe(0)
    expect(github.comments(PR)).toEqual([])
    expect(github.requests.filter(isCommentWrite)).toEqual([])
    expect(result.stdout).toContain(NO_CHANGE_LOG)
    expect(result.outputs).toMatchObject({
      'total-creative-units': '12.54',
      'delta-creative-units': '0',
      sufficient: 'true',
      'comment-url': '',
    })
    expect(result.summary).toContain('12.54 of 2,500.75 CU')
  })

  it('change: an existing comment is kept current though nothing changed', async () => {
    const github = await startFake()
    const ours = github.addComment(PR, `${marker(990, OTHER_HEAD_SHA)}\nthe verdict of an earlier commit`)
    const result = await runPr(github, { files: UNCHANGED })
    expect(result.code).toBe(0)
    expect(github.requests.filter(isCommentWrite).map((r) => `${r.method} ${r.path}`)).toEqual([
      `PATCH /repos/${github.owner}/${github.repo}/issues/comments/${ours.id}`,
    ])
    const [body] = gateComments(github)
    expect(body!.split('\n')[0]).toBe(marker(1000))
    expect(body).toContain('12.54 of 2,500.75 CU')
    expect(result.outputs['comment-url']).toContain(`#issuecomment-${ours.id}`)
  })

  it('always: the unchanged pull request gets its comment', async () => {
    const github = await startFake()
    const result = await runPr(github, { files: UNCHANGED, inputs: { 'comment-on': 'always' } })
    expect(result.code).toBe(0)
    expect(gateComments(github)).toHaveLength(1)
    expect(result.stdout).not.toContain(NO_CHANGE_LOG)
    expect(result.outputs['comment-url']).toContain('#issuecomment-')
  })

  it('change: without a base compared, whether anything changed is unknown, so the comment is written', async () => {
    const github = await startFake()
    const result = await runPr(github, { files: UNCHANGED, inputs: { 'compare-base': 'false' } })
    expect(result.code).toBe(0)
    expect(gateComments(github)).toHaveLength(1)
  })

  it('change: a pull request that changes a generation gets its comment', async () => {
    const github = await startFake()
    const result = await runPr(github)
    expect(result.code).toBe(0)
    expect(gateComments(github)).toHaveLength(1)
  })

  it('refuses another value before any network call', async () => {
    const github = await startFake()
    const result = await runPr(github, { inputs: { 'comment-on': 'sometimes' } })
    expect(result.code).toBe(1)
    expect(result.errors.join('\n')).toContain('input `comment-on` must be change')
    expect(github.requests).toEqual([])
  })
})

describe('two runs racing on one pull request', () => {
  it('end with one comment, the newer run’s, though both missed the other’s and created one', async () => {
    // GitHub lists slowly: each run's listing lands after both runs sent theirs, so neither sees the
    // other's comment and both create one (as with two pushes seconds apart).
    const github = await startFake({ slow: [{ method: 'GET', path: COMMENTS_PATH, delayMs: 4000 }] })
    const [older, newer] = await Promise.all([runPr(github, { runId: 1001 }), runPr(github, { runId: 1002 })])
    expect(older.code).toBe(0)
    expect(newer.code).toBe(0)
    expect(requestsTo(github, 'POST', COMMENTS_PATH)).toHaveLength(2)
    const comments = github.comments(PR)
    expect(comments).toHaveLength(1)
    expect(comments[0]!.body.split('\n')[0]).toBe(marker(1002))
    // The newer run names the comment that stays. The older one names it too when its second listing
    // already saw the newer comment; when it listed first it cannot know it will be replaced.
    expect(newer.outputs['comment-url']).toContain(`#issuecomment-${comments[0]!.id}`)
    expect(older.outputs['comment-url']).toMatch(/#issuecomment-\d+$/)
  }, 40_000)
})
