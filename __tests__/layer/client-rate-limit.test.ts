/**
 * The Layer client behind a rate limit on 127.0.0.1 (the simulator's token bucket, or planned
 * 429s): one pace for every request, 429s with a wait bounded by maxWaitMs instead of maxRetries.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { LayerClient, type LayerClientOptions, type RetryInfo } from '../../src/layer/client.js'
import { LayerError } from '../../src/layer/errors.js'
import type { PauseInfo } from '../../src/layer/pace.js'
import { SIM_MODELS } from '../../src/simulator/prices.js'
import { SIM_WORKSPACE_ID, createTokenBucket, startSimulator, type Simulator, type TokenBucket } from '../../src/simulator/server.js'
import type { EstimateRequest } from '../../src/types.js'

const WS = SIM_WORKSPACE_ID
const image = (width: number): EstimateRequest => ({ model_id: SIM_MODELS.image.id, prompt: 'a knight', width, height: 1024 })

const open: { sim: Simulator; client?: LayerClient }[] = []
afterEach(async () => {
  for (const { sim, client } of open.splice(0)) {
    await client?.close()
    await sim.close()
  }
})

async function setup(
  simOptions: Parameters<typeof startSimulator>[0],
  overrides: Partial<LayerClientOptions> = {},
): Promise<{ sim: Simulator; client: LayerClient; pauses: PauseInfo[]; retries: RetryInfo[] }> {
  const sim = await startSimulator({ workspaces: { [WS]: 1e6 }, ...simOptions })
  const pauses: PauseInfo[] = []
  const retries: RetryInfo[] = []
  const client = new LayerClient({
    apiUrl: sim.url,
    token: sim.token,
    timeoutMs: 5_000,
    maxRetries: 1,
    userAgent: 'layer-budget-gate/test',
    onPause: (pause) => pauses.push(pause),
    onRetry: (retry) => retries.push(retry),
    ...overrides,
  })
  open.push({ sim, client })
  return { sim, client, pauses, retries }
}

/** Prices `count` distinct bodies with `concurrency` callers, like the pipeline's pool. */
async function priceAll(client: LayerClient, count: number, concurrency: number): Promise<number[]> {
  const prices: number[] = new Array(count)
  let next = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++
        prices[i] = (await client.estimate(WS, image(256 + i * 64))).estimated_price_creative_units
      }
    }),
  )
  return prices
}

async function failure(promise: Promise<unknown>): Promise<LayerError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(LayerError)
    return error as LayerError
  }
  throw new Error('expected a LayerError')
}

describe('LayerClient behind a token bucket (real sleeps)', () => {
  it('prices every body exactly once behind 20/s, burst 2, with maxRetries 1 and one pace for all', async () => {
    const bucket: TokenBucket = createTokenBucket({ ratePerSecond: 20, burst: 2, retryAfter: '1' })
    const { client, pauses } = await setup({ rateLimit: bucket }, { maxWaitMs: 30_000 })
    const free = await setup({})
    const expected = await priceAll(free.client, 30, 6)
    const started = Date.now()
    expect(await priceAll(client, 30, 6)).toEqual(expected)
    expect(bucket.accepted).toBe(30)
    // A pause is shared: far fewer pauses than refusals of requests in flight, and few refusals.
    expect(pauses.length).toBeGreaterThanOrEqual(1)
    expect(pauses.length).toBeLessThanOrEqual(8)
    expect(bucket.refused / (bucket.refused + bucket.accepted)).toBeLessThan(0.35)
    expect(Date.now() - started).toBeLessThan(25_000)
    expect(pauses[0]!.asked).toBe('429 Too Many Requests, Retry-After: 1')
  }, 40_000)

  it('a server that answers 429 forever fails closed within maxWaitMs, naming the rate limit', async () => {
    const { client } = await setup({ faults: () => ({ kind: 'status', status: 429, retryAfter: '1' }) }, { maxWaitMs: 2_000 })
    const started = Date.now()
    const errors = await Promise.all([0, 1, 2].map((i) => failure(client.estimate(WS, image(512 + i)))))
    expect(Date.now() - started).toBeLessThan(4_000)
    for (const error of errors) {
      expect(error.kind).toBe('rate-limited')
      expect(error.message).toMatch(
        /^Layer's rate limit \(429 Too Many Requests\): the estimate requests waited [12](\.\d)? s in all for it \(`max-wait-seconds` allows 2 s\)/,
      )
      expect(error.message).toMatch(/raise `max-wait-seconds`/)
    }
  }, 10_000)
})

describe('LayerClient: what a 429 asks (instant sleeps)', () => {
  const recorded = (): { delays: number[]; sleep: (ms: number) => Promise<void> } => {
    const delays: number[] = []
    return { delays, sleep: async (ms) => void delays.push(ms) }
  }

  it('429s with Retry-After do not use up maxRetries', async () => {
    const { delays, sleep } = recorded()
    const faults = Array.from({ length: 4 }, () => ({ kind: 'status' as const, status: 429, retryAfter: '2' }))
    const { client, sim } = await setup({ faults }, { maxRetries: 0, sleep })
    await expect(client.estimate(WS, image(512))).resolves.toMatchObject({ estimated_price_creative_units: expect.any(Number) })
    expect(sim.requests).toBe(5)
    expect(delays).toEqual([2000, 2000, 2000, 2000])
  })

  it('an hour of Retry-After is refused at once when max-wait allows less, saying what Layer asked', async () => {
    const { client, sim } = await setup({ faults: () => ({ kind: 'status', status: 429, retryAfter: '3600' }) }, { maxWaitMs: 300_000 })
    const error = await failure(client.estimate(WS, image(512)))
    expect(error.kind).toBe('rate-limited')
    expect(error.message).toContain('Layer asked to wait 3600 s more (Retry-After: 3600)')
    expect(error.message).toContain('`max-wait-seconds` allows 300 s')
    expect(sim.requests).toBe(1)
  })

  it('a Retry-After date in the past still pauses a little (no hammering), and counts against the wait', async () => {
    const { delays, sleep } = recorded()
    const faults = [{ kind: 'status' as const, status: 429, retryAfter: 'Wed, 21 Oct 2015 07:28:00 GMT' }]
    const { client } = await setup({ faults }, { sleep, maxWaitMs: 10_000 })
    await client.estimate(WS, image(512))
    expect(delays).toEqual([500])
  })

  it('garbage in Retry-After: retried as a fault (max-retries), and the message quotes it', async () => {
    const { client, retries } = await setup(
      { faults: () => ({ kind: 'status', status: 429, retryAfter: 'soon-ish' }) },
      { maxRetries: 1, sleep: async () => undefined },
    )
    const error = await failure(client.estimate(WS, image(512)))
    expect(error.kind).toBe('rate-limited')
    expect(error.message).toContain('(its Retry-After "soon-ish" is not a delay)')
    expect(retries[0]!.reason).toBe('429 Too Many Requests, Retry-After "soon-ish" is not a delay')
  })

  it('honours RateLimit-Remaining: 0 with RateLimit-Reset on a 200: the next request waits', async () => {
    const { delays, sleep } = recorded()
    const bucket = createTokenBucket({ ratePerSecond: 0.5, burst: 1, rateLimitHeaders: true })
    const { client } = await setup({ rateLimit: bucket }, { sleep })
    await client.estimate(WS, image(512))
    await client.estimate(WS, image(640)).catch(() => undefined)
    // The first answer said remaining 0, reset 2 s: the second request waited before it was sent.
    expect(delays[0]).toBeGreaterThanOrEqual(1900)
    expect(delays[0]).toBeLessThanOrEqual(2000)
  })
})
