/**
 * The fault matrix, end to end: the BUILT action (dist/index.js) as a runner starts it, against a
 * Layer simulator per cell (and, on pull requests, a fake GitHub), with one kind of fault at the
 * first, a middle and the last of five estimate requests (concurrency 1, so request n is
 * generation n). Every cell asserts the right total after a transient fault, or a clear failure
 * naming the generation; never `sufficient=true` with a wrong total; never a stack trace.
 *
 * Cells run concurrently (each has its own simulator) to keep the wall time down; the assertions
 * run per cell, so a failure names the cell.
 */
import { beforeAll, describe, expect, it } from '@jest/globals'
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFile } from 'node:fs/promises'
import { runAction, type ActionRun } from '../helpers/run-action.js'
import { badGateway, secondaryRateLimit, startFakeGitHub, type FakeGitHub } from '../helpers/fake-github.js'
import { SIM_MODELS, simulatedPriceMilli } from '../../src/simulator/prices.js'
import { SIM_WORKSPACE_ID, startSimulator, type Fault } from '../../src/simulator/server.js'

const TOKEN = 'lbg-fault-matrix-token-5f0c1b'
const IMAGE = SIM_MODELS.image.id

/** Five generations with five distinct bodies (so five requests), in plan order. */
const GENERATIONS = [
  { name: 'alpha-portraits', width: 1024, height: 1024, runs: 1 },
  { name: 'bravo-tiles', width: 512, height: 512, runs: 2 },
  { name: 'charlie-props', width: 768, height: 768, runs: 3 },
  { name: 'delta-banners', width: 1536, height: 512, runs: 4 },
  { name: 'echo-icons', width: 256, height: 256, runs: 5 },
]
const MANIFEST = `version: 1
workspace_id: ${SIM_WORKSPACE_ID}
defaults:
  model_id: ${IMAGE}
  batch_size: 2
generations:
${GENERATIONS.map((g) => `  - name: ${g.name}\n    prompt: "${g.name}"\n    width: ${g.width}\n    height: ${g.height}\n    runs: ${g.runs}`).join('\n')}
`

/** The exact total from the made-up price table, in milli-CU, and as the output prints it. */
const EXPECTED_MILLI = GENERATIONS.reduce(
  (sum, g) => sum + simulatedPriceMilli('image', { model_id: IMAGE, batch_size: 2, width: g.width, height: g.height }) * g.runs,
  0,
)
const EXPECTED_TOTAL = String(EXPECTED_MILLI / 1000)
const POSITIONS = [
  ['first', 0],
  ['middle', 2],
  ['last', 4],
] as const

/** A stack frame as Node prints it ("    at fn (file.js:1:2)"). */
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m

/** Runs `tasks` with at most `limit` at once (the machine is shared: a few node processes at a time). */
async function inPool<T>(limit: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results = new Array<T>(tasks.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const index = next++
      results[index] = await tasks[index]!()
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker))
  return results
}

/** What every run must satisfy, whatever the fault. */
function expectNeverWrongOrCrashed(result: ActionRun): void {
  expect(result.stdout + result.stderr).not.toMatch(STACK_FRAME)
  expect(result.stderr).toBe('')
  if (result.outputs.sufficient === 'true') {
    expect(result.code).toBe(0)
    expect(result.outputs['total-creative-units']).toBe(EXPECTED_TOTAL)
  }
  expect(['true', 'false']).toContain(result.outputs.sufficient)
}

// ---------------------------------------------------------------------------------------------
// Layer

/** A kind of fault, and whether retrying can get past it. */
interface FaultKind {
  label: string
  fault: Fault
  transient: boolean
  /** What the failure message must say about it (persistent or not retryable). */
  says: RegExp
}

