/**
 * End to end behind Layer's rate limit: the BUILT action (dist/index.js) against the simulator's
 * token bucket, and against a Layer that answers 429 forever (SPEC section 10).
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { runAction } from '../helpers/run-action.js'
import { SIM_MODELS } from '../../src/simulator/prices.js'
import { SIM_WORKSPACE_ID, createTokenBucket, startSimulator, type Simulator } from '../../src/simulator/server.js'

const sims: Simulator[] = []
afterEach(async () => {
  await Promise.all(sims.splice(0).map((sim) => sim.close()))
})

/** `count` generations with distinct bodies (one estimate request each). */
function manifest(count: number): string {
  const lines = ['version: 1', `workspace_id: ${SIM_WORKSPACE_ID}`, 'generations:']
  for (let i = 0; i < count; i++) {
    lines.push(
      `  - name: tile-${i}`,
      `    model_id: ${SIM_MODELS.image.id}`,
      `    prompt: "tile ${i}"`,
      '    width: 1024',
      '    height: 1024',
    )
  }
  return `${lines.join('\n')}\n`
}

describe('the built action behind a rate limit', () => {
  it('passes with the exact total behind 10 requests/s, burst 2 (429 + Retry-After: 1), default max-retries', async () => {
    const free = await startSimulator()
    sims.push(free)
    const bucket = createTokenBucket({ ratePerSecond: 10, burst: 2, retryAfter: '1' })
    const limited = await startSimulator({ rateLimit: bucket })
    sims.push(limited)
    const files = { '.layer/generations.yml': manifest(24) }
    const expected = await runAction({ inputs: { 'layer-token': free.token, 'api-url': free.url, concurrency: '4' }, files })
    expect(expected.code).toBe(0)
    const result = await runAction({
      inputs: { 'layer-token': limited.token, 'api-url': limited.url, concurrency: '4' },
      files,
      timeoutMs: 60_000,
    })
    expect(result.code).toBe(0)
    expect(bucket.refused).toBeGreaterThan(0)
    expect(bucket.accepted).toBe(24)
    expect(result.outputs['total-creative-units']).toBe(expected.outputs['total-creative-units'])
    expect(result.outputs.sufficient).toBe('true')
    // The log says when and why every request waited.
    expect(result.stdout).toMatch(/^Layer: .*rate limit/im)
  }, 90_000)

  it('fails closed within max-wait-seconds against a Layer that answers 429 forever, naming the rate limit', async () => {
    const sim = await startSimulator({ faults: () => ({ kind: 'status', status: 429, retryAfter: '1' }) })
    sims.push(sim)
    const started = Date.now()
    const result = await runAction({
      inputs: { 'layer-token': sim.token, 'api-url': sim.url, 'max-wait-seconds': '2' },
      files: { '.layer/generations.yml': manifest(3) },
    })
    expect(Date.now() - started).toBeLessThan(15_000)
    expect(result.code).toBe(1)
    expect(result.outputs.sufficient).toBe('false')
    expect(result.outputs['total-creative-units']).toBe('')
    expect(result.errors.join('\n')).toMatch(
      /Layer's rate limit \(429 Too Many Requests\): the estimate requests waited [12](\.\d)? s in all for it \(`max-wait-seconds` allows 2 s\)/,
    )
    expect(result.summary).not.toMatch(/^#+ ✅/m)
  }, 30_000)

  it('refuses max-wait-seconds "soon" before any request', async () => {
    const sim = await startSimulator()
    sims.push(sim)
    const result = await runAction({
      inputs: { 'layer-token': sim.token, 'api-url': sim.url, 'max-wait-seconds': 'soon' },
      files: { '.layer/generations.yml': manifest(1) },
    })
    expect(result.code).toBe(1)
    expect(result.errors.join('\n')).toContain('input `max-wait-seconds` must be a whole number from 0 to 3600, got "soon"')
    expect(sim.requests).toBe(0)
  })
})
