import { describe, expect, it } from '@jest/globals'
import { buildPlan } from '../../src/pricing/plan.js'
import { priceGenerations } from '../../src/pricing/price.js'
import { WORKSPACE, answer, failed, gen, ok } from '../fixtures/report/generations.js'

describe('priceGenerations', () => {
  it('reads each answer once, in micro-CU rounded up past 6 decimals, and nothing for a failure', () => {
    const plan = buildPlan(WORKSPACE, [gen('a'), gen('b'), gen('c'), gen('d')])
    const pricing = priceGenerations(plan, [ok(0.0004), failed('server', 'Layer answered 503'), ok(1.0000001), ok(2.5)])
    expect(pricing.lines.map((line) => line.unit)).toEqual([400, undefined, 1_000_001, 2_500_000])
    expect(pricing.lines[1]?.error?.message).toBe('Layer answered 503')
  })

  it('prices each generation once as unit x runs, shared requests included', () => {
    const plan = buildPlan(WORKSPACE, [gen('a', { runs: 1000 }), gen('b', { runs: 3 }), gen('a-again', { runs: 2, body: { prompt: 'a' } })])
    const pricing = priceGenerations(plan, [ok(0.0004, 50), ok(1.5, 40)])
    expect(pricing.lines.map((line) => [line.generation.name, line.request, line.total])).toEqual([
      ['a', 0, 400_000],
      ['b', 1, 4_500_000],
      ['a-again', 0, 800],
    ])
    expect(pricing.balance).toBe(40_000_000)
    expect(pricing.requests).toBe(2)
  })

  it('turns figures it cannot hold exactly into an error line, never Infinity', () => {
    const plan = buildPlan(WORKSPACE, [gen('huge'), gen('times', { runs: 1_000_000 }), gen('rich')])
    const pricing = priceGenerations(plan, [ok(1e308), ok(9_999_999_999), { ok: true, response: answer(1, 1e300) }])
    for (const line of pricing.lines) {
      expect(line.total).toBeUndefined()
      expect(line.error?.kind).toBe('malformed')
      expect(line.error?.message).toMatch(/too large to add up exactly/)
    }
    expect(pricing.balance).toBeUndefined()
  })

  it("records Layer's has_sufficient_creative_units: false on a head request only", () => {
    const no = { ok: true as const, response: { ...answer(5, 10), has_sufficient_creative_units: false } }
    expect(priceGenerations(buildPlan(WORKSPACE, [gen('a')]), [no]).layerSaysInsufficient).toBe(true)
    expect(priceGenerations(buildPlan(WORKSPACE, [gen('a')], [gen('old')]), [ok(1), no]).layerSaysInsufficient).toBe(false)
  })

  it('does not count requests aborted after an authentication failure', () => {
    const plan = buildPlan(WORKSPACE, [gen('a'), gen('b'), gen('c')])
    expect(priceGenerations(plan, [failed('auth', 'refused'), failed('aborted', 'not sent'), ok(1)]).requests).toBe(2)
  })
})
