/**
 * `npm run bench`: runs the BUILT action (dist/index.js) against the local Layer simulator and
 * prints medians of several runs (this machine is shared and noisy: compare ratios and medians).
 *
 *   A. 1,000 generations, 250 distinct bodies, 40 ms latency, concurrency 8:
 *      wall time / network bound ceil(250 / 8) × 40 ms            target ≤ 1.15
 *   B. 10,000 generations, 100 distinct, no latency: wall time     target ≤ 1.5 s, peak RSS ≤ 120 MB
 *   C. start-up: one-generation manifest minus bare `node -e 0`    target ≤ 100 ms
 *   D. size of dist/index.js (the action's bundle)                 target ≤ 2 MB
 *
 * RUNS=7 npm run bench for more runs.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { SIM_MODELS } from '../src/simulator/prices.js'
import { SIM_WORKSPACE_ID, startSimulator, type Simulator } from '../src/simulator/server.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const action = join(root, 'dist', 'index.js')
const probe = join(root, 'scripts', 'rss-probe.mjs')
const RUNS = Number(process.env.RUNS ?? 5)

/** A manifest of `count` generations cycling through `distinct` request bodies. */
function manifest(count: number, distinct: number): string {
  const lines = ['version: 1', `workspace_id: ${SIM_WORKSPACE_ID}`, 'models:', `  art: ${SIM_MODELS.image.id}`, 'defaults:', '  batch_size: 2', 'generations:']
  for (let i = 0; i < count; i++) {
    lines.push(`  - name: gen-${i}`, '    model_id: art', `    prompt: "concept art variant ${i % distinct}"`, `    width: ${512 + (i % 4) * 128}`, '    height: 1024', `    runs: ${1 + (i % 3)}`, `    group: group-${i % 10}`)
  }
  return `${lines.join('\n')}\n`
}

interface Measured {
  ms: number
  rssMb: number
  code: number | null
}

async function runOnce(command: string[], env: Record<string, string>, cwd: string): Promise<Measured> {
  const rssFile = join(cwd, '..', `rss-${process.hrtime.bigint()}`)
  const started = process.hrtime.bigint()
  const child = spawn(process.execPath, command, { cwd, env: { ...env, LBG_RSS_FILE: rssFile }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  let stdout = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  const ms = Number(process.hrtime.bigint() - started) / 1e6
  if (stderr.trim()) process.stderr.write(stderr)
  if (code !== 0) process.stderr.write(stdout.split('\n').filter((line) => line.startsWith('::error')).slice(0, 5).join('\n'))
  const rssKb = Number(await readFile(rssFile, 'utf8').catch(() => '0'))
  await rm(rssFile, { force: true })
  return { ms, rssMb: rssKb / 1024, code }
}

async function scenario(dir: string, simulator: Simulator, name: string, text: string, concurrency: number): Promise<Measured[]> {
  const workspace = join(dir, name)
  await mkdir(join(workspace, '.layer'), { recursive: true })
  await writeFile(join(workspace, '.layer', 'generations.yml'), text)
  await writeFile(join(dir, `${name}.out`), '')
  const env = {
    PATH: process.env.PATH ?? '',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: join(dir, `${name}.out`),
    GITHUB_EVENT_NAME: 'workflow_dispatch',
    GITHUB_EVENT_PATH: join(dir, 'event.json'),
    GITHUB_REPOSITORY: 'acme/art',
    GITHUB_RUN_ID: '1',
    GITHUB_SHA: 'a'.repeat(40),
    RUNNER_TEMP: dir,
    'INPUT_LAYER-TOKEN': simulator.token,
    'INPUT_API-URL': simulator.url,
    INPUT_CONCURRENCY: String(concurrency),
    'INPUT_MAX-REQUESTS': '5000',
  }
  const results: Measured[] = []
  for (let i = 0; i < RUNS + 1; i++) {
    const measured = await runOnce(['--import', probe, action], env, workspace)
    if (measured.code !== 0) throw new Error(`${name}: the action exited ${measured.code}`)
    if (i > 0) results.push(measured) // the first run warms the file cache
  }
  return results
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

async function dirSize(path: string): Promise<number> {
  let total = 0
  for (const entry of await readdir(path, { withFileTypes: true })) {
    const full = join(path, entry.name)
    total += entry.isDirectory() ? await dirSize(full) : (await stat(full)).size
  }
  return total
}

const dir = await mkdtemp(join(tmpdir(), 'lbg-bench-'))
await writeFile(join(dir, 'event.json'), '{}')
const rows: string[][] = [['measure', 'median', 'target', 'ok']]
const row = (measure: string, value: string, target: string, ok: boolean) => rows.push([measure, value, target, ok ? 'yes' : 'NO'])
try {
  const slow = await startSimulator({ latencyMs: 40, logLimit: 0, workspaces: { [SIM_WORKSPACE_ID]: 1e9 } })
  try {
    const a = await scenario(dir, slow, 'a', manifest(1000, 250), 8)
    if (slow.maxInFlight > 8) throw new Error(`concurrency 8 exceeded: ${slow.maxInFlight} in flight`)
    const bound = Math.ceil(250 / 8) * 40
    const ratio = median(a.map((m) => m.ms)) / bound
    row(`A. 1,000 gens / 250 distinct, 40 ms, conc. 8: wall / ${bound} ms`, `${ratio.toFixed(3)} (${median(a.map((m) => m.ms)).toFixed(0)} ms)`, '≤ 1.15', ratio <= 1.15)
  } finally {
    await slow.close()
  }

  const fast = await startSimulator({ logLimit: 0, workspaces: { [SIM_WORKSPACE_ID]: 1e9 } })
  try {
    const b = await scenario(dir, fast, 'b', manifest(10000, 100), 4)
    const ms = median(b.map((m) => m.ms))
    const rss = median(b.map((m) => m.rssMb))
    row('B. 10,000 gens / 100 distinct: wall time', `${ms.toFixed(0)} ms`, '≤ 1500 ms', ms <= 1500)
    row('B. 10,000 gens / 100 distinct: peak RSS', `${rss.toFixed(1)} MB`, '≤ 120 MB', rss <= 120)

    const c = await scenario(dir, fast, 'c', manifest(1, 1), 4)
    const bare: number[] = []
    for (let i = 0; i < RUNS + 1; i++) {
      const m = await runOnce(['--import', probe, '-e', '0'], { PATH: process.env.PATH ?? '' }, dir)
      if (i > 0) bare.push(m.ms)
    }
    const overhead = median(c.map((m) => m.ms)) - median(bare)
    row('C. start-up: one generation minus `node -e 0`', `${overhead.toFixed(0)} ms`, '≤ 100 ms', overhead <= 100)
  } finally {
    await fast.close()
  }

  const bundle = (await stat(action)).size / 1e6
  const all = (await dirSize(join(root, 'dist'))) / 1e6
  row('D. dist/index.js (the action bundle)', `${bundle.toFixed(2)} MB`, '≤ 2 MB', bundle <= 2)
  rows.push(['   all of dist/ (with source maps and the CLI bundle)', `${all.toFixed(2)} MB`, '', ''])
} finally {
  await rm(dir, { recursive: true, force: true })
}

const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
process.stdout.write(`node ${process.version}, ${RUNS} runs each (median)\n`)
for (const r of rows) process.stdout.write(`${r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')}\n`)
if (rows.some((r) => r[3] === 'NO')) process.exitCode = 1
