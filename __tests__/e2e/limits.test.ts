/**
 * Limits, end to end through the BUILT action (dist/index.js):
 *
 * - `max-requests` is enforced before any request is sent (the simulator counts 0), counting head
 *   and base bodies, and duplicates share a request.
 * - 100,000 generations are refused fast, with a clear message, before any request: in one
 *   manifest by the per-file value cap, within the benchmark's memory figure (<= 120 MB peak RSS,
 *   measured as scripts/bench.ts does with scripts/rss-probe.mjs); split across files by a cap of
 *   10,000 generations per run (the benchmark's scale). Handling them is not an option: 100,000
 *   generations take about 370 MB and 6 s (20,000 already about 230 MB), and a run that big is a
 *   mistake or an attack (see the threat model in SECURITY.md).
 * - Prompts of 100,000 characters and the longest names, aliases and groups reach Layer intact and
 *   leave the comment within GitHub's cap; longer ones are refused without being echoed.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ROOT, runAction, type ActionRun, type ActionRunOptions } from '../helpers/run-action.js'
import { startFakeGitHub } from '../helpers/fake-github.js'
import { SIM_MODELS } from '../../src/simulator/prices.js'
import { SIM_WORKSPACE_ID, startSimulator, type Simulator } from '../../src/simulator/server.js'

const IMAGE = SIM_MODELS.image.id
const PEAK_RSS_MB = 120
const PROBE = pathToFileURL(join(ROOT, 'scripts', 'rss-probe.mjs')).href

let sim: Simulator
beforeAll(async () => {
  sim = await startSimulator({ logLimit: 50, workspaces: { [SIM_WORKSPACE_ID]: 1e9 } })
})
afterAll(async () => sim.close())
beforeEach(() => {
  sim.setFaults(undefined)
  sim.resetStats()
})

/** A run of the built action with its peak RSS in MB and its wall time. */
async function measured(options: ActionRunOptions): Promise<ActionRun & { rssMb: number; ms: number }> {
  const started = Date.now()
  const rssFile = join(tmpdir(), `lbg-rss-${process.pid}-${Math.random().toString(36).slice(2)}`)
  try {
    const run = await runAction({ ...options, env: { ...options.env, NODE_OPTIONS: `--import=${PROBE}`, LBG_RSS_FILE: rssFile } })
    const rssKb = Number(await readFile(rssFile, 'utf8'))
    return { ...run, rssMb: rssKb / 1024, ms: Date.now() - started }
  } finally {
    await rm(rssFile, { force: true })
  }
}

function run(inputs: Record<string, string>, files: Record<string, string>, extra: Partial<ActionRunOptions> = {}) {
  return runAction({ inputs: { 'layer-token': sim.token, 'api-url': sim.url, ...inputs }, files, timeoutMs: 30_000, ...extra })
}

/** A manifest whose generations are `names`, all with the same body unless `distinct`. */
function manifest(names: string[], distinct = false): string {
  const lines = [
    'version: 1',
    `workspace_id: ${SIM_WORKSPACE_ID}`,
    'defaults:',
    `  model_id: ${IMAGE}`,
    '  prompt: "tiles"',
    'generations:',
  ]
  names.forEach((name, i) => {
    lines.push(`  - name: ${name}`)
    if (distinct) lines.push(`    width: ${64 * (i + 1)}`)
  })
  return `${lines.join('\n')}\n`
}

const range = (from: number, count: number): string[] => Array.from({ length: count }, (_, i) => `gen-${from + i}`)

