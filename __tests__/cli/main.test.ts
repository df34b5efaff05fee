import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { EXIT, main } from '../../src/cli/main.js'
import { policyOf, parseConfig } from '../../src/config.js'
import { createLayerClient } from '../../src/layer/from-config.js'
import { loadManifests } from '../../src/manifest/load.js'
import { priceManifests } from '../../src/pipeline.js'
import { FOOTER_MARK, renderComment } from '../../src/report/markdown.js'
import { SIM_MODELS } from '../../src/simulator/prices.js'
import { SIM_WORKSPACE_ID, startSimulator, type Simulator } from '../../src/simulator/server.js'

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
  await writeFile(join(cwd, 'no-workspace.yml'), `version: 1\ngenerations:\n  - name: a\n    model_id: ${SIM_MODELS.image.id}\n`)
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
    const line = '⚠️ 1.35 CU below the 2,500 CU warning level (--warn-remaining-balance)'
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
    expect(JSON.parse(usage.stdout)).toMatchObject({ status: 'error', failures: ["unknown option '--nope' (see --help)"] })
  })

  it('prints exactly the pull-request comment with --format markdown', async () => {
    const result = await cli(['--api-url', sim.url, '--format', 'markdown'])
    expect(result.code).toBe(EXIT.within)
    // The comment the action would post for the same manifest and settings (its footer holds the time).
    const config = parseConfig((name) => (name === 'layer-token' ? sim.token : name === 'api-url' ? sim.url : ''), { tempDir: tmpdir() })
    const client = createLayerClient(config, { redact: (text) => text })
    const { report } = await priceManifests({
      head: await loadManifests(cwd, config.manifestPatterns),
      policy: policyOf(config),
      concurrency: 1,
      maxRequests: 10,
      estimator: client,
    })
    await client.close()
    const before = (text: string) => text.slice(0, text.indexOf(FOOTER_MARK))
    expect(result.stdout).toContain(FOOTER_MARK)
    expect(before(result.stdout)).toBe(before(renderComment(report, {})))
    expect(result.stdout).not.toContain('\u001b[')
  })

  it('names the rules as the action does in the --format markdown preview (the terminal names the flags)', async () => {
    const preview = await cli(['--api-url', sim.url, '--format', 'markdown', '--max-total=1'])
    expect(preview.code).toBe(EXIT.over)
    expect(preview.stdout).toMatch(/^### ❌ [\d.,]+ CU over the 1 CU cap \(max-total\)$/m)
    const table = await cli(['--api-url', sim.url, '--max-total=1'])
    expect(table.stdout).toMatch(/over the 1 CU cap \(--max-total\)/)
  })

  it('prints the stop comment with --format markdown when the manifest is invalid', async () => {
    const result = await cli(['broken.yml', '--api-url', sim.url, '--format', 'markdown'])
    expect(result.code).toBe(EXIT.error)
    expect(result.stdout).toMatch(/broken\.yml:4/)
    expect(result.stderr).toMatch(/^broken\.yml:4:15: error:/m)
  })

  it('prints the verdict’s reasons in the terminal: which rule failed, by how much', async () => {
    const result = await cli(['--api-url', sim.url, '--max-total', '2'])
    expect(result.code).toBe(EXIT.over)
    const why = result.stdout.slice(result.stdout.indexOf('\nWhy:\n'))
    expect(why).toMatch(/^\nWhy:\n {2}- .*2\.1 CU.*2 CU/)
    const within = await cli(['--api-url', sim.url])
    expect(within.stdout).not.toContain('Why:')
  })

  it('says a workspace mismatch once', async () => {
    const result = await cli(['--api-url', sim.url, '--workspace-id', '0b1c2d9e-8b1a-4c53-9f0e-2a7d4b8c1e55'])
    expect(result.code).toBe(EXIT.error)
    expect(result.stderr.match(/differs from/g)).toHaveLength(1)
    expect(result.stderr).toMatch(/^\.layer\/generations\.yml:2:15: error: workspace_id .* differs from `--workspace-id` 0b1c2d9e-/)
  })

  it('speaks the CLI’s words: flags and LAYER_API_TOKEN, not the action’s inputs and secret', async () => {
    const refused = await cli(['--api-url', sim.url], { LAYER_API_TOKEN: 'wrong-token' })
    expect(refused.stderr).toMatch(/Layer refused the token \(401 [^)]*\): check LAYER_API_TOKEN, a Personal Access Token/)
    const unreachable = await cli(['--api-url', 'http://127.0.0.1:1/api', '--max-retries', '0'])
    expect(unreachable.stderr).toMatch(/check `--api-url` and your network/)
    const many = await cli(['--api-url', sim.url, '--max-requests', '0'])
    expect(many.stderr).toMatch(/^layer-budget-gate: --max-requests must be a whole number/)
    const nothing = await cli(['--api-url', sim.url, 'no-workspace.yml'])
    expect(nothing.stderr).toBe(
      'layer-budget-gate: no workspace to price against: set `--workspace-id`, or `workspace_id:` at the top of the manifest\n',
    )
    for (const text of [refused.stderr, unreachable.stderr, nothing.stderr]) {
      expect(text).not.toMatch(/`layer-token`|`workspace-id` input|check `api-url`|the job/)
    }
  })

  it('exits 2 when Layer cannot price, saying a refused token once, for the run', async () => {
    const result = await cli(['--api-url', sim.url], { LAYER_API_TOKEN: 'wrong-token' })
    expect(result.code).toBe(EXIT.error)
    expect(result.stdout.split('\n')[0]).toBe('❌ could not price 1 generation')
    // A run-wide failure is not a problem of the generation's line (SPEC section 4): one line, no `file:line:col`.
    expect(result.stderr).toMatch(/^layer-budget-gate: Layer refused the token \(401 /)
    expect(result.stderr).not.toMatch(/hero/)
    expect(result.stdout + result.stderr).not.toContain('wrong-token')
    // Said once on a terminal: the error on stderr, not again under "Could not price:" on stdout.
    expect((result.stdout + result.stderr).match(/Layer refused the token/g)).toHaveLength(1)
    expect(result.stdout).not.toContain('Could not price:')
    const unreachable = await cli(['--api-url', 'http://127.0.0.1:1/api', '--max-retries', '0'])
    expect(unreachable.code).toBe(EXIT.error)
    expect((unreachable.stdout + unreachable.stderr).match(/check `--api-url` and your network/g)).toHaveLength(1)
  })

  it('names the rules by their flags: the headline and the reasons', async () => {
    const capped = await cli(['--api-url', sim.url, '--max-total', '2'])
    expect(capped.code).toBe(EXIT.over)
    expect(capped.stdout.split('\n')[0]).toBe('❌ 0.1 CU over the 2 CU cap (--max-total)')
    expect(capped.stdout).toContain('exceeds the cap of 2 CU (--max-total) by 0.1 CU.')
    const reserve = await cli(['--api-url', sim.url, '--min-remaining-balance', '2499', '--json'])
    expect(JSON.parse(reserve.stdout).reasons[0]).toMatch(/short of the reserve of 2,499 CU \(--min-remaining-balance\)\.$/)
    for (const text of [capped.stdout, reserve.stdout]) expect(text).not.toMatch(/\((max-total|min-remaining-balance)\)/)
  })

  it('says how to split too many generations in the CLI’s words', async () => {
    const lines = ['version: 1', 'defaults:', `  model_id: ${SIM_MODELS.image.id}`, 'generations:']
    for (let i = 0; i <= 10_000; i++) lines.push(`  - name: g${i}`)
    await writeFile(join(cwd, 'many.yml'), `${lines.join('\n')}\n`)
    const result = await cli(['many.yml', '--check'])
    expect(result.code).toBe(EXIT.error)
    expect(result.stderr).toContain('split them across several runs of the CLI, each naming its own manifests')
    expect(result.stderr).not.toContain('`manifest` input')
  })

  it.each([
    [['--bogus'], "layer-budget-gate: unknown option '--bogus' (see --help)"],
    [
      ['--min-remaining', '2450'],
      "layer-budget-gate: unknown option '--min-remaining': did you mean --min-remaining-balance? (see --help)",
    ],
    [['--concurency', '2'], "layer-budget-gate: unknown option '--concurency': did you mean --concurrency? (see --help)"],
    [['--format', 'yaml'], 'layer-budget-gate: --format must be table, json or markdown, got "yaml" (see --help)'],
    [['--max-total', '-5'], "layer-budget-gate: --max-total -5: a value that starts with '-' is taken for an option; write --max-total=-5"],
    [['--max-total'], 'layer-budget-gate: --max-total needs a value, but --api-url follows it: see --help'],
    [['--check', '--base', 'main'], 'layer-budget-gate: --check prices nothing, so it has no --base: give one of them (see --help)'],
    [
      ['missing.yml'],
      'layer-budget-gate: no manifest found at missing.yml (named on the command line, relative to the current directory); create it or fix the path',
    ],
  ])('usage error %j: one line, no usage text, and exit 2', async (argv, line) => {
    const result = await cli([...argv, '--api-url', sim.url])
    expect(result.code).toBe(EXIT.error)
    expect(result.stderr).toBe(`${line}\n`)
    expect(result.stdout).toBe('')
  })

  it('accepts a negative number written with = and refuses its value in one line', async () => {
    const result = await cli(['--max-total=-5', '--api-url', sim.url])
    expect([result.code, result.stderr]).toEqual([
      EXIT.error,
      'layer-budget-gate: --max-total must be a number of Creative Units ≥ 0 such as 250 or 99.5, or empty, got "-5"\n',
    ])
  })

  it('names the default manifest as the default when none is given and it is missing', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'lbg-cli-empty-'))
    const stdout = new Capture()
    const stderr = new Capture()
    const code = await main([], { stdout, stderr, env: { LAYER_API_TOKEN: sim.token }, cwd: empty })
    expect(code).toBe(EXIT.error)
    expect(stderr.text).toBe(
      'layer-budget-gate: no manifest found at .layer/generations.yml (the default); create it or name your manifests (paths or globs) on the command line\n',
    )
  })

  it('refuses an invalid flag value in one line, naming the flag, and exits 2', async () => {
    const result = await cli(['--concurrency', 'lots', '--api-url', sim.url])
    expect(result.code).toBe(EXIT.error)
    expect(result.stderr).toBe('layer-budget-gate: --concurrency must be a whole number from 1 to 64, got "lots"\n')
  })

  it('says how to set LAYER_API_TOKEN, in one line', async () => {
    const result = await cli(['--api-url', sim.url], { LAYER_API_TOKEN: undefined })
    expect(result.code).toBe(EXIT.error)
    expect(result.stderr).toMatch(/^layer-budget-gate: LAYER_API_TOKEN is not set: export LAYER_API_TOKEN=.*--check\n$/)
  })

  it('prints help and version', async () => {
    expect((await cli(['--help'])).stdout).toContain('Exit codes: 0 within budget, 1 over budget, 2 could not price')
    expect((await cli(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/)
  })
})
