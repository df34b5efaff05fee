import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { EXIT, main } from '../src/cli.js'
import { SIM_MODELS } from '../src/simulator/prices.js'
import { SIM_WORKSPACE_ID, startSimulator, type Simulator } from '../src/simulator/server.js'

class Capture extends Writable {
  text = ''
  isTTY: boolean
  constructor(isTTY = false) {
    super()
    this.isTTY = isTTY
  }
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString()
    done()
  }
}

let sim: Simulator
let cwd: string
beforeAll(async () => {
  sim = await startSimulator()
  cwd = await mkdtemp(join(tmpdir(), 'lbg-cli-'))
  await mkdir(join(cwd, '.layer'))
  await writeFile(
    join(cwd, '.layer', 'generations.yml'),
    `version: 1\nworkspace_id: ${SIM_WORKSPACE_ID}\ngenerations:\n  - name: hero\n    model_id: ${SIM_MODELS.image.id}\n    batch_size: 2\n    runs: 3\n`,
  )
  await writeFile(join(cwd, 'broken.yml'), 'version: 1\ngenerations:\n  - name: x\n    model_id: nope\n')
})
afterAll(async () => sim.close())

async function cli(argv: string[], env: Record<string, string | undefined> = {}, tty = false) {
  const stdout = new Capture(tty)
  const stderr = new Capture(tty)
  const code = await main(argv, { stdout, stderr, env: { LAYER_API_TOKEN: sim.token, ...env }, cwd })
  return { code, stdout: stdout.text, stderr: stderr.text }
}

