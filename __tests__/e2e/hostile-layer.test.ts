/**
 * A hostile Layer, end to end: the BUILT action (dist/index.js) against a raw `node:net` endpoint
 * that lies (SECURITY.md, "Answers that lie"). One test per attack: a stray answer on a kept-alive
 * connection, a self-contradicting answer, a key given twice, prices of 1e308, and 2xx statuses
 * that are not 200. Each must end in the honest verdict or in a failure naming the generation;
 * never `sufficient=true` on a figure Layer did not give that request.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { readFile } from 'node:fs/promises'
import { expectNoLeakedToken, runAction, type ActionRun } from '../helpers/run-action.js'
import { estimateJson, startRawLayer, type RawAnswer, type RawLayer, type RawLayerOptions } from '../layer/raw-layer.js'

const TOKEN = 'lyr_pat_hostile_layer_e2e_0123456789'
const WS = '6f1c2d9e-8b1a-4c53-9f0e-2a7d4b8c1e55'
const MODEL = '3c90c3cc-0d44-4b50-8888-8dd25736052a'
const NAMES = ['castle-keep', 'forest-path', 'harbour-dusk']
/** Three generations, three distinct bodies (so three requests, in this order with concurrency 1). */
const MANIFEST = `version: 1
workspace_id: ${WS}
defaults:
  model_id: ${MODEL}
generations:
${NAMES.map((name) => `  - name: ${name}\n    prompt: "${name}"`).join('\n')}
`
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m

const layers: RawLayer[] = []
afterEach(async () => {
  await Promise.all(layers.splice(0).map((layer) => layer.close()))
})

/** One run of the action against a raw endpoint answering with `options`. */
async function run(options: RawLayerOptions, inputs: Record<string, string> = {}): Promise<ActionRun> {
  const layer = await startRawLayer(options)
  layers.push(layer)
  const result = await runAction({
    inputs: {
      'layer-token': TOKEN,
      'api-url': layer.url,
      concurrency: '1',
      'max-retries': '1',
      'request-timeout-seconds': '20',
      ...inputs,
    },
    files: { '.layer/generations.yml': MANIFEST },
    timeoutMs: 40_000,
  })
  expect(result.stdout + result.stderr).not.toMatch(STACK_FRAME)
  await expectNoLeakedToken(result, [TOKEN])
  return result
}

/** Every generation answered honestly except the second, which gets `bad`. */
const secondIs =
  (bad: RawAnswer): RawLayerOptions['answer'] =>
  (body) => {
    const prompt = (body as { prompt?: string } | undefined)?.prompt
    return prompt === NAMES[1] ? bad : { text: estimateJson(600, 1500) }
  }

/** A run that must fail closed, naming the second generation and saying why. */
async function expectRefused(result: ActionRun, says: string | RegExp): Promise<void> {
  expect(result.code).toBe(1)
  expect(result.outputs.sufficient).toBe('false')
  expect(result.outputs['total-creative-units']).toBe('')
  const final = result.errors.at(-1) ?? ''
  expect(final).toMatch(/^::error::❌ could not price 1 generation/)
  expect(final).toContain(NAMES[1])
  expect(final).toMatch(says)
  const report = JSON.parse(await readFile(result.outputs['report-path']!, 'utf8')) as { status: string; sufficient: unknown }
  expect(report).toMatchObject({ status: 'error', sufficient: false })
  expect(result.summary).not.toMatch(/^#+ ✅/m)
}

describe('a hostile Layer endpoint', () => {
  it('a stray 200 on a kept-alive connection never prices another request (3 runs)', async () => {
    // The issue's case: three generations of 600 CU, a balance of 1,500. Keep-alive read the stray
    // 0.001 CU answer as the second request's: 1,200.001 CU and sufficient=true.
    for (let attempt = 0; attempt < 3; attempt++) {
      const result = await run({
        answer: () => ({ text: estimateJson(600, 1500) }),
        stray: { text: estimateJson(0.001, 1500), timing: 'before-second-answer' },
      })
      expect(result.outputs).toMatchObject({ 'total-creative-units': '1800', sufficient: 'false', entries: '3', requests: '3' })
      expect(result.code).toBe(1)
      expect(layers.at(-1)?.reusedRequests).toBe(0)
    }
  })

  it('an answer whose figures contradict each other is refused', async () => {
    const result = await run({ answer: secondIs({ text: estimateJson(5, 1000, -50, false) }) })
    await expectRefused(result, 'the figures disagree: balance 1000 − price 5 is not the remaining balance -50')
  })

  it("Layer's has_sufficient_creative_units: false is never within budget, though the figures fit", async () => {
    // 600 + 5 + 600 CU of 2,000: our sum fits, but Layer says the second request cannot be paid.
    const answer: RawLayerOptions['answer'] = (body) => {
      const prompt = (body as { prompt?: string } | undefined)?.prompt
      return { text: prompt === NAMES[1] ? estimateJson(5, 2000, 1995, false) : estimateJson(600, 2000) }
    }
    const result = await run({ answer })
    expect(result.code).toBe(1)
    expect(result.outputs.sufficient).toBe('false')
    expect(result.outputs['total-creative-units']).toBe('1205')
    expect(result.summary).not.toMatch(/^#+ ✅/m)
    expect(result.errors.at(-1)).toBe('::error::❌ Layer says the workspace cannot pay for it (has_sufficient_creative_units: false)')
    expect(result.summary).toContain('has&#95;sufficient&#95;creative&#95;units: false')
    const report = JSON.parse(await readFile(result.outputs['report-path']!, 'utf8')) as { status: string; sufficient: unknown }
    expect(report).toMatchObject({ status: 'over', sufficient: false })
  })

  it('a key given twice is refused, whichever value comes last', async () => {
    const twice = estimateJson(600, 1).replace('}', ',"workspace_balance_creative_units":1000000}')
    const result = await run({ answer: secondIs({ text: twice }) })
    await expectRefused(result, 'the key "workspace_balance_creative_units" appears more than once')
  })

  it.each(['true', 'false'])('prices of 1e308 are an error, with fail-on-insufficient: %s', async (failOnInsufficient) => {
    const result = await run(
      { answer: secondIs({ text: estimateJson(1e308, 1e300, 1e300, true) }) },
      { 'fail-on-insufficient': failOnInsufficient },
    )
    await expectRefused(result, /estimated_price_creative_units is 1e\+308, beyond/)
    expect(result.stdout + result.summary).not.toMatch(/Infinity|NaN/)
  })

  it('201, 203, 206 and 299 are not estimates', async () => {
    const results = await Promise.all(
      [201, 203, 206, 299].map((status) => run({ answer: secondIs({ status, text: estimateJson(600, 1500) }) })),
    )
    for (const [i, result] of results.entries()) {
      await expectRefused(result, `only an HTTP 200 answer is an estimate (HTTP ${[201, 203, 206, 299][i]}`)
    }
  })
})
