import { describe, expect, it } from '@jest/globals'
import { buildPlan } from '../../src/pricing/plan.js'
import { judgePlan } from '../../src/pipeline.js'
import { priceGenerations } from '../../src/pricing/price.js'
import { unpricedProblems } from '../../src/report/build.js'
import type { Generation, Policy, RequestOutcome } from '../../src/types.js'
import { FILE, WORKSPACE, failed, gen, ok } from '../fixtures/report/generations.js'

const policy: Policy = { minRemaining: 0, failOnInsufficient: true }
const balanceAt = '2025-06-01T12:34:56.000Z'

function report(head: Generation[], outcomes: RequestOutcome[], base: Generation[] = [], compareBase = false, baseNote?: string) {
  const plan = buildPlan(WORKSPACE, head, base)
  return judgePlan(plan, outcomes, { policy, baseRead: compareBase, baseNote, balanceAt }).report
}

describe('buildReport', () => {
  it('lists lines most expensive first, ties by name, unpriced last with their error', () => {
    const r = report(
      [gen('cheap'), gen('zeta', { runs: 2 }), gen('broken'), gen('alpha', { runs: 4 })],
      [ok(1), ok(2), failed('server', 'Layer answered 503 after 5 attempts'), ok(1)],
    )
    expect(r.lines.map((l) => [l.name, l.unit, l.total, l.error])).toEqual([
      ['alpha', 1_000_000, 4_000_000, undefined],
      ['zeta', 2_000_000, 4_000_000, undefined],
      ['cheap', 1_000_000, 1_000_000, undefined],
      ['broken', undefined, undefined, 'Layer answered 503 after 5 attempts'],
    ])
    expect(r.entries).toBe(4)
    expect(r.requests).toBe(4)
    expect(r.workspaceId).toBe(WORKSPACE)
    expect(r.balanceAt).toBe(balanceAt)
    expect(r.failures).toEqual([`broken (${FILE}:10): Layer answered 503 after 5 attempts`])
    expect(r.delta).toBeUndefined()
    expect(r.lines.every((l) => l.change === undefined)).toBe(true)
  })

  it('copies the generation fields a line needs, and the commit and run URL', () => {
    const plan = buildPlan(WORKSPACE, [gen('a', { group: 'characters', modelLabel: 'knight-style', runs: 3, line: 7 })])
    const outcomes = [ok(2.5)]
    const r = judgePlan(plan, outcomes, {
      policy,
      baseRead: false,
      balanceAt,
      commit: 'abc1234def',
      runUrl: 'https://github.com/o/r/actions/runs/1',
    }).report
    expect(r.lines).toEqual([
      {
        name: 'a',
        file: FILE,
        line: 7,
        modelId: plan.generations[0]!.modelId,
        modelLabel: 'knight-style',
        runs: 3,
        group: 'characters',
        unit: 2_500_000,
        total: 7_500_000,
      },
    ])
    expect(r.commit).toBe('abc1234def')
    expect(r.runUrl).toBe('https://github.com/o/r/actions/runs/1')
  })

  it('names the manifest line of the field Layer rejected, wherever it is written', () => {
    const knight = gen('knight-portraits', {
      line: 8,
      body: { width: 0, batch_size: 4, video_effects: [{ type: 'x' }] },
      fieldPositions: { width: { file: FILE, line: 12, col: 12 }, batch_size: { file: FILE, line: 3, col: 15 } },
    })
    const outcome = failed('validation', 'Layer rejected the request (422)', [
      { loc: ['body', 'width'], msg: 'Input should be greater than 0' },
      { loc: ['body', 'video_effects', 0, 'type'], msg: 'Input should be a valid enum' },
      { loc: ['body', 'batch_size'], msg: 'Input should be less than or equal to 16' },
    ])
    const r = report([knight], [outcome])
    const effectsLine = knight.fieldPositions.video_effects!.line
    expect(r.failures).toEqual([
      `knight-portraits (${FILE}:12): Layer rejected width: Input should be greater than 0`,
      `knight-portraits (${FILE}:${effectsLine}): Layer rejected video_effects[0].type: Input should be a valid enum`,
      `knight-portraits (${FILE}:3): Layer rejected batch_size: Input should be less than or equal to 16`,
    ])
    expect(r.verdict.status).toBe('error')
  })

  it('falls back to the generation line when Layer names no body field', () => {
    const r = report(
      [gen('a', { line: 4 })],
      [failed('validation', 'Layer rejected the request: workspace_id is not a UUID', [{ loc: ['path', 'workspace_id'], msg: 'bad' }])],
    )
    expect(r.failures).toEqual([`a (${FILE}:4): Layer rejected the request: workspace_id is not a UUID`])
  })

  it('says a refused token once, for the whole run, and lists no generation for it', () => {
    const head = [gen('a', { body: { prompt: 'same' } }), gen('b', { body: { prompt: 'same' }, line: 20 }), gen('c'), gen('d')]
    const r = report(head, [
      failed('auth', 'Layer refused the token (401): check `layer-token`'),
      failed('aborted', 'not sent'),
      failed('aborted', 'not sent'),
    ])
    expect(r.failures).toEqual(['Layer refused the token (401): check `layer-token`'])
    expect(r.runFailure).toBe('Layer refused the token (401): check `layer-token`')
    expect(r.requests).toBe(1) // aborted requests are not counted as made
  })

  it('names each generation sharing a failed request, and sums up the ones cancelled', () => {
    const head = [gen('a', { body: { prompt: 'same' } }), gen('b', { body: { prompt: 'same' }, line: 20 }), gen('c'), gen('d')]
    const r = report(head, [
      failed('validation', 'Layer rejected the request (422): prompt: too long'),
      ok(1),
      failed('aborted', 'cancelled'),
    ])
    expect(r.failures).toEqual([
      `a (${FILE}:10): Layer rejected the request (422): prompt: too long`,
      `b (${FILE}:20): Layer rejected the request (422): prompt: too long`,
      '1 generation was not priced: the run was cancelled.',
    ])
    expect(r.runFailure).toBeUndefined()
  })

  describe('against the base', () => {
    it('marks added, changed, unchanged and removed generations with their deltas', () => {
      const head = [
        gen('same', { body: { width: 512 } }),
        gen('wider', { body: { width: 2048 } }),
        gen('more-runs', { runs: 3 }),
        gen('new'),
      ]
      const base = [
        gen('same', { body: { width: 512 } }),
        gen('wider', { body: { width: 1024 } }),
        gen('more-runs', { runs: 1 }),
        gen('gone', { runs: 2 }),
      ]
      // Requests: same (head+base), wider@2048, more-runs (head+base), new, wider@1024, gone.
      const outcomes = [ok(10), ok(40), ok(5), ok(7), ok(20), ok(3)]
      const r = report(head, outcomes, base, true)
      expect(r.lines.map((l) => [l.name, l.change, l.total, l.delta])).toEqual([
        ['wider', 'changed', 40_000_000, 20_000_000],
        ['more-runs', 'changed', 15_000_000, 10_000_000],
        ['same', 'unchanged', 10_000_000, 0],
        ['new', 'added', 7_000_000, 7_000_000],
        ['gone', 'removed', 6_000_000, -6_000_000],
      ])
      expect(r.delta).toBe(72_000_000 - 41_000_000)
      expect(r.requests).toBe(6)
      expect(r.verdict.total).toBe(72_000_000)
    })

    it("keeps a changed line's base side (runs, price, line, model, batch size), so the comment shows before → after", () => {
      const head = [gen('a', { runs: 6, line: 20, body: { batch_size: 2 } }), gen('same')]
      const base = [gen('a', { runs: 3, line: 12, modelLabel: 'old-style' }), gen('same')]
      // Requests: a (head), same (head+base), a (base).
      const r = report(head, [ok(2), ok(1), ok(1.5)], base, true)
      expect(r.lines[0]).toMatchObject({ name: 'a', change: 'changed', runs: 6, line: 20, batchSize: 2, total: 12_000_000 })
      expect(r.lines[0]!.base).toEqual({ runs: 3, line: 12, modelLabel: 'old-style', unit: 1_500_000, total: 4_500_000 })
      // An unchanged line carries no base side: nothing to show before → after.
      expect(r.lines[1]).toMatchObject({ name: 'same', change: 'unchanged' })
      expect(r.lines[1]!.base).toBeUndefined()
      expect(r.lines[1]!.batchSize).toBeUndefined()
    })

    it('carries the links to the report when given (pull requests)', () => {
      const links = { serverUrl: 'https://github.com', owner: 'o', repo: 'r', headSha: 'a'.repeat(40), baseSha: 'b'.repeat(40) }
      const plan = buildPlan(WORKSPACE, [gen('a')], [])
      expect(judgePlan(plan, [ok(1)], { policy, baseRead: true, balanceAt, links }).report.links).toEqual(links)
      expect(judgePlan(plan, [ok(1)], { policy, baseRead: true, balanceAt }).report.links).toBeUndefined()
    })

    it('tells apart generations of the same name in different files', () => {
      const r = report([gen('a', { file: 'x.yml' })], [ok(1)], [gen('a', { file: 'y.yml' })], true)
      expect(r.lines.map((l) => [l.file, l.change])).toEqual([
        ['x.yml', 'added'],
        ['y.yml', 'removed'],
      ])
      expect(r.delta).toBe(0)
    })

    it('shows everything as added when the manifest is new (empty base)', () => {
      const r = report([gen('a'), gen('b')], [ok(1), ok(2)], [], true)
      expect(r.lines.map((l) => [l.change, l.delta])).toEqual([
        ['added', 2_000_000],
        ['added', 1_000_000],
      ])
      expect(r.delta).toBe(3_000_000)
    })

    it('shows no diff and explains why when a base generation could not be priced', () => {
      const outcomes = [ok(1), failed('validation', 'Layer rejected width'), ok(2)]
      const r = report([gen('a')], outcomes, [gen('old'), gen('older')], true)
      expect(r.delta).toBeUndefined()
      expect(r.lines.every((l) => l.change === undefined)).toBe(true)
      expect(r.baseNote).toBe('The base could not be priced (old: Layer rejected width), so no change against base is shown.')
      expect(r.verdict.status).toBe('within')
      expect(r.failures).toEqual([])
    })

    it('counts the other failing base generations in the note', () => {
      const outcomes = [ok(1), failed('server', 'Layer answered 500'), failed('server', 'Layer answered 500')]
      const r = report([gen('a')], outcomes, [gen('old'), gen('older')], true)
      expect(r.baseNote).toBe('The base could not be priced (old: Layer answered 500 and 1 more), so no change against base is shown.')
    })

    it('keeps the note it was given and computes no diff', () => {
      const r = report([gen('a')], [ok(1)], [], true, 'The base manifest is invalid: no change is shown.')
      expect(r.baseNote).toBe('The base manifest is invalid: no change is shown.')
      expect(r.lines[0]!.change).toBeUndefined()
    })

    it('leaves the total delta unknown when a head generation is unpriced, but still marks changes', () => {
      // Requests: a@2048 (head, fails), b (head and base), a@1024 (base).
      const outcomes = [failed('server', 'Layer answered 503'), ok(2), ok(1)]
      const head = [gen('a', { body: { width: 2048 } }), gen('b')]
      const r = report(head, outcomes, [gen('a', { body: { width: 1024 } }), gen('b')], true)
      expect(r.lines.map((l) => [l.name, l.change, l.delta])).toEqual([
        ['b', 'unchanged', 0],
        ['a', 'changed', undefined],
      ])
      expect(r.delta).toBeUndefined()
    })
  })
})

