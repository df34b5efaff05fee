/**
 * End to end on pull requests, the comment: the BUILT action (dist/index.js) as a child process
 * under `pull_request` events, against the Layer simulator and a fake GitHub
 * (REST + GraphQL) on 127.0.0.1. Every assertion is on what a runner or GitHub would see: the exit
 * code, the workflow commands, the outputs, the job summary, and the requests and comment bodies
 * the fake GitHub received. The world (manifests, payloads, runs) is in ../helpers/pull-request.ts;
 * the suite is two files so that two test workers share it.
 *
 * The built action paces its GitHub writes as GitHub asks (plugin-throttling: 1 s between writes,
 * GraphQL included, 3 s between comment creations) and backs off 1, 4, 9 s between retries. Runs
 * here count a millisecond for each of those seconds (the test-only TEST_WAIT_UNIT_ENV), so no case
 * sleeps.
 */
import { describe, expect, it } from '@jest/globals'
import { badGateway } from '../helpers/fake-github.js'
import { SIM_WORKSPACE_ID } from '../../src/simulator/server.js'
import {
  OWNER,
  REPO,
  PR,
  BASE_SHA,
  HEAD_SHA,
  OTHER_HEAD_SHA,
  MANIFEST_PATH,
  IMAGE,
  COMMENT_LIMIT,
  HEAD_MANIFEST,
  prEvent,
  marker,
  COMMENTS_PATH,
  isCommentWrite,
  requestsTo,
  gateComments,
  decoded,
  row,
  expectWellFormedTables,
  usePullRequestWorld,
} from '../helpers/pull-request.js'

const world = usePullRequestWorld()
const { startFake, runPr } = world

