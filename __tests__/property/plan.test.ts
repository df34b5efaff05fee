/**
 * Property-based tests of the planner and the verdict (src/pricing/plan.ts, src/pricing/estimate.ts,
 * src/budget.ts, src/report/*): however the generations repeat bodies and order their keys, one
 * request is sent per distinct body, and the total equals the naive sum over the generations of
 * unit price x runs, exactly, in micro-CU (checked with BigInt, independently of money.ts).
 */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { buildPlan } from '../../src/pricing/plan.js'
import { runPlan } from '../../src/pricing/estimate.js'
import { judgePlan } from '../../src/pipeline.js'
import { toJsonReport } from '../../src/report/json.js'
import { toOutputs } from '../../src/report/outputs.js'
import type { EstimateRequest, EstimateResponse, Estimator, Generation, Policy } from '../../src/types.js'

const WORKSPACE = '6f1c2d9e-8b1a-4c53-9f0e-2a7d4b8c1e55'
const MODELS = ['3c90c3cc-0d44-4b50-8888-8dd25736052a', '0f9e8d7c-6b5a-4f3e-9d2c-1b0a9f8e7d6c']

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/** An object with these entries; `__proto__` stays a key (as the manifest loader keeps it). */
function objectOf(entries: [string, Json][]): { [key: string]: Json } {
  const object: { [key: string]: Json } = {}
  for (const [key, value] of entries) Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true })
  return object
}

/** The test's own identity of a body (sorted keys), written apart from canonicalKey on purpose. */
function identity(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(identity).join(',')}]`
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  const record = value as Record<string, unknown>
  return `{${Object.keys(record)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${identity(record[key])}`)
    .join(',')}}`
}

/** The same value with the keys of every object in an order drawn from `seed`. */
function permuted(value: Json, seed: number): Json {
  if (Array.isArray(value)) return value.map((item, i) => permuted(item, seed + i + 1))
  if (value === null || typeof value !== 'object') return value
  const keys = Object.keys(value)
  let state = seed >>> 0
  for (let i = keys.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    const j = state % (i + 1)
    ;[keys[i], keys[j]] = [keys[j]!, keys[i]!]
  }
  return objectOf(keys.map((key, i) => [key, permuted(value[key]!, seed * 31 + i)]))
}

const KEYS = [
  'prompt',
  'width',
  'height',
  'batch_size',
  'quality',
  'video_effects',
  '__proto__',
  'constructor',
  'toString',
  'ünï',
  'a b',
  '',
]
const jsonLeaf: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -5, max: 5 }),
  fc.constantFrom(1, '1', 0, -0, '0', 1.5, '1.5', 1e21, true, 'true'),
  fc.string({ maxLength: 6 }),
)
const jsonValue: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    jsonLeaf,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.uniqueArray(fc.tuple(fc.constantFrom(...KEYS), tie('value')), { selector: ([key]) => key, maxLength: 3 }).map(objectOf),
  ),
})).value

/** A request body: a model and a few fields, values of any JSON type. */
const body: fc.Arbitrary<EstimateRequest> = fc
  .tuple(
    fc.constantFrom(...MODELS),
    fc.uniqueArray(fc.tuple(fc.constantFrom(...KEYS), jsonValue), { selector: ([key]) => key, maxLength: 4 }),
  )
  .map(([model, entries]) => objectOf([['model_id', model], ...entries]) as EstimateRequest)

interface Case {
  pool: EstimateRequest[]
  /** Micro-CU per run of each pool body. */
  prices: number[]
  head: { body: number; runs: number; seed: number }[]
  base: { body: number; runs: number; seed: number }[]
  balance: number
  minRemaining: number
  concurrency: number
}

const caseOf = (maxPrice: number, maxRuns: number): fc.Arbitrary<Case> =>
  fc.uniqueArray(body, { selector: identity, minLength: 1, maxLength: 8 }).chain((pool) => {
    const use = fc.record({ body: fc.nat(pool.length - 1), runs: fc.integer({ min: 1, max: maxRuns }), seed: fc.nat() })
    return fc.record({
      pool: fc.constant(pool),
      prices: fc.array(fc.integer({ min: 0, max: maxPrice }), { minLength: pool.length, maxLength: pool.length }),
      head: fc.array(use, { minLength: 1, maxLength: 40 }),
      base: fc.array(use, { maxLength: 10 }),
      // At most 15 significant digits in CU, so the JSON number Layer sends is the decimal meant.
      balance: fc.integer({ min: 0, max: 9e14 }),
      minRemaining: fc.integer({ min: 0, max: 2 ** 40 }),
      concurrency: fc.integer({ min: 1, max: 8 }),
    })
  })

function generation(c: Case, use: Case['head'][number], i: number, file: string): Generation {
  return {
    name: `g${i}`,
    file,
    line: i + 1,
    col: 5,
    modelId: c.pool[use.body]!.model_id,
    modelLabel: 'm',
    runs: use.runs,
    body: permuted(c.pool[use.body]! as Json, use.seed) as EstimateRequest,
    fieldPositions: {},
  }
}

/** An in-memory Layer: prices each body by its identity, answering in CU as Layer does, counting calls. */
function fakeLayer(c: Case): Estimator & { calls: Map<string, number> } {
  const priceOf = new Map(c.pool.map((b, i) => [identity(b), c.prices[i]!]))
  const calls = new Map<string, number>()
  return {
    calls,
    async estimate(_workspace: string, request: EstimateRequest): Promise<EstimateResponse> {
      const key = identity(request)
      const price = priceOf.get(key)
      if (price === undefined) throw new Error(`unknown body ${key}`)
      calls.set(key, (calls.get(key) ?? 0) + 1)
      await Promise.resolve()
      return {
        estimated_price_creative_units: price / 1e6,
        workspace_balance_creative_units: c.balance / 1e6,
        estimated_remaining_balance_creative_units: (c.balance - price) / 1e6,
        has_sufficient_creative_units: c.balance >= price,
      }
    },
  }
}

