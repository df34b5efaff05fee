/** `--base GIT-REF` against a temporary git repository with two commits, priced by the simulator. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { promisify } from 'node:util'
import { loadManifestsAtRef } from '../../src/cli/git.js'
import { EXIT, main } from '../../src/cli/main.js'
import { SIM_MODELS } from '../../src/simulator/prices.js'
import { SIM_WORKSPACE_ID, startSimulator, type Simulator } from '../../src/simulator/server.js'

const run = promisify(execFile)

class Capture extends Writable {
  text = ''
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString()
    done()
  }
}

const generation = (name: string, runs: number) => `  - name: ${name}\n    model_id: ${SIM_MODELS.image.id}\n    runs: ${runs}\n`
const manifest = (...generations: string[]) => `version: 1\nworkspace_id: ${SIM_WORKSPACE_ID}\ngenerations:\n${generations.join('')}`

let sim: Simulator
let repo: string
const env = () => ({ LAYER_API_TOKEN: sim.token, PATH: process.env.PATH ?? '', HOME: repo })

async function git(...args: string[]): Promise<void> {
  await run('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], { cwd: repo })
}

beforeAll(async () => {
  sim = await startSimulator()
  repo = await mkdtemp(join(tmpdir(), 'lbg-git-'))
  await git('init', '-q', '-b', 'main')
  await mkdir(join(repo, '.layer'))
  await writeFile(join(repo, '.layer', 'generations.yml'), manifest(generation('hero', 1), generation('gone', 2)))
  await writeFile(join(repo, '.layer', 'broken.yml'), 'version: 1\ngenerations: [\n')
  await git('add', '-A')
  await git('commit', '-q', '-m', 'first')
  await writeFile(join(repo, '.layer', 'generations.yml'), manifest(generation('hero', 3), generation('new', 1)))
  await git('commit', '-q', '-am', 'second')
})
afterAll(async () => sim.close())

async function cli(argv: string[], cwd = repo) {
  const stdout = new Capture()
  const stderr = new Capture()
  const code = await main(argv, { stdout, stderr, env: env(), cwd })
  return { code, stdout: stdout.text, stderr: stderr.text }
}

describe('--base GIT-REF', () => {
  it('prices the manifests at the ref in the same plan and shows the change', async () => {
    const result = await cli(['.layer/generations.yml', '--base', 'HEAD~1', '--api-url', sim.url, '--json'])
    expect(result.code).toBe(EXIT.within)
    const report = JSON.parse(result.stdout)
    const changes = Object.fromEntries(report.generations.map((g: { name: string; change: string }) => [g.name, g.change]))
    expect(changes).toEqual({ hero: 'changed', new: 'added', gone: 'removed' })
    // One price a run: head 3 + 1 runs, base 1 + 2 runs, so the change is one run's price.
    const unit = report.generations[0].unit_creative_units
    expect(unit).toBeGreaterThan(0)
    expect(report.delta_creative_units).toBeCloseTo(unit, 6)
    // One request prices head and base alike: the same body is asked once.
    expect(report.requests).toBe(1)
  })

  it('shows the change in the comment as the pull request would get it', async () => {
    const result = await cli(['.layer/generations.yml', '--base', 'main~1', '--api-url', sim.url, '--format', 'markdown'])
    expect(result.code).toBe(EXIT.within)
    expect(result.stdout).toMatch(/\+[\d.,]+ CU in this pull request/)
    expect(result.stdout).toMatch(/Changed in this pull request/)
    expect(result.stdout).toMatch(/removed/)
  })

  it('reads globs at the ref from the working directory, like the workspace', async () => {
    const at = await loadManifestsAtRef(join(repo, '.layer'), env(), 'HEAD~1', ['*.yml'])
    expect(at.base).toBeUndefined()
    expect(at.baseNote).toMatch(/^The manifests at HEAD~1 \([0-9a-f]{7}\) are invalid \(broken\.yml:2: .*never closed/)
    const only = await loadManifestsAtRef(repo, env(), 'HEAD~1', ['.layer/gen*.yml'])
    expect(only.base?.map((m) => [m.file, m.generations.map((g) => g.name)])).toEqual([['.layer/generations.yml', ['hero', 'gone']]])
    // A manifest the ref does not have is an empty base: everything is added.
    expect((await loadManifestsAtRef(repo, env(), 'HEAD', ['.layer/later.yml'])).base).toEqual([])
  })

  it('exits 2 with what to do for a ref that does not exist, or outside a git repository', async () => {
    const missing = await cli(['.layer/generations.yml', '--base', 'no-such-branch', '--api-url', sim.url, '--json'])
    expect(missing.code).toBe(EXIT.error)
    expect(missing.stderr).toBe(
      'layer-budget-gate: --base no-such-branch: no such branch, tag or commit in this repository: check the name (git branch -a), or fetch it first (git fetch origin no-such-branch)\n',
    )
    expect(JSON.parse(missing.stdout)).toMatchObject({ status: 'error', failures: [expect.stringContaining('no-such-branch')] })
    const outside = await mkdtemp(join(tmpdir(), 'lbg-nogit-'))
    await writeFile(join(outside, 'm.yml'), manifest(generation('hero', 1)))
    const none = await cli(['m.yml', '--base', 'main', '--api-url', sim.url], outside)
    expect(none.code).toBe(EXIT.error)
    expect(none.stderr).toMatch(
      /^layer-budget-gate: --base needs a git repository, and .* is not inside one: run the CLI from your repository, or leave --base out\n$/,
    )
    const dash = await cli(['.layer/generations.yml', '--base=--output=x', '--api-url', sim.url])
    expect(dash.stderr).toMatch(/is not a git ref/)
  })
})
