import { describe, expect, it } from '@jest/globals'
import { buildPlan } from '../../src/pricing/plan.js'
import { judgePlan } from '../../src/pipeline.js'
import { toJsonReport, toStopReport } from '../../src/report/json.js'
import { toOutputs } from '../../src/report/outputs.js'
import type { Generation, Policy, RequestOutcome } from '../../src/types.js'
import { FILE, KNIGHT_MODEL, WORKSPACE, failed, gen, ok } from '../fixtures/report/generations.js'
import { scenarioReport } from '../fixtures/report/scenario.js'

function report(head: Generation[], outcomes: RequestOutcome[], policy: Policy) {
  const plan = buildPlan(WORKSPACE, head)
  return judgePlan(plan, outcomes, { policy, baseRead: false, balanceAt: '2025-06-01T12:34:56.000Z' }).report
}

describe('toJsonReport', () => {
  it("uses Layer's naming and exact decimals", () => {
    const policy: Policy = { minRemaining: 100_000_000, maxTotal: 500_000_000, failOnInsufficient: true }
    const json = toJsonReport(report([gen('a', { runs: 3, group: 'characters' }), gen('b')], [ok(0.1, 1000), ok(0.2, 999.9)], policy))
    expect(json).toEqual({
      version: 1,
      workspace_id: WORKSPACE,
      status: 'within',
      total_creative_units: 0.5,
      balance_creative_units: 999.9,
      remaining_creative_units: 999.4,
      min_remaining_balance_creative_units: 100,
      max_total_creative_units: 500,
      warn_remaining_balance_creative_units: null,
      sufficient: true,
      passes: true,
      reasons: [],
      simulated: false,
      requests: 2,
      entries: 2,
      generations: [
        {
          name: 'a',
          file: FILE,
          line: 10,
          model_id: KNIGHT_MODEL,
          model: 'knight-style',
          runs: 3,
          group: 'characters',
          unit_creative_units: 0.1,
          total_creative_units: 0.3,
        },
        {
          name: 'b',
          file: FILE,
          line: 10,
          model_id: KNIGHT_MODEL,
          model: 'knight-style',
          runs: 1,
          group: null,
          unit_creative_units: 0.2,
          total_creative_units: 0.2,
        },
      ],
      failures: [],
      balance_at: '2025-06-01T12:34:56.000Z',
    })
  })

  it('says null for what is unknown when a generation could not be priced, and not sufficient', () => {
    const policy: Policy = { minRemaining: 0, failOnInsufficient: false }
    const json = toJsonReport(report([gen('a'), gen('b')], [ok(1), failed('server', 'Layer answered 503')], policy))
    expect(json).toMatchObject({
      status: 'error',
      total_creative_units: null,
      balance_creative_units: 10_000,
      remaining_creative_units: null,
      max_total_creative_units: null,
      sufficient: false,
      passes: false,
      failures: [`b (${FILE}:10): Layer answered 503`],
    })
    expect(json.generations[1]).toMatchObject({
      name: 'b',
      unit_creative_units: null,
      total_creative_units: null,
      error: 'Layer answered 503',
    })
  })

  it('adds the change against base, the commit and the run URL on pull requests', () => {
    const json = toJsonReport(scenarioReport())
    expect(json.delta_creative_units).toBe(60.125)
    expect(json.commit).toBe('9f2c4e1a7b3d5f60812a4c6e8b0d2f4a6c8e0b1d')
    expect(json.run_url).toBe('https://github.com/pixel-forge/dungeon-art/actions/runs/9876543210/attempts/1')
    expect(json.generations.map((g) => [g.name, g.change, g.delta_creative_units])).toEqual([
      ['castle-flyover', 'unchanged', 0],
      ['knight-portraits', 'changed', 27],
      ['mage-portraits', 'unchanged', 0],
      ['castle-flyover-teaser', 'added', 48.125],
      ['tavern-props', 'unchanged', 0],
      ['forest-tiles', 'unchanged', 0],
      ['ui-icons', 'unchanged', 0],
      ['old-dungeon-tiles', 'removed', -15],
    ])
    // A removed generation carries its base price, and is not part of the total.
    expect(json.generations[7]).toMatchObject({ unit_creative_units: 0.75, total_creative_units: 15 })
    expect(json.total_creative_units).toBe(444.025)
  })

  it('survives JSON serialisation unchanged (no undefined, no NaN)', () => {
    const json = toJsonReport(scenarioReport())
    expect(JSON.parse(JSON.stringify(json))).toEqual(json)
  })

  it('says status warn, as the status output does, with the warning level and why', () => {
    const policy: Policy = { minRemaining: 0, warnRemaining: 500_000_000, failOnInsufficient: true }
    const warned = report([gen('a')], [ok(512.5, 1000)], policy)
    const json = toJsonReport(warned)
    expect(json).toMatchObject({
      status: 'warn',
      sufficient: true,
      passes: true,
      remaining_creative_units: 487.5,
      warn_remaining_balance_creative_units: 500,
      reasons: ['After the run 487.5 CU would remain, 12.5 CU below the warning level of 500 CU (warn-remaining-balance).'],
    })
    expect(json.status).toBe(toOutputs(warned, { reportPath: 'r.json' }).status)
    // A run stopped before pricing has the same one meaning of status.
    expect(toStopReport({ message: 'x', problems: [] }, undefined).status).toBe('error')
  })

  it('reports nothing planned as 0 CU within budget, the balance null (not read) and no request', () => {
    const json = toJsonReport(report([], [], { minRemaining: 100_000_000, failOnInsufficient: true }))
    expect(json).toMatchObject({
      status: 'within',
      total_creative_units: 0,
      balance_creative_units: null,
      remaining_creative_units: null,
      sufficient: true,
      passes: true,
      requests: 0,
      entries: 0,
      generations: [],
      failures: [],
    })
  })
})

describe('toJsonReport: simulated prices', () => {
  it('says "simulated": true for prices from the simulator, false for Layer\'s', () => {
    const layer = report([gen('a')], [ok(1)], { minRemaining: 0, failOnInsufficient: true })
    expect(toJsonReport(layer).simulated).toBe(false)
    expect(toJsonReport({ ...layer, simulated: true }).simulated).toBe(true)
  })
})
