/**
 * End to end: the BUILT action (dist/index.js) as a child process, with the environment a runner
 * sets, against the Layer simulator on 127.0.0.1, under a workflow_dispatch event.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expectNoLeakedToken, runAction } from '../helpers/run-action.js'
import { SIM_MODELS } from '../../src/simulator/prices.js'
import { SIM_WORKSPACE_ID, startSimulator, type Simulator } from '../../src/simulator/server.js'

let sim: Simulator
beforeAll(async () => {
  sim = await startSimulator({ token: 'lbg-SENTINEL-layer-token-0123456789' })
})
afterAll(async () => sim.close())
beforeEach(() => {
  sim.setFaults(undefined)
  sim.resetStats()
})

const IMAGE = SIM_MODELS.image.id
const MANIFEST = `version: 1
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
  - name: knight-again
    model_id: art
    height: 1024
    prompt: "A knight"
    width: 1024
  - name: castle
    model_id: ${SIM_MODELS.video.id}
    batch_size: 1
    duration_seconds: 8
`

function run(inputs: Record<string, string> = {}, files: Record<string, string> = { '.layer/generations.yml': MANIFEST }) {
  return runAction({ inputs: { 'layer-token': sim.token, 'api-url': sim.url, 'max-retries': '2', ...inputs }, files })
}

describe('the built action on workflow_dispatch', () => {
  it('prices a valid manifest: outputs, report file and job summary', async () => {
    const result = await run({ 'github-token': 'ghs_only-masked-once-0123' })
    expect(result.code).toBe(0)
    // Each token is masked once, before anything else is printed.
    expect(result.stdout.split('\n').slice(0, 2).sort()).toEqual(
      [`::add-mask::${sim.token}`, '::add-mask::ghs_only-masked-once-0123'].sort(),
    )
    expect(result.stdout.split('\n').filter((line) => line.startsWith('::add-mask::'))).toHaveLength(2)
    // knight: 2 images of 1 MP at medium = 0.7 CU x 3 runs; knight-again shares its request; castle 8 s x 1.25.
    expect(result.outputs).toMatchObject({
      'total-creative-units': '12.8',
      'balance-creative-units': '2500.75',
      'remaining-creative-units': '2487.95',
      sufficient: 'true',
      entries: '3',
      requests: '2',
    })
    expect(sim.requests).toBe(2)
    const report = JSON.parse(await readFile(result.outputs['report-path']!, 'utf8'))
    expect(report).toMatchObject({ version: 1, workspace_id: SIM_WORKSPACE_ID, total_creative_units: 12.8, sufficient: true, requests: 2 })
    expect(report.generations.map((g: { name: string; total_creative_units: number }) => [g.name, g.total_creative_units])).toEqual([
      ['castle', 10],
      ['knight', 2.1],
      ['knight-again', 0.7],
    ])
    expect(result.summary).toMatch(/^## ✅ [\d,.]+ of [\d,.]+ CU · [\d,.]+ left$/m)
    expect(result.summary).toContain('| castle |')
    expect(result.errors).toEqual([])
    await expectNoLeakedToken(result, [sim.token])
  })

  it('reports every manifest problem as an annotation and fails with one line, before any request', async () => {
    const bad = MANIFEST.replace(
      '    width: 1024\n    height: 1024\n    runs: 3',
      '    widht: 1024\n    height: 1024\n    runs: 0',
    ).replace('version: 1', 'version: 1\nbogus: true')
    const result = await run({}, { '.layer/generations.yml': bad })
    expect(result.code).toBe(1)
    expect(sim.requests).toBe(0)
    expect(result.errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^::error title=.*,file=\.layer\/generations\.yml,line=2,col=1::.*bogus/),
        expect.stringMatching(/^::error title=.*,file=\.layer\/generations\.yml,line=12,col=5::.*widht.*did you mean "width"/),
        expect.stringMatching(/^::error title=.*,file=\.layer\/generations\.yml,line=14,col=11::.*runs/),
      ]),
    )
    expect(result.errors.at(-1)).toMatch(/^::error::3 problems in \.layer\/generations\.yml$/)
    expect(result.outputs.sufficient).toBe('false')
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/) // no stack trace
    // The job summary and the JSON report say why too, so `report-path` can be uploaded on every run.
    expect(result.summary).toMatch(
      /^## ❌ could not price the generations: the total is unknown\n\n3 problems in \.layer\/generations\.yml\n/,
    )
    expect(result.summary).toMatch(/- \.layer\/generations\.yml:12:5: .*widht/)
    const report = JSON.parse(await readFile(result.outputs['report-path']!, 'utf8')) as Record<string, unknown>
    expect(report).toMatchObject({
      version: 1,
      status: 'error',
      total_creative_units: null,
      sufficient: false,
      passes: false,
      requests: 0,
      generations: [],
    })
    expect(report.failures).toEqual(['3 problems in .layer/generations.yml'])
    expect(report.problems).toEqual(expect.arrayContaining([expect.objectContaining({ file: '.layer/generations.yml', line: 12, col: 5 })]))
  })

  it('writes the failure report where a relative report-path says, under the workspace', async () => {
    const result = await run({ concurrency: 'lots', 'report-path': 'out/report.json' })
    expect(result.code).toBe(1)
    expect(result.outputs['report-path']).toBe(join(result.workspace, 'out', 'report.json'))
    const report = JSON.parse(await readFile(result.outputs['report-path']!, 'utf8')) as { failures: string[] }
    expect(report.failures[0]).toContain('input `concurrency` must be a whole number from 1 to 64, got "lots"')
  })

  it('names the paths tried and the input when the manifest is missing', async () => {
    const result = await run({}, {})
    expect(result.code).toBe(1)
    expect(result.errors.join('\n')).toMatch(/\.layer\/generations\.yml.*`manifest`/)
  })

  it('names the report-path input when the report cannot be written there', async () => {
    const result = await run({ 'report-path': '.layer' }) // a directory
    expect(result.code).toBe(1)
    expect(result.errors.at(-1)).toMatch(
      /^::error::the JSON report cannot be written to .*\.layer \(input `report-path`\): EISDIR.*point `report-path` at a file/,
    )
    expect(result.outputs.sufficient).toBe('false')
    expect(result.summary).toMatch(/Could not price|report cannot be written/)
  })

  it('refuses a manifest path outside the workspace, reading nothing', async () => {
    const result = await run({ manifest: '../../etc/passwd' })
    expect(result.code).toBe(1)
    expect(result.errors.join('\n')).toMatch(/outside the workspace/)
    expect(result.stdout).not.toContain('root:')
  })

  it('fails fast on a billion-laughs manifest', async () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for (let i = 1; i < 10; i++)
      levels.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      )
    const started = Date.now()
    const result = await run({}, { '.layer/generations.yml': `${levels.join('\n')}\n` })
    expect(result.code).toBe(1)
    expect(Date.now() - started).toBeLessThan(10000)
    expect(result.errors.join('\n')).toMatch(/alias/i)
  })

  it.each([
    [{ concurrency: 'lots' }, 'input `concurrency` must be a whole number from 1 to 64, got "lots"'],
    [{ 'max-retries': '-1' }, 'input `max-retries` must be a whole number from 0 to 10, got "-1"'],
    [{ comment: 'sticky' }, 'input `comment` must be one of'],
  ])('refuses the input %j before any request', async (inputs, message) => {
    const result = await run(inputs)
    expect(result.code).toBe(1)
    expect(result.errors.join('\n')).toContain(message)
    expect(sim.requests).toBe(0)
  })

  it('fails before any request when the plan needs more than max-requests', async () => {
    const result = await run({ 'max-requests': '1' })
    expect(result.code).toBe(1)
    expect(result.errors.join('\n')).toMatch(/2 distinct estimate requests, more than max-requests \(1\)/)
    expect(sim.requests).toBe(0)
  })

  it('fails when over the reserve, and passes with a warning in advisory mode', async () => {
    const over = await run({ 'min-remaining-balance': '2490' })
    expect(over.code).toBe(1)
    expect(over.outputs.sufficient).toBe('false')
    expect(over.errors.join('\n')).toMatch(/❌ 2\.05 CU short of the 2,490 CU reserve/)
    const advisory = await run({ 'min-remaining-balance': '2490', 'fail-on-insufficient': 'false' })
    expect(advisory.code).toBe(0)
    expect(advisory.outputs.sufficient).toBe('false')
    expect(advisory.warnings.join('\n')).toMatch(/❌ 2\.05 CU short of the 2,490 CU reserve · advisory: the step still passes/)
  })

  it('passes with a warning annotation below warn-remaining-balance, in every mode, and says which rule and by how much', async () => {
    // 12.8 CU of 2,500.75 leaves 2,487.95: 2.05 CU below a level of 2,490.
    const headline = '⚠️ 2.05 CU below the 2,490 CU warning level (warn-remaining-balance)'
    for (const mode of ['true', 'false']) {
      const result = await run({ 'warn-remaining-balance': '2490', 'fail-on-insufficient': mode })
      expect(result.code).toBe(0)
      expect(result.outputs).toMatchObject({ status: 'warn', sufficient: 'true', 'remaining-creative-units': '2487.95' })
      expect(result.warnings).toEqual([`::warning::${headline}`])
      expect(result.errors).toEqual([])
      expect(result.summary).toContain(`## ${headline}\n`)
      const report = JSON.parse(await readFile(result.outputs['report-path']!, 'utf8'))
      expect(report).toMatchObject({ status: 'warn', passes: true, warn_remaining_balance_creative_units: 2490 })
    }
    // At the level exactly: within, no warning.
    const level = await run({ 'warn-remaining-balance': '2487.95' })
    expect([level.code, level.outputs.status, level.warnings]).toEqual([0, 'within', []])
    // The reserve wins over the warning tier.
    const over = await run({ 'warn-remaining-balance': '2495', 'min-remaining-balance': '2490' })
    expect([over.code, over.outputs.status]).toEqual([1, 'over'])
  })

  it('sets the status output to within, over or error, as the JSON report says', async () => {
    const cases: [Record<string, string>, string, number][] = [
      [{}, 'within', 0],
      [{ 'max-total': '12.799' }, 'over', 1],
      [{ 'max-total': '12.799', 'fail-on-insufficient': 'false' }, 'over', 0],
      [{ concurrency: 'lots' }, 'error', 1],
    ]
    for (const [inputs, status, code] of cases) {
      const result = await run(inputs)
      expect([inputs, result.code, result.outputs.status]).toEqual([inputs, code, status])
      const report = JSON.parse(await readFile(result.outputs['report-path']!, 'utf8')) as { status: string }
      expect(report.status).toBe(status)
    }
    sim.setFaults(() => ({ kind: 'status', status: 502 }))
    const unpriced = await run({ 'max-retries': '0' })
    expect([unpriced.code, unpriced.outputs.status, unpriced.outputs.sufficient]).toEqual([1, 'error', 'false'])
  })

  it('prices an empty manifest as 0 CU with no request: passes, status within, the balance not read', async () => {
    const empty = `version: 1\nworkspace_id: ${SIM_WORKSPACE_ID}\ngenerations: []\n`
    const result = await run({ 'min-remaining-balance': '100', 'warn-remaining-balance': '5000' }, { '.layer/generations.yml': empty })
    expect(result.code).toBe(0)
    expect(sim.requests).toBe(0)
    expect(result.outputs).toMatchObject({
      status: 'within',
      sufficient: 'true',
      'total-creative-units': '0',
      'balance-creative-units': '',
      'remaining-creative-units': '',
      entries: '0',
      requests: '0',
    })
    expect(result.errors).toEqual([])
    expect(result.warnings).toEqual([])
    expect(result.summary).toMatch(/^## ✅ nothing planned: 0 CU\n/)
    expect(result.summary).toContain(
      'The manifests list no generations, so no estimate was requested and the workspace balance was not read.',
    )
    expect(result.summary).not.toContain('| Generation |')
  })

  it('fails over the cap', async () => {
    const result = await run({ 'max-total': '12.799' })
    expect(result.code).toBe(1)
    expect(result.outputs.sufficient).toBe('false')
  })

  it('multiplies the exact price by runs: 0.0004 CU x 1,000 runs is 0.4 CU, over a cap of 0.3', async () => {
    sim.setFaults(() => ({ kind: 'price', value: 0.0004 }))
    const manifest = `version: 1\nworkspace_id: ${SIM_WORKSPACE_ID}\ngenerations:\n  - name: tiles\n    model_id: ${IMAGE}\n    prompt: "tiles"\n    runs: 1000\n`
    const result = await run({ 'max-total': '0.3' }, { '.layer/generations.yml': manifest })
    expect(result.code).toBe(1)
    expect(result.outputs).toMatchObject({ 'total-creative-units': '0.4', sufficient: 'false' })
    expect(result.errors.join('\n')).toMatch(/❌ 0\.1 CU over the 0\.3 CU cap \(max-total\)/)
    // Shown to 0.001, rounded up: a price of 0.0004 CU is not shown as free.
    const report = JSON.parse(await readFile(result.outputs['report-path']!, 'utf8')) as { generations: { unit_creative_units: number }[] }
    expect(report.generations[0]!.unit_creative_units).toBe(0.001)
  })

  it('gets the right total after transient faults', async () => {
    sim.setFaults({ 0: { kind: 'status', status: 429, retryAfter: '0' }, 1: { kind: 'status', status: 503 }, 2: { kind: 'reset' } })
    const result = await run({ concurrency: '1', 'max-retries': '3' })
    expect(result.code).toBe(0)
    expect(result.outputs['total-creative-units']).toBe('12.8')
    expect(result.outputs.sufficient).toBe('true')
  }, 20000)

  it('fails closed after persistent faults, saying what was priced and what failed', async () => {
    sim.setFaults((_n, body) =>
      (body as { model_id?: string }).model_id === SIM_MODELS.video.id ? { kind: 'status', status: 502 } : undefined,
    )
    const result = await run({ 'max-retries': '1' })
    expect(result.code).toBe(1)
    expect(result.outputs.sufficient).toBe('false')
    expect(result.errors.join('\n')).toMatch(/castle/)
    expect(result.summary).toMatch(/castle/)
    expect(result.summary).toMatch(/knight/)
    expect(result.summary).not.toMatch(/^#+ ✅/m)
  }, 20000)

  it('stops at once on a rejected token and never prints it', async () => {
    const result = await runAction({
      inputs: { 'layer-token': 'lbg-SENTINEL-wrong-token-987654321', 'api-url': sim.url },
      files: { '.layer/generations.yml': MANIFEST },
    })
    expect(result.code).toBe(1)
    expect(result.errors.join('\n')).toMatch(/401.*layer-token/)
    expect(result.outputs.sufficient).toBe('false')
    await expectNoLeakedToken(result, ['lbg-SENTINEL-wrong-token-987654321'])
  })

  it('maps a 422 from Layer to the field and its manifest line', async () => {
    sim.setFaults({
      0: {
        kind: 'status',
        status: 422,
        body: JSON.stringify({ detail: [{ loc: ['body', 'width'], msg: 'Input should be a multiple of 64', type: 'value_error' }] }),
      },
    })
    const result = await run({ concurrency: '1' })
    expect(result.code).toBe(1)
    expect(result.errors.join('\n')).toMatch(/file=\.layer\/generations\.yml,line=11,col=12::.*width.*multiple of 64/)
  })

  it('fails on a malformed answer, naming the generation', async () => {
    sim.setFaults({ 1: { kind: 'missing-field', field: 'workspace_balance_creative_units' } })
    const result = await run({ concurrency: '1' })
    expect(result.code).toBe(1)
    expect(result.errors.join('\n')).toMatch(/workspace_balance_creative_units/)
    expect(result.outputs.sufficient).toBe('false')
  })

  it('gives up on a hanging Layer after the per-attempt timeout', async () => {
    sim.setFaults(() => ({ kind: 'hang' }))
    const result = await run({ 'request-timeout-seconds': '1', 'max-retries': '0' })
    expect(result.code).toBe(1)
    expect(result.outputs.sufficient).toBe('false')
    expect(result.errors.join('\n')).toMatch(/did not answer within 1 s/)
  }, 20000)

  it('refuses a workspace-id input that differs from the manifest', async () => {
    const result = await run({ 'workspace-id': '11111111-2222-3333-4444-555555555555' })
    expect(result.code).toBe(1)
    expect(result.errors.join('\n')).toMatch(/file=\.layer\/generations\.yml,line=2,.*differs from the `workspace-id` input/)
    expect(sim.requests).toBe(0)
  })
})
