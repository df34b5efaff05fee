/** The BUILT CLI (dist/cli/index.js, package.json `bin`) and `npm run demo`, as a user runs them. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { ROOT } from '../helpers/run-action.js'
import { startSimulator, type Simulator } from '../../src/simulator/server.js'

const run = promisify(execFile)
const CLI = join(ROOT, 'dist', 'cli', 'index.js')
let sim: Simulator
beforeAll(async () => {
  sim = await startSimulator()
})
afterAll(async () => sim.close())

async function cli(args: string[], env: Record<string, string> = {}) {
  const token = env.LAYER_API_TOKEN ?? sim.token
  let result: { code: number; stdout: string; stderr: string }
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', LAYER_API_TOKEN: sim.token, ...env },
    })
    result = { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    result = { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
  // Every run is a leak check: the token never reaches the terminal.
  expect(result.stdout + result.stderr).not.toContain(token)
  return result
}

describe('dist/cli/index.js', () => {
  it('is the package bin', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'))
    expect(pkg.bin).toEqual({ 'layer-budget-gate': 'dist/cli/index.js' })
    expect((await readFile(CLI, 'utf8')).startsWith('#!/usr/bin/env node')).toBe(true)
  })

  it('prices the example manifest: exit 0 and the JSON report', async () => {
    const result = await cli(['examples/generations.yml', '--api-url', sim.url, '--json'])
    expect(result.code).toBe(0)
    const report = JSON.parse(result.stdout)
    expect(report).toMatchObject({ version: 1, status: 'within', sufficient: true, passes: true, requests: 11, entries: 11, failures: [] })
    for (const key of [
      'workspace_id',
      'total_creative_units',
      'balance_creative_units',
      'remaining_creative_units',
      'min_remaining_balance_creative_units',
      'balance_at',
    ]) {
      expect(report).toHaveProperty(key)
    }
    for (const generation of report.generations) {
      expect(Object.keys(generation).sort()).toEqual([
        'file',
        'group',
        'line',
        'model',
        'model_id',
        'name',
        'runs',
        'total_creative_units',
        'unit_creative_units',
      ])
    }
    expect(report.generations).toHaveLength(11)
    expect(report.total_creative_units).toBeCloseTo(
      report.generations.reduce((sum: number, g: { total_creative_units: number }) => sum + g.total_creative_units, 0),
      3,
    )
  })

  it('exits 1 over budget and 2 when it cannot price', async () => {
    expect((await cli(['examples/generations.yml', '--api-url', sim.url, '--max-total', '10'])).code).toBe(1)
    const wrong = await cli(['examples/generations.yml', '--api-url', sim.url], { LAYER_API_TOKEN: 'not-the-token' })
    expect(wrong.code).toBe(2)
    expect(wrong.stderr).toMatch(/Layer refused the token/)
  })

  it('speaks in flags and says a run failure once', async () => {
    const over = await cli(['examples/generations.yml', '--api-url', sim.url, '--max-total', '10'])
    expect(over.stdout.split('\n')[0]).toMatch(/^❌ [\d,.]+ CU over the 10 CU cap \(--max-total\)$/)
    expect(over.stdout).toMatch(/exceeds the cap of 10 CU \(--max-total\)/)
    const warned = await cli(['examples/generations.yml', '--api-url', sim.url, '--warn-remaining-balance', '1000000'])
    expect(warned.stderr).toMatch(/warning level \(--warn-remaining-balance\)\n$/)
    const wrong = await cli(['examples/generations.yml', '--api-url', sim.url], { LAYER_API_TOKEN: 'not-the-token' })
    expect((wrong.stdout + wrong.stderr).match(/Layer refused the token/g)).toHaveLength(1)
    expect(wrong.stderr).toMatch(/check LAYER_API_TOKEN/)
    for (const text of [over.stdout, warned.stdout, wrong.stdout + wrong.stderr]) {
      expect(text).not.toMatch(/\((max-total|warn-remaining-balance)\)|`layer-token`|check `api-url`/)
    }
  })

  it('has no colour when not on a terminal or with NO_COLOR', async () => {
    const result = await cli(['examples/generations.yml', '--api-url', sim.url], { NO_COLOR: '1' })
    expect(result.stdout).not.toContain('\u001b[')
    expect(result.stdout).toMatch(/^✅ [\d,.]+ of [\d,.]+ CU · [\d,.]+ left\n/)
  })

  it('prints the JSON stop report for an invalid manifest with --json (never an empty file)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lbg-cli-json-'))
    await writeFile(join(dir, 'bad.yml'), 'version: 1\ngenerations:\n  - name: x\n    model_id: nope\n')
    const result = await run(process.execPath, [CLI, 'bad.yml', '--json'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', LAYER_API_TOKEN: sim.token },
    }).then(
      () => ({ code: 0, stdout: '' }),
      (error: { code: number; stdout: string }) => error,
    )
    expect(result.code).toBe(2)
    expect(JSON.parse(result.stdout)).toMatchObject({
      status: 'error',
      sufficient: false,
      problems: [expect.objectContaining({ line: 4 })],
    })
  })

  it('prints a usage error in one line with the flag meant, exit 2', async () => {
    const result = await cli(['--min-remaining', '2450'])
    expect(result.code).toBe(2)
    expect(result.stderr).toBe("layer-budget-gate: unknown option '--min-remaining': did you mean --min-remaining-balance? (see --help)\n")
  })
})

/** The built CLI run from a folder outside the repository, as a game's repository runs it. */
describe('dist/cli/index.js outside the repository', () => {
  const MODEL = '3c90c3cc-0d44-4b50-8888-8dd25736052a'
  const valid = `version: 1\nworkspace_id: 6f1c2d9e-8b1a-4c53-9f0e-2a7d4b8c1e55\ngenerations:\n  - name: hero\n    model_id: ${MODEL}\n    runs: 2\n`
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lbg-cli-outside-'))
    await mkdir(join(dir, '.layer'))
    await writeFile(join(dir, '.layer', 'generations.yml'), valid)
    await writeFile(join(dir, 'bad.yml'), 'version: 1\ngenerations:\n  - name: x\n    model_id: nope\n')
    await writeFile(join(dir, 'quote.yml'), 'version: 1\ngenerations:\n  - name: "hero\n    runs: 2\n')
  })
  const outside = (args: string[], env: Record<string, string> = {}) =>
    run(process.execPath, [CLI, ...args], { cwd: dir, env: { PATH: process.env.PATH ?? '', ...env } }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    )

  it('prints --help', async () => {
    const result = await outside(['--help'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^Usage: layer-budget-gate/)
    expect(result.stdout).toContain('--check')
  })

  it('--check: exit 0 on a valid manifest and 2 on an invalid one, with no token', async () => {
    const ok = await outside(['--check'])
    expect([ok.code, ok.stdout]).toEqual([0, '✅ .layer/generations.yml valid: 1 generation, 1 estimate request to price\n'])
    const bad = await outside(['--check', 'bad.yml'])
    expect(bad.code).toBe(2)
    // The caret under the column of the value: "    model_id: nope", column 15.
    expect(bad.stderr.split('\n').slice(0, 3)).toEqual([
      expect.stringMatching(/^bad\.yml:4:15: error: "nope" in generations\[0\]\.model_id is neither/),
      '4 |     model_id: nope',
      '  |               ^',
    ])
  })

  it('places an unclosed quote where it opened, with its line and caret', async () => {
    const result = await outside(['--check', 'quote.yml'])
    expect(result.code).toBe(2)
    expect(result.stderr.split('\n').slice(0, 3)).toEqual([
      'quote.yml:3:11: error: invalid YAML: the " opened here ("hero) is never closed: end the text with ", or remove the quote',
      '3 |   - name: "hero',
      '  |           ^',
    ])
  })

  it('prints JSON on an invalid manifest, and with --check', async () => {
    const result = await outside(['bad.yml', '--format', 'json'], { LAYER_API_TOKEN: sim.token })
    expect(result.code).toBe(2)
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'error', problems: [{ file: 'bad.yml', line: 4, col: 15 }] })
    const checked = await outside(['--check', '--json'])
    expect(JSON.parse(checked.stdout)).toMatchObject({ status: 'valid', generations: 1 })
  })

  it('--format markdown prints the pull-request comment, priced by the simulator', async () => {
    const result = await outside(['--api-url', sim.url, '--format', 'markdown'], { LAYER_API_TOKEN: sim.token })
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^### /m)
    expect(result.stdout).toContain('| hero |')
    expect(result.stdout).toContain('<!-- layer-budget-gate:footer -->')
  })

  it('--base prices the manifests at a git ref of a repository with two commits', async () => {
    const repo = await mkdtemp(join(tmpdir(), 'lbg-cli-git-'))
    const git = (...args: string[]) => run('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.com', ...args], { cwd: repo })
    await git('init', '-q')
    await writeFile(join(repo, 'm.yml'), valid)
    await git('add', 'm.yml')
    await git('commit', '-q', '-m', 'one')
    await writeFile(join(repo, 'm.yml'), valid.replace('runs: 2', 'runs: 5'))
    await git('commit', '-q', '-am', 'two')
    const result = await run(process.execPath, [CLI, 'm.yml', '--base', 'HEAD~1', '--api-url', sim.url, '--json'], {
      cwd: repo,
      env: { PATH: process.env.PATH ?? '', LAYER_API_TOKEN: sim.token },
    })
    const report = JSON.parse(result.stdout)
    expect(report.generations).toEqual([expect.objectContaining({ name: 'hero', runs: 5, change: 'changed' })])
    expect(report.delta_creative_units).toBeCloseTo(3 * report.generations[0].unit_creative_units, 6)
  })
})

