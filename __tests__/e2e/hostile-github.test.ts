/**
 * Hardening, round two (issue 15, points 5 and 6), through the BUILT action on a pull request:
 * a user account named like the bot, and the GitHub token put where Layer's messages quote it.
 */
import { describe, expect, it } from '@jest/globals'
import { readFile } from 'node:fs/promises'
import { HEAD_SHA, OWNER, PR, REPO, marker, usePullRequestWorld } from '../helpers/pull-request.js'

const GITHUB_TOKEN = 'ghs_fake-github-token'
const world = usePullRequestWorld()
const { startFake, runPr } = world

describe('a user named like the bot', () => {
  it('does not own the sticky comment: the gate writes its own, and comment-url points at it', async () => {
    const github = await startFake()
    // A *user* "github-actions" (the bot is "github-actions[bot]") pastes the marker of a far newer run.
    const forged = github.addComment(PR, `${marker(999_999_999, HEAD_SHA)}\n### ✅ Within budget (forged)`, 'github-actions')
    const result = await runPr(github)
    expect(result.code).toBe(0)
    const comments = github.comments(PR)
    expect(comments).toHaveLength(2)
    expect(comments.find((c) => c.id === forged.id)!.body).toContain('(forged)') // left alone
    const own = comments.find((c) => c.id !== forged.id)!
    expect(own.login).toBe('github-actions[bot]')
    expect(own.body.split('\n')[0]).toBe(marker(1000))
    expect(result.outputs['comment-url']).toBe(`https://github.com/${OWNER}/${REPO}/pull/${PR}#issuecomment-${own.id}`)
    expect(result.stdout).not.toContain('a newer run')
  })
})

describe('the GitHub token in a place Layer messages quote', () => {
  it('never reaches the comment, the job summary or the report when a workflow puts it into api-url', async () => {
    const github = await startFake()
    // The path after the simulator's base URL is unknown to it: Layer's 404 hint quotes `api-url`.
    const result = await runPr(github, { inputs: { 'api-url': `${world.sim.url}/${GITHUB_TOKEN}` } })
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/404/)
    const body = github.comments(PR)[0]?.body ?? ''
    expect(body).toMatch(/404/) // the comment says what happened ...
    expect(body).toMatch(/\*\*\*|&#42;&#42;&#42;/) // ... with the token cut out (*** escaped for Markdown)
    const report = await readFile(result.outputs['report-path']!, 'utf8')
    for (const text of [body, result.summary, report, JSON.stringify(result.outputs)]) {
      expect(text).not.toContain(GITHUB_TOKEN)
      expect(text).not.toContain(encodeURIComponent(GITHUB_TOKEN))
      expect(text).not.toContain(Buffer.from(GITHUB_TOKEN).toString('base64').slice(0, 16))
    }
  })
})
