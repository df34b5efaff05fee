/**
 * Secrets never leak, end to end: the BUILT action runs with sentinel values for `layer-token` and
 * `github-token` through a representative set of runs (success, manifest errors, 401, 403, 422,
 * 5xx, a hang, a comment written, a comment refused), with Layer and GitHub echoing the tokens back
 * in their error bodies. Neither token, nor a long piece of one, may appear in stdout (but for the
 * `::add-mask::` lines, which the runner consumes), stderr, the job summary, the outputs file, the
 * JSON report, or anything the fake GitHub received; and each token goes only to its own service.
 */
import { describe, expect, it } from '@jest/globals'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { ROOT, runAction, type ActionRun } from '../helpers/run-action.js'
import { startFakeGitHub, type FakeGitHub, type FakeGitHubOptions, type FailureRule } from '../helpers/fake-github.js'
import { SIM_MODELS } from '../../src/simulator/prices.js'
import {
  SIM_WORKSPACE_ID,
  startSimulator,
  type Fault,
  type FaultPlan,
  type Simulator,
  type SimulatorLogEntry,
} from '../../src/simulator/server.js'

/** A Layer OAuth2 JWT look-alike (the input takes a PAT or a JWT): dots, dashes and underscores included. */
const LAYER_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJMQkctU0VOVElORUwtbGF5ZXIifQ.c2VudGluZWwtbGF5ZXItc2ln-_Q'
const GITHUB_TOKEN = 'ghs_SENTINELgithubTokenAbCdEf0123456789xyz'
const OWNER = 'acme'
const REPO = 'game'
const PR = 7
const HEAD_SHA = 'f00d'.repeat(10)
const COMMENTS = `/repos/${OWNER}/${REPO}/issues/${PR}/comments`

const MANIFEST = `version: 1
workspace_id: ${SIM_WORKSPACE_ID}
generations:
  - name: knight
    model_id: ${SIM_MODELS.image.id}
    prompt: "A knight"
    width: 1024
    height: 1024
  - name: castle
    model_id: ${SIM_MODELS.video.id}
    duration_seconds: 8
`

/** Layer or a proxy quoting the request's credentials back, as a careless error page does. */
const echoLayer = (status: number): Fault => ({
  kind: 'status',
  status,
  body: JSON.stringify({ detail: `upstream rejected Authorization: Bearer ${LAYER_TOKEN} (token=${LAYER_TOKEN})` }),
})

const echo422: Fault = {
  kind: 'status',
  status: 422,
  body: JSON.stringify({
    detail: [
      {
        loc: ['body', 'width', LAYER_TOKEN],
        msg: `Input should be a multiple of 64 (request by Bearer ${LAYER_TOKEN})`,
        type: 'value_error',
        input: LAYER_TOKEN,
      },
    ],
  }),
} as const

/** GitHub quoting the token back in an error message. */
const echoGitHub = (rule: Omit<FailureRule, 'body' | 'status'>, status: number): FailureRule => ({
  ...rule,
  status,
  body: {
    message: `Bad credentials: token ${GITHUB_TOKEN} was rejected`,
    documentation_url: `https://docs.github.com/rest?token=${GITHUB_TOKEN}`,
  },
})

interface Scenario {
  name: string
  /** What Layer does (faults), and whether it knows the token at all. */
  layer?: { faults?: FaultPlan; accepts?: 'token' | 'other' | 'forbidden' }
  /** A pull_request run against a fake GitHub with these options (and failure rules). */
  github?: FakeGitHubOptions & { acceptsToken?: boolean }
  inputs?: Record<string, string>
  manifest?: string
  /** Checks that the run did what the scenario says (so the leak check covers that path). */
  check: (run: ActionRun, github?: FakeGitHub) => void
}

