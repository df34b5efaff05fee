import { describe, expect, it } from '@jest/globals'
import { buildPlan } from '../../src/pricing/plan.js'
import { judgePlan } from '../../src/pipeline.js'
import {
  breakdownRows,
  breakdownTable,
  changeCounts,
  headline,
  nothingPlanned,
  shareText,
  statusLine,
  summaryRows,
} from '../../src/report/rows.js'
import type { Generation, Policy, Report, RequestOutcome } from '../../src/types.js'
import { WORKSPACE, answer, failed, gen, ok } from '../fixtures/report/generations.js'
import { scenarioReport } from '../fixtures/report/scenario.js'

const strict: Policy = { minRemaining: 0, failOnInsufficient: true }

function report(head: Generation[], outcomes: RequestOutcome[], policy: Policy = strict, base?: Generation[]): Report {
  const plan = buildPlan(WORKSPACE, head, base)
  return judgePlan(plan, outcomes, { policy, baseRead: base !== undefined, balanceAt: '2025-06-01T12:00:00Z' }).report
}

describe('summaryRows', () => {
  it('lists total, balance, remaining, reserve and verdict with grouped numbers', () => {
    const r = report([gen('a', { runs: 2 })], [ok(617.25, 10_000)], { minRemaining: 1_000_000_000, failOnInsufficient: true })
    expect(summaryRows(r)).toEqual([
      ['Budget', 'CU'],
      ['Estimated total', '1,234.5'],
      ['Workspace balance', '10,000'],
      ['Remaining after the run', '8,765.5'],
      ['Reserve (min-remaining-balance)', '1,000'],
      ['Verdict', '✅ Within budget'],
    ])
  })

  it('adds the cap and the change against base when there are', () => {
    const r = report([gen('a')], [ok(30, 20)], { minRemaining: 0, maxTotal: 25_000_000, failOnInsufficient: false }, [])
    expect(summaryRows(r)).toEqual([
      ['Budget', 'CU'],
      ['Estimated total', '30'],
      ['Workspace balance', '20'],
      ['Remaining after the run', '-10'],
      ['Reserve (min-remaining-balance)', '0'],
      ['Cap (max-total)', '25'],
      ['Change against base', '+30'],
      ['Verdict', '❌ Over budget (advisory)'],
    ])
  })

  it('shows the warning level and the warning verdict when remaining is below it', () => {
    const r = report([gen('a')], [ok(512.5, 1000)], { minRemaining: 0, warnRemaining: 500_000_000, failOnInsufficient: true })
    expect(summaryRows(r)).toEqual([
      ['Budget', 'CU'],
      ['Estimated total', '512.5'],
      ['Workspace balance', '1,000'],
      ['Remaining after the run', '487.5'],
      ['Reserve (min-remaining-balance)', '0'],
      ['Warning level (warn-remaining-balance)', '500'],
      ['Verdict', '⚠️ Within budget, below the warning level'],
    ])
  })

  it('says the balance was not read when nothing is planned (no request was sent)', () => {
    expect(summaryRows(report([], []))).toEqual([
      ['Budget', 'CU'],
      ['Estimated total', '0'],
      ['Workspace balance', 'not read'],
      ['Remaining after the run', '—'],
      ['Reserve (min-remaining-balance)', '0'],
      ['Verdict', '✅ Within budget'],
    ])
  })

  it('says what is unknown when a generation could not be priced', () => {
    const r = report([gen('a'), gen('b')], [ok(5, 100), failed('server', 'Layer answered 503')])
    expect(summaryRows(r)).toEqual([
      ['Budget', 'CU'],
      ['Estimated total', 'unknown (≥ 5 priced)'],
      ['Workspace balance', '100'],
      ['Remaining after the run', 'unknown'],
      ['Reserve (min-remaining-balance)', '0'],
      ['Verdict', '⚠️ Could not price 1 generation'],
    ])
  })
})

