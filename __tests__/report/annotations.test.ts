/** Which errors a failed step prints (pure): at most 10, the failing line last, pointing to the summary for the rest. */
import { describe, expect, it } from '@jest/globals'
import { buildPlan } from '../../src/pricing/plan.js'
import { judgePlan } from '../../src/pipeline.js'
import { MAX_ERROR_ANNOTATIONS, reportFailure, stepErrors } from '../../src/report/annotations.js'
import type { Problem } from '../../src/problem.js'
import type { Generation, RequestOutcome } from '../../src/types.js'
import { FILE, WORKSPACE, failed, gen, ok } from '../fixtures/report/generations.js'

const problem = (line: number, message = `problem ${line}`): Problem => ({ file: FILE, line, col: 5, title: 'Could not price', message })

function judged(head: Generation[], outcomes: RequestOutcome[], failOnInsufficient = true) {
  return judgePlan(buildPlan(WORKSPACE, head), outcomes, {
    policy: { minRemaining: 0, failOnInsufficient },
    baseRead: false,
    balanceAt: '2025-06-01T12:34:56.000Z',
  })
}

describe('stepErrors', () => {
  it('shows every problem when they fit beside the failing line', () => {
    const problems = Array.from({ length: 9 }, (_, i) => problem(i + 1))
    expect(stepErrors('3 problems', problems)).toEqual({ annotations: problems, failure: '3 problems' })
    expect(stepErrors('failed', [])).toEqual({ annotations: [], failure: 'failed' })
  })

  it('keeps the first 9 and makes the failing line the 10th, saying how many more the job summary has', () => {
    const problems = Array.from({ length: 25 }, (_, i) => problem(i + 1))
    const errors = stepErrors('Could not price 25 generations', problems)
    expect(errors.annotations).toEqual(problems.slice(0, 9))
    expect(errors.annotations.length + 1).toBe(MAX_ERROR_ANNOTATIONS)
    expect(errors.failure).toBe('Could not price 25 generations (16 more problems not annotated here: the job summary lists every one)')
  })

  it('annotates a repeated problem once', () => {
    expect(stepErrors('x', [problem(3), problem(3), problem(4)]).annotations).toEqual([problem(3), problem(4)])
  })
})

describe('reportFailure', () => {
  it('is the run failure once, for a refused token', () => {
    const { report, problems } = judged(
      [gen('a'), gen('b')],
      [failed('auth', 'Layer refused the token (401): check `layer-token`'), failed('aborted', 'x')],
    )
    expect(reportFailure(report)).toBe('❌ could not price 2 generations. Layer refused the token (401): check `layer-token`')
    expect(problems).toEqual([])
  })

  it('names the first failure and counts the rest when generations have their own problems', () => {
    const { report, problems } = judged(
      [gen('a', { line: 3 }), gen('b', { line: 7 }), gen('c')],
      [failed('validation', 'bad width'), failed('validation', 'bad height'), ok(1)],
    )
    expect(reportFailure(report)).toBe(
      `❌ could not price 2 generations. a (${FILE}:3): bad width (and 1 more: see the annotations and the job summary)`,
    )
    expect(problems.map((p) => p.line)).toEqual([3, 7])
  })

  it('is the headline when over budget, and nothing when the step passes', () => {
    expect(reportFailure(judged([gen('a')], [ok(20_000)]).report)).toBe('❌ the workspace would go 10,000 CU negative')
    expect(reportFailure(judged([gen('a')], [ok(20_000)], false).report)).toBeUndefined()
    expect(reportFailure(judged([gen('a')], [ok(1)]).report)).toBeUndefined()
  })
})