const SCENARIOS: Scenario[] = [
  {
    name: 'success (workflow_dispatch)',
    check: (run) => {
      expect(run.code).toBe(0)
      expect(run.outputs.sufficient).toBe('true')
    },
  },
  {
    name: 'manifest errors',
    manifest: `${MANIFEST}  - name: knight\n    model_id: not-an-alias\n    widht: 3\n`,
    check: (run) => {
      expect(run.code).toBe(1)
      expect(run.errors.join('\n')).toMatch(/widht.*did you mean "width"/)
    },
  },
  {
    name: '401, Layer echoing the token',
    layer: { accepts: 'other', faults: () => echoLayer(401) },
    check: (run) => expect(run.errors.join('\n')).toMatch(/401.*layer-token/),
  },
  {
    name: '403 from the simulator',
    layer: { accepts: 'forbidden' },
    check: (run) => expect(run.errors.join('\n')).toMatch(/403/),
  },
  {
    name: '422 echoing the token in loc, msg and input',
    layer: { faults: [echo422] },
    inputs: { concurrency: '1' },
    check: (run) => expect(run.errors.join('\n')).toMatch(/multiple of 64/),
  },
  {
    name: '5xx echoing the token, after retries',
    layer: { faults: () => echoLayer(503) },
    inputs: { 'max-retries': '1' },
    check: (run) => expect(run.errors.join('\n')).toMatch(/503/),
  },
  {
    name: '400 and 404 echoing the token',
    layer: { faults: [echoLayer(400), echoLayer(404)] },
    inputs: { concurrency: '1' },
    check: (run) => expect(run.errors.join('\n')).toMatch(/400[\s\S]*404|404[\s\S]*400/),
  },
  {
    name: 'a hanging Layer',
    layer: { faults: () => ({ kind: 'hang' }) },
    inputs: { 'request-timeout-seconds': '1', 'max-retries': '0' },
    check: (run) => expect(run.errors.join('\n')).toMatch(/did not answer within 1 s/),
  },
  {
    name: 'a comment written (pull_request)',
    github: {},
    check: (run, github) => {
      expect(run.code).toBe(0)
      expect(github!.comments(PR)).toHaveLength(1)
      expect(run.outputs['comment-url']).not.toBe('')
    },
  },
  {
    name: 'a comment refused (read-only token)',
    github: { readOnly: true },
    check: (run, github) => {
      expect(run.code).toBe(0)
      expect(github!.comments(PR)).toHaveLength(0)
      expect(run.warnings.join('\n')).toMatch(/comment was not written.*403/)
    },
  },
  {
    name: 'GitHub echoing the token on a failed comment',
    github: {
      failures: [
        echoGitHub({ method: 'POST', path: COMMENTS, times: 10 }, 422),
        echoGitHub({ method: 'GET', path: COMMENTS, times: 1 }, 500),
      ],
    },
    check: (run) => expect(run.warnings.join('\n')).toMatch(/comment was not written/),
  },
  {
    name: 'GitHub echoing the token while reading the base manifest (the note goes into the comment)',
    github: { failures: [echoGitHub({ method: 'GET', path: /\/contents\//, times: 10 }, 422)] },
    inputs: { 'compare-base': 'true' },
    check: (run, github) => {
      expect(run.code).toBe(0)
      expect(run.summary).toMatch(/could not be read/)
      expect(github!.comments(PR)).toHaveLength(1)
    },
  },
  {
    name: 'GitHub refusing the token (401)',
    github: { acceptsToken: false },
    check: (run) => expect(run.warnings.join('\n')).toMatch(/401/),
  },
  {
    name: 'a pull request whose Layer token is rejected: the failed verdict is commented',
    layer: { accepts: 'other' },
    github: {},
    check: (run, github) => {
      expect(run.code).toBe(1)
      // The failed verdict is still put on the pull request.
      expect(github!.comments(PR).length).toBeLessThanOrEqual(1)
    },
  },
]

function prEvent(): unknown {
  const repository = { full_name: `${OWNER}/${REPO}`, name: REPO, owner: { login: OWNER } }
  return {
    action: 'opened',
    number: PR,
    pull_request: { number: PR, head: { sha: HEAD_SHA, repo: repository }, base: { sha: 'b'.repeat(40), repo: repository } },
    repository,
  }
}

/** Every long-enough piece of a token: a message quoting half a token leaks it as well. */
function pieces(token: string): string[] {
  const size = 16
  const out: string[] = []
  for (let i = 0; i + size <= token.length; i += 8) out.push(token.slice(i, i + size))
  return out
}

function expectNoSecret(where: string, text: string): void {
  for (const token of [LAYER_TOKEN, GITHUB_TOKEN]) {
    for (const piece of pieces(token)) {
      if (text.includes(piece))
        throw new Error(
          `${where} contains "${piece}" of a token:\n${text.slice(Math.max(0, text.indexOf(piece) - 300), text.indexOf(piece) + 100)}`,
        )
    }
  }
}

interface Outcome {
  run: ActionRun
  outputFile: string
  report: string
  github?: FakeGitHub
  githubRequests: string
  simLog: SimulatorLogEntry[]
}

async function runScenario(scenario: Scenario): Promise<Outcome> {
  const accepts = scenario.layer?.accepts ?? 'token'
  const sim: Simulator = await startSimulator({
    token: accepts === 'token' ? LAYER_TOKEN : 'some-other-token',
    forbiddenToken: accepts === 'forbidden' ? LAYER_TOKEN : 'sim-forbidden-token',
    ...(scenario.layer?.faults ? { faults: scenario.layer.faults } : {}),
  })
  const { acceptsToken = true, ...githubOptions } = scenario.github ?? {}
  const github = scenario.github
    ? await startFakeGitHub({ owner: OWNER, repo: REPO, token: acceptsToken ? GITHUB_TOKEN : 'ghs_another', ...githubOptions })
    : undefined
  try {
    const run = await runAction({
      eventName: github ? 'pull_request' : 'workflow_dispatch',
      event: github ? prEvent() : {},
      inputs: {
        'layer-token': LAYER_TOKEN,
        'github-token': GITHUB_TOKEN,
        'api-url': sim.url,
        'max-retries': '1',
        'compare-base': 'false',
        ...scenario.inputs,
      },
      files: { '.layer/generations.yml': scenario.manifest ?? MANIFEST },
      env: {
        GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
        ...(github ? { GITHUB_API_URL: github.url, GITHUB_GRAPHQL_URL: github.graphqlUrl } : {}),
      },
      timeoutMs: 40_000,
    })
    return {
      run,
      outputFile: await readFile(join(run.dir, 'output'), 'utf8'),
      report: await readFile(join(run.dir, 'layer-budget-gate', 'report.json'), 'utf8').catch(() => ''),
      ...(github ? { github } : {}),
      githubRequests: JSON.stringify(github?.requests.map((r) => ({ ...r, headers: { ...r.headers, authorization: undefined } })) ?? []),
      simLog: [...sim.log],
    }
  } finally {
    await github?.close()
    await sim.close()
  }
}

describe('the tokens never leak', () => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))(
    '%s',
    async (_name, scenario) => {
      const outcome = await runScenario(scenario)
      const { run } = outcome
      scenario.check(run, outcome.github)

      // Both tokens were masked, first thing: the runner hides them from then on.
      const lines = run.stdout.split('\n')
      expect(lines.slice(0, 2).sort()).toEqual([`::add-mask::${GITHUB_TOKEN}`, `::add-mask::${LAYER_TOKEN}`].sort())
      expectNoSecret('stdout', lines.filter((line) => !line.startsWith('::add-mask::')).join('\n'))
      expectNoSecret('stderr', run.stderr)
      expectNoSecret('the job summary', run.summary)
      expectNoSecret('the outputs file', outcome.outputFile)
      expectNoSecret('the JSON report', outcome.report)
      expectNoSecret('what GitHub received (but the Authorization header)', outcome.githubRequests)
      expect(run.stdout + run.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m)

      // Each token went only to its own service.
      for (const entry of outcome.simLog) expect(entry.headers.authorization).toBe(`Bearer ${LAYER_TOKEN}`)
      for (const request of outcome.github?.requests ?? []) expect(request.headers.authorization).toBe(`token ${GITHUB_TOKEN}`)
    },
    45_000,
  )
})

describe('what a pull request controls', () => {
  it('cannot make the action run code: the action has no primitive that could (no child processes, eval, Function or vm)', async () => {
    // The simulator and the CLI (src/cli/, whose --base runs git) are not part of the action bundle; everything else is.
    const files = (await readdir(join(ROOT, 'src'), { recursive: true })).filter(
      (f) => f.endsWith('.ts') && !f.startsWith('simulator') && !f.startsWith('cli/') && f !== 'bin.ts',
    )
    expect(files.length).toBeGreaterThan(20)
    for (const file of files) {
      const source = await readFile(join(ROOT, 'src', file), 'utf8')
      expect({
        file,
        found: source.match(/child_process|\beval\s*\(|new Function\b|node:vm|from 'vm'|\bexecSync\b|\bspawn\s*\(/g),
      }).toEqual({ file, found: null })
      // ... and none of them brings the CLI into the action.
      expect({ file, cli: /from '(\.\.?\/)+cli\//.test(source) }).toEqual({ file, cli: false })
      // Dynamic imports only of the action's own modules, by a literal path.
      for (const match of source.matchAll(/\bimport\s*\(([^)]*)\)/g))
        expect({ file, specifier: match[1] }).toEqual({ file, specifier: expect.stringMatching(/^(\/\*.*\*\/\s*)?'\.\.?\/[\w/.-]+\.js'$/) })
    }
  })

  it('has no key that sets a URL, and ids that must be UUIDs: a hostile manifest reaches neither Layer nor another host', async () => {
    const seen: string[] = []
    const evil = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`)
      res.end('{}')
    })
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve))
    const evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`
    const sim = await startSimulator({ token: LAYER_TOKEN })
    try {
      const hostile = `version: 1
api_url: ${evilUrl}/api
api-url: ${evilUrl}/api
workspace_id: "../../../..${evilUrl.replace('http:', '')}/api/v1/workspaces/${SIM_WORKSPACE_ID}"
defaults:
  url: ${evilUrl}
generations:
  - name: exfiltrate
    model_id: ${evilUrl}/model
    headers: { authorization: "Bearer steal" }
`
      const run = await runAction({
        inputs: { 'layer-token': LAYER_TOKEN, 'api-url': sim.url },
        files: { '.layer/generations.yml': hostile },
      })
      expect(run.code).toBe(1)
      const errors = run.errors.join('\n')
      expect(errors).toMatch(/unknown key "api_url" at the top level/)
      expect(errors).toMatch(/unknown key "api-url" at the top level/)
      expect(errors).toMatch(/workspace_id must be a UUID/)
      expect(errors).toMatch(/unknown key "url" in defaults/)
      expect(errors).toMatch(/unknown key "headers" in generations\[0\]/)
      expect(errors).toMatch(/is neither a model UUID nor an alias/)
      expect(seen).toEqual([])
      expect(sim.requests).toBe(0)
    } finally {
      await sim.close()
      evil.closeAllConnections()
      await new Promise<void>((resolve) => evil.close(() => resolve()))
    }
  })
})