describe('statusLine and headline', () => {
  it('says within budget with the total and the balance', () => {
    const r = report([gen('a', { runs: 2 })], [ok(617.25, 10_000)])
    expect(statusLine(r)).toBe('✅ Within budget: 1,234.5 CU of 10,000 CU')
    expect(headline(r)).toBe('✅ Within budget: 1,234.5 CU of 10,000 CU')
  })

  it('says how far over budget, and that the step still passes in advisory mode', () => {
    expect(statusLine(report([gen('a')], [ok(1234, 1000)]))).toBe('❌ Over budget by 234 CU')
    const advisory = report([gen('a')], [ok(1234, 1000)], { minRemaining: 0, failOnInsufficient: false }, [])
    expect(statusLine(advisory)).toBe('❌ Over budget by 234 CU (advisory: the step still passes)')
    expect(headline(advisory)).toBe('❌ Over budget by 234 CU (+1,234 CU against base) · advisory: the step still passes')
  })

  it('says how many generations could not be priced', () => {
    const outcomes = [failed('server', 'x'), failed('server', 'y'), ok(1)]
    expect(statusLine(report([gen('a'), gen('b'), gen('c')], outcomes))).toBe('⚠️ Could not price 2 generations: the total is unknown')
    expect(statusLine(report([gen('a')], [failed('server', 'x')], { minRemaining: 0, failOnInsufficient: false }))).toBe(
      '⚠️ Could not price 1 generation: the total is unknown',
    )
  })

  it('names the rule when nothing is short but Layer says the workspace cannot pay, or when the sum cannot be held', () => {
    const no: RequestOutcome = { ok: true, response: { ...answer(5, 1000), has_sufficient_creative_units: false } }
    expect(statusLine(report([gen('a')], [no]))).toBe('❌ Over budget: Layer says the workspace cannot pay for it')
    const huge = report([gen('a'), gen('b')], [ok(5_000_000_000, 9_000_000_000), ok(5_000_000_000, 9_000_000_000)])
    expect(statusLine(huge)).toBe("⚠️ The total cannot be computed exactly: Layer's figures are too large")
  })

  it('says which warning rule and by how much when within budget but below the warning level', () => {
    const policy: Policy = { minRemaining: 0, warnRemaining: 500_000_000, failOnInsufficient: true }
    const warned = report([gen('a')], [ok(512.5, 1000)], policy)
    expect(statusLine(warned)).toBe('⚠️ 12.5 CU below the 500 CU warning level (warn-remaining-balance)')
    expect(headline(warned)).toBe('⚠️ 12.5 CU below the 500 CU warning level (warn-remaining-balance)')
    // Advisory mode changes nothing: a warning passes anyway.
    const advisory = report([gen('a')], [ok(512.5, 1000)], { ...policy, failOnInsufficient: false }, [])
    expect(headline(advisory)).toBe('⚠️ 12.5 CU below the 500 CU warning level (warn-remaining-balance) (+512.5 CU against base)')
  })

  it('says nothing is planned for an empty manifest, with the change when the last generation was removed', () => {
    expect(statusLine(report([], []))).toBe('✅ Nothing planned: 0 CU')
    const removed = report([], [ok(60.125, 1000)], strict, [gen('old')])
    expect(removed.verdict).toMatchObject({ status: 'within', passes: true, total: 0 })
    expect(headline(removed)).toBe('✅ Nothing planned: 0 CU (-60.125 CU against base)')
  })

  it('adds the total change against base to the headline', () => {
    expect(headline(scenarioReport())).toBe('✅ Within budget: 444.025 CU of 12,480.5 CU (+60.125 CU against base)')
  })
})