/**
 * Micro-CU as the plain decimal shown (3 decimals, rounded up towards +∞ or down towards -∞), from
 * a BigInt: the expected output text, computed apart from money.ts.
 */
function plainDecimal(micro: bigint, rounding: 'up' | 'down'): string {
  let milli = micro / 1000n // truncated towards zero
  const rest = micro - milli * 1000n
  if (rounding === 'up' && rest > 0n) milli += 1n
  if (rounding === 'down' && rest < 0n) milli -= 1n
  const sign = milli < 0n ? '-' : ''
  const abs = milli < 0n ? -milli : milli
  const frac = String(abs % 1000n)
    .padStart(3, '0')
    .replace(/0+$/, '')
  return `${sign}${abs / 1000n}${frac ? `.${frac}` : ''}`
}

async function price(c: Case) {
  const head = c.head.map((use, i) => generation(c, use, i, 'head.yml'))
  const base = c.base.map((use, i) => generation(c, use, i, 'base.yml'))
  const plan = buildPlan(WORKSPACE, head, base)
  const layer = fakeLayer(c)
  const outcomes = await runPlan(plan, layer, { concurrency: c.concurrency })
  const policy: Policy = { minRemaining: c.minRemaining, failOnInsufficient: true }
  const report = judgePlan(plan, outcomes, { policy, baseRead: true, balanceAt: '2025-01-01T00:00:00.000Z' }).report
  return { plan, layer, verdict: report.verdict, report }
}

describe('the deduplicated total', () => {
  it('equals the naive sum of unit price x runs, exactly, with one request per distinct body', async () => {
    await fc.assert(
      fc.asyncProperty(caseOf(100_000_000, 1_000_000), async (c) => {
        const { plan, layer, verdict, report } = await price(c)

        const naive = c.head.reduce((sum, use) => sum + BigInt(c.prices[use.body]!) * BigInt(use.runs), 0n)
        expect(verdict.status).not.toBe('error')
        expect(BigInt(verdict.total)).toBe(naive)

        // One request per distinct body across head and base, each sent once.
        const distinct = new Set([...c.head, ...c.base].map((use) => identity(c.pool[use.body])))
        expect(plan.requests).toHaveLength(distinct.size)
        expect(report.requests).toBe(distinct.size)
        expect([...layer.calls.values()].every((n) => n === 1)).toBe(true)
        expect(new Set(layer.calls.keys())).toEqual(distinct)

        // The verdict from the exact figures.
        const remaining = BigInt(c.balance) - naive
        expect(BigInt(verdict.remaining!)).toBe(remaining)
        expect(verdict.sufficient).toBe(remaining >= BigInt(c.minRemaining))

        // Every rendering of the figures agrees with the exact sum.
        const outputs = toOutputs(report, { reportPath: 'r.json' })
        expect(outputs['total-creative-units']).toBe(plainDecimal(naive, 'up'))
        expect(outputs['remaining-creative-units']).toBe(plainDecimal(remaining, 'down'))
        const json = toJsonReport(report)
        expect(String(json.total_creative_units)).toBe(plainDecimal(naive, 'up'))
        const lineSum = report.lines.filter((line) => line.change !== 'removed').reduce((sum, line) => sum + BigInt(line.total!), 0n)
        expect(lineSum).toBe(naive)
      }),
      { numRuns: 150 },
    )
  })

  it('does not depend on the order of the generations or of their keys', async () => {
    await fc.assert(
      fc.asyncProperty(caseOf(1_000_000, 1000), fc.nat(), async (c, seed) => {
        const first = await price(c)
        // The same generations in reverse order, every body with its keys in another order.
        const reordered: Case = {
          ...c,
          head: [...c.head].reverse().map((use) => ({ ...use, seed: use.seed ^ seed })),
          base: c.base.map((use) => ({ ...use, seed: use.seed + seed })),
        }
        const second = await price(reordered)
        expect(second.verdict.total).toBe(first.verdict.total)
        expect(new Set(second.plan.requests.map((r) => r.key))).toEqual(new Set(first.plan.requests.map((r) => r.key)))
      }),
      { numRuns: 80 },
    )
  })

  it('never reports a sufficient budget for a total it cannot hold exactly', async () => {
    // Absurd prices and balances from a misbehaving API: past 2^53 micro-CU a float sum drifts, and
    // a balance that large would let the drifted total pass. Prices with more digits than a double
    // holds may be rounded up, never down.
    const hugeBalance = fc.oneof(
      fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
      fc.double({ min: 2 ** 53, max: 2 ** 70, noNaN: true }),
    )
    await fc.assert(
      fc.asyncProperty(caseOf(Number.MAX_SAFE_INTEGER, 1_000_000), hugeBalance, async (c, balance) => {
        const { verdict } = await price({ ...c, balance, minRemaining: 0 })
        const naive = c.head.reduce((sum, use) => sum + BigInt(c.prices[use.body]!) * BigInt(use.runs), 0n)
        if (verdict.sufficient === true) expect(BigInt(verdict.total) >= naive).toBe(true)
        if (naive > BigInt(Number.MAX_SAFE_INTEGER)) expect(verdict.sufficient).not.toBe(true)
      }),
      { numRuns: 200 },
    )
  })
})
