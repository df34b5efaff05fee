/**
 * An answer is never attributed to the wrong request: a Layer endpoint (or a proxy) that sends an
 * unsolicited `HTTP/1.1 200` on a connection after its first answer must not price the next request.
 * Each scenario runs many times: before the client used one connection per request, the stray
 * answer priced a later request in most runs.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { LayerClient } from '../../src/layer/client.js'
import type { EstimateResponse } from '../../src/types.js'
import { estimateJson, startRawLayer, type RawLayer, type StrayTiming } from './raw-layer.js'

const TOKEN = 'lyr_pat_stray_answer_0123456789abcdef'
const WS = '6f1c2d9e-8b1a-4c53-9f0e-2a7d4b8c1e55'
const MODEL = '3c90c3cc-0d44-4b50-8888-8dd25736052a'
const BALANCE = 1500
/** Each request's honest price depends on its body, so a misattributed answer shows. */
const priceOf = (body: unknown): number => 600 + Number((body as { batch_size?: number } | undefined)?.batch_size ?? 0)
const STRAY_PRICE = 0.001

let layer: RawLayer | undefined
afterEach(async () => {
  await layer?.close()
  layer = undefined
})

/** Three requests one after the other (concurrency 1), on one client: what each one was priced. */
async function priceThree(timing: StrayTiming | undefined): Promise<(number | string)[]> {
  layer = await startRawLayer({
    answer: (body) => ({ text: estimateJson(priceOf(body), BALANCE) }),
    stray: timing && { text: estimateJson(STRAY_PRICE, BALANCE), timing },
  })
  const client = new LayerClient({
    apiUrl: layer.url,
    token: TOKEN,
    timeoutMs: 2_000,
    maxRetries: 2,
    userAgent: 'stray-test',
    connections: 1,
    sleep: async () => {},
  })
  const prices: (number | string)[] = []
  try {
    for (const batch of [1, 2, 3]) {
      try {
        const answer: EstimateResponse = await client.estimate(WS, { model_id: MODEL, batch_size: batch })
        prices.push(answer.estimated_price_creative_units)
      } catch (error) {
        prices.push((error as Error).name)
      }
    }
  } finally {
    await client.close()
  }
  return prices
}

describe('LayerClient: one request per connection', () => {
  it.each<StrayTiming>(['before-second-answer', 'with-first-answer'])(
    'a stray 200 (%s) never prices another request (20 runs)',
    async (timing) => {
      for (let run = 0; run < 20; run++) {
        const prices = await priceThree(timing)
        // Each request got its own answer: never the stray's 0.001, never another body's price.
        expect(prices).toEqual([601, 602, 603])
        expect(layer?.reusedRequests).toBe(0)
        await layer?.close()
        layer = undefined
      }
    },
  )

  it('a stray 200 on a connection opened ahead, before its request, never prices that request (5 runs)', async () => {
    for (let run = 0; run < 5; run++) {
      layer = await startRawLayer({
        answer: (body) => ({ text: estimateJson(priceOf(body), BALANCE) }),
        // Each answer takes 60 ms; when one is due, the connection opened ahead for the next request
        // is sent an answer nobody asked for first (the answer waits until the client closed it).
        stray: { text: estimateJson(STRAY_PRICE, BALANCE), timing: 'on-idle-connection' },
        answerDelayMs: 60,
      })
      const client = new LayerClient({
        apiUrl: layer.url,
        token: TOKEN,
        timeoutMs: 2_000,
        maxRetries: 0,
        userAgent: 'stray-test',
        connections: 1,
      })
      client.expect(3)
      const prices: number[] = []
      try {
        for (const batch of [1, 2, 3])
          prices.push((await client.estimate(WS, { model_id: MODEL, batch_size: batch })).estimated_price_creative_units)
      } finally {
        await client.close()
      }
      expect(prices).toEqual([601, 602, 603])
      // The two opened ahead were spoiled by the stray and dropped: each later request opened its own.
      expect(layer.connections).toBe(5)
      expect(layer.requests).toBe(3)
      await layer.close()
      layer = undefined
    }
  })

  it('opens one connection per request even when the server would keep it alive', async () => {
    const prices = await priceThree(undefined)
    expect(prices).toEqual([601, 602, 603])
    expect(layer?.connections).toBe(3)
  })
})