describe('max-requests', () => {
  it('refuses a plan of 5 distinct bodies with max-requests 4, before any request', async () => {
    const result = await run({ 'max-requests': '4' }, { '.layer/generations.yml': manifest(range(0, 5), true) })
    expect(result.code).toBe(1)
    expect(sim.requests).toBe(0)
    expect(result.errors.at(-1)).toBe(
      '::error::the manifests need 5 distinct estimate requests, more than max-requests (4): raise `max-requests` or remove generations',
    )
    expect(result.outputs.sufficient).toBe('false')
  })

  it('prices exactly max-requests distinct bodies, however many generations share them', async () => {
    // 50 generations, 5 distinct bodies (widths repeat): 5 requests, the limit.
    const names = range(0, 50)
    const text = manifest(names).replace(
      /( {2}- name: gen-(\d+)\n)/g,
      (_, item: string, i: string) => `${item}    width: ${64 * (1 + (Number(i) % 5))}\n`,
    )
    const result = await run({ 'max-requests': '5' }, { '.layer/generations.yml': text })
    expect(result.code).toBe(0)
    expect(result.outputs).toMatchObject({ requests: '5', entries: '50', sufficient: 'true' })
    expect(sim.requests).toBe(5)
  })

  it('counts the base commit’s bodies too on a pull request, and sends none of them when over', async () => {
    const github = await startFakeGitHub({
      owner: 'acme',
      repo: 'game',
      files: {
        ['b'.repeat(40)]: {
          '.layer/generations.yml': manifest(['old-a', 'old-b'], true).replace(
            /width: (\d+)/g,
            (_, w: string) => `width: ${Number(w) + 1000}`,
          ),
        },
      },
    })
    try {
      const repository = { full_name: 'acme/game', name: 'game', owner: { login: 'acme' } }
      const result = await run(
        { 'max-requests': '4', 'github-token': 'ghs_limits', comment: 'off' },
        { '.layer/generations.yml': manifest(range(0, 3), true) },
        {
          eventName: 'pull_request',
          event: {
            number: 3,
            pull_request: { number: 3, head: { sha: 'c'.repeat(40), repo: repository }, base: { sha: 'b'.repeat(40), repo: repository } },
            repository,
          },
          env: { GITHUB_REPOSITORY: 'acme/game', GITHUB_API_URL: github.url, GITHUB_GRAPHQL_URL: github.graphqlUrl },
        },
      )
      // 3 head bodies + 2 base bodies = 5 > 4. The base is read while the head's 3 are priced (SPEC
      // 10), and its bodies are counted before any of them is sent: never more than 4 reach Layer.
      expect(result.code).toBe(1)
      expect(result.errors.join('\n')).toMatch(/5 distinct estimate requests, more than max-requests \(4\)/)
      expect(sim.requests).toBeLessThanOrEqual(3)
      expect(sim.log.filter((entry) => Number((entry.body as { width?: unknown }).width) > 1000)).toEqual([])
    } finally {
      await github.close()
    }
  })
})

describe('100,000 generations', () => {
  const generations = range(0, 100_000)

  it('in one manifest: refused fast by the value cap, before any request, within the memory figure', async () => {
    const result = await measured({
      inputs: { 'layer-token': sim.token, 'api-url': sim.url },
      files: { '.layer/generations.yml': manifest(generations) },
      timeoutMs: 30_000,
    })
    expect(result.code).toBe(1)
    expect(sim.requests).toBe(0)
    expect(result.errors.join('\n')).toMatch(
      /::error title=Too many values,file=\.layer\/generations\.yml,line=\d+,col=\d+::the manifest holds more than 200000 values; split it into several files/,
    )
    expect(result.outputs.sufficient).toBe('false')
    // A bound against runaway work (reading every file whole, pricing), not a speed figure: the
    // benchmark measures speed. Generous, as the suite runs beside other processes on 2 cores.
    expect(result.ms).toBeLessThan(15_000)
    expect(result.rssMb).toBeLessThanOrEqual(PEAK_RSS_MB)
  }, 40_000)

  // Each file is under the value cap, so the loader reads the first one whole before it can count
  // its generations: the refusal is fast and sends nothing, but its memory is that of one big file.
  it('split across four manifests: refused fast with a clear message, before any request', async () => {
    const files: Record<string, string> = {}
    for (let part = 0; part < 4; part++) files[`.layer/part-${part}.yml`] = manifest(generations.slice(part * 25_000, (part + 1) * 25_000))
    const result = await measured({
      inputs: { 'layer-token': sim.token, 'api-url': sim.url, manifest: '.layer/part-*.yml', 'max-requests': '100000' },
      files,
      timeoutMs: 30_000,
    })
    expect(sim.requests).toBe(0)
    expect(result.code).toBe(1)
    // Says how many, the limit, and what to do.
    expect(result.errors.join('\n')).toMatch(/generations/)
    expect(result.errors.join('\n')).toMatch(/10,000|10000/)
    expect(result.errors.join('\n')).toMatch(/split|several jobs|fewer/)
    expect(result.outputs.sufficient).toBe('false')
    // A bound against runaway work (reading every file whole, pricing), not a speed figure: the
    // benchmark measures speed. Generous, as the suite runs beside other processes on 2 cores.
    expect(result.ms).toBeLessThan(15_000)
  }, 40_000)
})