describe('unpricedProblems', () => {
  it('points a 422 at the field, and other failures at the generation; none for aborted requests', () => {
    const head = [
      gen('a', { line: 8, col: 5, fieldPositions: { width: { file: FILE, line: 12, col: 12 } } }),
      gen('b', { line: 20, col: 5 }),
      gen('c', { line: 30 }),
    ]
    const outcomes = [
      failed('validation', 'rejected', [{ loc: ['body', 'width'], msg: 'Input should be greater than 0' }]),
      failed('not-found', 'Layer knows no model 3c90… (404): check model_id'),
      failed('aborted', 'not sent'),
    ]
    const plan = buildPlan(WORKSPACE, head, [gen('base-only')])
    expect(unpricedProblems(priceGenerations(plan, [...outcomes, failed('server', 'base failure')]))).toEqual([
      {
        file: FILE,
        line: 12,
        col: 12,
        title: 'Layer rejected the generation',
        message: 'a: Layer rejected width: Input should be greater than 0',
      },
      {
        file: FILE,
        line: 20,
        col: 5,
        title: 'Not found at Layer',
        message: 'b: Layer knows no model 3c90… (404): check model_id',
      },
    ])
  })

  it('gives nothing when everything was priced', () => {
    const plan = buildPlan(WORKSPACE, [gen('a')])
    expect(unpricedProblems(priceGenerations(plan, [ok(1)]))).toEqual([])
  })
})
