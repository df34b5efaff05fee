import { describe, expect, it } from '@jest/globals'
import { buildPlan } from '../../src/pricing/plan.js'
import { judgePlan } from '../../src/pipeline.js'
import { figures, headline, otherBreaches, statusLine } from '../../src/report/headline.js'
import type { Generation, Policy, Report, RequestOutcome } from '../../src/types.js'
import { WORKSPACE, answer, failed, gen, ok } from '../fixtures/report/generations.js'
import { scenarioReport } from '../fixtures/report/scenario.js'
import { CLI_WORDS } from '../../src/vocabulary.js'

const strict: Policy = { minRemaining: 0, failOnInsufficient: true }

function report(head: Generation[], outcomes: RequestOutcome[], policy: Policy = strict, base?: Generation[]): Report {
  const plan = buildPlan(WORKSPACE, head, base)
  return judgePlan(plan, outcomes, { policy, baseRead: base !== undefined, balanceAt: '2025-06-01T12:00:00Z' }).report
}

describe('headline and statusLine', () => {
  it('within budget: the change in this pull request first, then what is spent of what, and what is left', () => {
    expect(headline(scenarioReport())).toBe('✅ +60.125 CU in this pull request · 444.025 of 12,480.5 CU · 12,036.475 left')
    expect(statusLine(scenarioReport())).toBe('✅ 444.025 of 12,480.5 CU · 12,036.475 left')
    expect(figures(scenarioReport())).toBeUndefined()
  })

  it('without a base diff, drops the change part', () => {
    const r = report([gen('a', { runs: 2 })], [ok(617.25, 10_000)])
    expect(headline(r)).toBe('✅ 1,234.5 of 10,000 CU · 8,765.5 left')
    expect(statusLine(r)).toBe(headline(r))
  })

  it('says a change of nothing as ±0', () => {
    expect(headline(scenarioReport(undefined, { base: 'same' }))).toMatch(/^✅ ±0 CU in this pull request · /)
  })

  it('names the reserve and the amount short of it, the figures below', () => {
    const r = scenarioReport({ minRemaining: 2_500_000_000, failOnInsufficient: true }, { balance: 2_887.987 })
    expect(headline(r)).toBe('❌ 56.038 CU short of the 2,500 CU reserve')
    expect(statusLine(r)).toBe(headline(r))
    expect(figures(r)).toBe('+60.125 CU in this pull request · 444.025 of 2,887.987 CU · 2,443.962 left')
  })

  it('names the cap (max-total) and the amount over it', () => {
    const r = report([gen('a')], [ok(1120, 1_000_000)], { minRemaining: 0, maxTotal: 1_000_000_000, failOnInsufficient: true })
    expect(headline(r)).toBe('❌ 120 CU over the 1,000 CU cap (max-total)')
  })

  it('names the rules by their flags in a report worded for the CLI', () => {
    const plan = buildPlan(WORKSPACE, [gen('a')])
    const cli = (outcomes: RequestOutcome[], policy: Policy) =>
      judgePlan(plan, outcomes, { policy, baseRead: false, balanceAt: '2025-06-01T12:00:00Z', words: CLI_WORDS }).report
    const over = cli([ok(150, 200)], { minRemaining: 100_000_000, maxTotal: 50_000_000, failOnInsufficient: true })
    expect(statusLine(over)).toBe('❌ 50 CU short of the 100 CU reserve')
    expect(otherBreaches(over)).toBe('Also 100 CU over the 50 CU cap (--max-total).')
    expect(over.verdict.reasons.join(' ')).toMatch(/\(--min-remaining-balance\)\..*\(--max-total\)/)
    const capped = cli([ok(1120, 1_000_000)], { minRemaining: 0, maxTotal: 1_000_000_000, failOnInsufficient: true })
    expect(headline(capped)).toBe('❌ 120 CU over the 1,000 CU cap (--max-total)')
    const warned = cli([ok(512.5, 1000)], { minRemaining: 0, warnRemaining: 500_000_000, failOnInsufficient: true })
    expect(statusLine(warned)).toBe('⚠️ 12.5 CU below the 500 CU warning level (--warn-remaining-balance)')
  })

  it('says how negative the workspace would go, and does not say the negative remainder twice', () => {
    const r = report([gen('a')], [ok(1058.25, 1000)])
    expect(headline(r)).toBe('❌ the workspace would go 58.25 CU negative')
    expect(figures(r)).toBe('1,058.25 of 1,000 CU')
  })

  it('says the step still passes in advisory mode', () => {
    const r = report([gen('a')], [ok(1234, 1000)], { minRemaining: 0, failOnInsufficient: false }, [])
    expect(headline(r)).toBe('❌ the workspace would go 234 CU negative · advisory: the step still passes')
    expect(figures(r)).toBe('+1,234 CU in this pull request · 1,234 of 1,000 CU')
  })

  it('names every failing rule: the first in the headline, the others below', () => {
    const r = report([gen('a')], [ok(150, 200)], { minRemaining: 100_000_000, maxTotal: 50_000_000, failOnInsufficient: true })
    expect(headline(r)).toBe('❌ 50 CU short of the 100 CU reserve')
    expect(otherBreaches(r)).toBe('Also 100 CU over the 50 CU cap (max-total).')
    expect(otherBreaches(scenarioReport())).toBeUndefined()
  })

  it("names Layer's own has_sufficient_creative_units: false", () => {
    const no: RequestOutcome = { ok: true, response: { ...answer(5, 1000), has_sufficient_creative_units: false } }
    expect(statusLine(report([gen('a')], [no]))).toBe(
      '❌ Layer says the workspace cannot pay for it (has_sufficient_creative_units: false)',
    )
  })

  it('warns with the warning level (warn-remaining-balance), in every mode', () => {
    const policy: Policy = { minRemaining: 0, warnRemaining: 500_000_000, failOnInsufficient: true }
    const warned = report([gen('a')], [ok(512.5, 1000)], policy)
    expect(headline(warned)).toBe('⚠️ 12.5 CU below the 500 CU warning level (warn-remaining-balance)')
    expect(figures(warned)).toBe('512.5 of 1,000 CU · 487.5 left')
    const advisory = report([gen('a')], [ok(512.5, 1000)], { ...policy, failOnInsufficient: false }, [])
    expect(headline(advisory)).toBe('⚠️ 12.5 CU below the 500 CU warning level (warn-remaining-balance)')
    expect(figures(advisory)).toBe('+512.5 CU in this pull request · 512.5 of 1,000 CU · 487.5 left')
  })

  it('says how many generations could not be priced, and what is known', () => {
    const outcomes = [failed('server', 'x'), failed('server', 'y'), ok(1, 50)]
    const r = report([gen('a'), gen('b'), gen('c')], outcomes)
    expect(headline(r)).toBe('❌ could not price 2 generations')
    expect(figures(r)).toBe('total unknown (1 CU priced) · balance 50 CU')
    expect(statusLine(report([gen('a')], [failed('server', 'x')], { minRemaining: 0, failOnInsufficient: false }))).toBe(
      '❌ could not price 1 generation',
    )
    expect(figures(report([gen('a')], [failed('server', 'x')]))).toBe('total unknown')
  })

  it('says when the sum cannot be held exactly', () => {
    const huge = report([gen('a'), gen('b')], [ok(5_000_000_000, 9_000_000_000), ok(5_000_000_000, 9_000_000_000)])
    expect(statusLine(huge)).toBe("❌ the total cannot be computed exactly: Layer's figures are too large")
  })

  it('says nothing is planned for an empty manifest, with the change when the last generation was removed', () => {
    expect(statusLine(report([], []))).toBe('✅ nothing planned: 0 CU')
    const removed = report([], [ok(60.125, 1000)], strict, [gen('old')])
    expect(removed.verdict).toMatchObject({ status: 'within', passes: true, total: 0 })
    expect(headline(removed)).toBe('✅ -60.125 CU in this pull request · nothing planned')
  })
})
