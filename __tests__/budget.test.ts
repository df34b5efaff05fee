import { describe, expect, it } from '@jest/globals'
import { decideVerdict, overBy, warnBy } from '../src/budget.js'
import { buildPlan } from '../src/pricing/plan.js'
import { priceGenerations } from '../src/pricing/price.js'
import type { Plan, Policy, RequestOutcome, Verdict } from '../src/types.js'
import { CLI_WORDS } from '../src/vocabulary.js'
import { WORKSPACE, answer, failed, gen, ok } from './fixtures/report/generations.js'

const strict: Policy = { minRemaining: 0, failOnInsufficient: true }

/** A plan with one distinct request per head generation (prompt = name), with the given runs. */
function planOf(runs: number[], base: string[] = []) {
  return buildPlan(
    WORKSPACE,
    runs.map((r, i) => gen(`g${i}`, { runs: r })),
    base.map((name) => gen(name)),
  )
}

/** The verdict on the one pricing pass of `plan` answered by `outcomes`. */
function verdictOf(plan: Plan, outcomes: RequestOutcome[], policy: Policy): Verdict {
  return decideVerdict(priceGenerations(plan, outcomes), policy)
}

describe('decideVerdict', () => {
  it('sums exactly in micro-CU: 0.1 + 0.2 is 0.3, and a 0.3 balance is enough', () => {
    const verdict = verdictOf(planOf([1, 1]), [ok(0.1, 0.3), ok(0.2, 0.3)], strict)
    expect(verdict).toEqual({
      status: 'within',
      sufficient: true,
      total: 300_000,
      balance: 300_000,
      remaining: 0,
      reasons: [],
      breaches: [],
      passes: true,
    })
  })

  it('multiplies the exact unit price by runs: 0.0004 CU x 1,000 runs is 0.4 CU, not 0', () => {
    const verdict = verdictOf(planOf([1000, 7]), [ok(0.0004, 0.3), ok(0.125, 0.3)], strict)
    expect(verdict.total).toBe(400_000 + 875_000)
    expect(verdict.status).toBe('over') // 1.275 CU from a balance of 0.3
  })

  it('rounds a price with more than 6 decimals up, and a balance down: never in the gate’s favour', () => {
    // 1.0000005 is stored as 1.00000049999…: read as written, then rounded up; x 3 runs.
    const verdict = verdictOf(planOf([3]), [ok(1.0000005, 3.0000019)], strict)
    expect(verdict.total).toBe(3_000_003)
    expect(verdict.balance).toBe(3_000_001)
    expect(verdict.status).toBe('over')
    expect(verdict.reasons).toEqual([
      'The estimated total of 3.001 CU is more than the workspace balance of 3 CU: the balance would go negative by 0.001 CU.',
    ])
    expect(verdictOf(planOf([1]), [ok(1e-7, 0)], strict).total).toBe(1)
  })

  it('prices generations that share a request once each', () => {
    const plan = buildPlan(WORKSPACE, [gen('a', { body: { prompt: 'same' }, runs: 2 }), gen('b', { body: { prompt: 'same' }, runs: 5 })])
    expect(plan.requests).toHaveLength(1)
    expect(verdictOf(plan, [ok(2.5)], strict).total).toBe(17_500_000)
  })

  it('takes the lowest balance seen in any answer, base answers included', () => {
    const plan = planOf([1, 1], ['old'])
    const verdict = verdictOf(plan, [ok(1, 500), ok(1, 480.25), ok(1, 470)], strict)
    expect(verdict.balance).toBe(470_000_000)
    expect(verdict.total).toBe(2_000_000) // the base generation is not part of the total
    expect(verdict.remaining).toBe(468_000_000)
  })

  it('never calls a total it cannot hold exactly within budget (figures past 2^53 micro-CU): an error in every mode', () => {
    // 1,286,742,750.677285 CU x 7 runs drifts as a float sum; with an even larger balance it would pass.
    const plan = planOf([7])
    const outcomes = [ok(1_286_742_750.677285, 1e13)]
    for (const policy of [strict, { ...strict, failOnInsufficient: false }]) {
      const verdict = verdictOf(plan, outcomes, policy)
      expect(verdict.status).toBe('error')
      expect(verdict.sufficient).toBeUndefined()
      expect(verdict.passes).toBe(false)
    }
    expect(priceGenerations(plan, outcomes).lines[0]?.error?.message).toBe(
      "Layer's figures are too large to add up exactly (more than 9,007,199,254.740991 CU): the estimate cannot be trusted; " +
        'check `api-url` points at Layer and re-run the job',
    )
    expect(priceGenerations(plan, outcomes, CLI_WORDS).lines[0]?.error?.message).toMatch(
      /cannot be trusted; check `--api-url` points at Layer and run it again$/,
    )
  })

  it('fails closed when each line is exact but their sum is not', () => {
    const verdict = verdictOf(planOf([1, 1]), [ok(5_000_000_000, 9_000_000_000), ok(5_000_000_000, 9_000_000_000)], {
      ...strict,
      failOnInsufficient: false,
    })
    expect(verdict).toMatchObject({ status: 'error', passes: false, balance: undefined, remaining: undefined })
    expect(verdict.sufficient).toBeUndefined()
    expect(verdict.reasons).toEqual([
      "Layer's figures are too large to add up exactly (more than 9,007,199,254.740991 CU): the estimate cannot be trusted; " +
        'check `api-url` points at Layer and re-run the job.',
    ])
  })

  it('is never within budget when Layer says the workspace cannot pay, even if our own sum fits', () => {
    const plan = planOf([1])
    const no: RequestOutcome = { ok: true, response: { ...answer(5, 1000), has_sufficient_creative_units: false } }
    const verdict = verdictOf(plan, [no], strict)
    expect(verdict).toMatchObject({ status: 'over', sufficient: false, passes: false, remaining: 995_000_000 })
    expect(verdict.reasons.join(' ')).toMatch(/has_sufficient_creative_units: false/)
    expect(verdict.breaches).toEqual([{ rule: 'layer-insufficient', by: 0, limit: 0 }])
    expect(verdictOf(plan, [no], { ...strict, failOnInsufficient: false }).passes).toBe(true) // advisory, as any "over"
  })

  it('is over when the balance would go negative', () => {
    const verdict = verdictOf(planOf([2]), [ok(600, 1000)], strict)
    expect(verdict).toEqual({
      status: 'over',
      sufficient: false,
      total: 1_200_000_000,
      balance: 1_000_000_000,
      remaining: -200_000_000,
      reasons: ['The estimated total of 1,200 CU is more than the workspace balance of 1,000 CU: the balance would go negative by 200 CU.'],
      breaches: [{ rule: 'min-remaining-balance', by: 200_000_000, limit: 0 }],
      passes: false,
    })
    expect(overBy(verdict, strict)).toBe(200_000_000)
  })

  it('keeps the reserve: remaining below min-remaining-balance is over, equal is within', () => {
    const policy: Policy = { minRemaining: 5_000_000_000, failOnInsufficient: true }
    const over = verdictOf(planOf([1]), [ok(5_500.5, 10_000)], policy)
    expect(over.status).toBe('over')
    expect(over.reasons).toEqual([
      'After the run 4,499.5 CU would remain, 500.5 CU short of the reserve of 5,000 CU (min-remaining-balance).',
    ])
    expect(overBy(over, policy)).toBe(500_500_000)
    expect(over.breaches).toEqual([{ rule: 'min-remaining-balance', by: 500_500_000, limit: 5_000_000_000 }])
    expect(verdictOf(planOf([1]), [ok(5_000, 10_000)], policy).status).toBe('within')
  })

  it('names the rules by their CLI flags in the CLI’s words, by their inputs by default', () => {
    const policy: Policy = { minRemaining: 5_000_000_000, maxTotal: 1_000_000_000, failOnInsufficient: true }
    const plan = planOf([1])
    const outcomes = [ok(5_500.5, 10_000)]
    expect(decideVerdict(priceGenerations(plan, outcomes, CLI_WORDS), policy, CLI_WORDS).reasons).toEqual([
      'After the run 4,499.5 CU would remain, 500.5 CU short of the reserve of 5,000 CU (--min-remaining-balance).',
      'The estimated total of 5,500.5 CU exceeds the cap of 1,000 CU (--max-total) by 4,500.5 CU.',
    ])
    const warned = decideVerdict(priceGenerations(plan, [ok(12.5, 500)], CLI_WORDS), { ...strict, warnRemaining: 500_000_000 }, CLI_WORDS)
    expect(warned.reasons).toEqual([
      'After the run 487.5 CU would remain, 12.5 CU below the warning level of 500 CU (--warn-remaining-balance).',
    ])
    const huge = decideVerdict(priceGenerations(planOf([1, 1]), [ok(5e9, 9e9), ok(5e9, 9e9)], CLI_WORDS), strict, CLI_WORDS)
    expect(huge.reasons.join(' ')).toMatch(/check `--api-url` points at Layer and run it again\.$/)
  })

  it('applies the cap: a total above max-total is over, equal is within', () => {
    const policy: Policy = { minRemaining: 0, maxTotal: 1_000_000_000, failOnInsufficient: true }
    const over = verdictOf(planOf([1]), [ok(1000.001, 1_000_000)], policy)
    expect(over.status).toBe('over')
    expect(over.reasons).toEqual(['The estimated total of 1,000.001 CU exceeds the cap of 1,000 CU (max-total) by 0.001 CU.'])
    expect(overBy(over, policy)).toBe(1000)
    expect(over.breaches).toEqual([{ rule: 'max-total', by: 1000, limit: 1_000_000_000 }])
    expect(verdictOf(planOf([1]), [ok(1000, 1_000_000)], policy).status).toBe('within')
  })

  it('gives every reason when both the reserve and the cap fail, and is over by the larger amount', () => {
    const policy: Policy = { minRemaining: 100_000_000, maxTotal: 50_000_000, failOnInsufficient: true }
    const verdict = verdictOf(planOf([1]), [ok(150, 200)], policy)
    expect(verdict.reasons).toHaveLength(2)
    expect(overBy(verdict, policy)).toBe(100_000_000)
    // Which rules failed, in the order of the reasons: 50 CU left of a 100 CU reserve, 100 CU over a 50 CU cap.
    expect(verdict.breaches).toEqual([
      { rule: 'min-remaining-balance', by: 50_000_000, limit: 100_000_000 },
      { rule: 'max-total', by: 100_000_000, limit: 50_000_000 },
    ])
  })

  it('passes when over in advisory mode, with the same verdict', () => {
    const advisory: Policy = { minRemaining: 0, failOnInsufficient: false }
    const verdict = verdictOf(planOf([1]), [ok(20, 10)], advisory)
    expect(verdict.status).toBe('over')
    expect(verdict.sufficient).toBe(false)
    expect(verdict.passes).toBe(true)
  })

  it('fails closed when a head generation could not be priced, even in advisory mode', () => {
    const advisory: Policy = { minRemaining: 0, failOnInsufficient: false }
    const outcomes: RequestOutcome[] = [ok(1, 100), failed('server', 'Layer answered 503')]
    const verdict = verdictOf(planOf([1, 1]), outcomes, advisory)
    expect(verdict).toEqual({
      status: 'error',
      sufficient: undefined,
      total: 1_000_000,
      balance: 100_000_000,
      remaining: undefined,
      reasons: [],
      breaches: [],
      passes: false,
    })
  })

  it('fails closed when an outcome is missing', () => {
    expect(verdictOf(planOf([1, 1]), [ok(1)], strict).status).toBe('error')
  })

  it('does not error on a base failure: it only costs the diff', () => {
    const plan = planOf([1], ['old'])
    const verdict = verdictOf(plan, [ok(1, 100), failed('server', 'Layer answered 500')], strict)
    expect(verdict.status).toBe('within')
    expect(verdict.passes).toBe(true)
  })

  it('has no balance when no answer came, and no generation is within budget', () => {
    expect(verdictOf(planOf([]), [], strict)).toEqual({
      status: 'within',
      sufficient: true,
      total: 0,
      balance: undefined,
      remaining: undefined,
      reasons: [],
      breaches: [],
      passes: true,
    })
  })

  it('warns when within budget but remaining is below warn-remaining-balance; equal is within', () => {
    const policy: Policy = { minRemaining: 0, warnRemaining: 500_000_000, failOnInsufficient: true }
    const verdict = verdictOf(planOf([1]), [ok(512.5, 1_000)], policy)
    expect(verdict).toEqual({
      status: 'warn',
      sufficient: true,
      total: 512_500_000,
      balance: 1_000_000_000,
      remaining: 487_500_000,
      reasons: ['After the run 487.5 CU would remain, 12.5 CU below the warning level of 500 CU (warn-remaining-balance).'],
      breaches: [{ rule: 'warn-remaining-balance', by: 12_500_000, limit: 500_000_000 }],
      passes: true,
    })
    expect(warnBy(verdict, policy)).toBe(12_500_000)
    expect(overBy(verdict, policy)).toBe(0)
    const level = verdictOf(planOf([1]), [ok(500, 1_000)], policy)
    expect(level.status).toBe('within')
    expect(warnBy(level, policy)).toBe(0)
  })

  it('lets the reserve, the cap and Layer’s refusal win over the warning tier', () => {
    const policy: Policy = { minRemaining: 100_000_000, warnRemaining: 500_000_000, failOnInsufficient: true }
    const short = verdictOf(planOf([1]), [ok(950, 1_000)], policy)
    expect(short.status).toBe('over')
    expect(short.reasons).toHaveLength(1)
    expect(warnBy(short, policy)).toBe(0)
    const capped = verdictOf(planOf([1]), [ok(600, 1_000)], { ...policy, maxTotal: 550_000_000 })
    expect(capped.status).toBe('over')
    const refused = verdictOf(
      planOf([1]),
      [{ ok: true, response: { ...answer(600, 1_000), has_sufficient_creative_units: false } }],
      policy,
    )
    expect(refused.status).toBe('over')
  })

  it('warns the same in advisory mode (it passes either way), and never without a balance', () => {
    const advisory: Policy = { minRemaining: 0, warnRemaining: 500_000_000, failOnInsufficient: false }
    const verdict = verdictOf(planOf([1]), [ok(600, 1_000)], advisory)
    expect(verdict).toMatchObject({ status: 'warn', sufficient: true, passes: true })
    // Nothing planned: no request, no balance, nothing to warn about.
    expect(verdictOf(planOf([]), [], advisory)).toMatchObject({ status: 'within', balance: undefined, passes: true })
  })

  it('never warns on an error: the total is unknown', () => {
    const policy: Policy = { minRemaining: 0, warnRemaining: 500_000_000, failOnInsufficient: true }
    const verdict = verdictOf(planOf([1, 1]), [ok(600, 1_000), failed('server', 'Layer answered 500')], policy)
    expect(verdict.status).toBe('error')
    expect(warnBy(verdict, policy)).toBe(0)
  })

  it('says how far over only when over', () => {
    expect(overBy(verdictOf(planOf([1]), [ok(1)], strict), strict)).toBe(0)
  })
})