describe('the CLI', () => {
  it('prints a table and exits 0 within budget', async () => {
    const result = await cli(['--api-url', sim.url])
    expect(result.code).toBe(EXIT.within)
    expect(result.stdout).toMatch(/^✅ 2\.1 of 2,500\.75 CU · 2,498\.65 left\n/)
    expect(result.stdout).toMatch(/hero\s+\S+\s+3\s+\S+\s+0\.7\s+2\.1\s+100\.0%/)
    expect(result.stdout).not.toContain('\u001b[')
  })

  it('prints the JSON report with --json', async () => {
    const result = await cli(['--api-url', sim.url, '--json'])
    const report = JSON.parse(result.stdout)
    expect(report).toMatchObject({ version: 1, workspace_id: SIM_WORKSPACE_ID, total_creative_units: 2.1, sufficient: true, requests: 1 })
    expect(report.generations[0]).toMatchObject({
      name: 'hero',
      file: '.layer/generations.yml',
      line: 4,
      runs: 3,
      unit_creative_units: 0.7,
    })
  })

  it('exits 1 over budget, 0 in advisory mode', async () => {
    expect((await cli(['--api-url', sim.url, '--min-remaining-balance', '2499'])).code).toBe(EXIT.over)
    expect((await cli(['--api-url', sim.url, '--max-total', '2'])).code).toBe(EXIT.over)
    expect((await cli(['--api-url', sim.url, '--max-total', '2', '--fail-on-insufficient', 'false'])).code).toBe(EXIT.within)
  })

  it('exits 0 below the warning level and prints the warning line, also with --json', async () => {
    // 2.1 CU of 2,500.75 leaves 2,498.65: 1.35 CU below a level of 2,500.
    const result = await cli(['--api-url', sim.url, '--warn-remaining-balance', '2500'])
    expect(result.code).toBe(EXIT.within)
    const line = '⚠️ 1.35 CU below the 2,500 CU warning level (warn-remaining-balance)'
    expect(result.stdout.split('\n')[0]).toBe(line)
    expect(result.stderr).toBe(`layer-budget-gate: warning: ${line}\n`)
    const json = await cli(['--api-url', sim.url, '--warn-remaining-balance', '2500', '--json'])
    expect(json.code).toBe(EXIT.within)
    expect(JSON.parse(json.stdout)).toMatchObject({ status: 'warn', sufficient: true, passes: true })
    expect(json.stderr).toContain('warning: ⚠️ 1.35 CU below')
    const within = await cli(['--api-url', sim.url, '--warn-remaining-balance', '2498.65'])
    expect([within.code, within.stderr]).toEqual([EXIT.within, ''])
  })

  it('colours only on a TTY and never with NO_COLOR', async () => {
    expect((await cli(['--api-url', sim.url], {}, true)).stdout).toContain('\u001b[1;32m')
    expect((await cli(['--api-url', sim.url], { NO_COLOR: '1' }, true)).stdout).not.toContain('\u001b[')
    expect((await cli(['--api-url', sim.url], {}, false)).stdout).not.toContain('\u001b[')
    // no-color.org: only a non-empty NO_COLOR turns colour off.
    expect((await cli(['--api-url', sim.url], { NO_COLOR: '' }, true)).stdout).toContain('\u001b[1;32m')
  })

  it('exits 2 with compiler-style problems for an invalid manifest', async () => {
    const result = await cli(['broken.yml', '--api-url', sim.url])
    expect(result.code).toBe(EXIT.error)
    expect(result.stderr).toMatch(/^broken\.yml:4:15: error: .*nope/m)
    expect(result.stderr).toMatch(/layer-budget-gate: 1 problem in broken\.yml/)
  })

  it('prints JSON on every exit with --json: an invalid manifest and a usage error are a stop report', async () => {
    const invalid = await cli(['broken.yml', '--api-url', sim.url, '--json'])
    expect(invalid.code).toBe(EXIT.error)
    const report = JSON.parse(invalid.stdout) as { status: string; sufficient: boolean; problems: { file: string; line: number }[] }
    expect(report).toMatchObject({ status: 'error', sufficient: false, passes: false, generations: [] })
    expect(report.problems[0]).toMatchObject({ file: 'broken.yml', line: 4 })
    expect(invalid.stderr).toMatch(/^broken\.yml:4:15: error: .*nope/m) // the terminal still gets the problems
    const usage = await cli(['--nope', '--json'])
    expect(usage.code).toBe(EXIT.error)
    expect(JSON.parse(usage.stdout)).toMatchObject({ status: 'error', failures: ["Unknown option '--nope'"] })
  })

  it('exits 2 when Layer cannot price, saying a refused token once, for the run', async () => {
    const result = await cli(['--api-url', sim.url], { LAYER_API_TOKEN: 'wrong-token' })
    expect(result.code).toBe(EXIT.error)
    expect(result.stdout).toMatch(/Could not price/)
    // A run-wide failure is not a problem of the generation's line (SPEC section 4): one line, no `file:line:col`.
    expect(result.stderr).toMatch(/^layer-budget-gate: Layer refused the token \(401 /)
    expect(result.stderr).not.toMatch(/hero/)
    expect(result.stdout + result.stderr).not.toContain('wrong-token')
  })

  it.each([
    [['--bogus'], /^layer-budget-gate: Unknown option '--bogus'$/],
    [
      ['missing.yml'],
      /^layer-budget-gate: no manifest found at missing\.yml \(the command line\); create it or name your manifest \(a path or a glob\) on the command line$/,
    ],
  ])('usage error %j: one line, the usage, and exit 2', async (argv, message) => {
    const result = await cli([...argv, '--api-url', sim.url])
    expect(result.code).toBe(EXIT.error)
    const [first, blank, usage] = result.stderr.split('\n')
    expect(first).toMatch(message)
    expect(blank).toBe('')
    expect(usage).toMatch(/^Usage: layer-budget-gate/)
  })

  it('refuses an invalid flag value in one line, naming the flag, and exits 2', async () => {
    const result = await cli(['--concurrency', 'lots', '--api-url', sim.url])
    expect(result.code).toBe(EXIT.error)
    expect(result.stderr).toBe('layer-budget-gate: --concurrency must be a whole number from 1 to 64, got "lots"\n')
  })

  it('says how to set LAYER_API_TOKEN, with the usage', async () => {
    const result = await cli(['--api-url', sim.url], { LAYER_API_TOKEN: undefined })
    expect(result.code).toBe(EXIT.error)
    expect(result.stderr).toMatch(/^layer-budget-gate: LAYER_API_TOKEN is not set: export LAYER_API_TOKEN=/)
    expect(result.stderr).toContain('Usage: layer-budget-gate')
  })

  it('prints help and version', async () => {
    expect((await cli(['--help'])).stdout).toContain('Exit codes: 0 within budget, 1 over budget, 2 could not price')
    expect((await cli(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/)
  })
})
