/** createLayerClient: the Config's fields reach the client (checked against the simulator, not by peeking at options). */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { parseConfig } from '../../src/config.js'
import { LayerError } from '../../src/layer/errors.js'
import { createLayerClient } from '../../src/layer/from-config.js'
import type { RetryInfo } from '../../src/layer/client.js'
import { createRedactor } from '../../src/secrets.js'
import { SIM_MODELS } from '../../src/simulator/prices.js'
import { SIM_WORKSPACE_ID, startSimulator, type Simulator } from '../../src/simulator/server.js'
import { USER_AGENT } from '../../src/version.js'

const TOKEN = 'lyr_pat_from_config_0123456789abcdef'
const GITHUB_TOKEN = 'ghs_from_config_github_0123456789'
let sim: Simulator

beforeAll(async () => {
  sim = await startSimulator({ token: TOKEN })
})
afterAll(async () => {
  await sim.close()
})

const config = (inputs: Record<string, string>) =>
  parseConfig((name) => ({ 'layer-token': TOKEN, 'github-token': GITHUB_TOKEN, 'api-url': sim.url, ...inputs })[name] ?? '', {
    tempDir: '/tmp',
  })

describe('createLayerClient', () => {
  it('sends the token and the default User-Agent to the api-url, at most `concurrency` at once', async () => {
    sim.resetStats()
    sim.setFaults(undefined)
    // Long enough that two overlap even on a loaded machine.
    sim.setLatency(150)
    const client = createLayerClient(config({ concurrency: '2' }), { redact: createRedactor([TOKEN]) })
    try {
      const bodies = Array.from({ length: 4 }, (_, i) => ({ model_id: SIM_MODELS.image.id, batch_size: i + 1 }))
      const answers = await Promise.all(bodies.map((body) => client.estimate(SIM_WORKSPACE_ID, body)))
      expect(answers.map((a) => a.estimated_price_creative_units)).toEqual([0.35, 0.7, 1.05, 1.4])
    } finally {
      sim.setLatency(0)
      await client.close()
    }
    expect(sim.maxInFlight).toBe(2)
    expect(sim.log[0]?.headers).toMatchObject({ authorization: `Bearer ${TOKEN}`, userAgent: USER_AGENT })
  })

  it('uses max-retries, calls onRetry, and quotes Layer through the given redactor', async () => {
    sim.resetStats()
    sim.setFaults(() => ({ kind: 'status', status: 503, body: JSON.stringify({ detail: `upstream saw ${GITHUB_TOKEN}` }) }))
    const retries: RetryInfo[] = []
    const client = createLayerClient(config({ 'max-retries': '1' }), {
      redact: createRedactor([TOKEN, GITHUB_TOKEN]),
      onRetry: (info) => retries.push(info),
      userAgent: 'from-config-test',
    })
    let error: unknown
    try {
      await client.estimate(SIM_WORKSPACE_ID, { model_id: SIM_MODELS.image.id })
    } catch (thrown) {
      error = thrown
    } finally {
      sim.setFaults(undefined)
      await client.close()
    }
    expect(error).toBeInstanceOf(LayerError)
    expect(error).toMatchObject({ kind: 'server', attempts: 2 })
    expect((error as Error).message).toContain('Layer said: "upstream saw ***"')
    expect(retries.map((r) => r.reason)).toEqual(['503 Service Unavailable'])
    expect(sim.requests).toBe(2)
    expect(sim.log[0]?.headers.userAgent).toBe('from-config-test')
  })

  it('gives up after request-timeout-seconds', async () => {
    sim.setFaults(() => ({ kind: 'hang' }))
    const client = createLayerClient(config({ 'max-retries': '0', 'request-timeout-seconds': '1' }), { redact: createRedactor([TOKEN]) })
    const started = Date.now()
    try {
      await expect(client.estimate(SIM_WORKSPACE_ID, { model_id: SIM_MODELS.image.id })).rejects.toMatchObject({ kind: 'timeout' })
    } finally {
      sim.setFaults(undefined)
      await client.close()
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(900)
  })
})