/** The text GitHub shows: character references decoded once. */
function decoded(markdown: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"' }
  return markdown.replace(/&(#\d+|[a-z]+);/g, (whole, ref: string) =>
    ref.startsWith('#') ? String.fromCodePoint(Number(ref.slice(1))) : (named[ref] ?? whole),
  )
}

describe('very long prompts and names', () => {
  /**
   * Markdown- and mention-hostile text of exactly `length` characters, over several lines.
   * Characters are code points, as Layer (Python) and the manifest schema count them: with its
   * emoji the text is longer in UTF-16 units.
   */
  function hostile(length: number, seed: number): string {
    const piece = [...`| \`code\` <script>alert(${seed})</script> @octocat #${seed} **b** _i_ ~s~ [l](https://x) 🎨👩‍🎨 é\n`]
    const points = Array.from({ length }, (_, i) => piece[i % piece.length]!)
    // A block literal with `|-` drops a final line break: end on a character.
    if (points[length - 1] === '\n') points[length - 1] = '!'
    return points.join('')
  }
  /** A block literal (`|-`) holding `text` exactly (it must not end with a newline). */
  function blockLiteral(text: string, indent: string): string {
    return `|-\n${text
      .split('\n')
      .map((line) => `${indent}${line}`)
      .join('\n')}`
  }

  const longName = (i: number) => `n${i} | @octocat #${i} <b>`.padEnd(200, '`')
  const longAlias = 'a'.repeat(100)
  const longGroup = (i: number) => `g${i} | @team #9 <i>`.padEnd(100, '~')

  function longManifest(count: number, promptLength = 100_000): string {
    const lines = ['version: 1', `workspace_id: ${SIM_WORKSPACE_ID}`, 'models:', `  ${longAlias}: ${IMAGE}`, 'generations:']
    for (let i = 0; i < count; i++) {
      lines.push(
        `  - name: "${longName(i)}"`,
        `    model_id: ${longAlias}`,
        `    group: "${longGroup(i % 3)}"`,
        `    prompt: ${blockLiteral(hostile(promptLength, i), '      ')}`,
      )
    }
    return `${lines.join('\n')}\n`
  }

  it('sends 100,000-character prompts to Layer intact and keeps the comment within 65,536 characters', async () => {
    const github = await startFakeGitHub({ owner: 'acme', repo: 'game', token: 'ghs_limits' })
    try {
      const repository = { full_name: 'acme/game', name: 'game', owner: { login: 'acme' } }
      const result = await run(
        { 'github-token': 'ghs_limits', 'compare-base': 'false', concurrency: '4' },
        { '.layer/generations.yml': longManifest(12) },
        {
          eventName: 'pull_request',
          event: {
            number: 5,
            pull_request: { number: 5, head: { sha: 'd'.repeat(40), repo: repository }, base: { sha: 'b'.repeat(40), repo: repository } },
            repository,
          },
          env: { GITHUB_REPOSITORY: 'acme/game', GITHUB_API_URL: github.url, GITHUB_GRAPHQL_URL: github.graphqlUrl },
        },
      )
      expect(result.code).toBe(0)
      expect(result.outputs).toMatchObject({ entries: '12', requests: '12', sufficient: 'true' })
      // Layer received each prompt whole.
      const prompts = sim.log.map((entry) => (entry.body as { prompt: string }).prompt).sort()
      expect(prompts).toEqual(Array.from({ length: 12 }, (_, i) => hostile(100_000, i)).sort())

      const [comment] = github.comments(5)
      expect(comment).toBeDefined()
      const body = comment!.body
      expect(body.length).toBeLessThanOrEqual(65_536)
      // The prompt is never shown; the names are, cut and escaped, one table row each.
      expect(body).not.toContain('alert(')
      expect(body).not.toMatch(/<script|<b>|<i>/)
      expect(decoded(body)).not.toMatch(/@octocat|#\d/)
      const rows = body.split('\n').filter((line) => line.startsWith('| n'))
      expect(rows).toHaveLength(12)
      const pipes = (line: string) => line.split('|').length - 1
      for (const row of rows) expect(pipes(row)).toBe(pipes(body.split('\n').find((line) => line.startsWith('| Generation'))!))
      expect(result.summary.length).toBeLessThan(200_000)
      const report = await readFile(result.outputs['report-path']!, 'utf8')
      expect(report).not.toContain('alert(')
    } finally {
      await github.close()
    }
  }, 40_000)

  it('refuses a prompt of 100,001 characters and a name of 10,000, without echoing them', async () => {
    const text = longManifest(1, 100_001).replace(`"${longName(0)}"`, `"${'N'.repeat(10_000)}"`)
    const result = await run({}, { '.layer/generations.yml': text })
    expect(result.code).toBe(1)
    expect(sim.requests).toBe(0)
    const errors = result.errors.join('\n')
    expect(errors).toMatch(
      /file=\.layer\/generations\.yml,line=6,col=\d+::generations\[0\]\.name must be a non-empty name on one line, at most 200 characters, got a string of 10000 characters/,
    )
    expect(errors).toMatch(
      /file=\.layer\/generations\.yml,line=9,col=\d+::generations\[0\]\.prompt must be .*100000 characters.*got a string of 100001 characters/,
    )
    // Every line the runner prints stays short: nothing quotes the long values.
    for (const line of result.stdout.split('\n')) expect(line.length).toBeLessThan(1_000)
    expect(result.summary.length).toBeLessThan(5_000)
  })
})