const FAULTS: FaultKind[] = [
  { label: '429 with Retry-After: 1', fault: { kind: 'status', status: 429, retryAfter: '1' }, transient: true, says: /rate-limiting|429/ },
  { label: '429 without Retry-After', fault: { kind: 'status', status: 429 }, transient: true, says: /rate-limiting|429/ },
  { label: '500', fault: { kind: 'status', status: 500 }, transient: true, says: /500 Internal Server Error/ },
  { label: '502', fault: { kind: 'status', status: 502 }, transient: true, says: /502 Bad Gateway/ },
  {
    label: '503 with Retry-After: 0',
    fault: { kind: 'status', status: 503, retryAfter: '0' },
    transient: true,
    says: /503 Service Unavailable/,
  },
  { label: '504', fault: { kind: 'status', status: 504 }, transient: true, says: /504 Gateway Timeout/ },
  { label: 'connection reset', fault: { kind: 'reset' }, transient: true, says: /Could not reach Layer|ECONNRESET|socket/i },
  { label: 'hang', fault: { kind: 'hang' }, transient: true, says: /did not answer within 1 s/ },
  { label: 'malformed JSON', fault: { kind: 'malformed' }, transient: false, says: /not a valid estimate.*not JSON/ },
  {
    label: 'a body missing the price',
    fault: { kind: 'missing-field' },
    transient: false,
    says: /not a valid estimate.*missing estimated_price_creative_units/,
  },
  {
    label: 'a body missing the balance',
    fault: { kind: 'missing-field', field: 'workspace_balance_creative_units' },
    transient: false,
    says: /missing workspace_balance_creative_units/,
  },
  { label: 'the price as a string', fault: { kind: 'wrong-type' }, transient: false, says: /estimated_price_creative_units is a string/ },
  { label: 'a negative price', fault: { kind: 'wrong-value', value: -5 }, transient: false, says: /estimated_price_creative_units/ },
]

interface LayerCell {
  kind: FaultKind
  position: (typeof POSITIONS)[number]
  /** 'once': the fault hits one attempt; 'persistent': every attempt of that generation's request. */
  mode: 'once' | 'persistent'
  result?: ActionRun
  /** Requests the simulator received, and the log of the faulted generation's attempts. */
  requests?: number
  attempts?: { status: number; at: number; fault?: string }[]
}

const layerCells: LayerCell[] = []
for (const kind of FAULTS) {
  for (const position of POSITIONS) {
    layerCells.push({ kind, position, mode: 'once' })
    // Retrying cannot help a non-transient fault: once is the whole story.
    if (kind.transient) layerCells.push({ kind, position, mode: 'persistent' })
  }
}

async function runLayerCell(cell: LayerCell): Promise<void> {
  const sim = await startSimulator({ token: TOKEN })
  const [, index] = cell.position
  const target = GENERATIONS[index]!.name
  sim.setFaults(
    cell.mode === 'once'
      ? (n) => (n === index ? cell.kind.fault : undefined)
      : (_n, body) => ((body as { prompt?: string }).prompt === target ? cell.kind.fault : undefined),
  )
  try {
    const hang = cell.kind.fault.kind === 'hang'
    cell.result = await runAction({
      inputs: {
        'layer-token': TOKEN,
        'api-url': sim.url,
        concurrency: '1',
        'max-retries': cell.mode === 'once' ? '2' : '1',
        // A 429 with Retry-After is bounded by max-wait-seconds, not max-retries (SPEC section 10): 1 s lets one retry through.
        'max-wait-seconds': '1',
        // Only the hang cells wait for a timeout; the others keep a margin for a busy machine.
        'request-timeout-seconds': hang ? '1' : '20',
      },
      files: { '.layer/generations.yml': MANIFEST },
      timeoutMs: 40_000,
    })
    cell.requests = sim.requests
    cell.attempts = sim.log
      .filter((entry) => (entry.body as { prompt?: string }).prompt === target)
      .map((entry) => ({ status: entry.status, at: entry.at, ...(entry.fault ? { fault: entry.fault } : {}) }))
  } finally {
    await sim.close()
  }
}

const label = (cell: LayerCell): string => `${cell.kind.label} at the ${cell.position[0]} request, ${cell.mode}`

