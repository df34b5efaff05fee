/** When a run failed as a whole (pure): one reason for the run, instead of one per generation. */
import { describe, expect, it } from '@jest/globals'
import { buildPlan } from '../../src/pricing/plan.js'
import { priceGenerations } from '../../src/pricing/price.js'
import { runFailure } from '../../src/report/run-failure.js'
import type { Generation, RequestOutcome } from '../../src/types.js'
import { WORKSPACE, failed, gen, ok } from '../fixtures/report/generations.js'
import { CLI_WORDS } from '../../src/vocabulary.js'

const OTHER_MODEL = '0b7e3f1a-5c2d-4e8f-9a6b-1c3d5e7f9a2b'

function failureOf(head: Generation[], outcomes: RequestOutcome[], base: Generation[] = []): string | undefined {
  return runFailure(priceGenerations(buildPlan(WORKSPACE, head, base), outcomes))
}

const eleven = Array.from({ length: 11 }, (_, i) => gen(`g${i}`, { line: 10 + i }))

describe('runFailure', () => {
  it('is the refused token, whatever else happened', () => {
    expect(
      failureOf([gen('a'), gen('b'), gen('c')], [ok(1), failed('auth', 'Layer refused the token (401)'), failed('aborted', 'not sent')]),
    ).toBe('Layer refused the token (401)')
  })

  it('is Layer out of reach when every request failed to reach it (connection errors and timeouts alike)', () => {
    const outcomes = eleven.map((_, i) => failed(i % 2 ? 'timeout' : 'network', i === 0 ? 'Could not reach Layer at http://x' : 'other'))
    expect(failureOf(eleven, outcomes)).toBe('Could not reach Layer at http://x (all 11 estimate requests failed this way)')
    expect(failureOf([gen('a')], [failed('timeout', 'Layer did not answer within 1 s')])).toBe('Layer did not answer within 1 s')
  })

  it('is every request answered 503 after its retries, base requests included', () => {
    const outcomes = [failed('server', 'Layer answered 503'), failed('server', 'Layer answered 503')]
    expect(failureOf([gen('a')], outcomes, [gen('b')])).toBe('Layer answered 503 (all 2 estimate requests failed this way)')
  })

  it('is not one when any request was answered: the failures are the generations own', () => {
    expect(failureOf([gen('a'), gen('b')], [failed('server', 'Layer answered 503'), ok(1)])).toBeUndefined()
    expect(failureOf([gen('a')], [ok(1)], [gen('b')])).toBeUndefined()
  })

  it('is not one for failures of different kinds, or of a kind that belongs to a generation', () => {
    expect(failureOf([gen('a'), gen('b')], [failed('server', 'x'), failed('network', 'y')])).toBeUndefined()
    expect(failureOf([gen('a'), gen('b')], [failed('validation', 'x'), failed('validation', 'y')])).toBeUndefined()
    expect(failureOf([gen('a'), gen('b')], [failed('malformed', 'x'), failed('malformed', 'y')])).toBeUndefined()
    expect(failureOf([gen('a')], [failed('aborted', 'cancelled')])).toBeUndefined()
  })

  it('is an unknown workspace when every request of several models was answered 404, not when one model explains them', () => {
    const models = [gen('a'), gen('b', { modelId: OTHER_MODEL })]
    const both404 = [failed('not-found', 'Layer answered 404: Workspace not found', [], 404), failed('not-found', 'again', [], 404)]
    expect(failureOf(models, both404)).toBe(
      `Layer answered 404 to all 2 estimate requests, for 2 different models: workspace ${WORKSPACE} does not exist there, ` +
        'or the token cannot see it; check `workspace-id` and `api-url`. The first answer: Layer answered 404: Workspace not found',
    )
    const cli = runFailure(priceGenerations(buildPlan(WORKSPACE, models, []), both404), CLI_WORDS)
    expect(cli).toContain('; check `--workspace-id` and `--api-url`. The first answer:')
    expect(failureOf([gen('a'), gen('b')], both404)).toBeUndefined()
  })

  it('is nothing when everything was priced', () => {
    expect(failureOf([gen('a')], [ok(1)])).toBeUndefined()
  })
})