describe('breakdownRows', () => {
  it('lists generations most expensive first with runs, unit, total and share', () => {
    const r = report(
      [gen('small', { runs: 1 }), gen('big', { runs: 1000, modelLabel: 'ltx-video' }), gen('tiny'), gen('broken')],
      [ok(10), ok(7.5), ok(0.001), failed('server', 'Layer answered 503')],
    )
    expect(breakdownRows(r)).toEqual([
      ['Generation', 'Model', 'Runs', 'CU per run', 'Total CU', 'Share'],
      ['big', 'ltx-video', '1,000', '7.5', '7,500', '—'],
      ['small', 'knight-style', '1', '10', '10', '—'],
      ['tiny', 'knight-style', '1', '0.001', '0.001', '—'],
      ['broken', 'knight-style', '1', '—', 'not priced', '—'],
      ['Total: 4 generations', '', '', '', 'unknown', '—'],
    ])
  })

  it('gives shares of the total, "<0.1%" when tiny', () => {
    const r = report([gen('big', { runs: 1000 }), gen('small'), gen('tiny')], [ok(7.5), ok(10), ok(0.001)])
    expect(breakdownRows(r).map((row) => row[5])).toEqual(['Share', '99.9%', '0.1%', '<0.1%', '100%'])
    expect(shareText(1, 8)).toBe('12.5%')
    expect(shareText(0, 8)).toBe('0.0%')
    expect(shareText(1, 0)).toBe('—')
  })

  it('adds the file to the name when generations come from several manifests', () => {
    const r = report([gen('a', { file: 'art/a.yml' }), gen('a', { file: 'art/b.yml' })], [ok(2), ok(1)])
    expect(breakdownRows(r).map((row) => row[0])).toEqual(['Generation', 'a (art/a.yml)', 'a (art/b.yml)', 'Total: 2 generations'])
  })

  it('heads each group with its subtotal, groups most expensive first, ungrouped last', () => {
    const r = report(
      [gen('k', { group: 'characters', runs: 2 }), gen('m', { group: 'characters' }), gen('loose'), gen('castle', { group: 'cinematics' })],
      [ok(10), ok(5), ok(100), ok(30)],
    )
    expect(breakdownRows(r)).toEqual([
      ['Generation', 'Model', 'Runs', 'CU per run', 'Total CU', 'Share'],
      ['cinematics: 1 generation', '', '', '', '30', '19.4%'],
      ['castle', 'knight-style', '1', '30', '30', '19.4%'],
      ['characters: 2 generations', '', '', '', '25', '16.1%'],
      ['k', 'knight-style', '2', '10', '20', '12.9%'],
      ['m', 'knight-style', '1', '5', '5', '3.2%'],
      ['(no group): 1 generation', '', '', '', '100', '64.5%'],
      ['loose', 'knight-style', '1', '100', '100', '64.5%'],
      ['Total: 4 generations', '', '', '', '155', '100%'],
    ])
    expect(breakdownTable(r).rows.map((row) => row.kind)).toEqual([
      'subtotal',
      'line',
      'subtotal',
      'line',
      'line',
      'subtotal',
      'line',
      'total',
    ])
  })

  it('adds Change and Δ CU columns against the base, removed lines last in their group', () => {
    expect(breakdownRows(scenarioReport())).toEqual([
      ['Generation', 'Model', 'Runs', 'CU per run', 'Total CU', 'Share', 'Change', 'Δ CU'],
      ['cinematics: 2 generations', '', '', '', '240.625', '54.2%', '', '+48.125'],
      ['castle-flyover', 'ltx-video', '2', '96.25', '192.5', '43.4%', 'unchanged', '—'],
      ['castle-flyover-teaser', 'ltx-video', '1', '48.125', '48.125', '10.8%', 'added', '+48.125'],
      ['characters: 2 generations', '', '', '', '125', '28.2%', '', '+27'],
      ['knight-portraits', 'knight-style', '6', '12.5', '75', '16.9%', 'changed', '+27'],
      ['mage-portraits', 'knight-style', '4', '12.5', '50', '11.3%', 'unchanged', '—'],
      ['environment: 2 generations', '', '', '', '68.4', '15.4%', '', '-15'],
      ['tavern-props', 'knight-style', '12', '3.2', '38.4', '8.6%', 'unchanged', '—'],
      ['forest-tiles', 'knight-style', '40', '0.75', '30', '6.8%', 'unchanged', '—'],
      ['old-dungeon-tiles', 'knight-style', '20', '—', '—', '—', 'removed', '-15'],
      ['(no group): 1 generation', '', '', '', '10', '2.3%', '', '0'],
      ['ui-icons', '3c90c3cc-0d44-4b50-8888-8dd25736052a', '25', '0.4', '10', '2.3%', 'unchanged', '—'],
      ['Total: 7 generations', '', '', '', '444.025', '100%', '', '+60.125'],
    ])
    expect(changeCounts(scenarioReport())).toBe('1 added, 1 changed, 1 removed, 5 unchanged')
  })

  it('heads a group whose generations were all removed with what was removed, not a zero share', () => {
    const r = report([gen('a', { group: 'kept' })], [ok(2), ok(3)], strict, [gen('gone', { group: 'old', runs: 2 })])
    expect(breakdownRows(r)).toEqual([
      ['Generation', 'Model', 'Runs', 'CU per run', 'Total CU', 'Share', 'Change', 'Δ CU'],
      ['kept: 1 generation', '', '', '', '2', '100.0%', '', '+2'],
      ['a', 'knight-style', '1', '2', '2', '100.0%', 'added', '+2'],
      ['old: 1 removed generation', '', '', '', '—', '—', '', '-6'],
      ['gone', 'knight-style', '2', '—', '—', '—', 'removed', '-6'],
      ['Total: 1 generation', '', '', '', '2', '100%', '', '-4'],
    ])
  })

  it('keeps the most expensive lines when limited, flat, with a row for the rest', () => {
    const r = report(
      [gen('a', { group: 'g' }), gen('b'), gen('c'), gen('d'), gen('e')],
      [ok(50), ok(40), ok(1.5), ok(1.25), failed('server', 'x'), ok(3)],
      strict,
      [gen('gone')],
    )
    // Plan order of requests: a, b, c, d, e (head) then gone (base).
    expect(breakdownRows(r, { limit: 2 })).toEqual([
      ['Generation', 'Model', 'Runs', 'CU per run', 'Total CU', 'Share', 'Change', 'Δ CU'],
      ['a', 'knight-style', '1', '50', '50', '—', 'added', '+50'],
      ['b', 'knight-style', '1', '40', '40', '—', 'added', '+40'],
      ['… 3 more generations (2.75 CU, 1 not priced) and 1 removed generation', '', '', '', '', '', '', ''],
      ['Total: 5 generations', '', '', '', 'unknown', '—', '', '—'],
    ])
    expect(breakdownRows(r, { limit: 0 })[1]![0]).toBe('… 5 more generations (92.75 CU, 1 not priced) and 1 removed generation')
    expect(breakdownRows(r, { limit: 6 })).toEqual(breakdownRows(r))
  })

  it('shows a total row only for an empty manifest', () => {
    expect(breakdownRows(report([], []))).toEqual([
      ['Generation', 'Model', 'Runs', 'CU per run', 'Total CU', 'Share'],
      ['Total: 0 generations', '', '', '', '0', '—'],
    ])
  })
})

describe('nothingPlanned', () => {
  it('stands for the breakdown only when the manifests list no generation, and says whether the balance was read', () => {
    expect(nothingPlanned(report([gen('a')], [ok(1)]))).toBeUndefined()
    expect(nothingPlanned(report([], []))).toBe(
      'Nothing is planned: the manifests list no generations, so no estimate was requested and the workspace balance was not read.',
    )
    expect(nothingPlanned(report([], [ok(1)], strict, [gen('old')]))).toBe('Nothing is planned: the manifests list no generations.')
  })
})
