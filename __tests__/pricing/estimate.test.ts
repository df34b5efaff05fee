import { describe, expect, it } from '@jest/globals'
import { ConfigError } from '../../src/errors.js'
import { LayerError } from '../../src/layer/errors.js'
import { runPlan } from '../../src/pricing/estimate.js'
import { buildPlan } from '../../src/pricing/plan.js'
import type { EstimateRequest, EstimateResponse, Estimator, Plan } from '../../src/types.js'
import { WORKSPACE, answer, gen } from '../fixtures/report/generations.js'
import { CLI_WORDS } from '../../src/vocabulary.js'

/** A plan of `n` distinct requests whose prompts are "0", "1", … */
function planOf(n: number): Plan {
  return buildPlan(
    WORKSPACE,
    Array.from({ length: n }, (_, i) => gen(`g${i}`, { body: { prompt: String(i) } })),
  )
}

const indexOf = (body: EstimateRequest): number => Number(body.prompt)

interface Call {
  index: number
  signal?: AbortSignal
  resolve: (response: EstimateResponse) => void
  reject: (error: unknown) => void
}

/** An estimator whose answers the test releases by hand, recording what is in flight. */
function manualEstimator() {
  const calls: Call[] = []
  let inFlight = 0
  let maxInFlight = 0
  const estimator: Estimator = {
    estimate(workspaceId, body, signal) {
      expect(workspaceId).toBe(WORKSPACE)
      inFlight += 1
      maxInFlight = Math.max(maxInFlight, inFlight)
      return new Promise<EstimateResponse>((resolve, reject) => {
        calls.push({ index: indexOf(body), signal, resolve, reject })
      }).finally(() => {
        inFlight -= 1
      })
    },
  }
  return {
    estimator,
    calls,
    get inFlight() {
      return inFlight
    },
    get maxInFlight() {
      return maxInFlight
    },
  }
}