describe('npm run demo', () => {
  it('prices examples/generations.yml against the simulator and says the prices are made up', async () => {
    const { stdout, stderr } = await run(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/demo.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '' },
    })
    expect(stderr).toMatch(/MADE UP/)
    expect(stdout).toMatch(/^✅ [\d,.]+ of 2,500\.75 CU · /)
    expect(stdout).toMatch(/castle-flyover/)
    expect(stderr).toMatch(/11 estimate requests answered by the simulator; exit code 0/)
  }, 30000)
})

describe('npm run demo -- FLAGS', () => {
  it('passes flags through with the example manifest: --min-remaining-balance 2450 is over budget', async () => {
    const result = await run(
      process.execPath,
      [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/demo.ts', '--min-remaining-balance', '2450'],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '' } },
    ).then(
      () => ({ code: 0, stdout: '', stderr: '' }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    )
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/^❌ [\d.,]+ CU short of the 2,450 CU reserve/)
    expect(result.stderr).toMatch(/Pricing examples\/generations\.yml with/)
    expect(result.stderr).toMatch(/exit code 1\)\n$/)
  }, 30000)
})

describe('dist/cli/index.js against the simulator', () => {
  it('labels the made-up prices in the table and in the JSON report', async () => {
    const table = await cli(['examples/generations.yml', '--api-url', sim.url])
    expect(table.code).toBe(0)
    expect(table.stdout.split('\n')[1]).toMatch(/^⚠️ Made-up prices: these estimates come from the local simulator, not from Layer/)
    const json = await cli(['examples/generations.yml', '--api-url', sim.url, '--json'])
    expect(JSON.parse(json.stdout)).toMatchObject({ simulated: true })
  })
})
