/** The BUILT CLI (dist/cli/index.js, package.json `bin`) and `npm run demo`, as a user runs them. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
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

  it('prints one line and the usage for a usage error, exit 2', async () => {
    const result = await cli(['--nope'])
    expect(result.code).toBe(2)
    expect(result.stderr.split('\n')[0]).toBe("layer-budget-gate: Unknown option '--nope'")
    expect(result.stderr).toContain('Usage: layer-budget-gate')
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

describe('dist/cli/index.js against the simulator', () => {
  it('labels the made-up prices in the table and in the JSON report', async () => {
    const table = await cli(['examples/generations.yml', '--api-url', sim.url])
    expect(table.code).toBe(0)
    expect(table.stdout.split('\n')[1]).toMatch(/^⚠️ Made-up prices: these estimates come from the local simulator, not from Layer/)
    const json = await cli(['examples/generations.yml', '--api-url', sim.url, '--json'])
    expect(JSON.parse(json.stdout)).toMatchObject({ simulated: true })
  })
})