/** Lets queued promise callbacks (p-limit's scheduling) run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve))
}

describe('runPlan', () => {
  it('never has more than `concurrency` requests in flight, and returns outcomes in plan order', async () => {
    const fake = manualEstimator()
    const running = runPlan(planOf(10), fake.estimator, { concurrency: 3 })
    await settle()
    expect(fake.calls).toHaveLength(3)
    // Answer in reverse order of sending, a few at a time.
    while (fake.calls.some((c) => c.index >= 0)) {
      const pending = fake.calls.filter((c) => c.index >= 0).reverse()
      for (const call of pending) {
        call.resolve(answer(call.index + 0.5))
        call.index = -1
      }
      await settle()
      expect(fake.inFlight).toBeLessThanOrEqual(3)
    }
    const outcomes = await running
    expect(fake.maxInFlight).toBe(3)
    expect(outcomes.map((o) => (o.ok ? o.response.estimated_price_creative_units : NaN))).toEqual([
      0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5,
    ])
  })

  it('tells the estimator how many requests the run sends before the first one', async () => {
    const told: number[] = []
    let sentBeforeTold = 0
    const estimator: Estimator = {
      estimate: async () => {
        if (told.length === 0) sentBeforeTold++
        return answer(1)
      },
      expect: (requests) => told.push(requests),
    }
    await runPlan(planOf(7), estimator, { concurrency: 3 })
    expect(told).toEqual([7])
    expect(sentBeforeTold).toBe(0)
  })

  it('reports progress after each request', async () => {
    const progress: [number, number][] = []
    const estimator: Estimator = { estimate: async (_w, body) => answer(indexOf(body)) }
    await runPlan(planOf(3), estimator, { concurrency: 2, onProgress: (done, total) => progress.push([done, total]) })
    expect(progress).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ])
  })

  it('keeps each failure as a LayerError outcome and goes on with the others', async () => {
    const estimator: Estimator = {
      async estimate(_w, body) {
        if (indexOf(body) === 1) throw new LayerError('validation', 'Layer rejected width', 422, [{ loc: ['body', 'width'], msg: 'bad' }])
        if (indexOf(body) === 2) throw new TypeError('fetch failed')
        return answer(1)
      },
    }
    const outcomes = await runPlan(planOf(4), estimator, { concurrency: 2 })
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, false, true])
    const [, rejected, crashed] = outcomes
    if (rejected?.ok !== false || crashed?.ok !== false) throw new Error('expected failures')
    expect(rejected.error.kind).toBe('validation')
    expect(rejected.error.fieldErrors).toEqual([{ loc: ['body', 'width'], msg: 'bad' }])
    // A stray exception becomes a typed error, never a rejection of the whole run.
    expect(crashed.error).toBeInstanceOf(LayerError)
    expect(crashed.error.kind).toBe('network')
    expect(crashed.error.message).toBe('estimate request failed: fetch failed')
  })

  it('stops everything at once on an auth failure: in-flight requests are aborted, queued ones never sent', async () => {
    const fake = manualEstimator()
    const running = runPlan(planOf(20), fake.estimator, { concurrency: 4 })
    await settle()
    expect(fake.calls.map((c) => c.index)).toEqual([0, 1, 2, 3])
    fake.calls[0]!.resolve(answer(1))
    await settle()
    expect(fake.calls).toHaveLength(5)
    // Requests 1..4 are in flight; request 2 is refused.
    fake.calls[2]!.reject(new LayerError('auth', 'Layer refused the token (401)', 401))
    const outcomes = await running // resolves although 1, 3 and 4 never answer
    expect(fake.calls).toHaveLength(5)
    for (const call of fake.calls.slice(1)) expect(call.signal?.aborted).toBe(true)
    expect(outcomes).toHaveLength(20)
    expect(outcomes[0]!.ok).toBe(true)
    const kinds = outcomes.map((o) => (o.ok ? 'ok' : o.error.kind))
    expect(kinds[2]).toBe('auth')
    expect(kinds.filter((k) => k === 'aborted')).toHaveLength(18)
    const notSent = outcomes[10]
    const inFlight = outcomes[1]
    if (notSent?.ok !== false || inFlight?.ok !== false) throw new Error('expected failures')
    expect(notSent.error.message).toBe('not sent: another estimate request was refused with an authentication error (check `layer-token`)')
    expect(inFlight.error.message).toBe(
      'cancelled: another estimate request was refused with an authentication error (check `layer-token`)',
    )
  })

  it('points the aborted requests at LAYER_API_TOKEN in the CLI’s words', async () => {
    const fake = manualEstimator()
    const running = runPlan(planOf(3), fake.estimator, { concurrency: 2, words: CLI_WORDS })
    await settle()
    fake.calls[0]!.reject(new LayerError('auth', 'Layer refused the token (401)', 401))
    const [, inFlight, notSent] = await running
    if (notSent?.ok !== false || inFlight?.ok !== false) throw new Error('expected failures')
    expect(inFlight.error.message).toBe(
      'cancelled: another estimate request was refused with an authentication error (check LAYER_API_TOKEN)',
    )
    expect(notSent.error.message).toBe(
      'not sent: another estimate request was refused with an authentication error (check LAYER_API_TOKEN)',
    )
  })

  it('ignores what aborted requests answer later: they stay aborted', async () => {
    const fake = manualEstimator()
    const running = runPlan(planOf(3), fake.estimator, { concurrency: 3 })
    await settle()
    fake.calls[0]!.reject(new LayerError('auth', 'Layer refused the token (403)', 403))
    const outcomes = await running
    fake.calls[1]!.reject(new LayerError('network', 'socket hang up'))
    fake.calls[2]!.reject(new LayerError('auth', 'again'))
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.error.kind))).toEqual(['auth', 'aborted', 'aborted'])
  })

  it('ends every request as aborted when the caller cancels', async () => {
    const fake = manualEstimator()
    const controller = new AbortController()
    const progress: number[] = []
    const running = runPlan(planOf(6), fake.estimator, {
      concurrency: 2,
      signal: controller.signal,
      onProgress: (done, total) => progress.push(done / total),
    })
    await settle()
    controller.abort()
    const outcomes = await running
    expect(progress.at(-1)).toBe(1)
    expect(fake.calls).toHaveLength(2)
    expect(fake.calls.every((c) => c.signal?.aborted)).toBe(true)
    expect(outcomes.every((o) => !o.ok && o.error.kind === 'aborted')).toBe(true)
    const first = outcomes[0]
    if (first?.ok !== false) throw new Error('expected a failure')
    expect(first.error.message).toMatch(/^cancelled: the run was cancelled/)
  })

  it('sends nothing when the signal is already aborted', async () => {
    const fake = manualEstimator()
    const outcomes = await runPlan(planOf(3), fake.estimator, { concurrency: 2, signal: AbortSignal.abort() })
    expect(fake.calls).toHaveLength(0)
    expect(outcomes.map((o) => !o.ok && o.error.kind)).toEqual(['aborted', 'aborted', 'aborted'])
  })

  it('refuses a concurrency below 1 with a typed error', async () => {
    const estimator: Estimator = { estimate: async () => answer(1) }
    await expect(runPlan(planOf(1), estimator, { concurrency: 0 })).rejects.toThrow(ConfigError)
    await expect(runPlan(planOf(1), estimator, { concurrency: 1.5 })).rejects.toThrow('concurrency must be a whole number')
  })

  it('returns no outcome for an empty plan', async () => {
    const estimator: Estimator = { estimate: async () => answer(1) }
    await expect(runPlan(planOf(0), estimator, { concurrency: 4 })).resolves.toEqual([])
  })

  it('adds negligible overhead: 10,000 generations over 100 requests', async () => {
    const head = Array.from({ length: 10_000 }, (_, i) => gen(`g${i}`, { body: { prompt: String(i % 100) } }))
    const plan = buildPlan(WORKSPACE, head)
    let calls = 0
    const estimator: Estimator = {
      async estimate(_w, body) {
        calls += 1
        return answer(indexOf(body))
      },
    }
    const started = performance.now()
    const outcomes = await runPlan(plan, estimator, { concurrency: 4 })
    expect(performance.now() - started).toBeLessThan(500)
    expect(calls).toBe(100)
    expect(outcomes).toHaveLength(100)
  })
})

describe('runPlan with requests that join later (SPEC 10: the base read while the head is priced)', () => {
  /** The plan's requests with prompts `from`, `from + 1`, … (distinct from planOf's when `from` ≥ its size). */
  const requestsFrom = (from: number, n: number) => planOf(from + n).requests.slice(from)

  it('asks for them once the first request is on the wire; they share the cap and follow the plan', async () => {
    const fake = manualEstimator()
    let onWire!: () => void
    const told: number[] = []
    const progress: [number, number][] = []
    let asked = 0
    const estimator: Estimator = {
      ...fake.estimator,
      expect: (n) => told.push(n),
      sent: () => new Promise<void>((resolve) => (onWire = resolve)),
    }
    const running = runPlan(planOf(3), estimator, {
      concurrency: 4,
      onProgress: (done, total) => progress.push([done, total]),
      more: async () => {
        asked++
        return requestsFrom(3, 3)
      },
    })
    await settle()
    expect(asked).toBe(0)
    onWire()
    await settle()
    expect(asked).toBe(1)
    expect(told).toEqual([3, 3])
    // Four at once across both: the plan's three and one of the later ones.
    expect(fake.calls.map((c) => c.index)).toEqual([0, 1, 2, 3])
    while (fake.calls.some((c) => c.index >= 0)) {
      for (const call of fake.calls.filter((c) => c.index >= 0)) {
        call.resolve(answer(call.index))
        call.index = -1
      }
      await settle()
    }
    const outcomes = await running
    expect(fake.maxInFlight).toBe(4)
    expect(outcomes.map((o) => (o.ok ? o.response.estimated_price_creative_units : NaN))).toEqual([0, 1, 2, 3, 4, 5])
    expect(progress.at(-1)).toEqual([6, 6])
  })

  it('with no request of its own, asks at once (nothing will be on the wire) and tells nothing for an empty batch', async () => {
    const told: number[] = []
    const estimator: Estimator = {
      estimate: async (_w, body) => answer(indexOf(body)),
      expect: (n) => told.push(n),
      sent: () => new Promise<void>(() => {}),
    }
    await expect(runPlan(planOf(0), estimator, { concurrency: 2, more: async () => requestsFrom(0, 2) })).resolves.toHaveLength(2)
    expect(told).toEqual([0, 2])
    told.length = 0
    await expect(runPlan(planOf(1), estimator, { concurrency: 2, more: async () => [] })).resolves.toHaveLength(1)
    expect(told).toEqual([1])
  })

  it("stops the run when they cannot be had: in-flight requests are aborted and the reason is the run's", async () => {
    const fake = manualEstimator()
    const refused = new Error('the base manifests could not be read')
    let fail!: (error: Error) => void
    const running = runPlan(planOf(3), fake.estimator, {
      concurrency: 2,
      more: () => new Promise((_resolve, reject) => (fail = reject)),
    })
    await settle()
    expect(fake.calls).toHaveLength(2)
    fail(refused)
    await expect(running).rejects.toBe(refused)
    expect(fake.calls.every((c) => c.signal?.aborted)).toBe(true)
    // The third request was never sent.
    expect(fake.calls).toHaveLength(2)
  })
})