describe('the sticky comment', () => {
  it('creates the comment with the verdict, the breakdown and a link to the run, and sets comment-url', async () => {
    const github = await startFake()
    const result = await runPr(github)
    expect(result.code).toBe(0)
    const comments = github.comments(PR)
    expect(comments).toHaveLength(1)
    const body = comments[0]!.body
    expect(body.split('\n')[0]).toBe(marker(1000))
    expect(body).toContain('### ✅ +5.786 CU in this pull request · 18.326 of 2,500.75 CU · 2,482.424 left')
    expect(body).toContain('[Workflow run](https://github.com/acme/art/actions/runs/1000/attempts/1)')
    expect(body).toContain(`Commit ${HEAD_SHA.slice(0, 7)}`)
    expect(body).not.toContain('e'.repeat(7)) // not the merge commit
    expect(result.outputs['comment-url']).toBe(`https://github.com/${OWNER}/${REPO}/pull/${PR}#issuecomment-${comments[0]!.id}`)
    // The first run of a pull request needs no GraphQL: there is no earlier comment to own.
    expect(github.writes().map((r) => `${r.method} ${r.path}`)).toEqual([`POST ${COMMENTS_PATH}`])
  })

  it('updates its own comment found on page 3 of 250, leaving the look-alikes of other users alone', async () => {
    const github = await startFake()
    for (let i = 0; i < 230; i++) github.addComment(PR, `Review comment ${i}`, i % 2 ? 'octocat' : 'hubot')
    const ours = github.addComment(PR, `${marker(990, OTHER_HEAD_SHA)}\nold text`)
    // Anyone can paste the marker; only the token's own comments count.
    const pasted = github.addComment(PR, `${marker(995, OTHER_HEAD_SHA)}\npasted by a human`, 'mallory')
    for (let i = 0; i < 18; i++) github.addComment(PR, `Later comment ${i}`, 'octocat')
    expect(github.comments(PR)).toHaveLength(250)

    const result = await runPr(github)
    expect(result.code).toBe(0)
    // All three pages were read.
    expect(requestsTo(github, 'GET', COMMENTS_PATH).map((r) => r.query['page'] ?? '1')).toEqual(['1', '2', '3'])
    const writes = github.requests.filter(isCommentWrite)
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([`PATCH /repos/${OWNER}/${REPO}/issues/comments/${ours.id}`])
    const after = github.comments(PR)
    expect(after).toHaveLength(250)
    // The marker, then the commitment it records for the other open pull requests (SPEC section 8), then the text.
    expect(after.find((c) => c.id === ours.id)!.body).toMatch(
      new RegExp(`^${marker(1000)}\n<!-- layer-budget-gate:commitment \\{.*\\} -->\n### ✅ `),
    )
    expect(after.find((c) => c.id === pasted.id)!.body).toContain('pasted by a human')
    expect(result.outputs['comment-url']).toBe(`https://github.com/${OWNER}/${REPO}/pull/${PR}#issuecomment-${ours.id}`)
  })

  it('does not rewrite the comment when a later run at the same head commit has nothing new to say', async () => {
    const github = await startFake()
    const first = await runPr(github, { runId: 1000 })
    expect(first.code).toBe(0)
    const [created] = github.comments(PR)
    const second = await runPr(github, { runId: 1001 })
    expect(second.code).toBe(0)
    expect(requestsTo(github, 'PATCH', /\/issues\/comments\//)).toEqual([])
    expect(requestsTo(github, 'POST', COMMENTS_PATH)).toHaveLength(1)
    expect(github.comments(PR)).toEqual([created])
    expect(second.outputs['comment-url']).toBe(first.outputs['comment-url'])
    expect(second.stdout).toMatch(/comment unchanged/i)

    // A new head commit is news even when the figures are the same: the marker must record it.
    const third = await runPr(github, { runId: 1002, event: prEvent({ headSha: OTHER_HEAD_SHA }) })
    expect(third.code).toBe(0)
    expect(requestsTo(github, 'PATCH', /\/issues\/comments\//)).toHaveLength(1)
    expect(github.comments(PR)[0]!.body.split('\n')[0]).toBe(marker(1002, OTHER_HEAD_SHA))
  }, 40_000)

  it('replaces an earlier verdict when a later commit cannot be priced (invalid manifest), naming each problem', async () => {
    const github = await startFake()
    const ours = github.addComment(PR, `${marker(990, OTHER_HEAD_SHA)}\n### ✅ Within budget: 12.54 CU of 2,500.75 CU`)
    const invalid = HEAD_MANIFEST.replace('    quality: high\n', '    qualty: high\n').replace('    runs: 3\n', '    runs: 0\n')
    const result = await runPr(github, { files: { [MANIFEST_PATH]: invalid } })
    expect(result.code).toBe(1)
    expect(world.sim.requests).toBe(0)
    const body = github.comments(PR).find((c) => c.id === ours.id)!.body
    expect(body.split('\n')[0]).toBe(marker(1000))
    expect(body).not.toContain('Within budget')
    expect(body).toContain('### ❌ could not price the generations: the total is unknown')
    expect(body).toContain('2 problems in .layer/generations.yml')
    expect(body).toMatch(/^- \.layer\/generations\.yml:13:11: generations&#91;0&#93;\.runs must be an integer from 1/m)
    expect(body).toMatch(/^- \.layer\/generations\.yml:25:5: .*qualty.*did you mean &quot;quality&quot;/m)
    expect(body).toContain('[Workflow run](https://github.com/acme/art/actions/runs/1000/attempts/1)')
    expect(result.outputs['comment-url']).toBe(`https://github.com/${OWNER}/${REPO}/pull/${PR}#issuecomment-${ours.id}`)
    expect(result.outputs.sufficient).toBe('false')
    expect(result.errors.join('\n')).toMatch(/qualty/)
  })

  it('leaves a newer run’s comment alone and says so (runs finish out of order)', async () => {
    const github = await startFake()
    const newer = github.addComment(PR, `${marker(2000, OTHER_HEAD_SHA)}\nwritten by run 2000`)
    const result = await runPr(github, { runId: 1000 })
    expect(result.code).toBe(0)
    expect(github.requests.filter(isCommentWrite)).toEqual([])
    expect(github.comments(PR)).toEqual([newer])
    expect(result.stdout).toMatch(/newer run \(run 2000, attempt 1, commit dead000\).*this is run 1000/)
    expect(result.outputs['comment-url']).toBe(`https://github.com/${OWNER}/${REPO}/pull/${PR}#issuecomment-${newer.id}`)
  })

  it('treats a later attempt of the same run as newer', async () => {
    const github = await startFake()
    github.addComment(PR, `${marker(1000, HEAD_SHA, 2)}\nwritten by attempt 2`)
    const result = await runPr(github, { runId: 1000 })
    expect(result.code).toBe(0)
    expect(github.requests.filter(isCommentWrite)).toEqual([])
    expect(github.comments(PR)[0]!.body).toContain('written by attempt 2')
  })

  it('comment: new posts another comment and keeps the old one', async () => {
    const github = await startFake()
    const old = github.addComment(PR, `${marker(990, OTHER_HEAD_SHA)}\nold text`)
    const result = await runPr(github, { inputs: { comment: 'new' } })
    expect(result.code).toBe(0)
    const bodies = gateComments(github)
    expect(bodies).toHaveLength(2)
    expect(bodies[0]).toContain('old text')
    expect(bodies[1]!.split('\n')[0]).toBe(marker(1000))
    const created = github.comments(PR).at(-1)!
    expect(created.id).not.toBe(old.id)
    expect(result.outputs['comment-url']).toMatch(new RegExp(`#issuecomment-${created.id}$`))
    expect(requestsTo(github, 'DELETE', /./)).toEqual([])
  })

  it('comment: delete-and-new posts the new comment first, then deletes the old ones', async () => {
    const github = await startFake()
    const old = github.addComment(PR, `${marker(990, OTHER_HEAD_SHA)}\nold text`)
    const other = github.addComment(PR, `${marker(991, OTHER_HEAD_SHA, 1, 'nightly')}\nanother gate's comment`)
    const result = await runPr(github, { inputs: { comment: 'delete-and-new' } })
    expect(result.code).toBe(0)
    const writes = github.requests.filter(isCommentWrite).map((r) => r.method)
    expect(writes).toEqual(['POST', 'DELETE'])
    expect(requestsTo(github, 'DELETE', /./)[0]!.path).toBe(`/repos/${OWNER}/${REPO}/issues/comments/${old.id}`)
    const left = github.comments(PR)
    expect(left.map((c) => c.id)).toContain(other.id) // another comment-key is another gate
    expect(left.map((c) => c.id)).not.toContain(old.id)
    expect(gateComments(github).filter((b) => b.includes('key=default'))).toHaveLength(1)
  }, 40_000)

  it('comment: hide-and-new minimises the old comment as outdated through GraphQL', async () => {
    const github = await startFake()
    const old = github.addComment(PR, `${marker(990, OTHER_HEAD_SHA)}\nold text`)
    const result = await runPr(github, { inputs: { comment: 'hide-and-new' } })
    expect(result.code).toBe(0)
    const after = github.comments(PR)
    expect(after).toHaveLength(2)
    expect(after.find((c) => c.id === old.id)!.minimizedAs).toBe('OUTDATED')
    expect(after.at(-1)!.minimizedAs).toBeUndefined()
    const mutations = requestsTo(github, 'POST', '/graphql').filter((r) => /minimizeComment/.test(JSON.stringify(r.body)))
    expect(mutations).toHaveLength(1)
    expect(JSON.stringify(mutations[0]!.body)).toContain(old.node_id)
    expect(requestsTo(github, 'DELETE', /./)).toEqual([])
  }, 40_000)

  it('comment: off writes no comment and reads none, and comment-url is empty', async () => {
    const github = await startFake()
    github.addComment(PR, `${marker(990, OTHER_HEAD_SHA)}\nold text`)
    const result = await runPr(github, { inputs: { comment: 'off' } })
    expect(result.code).toBe(0)
    expect(github.requests.filter((r) => r.path.includes('/issues/') || r.path === '/graphql')).toEqual([])
    expect(result.outputs['comment-url']).toBe('')
    // The base is still compared: off is about the comment only.
    expect(result.outputs['delta-creative-units']).toBe('5.786')
  })
})

describe('when GitHub says no', () => {
  it.each([
    ['within budget', {}, 0],
    ['over budget', { 'min-remaining-balance': '2490' }, 1],
  ])('a read-only token is a warning that says why and what to do; %s decides the step', async (_label, inputs, code) => {
    const github = await startFake({ readOnly: true })
    const result = await runPr(github, { inputs })
    expect(result.code).toBe(code)
    const warning = result.warnings.find((w) => /comment/.test(w))
    expect(warning).toBeDefined()
    expect(warning).toMatch(/403/)
    expect(warning).toMatch(/read-only/)
    expect(warning).toMatch(/pull_request_target/)
    expect(warning).toMatch(/pull-requests: write/)
    expect(github.comments(PR)).toEqual([])
    expect(result.outputs['total-creative-units']).toBe('18.326')
    expect(result.outputs['delta-creative-units']).toBe('5.786')
    expect(result.outputs['comment-url']).toBe('')
    expect(result.outputs.sufficient).toBe(code === 0 ? 'true' : 'false')
    expect(result.summary).toContain('| dragon |')
  })

  it('never publishes a token that GitHub echoes in an error, though it quotes the error in the comment', async () => {
    const echo = {
      message: 'Validation failed for token ghs_fake-github-token',
      documentation_url: 'https://docs.github.com/rest?t=ghs_fake-github-token',
    }
    const github = await startFake({ failures: [{ method: 'GET', path: /\/contents\//, status: 422, body: echo }] })
    const result = await runPr(github)
    expect(result.code).toBe(0)
    const body = github.comments(PR)[0]!.body
    expect(body).toMatch(/could not be read \(.*Validation failed for token &#42;&#42;&#42; /)
    for (const text of [
      body,
      result.summary,
      result.stdout
        .split('\n')
        .filter((l) => !l.startsWith('::add-mask::'))
        .join('\n'),
    ]) {
      expect(text).not.toContain('ghs_fake')
    }
  })

  it('fails closed on a fork’s pull_request without layer-token, pointing to the pull_request_target recipe', async () => {
    const github = await startFake()
    const result = await runPr(github, { event: prEvent({ headRepo: 'contributor/art' }), inputs: { 'layer-token': '' } })
    expect(result.code).toBe(1)
    const error = result.errors.join('\n')
    expect(error).toMatch(/layer-token/)
    expect(error).toMatch(/fork/)
    expect(error).toMatch(/pull_request_target.*README/)
    expect(result.outputs.sufficient).toBe('false')
    expect(world.sim.requests).toBe(0)
    expect(github.writes()).toEqual([])
  })

  it('says nothing about forks when a same-repository pull_request lacks layer-token', async () => {
    const github = await startFake()
    const result = await runPr(github, { inputs: { 'layer-token': '' } })
    expect(result.code).toBe(1)
    expect(result.errors.join('\n')).toMatch(/layer-token/)
    expect(result.errors.join('\n')).not.toMatch(/fork/)
  })

  it.each([
    ['create', 'POST', COMMENTS_PATH, false],
    ['update', 'PATCH', /\/issues\/comments\/\d+$/, true],
  ] as const)('a 502 on the comment %s is retried and the comment is not lost', async (_label, method, path, existing) => {
    const github = await startFake()
    if (existing) github.addComment(PR, `${marker(990, OTHER_HEAD_SHA)}\nold text`)
    github.fail(badGateway({ method, path }))
    const result = await runPr(github)
    expect(result.code).toBe(0)
    const attempts = github.requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)))
    expect(attempts.map((r) => r.status)).toEqual([502, method === 'POST' ? 201 : 200])
    expect(gateComments(github)).toHaveLength(1)
    expect(gateComments(github)[0]!.split('\n')[0]).toBe(marker(1000))
    expect(result.warnings).toEqual([])
    expect(result.outputs['comment-url']).toMatch(/#issuecomment-\d+$/)
  })
})

describe('what the comment says', () => {
  /** `count` generations sharing 3 request bodies, so Layer gets 3 requests, not thousands. */
  function bigManifest(count: number): string {
    const lines = [`version: 1`, `workspace_id: ${SIM_WORKSPACE_ID}`, 'defaults:', `  model_id: ${IMAGE}`, 'generations:']
    for (let i = 0; i < count; i++) {
      lines.push(
        `  - name: sprite-${String(i).padStart(4, '0')}-${'x'.repeat(20)}`,
        `    prompt: "sprite ${i % 3}"`,
        `    runs: ${(i % 7) + 1}`,
        `    group: set-${i % 11}`,
      )
    }
    return `${lines.join('\n')}\n`
  }

  it('keeps a comment for 3,000 generations under 65,536 characters, with a "… N more generations" line; the summary has them all', async () => {
    const github = await startFake({ files: { [BASE_SHA]: {} } })
    world.sim.setBalance(SIM_WORKSPACE_ID, 1_000_000)
    const result = await runPr(github, { files: { [MANIFEST_PATH]: bigManifest(3000) } })
    expect(result.code).toBe(0)
    expect(result.outputs.entries).toBe('3000')
    expect(world.sim.requests).toBe(3)
    const posts = requestsTo(github, 'POST', COMMENTS_PATH)
    expect(posts).toHaveLength(1)
    const body = github.comments(PR)[0]!.body
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT)
    expect(body.length).toBeGreaterThan(COMMENT_LIMIT / 2) // trimmed to fit, not to nothing
    const more = /… ([\d,]+) more generations \(([\d,.]+) CU\)/.exec(body)
    expect(more).not.toBeNull()
    const shownRows = body.split('\n').filter((l) => /^\| sprite-/.test(l)).length
    expect(shownRows + Number(more![1]!.replace(/,/g, ''))).toBe(3000)
    expect(body).toMatch(/<details><summary>/)
    expectWellFormedTables(body)
    // The job summary keeps every row.
    expect(result.summary.split('\n').filter((l) => /^\| sprite-/.test(l))).toHaveLength(3000)
  }, 40_000)

  it('posts the compact layout when GitHub refuses the full one (422: body too long)', async () => {
    const github = await startFake({ files: { [BASE_SHA]: {} }, maxBodyLength: 12_000 })
    const result = await runPr(github, { files: { [MANIFEST_PATH]: bigManifest(300) } })
    expect(result.code).toBe(0)
    const posts = requestsTo(github, 'POST', COMMENTS_PATH)
    expect(posts.map((r) => r.status)).toEqual([422, 201])
    const [full, compact] = posts.map((r) => (r.body as { body: string }).body)
    expect(full!.length).toBeGreaterThan(12_000)
    expect(compact!.length).toBeLessThanOrEqual(12_000)
    const body = github.comments(PR)[0]!.body
    expect(body).toBe(compact)
    expect(body.split('\n')[0]).toBe(marker(1000))
    expect(body).toMatch(/^### ✅ /m)
    expect(body).toMatch(/… [\d,]+ more generations/)
    expect(body.split('\n').filter((l) => /^\| sprite-/.test(l)).length).toBeLessThanOrEqual(20)
    expect(result.warnings).toEqual([])
  }, 40_000)

  it('escapes a hostile generation name: the table holds, nobody is mentioned or linked, no HTML gets through', async () => {
    const hostile = 'a|b @octocat #12 <img src=x onerror=alert(1)>'
    const manifest = `${HEAD_MANIFEST}  - name: ${JSON.stringify(hostile)}\n    model_id: art\n    prompt: "hostile"\n    group: "@admins #1 <b>x</b> GH-7"\n`
    const github = await startFake()
    const result = await runPr(github, { files: { [MANIFEST_PATH]: manifest } })
    expect(result.code).toBe(0)
    const body = github.comments(PR)[0]!.body
    expectWellFormedTables(body)
    // Its row in the changed table (linked) and in the breakdown: the "|" in the name adds no cell.
    const [changed, breakdown] = body.split('\n').filter((l) => l.includes('octocat') && l.startsWith('| '))
    expect(changed).toMatch(/^\| \[a&#124;b .*\]\(https:\/\/github\.com\/.*\) \| added \|/)
    expect(changed!.split('|').length).toBe('| Generation | Change | Runs | CU per run | Total CU | Δ CU |'.split('|').length)
    expect(breakdown!.split('|').length).toBe(row(body, 'knight')!.length + 2)
    // Nothing GitHub would turn into a tag, a mention or an issue link.
    const withoutOwnTags = body.replace(/<\/?(details|summary|sub)>|<!--[^>]*-->/g, '')
    expect(withoutOwnTags).not.toContain('<')
    expect(decoded(body).replace(/<!--[^>]*-->/g, '')).not.toMatch(/@\w|#\d|\bGH-\d/i)
    // …yet the name still reads as written.
    expect(decoded(breakdown!).replace(/\u200b/g, '')).toContain(hostile)
    expect(result.summary).not.toMatch(/<img/)
  })
})
