/**
 * The world of the pull-request end-to-end suites: one Layer simulator per file, a fake GitHub per
 * case holding the base commit's manifest, the manifests the cases edit, the pull_request payload,
 * and one run of the BUILT action on a pull request against both. Each suite file calls
 * `usePullRequestWorld()` once at its top.
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect } from '@jest/globals'
import { readFile } from 'node:fs/promises'
import { runAction, type ActionRun } from './run-action.js'
import { startFakeGitHub, type FakeGitHub, type FakeGitHubOptions, type LoggedRequest } from './fake-github.js'
import { SIM_MODELS } from '../../src/simulator/prices.js'
import { SIM_DEFAULT_BALANCE, SIM_WORKSPACE_ID, startSimulator, type Simulator } from '../../src/simulator/server.js'

export const OWNER = 'acme'
export const REPO = 'art'
export const PR = 42
export const BASE_SHA = 'b'.repeat(8) + '0123456789abcdef0123456789abcdef'
export const HEAD_SHA = 'c0ffee00' + '11223344556677889900aabbccddeeff'
export const OTHER_HEAD_SHA = 'dead0000' + '11223344556677889900aabbccddeeff'
export const MANIFEST_PATH = '.layer/generations.yml'
export const IMAGE = SIM_MODELS.image.id
export const VIDEO = SIM_MODELS.video.id
export const COMMENT_LIMIT = 65_536

// The base commit's manifest: knight (unchanged in the head), castle (8 s, made 12 s in the head),
// old-tiles (removed in the head). Made-up simulator prices: knight 0.7 x 3 = 2.1, castle 10,
// old-tiles 0.088 x 5 = 0.44: 12.54 CU.
export const BASE_MANIFEST = `version: 1
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
export const HEAD_MANIFEST = `version: 1
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
export const OTHER_MANIFEST = `version: 1
workspace_id: ${SIM_WORKSPACE_ID}
generations:
  - name: statue-from-the-base-branch
    model_id: ${SIM_MODELS.threeD.id}
    prompt: "A marble statue"
    runs: 4
`

/** What changes between the pull request payloads of the cases. */
export interface PrEvent {
  headRepo?: string | null
  headSha?: string
  action?: string
}

