/**
 * End to end through dist/: errors said once, where they belong (SPEC section 4, last point), and
 * prices from the simulator labelled as made up (SPEC section 5). A failure of the whole run is one
 * run-level error with no file annotation; a generation's own problem is annotated on its line; at
 * most 10 error annotations per step, the last pointing to the job summary for the rest.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { readFile } from 'node:fs/promises'
import { runAction } from '../helpers/run-action.js'
import { estimateJson, startRawLayer } from '../layer/raw-layer.js'
import { SIM_MODELS } from '../../src/simulator/prices.js'
import { SIM_WORKSPACE_ID, startSimulator, type Simulator } from '../../src/simulator/server.js'

let sim: Simulator
beforeAll(async () => {
  sim = await startSimulator()
})
afterAll(async () => sim.close())
beforeEach(() => {
  sim.setFaults(undefined)
  sim.resetStats()
})

/** A manifest of `count` generations, each its own estimate request (distinct prompts), one per 4 lines from line 5. */
function manifest(count: number, workspaceId = SIM_WORKSPACE_ID): string {
  const generations = Array.from(
    { length: count },
    (_, i) =>
      `  - name: gen-${i}\n    model_id: ${i % 2 ? SIM_MODELS.video.id : SIM_MODELS.image.id}\n    prompt: "picture ${i}"\n    runs: 1`,
  )
  return `version: 1\nworkspace_id: ${workspaceId}\ngenerations:\n${generations.join('\n')}\n`
}

function run(inputs: Record<string, string>, count = 11, workspaceId?: string) {
  return runAction({
    inputs: { 'layer-token': sim.token, 'api-url': sim.url, 'max-retries': '0', ...inputs },
    files: { '.layer/generations.yml': manifest(count, workspaceId) },
    timeoutMs: 40_000,
  })
}

const located = (errors: string[]) => errors.filter((e) => e.includes('file='))

describe('errors said once, where they belong', () => {
  it('a refused token is exactly one error line, with no file annotation', async () => {
    const result = await run({ 'layer-token': 'lbg-not-the-token-0123456789' })
    expect(result.code).toBe(1)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatch(/^::error::❌ could not price 11 generations.*401.*`layer-token`/)
    expect(located(result.errors)).toEqual([])
    expect(result.summary).toMatch(/401/)
    expect(result.summary).not.toMatch(/gen-3 \(/) // no per-generation sentence
  })

  it('Layer unreachable for 11 generations is one run-level error naming the reason', async () => {
    const closed = await startRawLayer({ answer: () => ({ text: '' }) })
    const url = closed.url
    await closed.close()
    const result = await run({ 'api-url': url })
    expect(result.code).toBe(1)
    expect(result.errors.length).toBeLessThanOrEqual(10)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatch(/^::error::.*Could not reach Layer at .*all 11 estimate requests failed this way/)
    expect(located(result.errors)).toEqual([])
    const report = JSON.parse(await readFile(result.outputs['report-path']!, 'utf8')) as { failures: string[] }
    expect(report.failures).toHaveLength(1)
  }, 40_000)

  it('every request answered 503 after its retries is one run-level error', async () => {
    sim.setFaults(() => ({ kind: 'status', status: 503 }))
    const result = await run({ 'max-retries': '1' })
    expect(result.code).toBe(1)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatch(/^::error::.*503.*all 11 estimate requests failed this way/)
    expect(sim.requests).toBe(22)
  }, 40_000)

  it('a workspace that does not exist is one run-level error naming it', async () => {
    const unknown = '11111111-2222-4333-8444-555555555555'
    const result = await run({}, 3, unknown)
    expect(result.code).toBe(1)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toContain(`404 to all 3 estimate requests, for 2 different models: workspace ${unknown} does not exist`)
  })

  it("a generation's own problem stays on its line; past 9, the 10th error says how many more the job summary has", async () => {
    // Every generation rejected on its own field (422): 12 located problems, 9 shown, then the failing line.
    sim.setFaults((_n, body) => {
      const prompt = (body as { prompt?: string }).prompt ?? ''
      const detail = [{ loc: ['body', 'prompt'], msg: `bad prompt ${prompt}`, type: 'value_error' }]
      return { kind: 'status', status: 422, body: JSON.stringify({ detail }) }
    })
    const result = await run({}, 12)
    expect(result.code).toBe(1)
    expect(result.errors).toHaveLength(10)
    expect(located(result.errors)).toHaveLength(9)
    expect(result.errors[0]).toMatch(/^::error title=.*,file=\.layer\/generations\.yml,line=\d+,col=\d+::gen-0: .*bad prompt picture 0/)
    expect(result.errors.at(-1)).toMatch(
      /^::error::❌ could not price 12 generations.*3 more problems not annotated here: the job summary lists every one/,
    )
    for (let i = 0; i < 12; i++) expect(result.summary).toContain(`bad prompt picture ${i}`)
  })
})

describe('an invalid manifest', () => {
  it('has at most 10 error annotations: 9 problems on their lines, then the failing line with the count of the rest', async () => {
    const bad = Array.from({ length: 12 }, (_, i) => `  - name: bad-${i}\n    model_id: ${SIM_MODELS.image.id}\n    widht: 64`)
    const result = await runAction({
      inputs: { 'layer-token': sim.token, 'api-url': sim.url },
      files: { '.layer/generations.yml': `version: 1\nworkspace_id: ${SIM_WORKSPACE_ID}\ngenerations:\n${bad.join('\n')}\n` },
    })
    expect(result.code).toBe(1)
    expect(sim.requests).toBe(0)
    expect(result.errors).toHaveLength(10)
    expect(located(result.errors)).toHaveLength(9)
    expect(result.errors.at(-1)).toMatch(
      /^::error::12 problems in \.layer\/generations\.yml \(3 more problems not annotated here: the job summary lists every one\)$/,
    )
    expect(result.summary.match(/widht/g)?.length).toBeGreaterThanOrEqual(12)
  })
})

describe('simulated prices', () => {
  it('are labelled as made up in the job summary, the JSON report and the log', async () => {
    const result = await run({}, 2)
    expect(result.code).toBe(0)
    expect(result.summary).toContain('⚠️ Made-up prices: these estimates come from the local simulator, not from Layer')
    expect(result.summary).toContain('Made-up prices from the local simulator, not Layer')
    expect(result.summary).not.toContain("Prices are Layer's estimates")
    expect(result.stdout).toMatch(/^::notice::⚠️ Made-up prices/m)
    const report = JSON.parse(await readFile(result.outputs['report-path']!, 'utf8')) as { simulated: boolean }
    expect(report.simulated).toBe(true)
  })

  it("are not labelled when the answers carry no simulator mark (Layer's)", async () => {
    const layer = await startRawLayer({ answer: () => ({ text: estimateJson(1.5, 1000) }) })
    try {
      const result = await run({ 'api-url': layer.url }, 2)
      expect(result.code).toBe(0)
      expect(result.summary).toContain("Prices are Layer's estimates; actual charges may differ")
      expect(result.summary).not.toMatch(/made-up|simulator/i)
      const report = JSON.parse(await readFile(result.outputs['report-path']!, 'utf8')) as { simulated: boolean }
      expect(report.simulated).toBe(false)
    } finally {
      await layer.close()
    }
  })
})
