import { describe, expect, it } from '@jest/globals'
import { buildPlan } from '../../src/pricing/plan.js'
import { judgePlan } from '../../src/pipeline.js'
import { toOutputs } from '../../src/report/outputs.js'
import type { Generation, Policy, RequestOutcome } from '../../src/types.js'
import { WORKSPACE, failed, gen, ok } from '../fixtures/report/generations.js'
import { scenarioReport } from '../fixtures/report/scenario.js'

const strict: Policy = { minRemaining: 0, failOnInsufficient: true }

function report(head: Generation[], outcomes: RequestOutcome[], policy = strict) {
  const plan = buildPlan(WORKSPACE, head)
  return judgePlan(plan, outcomes, { policy, baseRead: false, balanceAt: 'now' }).report
}

describe('toOutputs', () => {
  it('gives exactly the outputs of the action, as plain decimals', () => {
    const outputs = toOutputs(report([gen('a', { runs: 1000 }), gen('b')], [ok(1234.5), ok(0.25)], strict), {
      reportPath: '/tmp/layer-budget-gate/report.json',
    })
    expect(outputs).toEqual({
      'total-creative-units': '1234500.25',
      'balance-creative-units': '10000',
      'remaining-creative-units': '-1224500.25',
      'delta-creative-units': '',
      sufficient: 'false',
      entries: '2',
      requests: '2',
      'report-path': '/tmp/layer-budget-gate/report.json',
      'comment-url': '',
      status: 'over',
      'committed-creative-units': '',
    })
  })

  it('gives the delta and the comment URL on pull requests', () => {
    const outputs = toOutputs(scenarioReport(), { reportPath: 'r.json', commentUrl: 'https://github.com/o/r/pull/1#issuecomment-2' })
    expect(outputs).toMatchObject({
      'total-creative-units': '444.025',
      'balance-creative-units': '12480.5',
      'remaining-creative-units': '12036.475',
      'delta-creative-units': '60.125',
      sufficient: 'true',
      entries: '7',
      requests: '9',
      'comment-url': 'https://github.com/o/r/pull/1#issuecomment-2',
    })
  })

  it('leaves unknown amounts empty and says not sufficient when a generation could not be priced', () => {
    const advisory: Policy = { minRemaining: 0, failOnInsufficient: false }
    const outputs = toOutputs(report([gen('a'), gen('b')], [ok(1), failed('server', 'x')], advisory), { reportPath: 'r.json' })
    expect(outputs).toMatchObject({
      'total-creative-units': '',
      'balance-creative-units': '10000',
      'remaining-creative-units': '',
      sufficient: 'false',
    })
  })

  it('says the verdict in status: within, warn, over or error', () => {
    const warnAt = (level: number): Policy => ({ ...strict, warnRemaining: level * 1_000_000 })
    const status = (outcomes: RequestOutcome[], policy: Policy) =>
      toOutputs(report([gen('a'), gen('b')], outcomes, policy), { reportPath: 'r.json' }).status
    expect(status([ok(1, 100), ok(2, 100)], strict)).toBe('within')
    expect(status([ok(1, 100), ok(2, 100)], warnAt(97))).toBe('within')
    expect(status([ok(1, 100), ok(2, 100)], warnAt(97.001))).toBe('warn')
    expect(status([ok(1, 100), ok(2, 100)], { ...warnAt(98), failOnInsufficient: false })).toBe('warn')
    expect(status([ok(60, 100), ok(50, 100)], warnAt(98))).toBe('over')
    expect(status([ok(1, 100), failed('server', 'x')], warnAt(98))).toBe('error')
  })

  it('gives an empty balance and remaining, a total of 0 and status within when nothing is planned', () => {
    expect(toOutputs(report([], []), { reportPath: 'r.json' })).toEqual({
      'total-creative-units': '0',
      'balance-creative-units': '',
      'remaining-creative-units': '',
      'delta-creative-units': '',
      sufficient: 'true',
      entries: '0',
      requests: '0',
      'report-path': 'r.json',
      'comment-url': '',
      status: 'within',
      'committed-creative-units': '',
    })
  })
})