/** A pull_request / pull_request_target payload as GitHub sends it (the fields the action reads, and some it does not). */
export function prEvent({ headRepo = `${OWNER}/${REPO}`, headSha = HEAD_SHA, action = 'synchronize' }: PrEvent = {}): unknown {
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
export function marker(run: number, sha = HEAD_SHA, attempt = 1, key = 'default'): string {
  return `<!-- layer-budget-gate key=${key} run=${run} attempt=${attempt} sha=${sha} -->`
}

/** One run's place in the pull request: the event, the inputs over the defaults, the workspace, the run id. */
export interface PrRun {
  eventName?: 'pull_request' | 'pull_request_target' | 'pull_request_review'
  event?: unknown
  inputs?: Record<string, string>
  files?: Record<string, string>
  runId?: number
  /** Wait for GitHub as a runner does (see runAction). */
  realGitHubWaits?: boolean
}

/** What a pull-request suite file works with: its simulator, a fake GitHub per case, and runs against both. */
export interface PullRequestWorld {
  /** The file's Layer simulator, reset before each case. */
  readonly sim: Simulator
  /** A fake GitHub for this case, holding the base commit's manifest; closed after the case. */
  startFake(options?: FakeGitHubOptions): Promise<FakeGitHub>
  /** One run of the built action on a pull request, against the simulator and `github`. */
  runPr(github: FakeGitHub, run?: PrRun): Promise<ActionRun>
}

/** Registers the suite's hooks (one simulator per file, a fake GitHub per case) and returns its world. */
export function usePullRequestWorld(): PullRequestWorld {
  let sim: Simulator | undefined
  let fake: FakeGitHub | undefined
  const simulator = (): Simulator => {
    if (!sim) throw new Error('the simulator starts in beforeAll: use the world inside a test')
    return sim
  }
  beforeAll(async () => {
    sim = await startSimulator({ token: 'lbg-SENTINEL-layer-token-0123456789' })
  })
  afterAll(async () => sim?.close())
  beforeEach(() => {
    simulator().setBalance(SIM_WORKSPACE_ID, SIM_DEFAULT_BALANCE)
    simulator().setFaults(undefined)
    simulator().resetStats()
  })
  afterEach(async () => {
    await fake?.close()
    fake = undefined
  })
  return {
    get sim() {
      return simulator()
    },
    async startFake(options = {}) {
      fake = await startFakeGitHub({
        owner: OWNER,
        repo: REPO,
        token: 'ghs_fake-github-token',
        files: { [BASE_SHA]: { [MANIFEST_PATH]: BASE_MANIFEST, 'README.md': '# art\n' } },
        ...options,
      })
      return fake
    },
    runPr(github, { eventName = 'pull_request', event = prEvent(), inputs = {}, files, runId = 1000, realGitHubWaits = false } = {}) {
      return runAction({
        realGitHubWaits,
        eventName,
        event,
        inputs: {
          'layer-token': simulator().token,
          'api-url': simulator().url,
          'github-token': 'ghs_fake-github-token',
          'max-retries': '1',
          // These suites are about one pull request; the other open ones (SPEC section 8) have their own suite, which sets it.
          'open-pull-requests': 'ignore',
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
    },
  }
}

/** The pull request's comments, as the REST API addresses them. */
export const COMMENTS_PATH = `/repos/${OWNER}/${REPO}/issues/${PR}/comments`
/** A write to one of the pull request's comments (create, update, delete). */
export const isCommentWrite = (r: LoggedRequest): boolean =>
  (r.method === 'POST' && r.path === COMMENTS_PATH) || (/^\/repos\/[^/]+\/[^/]+\/issues\/comments\/\d+$/.test(r.path) && r.method !== 'GET')

/** The requests `github` received with this method, on this path. */
export function requestsTo(github: FakeGitHub, method: string, path: string | RegExp): LoggedRequest[] {
  return github.requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)))
}

/** The comment bodies the fake stored for the pull request, marker first. */
export function gateComments(github: FakeGitHub): string[] {
  return github
    .comments(PR)
    .map((c) => c.body)
    .filter((body) => body.startsWith('<!-- layer-budget-gate '))
}

/** The text GitHub shows: character references decoded. */
export function decoded(markdown: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"' }
  return markdown.replace(/&(#\d+|[a-z]+);/g, (_, ref: string) =>
    ref.startsWith('#') ? String.fromCodePoint(Number(ref.slice(1))) : (named[ref] ?? `&${ref};`),
  )
}

/** The cells of the table row whose first cell is `first` (undefined when there is none). */
export function row(markdown: string, first: string): string[] | undefined {
  const line = markdown.split('\n').find((l) => l.startsWith(`| ${first} |`))
  return line
    ?.slice(1, -1)
    .split('|')
    .map((cell) => cell.trim())
}

/** The row of the changed table whose first cell links `name`: its cells (the link's text first) and the link. */
export function linkedRow(markdown: string, name: string): { cells: string[]; href: string } | undefined {
  const line = markdown.split('\n').find((l) => l.startsWith(`| [${name}](`))
  const link = line === undefined ? null : /^\| \[([^\]]*)\]\(([^)]*)\) \|/.exec(line)
  if (line === undefined || link === null) return undefined
  const cells = line
    .slice(1, -1)
    .split('|')
    .map((cell) => cell.trim())
  return { cells: [link[1]!, ...cells.slice(1)], href: link[2]! }
}

/** Every table's rows have as many cells as its header. */
export function expectWellFormedTables(markdown: string): void {
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

/** The JSON report the run wrote (report-path). */
export async function jsonReport(
  result: ActionRun,
): Promise<{ delta_creative_units?: number | null; base_note?: string; generations: { name: string; change?: string }[] }> {
  return JSON.parse(await readFile(result.outputs['report-path']!, 'utf8'))
}