describe('Layer faults at the first, a middle and the last request', () => {
  const recovered = layerCells.filter((cell) => cell.kind.transient && cell.mode === 'once')
  it.each(recovered.map((cell) => [label(cell), cell] as const))('%s: retried, and the exact total', (_label, cell) => {
    const result = cell.result!
    expectNeverWrongOrCrashed(result)
    expect({ code: result.code, errors: result.errors }).toEqual({ code: 0, errors: [] })
    expect(result.outputs).toMatchObject({ 'total-creative-units': EXPECTED_TOTAL, sufficient: 'true', entries: '5', requests: '5' })
    const faultStatus = cell.kind.fault.kind === 'status' ? cell.kind.fault.status : 0
    if (cell.kind.fault.kind === 'hang') {
      // Every request of a hang cell has a 1 s timeout: on a busy machine an answer may come late
      // and be asked again, so only the hang and the final answer are certain.
      expect(cell.requests).toBeGreaterThanOrEqual(6)
      expect(cell.attempts![0]!.status).toBe(0)
      expect(cell.attempts!.at(-1)!.status).toBe(200)
    } else {
      // One retry of the faulted request, nothing else sent twice.
      expect(cell.requests).toBe(6)
      expect(cell.attempts!.map((a) => a.status)).toEqual([faultStatus, 200])
    }
    const [failed, retried] = cell.attempts!
    const gap = retried!.at - failed!.at
    if (cell.kind.label.includes('Retry-After: 1')) expect(gap).toBeGreaterThanOrEqual(950) // honoured
    if (cell.kind.fault.kind === 'hang') expect(gap).toBeGreaterThanOrEqual(950) // the 1 s timeout, then the retry
    expect(result.summary).toMatch(/^## ✅ /m)
  })

  const failing = layerCells.filter((cell) => !cell.kind.transient || cell.mode === 'persistent')
  it.each(failing.map((cell) => [label(cell), cell] as const))('%s: fails closed, naming the generation', async (_label, cell) => {
    const result = cell.result!
    const target = GENERATIONS[cell.position[1]]!.name
    expectNeverWrongOrCrashed(result)
    expect(result.code).toBe(1)
    expect(result.outputs.sufficient).toBe('false')
    expect(result.outputs['total-creative-units']).toBe('')
    // The step's one-line failure names the generation and says what went wrong.
    const final = result.errors.at(-1) ?? ''
    expect(final).toMatch(/^::error::❌ could not price 1 generation/)
    expect(final).toContain(target)
    expect(final).toMatch(cell.kind.says)
    // The annotation points at the generation in the manifest.
    const line = MANIFEST.split('\n').findIndex((l) => l.includes(`name: ${target}`)) + 1
    expect(result.errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^::error title=.*,file=\\.layer/generations\\.yml,line=${line},.*${target}`)),
      ]),
    )
    // The other four were priced and are in the summary and the JSON report; the verdict is unknown.
    const report = JSON.parse(await readFile(result.outputs['report-path']!, 'utf8')) as {
      status: string
      sufficient: unknown
      generations: { name: string; total_creative_units: number | null }[]
    }
    expect(report.status).toBe('error')
    expect(report.sufficient).toBe(false)
    expect(report.generations.filter((g) => g.total_creative_units === null).map((g) => g.name)).toEqual([target])
    expect(result.summary).not.toMatch(/^#+ ✅/m)
    // Transient faults were retried max-retries (1) times, the others not at all.
    expect(cell.attempts).toHaveLength(cell.kind.transient ? 2 : 1)
  })
})

// ---------------------------------------------------------------------------------------------
// GitHub, on a pull_request event

const OWNER = 'acme'
const REPO = 'game'
const PR = 42
const GITHUB_TOKEN = 'ghs_fault-matrix-github-token'
const HEAD_SHA = 'c0ffee00'.padEnd(40, '1')
const OLD_SHA = 'dead0000'.padEnd(40, '2')
const COMMENTS = new RegExp(`^/repos/${OWNER}/${REPO}/issues/${PR}/comments$`)
const ONE_COMMENT = new RegExp(`^/repos/${OWNER}/${REPO}/issues/comments/\\d+$`)

function prEvent(): unknown {
  const repository = { full_name: `${OWNER}/${REPO}`, name: REPO, owner: { login: OWNER } }
  return {
    action: 'synchronize',
    number: PR,
    pull_request: {
      number: PR,
      head: { ref: 'feature', sha: HEAD_SHA, repo: { full_name: `${OWNER}/${REPO}` } },
      base: { ref: 'main', sha: 'b'.repeat(40), repo: repository },
    },
    repository,
  }
}

const marker = (run: number, sha: string): string => `<!-- layer-budget-gate key=default run=${run} attempt=1 sha=${sha} -->`

/** A failure the proxy answers instead of GitHub, for `times` matching requests. */
interface ProxyRule {
  method: string
  path: RegExp
  /** Only this page of a listing (`page` query parameter, 1 when absent). */
  page?: number
  status: number
  headers?: Record<string, string>
  body: unknown
  /** A body sent as is (a cut answer), instead of `body` as JSON. */
  text?: string
  times: number
}

/**
 * A fault-injecting proxy in front of the fake GitHub: it can fail one page of a paginated
 * listing (the fake's own rules match the path only), and rewrites `Link` headers so every page
 * goes through it.
 */
async function startFaultProxy(
  target: string,
  rules: ProxyRule[],
): Promise<{ url: string; hits: { method: string; path: string; page: number; status: number }[]; close(): Promise<void> }> {
  const hits: { method: string; path: string; page: number; status: number }[] = []
  let url = ''
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const parsed = new URL(req.url ?? '/', 'http://127.0.0.1')
    const page = Number(parsed.searchParams.get('page') ?? '1')
    const method = req.method ?? 'GET'
    const rule = rules.find(
      (r) => r.times > 0 && r.method === method && r.path.test(parsed.pathname) && (r.page === undefined || r.page === page),
    )
    if (rule) {
      rule.times--
      hits.push({ method, path: parsed.pathname, page, status: rule.status })
      req.resume()
      const text = rule.text ?? JSON.stringify(rule.body)
      res.writeHead(rule.status, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(text),
        ...rule.headers,
      })
      res.end(text)
      return
    }
    const upstream = httpRequest(`${target}${req.url ?? '/'}`, { method, headers: req.headers }, (answer) => {
      hits.push({ method, path: parsed.pathname, page, status: answer.statusCode ?? 0 })
      const headers = { ...answer.headers }
      if (typeof headers.link === 'string') headers.link = headers.link.split(target).join(url)
      res.writeHead(answer.statusCode ?? 502, headers)
      answer.pipe(res)
    })
    upstream.on('error', () => res.destroy())
    req.pipe(upstream)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    hits,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

const SECONDARY = secondaryRateLimit({}, 1, 1)
const GITHUB_FAULTS = [
  { label: '502', status: 502, body: badGateway({}).body, headers: undefined, text: undefined },
  { label: '503', status: 503, body: { message: 'Service Unavailable' }, headers: undefined, text: undefined },
  { label: '500', status: 500, body: { message: 'Internal Server Error' }, headers: undefined, text: undefined },
  { label: 'secondary rate limit', status: SECONDARY.status!, body: SECONDARY.body, headers: SECONDARY.headers, text: undefined },
  { label: '504', status: 504, body: { message: 'Gateway Timeout' }, headers: undefined, text: undefined },
  { label: '429 without Retry-After', status: 429, body: { message: 'Too Many Requests' }, headers: undefined, text: undefined },
  {
    label: '429 with Retry-After: 1',
    status: 429,
    body: { message: 'Too Many Requests' },
    headers: { 'retry-after': '1' },
    text: undefined,
  },
  // GitHub's answer cut short: nothing to retry (the write may have happened), so never "recovers".
  { label: 'malformed JSON', status: 200, body: undefined, headers: undefined, text: '{"id": 1, "html_' },
] as const
const MALFORMED = 7

const TARGETS = [
  { label: 'list, first page', method: 'GET', path: COMMENTS, page: 1, existing: true },
  { label: 'list, middle page', method: 'GET', path: COMMENTS, page: 2, existing: true },
  { label: 'list, last page', method: 'GET', path: COMMENTS, page: 3, existing: true },
  { label: 'create', method: 'POST', path: COMMENTS, page: undefined, existing: false },
  { label: 'update', method: 'PATCH', path: ONE_COMMENT, page: undefined, existing: true },
] as const

interface GitHubCell {
  fault: (typeof GITHUB_FAULTS)[number]
  target: (typeof TARGETS)[number]
  recovers: boolean
  overBudget?: boolean
  result?: ActionRun
  comments?: ReturnType<FakeGitHub['comments']>
  ownBefore?: number
  hits?: { method: string; path: string; page: number; status: number }[]
}

const githubCells: GitHubCell[] = []
for (const fault of GITHUB_FAULTS.slice(0, MALFORMED)) for (const target of TARGETS) githubCells.push({ fault, target, recovers: true })
// GitHub never recovers: one cell per fault kind and a few targets (5xx cells go through three retries).
githubCells.push(
  { fault: GITHUB_FAULTS[0], target: TARGETS[1], recovers: false },
  { fault: GITHUB_FAULTS[1], target: TARGETS[4], recovers: false },
  { fault: GITHUB_FAULTS[2], target: TARGETS[3], recovers: false },
  { fault: GITHUB_FAULTS[3], target: TARGETS[2], recovers: false },
  { fault: GITHUB_FAULTS[3], target: TARGETS[3], recovers: false },
  { fault: GITHUB_FAULTS[2], target: TARGETS[4], recovers: false, overBudget: true },
  { fault: GITHUB_FAULTS[5], target: TARGETS[3], recovers: false },
  { fault: GITHUB_FAULTS[7], target: TARGETS[1], recovers: false },
  { fault: GITHUB_FAULTS[7], target: TARGETS[3], recovers: false },
  { fault: GITHUB_FAULTS[7], target: TARGETS[4], recovers: false },
)

async function runGitHubCell(cell: GitHubCell): Promise<void> {
  const sim = await startSimulator({ token: TOKEN })
  const github = await startFakeGitHub({ owner: OWNER, repo: REPO, token: GITHUB_TOKEN })
  // 250 comments (three pages of 100): people talking, and look-alikes carrying the gate's marker
  // (one claims a much newer run) that the author check must ignore. The gate's own comment is last.
  for (let i = 0; i < 250; i++) {
    const spoof = i % 50 === 7
    github.addComment(
      PR,
      spoof ? `${marker(999_999, OLD_SHA)}\nspoofed verdict ${i}` : `comment ${i} @someone #1`,
      spoof ? 'mallory' : `user-${i % 5}`,
    )
  }
  if (cell.target.existing) github.addComment(PR, `${marker(990, OLD_SHA)}\nold verdict`)
  const own = github
    .comments(PR)
    .filter((c) => c.login === github.login)
    .map((c) => c.id)
  cell.ownBefore = own[0]
  const proxy = await startFaultProxy(github.url, [
    {
      method: cell.target.method,
      path: cell.target.path,
      ...(cell.target.page !== undefined ? { page: cell.target.page } : {}),
      status: cell.fault.status,
      ...(cell.fault.headers ? { headers: cell.fault.headers } : {}),
      body: cell.fault.body,
      ...(cell.fault.text !== undefined ? { text: cell.fault.text } : {}),
      times: cell.recovers ? 1 : 100,
    },
  ])
  try {
    cell.result = await runAction({
      eventName: 'pull_request',
      event: prEvent(),
      inputs: {
        'layer-token': TOKEN,
        'api-url': sim.url,
        'github-token': GITHUB_TOKEN,
        'compare-base': 'false',
        ...(cell.overBudget ? { 'min-remaining-balance': '2500' } : {}),
      },
      files: { '.layer/generations.yml': MANIFEST },
      env: { GITHUB_REPOSITORY: `${OWNER}/${REPO}`, GITHUB_API_URL: proxy.url, GITHUB_GRAPHQL_URL: `${proxy.url}/graphql` },
      timeoutMs: 60_000,
    })
    cell.comments = github.comments(PR)
    cell.hits = proxy.hits
  } finally {
    await proxy.close()
    await github.close()
    await sim.close()
  }
}

// Every cell of both matrices, in one pool. GitHub's waits (retries 1 + 4 + 9 s, Retry-After, write
// pacing) count in milliseconds here (runAction's test-only wait unit); what is left to wait is
// Layer's (Retry-After: 1, the 1 s timeouts of the hang cells), which other cells' work fills.
beforeAll(async () => {
  const slow = githubCells.filter((cell) => !cell.recovers).map((cell) => () => runGitHubCell(cell))
  const rest = githubCells.filter((cell) => cell.recovers).map((cell) => () => runGitHubCell(cell))
  await inPool(8, [...slow, ...layerCells.map((cell) => () => runLayerCell(cell)), ...rest])
}, 150_000)

const githubLabel = (cell: GitHubCell): string =>
  `${cell.fault.label} on ${cell.target.label}, ${cell.recovers ? 'once' : 'every time'}${cell.overBudget ? ', over budget' : ''}`

describe('GitHub faults on the sticky comment (pull_request)', () => {
  const ownComments = (cell: GitHubCell) => cell.comments!.filter((c) => c.login === 'github-actions[bot]')

  it.each(githubCells.filter((c) => c.recovers).map((cell) => [githubLabel(cell), cell] as const))(
    '%s: the comment ends up right',
    (_label, cell) => {
      const result = cell.result!
      expectNeverWrongOrCrashed(result)
      expect(result.code).toBe(0)
      // A rate limit that is waited out is said (the run took longer); nothing else is a warning.
      for (const warning of result.warnings)
        expect(warning).toMatch(/^::warning::GitHub (secondary rate limit|rate limit \(429\)) on .*: retrying in 1 s/)
      expect(result.outputs).toMatchObject({ 'total-creative-units': EXPECTED_TOTAL, sufficient: 'true' })
      // The fault was hit, and the same request then went through.
      expect(cell.hits!.filter((h) => h.status === cell.fault.status && h.method === cell.target.method)).toHaveLength(1)
      // Exactly one comment of the gate, this run's, with this verdict; updated in place when it existed.
      const own = ownComments(cell)
      expect(own).toHaveLength(1)
      expect(own[0]!.body.split('\n')[0]).toBe(marker(1000, HEAD_SHA))
      // The headline: within budget, with the total (after the change in this pull request, when there is one).
      // The marker, the commitment it records (SPEC section 8), then the headline.
      expect(own[0]!.body.split('\n')[1]).toMatch(/^<!-- layer-budget-gate:commitment \{.*\} -->$/)
      expect(own[0]!.body.split('\n')[2]).toMatch(/^### ✅ /)
      expect(own[0]!.body.split('\n')[2]).toContain(` ${EXPECTED_TOTAL} of `)
      if (cell.target.existing) expect(own[0]!.id).toBe(cell.ownBefore)
      expect(result.outputs['comment-url']).toMatch(new RegExp(`#issuecomment-${own[0]!.id}$`))
      // The look-alikes were left alone.
      expect(cell.comments!.filter((c) => c.login === 'mallory').every((c) => c.body.includes('spoofed verdict'))).toBe(true)
    },
  )

  it.each(githubCells.filter((c) => !c.recovers).map((cell) => [githubLabel(cell), cell] as const))(
    '%s: a warning, and the verdict decides',
    (_label, cell) => {
      const result = cell.result!
      expectNeverWrongOrCrashed(result)
      expect(result.code).toBe(cell.overBudget ? 1 : 0)
      expect(result.outputs['total-creative-units']).toBe(EXPECTED_TOTAL)
      expect(result.outputs.sufficient).toBe(cell.overBudget ? 'false' : 'true')
      expect(result.outputs['comment-url']).toBe('')
      const warning = result.warnings.find((w) => /comment was not written/.test(w))
      expect(warning).toBeDefined()
      expect(warning).toMatch(
        cell.fault.label === 'secondary rate limit'
          ? /rate limit/i
          : cell.fault.text !== undefined
            ? /is not (a comment|what its API documents)/
            : new RegExp(String(cell.fault.status)),
      )
      if (cell.overBudget)
        expect(result.errors.at(-1)).toMatch(
          /^::error::❌ (the workspace would go [\d,.]+ CU negative|[\d,.]+ CU short of the [\d,.]+ CU reserve)$/,
        )
      // Nothing half-written: the old comment (if any) is as it was, and there is no second one.
      const own = ownComments(cell)
      if (cell.target.existing) {
        expect(own.map((c) => c.body)).toEqual([`${marker(990, OLD_SHA)}\nold verdict`])
      } else {
        expect(own).toEqual([])
      }
    },
  )
})
